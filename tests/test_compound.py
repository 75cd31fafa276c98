"""Compound phrases (``glyload.meal.compound``): one dish, or several items."""

from __future__ import annotations

import pytest

from glyload.meal.compound import pieces, split_item


@pytest.mark.parametrize(("text", "parts"), [
    ("1 bagel with cream cheese", ["1 bagel", "cream cheese"]),
    ("2 eggs and 2 slices toast", ["2 eggs", "2 slices toast"]),
    ("rice & beans", ["rice", "beans"]),
    ("mac&cheese", ["mac", "cheese"]),
    ("coffee w/ milk", ["coffee", "milk"]),
    ("toast + jam", ["toast", "jam"]),
    ("1 cup oatmeal with 1 tbsp honey and a banana", ["1 cup oatmeal", "1 tbsp honey", "a banana"]),
    # "and" inside an amount, or a side that is no item, is not a cut.
    ("one and a half cups rice", ["one and a half cups rice"]),
    ("2 and 1/2 cups flour", ["2 and 1/2 cups flour"]),
    ("half and half", ["half and half"]),
])
def test_pieces(text, parts):
    assert pieces(text) == parts


def test_two_foods_with_amounts_are_two_items(conn):
    items = split_item(conn, "2 eggs and 2 slices white bread")
    assert [(i.quantity, i.unit, i.phrase) for i in items] == [(2.0, None, "eggs"), (2.0, "slice", "white bread")]
    assert items[1].host is None  # "and": an item of its own, not an addition to the eggs


def test_a_with_part_is_an_addition_to_the_first_item(conn):
    items = split_item(conn, "1 cup coffee with milk and 2 cookies")
    assert [(i.phrase, i.host) for i in items] == [("coffee", None), ("milk", "1 cup coffee"), ("cookies", None)]


def test_addition_without_amount_is_its_own_item_with_a_default(conn):
    items = split_item(conn, "1 bagel with cream cheese")
    assert [i.phrase for i in items] == ["bagel", "cream cheese"]
    assert items[1].amount_given is False
    assert items[1].host == "1 bagel"


def test_a_food_that_is_the_dish_stays_one_item(conn):
    """'Half and half' is a cream in USDA SR: one food, not two halves."""
    items = split_item(conn, "2 tbsp half and half")
    assert len(items) == 1 and items[0].phrase == "half and half"


def test_what_the_food_is_must_be_typed(conn):
    """'toast with butter' is no French toast: the dish's head term must be typed."""
    items = split_item(conn, "2 slices toast with butter")
    assert [i.phrase for i in items] == ["toast", "butter"]


@pytest.mark.parametrize(("text", "phrases"), [
    # USDA's "Bread, egg, toasted" is egg bread: a later part that is only what a dish is
    # ("toast") names a food of its own
    ("two eggs and toast", ["eggs", "toast"]),
    # "Fast foods, biscuit, with egg and bacon" is a biscuit: its "with" term is what it has
    ("eggs and bacon", ["eggs", "bacon"]),
    # USDA's own name joins them: "Beef and broccoli" is one dish
    ("1 cup beef and broccoli", ["beef broccoli"]),
    ("1 bean and cheese burrito", ["bean cheese burrito"]),
])
def test_a_dish_is_what_its_name_says_it_is(conn, text, phrases):
    assert [i.phrase for i in split_item(conn, text)] == phrases


def test_what_is_typed_after_with_is_what_the_dish_has(conn):
    """SR's "Croissants, butter" is a butter croissant: "with butter" is butter on one."""
    assert [i.phrase for i in split_item(conn, "1 croissant with butter")] == ["croissant", "butter"]
    assert [i.phrase for i in split_item(conn, "1 cup macaroni with cheese")] == ["macaroni cheese"]


def test_a_tab_between_parts_is_a_space(conn):
    """Found by the property test: "B&1\\tA" cut at "&" must find its parts again."""
    assert [i.text for i in split_item(conn, "1 cup rice\tand 1 apple")] == ["1 cup rice", "1 apple"]
