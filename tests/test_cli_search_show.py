"""``glyload search`` and ``glyload show`` against the bundled database (built once per session)."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3

import pytest
from click.testing import CliRunner

from glyload import __version__
from glyload.build import build_database
from glyload.cli import cli

SEARCH_COLUMNS = ["food_id", "description", "food_group", "available_carbohydrate_g", "gi",
                  "gi_method", "score"]


@pytest.fixture
def run(built_db):
    """``run(*args)``: invoke the CLI on the session's bundled database."""
    runner = CliRunner()

    def invoke(*args, env=None):
        return runner.invoke(cli, [*args, "--db", str(built_db)], env=env)

    return invoke


@pytest.fixture
def tiny_db(tiny_tables, write_release, tmp_path, no_gi):
    """The tiny release with no GI data at all; 22996 has no carbohydrate value, 20045 no portion."""
    assert tiny_tables["NUT_DATA"][27].startswith("~22996~^~205~^")
    del tiny_tables["NUT_DATA"][27]
    assert tiny_tables["WEIGHT"][11] == "~20045~^1^1^~cup~^158^^"
    del tiny_tables["WEIGHT"][11]
    db = tmp_path / "tiny.db"
    build_database(db, usda=write_release(tiny_tables), **no_gi)
    return db


def food_ids(table_output: str) -> list[str]:
    """The food_id column of search's table output (after the heading and rule lines)."""
    lines = table_output.splitlines()
    assert re.match(r"food_id +description", lines[0])
    assert set(lines[1]) <= {"-", " "}
    return [line.split()[0] for line in lines[2:]]


# --- help ----------------------------------------------------------------------------------


def test_help_lists_commands():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    commands = lines[lines.index("Commands:") + 1:]
    names = [line.split()[0] for line in commands if line.startswith("  ")]
    assert {"build", "search", "show"} <= set(names)
    assert any(re.match(r"  search\s+Search foods by name", line) for line in commands)


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"glyload, version {__version__}\n"


# --- show ----------------------------------------------------------------------------------


def test_show_json_white_rice(run):
    result = run("show", "--json", "20045")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    food = json.loads(result.stdout)
    assert food["food_id"] == "20045"
    assert food["description"] == "Rice, white, long-grain, regular, enriched, cooked"
    assert food["food_group"] == "Cereal Grains and Pasta"
    per_100g = food["per_100g"]
    assert (per_100g["carbohydrate_g"], per_100g["fiber_g"], per_100g["available_carbohydrate_g"]) == (
        28.17, 0.4, 27.77)
    assert per_100g["energy_kcal"] == 130
    assert per_100g["starch_g"] is None
    [cup] = food["portions"]
    assert (cup["amount"], cup["description"], cup["grams"]) == (1, "cup", 158)
    assert cup["available_carbohydrate_g"] == 43.88  # 27.77 * 158 / 100


def test_show_json_apple_portions(run):
    result = run("show", "--json", "09003")
    assert result.exit_code == 0, result.output
    food = json.loads(result.stdout)
    assert food["per_100g"]["carbohydrate_g"] == 13.81
    assert food["per_100g"]["fiber_g"] == 2.4
    portions = {p["description"]: p for p in food["portions"]}
    assert portions['medium (3" dia)']["grams"] == 182
    assert portions['medium (3" dia)']["available_carbohydrate_g"] == 20.77  # 11.41 * 1.82
    assert [p["description"] for p in food["portions"]][:2] == ["cup, quartered or chopped", "cup slices"]


def test_show_text_white_rice(run):
    result = run("show", "20045")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "20045  Rice, white, long-grain, regular, enriched, cooked"
    assert lines[1].startswith("Food group: Cereal Grains and Pasta")
    assert re.search(r"^carbohydrate \(by difference\)\s+28\.17  g$", result.stdout, re.M)
    assert re.search(r"^dietary fiber\s+0\.4  g$", result.stdout, re.M)
    assert re.search(r"^available carbohydrate\s+27\.77  g$", result.stdout, re.M)
    assert re.search(r"^\s+1  cup\s+158\s+43\.9", result.stdout, re.M)


def test_show_by_text_takes_best_match(run):
    result = run("show", "apples raw with skin")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "09003  Apples, raw, with skin"


def test_show_food_id_with_spaces(run):
    result = run("show", "--json", " 20045 ")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["food_id"] == "20045"


@pytest.mark.parametrize("text", ["qwertyzzz", "'", "*"])
def test_show_unknown_food(run, text):
    result = run("show", text)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"Error: no food matches {text!r}\n"


def test_show_without_portions(tiny_db):
    result = CliRunner().invoke(cli, ["show", "--db", str(tiny_db), "20045"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "No household portions from USDA: use grams."
    result = CliRunner().invoke(cli, ["show", "--db", str(tiny_db), "--json", "20045"])
    assert json.loads(result.stdout)["portions"] == []
    assert json.loads(result.stdout)["per_100g"]["available_carbohydrate_g"] == 27.77


def test_show_food_without_carbohydrate_value(tiny_db):
    result = CliRunner().invoke(cli, ["show", "--db", str(tiny_db), "--json", "22996"])
    assert result.exit_code == 0, result.output
    food = json.loads(result.stdout)
    assert food["per_100g"]["available_carbohydrate_g"] is None
    assert food["portions"][0]["description"] == "Entrée"
    assert food["portions"][0]["available_carbohydrate_g"] is None


def test_show_text_unknown_gi_has_no_python_none(tiny_db):
    result = CliRunner().invoke(cli, ["show", "--db", str(tiny_db), "20045"])
    assert result.exit_code == 0, result.output
    [gi_line] = [line for line in result.stdout.splitlines() if line.startswith("GI: ")]
    assert "None" not in gi_line


# --- search --------------------------------------------------------------------------------


def test_search_apple_raw_table(run):
    result = run("search", "apple raw")
    assert result.exit_code == 0, result.output
    ids = food_ids(result.stdout)
    assert "09003" in ids[:3]
    assert len(ids) == 10  # the default --limit
    assert all(re.fullmatch(r"\d{5}|\d{8}", food_id) for food_id in ids)


def test_search_json_shape(run):
    result = run("search", "apple raw", "--json", "--limit", "3")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 3
    assert all(list(row) == SEARCH_COLUMNS for row in rows)
    apple = next(row for row in rows if row["food_id"] == "09003")
    assert apple["description"] == "Apples, raw, with skin"
    assert apple["food_group"] == "Fruits and Fruit Juices"
    assert apple["available_carbohydrate_g"] == 11.41
    assert all(0 <= row["score"] <= 100 for row in rows)
    scores = [row["score"] for row in rows]
    assert scores == sorted(scores, reverse=True)


def test_search_csv_shape(run):
    result = run("search", "apple raw", "--csv", "-n", "5")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == ",".join(SEARCH_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 5
    apple = next(row for row in rows if row["food_id"] == "09003")
    assert apple["description"] == "Apples, raw, with skin"
    assert apple["available_carbohydrate_g"] == "11.41"


def test_search_limit(run):
    for limit in ("1", "25"):
        result = run("search", "apple", "--json", "--limit", limit)
        assert result.exit_code == 0
        assert len(json.loads(result.stdout)) == int(limit)


def test_search_limit_out_of_range(run):
    result = run("search", "apple", "--limit", "0")
    assert result.exit_code == 2
    assert "Invalid value for '-n' / '--limit'" in result.stderr


def test_search_json_and_csv_together(run):
    result = run("search", "apple", "--json", "--csv")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == "Error: --json and --csv cannot be used together"


def test_search_nothing_found(run):
    result = run("search", "qwertyzzz")
    assert result.exit_code == 1
    assert result.stderr == "Error: no food matches 'qwertyzzz'\n"
    result = run("search", "qwertyzzz", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    result = run("search", "qwertyzzz", "--csv")
    assert result.exit_code == 0
    assert result.stdout == ",".join(SEARCH_COLUMNS) + "\n"


@pytest.mark.parametrize("text", ['"', "'", "*", "OR", "apple OR", "NEAR(apple rice)", "apple*",
                                  ");drop table foods;--", "' or 1=1 --", "foods_fts:rice", "^rice",
                                  "rice AND NOT", "\\", "%_"])
def test_search_metacharacters(run, built_db, text):
    result = run("search", text, "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert isinstance(json.loads(result.stdout), list)
    table = run("search", text)
    assert table.exit_code in (0, 1)
    assert table.exception is None or isinstance(table.exception, SystemExit)
    if table.exit_code == 1:
        assert table.stderr == f"Error: no food matches {text!r}\n"
    conn = sqlite3.connect(built_db)
    try:
        assert conn.execute("select count(*) from foods").fetchone() == (8789 + 5432,)
    finally:
        conn.close()


def test_search_quotes_only_finds_nothing(run):
    result = run("search", '"')
    assert result.exit_code == 1
    assert result.stderr == "Error: no food matches '\"'\n"


def test_search_sql_injection_is_just_words(run):
    result = run("search", ");drop table foods;--", "--json")
    assert result.exit_code == 0
    # "drop", "table" and "foods" are searched as words; the table is still there.
    rows = json.loads(result.stdout)
    assert all(set(row) == set(SEARCH_COLUMNS) for row in rows)


def test_search_uses_glyload_db_env(built_db):
    result = CliRunner().invoke(cli, ["search", "apple raw", "--json", "-n", "3"],
                                env={"GLYLOAD_DB": str(built_db)})
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "09003" in [row["food_id"] for row in json.loads(result.stdout)]


def test_first_use_from_the_cli(tiny_bundle, tmp_path):
    """Stand-in bundled data keeps this fast; built_db is the real bundled build."""
    db = tmp_path / "fresh" / "glyload.db"
    result = CliRunner().invoke(cli, ["show", "--db", str(db), "--json", "20045"])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"glyload: building the database at {db} from the bundled data (first use)\n"
    assert json.loads(result.stdout)["per_100g"]["available_carbohydrate_g"] == 27.77
    again = CliRunner().invoke(cli, ["search", "--db", str(db), "--json", "rice"])
    assert again.exit_code == 0, again.output
    assert again.stderr == ""
    assert [row["food_id"] for row in json.loads(again.stdout)] == ["20045"]
