"""``glyload.pooling``: study results and DerSimonian-Laird random effects, against published figures."""

from __future__ import annotations

import math

import pytest

from glyload.pooling import (
    combine_study, imputed_sem, random_effects, sem_or_imputed, t_quantile_975,
)

# The BCG vaccine trials (Colditz et al., JAMA 1994;271:698-702), the worked example of
# metafor's dataset ``dat.bcg``: (tpos, tneg, cpos, cneg) of 13 trials.
BCG = [
    (4, 119, 11, 128), (6, 300, 29, 274), (3, 228, 11, 209), (62, 13536, 248, 12619),
    (33, 5036, 47, 5761), (180, 1361, 372, 1079), (8, 2537, 10, 619), (505, 87886, 499, 87892),
    (29, 7470, 45, 7232), (17, 1699, 65, 1600), (186, 50448, 141, 27197), (5, 2493, 3, 2338),
    (27, 16886, 29, 17825),
]


def log_risk_ratios():
    values, sems = [], []
    for a, b, c, d in BCG:
        values.append(math.log((a / (a + b)) / (c / (c + d))))
        sems.append(math.sqrt(1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)))
    return values, sems


def test_dersimonian_laird_matches_the_published_bcg_example():
    """metafor's test suite checks rma(method="DL") on dat.bcg against Stata's metan:
    estimate -0.7141, 95% CI -1.0644 to -0.3638, Q = 152.2330
    (tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r, metafor on CRAN);
    metafor prints tau^2 = 0.3088 and I^2 = 92.12% for that fit."""
    values, sems = log_risk_ratios()
    pooled = random_effects(values, sems)
    assert pooled["k"] == 13
    assert pooled["mean"] == pytest.approx(-0.7141, abs=5e-5)
    assert pooled["ci_low"] == pytest.approx(-1.0644, abs=5e-5)
    assert pooled["ci_high"] == pytest.approx(-0.3638, abs=5e-5)
    assert pooled["q"] == pytest.approx(152.2330, abs=5e-4)
    assert pooled["tau2"] == pytest.approx(0.3088, abs=5e-5)
    assert pooled["i2"] == pytest.approx(92.12, abs=5e-3)
    # Higgins et al. 2009 prediction interval: mean +/- t(11) x sqrt(tau^2 + se^2)
    half = 2.200985 * math.sqrt(pooled["tau2"] + pooled["se"] ** 2)
    assert pooled["pi_low"] == pytest.approx(pooled["mean"] - half, abs=1e-3)
    assert pooled["pi_high"] == pytest.approx(pooled["mean"] + half, abs=1e-3)


@pytest.mark.parametrize(("df", "table"), [(1, 12.706), (2, 4.303), (3, 3.182), (4, 2.776), (5, 2.571),
                                           (10, 2.228), (11, 2.201), (20, 2.086), (30, 2.042), (120, 1.980)])
def test_t_quantile_matches_the_table(df, table):
    assert t_quantile_975(df) == pytest.approx(table, abs=0.0005)


def test_homogeneous_studies_have_no_between_study_variance():
    pooled = random_effects([70.0, 70.0, 70.0], [3.0, 4.0, 5.0])
    assert (pooled["mean"], pooled["tau2"], pooled["i2"]) == (70.0, 0.0, 0.0)
    assert pooled["ci_low"] < 70 < pooled["ci_high"]


def test_one_study_has_no_prediction_interval_without_a_typical_tau():
    pooled = random_effects([62.0], [4.0])
    assert (pooled["mean"], pooled["k"], pooled["pi_low"], pooled["tau_estimated"]) == (62.0, 1, None, False)
    assert pooled["ci_low"] == pytest.approx(62 - 1.96 * 4, abs=0.01)
    borrowed = random_effects([62.0], [4.0], tau_fallback=10.0)
    assert borrowed["pi_low"] == pytest.approx(62 - 1.96 * math.sqrt(100 + 16), abs=0.01)


def test_random_effects_refuses_a_zero_sem():
    with pytest.raises(ValueError):
        random_effects([60.0, 70.0], [0.0, 3.0])


def test_subject_groups_of_one_study_combine_into_one_result():
    # entries 632 and 633: one long-grain rice, one study (ref 42), 47 and 21 subjects
    study = combine_study([(69.0, 3.0, 47, 632, False), (76.0, 13.0, 21, 633, False)])
    assert study.gi == pytest.approx((69 * 47 + 76 * 21) / 68)
    assert study.sem == pytest.approx(math.sqrt((47 * 3) ** 2 + (21 * 13) ** 2) / 68)
    assert (study.subjects, study.entries, study.sem_imputed) == (68, (632, 633), False)


def test_missing_sem_is_imputed_from_the_median_between_subject_sd():
    typical = imputed_sem([(3.0, 9), (5.0, 16), (2.0, 25), (None, 10), (4.0, None)])
    assert typical == (10.0, 3.5)  # SDs 9, 20, 10 -> median 10; SEMs 3, 5, 2, 4 -> 3.5
    assert sem_or_imputed(None, 25, typical) == (2.0, True)
    assert sem_or_imputed(0.0, None, typical) == (3.5, True)
    assert sem_or_imputed(6.0, 10, typical) == (6.0, False)
