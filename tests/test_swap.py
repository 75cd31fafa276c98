"""Lower-GL alternatives (``glyload swap``, ``glyload.swaps.swaps``)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest
from click.testing import CliRunner

from glyload.cli import cli
from glyload.errors import GlyloadError
from glyload.swaps import MIN_ALTERNATIVES, swaps

CSV_COLUMNS = ["food_id", "description", "grams", "available_carbohydrate_g", "gi", "gi_method", "gl", "gl_saved"]


def food(conn, food_id):
    return dict(conn.execute("select * from foods where food_id = ?", (food_id,)).fetchone())


def run(db, *args):
    return CliRunner().invoke(cli, ["swap", "--db", str(db), *args])


def check_alternatives(conn, found, same):
    base = found["food"]
    base_food = food(conn, base["food_id"])
    base_gl = base_food["gi"] * base_food["available_carbohydrate_g"] * base["grams"] / 10000
    assert base["gl"] == pytest.approx(base_gl, abs=0.006)
    assert found["same"] == same
    alternatives = found["alternatives"]
    assert alternatives
    for alt in alternatives:
        row = food(conn, alt["food_id"])
        assert alt["food_id"] != base["food_id"]
        assert alt["gi"] == row["gi"] and alt["gi_method"] == row["gi_method"]
        if same == "weight":
            assert alt["grams"] == base["grams"]
        else:
            assert alt["available_carbohydrate_g"] == pytest.approx(base["available_carbohydrate_g"], abs=0.01)
            # the base carbohydrate is shown to 0.01 g: that rounding grows by 100 / the alternative's g/100 g
            assert alt["grams"] == pytest.approx(
                base["available_carbohydrate_g"] / row["available_carbohydrate_g"] * 100,
                abs=0.05 + 0.005 * 100 / row["available_carbohydrate_g"])
        carbs = row["available_carbohydrate_g"] * alt["grams"] / 100
        slack = row["available_carbohydrate_g"] * 0.05 / 100 + 0.006  # grams are shown to 0.1 g
        assert alt["available_carbohydrate_g"] == pytest.approx(carbs, abs=slack)
        assert alt["gl"] == pytest.approx(row["gi"] * carbs / 100, abs=slack)
        assert alt["gl_saved"] == pytest.approx(base_gl - alt["gl"], abs=0.02)
        if same == "carbs" and alt["gi"] == base["gi"]:
            continue  # equal GI at equal carbohydrate: no swap (test_same_carbs_offers_no_equal_gl_food)
        assert alt["gl"] < base["gl"]
        assert alt["gl_saved"] > 0
        # Same subgroup, unless a note says the search was widened to the food group.
        if found["notes"]:
            assert row["food_group"] == base_food["food_group"]
        else:
            assert row["subgroup"] == base_food["subgroup"] == found["subgroup"]
    saved = [a["gl_saved"] for a in alternatives]
    assert saved == sorted(saved, reverse=True)


def test_rice_at_the_same_weight(conn):
    found = swaps(conn, "1 cup cooked white rice")
    assert found["food"]["food_id"] == "20045" and found["food"]["grams"] == 158.0
    assert found["notes"] == []
    assert found["subgroup"] == food(conn, "20045")["subgroup"]
    check_alternatives(conn, found, "weight")


def test_rice_at_the_same_carbohydrate(conn):
    found = swaps(conn, "1 cup cooked white rice", same="carbs")
    assert found["food"]["available_carbohydrate_g"] == 43.88
    check_alternatives(conn, found, "carbs")


@pytest.mark.parametrize("text", ["1 medium apple", "2 slices white bread", "1 medium boiled potato",
                                  "1 cup cornflakes", "20045: 100 g"])
@pytest.mark.parametrize("same", ["weight", "carbs"])
def test_alternatives_are_lower_gl(conn, text, same):
    found = swaps(conn, text, same=same, limit=100)
    if not found["alternatives"]:
        pytest.skip(f"no lower-GL alternative for {text!r} in the current data")
    check_alternatives(conn, found, same)


def test_every_lower_gl_food_of_the_subgroup_is_offered(conn):
    found = swaps(conn, "20045: 100 g", limit=100)
    base = food(conn, "20045")
    base_gl = base["gi"] * base["available_carbohydrate_g"] / 100
    expected = {fid for fid, gi, carbs in conn.execute(
        "select food_id, gi, available_carbohydrate_g from foods where subgroup = ? and food_id != '20045' "
        "and gi is not null and available_carbohydrate_g > 0", (base["subgroup"],)) if gi * carbs / 100 < base_gl}
    assert {a["food_id"] for a in found["alternatives"]} == expected


def test_limit(conn):
    assert len(swaps(conn, "1 cup cooked white rice", limit=2)["alternatives"]) <= 2


def test_small_subgroup_widens_to_the_food_group_with_a_note(conn):
    watermelon = food(conn, "09326")
    in_subgroup = conn.execute(
        "select count(*) from foods where subgroup = ? and food_id != '09326' and gi is not null "
        "and available_carbohydrate_g > 0", (watermelon["subgroup"],)).fetchone()[0]
    assert in_subgroup < MIN_ALTERNATIVES
    found = swaps(conn, "1 cup watermelon", limit=100)
    assert found["food"]["food_id"] == "09326"
    assert found["subgroup"] == watermelon["food_group"]
    assert len(found["notes"]) == 1 and "few foods in subgroup" in found["notes"][0]
    check_alternatives(conn, found, "weight")


def test_food_without_carbohydrate_has_nothing_to_swap(conn):
    with pytest.raises(GlyloadError, match="no available carbohydrate"):
        swaps(conn, "1 tbsp olive oil")


def test_not_applicable_food_with_traces_of_carbohydrate(conn):
    """An egg has GI 0 ("not applicable"): its GL is 0 already, so nothing is lower."""
    found = swaps(conn, "1 large egg")
    assert found["food"]["gl"] == 0.0
    assert found["alternatives"] == []


# --- CLI ------------------------------------------------------------------------------------------


def test_cli_table(db, conn):
    result = run(db, "-n", "5", "1 cup cooked white rice")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("20045 Rice, white, long-grain, regular, enriched, cooked: 158 g")
    assert "subgroup" in lines[0]
    for alt in swaps(conn, "1 cup cooked white rice", limit=5)["alternatives"]:
        assert any(l.startswith(alt["food_id"]) for l in lines)


def test_cli_table_no_alternative(db):
    result = run(db, "1 large egg")
    assert result.exit_code == 0, result.output
    assert "No lower-GL alternative" in result.stdout


def test_cli_json(db, conn):
    result = run(db, "--json", "--same", "carbs", "1 cup cooked white rice")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["food", "subgroup", "same", "notes", "alternatives"]
    assert data["same"] == "carbs"
    assert data == json.loads(json.dumps(swaps(conn, "1 cup cooked white rice", same="carbs")))


def test_cli_csv(db):
    result = run(db, "--csv", "-n", "3", "1 cup cooked white rice")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == CSV_COLUMNS
    assert 1 <= len(rows) - 1 <= 3


def test_cli_errors(db):
    result = run(db, "1 tbsp olive oil")
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1
    assert run(db, "--same", "volume", "rice").exit_code == 2
    assert run(db, "--json", "--csv", "rice").exit_code == 2
    bad = run(db, "3 blorps of rice")
    assert bad.exit_code == 1 and "Traceback" not in bad.output



def test_same_carbs_offers_no_equal_gl_food():
    conn = sqlite3.connect(":memory:")
    conn.execute("create table foods (food_id text primary key, description text, food_group text, "
                 "subgroup text, available_carbohydrate_g real, gi real, gi_method text, gi_confidence text, "
                 "gi_sem real, gi_low real, gi_high real)")
    for food_id, carbs in (("10001", 27.77), ("10002", 29.93), ("10003", 28.17), ("10004", 27.88)):
        conn.execute("insert into foods values (?, ?, 'Cereal Grains and Pasta', 'Cereal Grains and Pasta / Rice', "
                     "?, 65.4, 'direct', 'high', null, null, null)", (food_id, f"Rice, kind {food_id}, cooked", carbs))
    found = swaps(conn, "10001: 158 g", same="carbs", limit=100)
    assert found["food"]["gl"] == 28.7
    assert [(a["food_id"], a["gl"], a["gl_saved"]) for a in found["alternatives"]] == []
