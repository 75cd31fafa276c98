"""CGM summaries against iglu's documented examples and the published formulas."""

import pytest

from glyload.cgmstats import gmi, summarize


def test_iglu_documented_example():
    # iglu mean_glu / in_range_percent examples: subject1 = [150, 200] -> mean 175, 70-180: 50%.
    out = summarize([150, 200])
    assert out["mean_mg_dl"] == 175.0 and out["time_in_range_percent"] == 50.0
    assert out["time_above_180_percent"] == 50.0
    assert out["gmi_percent"] == round(3.31 + 0.02392 * 175, 2) == 7.5
    assert out["cv_percent"] == round(100 * 35.3553 / 175, 1)  # sample SD of [150, 200]


def test_range_ends_are_in_range_and_censored_readings_count_outside():
    out = summarize([70, 180, 69, 181, None, 400], [None, None, None, None, "low", "high"])
    assert out["time_in_range_percent"] == pytest.approx(33.3)
    assert out["time_below_70_percent"] == pytest.approx(33.3)
    assert out["censored_low"] == 1 and out["censored_high"] == 1
    assert out["mean_mg_dl"] == round((70 + 180 + 69 + 181 + 400) / 5, 1)  # unknown value left out


def test_gmi_formula():
    assert gmi(154) == pytest.approx(6.99, abs=0.01)  # Bergenstal 2018: mean 154 mg/dL -> GMI 7.0%
