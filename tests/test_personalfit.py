"""Pearson r, the response factor with its interval and shrinkage, foods' relative responses."""

import math

import pytest

from glyload.personalfit import food_responses, pearson, response_factor, t_975


def test_pearson_by_hand():
    # dx = dy pattern [-1.5, -.5, .5, 1.5] vs [-1.5, .5, -.5, 1.5]: sxy 4, sxx = syy = 5, r = 0.8.
    out = pearson([1, 2, 3, 4], [1, 3, 2, 4])
    assert out["r"] == 0.8 and out["n"] == 4
    z, se = math.atanh(0.8), 1.0
    assert out["low"] == round(math.tanh(z - 1.959964 * se), 3)
    assert pearson([1, 2], [3, 4])["r"] is None  # too few meals
    assert pearson([1, 1, 1], [3, 4, 5])["r"] is None  # no spread


def test_response_factor_through_the_origin_by_hand():
    # k = (10x1000 + 20x2100 + 30x2900) / (100 + 400 + 900) = 139000 / 1400 = 99.29.
    # Residuals 7.14, 114.29, -78.57: SS 19285.7, / 2 / 1400 -> SE 2.6245; t(2) = 4.303.
    out = response_factor([10, 20, 30], [1000, 2100, 2900])
    assert out["measured"] == 99.29
    assert (out["low"], out["high"]) == (round(99.2857 - 4.303 * 2.6245, 2), round(99.2857 + 4.303 * 2.6245, 2))
    assert out["shrunk"] is None


def test_shrinkage_pulls_toward_the_prior_when_meals_are_few():
    # Prior 50, CV 0.25: tau 12.5; w = 156.25 / (156.25 + 2.6245^2) = 0.9578; 0.9578 x 99.29 + 0.0422 x 50.
    out = response_factor([10, 20, 30], [1000, 2100, 2900], prior_factor=50)
    assert out["weight_of_data"] == pytest.approx(0.958, abs=0.001)
    assert out["shrunk"] == pytest.approx(0.9578 * 99.2857 + 0.0422 * 50, abs=0.05)
    few = response_factor([10, 20], [500, 2500], prior_factor=50)  # two scattered meals: a large SE
    assert few["weight_of_data"] < 0.5 and abs(few["shrunk"] - 50) < abs(few["measured"] - 50)


def test_t_quantiles():
    assert t_975(1) == 12.706 and t_975(30) == 2.042
    assert t_975(60) == pytest.approx(2.000, abs=0.002) and t_975(120) == pytest.approx(1.980, abs=0.002)


def test_food_relative_response_needs_three_meals_where_it_carries_most_carbohydrate():
    def meal(gl, iauc, rice_carbs, other_carbs):
        return {"gl": gl, "iauc_mg_dl_min": iauc, "available_carbohydrate_g": rice_carbs + other_carbs,
                "foods": {"20045": ("Rice", rice_carbs), "09003": ("Apple", other_carbs)}}

    meals = [meal(30, 3900, 44, 10), meal(30, 3600, 44, 10), meal(20, 2400, 30, 5), meal(10, 1000, 5, 20)]
    out = food_responses(meals, factor=100.0)
    # Rice carries most of the carbohydrate in 3 meals: (3900 + 3600 + 2400) / (100 x 80) = 1.24.
    assert out == [{"food_id": "20045", "food": "Rice", "meals": 3, "relative_response": 1.24,
                    "kind": "personal (from this person's meals; not a GI measurement)"}]
    assert food_responses(meals, factor=None) == []
