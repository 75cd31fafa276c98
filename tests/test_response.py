"""iAUC, baseline, peak and flags on small traces worked out by hand."""

import pytest

from glyload.response import incremental_auc, meal_response, usual_interval


def test_triangle_above_baseline():
    # 0-15: (0 + 20) / 2 x 15 = 150; 15-30: 150.
    assert incremental_auc([0, 15, 30], [100, 120, 100], 100) == pytest.approx(300.0)


def test_crossing_counts_only_the_triangle_above():
    # d0 = +10, d1 = -10 over 10 min: crosses at 5 min, triangle 10 x 5 / 2 = 25.
    assert incremental_auc([0, 10], [110, 90], 100) == pytest.approx(25.0)
    # Rising through the baseline: d0 = -6, d1 = +4 over 15 min: 4^2 / 10 x 15 / 2 = 12.
    assert incremental_auc([0, 15], [94, 104], 100) == pytest.approx(12.0)


def test_area_below_baseline_is_ignored():
    assert incremental_auc([0, 15, 30], [100, 80, 100], 100) == 0.0


def fifteen_minute_meal():
    minutes = [-15, 0, 15, 30, 45, 60, 75, 90, 105, 120]
    values = [100, 100, 130, 160, 130, 100, 90, 100, 100, 100]
    return minutes, values


def test_meal_on_a_15_minute_trace():
    # Baseline (-15, 0) = 100. Areas: 225 + 675 + 675 + 225 = 1800 (60-90 is at or below).
    minutes, values = fifteen_minute_meal()
    out = meal_response(minutes, values, [None] * 10, 15)
    assert out["baseline_mg_dl"] == 100.0
    assert out["iauc_mg_dl_min"] == 1800.0
    assert (out["peak_rise_mg_dl"], out["minutes_to_peak"]) == (60.0, 30.0)
    assert out["readings"] == 10 and out["flags"] == []


def test_baseline_is_the_mean_of_the_readings_15_min_before():
    # Readings -15: 96, 0: 104 -> baseline 100; 0-15 goes 104 -> 94: triangle 4^2/10 x 15/2 = 12.
    out = meal_response([-15, 0, 15], [96, 104, 94], [None] * 3, 15)
    assert out["baseline_mg_dl"] == 100.0
    assert out["iauc_mg_dl_min"] == pytest.approx(12.0)


def test_curve_ends_are_interpolated_between_readings():
    # Meal between readings: -10 and -5 give the baseline 100; 10..110 every 10 min at 120, then 125.
    # At 0: 100 + 20 x 5/15 = 106.67. Area 0-10: (6.67 + 20)/2 x 10 = 133.3; 10-110: 2000;
    # 110-120 (120 at 120 by interpolation to 125): 200. Total 2333.3.
    minutes = [-10, -5] + list(range(10, 111, 10)) + [125]
    values = [100, 100] + [120] * 11 + [120]
    out = meal_response(minutes, values, [None] * len(minutes), 10)
    assert out["iauc_mg_dl_min"] == pytest.approx(2333.3, abs=0.1)


def test_gap_and_few_readings_are_flagged():
    minutes, values = fifteen_minute_meal()
    keep = [i for i, t in enumerate(minutes) if t not in (30, 45)]  # 15 -> 60 is a 45-min gap
    out = meal_response([minutes[i] for i in keep], [values[i] for i in keep], [None] * len(keep), 15)
    assert out["flags"] == ["gap"]  # 8 of the 10 expected readings: 80% is enough
    keep = [i for i, t in enumerate(minutes) if t not in (30, 45, 90)]
    out = meal_response([minutes[i] for i in keep], [values[i] for i in keep], [None] * len(keep), 15)
    assert out["flags"] == ["gap", "few_readings"]  # 7 of 10
    out = meal_response(minutes, values, [None] * 10, 5)  # a 5-min device: 28 expected, 10 found
    assert out["flags"] == ["few_readings"]


def test_overlapping_meal_and_censored_reading_are_flagged():
    minutes, values = fifteen_minute_meal()
    assert meal_response(minutes, values, [None] * 10, 15, other_meals=[90])["flags"] == ["overlapping_meal"]
    assert meal_response(minutes, values, [None] * 10, 15, other_meals=[-60])["flags"] == ["overlapping_meal"]
    assert meal_response(minutes, values, [None] * 10, 15, other_meals=[150, -150])["flags"] == []
    censored = [None] * 3 + ["high"] + [None] * 6
    assert meal_response(minutes, values, censored, 15)["flags"] == ["censored"]


def test_no_baseline_and_no_readings():
    assert meal_response([30, 45], [120, 110], [None, None], 15)["flags"][0] == "no_baseline"
    assert meal_response([], [], [], 15)["flags"] == ["no_readings"]


def test_usual_interval_is_the_median_step():
    assert usual_interval([0, 5, 10, 15, 60, 65]) == 5.0
    assert usual_interval([0, 15, 30, 45]) == 15.0
