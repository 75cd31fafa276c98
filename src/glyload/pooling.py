"""Pooling GI measurements: one study's subject groups, then studies by random effects.

Pure arithmetic, no I/O (the rules that choose *which* measurements are pooled
live in :mod:`glyload.gi`). The steps, for the measurements behind one food:

1. **Study result.** Entries of one study (same reference of the International
   Tables) are one study: its subject groups (or brands of one food tested on
   the same people) are combined first, mean weighted by subjects, SEM of that
   weighted mean ``sqrt(sum((n_i x sem_i)^2)) / sum(n_i)``
   (:func:`combine_study`). A study is counted once however many rows it has.
2. **Random effects across studies** (:func:`random_effects`): DerSimonian &
   Laird (Control Clin Trials 1986;7:177-88) on each study's SEM. Reports the
   pooled GI, its 95% confidence interval, the between-study SD ``tau``, ``I^2``
   (Higgins & Thompson, Stat Med 2002;21:1539-58) and the 95% prediction
   interval of a new study ``mean +/- t(k-2) x sqrt(tau^2 + se^2)`` (Higgins,
   Thompson & Spiegelhalter, J R Stat Soc A 2009;172:137-59), defined from 3
   studies. With fewer studies tau cannot be estimated; the caller passes the
   typical tau of the database (``tau_fallback``) and the interval says so.
3. **Missing SEM.** A study that reports no SEM (or 0, which no measurement in
   people can have) gets an imputed SEM (:func:`imputed_sem`): the median
   between-subject SD of the measurements that report both SEM and subjects,
   divided by sqrt(subjects); the median SEM when subjects are unknown too.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

#: Two-sided 95%: the normal quantile used for confidence intervals.
Z_95 = 1.959963984540054


@dataclass(frozen=True)
class StudyResult:
    """One study's GI of a food: mean, SEM, subjects and the entries behind it."""

    gi: float
    sem: float
    subjects: int | None
    entries: tuple
    sem_imputed: bool = False


def imputed_sem(pairs: list[tuple[float | None, int | None]]) -> tuple[float, float]:
    """(median between-subject SD, median SEM) from (sem, subjects) of reported measurements."""
    sds = [sem * math.sqrt(n) for sem, n in pairs if sem and n]
    sems = [sem for sem, _ in pairs if sem]
    if not sems:
        raise ValueError("no measurement reports a SEM: nothing to impute from")
    return (statistics.median(sds) if sds else statistics.median(sems) * math.sqrt(10),
            statistics.median(sems))


def sem_or_imputed(sem, subjects, typical: tuple[float, float]) -> tuple[float, bool]:
    """The reported SEM, or the imputed one (:func:`imputed_sem`); and whether it was imputed."""
    if sem:
        return sem, False
    sd, median_sem = typical
    return (sd / math.sqrt(subjects) if subjects else median_sem), True


def combine_study(groups: list[tuple[float, float, int | None, int, bool]]) -> StudyResult:
    """Combine one study's rows (gi, sem, subjects, entry, sem imputed) into one result.

    Mean weighted by subjects (plain mean when a count is unknown); SEM of that
    weighted mean, the groups being different people.
    """
    weights = [n for _, _, n, _, _ in groups]
    if all(weights):
        total = sum(weights)
        gi = sum(g * n for g, _, n, _, _ in groups) / total
        sem = math.sqrt(sum((n * s) ** 2 for _, s, n, _, _ in groups)) / total
        subjects = total
    else:
        k = len(groups)
        gi = sum(g for g, _, _, _, _ in groups) / k
        sem = math.sqrt(sum(s * s for _, s, _, _, _ in groups)) / k
        subjects = None
    return StudyResult(gi, sem, subjects, tuple(sorted(e for _, _, _, e, _ in groups)),
                       any(imputed for *_, imputed in groups))


def _t_two_sided(t: float, df: int) -> float:
    """P(|T| < t) for Student's t, integer ``df`` (Abramowitz & Stegun 26.7.3-26.7.4)."""
    theta = math.atan(t / math.sqrt(df))
    c2 = math.cos(theta) ** 2
    if df % 2 == 0:
        term, total = 1.0, 1.0
        for j in range(2, df, 2):
            term *= c2 * (j - 1) / j
            total += term
        return math.sin(theta) * total
    if df == 1:
        return 2 * theta / math.pi
    term = math.cos(theta)
    total = term
    for j in range(3, df, 2):
        term *= c2 * (j - 1) / j
        total += term
    return 2 / math.pi * (theta + math.sin(theta) * total)


def t_quantile_975(df: int) -> float:
    """The 97.5% quantile of Student's t with ``df`` degrees of freedom (bisection on the exact CDF)."""
    if df < 1:
        raise ValueError("t needs at least 1 degree of freedom")
    low, high = 0.0, 20.0
    for _ in range(80):
        mid = (low + high) / 2
        low, high = (mid, high) if _t_two_sided(mid, df) < 0.95 else (low, mid)
    return (low + high) / 2


def random_effects(values: list[float], sems: list[float], tau_fallback: float | None = None) -> dict:
    """DerSimonian-Laird random-effects pooling of study means with their SEMs.

    Returns k, mean, se, ci_low/ci_high (95%), q, tau2, tau, i2 (%), and
    pi_low/pi_high, the 95% prediction interval (from 3 studies; with fewer, and
    a ``tau_fallback``, ``mean +/- 1.96 x sqrt(tau_fallback^2 + se^2)`` with
    ``tau_estimated`` False).
    """
    k = len(values)
    if k == 0 or k != len(sems):
        raise ValueError("random_effects needs one SEM per value and at least one value")
    if any(s <= 0 for s in sems):
        raise ValueError("every SEM must be above 0 (impute missing ones first)")
    w = [1 / (s * s) for s in sems]
    sw = sum(w)
    fixed = sum(wi * y for wi, y in zip(w, values)) / sw
    q = sum(wi * (y - fixed) ** 2 for wi, y in zip(w, values))
    c = sw - sum(wi * wi for wi in w) / sw
    tau2 = max(0.0, (q - (k - 1)) / c) if k > 1 else 0.0
    ws = [1 / (s * s + tau2) for s in sems]
    mean = sum(wi * y for wi, y in zip(ws, values)) / sum(ws)
    se = math.sqrt(1 / sum(ws))
    i2 = max(0.0, (q - (k - 1)) / q) * 100 if k > 1 and q > 0 else 0.0
    out = {
        "k": k, "mean": mean, "se": se, "ci_low": mean - Z_95 * se, "ci_high": mean + Z_95 * se,
        "q": q, "tau2": tau2, "tau": math.sqrt(tau2), "i2": i2, "tau_estimated": k >= 3,
        "pi_low": None, "pi_high": None,
    }
    if k >= 3:
        half = t_quantile_975(k - 2) * math.sqrt(tau2 + se * se)
        out["pi_low"], out["pi_high"] = mean - half, mean + half
    elif tau_fallback is not None:
        half = Z_95 * math.sqrt(tau_fallback ** 2 + se * se)
        out["pi_low"], out["pi_high"] = mean - half, mean + half
    return out
