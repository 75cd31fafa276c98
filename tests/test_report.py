"""GI coverage report (``glyload gi-report``, ``glyload.report.coverage``)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from glyload.cli import cli
from glyload.database import connect
from glyload.report import METHOD_ORDER, coverage

SUMMARY_KEYS = ["foods", "measurements", "links", "concepts", "direct_foods", "linked_foods", "without_method"]


@pytest.fixture(scope="module")
def report(conn):
    return coverage(conn)


def count(conn, sql):
    return conn.execute(sql).fetchone()[0]


def run(db, *args):
    return CliRunner().invoke(cli, ["gi-report", "--db", str(db), *args])


def test_summary_counts(conn, report):
    s = report["summary"]
    assert list(s) == SUMMARY_KEYS
    assert s["foods"] == count(conn, "select count(*) from foods") == 8789 + 5432
    assert s["measurements"] == count(conn, "select count(*) from gi_measurements") > 0
    assert s["links"] == count(conn, "select count(*) from gi_links") > 0
    assert s["concepts"] == count(conn, "select count(*) from gi_concepts") > 0
    assert s["direct_foods"] == count(conn, "select count(*) from foods where gi_method = 'direct'")
    assert s["linked_foods"] == count(conn, "select count(*) from foods where gi_method in ('direct', 'related')")
    # Coverage before concepts: 534 direct, 2,376 linked foods. The link audit (issue 10) made 6
    # babyfoods related (another product than the adult food measured) and unlinked 16 foods
    # (10 flavoured Special K with inclusions, 6 reduced-calorie breads); concepts added direct foods.
    assert s["direct_foods"] >= 534 - 6 and s["linked_foods"] >= 2376 - 16
    # With the dish concepts (meat pizza, sushi, boxed macaroni and cheese, oven fries, croissant,
    # bagel, hummus, waffle, lentil curry with rice): 656 direct (596 SR28, 60 FNDDS), 2,453 linked.
    fndds_direct = count(conn, "select count(*) from foods where gi_method = 'direct' and source like 'FNDDS%'")
    assert (s["direct_foods"], s["linked_foods"], fndds_direct) == (656, 2453, 60)
    assert 0 < s["direct_foods"] <= s["linked_foods"] <= s["foods"]
    assert s["without_method"] == 0


def test_by_method(report):
    s, by_method = report["summary"], report["by_method"]
    methods = [m["gi_method"] for m in by_method]
    assert methods == sorted(methods, key=METHOD_ORDER.index)
    assert set(methods) <= set(METHOD_ORDER)
    assert sum(m["foods"] for m in by_method) == s["foods"]
    assert sum(m["share"] for m in by_method) == pytest.approx(1.0, abs=0.005)
    foods = {m["gi_method"]: m["foods"] for m in by_method}
    # A food with a direct link gets "direct"; one with only related links gets "related".
    assert foods["direct"] == s["direct_foods"]
    assert foods["direct"] + foods.get("related", 0) == s["linked_foods"]
    for m in by_method:
        assert m["share"] == round(m["foods"] / s["foods"], 3)
    confidence = {m["gi_method"]: set(m["confidence"].split(",")) for m in by_method}
    labels = {"high", "medium", "low", "very low"}
    assert all(c <= labels for c in confidence.values())
    assert confidence["not applicable"] == {"high"}


def test_carb_share_is_the_share_of_available_carbohydrate(conn, report):
    total = count(conn, "select sum(available_carbohydrate_g) from foods")
    for m in report["by_method"]:
        carbs = count(conn, f"select coalesce(sum(available_carbohydrate_g), 0) from foods "
                            f"where gi_method = '{m['gi_method']}'")
        assert m["carb_share"] == round(carbs / total, 3)
    not_applicable = next(m for m in report["by_method"] if m["gi_method"] == "not applicable")
    assert not_applicable["carb_share"] < 0.02 < not_applicable["share"]  # many foods, little carbohydrate


def test_by_source(conn, report):
    sources = {s["source"]: s["by_method"] for s in report["by_source"]}
    assert "SR28" in sources
    for name, rows in sources.items():
        assert sum(r["share"] for r in rows) == pytest.approx(1.0, abs=0.005)
        assert sum(r["carb_share"] for r in rows) == pytest.approx(1.0, abs=0.005)


def test_by_group(conn, report):
    methods = [m["gi_method"] for m in report["by_method"]]
    groups = report["by_group"]
    assert len(groups) == count(conn, "select count(distinct food_group) from foods") == 25 + 172
    assert [g["food_group"] for g in groups] == sorted(g["food_group"] for g in groups)
    for group in groups:
        assert list(group) == ["food_group", "foods", *methods]
        assert group["foods"] == sum(group[m] for m in methods)
        assert group["foods"] == count(conn, f"select count(*) from foods where food_group = "
                                             f"'{group['food_group'].replace(chr(39), chr(39) * 2)}'")
    for method in methods:
        by_method = next(m["foods"] for m in report["by_method"] if m["gi_method"] == method)
        assert sum(g[method] for g in groups) == by_method


def test_meat_is_mostly_not_applicable(report):
    beef = next(g for g in report["by_group"] if g["food_group"] == "Beef Products")
    assert beef["not applicable"] > 0.8 * beef["foods"]
    assert beef.get("direct", 0) == 0


def test_cli_text(db, report):
    result = run(db)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    s = report["summary"]
    assert lines[0] == f"Foods: {s['foods']:,}; measurements: {s['measurements']:,}; links: {s['links']:,}"
    assert lines[1] == (f"Foods matched directly: {s['direct_foods']:,}; directly or as a closely related food: "
                        f"{s['linked_foods']:,}; food concepts: {s['concepts']:,}")
    method_header = next(i for i, l in enumerate(lines) if l.startswith("GI method"))
    assert lines[method_header].split() == ["GI", "method", "foods", "share", "carb", "share", "confidence"]
    assert "SR28:" in lines
    for m in report["by_method"]:
        row = next(l for l in lines[method_header:] if l.startswith(m["gi_method"] + " "))
        assert str(m["foods"]) in row.split()
    group_header = next(i for i, l in enumerate(lines) if l.startswith("food group"))
    assert group_header > method_header
    for g in report["by_group"]:
        assert any(l.startswith(g["food_group"] + " ") for l in lines[group_header:])


def test_cli_json(db, report):
    result = run(db, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["summary", "by_method", "by_source", "by_group"]
    assert list(data["summary"]) == SUMMARY_KEYS
    assert data["summary"]["direct_foods"] == report["summary"]["direct_foods"]
    assert data == json.loads(json.dumps(report))


def test_cli_csv(db, report):
    result = run(db, "--csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == list(report["by_group"][0])
    assert len(rows) == 1 + len(report["by_group"])


def test_cli_json_and_csv_together(db):
    assert run(db, "--json", "--csv").exit_code == 2


def test_report_on_a_database_without_gi(tmp_path, no_gi, tiny_release):
    from glyload.build import build_database

    path = tmp_path / "tiny.db"
    build_database(path, usda=tiny_release, **no_gi)
    conn = connect(path)
    try:
        report = coverage(conn)
    finally:
        conn.close()
    s = report["summary"]
    assert (s["foods"], s["measurements"], s["links"], s["direct_foods"]) == (4, 0, 0, 0)
    assert {m["gi_method"] for m in report["by_method"]} <= {"not applicable", "unknown"}
    result = CliRunner().invoke(cli, ["gi-report", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Foods: 4; measurements: 0; links: 0")
