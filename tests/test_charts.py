"""Chart specs as data: bars, values, order, classes, ranges and bands (glyload/charts.py).

The browser test (tests/test_browser.py) checks that Vega draws them; here the
Vega-Lite specs are checked as the plain dicts they are.
"""

from __future__ import annotations

import json

import pytest

from glyload import charts, glycemic
from glyload.diary import score_diary
from glyload.meal.score import score_meal

MEAL = "1 cup cooked white rice\n1 medium apple\n30 g cheddar cheese"


def layer(spec: dict, name: str) -> dict:
    """The (sub)layer called ``name`` anywhere in ``spec``."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("name") == name:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    assert len(found) == 1, name
    return found[0]


def data(spec: dict, name: str) -> list[dict]:
    return layer(spec, name)["data"]["values"]


def item(input_text, gl, low=None, high=None, food_id="20045"):
    """An item of score_meal's contract with only what the charts read."""
    return {"input": input_text, "food_id": food_id, "food": f"food {food_id}", "grams": 100.0,
            "available_carbohydrate_g": 20.0, "gi": None if gl is None else 50.0, "gl": gl,
            "gl_low": gl if low is None else low, "gl_high": gl if high is None else high}


def meal_result(*items, gl=None, low=None, high=None, gl_class=None):
    total = sum(i["gl"] for i in items if i["gl"] is not None) if gl is None else gl
    return {"items": list(items), "totals": {
        "gl": total, "gl_low": total if low is None else low, "gl_high": total if high is None else high,
        "gl_class": gl_class or glycemic.gl_class(total)}}


@pytest.fixture(scope="module")
def scored(conn):
    return score_meal(conn, MEAL)


def test_item_bars_are_the_scored_items_longest_first(scored):
    bars = charts.item_bars(scored)
    assert [b["food_id"] for b in bars] == ["20045", "09003", "01009"]
    rice = bars[0]
    assert (rice["item"], rice["grams"], rice["available_carbohydrate_g"]) == ("1. 1 cup cooked white rice", 158.0, 43.88)
    by_id = {i["food_id"]: i for i in scored["items"]}
    for bar in bars:
        source = by_id[bar["food_id"]]
        assert (bar["gl"], bar["gl_low"], bar["gl_high"]) == (source["gl"], source["gl_low"], source["gl_high"])
        assert bar["gl_low"] <= bar["gl"] <= bar["gl_high"]
        assert bar["gl_class"] == glycemic.gl_class(bar["gl"])
    assert [b["gl_class"] for b in bars] == ["high", "low", "low"]
    source = by_id["20045"]  # GL and range as scored from the cited evidence (tests/test_gi.py checks those)
    assert rice["description"] == (f"1 cup cooked white rice: GL {source['gl']:.1f} (range {source['gl_low']:.1f}"
                                   f" to {source['gl_high']:.1f}), high for a serving")


def test_meal_chart_spec(scored):
    spec = charts.meal_chart(scored)
    json.dumps(spec, allow_nan=False)  # plain JSON data
    items, meal = spec["vconcat"]
    bars = data(spec, "items")
    assert bars == charts.item_bars(scored)
    assert items["encoding"]["y"]["sort"] == [b["item"] for b in bars]
    bar_layer = layer(spec, "item_bars")
    assert bar_layer["mark"]["type"] == "bar" and bar_layer["encoding"]["x"]["field"] == "gl"
    assert layer(spec, "item_ranges")["encoding"]["x"]["field"] == "gl_low"
    assert layer(spec, "item_ranges")["encoding"]["x2"]["field"] == "gl_high"
    colour = bar_layer["encoding"]["color"]
    assert colour["scale"] == {"domain": ["low (≤ 10)", "medium (11–19)", "high (≥ 20)"],
                               "range": ["#009E73", "#E69F00", "#D55E00"]}
    [meal_value] = data(spec, "meal_bar")
    totals = scored["totals"]
    assert (meal_value["gl"], meal_value["gl_low"], meal_value["gl_high"], meal_value["gl_class"]) == (
        totals["gl"], totals["gl_low"], totals["gl_high"], "high")
    assert meal["title"]["text"] == f"Meal GL {totals['gl']:.1f}: high"
    top = bar_layer["encoding"]["x"]["scale"]["domain"][1]
    assert top >= totals["gl_high"] and top % 5 == 0
    assert [(b["gl_class"], b["start"], b["end"]) for b in data(spec, "meal_bands")] == [
        ("low", 0, 10), ("medium", 10, 20), ("high", 20, top)]
    assert spec["description"] == " ".join(charts.meal_chart_text(scored))
    assert "http" not in json.dumps(spec)  # nothing for the browser to fetch


def test_meal_chart_text(scored):
    text = charts.meal_chart_text(scored)
    assert text[0] == "Glycemic load per item, largest first: 3 bars."
    rice = scored["items"][0]
    assert text[1] == (f"1 cup cooked white rice: GL {rice['gl']:.1f} (range {rice['gl_low']:.1f} to "
                       f"{rice['gl_high']:.1f}), high for a serving.")
    assert text[-1].startswith(f"Meal: GL {scored['totals']['gl']:.1f} (range ")
    assert text[-1].endswith("GL classes of a serving: low (≤ 10), medium (11–19), high (≥ 20).")


def test_equal_bars_keep_the_meal_order_and_ranges_only_when_they_differ():
    result = meal_result(item("a", 5.0, food_id="1"), item("b", 12.0, 10.0, 14.0, food_id="2"),
                         item("c", 5.0, food_id="3"))
    bars = charts.item_bars(result)
    assert [b["item"] for b in bars] == ["2. b", "1. a", "3. c"]
    assert [b["gl_class"] for b in bars] == ["medium", "low", "low"]
    assert bars[0]["description"] == "b: GL 12.0 (range 10.0 to 14.0), medium for a serving"
    assert bars[1]["description"] == "a: GL 5.0, low for a serving"


def test_items_without_gl_are_left_out_and_named():
    result = meal_result(item("1 cup rice", 28.7), item("mystery", None))
    assert [b["item"] for b in charts.item_bars(result)] == ["1. 1 cup rice"]
    assert "No GL (no GI known), not drawn: mystery." in charts.meal_chart_text(result)
    assert charts.meal_chart(meal_result(item("mystery", None), gl=0.0)) is None


def test_axis_reaches_into_the_high_band_and_past_the_highest_value():
    low_meal = charts.meal_chart(meal_result(item("a", 3.0)))
    assert layer(low_meal, "item_bars")["encoding"]["x"]["scale"]["domain"] == [0, 25.0]
    big_meal = charts.meal_chart(meal_result(item("a", 61.0, 50.0, 72.0)))
    assert layer(big_meal, "item_bars")["encoding"]["x"]["scale"]["domain"] == [0, 80.0]


def test_thresholds_come_from_glycemic(monkeypatch):
    monkeypatch.setattr(glycemic, "GL_LOW_MAX", 12)
    monkeypatch.setattr(glycemic, "DAILY_GL_HIGH_ABOVE", 150)
    assert charts.class_labels() == {"low": "low (≤ 12)", "medium": "medium (13–19)", "high": "high (≥ 20)"}
    assert [b["end"] for b in charts.class_bands(30)] == [12, 20, 30]
    assert charts.class_labels(daily=True)["high"] == "high (> 150)"
    assert [b["start"] for b in charts.class_bands(200, daily=True)] == [0, 80, 150]


WEEK = ["2024-03-04", "2024-03-05", "2024-03-06", "2024-03-07", "2024-03-08", "2024-03-09", "2024-03-10"]
#: (breakfast, lunch, dinner) of each day of WEEK.
MENUS = [
    (["1 cup cornflakes", "1 cup milk"], ["2 slices white bread", "1 medium apple"],
     ["1 cup cooked white rice", "100 g chicken breast"]),
    (["1 cup plain yogurt", "1 medium banana"], ["1 cup lentils", "2 slices whole wheat bread"],
     ["1 cup cooked spaghetti", "30 g cheddar cheese"]),
    (["2 slices whole wheat bread", "1 cup orange juice"], ["1 cup chickpeas", "1 medium apple"],
     ["1 baked potato", "100 g chicken breast"]),
    (["1 bagel", "30 g cheddar cheese"], ["1 cup cooked quinoa", "1 cup lentils"],
     ["1 cup cooked white rice", "100 g chicken breast", "1 medium banana"]),
    (["1 cup plain yogurt", "1 medium apple"], ["1 slice pizza", "1 cup orange juice"],
     ["1 cup cooked brown rice", "1 cup chickpeas"]),
    (["1 cup cornflakes", "1 cup milk", "1 medium banana"], ["2 slices white bread", "30 g cheddar cheese"],
     ["1 cup cooked spaghetti", "1 medium apple"]),
    (["1 bagel", "1 cup orange juice"], ["1 baked potato", "1 cup plain yogurt"],
     ["1 cup cooked white rice", "1 cup cooked white rice", "100 g chicken breast"]),
]


def week_diary(path, days=WEEK):
    """A 7-day, 3-meal diary of everyday foods (written as the CSV ``glyload diary`` reads)."""
    lines = ["date,meal,item"]
    for day, menu in zip(days, MENUS):
        for meal, items in zip(("breakfast", "lunch", "dinner"), menu):
            lines += [f"{day},{meal},{text}" for text in items]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def week(conn, tmp_path_factory):
    return score_diary(conn, week_diary(tmp_path_factory.mktemp("diary") / "week.csv"))


def test_diary_chart_spec(week):
    spec = charts.diary_chart(week["meals"], week["days"])
    json.dumps(spec, allow_nan=False)
    segments = data(spec, "meal_segments")
    assert len(segments) == 21 and {s["date"] for s in segments} == set(WEEK)
    assert [(s["meal"], s["meal_order"]) for s in segments[:3]] == [("breakfast", 0), ("lunch", 1), ("dinner", 2)]
    assert [(s["date"], s["meal"], s["gl"]) for s in segments] == [(m["date"], m["meal"], m["gl"]) for m in week["meals"]]
    totals = data(spec, "day_totals")
    assert [(t["date"], t["gl"], t["gl_class"]) for t in totals] == [
        (d["date"], d["gl"], d["gl_class"]) for d in week["days"]]
    for day in week["days"]:
        assert day["gl"] == pytest.approx(sum(s["gl"] for s in segments if s["date"] == day["date"]), abs=0.03)
        assert day["gl_class"] == glycemic.daily_gl_class(day["gl"])
    assert {t["gl_class"] for t in totals} == {"low", "medium", "high"}
    y = layer(spec, "meal_segments")["encoding"]["y"]
    assert y["sort"] == WEEK and y["scale"]["domain"] == WEEK
    colour = layer(spec, "meal_segments")["encoding"]["color"]
    assert colour["scale"]["domain"] == ["breakfast", "lunch", "dinner"]
    assert not set(colour["scale"]["range"]) & set(charts.CLASS_COLOURS.values())
    top = layer(spec, "meal_segments")["encoding"]["x"]["scale"]["domain"][1]
    assert top > max(t["gl"] for t in totals) and top > glycemic.DAILY_GL_HIGH_ABOVE
    bands = data(spec, "day_bands")
    assert [(b["gl_class"], b["class_label"], b["start"], b["end"]) for b in bands] == [
        ("low", "low (< 80)", 0, 80), ("medium", "medium (80–120)", 80, 120), ("high", "high (> 120)", 120, top)]
    fill = layer(spec, "day_bands")["encoding"]["fill"]
    assert fill["scale"]["range"] == [charts.CLASS_COLOURS[c] for c in charts.CLASSES]
    assert "http" not in json.dumps(spec)


def test_diary_chart_text(week):
    text = charts.diary_chart_text(week["meals"], week["days"])
    assert text[0].startswith("Glycemic load per day, stacked by meal: 7 day bars.")
    assert len(text) == 8
    first = week["days"][0]
    assert text[1].startswith(f"{WEEK[0]}: GL {first['gl']:.1f}, {first['gl_class']} (breakfast ")


def test_score_command_does_not_load_the_charts(built_db):
    """Charts stay off `glyload score`'s path (a new process; see test_docs for the heavy libraries)."""
    import subprocess
    import sys

    code = ("import sys; from click.testing import CliRunner; from glyload.cli import cli; "
            f"r = CliRunner().invoke(cli, ['score', '--db', {str(built_db)!r}, '1 medium apple']); "
            "assert r.exit_code == 0, r.output; "
            "print(sorted(m for m in ('glyload.charts', 'glyload.html_report', 'glyload.diary_report', 'jinja2') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
