"""Meal scoring: ``score_meal`` (the JSON contract) and ``glyload score`` (table, JSON, CSV, files, stdin).

Expected GL values are computed from the database's own GI for the food, never
hard-coded: curators keep adding GI links, so a food's GI may change, while its
USDA carbohydrate and portions do not.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import pty
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from glyload import glycemic
from glyload.cli import cli
from glyload.errors import GlyloadError
from glyload.meal.match import match_food
from glyload.search import normalise
from glyload.meal.score import ITEM_KEYS, TOTAL_KEYS, score_meal

MEASURED = ("direct", "related")


def food(conn, food_id: str) -> dict:
    row = conn.execute("select * from foods where food_id = ?", (food_id,)).fetchone()
    assert row is not None, food_id
    return dict(row)


def portions(conn, food_id: str) -> list[dict]:
    return [dict(zip(("amount", "description", "grams"), r)) for r in conn.execute(
        "select amount, description, grams from portions where food_id = ? order by seq", (food_id,))]


def run(db, command, *args, input=None):
    return CliRunner().invoke(cli, [command, "--db", str(db), *args], input=input)


def assert_one_line_error(result, *fragments):
    """Exit 1, nothing on stdout, one ``Error: ...`` line on stderr, no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


def only_item(meal: dict) -> dict:
    assert len(meal["items"]) == 1
    return meal["items"][0]


def expected_gl(gi, carbs):
    return round(gi * carbs / 100, 2)


# --- single items ------------------------------------------------------------------------------


def test_cup_of_cooked_white_rice(conn):
    rice = food(conn, "20045")
    assert rice["available_carbohydrate_g"] == pytest.approx(27.77)
    item = only_item(score_meal(conn, "1 cup cooked white rice"))
    assert item["food_id"] == "20045"
    assert item["food"] == rice["description"]
    assert (item["quantity"], item["unit"], item["portion"]) == (1.0, "cup", "cup")
    assert item["grams"] == 158.0
    assert item["available_carbohydrate_g"] == 43.88  # 27.77 x 1.58
    assert item["gi"] == rice["gi"]
    assert item["gi_method"] == rice["gi_method"]
    assert item["gi_confidence"] == rice["gi_confidence"]
    assert item["gl"] == pytest.approx(expected_gl(rice["gi"], 27.77 * 1.58), abs=0.006)
    assert item["gl_low"] <= item["gl"] <= item["gl_high"]
    assert item["match_score"] >= 70
    assert item["notes"] == []


@pytest.mark.parametrize(("text", "food_id", "grams"), [
    ("1 medium apple", "09003", 182.0),
    ("1 medium banana", "09040", 118.0),
])
def test_medium_fruit(conn, text, food_id, grams):
    item = only_item(score_meal(conn, text))
    assert item["food_id"] == food_id
    assert item["grams"] == grams
    assert item["portion"].startswith("medium")
    carbs = food(conn, food_id)["available_carbohydrate_g"] * grams / 100
    assert item["available_carbohydrate_g"] == pytest.approx(round(carbs, 2))
    assert item["gl"] == pytest.approx(expected_gl(item["gi"], carbs), abs=0.006)


def test_two_slices_of_white_bread(conn):
    item = only_item(score_meal(conn, "2 slices white bread"))
    assert item["food"].lower().startswith("bread, white"), item["food"]
    assert item["unit"] == "slice" and item["quantity"] == 2
    assert "slice" in item["portion"]
    per_slice = [p["grams"] / p["amount"] for p in portions(conn, item["food_id"])
                 if p["description"] == item["portion"]]
    assert per_slice, item["portion"]
    assert item["grams"] == pytest.approx(2 * per_slice[0])


@pytest.mark.parametrize(("text", "grams"), [
    ("150 g cooked white rice", 150.0),
    ("5 oz cooked white rice", 141.7),  # 5 x 28.349523125
    ("1 lb cooked white rice", 453.6),
    ("0.2 kg cooked white rice", 200.0),
    ("cooked white rice 150 g", 150.0),
])
def test_mass_units(conn, text, grams):
    item = only_item(score_meal(conn, text))
    assert item["food_id"] == "20045"
    assert item["grams"] == grams
    assert item["portion"] == ""  # no household measure involved
    assert item["available_carbohydrate_g"] == pytest.approx(27.77 * grams / 100, abs=0.01)


def test_volume_unit_without_volume_portions_lists_portions(conn):
    bagel = match_food(conn, "bagel", unit="cup").food
    listed = portions(conn, bagel["food_id"])
    assert listed, "the food needs portions for this test"
    assert not any(p["description"].lower().startswith(("cup", "tbsp", "tsp", "fl oz")) for p in listed)
    with pytest.raises(GlyloadError) as caught:
        score_meal(conn, "1 cup bagel")
    message = str(caught.value)
    assert "\n" not in message
    assert bagel["description"] in message
    assert "cup" in message and "its portions:" in message
    for portion in listed:
        assert f"{portion['amount']:g} {portion['description']} = {portion['grams']:g} g" in message


def test_volume_unit_without_volume_portions_cli(db):
    assert_one_line_error(run(db, "score", "1 cup bagel"), "its portions:")


def test_explicit_food_id(conn):
    item = only_item(score_meal(conn, "20045: 150 g"))
    assert item["food_id"] == "20045"
    assert item["grams"] == 150.0
    assert item["match_score"] == 100.0
    assert item["available_carbohydrate_g"] == pytest.approx(41.66, abs=0.01)  # 27.77 x 1.5


def test_explicit_unknown_food_id(db, conn):
    with pytest.raises(GlyloadError, match="99999"):
        score_meal(conn, "99999: 100 g")
    assert_one_line_error(run(db, "score", "99999: 100 g"), "no food with id '99999'")


# --- meal totals ---------------------------------------------------------------------------------


MEAL = "1 cup cooked white rice, 1 medium apple, 1 large egg, 1 cup milk, 2 slices white bread"


def test_meal_totals(conn):
    meal = score_meal(conn, MEAL)
    items, totals = meal["items"], meal["totals"]
    assert [i["input"] for i in items] == [t.strip() for t in MEAL.split(",")]
    assert all(i["gi"] is not None for i in items)
    carbs = [food(conn, i["food_id"])["available_carbohydrate_g"] * i["grams"] / 100 for i in items]
    total_carbs = sum(carbs)
    gl = sum(i["gi"] * c / 100 for i, c in zip(items, carbs))
    # Meal GI leaves out "not applicable" items (GI 0 marks negligible carbohydrate).
    rated = [(i["gi"], c) for i, c in zip(items, carbs) if i["gi_method"] != "not applicable"]
    gi = sum(g * c for g, c in rated) / sum(c for _, c in rated)
    measured = sum(c for i, c in zip(items, carbs) if i["gi_method"] in MEASURED)

    assert totals["grams"] == pytest.approx(sum(i["grams"] for i in items))
    assert totals["available_carbohydrate_g"] == pytest.approx(total_carbs, abs=0.01)
    # GL is the sum of the items' GL; GI the carbohydrate-weighted mean of their GI.
    assert totals["gl"] == pytest.approx(gl, abs=0.01)
    assert totals["gl"] == pytest.approx(sum(i["gl"] for i in items), abs=0.005 * len(items))
    assert totals["gi"] == pytest.approx(gi, abs=0.05)
    assert min(g for g, _ in rated) <= totals["gi"] <= max(g for g, _ in rated)
    assert totals["gl_low"] == pytest.approx(sum(i["gl_low"] for i in items), abs=0.005 * len(items))
    assert totals["gl_high"] == pytest.approx(sum(i["gl_high"] for i in items), abs=0.005 * len(items))
    assert totals["gl_low"] <= totals["gl"] <= totals["gl_high"]
    assert totals["gl_class"] == glycemic.gl_class(totals["gl"])
    assert totals["gi_class"] == glycemic.gi_class(totals["gi"])
    assert totals["measured_carb_share"] == pytest.approx(measured / total_carbs, abs=0.001)
    assert 0 <= totals["measured_carb_share"] <= 1


def test_meal_of_one_item_totals_equal_the_item(conn):
    meal = score_meal(conn, "1 cup cooked white rice")
    item, totals = meal["items"][0], meal["totals"]
    assert totals["gl"] == item["gl"]
    assert totals["gi"] == pytest.approx(item["gi"], abs=0.05)
    assert totals["grams"] == item["grams"]
    assert totals["measured_carb_share"] == (1.0 if item["gi_method"] in MEASURED else 0.0)


def test_egg_alone(conn):
    """An egg has GI "not applicable" (stored as 0) but 0.72 g/100 g of available carbohydrate:
    the meal GL is 0, and a meal with only "not applicable" foods has no GI."""
    meal = score_meal(conn, "1 large egg")
    item, totals = meal["items"][0], meal["totals"]
    assert item["gi_method"] == "not applicable"
    assert item["gi"] == 0.0 and item["gl"] == 0.0
    assert item["available_carbohydrate_g"] > 0
    assert totals["gl"] == 0.0 and totals["gl_class"] == "low"
    assert totals["gi"] is None
    assert totals["gi_class"] is None
    assert totals["measured_carb_share"] == 0.0


def test_meal_without_carbohydrate_has_no_gi(db, conn):
    meal = score_meal(conn, "1 tbsp olive oil")
    item, totals = meal["items"][0], meal["totals"]
    assert item["available_carbohydrate_g"] == 0.0
    assert totals["gl"] == 0.0 and totals["gl_class"] == "low"
    assert totals["gi"] is None and totals["gi_class"] is None
    assert totals["measured_carb_share"] is None
    result = run(db, "score", "1 tbsp olive oil")
    assert result.exit_code == 0, result.output
    assert "Meal GI: n/a" in result.stdout


# --- CLI output -------------------------------------------------------------------------------


def test_cli_table(db, conn):
    meal = score_meal(conn, "1 cup cooked white rice, 1 medium apple")
    result = run(db, "score", "1 cup cooked white rice, 1 medium apple")
    assert result.exit_code == 0, result.output
    out = result.stdout
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["item", "food"]
    for item in meal["items"]:
        line = next(l for l in lines if l.startswith(item["input"]))
        assert item["food_id"] in line
        assert f"{item['gl']:.1f}" in line
        assert item["gi_method"] in line
    total = next(l for l in lines if l.startswith("meal "))
    assert f"{meal['totals']['gl']:.1f}" in total
    totals = meal["totals"]
    assert f"Glycemic load: {totals['gl']:.1f} ({totals['gl_class']}" in out
    assert f"Meal GI: {totals['gi']:g} ({totals['gi_class']})" in out
    assert f"Carbohydrate with a measured GI: {totals['measured_carb_share'] * 100:.0f}%" in out


def test_cli_table_shows_notes(db):
    result = run(db, "score", "apple")
    assert result.exit_code == 0, result.output
    assert "Note 1 (apple): no amount given" in result.stdout


def test_cli_json_contract(db, conn):
    text = "1 cup cooked white rice, 1 medium apple, 1 large egg"
    result = run(db, "score", "--json", text)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["items", "totals"]
    assert len(data["items"]) == 3
    for item in data["items"]:
        assert list(item) == list(ITEM_KEYS)
        assert isinstance(item["notes"], list)
    assert list(data["totals"]) == list(TOTAL_KEYS)
    assert data == json.loads(json.dumps(score_meal(conn, text)))


def test_cli_csv(db):
    result = run(db, "score", "--csv", "1 cup cooked white rice, apple")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == list(ITEM_KEYS)
    assert len(rows) == 3
    by_name = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert by_name[0]["food_id"] == "20045" and by_name[0]["grams"] == "158.0"
    # no amount: FNDDS's "Apple, raw", weighed by USDA's own default serving (200 g)
    assert (by_name[1]["food_id"], by_name[1]["grams"]) == ("63101000", "200.0")
    assert by_name[1]["notes"].startswith("no amount given")  # notes joined into one cell


def test_cli_json_and_csv_together_is_a_usage_error(db):
    result = run(db, "score", "--json", "--csv", "1 medium apple")
    assert result.exit_code == 2
    assert "cannot be used together" in result.stderr


def test_cli_stdin(db):
    result = run(db, "score", "--json", input="1 cup cooked white rice\n\n1 medium apple, 1 large hard-boiled egg\n")
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)["items"]
    assert [i["food_id"] for i in items] == ["20045", "09003", "01129"]


def test_cli_stdin_error_names_line(db):
    result = run(db, "score", input="1 cup cooked white rice\n3 blorps of rice\n")
    assert_one_line_error(result, "stdin:2:", "blorps")


def test_cli_file_one_item_per_line(db, tmp_path):
    path = tmp_path / "meal.txt"
    path.write_text("1 cup cooked white rice\n\n1 medium apple, 1 large hard-boiled egg\n", encoding="utf-8")
    result = run(db, "score", "--json", "--file", str(path))
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)["items"]
    assert [i["food_id"] for i in items] == ["20045", "09003", "01129"]


def test_cli_file_error_names_file_and_line(db, tmp_path):
    path = tmp_path / "meal.txt"
    path.write_text("1 cup cooked white rice\n\n3 blorps of rice\n", encoding="utf-8")
    assert_one_line_error(run(db, "score", "--file", str(path)), f"{path}:3:", "blorps")


def test_cli_file_csv_food_id_grams(db, conn, tmp_path):
    path = tmp_path / "meal.csv"
    path.write_text("food_id,grams\n20045,150\n09003, 100\n", encoding="utf-8")
    result = run(db, "score", "--json", "-f", str(path))
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)["items"]
    assert [(i["food_id"], i["grams"]) for i in items] == [("20045", 150.0), ("09003", 100.0)]
    apple = food(conn, "09003")
    assert items[1]["available_carbohydrate_g"] == pytest.approx(apple["available_carbohydrate_g"], abs=0.01)


def test_cli_file_csv_item_column(db, tmp_path):
    path = tmp_path / "meal.csv"
    path.write_text('note,item\nlunch,1 cup cooked white rice\nsnack,"1 medium apple"\n', encoding="utf-8")
    result = run(db, "score", "--json", "-f", str(path))
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)["items"]
    assert [(i["food_id"], i["grams"]) for i in items] == [("20045", 158.0), ("09003", 182.0)]


@pytest.mark.parametrize(("content", "fragment"), [
    ("food_id,grams\n20045,150\n20045,abc\n", ":3: grams 'abc' is not a number"),
    ("food_id,grams\n99999,100\n", ":2: no food with id '99999'"),
    ("food_id,grams\n20045,0\n", ":2:"),
    ("food_id,grams\n20045,-5\n", ":2:"),
    ("food_id,grams\n20045,nan\n", ":2:"),
    ("food_id,grams\n20045,1e308\n", ":2:"),
    ("item,grams\n,\n", ":2: needs an item"),
])
def test_cli_file_csv_bad_rows(db, tmp_path, content, fragment):
    path = tmp_path / "meal.csv"
    path.write_text(content, encoding="utf-8")
    assert_one_line_error(run(db, "score", "-f", str(path)), f"{path}{fragment}")


def test_cli_meal_and_file_together_is_a_usage_error(db, tmp_path):
    path = tmp_path / "meal.txt"
    path.write_text("1 medium apple\n", encoding="utf-8")
    result = run(db, "score", "-f", str(path), "1 medium apple")
    assert result.exit_code == 2


def test_cli_no_meal_at_all_is_a_usage_error(db, tmp_path):
    """No argument, no --file and a terminal on stdin: nothing to score (exit 2)."""
    glyload = Path(sys.executable).with_name("glyload")
    if not glyload.exists():
        pytest.skip("glyload script not installed beside the interpreter")
    primary, secondary = pty.openpty()
    try:
        proc = subprocess.run([str(glyload), "score", "--db", str(db)], stdin=secondary,
                              capture_output=True, text=True, timeout=60,
                              env={**os.environ, "GLYLOAD_DB": str(tmp_path / "unused.db")})
    finally:
        os.close(primary)
        os.close(secondary)
    assert proc.returncode == 2, proc.stderr
    assert "give a meal" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_cli_empty_stdin_is_an_empty_meal(db):
    assert_one_line_error(run(db, "score", input=""), "empty meal")


# --- bad input: exit 1 and one line, never a traceback ----------------------------------------


def test_bad_input_empty_meal(db):
    assert_one_line_error(run(db, "score", ""), "empty meal")


def test_bad_input_only_separators(db):
    assert_one_line_error(run(db, "score", " , ;, "), "empty meal")


def test_bad_input_only_a_number(db):
    assert_one_line_error(run(db, "score", "42"), "no food named", '"42"')


@pytest.mark.parametrize("text", ["0 g rice", "0 cups cooked rice", "0 medium apples", "0.0 oz rice"])
def test_bad_input_zero_quantity(db, text):
    assert_one_line_error(run(db, "score", text), "more than zero")


@pytest.mark.parametrize("text", ["-1 g rice", "-2 medium apples", "-0.5 cup cooked rice"])
def test_bad_input_negative_quantity(db, text):
    assert_one_line_error(run(db, "score", "--", text), "more than zero")


def test_bad_input_huge_quantity(db):
    assert_one_line_error(run(db, "score", "1e308 g rice"), "too large")


def test_bad_input_implausible_mass_by_household_measure(db):
    assert_one_line_error(run(db, "score", "1000 cups cooked white rice"))


def test_bad_input_unknown_unit(db):
    assert_one_line_error(run(db, "score", "3 blorps of rice"), 'unknown unit "blorps"')


def test_bad_input_very_long_line(db):
    text = ("rice " * 2000)[:10_000]
    assert len(text) == 10_000
    line = assert_one_line_error(run(db, "score", text), "too long")
    assert len(line) < 300  # the item is quoted shortened, not echoed whole


def test_bad_input_very_long_line_in_file(db, tmp_path):
    path = tmp_path / "meal.txt"
    path.write_text("1 medium apple\n" + "x" * 10_000 + "\n", encoding="utf-8")
    assert_one_line_error(run(db, "score", "-f", str(path)), f"{path}:2:", "too long")


def test_bad_input_control_characters(db):
    assert_one_line_error(run(db, "score", "\x00\x01rice"), "control character")


def test_bad_input_control_characters_on_stdin(db):
    assert_one_line_error(run(db, "score", input=b"\x00\x01rice\n\x07\x1b[2J\n"),
                          "stdin:1:", "control character")


def test_bad_input_binary_junk_on_stdin(db):
    result = run(db, "score", input=b"1 cup cooked white rice\xff\xfe\x89PNG\n")
    assert_one_line_error(result)


@pytest.mark.parametrize("text", [
    "rice'; drop table foods; --",
    "rice\"; drop table foods; --",
    "rice' or '1'='1",
    "rice) union select * from foods --",
    'rice" OR "apple',
    "rice* NEAR(apple)",
    "cooked white rice --",
])
def test_bad_input_sql_metacharacters(db, text):
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    result = run(db, "score", "--json", text)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1), result.output
    assert isinstance(result.exception, (SystemExit, type(None))), repr(result.exception)
    if result.exit_code == 1:
        assert_one_line_error(result)
    else:
        assert all(i["food_id"] for i in json.loads(result.stdout)["items"])
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
    check = sqlite3.connect(db)
    try:
        assert check.execute("select count(*) from foods").fetchone()[0] == 8789 + 5432
    finally:
        check.close()


def test_sql_metacharacters_in_one_item_scores_the_food(conn):
    item = only_item(score_meal(conn, "1 cup 'cooked white rice' --"))
    assert item["food_id"] == "20045"


def test_bad_input_file_is_a_directory(db, tmp_path):
    """click rejects a directory for --file before glyload runs: a usage error (exit 2)."""
    result = run(db, "score", "-f", str(tmp_path))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "is a directory" in result.stderr


def test_bad_input_file_is_binary(db, tmp_path):
    path = tmp_path / "meal.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    assert_one_line_error(run(db, "score", "-f", str(path)), "not a UTF-8 text file")


def test_bad_input_file_is_binary_utf8_junk(db, tmp_path):
    path = tmp_path / "meal.bin"
    path.write_bytes(b"\x00\x01\x02rice\x03\n")
    assert_one_line_error(run(db, "score", "-f", str(path)), f"{path}:1:", "control character")


def test_bad_input_missing_file(db, tmp_path):
    result = run(db, "score", "-f", str(tmp_path / "nope.txt"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_bad_input_empty_file(db, tmp_path):
    path = tmp_path / "meal.txt"
    path.write_text("", encoding="utf-8")
    assert_one_line_error(run(db, "score", "-f", str(path)), "empty meal")


def test_cli_file_csv_with_byte_order_mark(db, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("food_id,grams\n20045,150\n".encode("utf-8-sig"))
    result = run(db, "score", "--json", "-f", str(path))
    assert result.exit_code == 0, result.output
    assert [i["food_id"] for i in json.loads(result.stdout)["items"]] == ["20045"]


# --- weak matches ------------------------------------------------------------------------------


def test_weak_match_errors_with_suggestions(db, conn):
    with pytest.raises(GlyloadError) as caught:
        score_meal(conn, "black coffee")
    assert "did you mean" in str(caught.value)
    line = assert_one_line_error(run(db, "score", "black coffee"), "did you mean", "--first")
    assert "92100000 Coffee, NS as to type" in line  # FNDDS: coffee, "black" unanswered


def test_first_accepts_a_weak_match(db):
    result = run(db, "score", "--first", "--json", "black coffee")
    assert result.exit_code == 0, result.output
    item = json.loads(result.stdout)["items"][0]
    assert item["food_id"] == "92100000"  # Coffee, NS as to type
    assert item["match_score"] < 70
    assert any(n.startswith("weak match") for n in item["notes"])


def test_unknown_food_errors(db):
    assert_one_line_error(run(db, "score", "1 cup xqzzyv"), "no food matches")


# --- meals as typed (issue 9) and hardening of the score path (issue 13) --------------------------


def test_several_arguments_are_several_items(db):
    result = run(db, "score", "--json", "1 cup cooked white rice", "1 medium apple")
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)["items"]
    assert [(i["food_id"], i["grams"]) for i in items] == [("20045", 158.0), ("09003", 182.0)]


def test_bagel_with_cream_cheese_and_coffee_with_milk(db):
    result = run(db, "score", "--json", "1 bagel with cream cheese, 1 cup coffee with milk")
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)["items"]
    foods = [i["food"].lower() for i in items]
    assert "bagel" in foods[0]
    assert "cream" in foods[1] and "cheese" in foods[1]
    assert any("coffee" in f for f in foods[2:]) and any("milk" in f for f in foods[2:])
    assert 60 <= items[0]["grams"] <= 130  # one bagel
    assert items[1]["typed"] == "1 bagel with cream cheese"
    assert all(i["unused_words"] == [] for i in items)


@pytest.mark.parametrize(("text", "fragment"), [
    ("nan g rice", "quantity is not a finite number"),
    ("inf g rice", "quantity is not a finite number"),
    ("2 zorks rice", 'unknown unit "zorks"'),
])
def test_unreadable_amounts_are_errors_never_default_portions(db, text, fragment):
    assert_one_line_error(run(db, "score", text), fragment)


def test_negative_amount_is_refused_not_an_unknown_option(db):
    line = assert_one_line_error(run(db, "score", "-1 cup rice"), "negative amount is refused")
    assert "No such option" not in line
    assert_one_line_error(run(db, "score", "--json", "-2 medium apples"), "negative amount")


def test_a_mistyped_option_is_still_a_usage_error(db):
    result = run(db, "score", "--jsn", "rice")
    assert result.exit_code == 2 and "No such option" in result.stderr


def test_every_failing_item_is_named(db):
    line = assert_one_line_error(run(db, "score", "1 cup cooked white rice", "2 zorks rice", "nan g rice"),
                                 "2 items cannot be scored")
    assert 'argument 2: unknown unit "zorks"' in line
    assert 'argument 3: quantity is not a finite number: "nan g rice"' in line


def test_partial_scores_the_rest_and_lists_what_was_left_out(db):
    result = run(db, "score", "--partial", "1 cup cooked white rice", "2 zorks rice")
    assert result.exit_code == 0, result.output
    assert "1 cup cooked white rice" in result.stdout
    assert 'Left out (argument 2: 2 zorks rice): unknown unit "zorks"' in result.stdout
    data = json.loads(run(db, "score", "--partial", "--json", "1 cup cooked white rice", "2 zorks rice").stdout)
    assert [i["food_id"] for i in data["items"]] == ["20045"]
    assert data["totals"]["grams"] == 158.0
    assert data["left_out"] == [{"input": "2 zorks rice", "where": "argument 2",
                                 "error": 'unknown unit "zorks": "2 zorks rice"'}]


def test_partial_with_nothing_left_fails(db):
    assert_one_line_error(run(db, "score", "--partial", "2 zorks rice"), "zorks")


def test_without_partial_no_total_is_printed(db):
    result = run(db, "score", "1 cup cooked white rice", "2 zorks rice")
    assert result.exit_code == 1 and "Glycemic load" not in result.output


def test_words_not_used_are_named_and_flagged(db):
    result = run(db, "score", "--first", "1 cup cooked white rice xqzzy")
    assert result.exit_code == 0, result.output
    assert "1 cup cooked white rice xqzzy (?)" in result.stdout
    assert "not used for the match: xqzzy" in result.stdout
    data = json.loads(run(db, "score", "--first", "--json", "1 cup cooked white rice xqzzy").stdout)
    assert data["items"][0]["unused_words"] == ["xqzzy"]


def test_repeated_lines_are_scored_once(conn, monkeypatch):
    from glyload.meal import score as scoring
    from glyload.meal.read import from_text

    calls = []
    real = scoring.score_line
    monkeypatch.setattr(scoring, "score_line", lambda c, line, first=False: calls.append(line.text) or real(c, line, first))
    done = []
    meal = scoring.score_lines(conn, from_text("1 medium apple\n" * 50 + "1 cup cooked white rice\n", "f"),
                               progress=done.append)
    assert calls == ["1 medium apple", "1 cup cooked white rice"]
    assert len(meal["items"]) == 51 and meal["totals"]["grams"] == 50 * 182 + 158
    assert done == list(range(1, 52))


def test_bars_show_each_item_s_share_of_the_meal_gl(db):
    result = run(db, "score", "--bars", "1 cup cooked white rice, 1 large egg")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].endswith("share of GL")
    assert lines[2].endswith("########## 100%")
    assert lines[3].endswith("..........   0%")
    assert "share of GL" not in run(db, "score", "1 cup cooked white rice").stdout  # not a terminal
    assert "share of GL" not in run(db, "score", "--no-bars", "1 cup cooked white rice").stdout


def test_whole_table_two_arguments(db, conn):
    rice, apple = food(conn, "20045"), food(conn, "09003")
    meal = score_meal(conn, "1 cup cooked white rice, 1 medium apple")
    totals = meal["totals"]
    rice_gi, apple_gi = f"{rice['gi']:g} ({rice['gi_method']})", f"{apple['gi']:g} ({apple['gi_method']})"
    width = max(len(rice_gi), len(apple_gi), len("GI (method)"))
    gl = [f"{i['gl']:.1f}" for i in meal["items"]] + [f"{totals['gl']:.1f}"]
    glw = max(2, *map(len, gl))
    head = f"{'GI (method)':<{width}}  {'GL':>{glw}}"
    rule = f"{'-' * width}  {'-' * glw}"
    expected = "\n".join([
        "item                     food                                                    grams  avail. carbs g  " + head,
        "-----------------------  ------------------------------------------------------  -----  --------------  " + rule,
        f"1 cup cooked white rice  20045 Rice, white, long-grain, regular, enriched, coo…    158            43.9  {rice_gi:<{width}}  {gl[0]:>{glw}}",
        f"1 medium apple           09003 Apples, raw, with skin                              182            20.8  {apple_gi:<{width}}  {gl[1]:>{glw}}",
        "-----------------------  ------------------------------------------------------  -----  --------------  " + rule,
        f"meal                                                                               340            64.6  {totals['gi']:<{width}g}  {gl[2]:>{glw}}",
        "",
        f"Glycemic load: {totals['gl']:.1f} ({totals['gl_class']}, range {totals['gl_low']:.1f}-{totals['gl_high']:.1f})",
        f"Meal GI: {totals['gi']:g} ({totals['gi_class']})",
        f"Carbohydrate with a measured GI: {totals['measured_carb_share'] * 100:.0f}%",
        "",
    ])
    result = run(db, "score", "1 cup cooked white rice", "1 medium apple")
    assert result.exit_code == 0, result.output
    assert result.stdout == expected


def test_whole_table_of_an_egg(db):
    """GI 'not applicable' (0) and no meal GI: every value here is USDA's or a rule's."""
    result = run(db, "score", "1 large hard-boiled egg")
    assert result.exit_code == 0, result.output
    assert result.stdout == "\n".join([
        "item                     food                                   grams  avail. carbs g  GI (method)          GL",
        "-----------------------  -------------------------------------  -----  --------------  ------------------  ---",
        "1 large hard-boiled egg  01129 Egg, whole, cooked, hard-boiled     50             0.6  0 (not applicable)  0.0",
        "-----------------------  -------------------------------------  -----  --------------  ------------------  ---",
        "meal                                                               50             0.6  n/a                 0.0",
        "",
        "Glycemic load: 0.0 (low)",
        "Meal GI: n/a (no available carbohydrate)",
        "Carbohydrate with a measured GI: 0%",
        "",
    ])


# --- property: any text through the whole score path -------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

TYPED = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=3000),
    st.lists(st.sampled_from(["1", "-1", "½", "nan", "inf", "cup", "g", "glass", "bowl", "with", "and", "&",
                              "rice", "apple", "bagel", "cream cheese", ",", ";", "\n", "\x00", "\x1b[2J",
                              "'", '"', "--", "-", "zorks", "of", "a", "1e308", "\u202e", "\ufffd"]),
             max_size=15).map(" ".join),
)


def assert_exit_0_or_one_line(result):
    assert "Traceback" not in result.output
    assert isinstance(result.exception, (SystemExit, type(None))), repr(result.exception)
    assert result.exit_code in (0, 1), (result.exit_code, result.output)
    if result.exit_code == 1:
        assert result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(arguments=st.lists(TYPED, min_size=1, max_size=3))
def test_any_text_argument_scores_or_fails_in_one_line(db, arguments):
    assert_exit_0_or_one_line(CliRunner().invoke(cli, ["score", "--db", str(db), "--", *arguments]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400) | TYPED.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_bytes_on_stdin_score_or_fail_in_one_line(db, data):
    assert_exit_0_or_one_line(CliRunner().invoke(cli, ["score", "--db", str(db), "--partial"], input=data))


# --- FNDDS survey foods and their portions (issue 8) ------------------------------------------------


@pytest.mark.parametrize(("text", "food_id", "grams", "portion"), [
    ("6 chicken nuggets", "24198729", 96.0, "nugget"),          # 6 x "1 nugget" 16 g
    ("1 cup pad thai", "58137210", 200.0, "cup"),
    ("1 turkey sandwich", "27540010", 115.0, "regular"),       # FNDDS's standard size
    ("1 piece pizza", "58106210", 119.0, "piece, NFS"),         # the piece USDA codes for no size
    ("1 slice pizza", "58106210", 119.0, "piece, NFS"),
])
def test_fndds_dishes_and_their_portions(conn, text, food_id, grams, portion):
    item = only_item(score_meal(conn, text))
    assert (item["food_id"], item["grams"], item["portion"]) == (food_id, grams, portion)
    assert item["match_score"] >= 70


def test_sr28_acceptance_values_still_hold(conn):
    rice = only_item(score_meal(conn, "1 cup cooked white rice"))
    assert (rice["food_id"], rice["grams"]) == ("20045", 158.0)
    apple = only_item(score_meal(conn, "1 medium apple"))
    assert (apple["food_id"], apple["grams"]) == ("09003", 182.0)


def test_food_without_carbohydrate_value_is_one_line_error(db):
    # FNDDS publishes no nutrient values for 11000000 "Milk, human"
    assert_one_line_error(run(db, "score", "11000000: 100 g"), "11000000 Milk, human has no carbohydrate value")


def test_whole_table_of_a_compound_breakfast(db, conn):
    """Oatmeal as eaten (FNDDS 'Oatmeal, NFS', 1 cup = 240 g), honey, a medium banana (118 g).
    Every column but GI and GL is USDA's; GI and GL come from the database's own GI."""
    from glyload.output import table

    text = "1 cup oatmeal with 1 tbsp honey and a banana"
    foods = [food(conn, i) for i in ("56202960", "19296", "09040")]
    rows = [("1 cup oatmeal", "56202960 Oatmeal, NFS", 240.0, 22.73),
            ("1 tbsp honey", "19296 Honey", 21.0, 17.26),
            ("a banana", "09040 Bananas, raw", 118.0, 23.88)]
    items = [{"input": n, "food_label": f, "grams": g, "available_carbohydrate_g": c,
              "gi_label": f"{x['gi']:g} ({x['gi_method']})", "gl": round(x["gi"] * c / 100, 2)}
             for (n, f, g, c), x in zip(rows, foods)]
    meal = score_meal(conn, text)["totals"]
    from glyload.cli import ITEM_TABLE

    expected = "\n".join([
        table(items, ITEM_TABLE, total={"input": "meal", "grams": 379.0, "available_carbohydrate_g": 63.87,
                                        "gi_label": f"{meal['gi']:g}", "gl": meal["gl"]}),
        "",
        f"Glycemic load: {meal['gl']:.1f} ({meal['gl_class']}, range {meal['gl_low']:.1f}-{meal['gl_high']:.1f})",
        f"Meal GI: {meal['gi']:g} ({meal['gi_class']})",
        f"Carbohydrate with a measured GI: {meal['measured_carb_share'] * 100:.0f}%",
        f"Note 1 (1 cup oatmeal): no food is '{text}' as one dish: scored as 3 items",
        "Note 3 (a banana): 1 x USDA 'medium (7\" to 7-7/8\" long)'",
        "",
    ])
    result = run(db, "score", text)
    assert result.exit_code == 0, result.output
    assert result.stdout == expected
    assert meal["grams"] == 379.0 and meal["available_carbohydrate_g"] == 63.87


def test_progress_bar_only_for_long_meals_on_a_terminal(monkeypatch):
    from glyload import cli as cli_module

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(cli_module.sys, "stderr", Terminal())
    assert cli_module.meal_progress(cli_module.PROGRESS_MIN_ITEMS - 1) == (None, None)
    bar, update = cli_module.meal_progress(cli_module.PROGRESS_MIN_ITEMS)
    assert bar is not None
    update(cli_module.PROGRESS_MIN_ITEMS)
    bar.__exit__(None, None, None)
    assert "Scoring" in cli_module.sys.stderr.getvalue()
    monkeypatch.setattr(cli_module.sys, "stderr", io.StringIO())  # not a terminal: no bar
    assert cli_module.meal_progress(10_000) == (None, None)
def test_an_addition_is_a_spoonful_only_of_a_spooned_food(conn):
    """Syrup 'with' pancakes is USDA's tablespoon of syrup (a stated convention); toast 'with'
    eggs is a slice of toast, never a tablespoon of its crumbs."""
    syrup = score_meal(conn, "2 pancakes with maple syrup")["items"][1]
    tbsp = [p for p in portions(conn, syrup["food_id"]) if p["description"].startswith("tbsp")]
    assert tbsp and syrup["grams"] == pytest.approx(tbsp[0]["grams"], abs=0.1)
    assert "convention" in syrup["notes"][-1]
    toast = score_meal(conn, "2 scrambled eggs with toast")["items"][1]
    assert "toasted" in toast["food"].lower() and not toast["portion"].startswith("tbsp")
    assert toast["grams"] >= 15  # FNDDS's default serving of toast: its medium slice, 25 g


def test_addition_is_the_food_usda_gives_a_guideline_for(conn):
    """'milk' with a bowl of cereal: FNDDS 'Milk, NFS' (11100000) has USDA's guideline amount
    per cup of cereal (61 g), so it is chosen over SR's milk, whose amount would be a
    tablespoon by convention; the bowl is 1.5 cups by the household table."""
    from glyload.meal.score import score_meal

    items = score_meal(conn, "a bowl of cereal with milk")["items"]
    assert [i["food_id"] for i in items] == ["57100100", "11100000"]
    assert items[1]["grams"] == 91.5
    assert any("per cup of hot cereal" in n for n in items[1]["notes"])


@pytest.mark.parametrize(("meal", "words", "grams"), [
    ("1 can tuna", {"tuna", "canned"}, 115.0),     # FNDDS 26155110 Fish, tuna, canned: its own "can"
    ("1 can of peaches", {"peach", "canned"}, 375.0),
])
def test_a_can_is_of_the_canned_food_by_its_own_can_measure(conn, meal, words, grams):
    item = score_meal(conn, meal)["items"][0]
    assert words <= set(normalise(item["food"])) and item["grams"] == grams, item


def test_a_can_of_a_drink_without_a_can_measure_is_12_fl_oz(conn):
    item = score_meal(conn, "1 can of sprite")["items"][0]
    assert "SPRITE" in item["food"] and item["grams"] == pytest.approx(12 * 30.8)
    assert any("a can taken as 12 fl oz" in note for note in item["notes"]), item["notes"]


@pytest.mark.parametrize(("meal", "unit_first"), [
    ("1 salmon fillet", "1 fillet salmon"),  # no food is named "salmon fillet": 1 fillet of salmon (140 g)
    ("2 pizza slices", "2 slices pizza"),    # not 2 whole pizzas: the pizza is not named "slice"
    ("1 granola bar", None),                 # a food named with the word: "Snacks, granola bars, ..."
])
def test_a_measure_word_after_the_food_is_its_unit(conn, meal, unit_first):
    item = score_meal(conn, meal)["items"][0]
    assert not item["unused_words"], item
    if unit_first is None:
        assert item["unit"] is None and "granola bar" in item["food"].lower()
    else:
        other = score_meal(conn, unit_first)["items"][0]
        assert (item["food_id"], item["grams"], item["portion"]) == (other["food_id"], other["grams"], other["portion"])


@pytest.mark.parametrize(("meal", "grams"), [
    ("1 tomato", 123.0),   # SR 11529's "medium whole", not its variety measure "Italian tomato" (62 g)
    ("20 almonds", 24.0),  # FNDDS 42100100's "nut" (1.2 g), not 20 of its 28 g default serving
    ("1 shot of vodka", 42.0),  # its own "shot" measure before the household table
])
def test_one_of_a_food_is_one_whole_item(conn, meal, grams):
    assert score_meal(conn, meal)["items"][0]["grams"] == grams


@pytest.mark.parametrize(("meal", "food_id", "grams"), [
    # SR 21138's "serving medium" (117 g); FNDDS 71401010's "medium, raw, yields" (70 g) is what
    # one raw medium potato gives, no size of fries
    ("medium fries", "21138", 117.0),
    ("1 order of fries", "21138", 117.0),  # no "order" measure: the fast-food fries' medium "serving"
])
def test_fries_by_the_size_they_are_served_in(conn, meal, food_id, grams):
    item = score_meal(conn, meal)["items"][0]
    assert (item["food_id"], item["grams"]) == (food_id, grams), item


@pytest.mark.parametrize(("meal", "food_id", "grams"), [
    ("1 slice of cheese", "14010000", 21.0),   # Cheese, NFS's "slice", not its 9 g "cracker-size slice"
    ("6 fish sticks", "15027", 168.0),         # "sticks" names the food here: SR's fish sticks, 28 g a stick
])
def test_cut_and_size_words_pick_the_measure_or_name_the_food(conn, meal, food_id, grams):
    item = score_meal(conn, meal)["items"][0]
    assert (item["food_id"], item["grams"]) == (food_id, grams), item


def test_a_typed_variety_picks_its_measure(conn):
    # FNDDS "Tomatoes, raw": "plum tomato" 60 g; untyped, a variety's measure comes after "whole"
    assert score_meal(conn, "2 plum tomatoes")["items"][0]["grams"] == 120.0


@pytest.mark.parametrize(("meal", "food_id", "grams"), [
    ("1 quarter pounder", "27510229", 170.0),   # a fraction word before a food word is its name, not 1/4
    ("10 pretzels", "54408000", 30.0),         # FNDDS's "pretzel, NS as to size" (3 g) is one pretzel
    ("1 cupcake", "53100100", 90.0),           # "cupcake, any size": not the 175 g default serving of cake
    ("1 can of soda", "92400000", 372.0),      # Soft drink, NFS: USDA's soda not further specified
    ("2 slices of bacon", None, 16.0),         # a cooked slice "(yield after cooking)" is a slice as eaten
])
def test_one_of_a_food_by_usdas_own_words(conn, meal, food_id, grams):
    item = score_meal(conn, meal)["items"][0]
    assert item["grams"] == grams and food_id in (None, item["food_id"]), item


def test_a_count_of_a_food_with_no_one_item_measure_is_of_its_first_measure_as_listed(conn):
    item = score_meal(conn, "1 strawberry smoothie")["items"][0]
    assert item["grams"] == 347.0 and "12 fl oz = 347 g" in item["notes"][0], item
    assert not item["notes"][0].startswith("no amount given")


@pytest.mark.parametrize(("meal", "grams"), [
    ("2 oreos", 22.0),            # FNDDS's "Oreo sandwich" (11 g): "sandwich" is the food's own name, no variety
    ("1 can of ginger ale", 366.0),  # of "can or bottle (16 fl oz)" and "(12 fl oz)", the table's 12 fl oz can
])
def test_usdas_measure_of_the_typed_kind_and_size(conn, meal, grams):
    assert score_meal(conn, meal)["items"][0]["grams"] == grams


@pytest.mark.parametrize(("meal", "foods", "said"), [
    ("1 glass of wine with dinner", 1, "'with dinner': when it was eaten, not a food"),
    ("1 cup of coffee and 1 donut for breakfast", 2, "'for breakfast': when it was eaten, not a food"),
])
def test_when_a_meal_was_eaten_is_named_not_scored(conn, meal, foods, said):
    items = score_meal(conn, meal)["items"]
    assert len(items) == foods and said in items[0]["notes"]
    assert all("dinner" not in i["food"].lower() for i in items)


def test_a_large_slice_of_pizza_is_a_slice(conn):
    """Not two whole large pizzas (1,464 g): slices, the size named in the notes."""
    item = score_meal(conn, "2 large slices of pizza")["items"][0]
    assert item["grams"] == score_meal(conn, "2 slices pizza")["items"][0]["grams"]
    assert "no 'large slice' among USDA's portions: used 'piece, NFS'" in item["notes"]
    assert score_meal(conn, "1 large pizza slice")["items"][0]["grams"] == item["grams"] / 2


@pytest.mark.parametrize(("meal", "food", "grams"), [
    ("2 boiled eggs with salt", "Salt, table", 0.4),             # a pinch (1/16 tsp), not its 18 g tablespoon
    ("1 dash of cinnamon", "Spices, cinnamon, ground", 0.3),     # 1/8 tsp of the spice, not a cinnamon bun
])
def test_a_seasoning_is_a_pinch_or_a_dash(conn, meal, food, grams):
    item = score_meal(conn, meal)["items"][-1]
    assert (item["food"], item["grams"]) == (food, grams)
