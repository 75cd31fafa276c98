"""Reading a meal (``glyload.meal.read``): arguments, text, files, CSV."""

from __future__ import annotations

import pytest

from glyload.errors import GlyloadError
from glyload.meal.read import MealLine, food_id_line, from_arguments, from_file, from_text


def test_several_arguments_are_several_items():
    assert from_arguments(["1 cup cooked white rice", "1 medium apple, 1 large egg"]) == [
        MealLine("1 cup cooked white rice", "argument 1"),
        MealLine("1 medium apple", "argument 2"),
        MealLine("1 large egg", "argument 2"),
    ]


def test_one_argument_has_no_location():
    assert from_arguments(["rice, apple"]) == [MealLine("rice"), MealLine("apple")]


def test_text_lines_are_located():
    assert from_text("rice\n\napple; egg", "stdin") == [
        MealLine("rice", "stdin:1"), MealLine("apple", "stdin:3"), MealLine("egg", "stdin:3")]


def test_csv_food_id_grams(tmp_path):
    path = tmp_path / "meal.csv"
    path.write_text("food_id,grams\n20045, 150\n", encoding="utf-8")
    assert from_file(path) == [MealLine("20045: 150 g", f"{path}:2", "20045", 150.0)]


@pytest.mark.parametrize("grams", ["nan", "inf", "-1", "0", "abc", ""])
def test_csv_grams_must_be_a_finite_positive_number(grams):
    with pytest.raises(GlyloadError, match="^meal.csv:2: grams"):
        food_id_line("20045", grams, "meal.csv:2")


def test_repeated_lines_share_a_key():
    a, b = MealLine("rice", "f:1"), MealLine("rice", "f:9")
    assert a.key == b.key and a != b
