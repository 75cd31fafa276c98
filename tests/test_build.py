"""The SQLite build: schema, derived values, equality of sources, atomicity, first use."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from glyload import build as build_module
from glyload.sources import gi_tables
from glyload.build import build_database, bundled_fingerprint
from glyload.cli import cli
from glyload.database import ensure_database
from glyload.errors import DataError, GlyloadError

TABLES = {"foods", "food_groups", "portions", "gi_measurements", "gi_links", "glyload_meta"}
MEASUREMENTS_HEADER = ",".join(gi_tables.MEASUREMENT_COLUMNS)


def query(path, sql, params=()):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def columns(path, table):
    return {name: (kind, pk) for _, name, kind, _, _, pk in query(path, f"pragma table_info({table})")}


def foreign_keys(path, table):
    return {(row[3], row[2], row[4]) for row in query(path, f"pragma foreign_key_list({table})")}


# --- schema -------------------------------------------------------------------------------


def test_tables(built_db):
    names = {name for (name,) in query(built_db, "select name from sqlite_master where type = 'table'")}
    assert TABLES <= names
    assert "foods_fts" in names
    (sql,) = query(built_db, "select sql from sqlite_master where name = 'foods_fts'")[0]
    assert "USING FTS5" in sql.upper()


def test_primary_keys(built_db):
    expected = {
        "food_groups": ["food_group_id"],
        "foods": ["food_id"],
        "portions": ["food_id", "seq"],
        "gi_measurements": ["entry_no"],
        "gi_links": ["entry_no", "food_id"],
        "glyload_meta": ["key"],
    }
    for table, pk in expected.items():
        found = sorted((order, name) for name, (_, order) in columns(built_db, table).items() if order)
        assert [name for _, name in found] == pk, table


def test_foreign_keys(built_db):
    assert foreign_keys(built_db, "foods") == {("food_group_id", "food_groups", "food_group_id")}
    assert foreign_keys(built_db, "portions") == {("food_id", "foods", "food_id")}
    assert foreign_keys(built_db, "gi_links") == {
        ("entry_no", "gi_measurements", "entry_no"), ("food_id", "foods", "food_id")}
    assert query(built_db, "pragma foreign_key_check") == []


def test_column_types(built_db):
    foods = columns(built_db, "foods")
    for name in ("refuse_pct", "carbohydrate_g", "fiber_g", "available_carbohydrate_g", "sugars_g",
                 "starch_g", "energy_kcal", "protein_g", "fat_g", "water_g"):
        assert foods[name][0] == "REAL", name
    for name in ("food_id", "food_group_id", "description", "food_group"):
        assert foods[name][0] == "TEXT", name
    portions = columns(built_db, "portions")
    assert {k: v[0] for k, v in portions.items()} == {
        "food_id": "TEXT", "seq": "INTEGER", "amount": "REAL", "description": "TEXT", "grams": "REAL"}
    assert columns(built_db, "food_groups")["food_group_id"][0] == "TEXT"
    assert columns(built_db, "gi_links")["food_id"][0] == "TEXT"


def test_stored_types(built_db):
    assert query(built_db, "select typeof(food_id), food_id from foods where food_id = '20045'") == [
        ("text", "20045")]
    assert query(built_db, "select distinct typeof(food_id) from foods") == [("text",)]
    assert query(built_db, "select distinct typeof(food_group_id) from food_groups") == [("text",)]
    assert query(built_db, "select description from foods where food_id = '01001'") == [("Butter, salted",)]
    assert query(built_db, "select distinct typeof(grams), typeof(amount), typeof(seq) from portions") == [
        ("real", "real", "integer")]


def test_counts(built_db):
    assert query(built_db, "select source, count(*) from food_groups group by 1 order by 1") == [
        ("FNDDS 2021-2023", 172), ("SR28", 25)]
    assert query(built_db, "select source, count(*) from foods group by 1 order by 1") == [
        ("FNDDS 2021-2023", 5432), ("SR28", 8789)]
    # FNDDS publishes 22,046 portions; its one of 0 g is left out (human milk, "Quantity not specified")
    assert query(built_db, "select count(*) from portions") == [(15438 + 22045,)]
    assert query(built_db, "select count(*) from ingredients") == [(18584,)]


def test_meta(built_db):
    meta = dict(query(built_db, "select key, value from glyload_meta"))
    assert meta["source"] == "bundled"
    assert meta["schema_version"] == build_module.SCHEMA_VERSION
    assert meta["fingerprint"] == bundled_fingerprint()


def test_full_text_search_index(built_db):
    assert query(built_db, "select count(*) from foods_fts") == [(8789 + 5432,)]
    found = {food_id for (food_id,) in query(
        built_db,
        "select foods.food_id from foods_fts join foods on foods.rowid = foods_fts.rowid "
        "where foods_fts match ?", ('"apples" "raw"',))}
    assert {"09003", "09004"} <= found
    # Porter stemming: "apple" finds "Apples".
    stemmed = {food_id for (food_id,) in query(
        built_db,
        "select foods.food_id from foods_fts join foods on foods.rowid = foods_fts.rowid "
        "where foods_fts match ?", ('"apple"',))}
    assert "09003" in stemmed


# --- derived values -----------------------------------------------------------------------


def test_available_carbohydrate_white_rice(built_db):
    assert query(built_db, "select carbohydrate_g, fiber_g, available_carbohydrate_g from foods "
                           "where food_id = '20045'") == [(28.17, 0.4, 27.77)]
    assert query(built_db, "select available_carbohydrate_g from foods where food_id = '09003'") == [(11.41,)]


def test_available_carbohydrate_rule_on_every_food(built_db):
    rows = query(built_db, "select food_id, carbohydrate_g, fiber_g, available_carbohydrate_g from foods")
    assert query(built_db, "select count(*) from foods where available_carbohydrate_g < 0") == [(0,)]
    for food_id, carbohydrate, fiber, available in rows:
        if carbohydrate is None:
            assert available is None, food_id
        else:
            expected = round(max(carbohydrate - (fiber or 0.0), 0.0), 3)
            assert available == expected, food_id


def test_fiber_above_carbohydrate_gives_zero(tiny_tables, write_release, tmp_path, no_gi):
    # No SR28 food has more fiber than carbohydrate by difference; make one.
    assert tiny_tables["NUT_DATA"][6] == "~01001~^~291~^0.0^0^^~4~^^^^^^^^^^^^"
    tiny_tables["NUT_DATA"][6] = "~01001~^~291~^0.5^0^^~4~^^^^^^^^^^^^"
    # And one food without a fiber value: available = carbohydrate.
    assert tiny_tables["NUT_DATA"][31].startswith("~22996~^~291~^")
    del tiny_tables["NUT_DATA"][31]
    db = tmp_path / "tiny.db"
    build_database(db, usda=write_release(tiny_tables), **no_gi)
    assert query(db, "select food_id, carbohydrate_g, fiber_g, available_carbohydrate_g from foods "
                     "order by food_id") == [
        ("01001", 0.06, 0.5, 0.0),
        ("09003", 13.81, 2.4, 11.41),
        ("20045", 28.17, 0.4, 27.77),
        ("22996", 16.8, None, 16.8),
    ]


def dict_rows(path, sql):
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute(sql)]
    finally:
        conn.close()


def test_sr28_release_build_equals_bundled_build(sr28_dir, built_db, tmp_path):
    db = tmp_path / "sr28.db"
    result = CliRunner().invoke(cli, ["build", "--db", str(db), "--usda", str(sr28_dir)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"Built {db} from {sr28_dir}: 197 food_groups, 14,221 foods, 37,483 portions, 18,584 ingredients, "
        "2,016 gi_measurements, 5,020 gi_links, 22 gi_concepts",
        "Note: left out FNDDS portion 'Quantity not specified' of food 11000000 (published as 0 g)"]
    # The release files do not name their release: its foods are labelled "USDA SR", not "SR28".
    assert query(db, "select distinct source from foods where length(food_id) = 5") == [("USDA SR",)]
    for table, order in (("foods", "food_id"), ("portions", "food_id, seq"), ("ingredients", "food_id, seq"),
                         ("food_groups", "food_group_id")):
        release, bundled = (dict_rows(path, f"select * from {table} order by {order}") for path in (db, built_db))
        for row in release + bundled:
            if row.get("source") in ("USDA SR", "SR28"):
                row["source"] = "SR"
        assert release == bundled, table
    meta = dict(query(db, "select key, value from glyload_meta"))
    assert meta["source"] == str(sr28_dir)
    assert meta["fingerprint"] == ""


def test_zip_release_build_equals_directory_build(tiny_release, write_release_zip, tmp_path, no_gi):
    build_database(tmp_path / "dir.db", usda=tiny_release, **no_gi)
    build_database(tmp_path / "zip.db", usda=write_release_zip(folder="sr28asc"), **no_gi)
    sql = "select * from foods order by food_id"
    assert query(tmp_path / "zip.db", sql) == query(tmp_path / "dir.db", sql)
    assert len(query(tmp_path / "zip.db", sql)) == 4


# --- atomicity and re-runs ------------------------------------------------------------------


def test_failed_read_leaves_previous_database(tiny_release, tiny_tables, write_release, tmp_path, no_gi_args):
    target = tmp_path / "out"
    target.mkdir()
    db = target / "glyload.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["build", "--db", str(db), "--usda", str(tiny_release), *no_gi_args]).exit_code == 0
    before = db.read_bytes()
    tiny_tables["WEIGHT"][11] = "~20045~^1^1^~cup~^0^^"
    bad = write_release(tiny_tables, name="bad")
    result = runner.invoke(cli, ["build", "--db", str(db), "--usda", str(bad), *no_gi_args])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"Error: {bad / 'WEIGHT.txt'}:12: portion 'cup' of food 20045 must weigh more than 0 g")
    assert db.read_bytes() == before
    assert sorted(p.name for p in target.iterdir()) == ["glyload.db"]


def test_failure_while_loading_leaves_previous_database(tiny_release, tmp_path, no_gi):
    """The GI links are checked against foods inside the build: the temp file exists by then."""
    target = tmp_path / "out"
    target.mkdir()
    db = target / "glyload.db"
    build_database(db, usda=tiny_release, **no_gi)
    before = db.read_bytes()
    measurements = tmp_path / "measurements.csv"
    row = dict.fromkeys(gi_tables.MEASUREMENT_COLUMNS, "")
    row.update(entry_no="1", food="Rice boiled", tier="ISO", gi="73")
    measurements.write_text(MEASUREMENTS_HEADER + "\n" + ",".join(row.values()) + "\n")
    links = tmp_path / "links.csv"
    link = dict.fromkeys(gi_tables.LINK_COLUMNS, "")
    link.update(entry_no="1", food_id="99999", match="direct")
    links.write_text(",".join(gi_tables.LINK_COLUMNS) + "\n" + ",".join(link.values()) + "\n")
    with pytest.raises(DataError) as caught:
        build_database(db, usda=tiny_release, gi_measurements=measurements, gi_links=links)
    assert str(caught.value) == f"{links}:2: food_id '99999' is not a food in the database"
    assert db.read_bytes() == before
    assert sorted(p.name for p in target.iterdir()) == ["glyload.db"]


def test_interrupted_build_leaves_previous_database(tiny_release, tmp_path, monkeypatch, no_gi):
    target = tmp_path / "out"
    target.mkdir()
    db = target / "glyload.db"
    build_database(db, usda=tiny_release, **no_gi)
    before = db.read_bytes()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, "load_gi", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build_database(db, usda=tiny_release, **no_gi)
    assert db.read_bytes() == before
    assert sorted(p.name for p in target.iterdir()) == ["glyload.db"]


def test_rebuild_over_existing_database(tiny_release, tiny_tables, write_release, tmp_path, no_gi):
    db = tmp_path / "glyload.db"
    first = build_database(db, usda=tiny_release, **no_gi)
    again = build_database(db, usda=tiny_release, **no_gi)
    assert first.counts == again.counts
    assert again.counts["foods"] == 4
    # A rebuild from other data replaces the contents, it does not add to them.
    del tiny_tables["WEIGHT"][12]
    tiny_tables["NUT_DATA"] = [line for line in tiny_tables["NUT_DATA"] if not line.startswith("~22996~")]
    del tiny_tables["FOOD_DES"][3]
    smaller = build_database(db, usda=write_release(tiny_tables, name="smaller"), **no_gi)
    assert smaller.counts["foods"] == 3
    assert query(db, "select count(*) from foods") == [(3,)]
    assert query(db, "select count(*) from foods_fts") == [(3,)]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


def test_build_into_new_directory(tiny_release, tmp_path, no_gi):
    db = tmp_path / "a" / "b" / "glyload.db"
    build_database(db, usda=tiny_release, **no_gi)
    assert query(db, "select count(*) from portions") == [(13,)]


# --- first use ---------------------------------------------------------------------------


def test_ensure_database_uses_glyload_db_env(tmp_path, monkeypatch, built_db):
    monkeypatch.setenv("GLYLOAD_DB", str(built_db))
    lines = []
    assert ensure_database(echo=lines.append) == built_db
    assert lines == []


def test_ensure_database_refuses_other_files(tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t (x)").connection.close()
    with pytest.raises(GlyloadError) as caught:
        ensure_database(other)
    assert str(caught.value) == (f"{other} is not a glyload database (no glyload_meta table); "
                                 "run 'glyload build --db PATH' or choose another --db")


def test_ensure_database_leaves_release_builds_alone(tiny_release, tmp_path, no_gi):
    db = tmp_path / "glyload.db"
    build_database(db, usda=tiny_release, **no_gi)
    lines = []
    ensure_database(db, echo=lines.append)
    assert lines == []
    assert query(db, "select count(*) from foods") == [(4,)]


def test_ensure_database_builds_on_first_use(tiny_bundle, tmp_path, capsys):
    """(The real bundled data's first use is tested through the CLI in test_cli_search_show.)"""
    db = tmp_path / "new" / "glyload.db"
    assert ensure_database(db) == db
    assert capsys.readouterr().err == (
        f"glyload: building the database at {db} from the bundled data (first use)\n")
    assert query(db, "select count(*) from foods") == [(4,)]
    assert dict(query(db, "select key, value from glyload_meta"))["fingerprint"] == bundled_fingerprint()
    # Second use: nothing to say, nothing rebuilt.
    before = db.read_bytes()
    assert ensure_database(db) == db
    assert capsys.readouterr().err == ""
    assert db.read_bytes() == before


def test_ensure_database_rebuilds_when_bundled_data_changes(tiny_bundle, tmp_path):
    db = tmp_path / "glyload.db"
    lines = []
    ensure_database(db, echo=lines.append)
    assert lines == [f"glyload: building the database at {db} from the bundled data (first use)"]
    assert query(db, "select count(*) from foods") == [(4,)]
    foods = tiny_bundle / "usda" / "foods.csv"
    foods.write_text(foods.read_text().replace(",28.17,", ",28.175,"))
    lines.clear()
    ensure_database(db, echo=lines.append)
    assert lines == [f"glyload: bundled data changed since {db} was built; rebuilding it"]
    assert query(db, "select carbohydrate_g from foods where food_id = '20045'") == [(28.175,)]


def test_ensure_database_notices_same_size_edit(tiny_bundle, tmp_path):
    db = tmp_path / "glyload.db"
    ensure_database(db, echo=lambda line: None)
    foods = tiny_bundle / "usda" / "foods.csv"
    foods.write_text(foods.read_text().replace(",28.17,", ",28.18,"))
    lines = []
    ensure_database(db, echo=lines.append)
    assert lines == [f"glyload: bundled data changed since {db} was built; rebuilding it"]
    assert query(db, "select carbohydrate_g from foods where food_id = '20045'") == [(28.18,)]


# --- CLI errors ----------------------------------------------------------------------------


def test_cli_build_bad_release_one_line_error(tiny_tables, write_release, tmp_path, no_gi_args):
    tiny_tables["FOOD_DES"][1] = tiny_tables["FOOD_DES"][1].rsplit("^", 1)[0]
    bad = write_release(tiny_tables)
    db = tmp_path / "glyload.db"
    result = CliRunner().invoke(cli, ["build", "--db", str(db), "--usda", str(bad), *no_gi_args])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (f"Error: {bad / 'FOOD_DES.txt'}:2: truncated line: "
                             "expected 14 fields separated by '^', found 13\n")
    assert "Traceback" not in result.output
    assert not db.exists()
    assert list(tmp_path.glob(".glyload.db.*")) == []


def test_cli_build_missing_usda_path(tmp_path):
    result = CliRunner().invoke(cli, ["build", "--db", str(tmp_path / "x.db"), "--usda", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_cli_build_gi_options_go_together(tmp_path):
    measurements = tmp_path / "m.csv"
    measurements.write_text(MEASUREMENTS_HEADER + "\n")
    result = CliRunner().invoke(cli, ["build", "--db", str(tmp_path / "x.db"),
                                      "--gi-measurements", str(measurements)])
    assert result.exit_code == 1
    assert result.stderr == "Error: --gi-measurements and --gi-links go together: give both or neither\n"
    assert not (tmp_path / "x.db").exists()


def test_cli_build_release_without_nut_data_says_which_file(legacy_dir, tmp_path):
    """SR Legacy's partial copy has no NUT_DATA.txt: one line naming it, no traceback."""
    db = tmp_path / "glyload.db"
    result = CliRunner().invoke(cli, ["build", "--db", str(db), "--usda", str(legacy_dir)])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        f"Error: {legacy_dir / 'NUT_DATA.txt'}: missing file NUT_DATA.txt in the USDA release")
    assert "Traceback" not in result.output
    assert not db.exists()
