"""``glyload.gi``: pooling, stepwise assignment, reading and checking the CSVs, user GI files."""

from __future__ import annotations

import json
import math
import shutil
import sqlite3

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from glyload.build import build_database
from glyload.cli import cli
from glyload.errors import DataError, GlyloadError
from glyload.gi import CONFIDENCE, NOT_APPLICABLE_BELOW_G, assign, pool, subgroup_of
from glyload.sources.gi_tables import (
    LINK_COLUMNS, MEASUREMENT_COLUMNS, Link, Measurement, read_gi, read_links, read_measurements,
)

HEADER = ",".join(MEASUREMENT_COLUMNS)
LINK_HEADER = ",".join(LINK_COLUMNS)
GOOD = '1,Test rice,NZ,2020,ISO,70,3,10,"Glucose, 2h",50,180,'


def measurement(entry, gi, tier="ISO", subjects=10, sem=3.0, food="food", carb=None, test=None):
    return Measurement(where=("m.csv", entry + 1), entry_no=entry, food=food, country=None, year=None, tier=tier,
                       gi=gi, gi_sem=sem, subjects=subjects, reference_food=None, carb_portion_g=carb,
                       test_portion_g=test, note=None)


def link(entry, food_id, match="direct"):
    return Link(where=("l.csv", entry + 1), entry_no=entry, food_id=food_id, match=match, note=None)


# --- pooling ----------------------------------------------------------------------------------------


def test_pool_prefers_iso_tier():
    pooled = pool([measurement(1, 50, "ISO"), measurement(2, 90, "other", subjects=100)])
    assert pooled["gi"] == 50.0
    assert pooled["iso"] is True
    assert pooled["gi_sources"] == "1"
    assert pooled["n"] == 1


def test_pool_uses_other_tier_when_no_iso():
    pooled = pool([measurement(1, 50, "other", subjects=10), measurement(2, 90, "other", subjects=30)])
    assert pooled["iso"] is False
    assert pooled["gi"] == 80.0
    assert pooled["gi_sources"] == "1;2"


def test_pool_weighted_by_subjects():
    pooled = pool([measurement(2, 80, subjects=30, sem=2), measurement(1, 50, subjects=10, sem=4)])
    assert pooled["gi"] == 72.5  # (50 x 10 + 80 x 30) / 40
    assert pooled["gi_sem"] == round(math.sqrt((10 * 4) ** 2 + (30 * 2) ** 2) / 40, 1) == 1.8
    assert (pooled["gi_low"], pooled["gi_high"]) == (50.0, 80.0)  # range of the measurements
    assert pooled["gi_sources"] == "1;2"  # by entry number
    assert pooled["n"] == 2


def test_pool_unweighted_when_a_subject_count_is_missing():
    pooled = pool([measurement(1, 50, subjects=None, sem=4), measurement(2, 80, subjects=30, sem=2)])
    assert pooled["gi"] == 65.0
    assert pooled["gi_sem"] == round(math.sqrt(4 ** 2 + 2 ** 2) / 2, 1) == 2.2
    assert (pooled["gi_low"], pooled["gi_high"]) == (50.0, 80.0)


def test_pool_sem_unknown_when_any_sem_is_missing():
    for subjects in (10, None):
        pooled = pool([measurement(1, 50, subjects=subjects, sem=None), measurement(2, 80, subjects=10, sem=2)])
        assert pooled["gi_sem"] is None
        assert (pooled["gi_low"], pooled["gi_high"]) == (50.0, 80.0)


def test_pool_single_measurement_range_is_gi_plus_minus_sem():
    pooled = pool([measurement(1, 60, sem=5)])
    assert (pooled["gi"], pooled["gi_sem"], pooled["gi_low"], pooled["gi_high"]) == (60.0, 5.0, 55.0, 65.0)
    low = pool([measurement(1, 3, sem=5)])
    assert low["gi_low"] == 0.0  # floored at 0
    bare = pool([measurement(1, 60, sem=None)])
    assert (bare["gi_sem"], bare["gi_low"], bare["gi_high"]) == (None, None, None)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 150), st.sampled_from(["ISO", "other"]),
                          st.one_of(st.none(), st.integers(1, 200)), st.one_of(st.none(), st.floats(0, 30))),
                min_size=1, max_size=8))
def test_pool_properties(rows):
    ms = [measurement(i, gi, tier, subjects, sem) for i, (gi, tier, subjects, sem) in enumerate(rows, 1)]
    pooled = pool(ms)
    chosen = [m for m in ms if m.tier == "ISO"] or ms
    assert pooled["n"] == len(chosen)
    assert pooled["iso"] == any(m.tier == "ISO" for m in ms)
    assert min(m.gi for m in chosen) - 0.05 <= pooled["gi"] <= max(m.gi for m in chosen) + 0.05
    assert pooled["gi_sources"] == ";".join(str(m.entry_no) for m in chosen)
    if pooled["gi_sem"] is not None:
        assert pooled["gi_sem"] >= 0
    if pooled["gi_low"] is not None:
        assert pooled["gi_low"] <= pooled["gi"] + 0.05 and pooled["gi"] <= pooled["gi_high"] + 0.05


# --- subgroups ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("description", "subgroup"), [
    ("Rice, white, long-grain, regular, enriched, cooked", "Rice"),
    ("Apples, raw, with skin", "Apples"),
    ("Bread, white, commercially prepared (includes soft bread crumbs)", "Bread"),
    ("Beverages, carbonated, cola, regular", "Beverages, carbonated"),
    ("Cereals ready-to-eat, KELLOGG, KELLOGG'S Corn Flakes", "Cereals ready-to-eat"),  # a brand
    ("Snacks", "Snacks"),
])
def test_subgroup_of(description, subgroup):
    assert subgroup_of(description) == subgroup


# --- stepwise assignment ----------------------------------------------------------------------------


def food(food_id, description, group="Fruits", carbs=10.0):
    return {"food_id": food_id, "description": description, "food_group": group, "available_carbohydrate_g": carbs}


@pytest.fixture
def assigned():
    foods = [
        food("1", "Apples, raw"),                          # direct and related links: direct wins
        food("2", "Apples, dried"),                        # related only
        food("3", "Apples, canned"),                       # direct, tier other
        food("4", "Apples, frozen"),                       # unmeasured: subgroup Fruits / Apples has 3
        food("5", "Pears, raw"),                           # unmeasured, subgroup empty: group median
        food("6", "Beef, raw", group="Meat", carbs=0.0),   # not applicable
        food("7", "Beef, jerky", group="Meat", carbs=9.0),  # group has 0 measured: overall median
        food("8", "Beef, liver", group="Meat", carbs=NOT_APPLICABLE_BELOW_G),  # 2.5 g is not "below"
        food("9", "Beef, broth", group="Meat", carbs=2.49),  # below 2.5 g
        food("10", "Beef, tongue", group="Meat", carbs=None),  # unknown carbohydrate: not "not applicable"
        food("11", "Lettuce, raw", group="Veg", carbs=1.0),  # measured although almost no carbohydrate
    ]
    measurements = [
        measurement(1, 40, "ISO"), measurement(2, 80, "ISO"), measurement(3, 52, "other"),
        measurement(4, 60, "other"), measurement(5, 15, "ISO"),
    ]
    links = [link(1, "1"), link(2, "1", "related"), link(2, "2", "related"), link(3, "3"), link(4, "3", "related"),
             link(5, "11")]
    return {f["food_id"]: f for f in foods}, assign(foods, measurements, links)


def test_direct_beats_related(assigned):
    foods, result = assigned
    assert result["1"]["gi"] == 40.0 and result["1"]["gi_method"] == "direct"
    assert result["1"]["gi_sources"] == "1"
    assert result["1"]["gi_confidence"] == "high"  # ISO tier
    assert result["3"]["gi"] == 52.0 and result["3"]["gi_method"] == "direct"
    assert result["3"]["gi_confidence"] == "medium"  # other tier


def test_related(assigned):
    _, result = assigned
    assert result["2"]["gi"] == 80.0 and result["2"]["gi_method"] == "related"
    assert result["2"]["gi_confidence"] == "medium"  # ISO tier
    assert "closely related" in result["2"]["gi_basis"]


def test_assign_returns_subgroups_and_leaves_foods_alone(assigned):
    foods, result = assigned
    assert result["1"]["subgroup"] == "Fruits / Apples"
    assert result["6"]["subgroup"] == "Meat / Beef"
    assert all("subgroup" not in food for food in foods.values())


def test_subgroup_median(assigned):
    foods, result = assigned
    assert result["4"]["subgroup"] == "Fruits / Apples"
    assert result["4"]["gi_method"] == "subgroup median"
    assert result["4"]["gi"] == 52.0  # median of 40, 80, 52
    assert (result["4"]["gi_low"], result["4"]["gi_high"]) == (46.0, 66.0)  # interquartile
    assert result["4"]["gi_sources"] == "1;2;3"
    assert result["4"]["gi_confidence"] == "low"
    assert result["4"]["gi_sem"] is None


def test_group_median(assigned):
    _, result = assigned
    assert result["5"]["gi_method"] == "group median"
    assert result["5"]["gi"] == 52.0
    assert result["5"]["gi_confidence"] == "very low"


def test_overall_median(assigned):
    _, result = assigned
    for food_id in ("7", "8", "10"):
        assert result[food_id]["gi_method"] == "overall median"
        assert result[food_id]["gi"] == 46.0  # median of 40, 80, 52, 15
        assert result[food_id]["gi_confidence"] == "very low"


def test_not_applicable_below_2_5_g(assigned):
    _, result = assigned
    for food_id in ("6", "9"):
        assert result[food_id]["gi_method"] == "not applicable"
        assert result[food_id]["gi"] == 0.0
        assert result[food_id]["gi_confidence"] == "high"
        assert result[food_id]["gi_sources"] == ""


def test_measured_food_keeps_its_gi_whatever_its_carbohydrate(assigned):
    _, result = assigned
    assert result["11"]["gi_method"] == "direct" and result["11"]["gi"] == 15.0


def test_every_food_is_assigned_with_the_documented_confidence(assigned):
    foods, result = assigned
    assert set(result) == set(foods)
    for row in result.values():
        assert row["gi_method"] in {"direct", "related", "subgroup median", "group median", "overall median",
                                    "not applicable"}
        assert row["gi_confidence"] in set(CONFIDENCE.values())
        assert row["gi_basis"]


def test_no_measurements_at_all():
    result = assign([food("1", "Apples, raw"), food("2", "Beef, raw", carbs=0)], [], [])
    assert result["1"]["gi"] is None and result["1"]["gi_method"] == "unknown"
    assert result["2"]["gi_method"] == "not applicable"


def test_subgroup_needs_three_measured_foods():
    foods = [food("1", "Apples, raw"), food("2", "Apples, dried"), food("3", "Apples, frozen"),
             food("4", "Pears, raw"), food("5", "Pears, canned")]
    result = assign(foods, [measurement(1, 40), measurement(2, 60), measurement(3, 90)],
                    [link(1, "1"), link(2, "2"), link(3, "4")])
    assert result["3"]["gi_method"] == "group median"  # only 2 measured apples
    assert result["3"]["gi"] == 60.0


# --- reading and checking the CSVs ----------------------------------------------------------------------


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def expect_data_error(call, path, line, fragment):
    with pytest.raises(DataError) as caught:
        call()
    error = caught.value
    assert error.path == str(path)
    assert error.line == line
    message = str(error)
    assert message.startswith(f"{path}:{line}: " if line else f"{path}: ")
    assert fragment in message
    assert "\n" not in message


@pytest.mark.parametrize(("row", "fragment"), [
    ('2,Bad,NZ,2020,ISO,151,3,10,"Glucose, 2h",50,180,', "GI 151 is outside 0-150"),
    ('2,Bad,NZ,2020,ISO,-1,3,10,"Glucose, 2h",50,180,', "outside 0-150"),
    ('2,Bad,NZ,2020,ISO,abc,3,10,"Glucose, 2h",50,180,', "column gi: 'abc' is not a number"),
    ('2,Bad,NZ,2020,ISO,nan,3,10,"Glucose, 2h",50,180,', "not a finite number"),
    ('2,Bad,NZ,2020,ISO,,3,10,"Glucose, 2h",50,180,', "column gi is required"),
    ('2,Bad,NZ,2020,ISO,70,-0.5,10,"Glucose, 2h",50,180,', "gi_sem -0.5 is negative"),
    ('2,Bad,NZ,2020,ISO,70,3,0,"Glucose, 2h",50,180,', "subjects must be at least 1"),
    ('2,Bad,NZ,2020,ISO,70,3,-3,"Glucose, 2h",50,180,', "subjects must be at least 1"),
    ('2,Bad,NZ,2020,ISO,70,3,2.5,"Glucose, 2h",50,180,', "not an integer"),
    ('2,Bad,NZ,2020,iso,70,3,10,"Glucose, 2h",50,180,', "tier 'iso'"),
    ('1,Twice,NZ,2020,ISO,70,3,10,"Glucose, 2h",50,180,', "duplicate entry_no 1"),
    ('2,,NZ,2020,ISO,70,3,10,"Glucose, 2h",50,180,', "column food is required"),
    ('x,Bad,NZ,2020,ISO,70,3,10,"Glucose, 2h",50,180,', "column entry_no"),
    ('2,Bad,NZ,2020,ISO,70,3,10,"Glucose, 2h",0,180,', "carb_portion_g must be above 0"),
    ('2,Bad,NZ,2020,ISO,70,3,10', "truncated line"),
    ('2,Bad,NZ,2020,ISO,70,3,10,"Glucose, 2h",50,180,,extra', "extra fields"),
])
def test_bad_measurement_row(tmp_path, row, fragment):
    path = write(tmp_path, "measurements.csv", f"{HEADER}\n{GOOD}\n{row}\n")
    expect_data_error(lambda: read_measurements(path), path, 3, fragment)


def test_measurement_line_numbers_count_blank_lines(tmp_path):
    path = write(tmp_path, "measurements.csv", f"{HEADER}\n{GOOD}\n\n" + GOOD.replace("1,", "2,", 1)
                 .replace(",70,", ",151,") + "\n")
    expect_data_error(lambda: read_measurements(path), path, 4, "outside 0-150")


@pytest.mark.parametrize(("text", "line", "fragment"), [
    ("", 1, "empty file"),
    (HEADER.replace(",note", "") + "\n", 1, "missing column(s): note"),
    (HEADER + ",colour\n", 1, "unexpected column(s): colour"),
])
def test_bad_measurement_header(tmp_path, text, line, fragment):
    path = write(tmp_path, "measurements.csv", text)
    expect_data_error(lambda: read_measurements(path), path, line, fragment)


def test_missing_measurement_file(tmp_path):
    path = tmp_path / "nope.csv"
    expect_data_error(lambda: read_measurements(path), path, None, "missing file")


def test_good_measurements_are_read(tmp_path):
    path = write(tmp_path, "measurements.csv", f"{HEADER}\n{GOOD}\n2,Other,,,other,55,,,,,,\n")
    first, second = read_measurements(path)
    assert (first.entry_no, first.gi, first.gi_sem, first.subjects, first.tier) == (1, 70.0, 3.0, 10, "ISO")
    assert (first.carb_portion_g, first.test_portion_g, first.reference_food) == (50.0, 180.0, "Glucose, 2h")
    assert (second.gi_sem, second.subjects, second.country, second.note) == (None, None, None, None)


@pytest.mark.parametrize(("row", "fragment"), [
    ("7,20045,direct,", "entry_no 7 is not in the measurements file"),
    ("1,20045,maybe,", "match 'maybe' is not one of direct, related"),
    ("1,20045,Direct,", "match 'Direct'"),
    ("1,09003,direct,", "duplicate link of entry 1 to food 09003"),
    ("1,,direct,", "column food_id is required"),
    (",20045,direct,", "column entry_no is required"),
])
def test_bad_link_row(tmp_path, row, fragment):
    path = write(tmp_path, "links.csv", f"{LINK_HEADER}\n1,09003,direct,\n{row}\n")
    expect_data_error(lambda: read_links(path, {1, 2}), path, 3, fragment)


def test_read_gi_reads_both_or_neither(tmp_path):
    m = write(tmp_path, "m.csv", f"{HEADER}\n{GOOD}\n")
    with pytest.raises(GlyloadError, match="go together"):
        read_gi(m, None)
    with pytest.raises(GlyloadError, match="go together"):
        read_gi(None, m)


def test_link_to_unknown_food_fails_the_build(tmp_path, tiny_release):
    m = write(tmp_path, "m.csv", f"{HEADER}\n{GOOD}\n")
    links = write(tmp_path, "l.csv", f"{LINK_HEADER}\n1,09003,direct,\n1,99999,related,\n")
    target = tmp_path / "out.db"
    expect_data_error(lambda: build_database(target, usda=tiny_release, gi_measurements=m, gi_links=links),
                      links, 3, "food_id '99999' is not a food in the database")
    assert not target.exists()


def test_measurements_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "measurements.csv"
    path.write_bytes(f"{HEADER}\n".encode() + '1,Caf\xe9 rice,NZ,2020,ISO,70,3,10,"Glucose, 2h",50,180,\n'
                     .encode("latin-1"))
    with pytest.raises(DataError) as caught:
        read_measurements(path)
    assert str(path) in str(caught.value)


# --- glyload build with a user's own GI files -----------------------------------------------------------


def run(*args):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def own_gi(tmp_path):
    m = write(tmp_path, "my_measurements.csv",
              f"{HEADER}\n{GOOD.replace(',70,', ',90,')}\n2,My apple,NZ,2021,other,30,2,12,\"Glucose, 2h\",25,220,\n")
    links = write(tmp_path, "my_links.csv", f"{LINK_HEADER}\n1,20045,direct,\n2,09003,direct,\n2,09004,related,\n")
    return m, links


def test_build_with_own_gi_files(built_db, tmp_path, own_gi):
    m, links = own_gi
    db = tmp_path / "mine.db"
    shutil.copyfile(built_db, db)  # rebuilding over an existing bundled database
    result = run("build", "--db", str(db), "--gi-measurements", str(m), "--gi-links", str(links))
    assert result.exit_code == 0, result.output
    assert "2 gi_measurements, 3 gi_links" in result.stdout

    conn = sqlite3.connect(db)
    try:
        meta = dict(conn.execute("select key, value from glyload_meta"))
        assert str(m) in meta["gi_source"] and str(links) in meta["gi_source"]
        assert meta["fingerprint"] == ""  # a user's build is never replaced by the bundled data
        rows = {r[0]: r[1:] for r in conn.execute(
            "select food_id, gi, gi_method, gi_sources, gi_confidence from foods "
            "where food_id in ('20045', '09003', '09004', '09040', '04053')")}
        assert conn.execute("select count(*) from gi_measurements").fetchone()[0] == 2
        assert conn.execute("select count(*) from gi_links").fetchone()[0] == 3
        methods = dict(conn.execute("select gi_method, count(*) from foods group by 1"))
    finally:
        conn.close()
    assert rows["20045"] == (90.0, "direct", "1", "high")
    assert rows["09003"] == (30.0, "direct", "2", "medium")
    assert rows["09004"] == (30.0, "related", "2", "low")
    assert rows["09040"][1] == "overall median" and rows["09040"][0] == 30.0  # median of 90, 30, 30
    assert rows["04053"][:2] == (0.0, "not applicable")
    assert set(methods) == {"direct", "related", "overall median", "not applicable"}

    scored = run("score", "--db", str(db), "--json", "1 cup cooked white rice")
    assert scored.exit_code == 0, scored.output
    assert "rebuilding" not in scored.stderr
    item = json.loads(scored.stdout)["items"][0]
    assert item["gi"] == 90.0
    assert item["gl"] == pytest.approx(round(90 * 27.77 * 1.58 / 100, 2), abs=0.01)

    report = run("gi-report", "--db", str(db), "--json")
    assert json.loads(report.stdout)["summary"]["measurements"] == 2


def test_build_with_bad_own_file_names_file_and_line(built_db, tmp_path, own_gi):
    m, links = own_gi
    m.write_text(m.read_text(encoding="utf-8") + '3,Bad,NZ,2020,ISO,151,3,10,"Glucose, 2h",50,180,\n',
                 encoding="utf-8")
    db = tmp_path / "mine.db"
    shutil.copyfile(built_db, db)
    before = db.read_bytes()
    result = run("build", "--db", str(db), "--gi-measurements", str(m), "--gi-links", str(links))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.strip() == f"Error: {m}:4: GI 151 is outside 0-150"
    assert db.read_bytes() == before  # the failed build left the database alone


@pytest.mark.parametrize("given", ["--gi-measurements", "--gi-links"])
def test_build_needs_both_gi_files(tmp_path, own_gi, given):
    m, links = own_gi
    db = tmp_path / "mine.db"
    result = run("build", "--db", str(db), given, str(m if given == "--gi-measurements" else links))
    assert result.exit_code == 1  # a GlyloadError from read_gi, not a click usage error
    assert result.stderr.strip() == "Error: --gi-measurements and --gi-links go together: give both or neither"
    assert not db.exists()
