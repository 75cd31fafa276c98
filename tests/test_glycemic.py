import math

import pytest
from hypothesis import given, strategies as st

from glyload.glycemic import (
    available_carbohydrate,
    carbohydrate_in_portion,
    daily_gl_class,
    gi_class,
    gl_class,
    gl_range,
    glycemic_load,
    meal_glycemic_index,
    meal_glycemic_load,
)

gis = st.floats(min_value=0, max_value=150, allow_nan=False)
carbs = st.floats(min_value=0, max_value=1000, allow_nan=False)
grams = st.floats(min_value=0, max_value=5000, allow_nan=False)


# White rice, long-grain, cooked (USDA 20045): 28.17 g carbohydrate, 0.4 g fiber.


def test_available_carbohydrate_white_rice():
    assert available_carbohydrate(28.17, 0.4) == 27.77


def test_white_rice_cup_glycemic_load():
    carb = carbohydrate_in_portion(27.77, 158)
    assert round(carb, 3) == 43.877
    assert round(glycemic_load(73, carb), 2) == 32.03


@pytest.mark.parametrize(
    "carbohydrate,fiber,expected",
    [
        (28.17, None, 28.17),  # unknown fiber: carbohydrate as is
        (None, 0.4, None),  # unknown carbohydrate: unknown
        (None, None, None),
        (2.0, 3.5, 0.0),  # more fiber than carbohydrate (measurement noise)
        (0.0, 0.0, 0.0),
        (12.3456, 1.0, 11.346),  # rounded to 3 decimals
    ],
)
def test_available_carbohydrate(carbohydrate, fiber, expected):
    assert available_carbohydrate(carbohydrate, fiber) == expected


def test_carbohydrate_in_portion():
    assert carbohydrate_in_portion(20.0, 250) == 50.0
    assert carbohydrate_in_portion(None, 250) is None


def test_glycemic_load_unknown():
    assert glycemic_load(None, 10) is None
    assert glycemic_load(50, None) is None


def test_meal_glycemic_load_and_index():
    # 50 g carbohydrate at GI 70 plus 25 g at GI 40.
    items = [(70, 50), (40, 25)]
    assert meal_glycemic_load(items) == 45.0
    assert meal_glycemic_index(items) == 60.0
    # Items may be any iterable, e.g. a generator.
    assert meal_glycemic_load(pair for pair in items) == 45.0


def test_meal_empty_or_without_carbohydrate():
    assert meal_glycemic_load([]) == 0
    assert meal_glycemic_index([]) is None
    assert meal_glycemic_index([(0, 0), (50, 0)]) is None


@pytest.mark.parametrize("items", [[(None, 10)], [(50, None)]])
def test_meal_unknown_item_is_an_error(items):
    with pytest.raises(ValueError, match="known gi and carb_g"):
        meal_glycemic_load(items)
    with pytest.raises(ValueError, match="known gi and carb_g"):
        meal_glycemic_index(items)


@pytest.mark.parametrize(
    "call",
    [
        lambda: available_carbohydrate(-1, 0),
        lambda: available_carbohydrate(10, -0.1),
        lambda: carbohydrate_in_portion(10, -5),
        lambda: carbohydrate_in_portion(-10, 5),
        lambda: glycemic_load(-1, 10),
        lambda: glycemic_load(50, -10),
        lambda: meal_glycemic_load([(50, 10), (-50, 10)]),
        lambda: meal_glycemic_index([(50, -10)]),
        lambda: gi_class(-1),
        lambda: gl_class(-0.5),
        lambda: daily_gl_class(-3),
        lambda: gl_range(50, -5, 10),
        lambda: gl_range(-50, 5, 10),
    ],
)
def test_negative_inputs_raise(call):
    with pytest.raises(ValueError, match="cannot be negative"):
        call()


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_non_finite_inputs_raise(value):
    with pytest.raises(ValueError, match="finite"):
        glycemic_load(value, 10)


@pytest.mark.parametrize(
    "gi,expected",
    [
        (None, None),
        (0, "low"),
        (55, "low"),
        (55.4, "medium"),
        (56, "medium"),
        (69.9, "medium"),
        (70, "high"),
        (103, "high"),
    ],
)
def test_gi_class(gi, expected):
    assert gi_class(gi) == expected


def test_gi_class_without_carbohydrate():
    assert gi_class(40, available_carbohydrate_g=0) is None
    assert gi_class(40, available_carbohydrate_g=0.5) == "low"
    assert gi_class(None, available_carbohydrate_g=10) is None


@pytest.mark.parametrize(
    "gl,expected",
    [(None, None), (0, "low"), (10, "low"), (10.01, "medium"), (19.99, "medium"), (20, "high")],
)
def test_gl_class(gl, expected):
    assert gl_class(gl) == expected


@pytest.mark.parametrize(
    "gl,expected",
    [
        (None, None),
        (0, "low"),
        (79.9, "low"),
        (80, "medium"),
        (120, "medium"),
        (120.1, "high"),
    ],
)
def test_daily_gl_class(gl, expected):
    assert daily_gl_class(gl) == expected


def test_gl_range():
    low, high = gl_range(73, 4, 50)
    assert (low, high) == (34.5, 38.5)
    assert gl_range(73, None, 50) == (36.5, 36.5)
    # The low end is floored at GI 0.
    assert gl_range(3, 5, 50) == (0.0, 4.0)


def test_gl_range_needs_gi_and_carbohydrate():
    with pytest.raises(ValueError):
        gl_range(None, 5, 10)
    with pytest.raises(ValueError):
        gl_range(50, 5, None)


# Properties


@given(gis, carbs)
def test_gl_is_never_negative(gi, carb):
    assert glycemic_load(gi, carb) >= 0


@given(gis, st.floats(min_value=0, max_value=100), grams, st.floats(min_value=0, max_value=10))
def test_gl_scales_linearly_with_grams(gi, available, portion, factor):
    one = glycemic_load(gi, carbohydrate_in_portion(available, portion))
    scaled = glycemic_load(gi, carbohydrate_in_portion(available, portion * factor))
    assert scaled == pytest.approx(one * factor, rel=1e-9, abs=1e-9)


@given(st.lists(st.tuples(gis, carbs), max_size=20))
def test_meal_gl_is_sum_of_item_gl(items):
    expected = sum(glycemic_load(gi, carb) for gi, carb in items)
    assert meal_glycemic_load(items) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@given(st.lists(st.tuples(gis, st.floats(min_value=0.001, max_value=1000)), min_size=1, max_size=20))
def test_meal_gi_lies_between_item_gis(items):
    meal_gi = meal_glycemic_index(items)
    item_gis = [gi for gi, _ in items]
    tolerance = 1e-9 * max(1, max(item_gis))
    assert min(item_gis) - tolerance <= meal_gi <= max(item_gis) + tolerance


@given(st.lists(gis, max_size=20))
def test_meal_gi_is_none_without_carbohydrate(item_gis):
    assert meal_glycemic_index([(gi, 0) for gi in item_gis]) is None


@given(gis, st.floats(min_value=0, max_value=50), carbs)
def test_gl_range_brackets_gl(gi, uncertainty, carb):
    low, high = gl_range(gi, uncertainty, carb)
    gl = glycemic_load(gi, carb)
    assert 0 <= low <= gl <= high
