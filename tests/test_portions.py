"""Quantities and units to grams (``glyload.meal.portions``) against USDA's own household measures."""

from __future__ import annotations


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glyload.meal.household import HOUSEHOLD
from glyload.meal.parse import MASS_GRAMS, VOLUME_ML, parse_item
from glyload.meal.portions import PortionError, default_portion, food_portions, grams_for, has_measure
from glyload.meal.score import food_by_id


def weigh(conn, food_id: str, text: str):
    """Grams of food ``food_id`` for the amount in ``text`` (matching left out)."""
    return grams_for(conn, food_by_id(conn, food_id), parse_item(text))


def measure(conn, food_id: str, description: str) -> float:
    rows = [p for p in food_portions(conn, food_id) if p["description"] == description]
    assert rows, (food_id, description)
    return rows[0]["grams"] / rows[0]["amount"]


# --- the food's own household measures ------------------------------------------------------------


@pytest.mark.parametrize(("food_id", "text", "grams", "portion"), [
    ("20045", "1 cup cooked white rice", 158.0, "cup"),
    ("20045", "1/2 cup cooked white rice", 79.0, "cup"),
    ("20045", "1 1/2 cups cooked white rice", 237.0, "cup"),
    ("09003", "1 medium apple", 182.0, 'medium (3" dia)'),
    ("09003", "1 large apple", 223.0, 'large (3-1/4" dia)'),
    ("09003", "1 small apple", 149.0, 'small (2-3/4" dia)'),  # not "extra small" (101 g)
    ("09040", "1 medium banana", 118.0, None),
    ("18069", "2 slices white bread", 58.0, "slice"),
    ("09326", "1 wedge watermelon", 286.0, None),
    ("01077", "1 fl oz milk", 30.5, "fl oz"),
])
def test_own_measures(conn, food_id, text, grams, portion):
    weighed = weigh(conn, food_id, text)
    assert weighed.grams == pytest.approx(grams)
    if portion is not None:
        assert weighed.description == portion
    assert weighed.notes == ()


def test_qualifier_picks_the_matching_measure(conn):
    """Apples have 'cup, quartered or chopped' (125 g) and 'cup slices' (109 g)."""
    assert weigh(conn, "09003", "1 cup chopped apple").grams == 125.0
    assert weigh(conn, "09003", "1 cup apple slices").grams == 109.0


# --- mass units are universal -------------------------------------------------------------------


@pytest.mark.parametrize(("text", "grams"), [
    ("150 g rice", 150.0),
    ("5 oz rice", 5 * 28.349523125),
    ("1 lb rice", 453.59237),
    ("0.25 kg rice", 250.0),
    ("500 mg rice", 0.5),
])
def test_mass_units(conn, text, grams):
    for food_id in ("20045", "05062", "04053"):  # any food, portions or not
        weighed = weigh(conn, food_id, text)
        assert weighed.grams == pytest.approx(grams)
        assert weighed.description == ""


# --- volume units convert through the food's own volume measure ----------------------------------


def test_volume_converted_through_another_volume_measure(conn):
    """Rice has only a cup measure: 2 tbsp = 2 x 14.79 ml at 158 g per 236.6 ml."""
    weighed = weigh(conn, "20045", "2 tbsp cooked white rice")
    assert weighed.grams == pytest.approx(2 * VOLUME_ML["tbsp"] * 158 / VOLUME_ML["cup"])
    assert weighed.description == "cup"
    assert len(weighed.notes) == 1 and "converted through" in weighed.notes[0]


def test_millilitres_of_milk(conn):
    weighed = weigh(conn, "01077", "250 ml milk")
    assert weighed.grams == pytest.approx(250 * measure(conn, "01077", "cup") / VOLUME_ML["cup"])


def test_volume_without_volume_measure_lists_portions(conn):
    listed = food_portions(conn, "05062")
    with pytest.raises(PortionError) as caught:
        weigh(conn, "05062", "1 cup chicken breast")
    message = str(caught.value)
    assert "has no volume measure" in message and "'cup'" in message
    for portion in listed:
        assert f"{portion['description']} = {portion['grams']:g} g" in message


def test_household_unit_the_food_lacks_lists_portions(conn):
    with pytest.raises(PortionError) as caught:
        weigh(conn, "01077", "1 rasher milk")
    message = str(caught.value)
    assert "no 'rasher' measure" in message
    assert "1 cup = 244 g" in message


def test_glass_is_eight_fluid_ounces_through_the_food_s_cup(conn):
    """Milk has no 'glass' measure: the household table's 8 fl oz, at USDA's 244 g a cup."""
    weighed = weigh(conn, "01077", "1 glass milk")
    assert weighed.grams == pytest.approx(244.0)
    assert weighed.notes[0] == HOUSEHOLD["glass"].note()
    assert "8 fl oz" in weighed.notes[0] and "convention" in weighed.notes[0]


def test_handful_is_a_mass(conn):
    weighed = weigh(conn, "12061", "2 handfuls almonds")
    assert weighed.grams == pytest.approx(2 * 28.349523125)
    assert "handful taken as 1 oz" in weighed.notes[0]


def test_bowl_converts_through_the_food_s_volume(conn):
    weighed = weigh(conn, "20045", "1 bowl rice")
    assert weighed.grams == pytest.approx(1.5 * 158.0)
    assert weighed.notes[0].startswith("a bowl taken as 1.5 cup")


def test_own_measure_wins_over_the_table(conn):
    """A food with its own 'scoop' measure uses it, not the table's 1/2 cup."""
    row = conn.execute("select food_id, grams / amount from portions where lower(description) like 'scoop%' "
                       "order by food_id limit 1").fetchone()
    assert row is not None, "the bundled data needs a food with a scoop measure"
    weighed = weigh(conn, row[0], "1 scoop thing")
    assert weighed.grams == pytest.approx(row[1])
    assert not weighed.notes


def test_every_household_size_states_its_basis():
    for entry in HOUSEHOLD.values():
        assert entry.basis.startswith("convention") or "USDA" in entry.basis, entry
        assert entry.amount > 0


# --- no unit: one default portion -------------------------------------------------------------------


def test_no_unit_uses_a_medium_item(conn):
    weighed = weigh(conn, "09003", "apple")
    assert weighed.grams == 182.0
    assert weighed.notes and weighed.notes[0].startswith("no amount given")


def test_no_unit_with_a_count(conn):
    assert weigh(conn, "09003", "3 apples").grams == 3 * 182.0


def test_a_count_is_of_one_item_not_of_a_default_serving_of_several(conn):
    # FNDDS 53201000 Cookie, NFS: "Quantity not specified" 60 g, "medium" 30 g; 1 quesadilla:
    # its default serving (70 g) is one, as no medium one is lighter.
    weighed = weigh(conn, "53201000", "2 cookies")
    assert (weighed.grams, weighed.description) == (60.0, "medium")
    assert weigh(conn, "53201000", "cookie").grams == 60.0  # no amount: USDA's default serving
    assert weigh(conn, "58104700", "1 quesadilla").grams == 70.0


def test_half_of_a_default_portion(conn):
    whole = weigh(conn, "09037", "avocado").grams
    assert weigh(conn, "09037", "half an avocado").grams == pytest.approx(whole / 2)


def test_no_portions_and_no_unit_asks_for_grams(conn):
    food_id = conn.execute(
        "select food_id from foods f where not exists (select 1 from portions p where p.food_id = f.food_id) "
        "order by food_id limit 1").fetchone()[0]
    with pytest.raises(PortionError, match="give an amount in grams"):
        weigh(conn, food_id, "1 thing")
    assert weigh(conn, food_id, "100 g thing").grams == 100.0


def test_default_portion_prefers_medium_then_unsized():
    portions = [
        {"seq": 1, "amount": 1, "description": "cup", "grams": 100},
        {"seq": 2, "amount": 1, "description": "large", "grams": 300},
        {"seq": 3, "amount": 1, "description": "medium", "grams": 200},
    ]
    assert default_portion(portions)["description"] == "medium"
    assert default_portion(portions[:2])["description"] == "large"
    assert default_portion(portions[:1])["description"] == "cup"
    assert default_portion(portions[:1], item_only=True) is None
    assert default_portion([]) is None


@settings(max_examples=60, deadline=None)
@given(quantity=st.integers(min_value=1, max_value=400).map(lambda n: n / 4))
def test_grams_scale_with_quantity(conn, quantity):
    weighed = weigh(conn, "20045", f"{quantity:g} cups cooked white rice")
    assert weighed.grams == pytest.approx(quantity * 158.0)
    assert weigh(conn, "20045", f"{quantity:g} g rice").grams == pytest.approx(quantity)


# --- known problems -------------------------------------------------------------------------------


def test_slice_is_not_a_cup_of_slices(conn):
    try:
        weighed = weigh(conn, "09003", "1 slice apple")
    except PortionError:
        return
    assert not weighed.description.startswith("cup"), (weighed.description, weighed.grams)


def test_piece_is_not_a_cup_of_slices(conn):
    try:
        weighed = weigh(conn, "09003", "1 piece apple")
    except PortionError:
        return
    assert not weighed.description.startswith("cup"), (weighed.description, weighed.grams)


def test_mass_units_table_matches_parse():
    assert MASS_GRAMS["oz"] == pytest.approx(28.349523125)


# --- FNDDS defaults: "Quantity not specified" and guideline amounts for additions ----------------

from glyload.meal.portions import guideline, is_special, not_specified  # noqa: E402

MILK = [  # FNDDS 2021-2023, 11111000 "Milk, whole" (Portions and Weights)
    {"seq": 1, "amount": 1, "description": "cup", "grams": 244.0},
    {"seq": 4, "amount": 1, "description": "Guideline amount per fl oz of beverage", "grams": 2.5},
    {"seq": 5, "amount": 1, "description": "Guideline amount per cup of hot cereal", "grams": 61.0},
    {"seq": 6, "amount": 1, "description": "Quantity not specified", "grams": 244.0},
]


def host(food, quantity=1.0, unit_kind="volume", millilitres=None, grams=0.0):
    return {"food": food, "quantity": quantity, "unit_kind": unit_kind, "millilitres": millilitres, "grams": grams}


def test_milk_in_a_cup_of_coffee_is_usda_s_guideline_per_fluid_ounce():
    weighed = guideline(MILK, host("Coffee, brewed", millilitres=VOLUME_ML["cup"]))
    assert weighed.grams == pytest.approx(2.5 * 8)
    assert "Guideline amount per fl oz of beverage" in weighed.notes[0]


def test_milk_on_oatmeal_is_usda_s_guideline_per_cup_of_hot_cereal():
    weighed = guideline(MILK, host("Oatmeal, NFS", millilitres=2 * VOLUME_ML["cup"]))
    assert weighed.grams == pytest.approx(2 * 61.0)


def test_a_host_of_no_guideline_kind_gets_none():
    assert guideline(MILK, host("Apples, raw, with skin", unit_kind=None, grams=182)) is None


def test_quantity_not_specified_is_found_and_special():
    assert not_specified(MILK)["grams"] == 244.0
    assert [p["seq"] for p in MILK if is_special(p)] == [4, 5, 6]
    assert not_specified(MILK[:3]) is None


def test_measure_named_for_the_food_is_named_by_the_phrase_noun(conn):
    """FNDDS 14107030 (mozzarella, part skim; "string cheese" among its other names) has a
    '1 string' of 4.7 g: "1 string cheese" is one cheese, USDA's default 21 g, not a string;
    "6 chicken nuggets" still takes the nugget measure."""
    from glyload.meal.portions import naming
    from glyload.meal.score import score_meal

    assert naming("string cheese", "Cheese, Mozzarella, part skim") == "cheese Cheese"
    (item,) = score_meal(conn, "1 string cheese")["items"]
    assert (item["food_id"], item["grams"]) == ("14107030", 21.0)
    (nuggets,) = score_meal(conn, "6 chicken nuggets")["items"]
    assert "nugget" in nuggets["portion"].lower()


@pytest.mark.parametrize(("descriptions", "unit", "has"), [
    (["oz", "container refrigerated, 4 oz"], "cup", False),  # SR 19183's pudding: "c" is no word of "container"
    (["cup, chopped"], "cup", True),
    (["2 cups"], "cup", True),
    (["slices"], "slice", True),
    (["sliced"], "slice", False),
])
def test_a_measure_is_in_a_unit_by_whole_words(descriptions, unit, has):
    assert has_measure(descriptions, unit) is has
