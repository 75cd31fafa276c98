"""``glyload.recipe`` and step 3 of ``glyload.gi``: the recipe-weighted GI of a dish."""

from __future__ import annotations

import pytest

from glyload.gi import assign_with_validation
from glyload.recipe import SD_PER_MEAN_ABS, RecipeCycle, recipe_gi
from glyload.sources.gi_tables import Link, Measurement


def lookup(table):
    return lambda food_id: table.get(food_id)


def test_gi_is_weighted_by_the_carbohydrate_each_ingredient_brings():
    # 200 g rice (28 g/100 g, GI 60) and 100 g beans (14 g/100 g, GI 30): AC 56 g and 14 g
    ingredients = {"dish": [("rice", 200, "rice"), ("beans", 100, "beans")]}
    carbs = {"dish": 20.0, "rice": 28.0, "beans": 14.0}
    gis = {"rice": (60.0, 5.0, "direct"), "beans": (30.0, 10.0, "subgroup median")}
    found = recipe_gi("dish", ingredients, carbs, lookup(gis), measured={"rice"})
    assert found.gi == pytest.approx((60 * 56 + 30 * 14) / 70)  # 54.0
    assert found.measured_share == pytest.approx(56 / 70)
    w = (56 / 70, 14 / 70)
    assert found.sd == pytest.approx((w[0] * 5 + w[1] * 10) * SD_PER_MEAN_ABS)  # added as fully correlated


def test_moisture_does_not_move_the_gi():
    carbs = {"rice": 28.0, "beans": 14.0}
    gis = {"rice": (60.0, 5.0, "direct"), "beans": (30.0, 10.0, "direct")}
    one = recipe_gi("d", {"d": [("rice", 200, ""), ("beans", 100, "")]}, carbs, lookup(gis), {"rice", "beans"})
    double = recipe_gi("d", {"d": [("rice", 400, ""), ("beans", 200, "")]}, carbs, lookup(gis), {"rice", "beans"})
    assert one.gi == pytest.approx(double.gi)  # weights are relative


def test_sub_recipes_recurse_and_cycles_fail():
    ingredients = {"sandwich": [("bread", 60, "bread"), ("filling", 50, "filling")],
                   "filling": [("egg", 40, "egg"), ("mayo", 10, "mayonnaise")]}
    carbs = {"bread": 47.0, "filling": 3.0, "egg": 0.7, "mayo": 0.6, "sandwich": 27.0}
    gis = {"bread": (72.7, 4.5, "direct"), "egg": (0.0, None, "not applicable"),
           "mayo": (0.0, None, "not applicable")}
    found = recipe_gi("sandwich", ingredients, carbs, lookup(gis), {"bread"})
    assert found.gi == pytest.approx(72.7)  # the filling's carbohydrate has no GI: not in the mean
    assert "filling" in found.no_gi
    assert found.measured_share == pytest.approx(28.2 / (28.2 + 1.5))
    with pytest.raises(RecipeCycle):
        recipe_gi("a", {"a": [("b", 10, "")], "b": [("a", 10, "")]}, {"a": 10.0, "b": 10.0}, lookup({}), set())


def test_unresolved_ingredients_are_named_never_dropped():
    found = recipe_gi("dish", {"dish": [("rice", 100, "rice"), (None, 50, "FDC 123456 sauce")]},
                      {"rice": 28.0, "dish": 20.0}, lookup({"rice": (60.0, 5.0, "direct")}), {"rice"})
    assert found.unresolved == ["FDC 123456 sauce"]
    assert found.gi == 60.0


def measurement(entry, gi, food="food"):
    return Measurement(where=("m.csv", entry), entry_no=entry, food=food, country=None, year=None, tier="ISO",
                       gi=gi, gi_sem=3.0, subjects=10, study=None, reference_food=None, carb_portion_g=None,
                       test_portion_g=None, note=None)


def food(food_id, description, group="Mixed", carbs=20.0):
    return {"food_id": food_id, "description": description, "food_group": group, "available_carbohydrate_g": carbs}


def test_step_3_in_the_assignment_and_a_measured_dish_wins():
    foods = [food("rice", "Rice, cooked", carbs=28.0), food("beans", "Beans, cooked", carbs=14.0),
             food("pasta", "Pasta, cooked", carbs=29.0),
             food("11111111", "Rice and beans"), food("22222222", "Pasta with beans")]
    ms = [measurement(1, 60), measurement(2, 30), measurement(3, 50), measurement(4, 45)]
    links = [Link(("l", 1), 1, "rice", "direct", None), Link(("l", 2), 2, "beans", "direct", None),
             Link(("l", 3), 3, "pasta", "direct", None), Link(("l", 4), 4, "22222222", "direct", None)]
    ingredients = {"11111111": [("rice", 200, "rice"), ("beans", 100, "beans")],
                   "22222222": [("pasta", 150, "pasta"), ("beans", 100, "beans")]}
    result, loo = assign_with_validation(foods, ms, links, ingredients=ingredients)
    dish = result["11111111"]
    assert dish["gi_method"] == "recipe" and dish["gi"] == 54.0
    assert dish["gi_sources"] == "rice;beans"
    assert dish["gi_measured_share"] == 1.0
    assert dish["gi_low"] < dish["gi"] < dish["gi_high"]
    assert result["22222222"]["gi_method"] == "direct" and result["22222222"]["gi"] == 45.0  # measured itself
    recipe_rows = [r for r in loo if r["method"] == "recipe"]
    # the measured dish predicted from its ingredients: (50 x 43.5 + 30 x 14) / 57.5
    assert recipe_rows == [{"food_id": "22222222", "food_group": "Mixed", "method": "recipe", "measured": 45.0,
                            "predicted": round((50 * 43.5 + 30 * 14) / 57.5, 1),
                            "error": round((50 * 43.5 + 30 * 14) / 57.5 - 45, 1)}]


def test_recipe_foods_in_the_bundled_build(conn):
    from glyload.meal.score import score_meal

    row = conn.execute("select gi, gi_method, gi_sources, gi_measured_share, gi_low, gi_high from foods "
                       "where food_id = '27540010'").fetchone()  # FNDDS "Turkey sandwich on white"
    gi, method, sources, share, low, high = row
    assert method == "recipe" and 0 < share <= 1 and low < gi < high
    ingredients = {r[0] for r in conn.execute("select ingredient_id from ingredients where food_id = '27540010'")}
    assert set(sources.split(";")) <= ingredients
    scored = score_meal(conn, "27540010: 100 g")
    assert scored["totals"]["measured_carb_share"] == pytest.approx(share, abs=0.001)
    # a dish with a measurement of its own keeps it: FNDDS white bread is linked to the white-bread concept
    assert conn.execute("select gi_method from foods where food_id = '51101000'").fetchone()[0] == "direct"
