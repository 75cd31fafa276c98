"""``glyload.ingredients`` and ``glyload ingredients``: FNDDS recipes and the codes that resolve to nothing."""

from __future__ import annotations

import json

from click.testing import CliRunner

from glyload.cli import cli
from glyload.ingredients import dish_ingredients, unresolved


def run(db, *args):
    return CliRunner().invoke(cli, ["ingredients", "--db", str(db), *args])


def test_turkey_sandwich_is_bread_and_turkey(conn):
    rows = dish_ingredients(conn, "27540010")
    assert [(r["ingredient_code"], r["ingredient_id"], r["resolved_source"], r["grams"]) for r in rows] == [
        ("18069", "18069", "SR28", 60.0), ("7081", "07081", "SR28", 56.0)]
    bread = rows[0]
    assert bread["carbohydrate_in_recipe_g"] == round(60 * bread["available_carbohydrate_g"] / 100, 3)


def test_fndds_ingredient_has_ingredients_of_its_own(conn):
    (chicken,) = dish_ingredients(conn, "58137210")  # Pad Thai, NFS is Pad Thai with chicken
    assert (chicken["ingredient_id"], chicken["resolved_source"]) == ("58137230", "FNDDS 2021-2023")
    assert chicken["own_ingredients"] == len(dish_ingredients(conn, "58137230")) > 1


def test_sr_food_has_no_ingredients(conn):
    assert dish_ingredients(conn, "20045") == []


def test_unresolved_codes_are_all_listed(conn):
    rows = unresolved(conn)
    (total,) = conn.execute("select count(*) from ingredients where ingredient_id is null").fetchone()
    assert sum(r["dishes"] for r in rows) == total == 291  # each code appears once per dish
    assert len({r["ingredient_code"] for r in rows}) == 54
    codes = {r["ingredient_code"]: r for r in rows}
    assert codes["100295"]["description"] == "Yogurt, plain, nonfat"  # a FoodData Central code
    assert codes["4063"]["description"] == "Oil, olive, extra virgin"  # SR Legacy, not in SR28
    assert [r["dishes"] for r in rows] == sorted((r["dishes"] for r in rows), reverse=True)


def test_cli_unresolved_table_and_json(db):
    result = run(db, "--unresolved")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith("54 codes in 291 recipe uses resolve to no food")
    rows = json.loads(run(db, "--unresolved", "--json").stdout)
    assert len(rows) == 54 and set(rows[0]) == {"ingredient_code", "description", "dishes", "grams",
                                                 "example_food_id", "example_food"}


def test_cli_dish_by_name(db):
    result = run(db, "turkey sandwich")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "27540010  Turkey sandwich on white"
    assert any("18069 (SR28)" in line for line in lines)


def test_cli_needs_food_or_unresolved(db):
    for args in ((), ("pizza", "--unresolved")):
        result = run(db, *args)
        assert result.exit_code == 2
        assert result.stderr.splitlines()[-1] == "Error: give a FOOD or --unresolved"


def test_cli_sr_food_has_no_ingredient_list(db):
    result = run(db, "20045")
    assert result.exit_code == 1
    assert result.stderr == ("Error: 20045 Rice, white, long-grain, regular, enriched, cooked has no ingredient "
                             "list (only FNDDS foods have one)\n")
