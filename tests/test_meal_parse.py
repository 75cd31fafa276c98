import math

import pytest
from hypothesis import given, strategies as st

from glyload.errors import GlyloadError
from glyload.meal.parse import (
    MASS_GRAMS,
    VOLUME_ML,
    ParsedItem,
    ParseError,
    parse_item,
    parse_meal,
    split_meal,
)


def read(text):
    item = parse_item(text)
    return item.quantity, item.unit, item.phrase


@pytest.mark.parametrize(
    "text,expected",
    [
        # Numbers
        ("2 eggs", (2.0, None, "eggs")),
        ("1.5 cups rice", (1.5, "cup", "rice")),
        (".5 cup milk", (0.5, "cup", "milk")),
        ("1/2 cup oats", (0.5, "cup", "oats")),
        ("1 / 2 cup oats", (0.5, "cup", "oats")),
        ("1 1/2 cups flour", (1.5, "cup", "flour")),
        ("1-1/2 cups flour", (1.5, "cup", "flour")),
        ("½ cup milk", (0.5, "cup", "milk")),
        ("1½ cups milk", (1.5, "cup", "milk")),
        ("1 ½ cups milk", (1.5, "cup", "milk")),
        ("⅓ cup sugar", (1 / 3, "cup", "sugar")),
        ("¾ tsp salt", (0.75, "tsp", "salt")),
        ("⅛ tsp pepper", (0.125, "tsp", "pepper")),
        ("2¼ cups flour", (2.25, "cup", "flour")),
        # Number words
        ("a banana", (1.0, None, "banana")),
        ("an apple", (1.0, None, "apple")),
        ("one medium apple", (1.0, "medium", "apple")),
        ("twelve grapes", (12.0, None, "grapes")),
        ("half a cup of rice", (0.5, "cup", "rice")),
        ("half an avocado", (0.5, None, "avocado")),
        ("a half cup milk", (0.5, "cup", "milk")),
        ("a quarter cup sugar", (0.25, "cup", "sugar")),
        ("three quarters of a cup of milk", (0.75, "cup", "milk")),
        ("a dozen eggs", (12.0, None, "eggs")),
        ("2 dozen eggs", (24.0, None, "eggs")),
        ("half a dozen eggs", (6.0, None, "eggs")),
        ("a couple of eggs", (2.0, None, "eggs")),
        ("one and a half cups flour", (1.5, "cup", "flour")),
        ("2 and 1/2 cups flour", (2.5, "cup", "flour")),
        ("a 12 oz steak", (12.0, "oz", "steak")),
        # Multiplication
        ("2 x 100 g rice", (200.0, "g", "rice")),
        ("2x100g rice", (200.0, "g", "rice")),
        ("3 × 25 g crackers", (75.0, "g", "crackers")),
        # No quantity
        ("apple", (1.0, None, "apple")),
        ("cup of tea", (1.0, "cup", "tea")),
        ("slice of bread", (1.0, "slice", "bread")),
        ("glass noodles", (1.0, None, "glass noodles")),  # a unit needs a quantity or "of"
        ("jumbo shrimp", (1.0, None, "jumbo shrimp")),
        # Quantity and unit after the food
        ("rice 150 g", (150.0, "g", "rice")),
        ("milk 2 cups", (2.0, "cup", "milk")),
        ("rice (150 g)", (150.0, "g", "rice")),
        ("vitamin b12", (1.0, None, "vitamin b12")),
        # List bullets
        ("- 2 eggs", (2.0, None, "eggs")),
        ("• toast", (1.0, None, "toast")),
    ],
)
def test_quantities(text, expected):
    quantity, unit, phrase = read(text)
    assert quantity == pytest.approx(expected[0], rel=1e-12)
    assert (unit, phrase) == expected[1:]


@pytest.mark.parametrize(
    "text,quantity,note",
    [
        ("1-2 slices bread", 1.5, "range 1-2 read as its midpoint 1.5"),
        ("1 - 2 slices bread", 1.5, "range 1 - 2 read as its midpoint 1.5"),
        ("1 to 2 slices bread", 1.5, "range 1 to 2 read as its midpoint 1.5"),
        ("1–2 slices bread", 1.5, "range 1–2 read as its midpoint 1.5"),
        ("2 or 3 slices bread", 2.5, "range 2 or 3 read as its midpoint 2.5"),
        ("one to two slices bread", 1.5, "range one to two read as its midpoint 1.5"),
        ("1 1/2-2 slices bread", 1.75, "range 1 1/2-2 read as its midpoint 1.75"),
        ("½-1 slices bread", 0.75, "range ½-1 read as its midpoint 0.75"),
    ],
)
def test_ranges_read_as_midpoint(text, quantity, note):
    item = parse_item(text)
    assert (item.quantity, item.unit, item.phrase) == (quantity, "slice", "bread")
    assert item.notes == (note,)


@pytest.mark.parametrize(
    "spelling,unit",
    [
        ("g", "g"), ("gram", "g"), ("grams", "g"), ("gr", "g"), ("gm", "g"), ("G", "g"),
        ("kg", "kg"), ("kilo", "kg"), ("kilogram", "kg"), ("kilograms", "kg"),
        ("mg", "mg"), ("milligram", "mg"), ("milligrams", "mg"),
        ("oz", "oz"), ("ounce", "oz"), ("ounces", "oz"),
        ("lb", "lb"), ("lbs", "lb"), ("pound", "lb"), ("pounds", "lb"), ("lb.", "lb"),
        ("ml", "ml"), ("mL", "ml"), ("millilitre", "ml"), ("millilitres", "ml"),
        ("milliliter", "ml"), ("milliliters", "ml"),
        ("l", "l"), ("L", "l"), ("litre", "l"), ("litres", "l"), ("liter", "l"), ("liters", "l"),
        ("cup", "cup"), ("cups", "cup"), ("c", "cup"), ("c.", "cup"),
        ("tbsp", "tbsp"), ("Tbsp", "tbsp"), ("tablespoon", "tbsp"), ("tablespoons", "tbsp"),
        ("tbs", "tbsp"), ("T", "tbsp"),
        ("tsp", "tsp"), ("teaspoon", "tsp"), ("teaspoons", "tsp"), ("t", "tsp"),
        ("fl oz", "fl oz"), ("fl. oz.", "fl oz"), ("fluid ounce", "fl oz"),
        ("fluid ounces", "fl oz"),
        ("pint", "pint"), ("pints", "pint"), ("pt", "pint"),
        ("quart", "quart"), ("quarts", "quart"), ("qt", "quart"),
        ("gallon", "gallon"), ("gallons", "gallon"), ("gal", "gallon"),
    ],
)
def test_unit_spellings(spelling, unit):
    item = parse_item(f"2 {spelling} milk")
    assert (item.quantity, item.unit, item.phrase) == (2.0, unit, "milk")
    assert item.unit_kind == ("mass" if unit in MASS_GRAMS else "volume")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("150g rice", (150.0, "g", "rice")),
        ("2tbsp sugar", (2.0, "tbsp", "sugar")),
        ("1.5kg potatoes", (1.5, "kg", "potatoes")),
        ("½cup milk", (0.5, "cup", "milk")),
        ("2 cups of milk", (2.0, "cup", "milk")),
        ("100 grams of pasta", (100.0, "g", "pasta")),
    ],
)
def test_glued_units_and_of(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2 slices white bread", (2.0, "slice", "white bread")),
        ("1 slice of toast", (1.0, "slice", "toast")),
        ("3 pieces sushi", (3.0, "piece", "sushi")),
        ("1 can of coke", (1.0, "can", "coke")),
        ("2 bottles beer", (2.0, "bottle", "beer")),
        ("1 serving pasta", (1.0, "serving", "pasta")),
        ("1 container yogurt", (1.0, "container", "yogurt")),
        ("1 packet crisps", (1.0, "packet", "crisps")),
        ("2 bars chocolate", (2.0, "bar", "chocolate")),
        ("1 stick butter", (1.0, "stick", "butter")),
        ("2 scoops ice cream", (2.0, "scoop", "ice cream")),
        ("1 bowl cereal", (1.0, "bowl", "cereal")),
        ("2 glasses of milk", (2.0, "glass", "milk")),
        ("1 handful nuts", (1.0, "handful", "nuts")),
        ("1 small banana", (1.0, "small", "banana")),
        ("1 medium apple", (1.0, "medium", "apple")),
        ("1 large egg", (1.0, "large", "egg")),
        ("3 large eggs", (3.0, "large", "eggs")),
        ("1 extra large egg", (1.0, "extra large", "egg")),
        ("1 extra-large egg", (1.0, "extra large", "egg")),
        ("1 jumbo egg", (1.0, "jumbo", "egg")),
        ("a large egg", (1.0, "large", "egg")),
    ],
)
def test_household_units(text, expected):
    item = parse_item(text)
    assert (item.quantity, item.unit, item.phrase) == expected
    assert item.unit_kind == "household"
    assert item.grams() is None
    assert item.millilitres() is None


def test_words_that_look_like_units_inside_food_names():
    assert read("1 t-bone steak") == (1.0, None, "t-bone steak")
    assert read("half-and-half") == (1.0, None, "half-and-half")
    assert read("2% milk") == (1.0, None, "2 milk")
    assert read("1 cup 2% milk") == (1.0, "cup", "2 milk")


@pytest.mark.parametrize(
    "text,food_id,expected",
    [
        ("20045: 150 g", "20045", (150.0, "g", "")),
        ("20045:150g", "20045", (150.0, "g", "")),
        ("20045 : 1 cup", "20045", (1.0, "cup", "")),
        ("20045", "20045", (1.0, None, "")),
        ("20045:", "20045", (1.0, None, "")),
        ("1001: 2 slices", "1001", (2.0, "slice", "")),
        ("20045: 1 cup cooked rice", "20045", (1.0, "cup", "cooked rice")),
    ],
)
def test_explicit_food_id(text, food_id, expected):
    item = parse_item(text)
    assert item.food_id == food_id
    assert (item.quantity, item.unit, item.phrase) == expected


def test_parsed_item_fields():
    item = parse_item("  1 1/2   CUPS of Cooked White Rice. ")
    assert item == ParsedItem(
        text="1 1/2 CUPS of Cooked White Rice.",
        quantity=1.5,
        unit="cup",
        unit_kind="volume",
        phrase="cooked white rice",
        food_id=None,
        notes=(),
    )


def test_grams_and_millilitres():
    assert parse_item("150 g rice").grams() == 150.0
    assert parse_item("1.5 kg potatoes").grams() == 1500.0
    assert parse_item("2 oz cheese").grams() == 56.69904625
    assert parse_item("1 lb beef").grams() == 453.59237
    assert parse_item("150 g rice").millilitres() is None
    assert parse_item("2 cups milk").millilitres() == 473.176473
    assert parse_item("1 l milk").millilitres() == 1000.0
    assert parse_item("1 cup milk").grams() is None
    assert parse_item("apple").grams() is None
    assert parse_item("apple").millilitres() is None


def test_unit_tables():
    assert MASS_GRAMS == {
        "g": 1, "kg": 1000, "mg": 0.001, "oz": 28.349523125, "lb": 453.59237,
    }
    assert VOLUME_ML == {
        "ml": 1, "l": 1000, "cup": 236.5882365, "tbsp": 14.78676478125,
        "tsp": 4.92892159375, "fl oz": 29.5735295625, "pint": 473.176473,
        "quart": 946.352946, "gallon": 3785.411784,
    }
    # US measures agree with each other.
    assert VOLUME_ML["cup"] == pytest.approx(16 * VOLUME_ML["tbsp"])
    assert VOLUME_ML["tbsp"] == pytest.approx(3 * VOLUME_ML["tsp"])
    assert VOLUME_ML["gallon"] == pytest.approx(8 * VOLUME_ML["pint"])


@pytest.mark.parametrize(
    "text,phrase",
    [
        ("  Cooked   WHITE rice!! ", "cooked white rice"),
        ("2 slices of 'white' bread", "white bread"),
        ('1 cup "orange juice"', "orange juice"),
        ("100% orange juice", "100 orange juice"),
        ("rice' OR '1'='1", "rice or 1=1"),
        ("rice --", "rice"),
        ("of rice", "rice"),
        ("(rice)", "rice"),
        ("café au lait", "café au lait"),
    ],
)
def test_phrase_clean_up(text, phrase):
    assert parse_item(text).phrase == phrase


def test_split_meal():
    assert split_meal("2 eggs, toast;1 cup coffee\n\n  banana \r\n,, ;") == [
        "2 eggs",
        "toast",
        "1 cup coffee",
        "banana",
    ]
    assert split_meal("  ") == []


def test_parse_meal():
    items = parse_meal("1 cup rice; 2 large eggs\n- 1 slice toast")
    assert [(i.quantity, i.unit, i.phrase) for i in items] == [
        (1.0, "cup", "rice"),
        (2.0, "large", "eggs"),
        (1.0, "slice", "toast"),
    ]


def test_sql_metacharacters_do_not_crash():
    items = parse_meal("rice'; DROP TABLE foods; -- 50% beans")
    assert [i.phrase for i in items] == ["rice", "drop table foods", "50 beans"]


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "empty meal: no food items given"),
        (" , ;\n", "empty meal: no food items given"),
    ],
)
def test_empty_meal(text, message):
    with pytest.raises(ParseError) as info:
        parse_meal(text)
    assert str(info.value) == message


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "empty item"),
        ("   ", "empty item"),
        ("42", 'no food named: "42"'),
        ("1/2", 'no food named: "1/2"'),
        ("150 g", 'no food named: "150 g"'),
        ("!!!", 'no food named: "!!!"'),
        ("0 g rice", 'quantity must be more than zero: "0 g rice"'),
        ("0.0 cups rice", 'quantity must be more than zero: "0.0 cups rice"'),
        ("-5 g rice", 'quantity must be more than zero (a negative amount is refused): "-5 g rice"'),
        ("nan g rice", 'quantity is not a finite number: "nan g rice"'),
        ("inf g rice", 'quantity is not a finite number: "inf g rice"'),
        ("NaN cups milk", 'quantity is not a finite number: "NaN cups milk"'),
        ("lots ml milk", 'cannot read the quantity "lots": "lots ml milk"'),
        ("1/0 cup rice", 'fraction with a zero denominator: "1/0 cup rice"'),
        ("1e308 g rice", 'quantity is too large (1e+308 g, at most 25 kg): "1e308 g rice"'),
        ("1e309 g rice", 'quantity is not a finite number: "1e309 g rice"'),
        ("1e200 x 1e200 g rice", 'quantity is not a finite number: "1e200 x 1e200 g rice"'),
        ("26 kg rice", 'quantity is too large (26 kg, at most 25 kg): "26 kg rice"'),
        ("30 l milk", 'quantity is too large (30 l, at most 25 l): "30 l milk"'),
        ("1001 apples", 'quantity is too large (1001, at most 1000): "1001 apples"'),
        ("2000 slices bread", 'quantity is too large (2000 slice, at most 1000): "2000 slices bread"'),
        ("200zz rice", 'unknown unit "zz": "200zz rice"'),
        ("3 blorps of rice", 'unknown unit "blorps": "3 blorps of rice"'),
        ("2 3 eggs", 'cannot read the quantity: "2 3 eggs"'),
        ("2,5 kg rice", 'cannot read the quantity: "2,5 kg rice"'),
        ("rice\x00", 'item contains a control character (U+0000): "rice\\x00"'),
        ("rice\x1b[31m", 'item contains a control character (U+001B): "rice\\x1b[31m"'),
        ("ri\ufffdce", 'item contains an undecodable character (U+FFFD): "ri\ufffdce"'),
    ],
)
def test_errors(text, message):
    with pytest.raises(ParseError) as info:
        parse_item(text)
    assert str(info.value) == message


def test_allowed_quantities_at_the_limits():
    assert parse_item("25 kg rice").grams() == 25000.0
    assert parse_item("1000 apples").quantity == 1000.0
    assert parse_item("25 l water").millilitres() == 25000.0


def test_too_long_item():
    with pytest.raises(ParseError) as info:
        parse_item("x" * 10000)
    message = str(info.value)
    assert message.startswith('item is too long (10000 characters, at most 500): "xxx')
    assert len(message) < 120
    assert parse_item("x" * 500).phrase == "x" * 500


def test_parse_error_is_a_glyload_error_and_meal_quotes_the_item():
    with pytest.raises(GlyloadError, match='^unknown unit "blorps": "3 blorps of rice"$'):
        parse_meal("1 cup rice, 3 blorps of rice")


def test_tab_and_new_line_are_whitespace():
    assert read("2\tcups\nrice") == (2.0, "cup", "rice")


@given(st.text())
def test_parse_item_raises_only_parse_error(text):
    try:
        item = parse_item(text)
    except ParseError as error:
        assert "\n" not in str(error)
    else:
        assert item.quantity > 0
        assert math.isfinite(item.quantity)
        assert item.phrase or item.food_id


quantity_like = st.lists(
    st.sampled_from(
        ["1", "2", ".5", "1/2", "0", "½", "-", "x", "a", "half", "dozen", "of", "and",
         "to", "g", "cup", "fl", "oz", ".", ",", "%", "'", "rice", "1e308", " "]
    ),
    max_size=12,
).map("".join)


@given(quantity_like)
def test_quantity_like_text_parses_to_a_positive_finite_quantity(text):
    try:
        item = parse_item(text)
    except ParseError:
        return
    assert item.quantity > 0
    assert math.isfinite(item.quantity)
    if item.grams() is not None:
        assert item.grams() <= 25000


@pytest.mark.parametrize(("text", "phrase"), [
    ("some grapes", "grapes"),
    ("some of the rice", "rice"),
])
def test_some_names_no_amount(text, phrase):
    item = parse_item(text)
    assert (item.phrase, item.amount_given, item.unit) == (phrase, False, None)
    assert item.notes == ("'some' names no amount: read as none given",)


def test_some_alone_is_a_food_word():
    assert parse_item("some").phrase == "some"


@pytest.mark.parametrize(("text", "unit", "size", "phrase"), [
    ("2 large slices of pizza", "slice", "large", "pizza"),   # not 2 large pizzas
    ("a small bowl of soup", "bowl", "small", "soup"),
    ("1 large cup of coffee", "cup", "large", "coffee"),
    ("2 large eggs", "large", None, "eggs"),
])
def test_a_size_before_a_unit_says_which_of_it(text, unit, size, phrase):
    item = parse_item(text)
    assert (item.unit, item.size, item.phrase) == (unit, size, phrase)
