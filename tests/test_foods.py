"""``glyload.foods``: one food with its nutrients, GI and portions (``glyload show``)."""

from __future__ import annotations

import sqlite3

import pytest

from glyload.database import dict_rows
from glyload.errors import GlyloadError
from glyload.foods import food_details


def test_rice_by_id(conn):
    food = food_details(conn, "20045")
    assert food["description"] == "Rice, white, long-grain, regular, enriched, cooked"
    assert food["per_100g"]["carbohydrate_g"] == 28.17
    assert food["per_100g"]["available_carbohydrate_g"] == 27.77
    cup = food["portions"][0]
    assert (cup["amount"], cup["description"], cup["grams"]) == (1.0, "cup", 158.0)
    assert cup["available_carbohydrate_g"] == round(27.77 * 1.58, 2)
    assert cup["gl"] == round(food["glycemic_index"]["gi"] * cup["available_carbohydrate_g"] / 100, 2)


def test_text_finds_the_best_match(conn):
    assert food_details(conn, "apple raw")["food_id"] == "09003"


def test_unknown_food(conn):
    with pytest.raises(GlyloadError, match="no food matches 'qqqxxz'"):
        food_details(conn, "qqqxxz")


def test_library_leaves_the_connection_row_factory_alone(db):
    connection = sqlite3.connect(db)  # plain tuples, as a caller such as Datasette may have it
    try:
        assert food_details(connection, "apple raw")["food_id"] == "09003"  # searched, then read
        assert dict_rows(connection, "select food_id from foods where food_id = ?", ("09003",)) == [
            {"food_id": "09003"}]
        assert connection.row_factory is None
        assert connection.execute("select food_id from foods where food_id = '09003'").fetchone() == ("09003",)
    finally:
        connection.close()


def test_dish_shows_its_ingredients_and_source(conn):
    food = food_details(conn, "58137210")
    assert (food["source"], food["food_group"]) == ("FNDDS 2021-2023", "Fried rice and lo/chow mein")
    assert [(i["ingredient_id"], i["resolved_source"]) for i in food["ingredients"]] == [
        ("58137230", "FNDDS 2021-2023")]
    assert food_details(conn, "20045")["ingredients"] == []
