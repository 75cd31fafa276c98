"""`glyload diary FILE --html`: the self-contained report (glyload/diary_report.py, glyload/html_report.py).

The browser test draws it (tests/test_browser.py); here: what the file holds.
"""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from glyload.charts import STATIC_DIR, VEGA_SCRIPTS, diary_chart
from glyload.cli import cli
from glyload.diary import score_diary
from glyload.diary_report import diary_report
from glyload.html_report import Report
from glyload.meal.score import score_meal
from glyload.swaps import swaps

from test_charts import WEEK, week_diary


def spec_of(html: str, chart_id: str) -> dict:
    match = re.search(rf'<script type="application/json" id="{chart_id}-spec">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_diary_html_writes_the_report_and_keeps_stdout(db, tmp_path):
    diary = week_diary(tmp_path / "week.csv")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["diary", "--db", str(db), str(diary), "--html", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(CliRunner().invoke(
        cli, ["diary", "--db", str(db), str(diary), "--json"]).stdout)
    assert result.stderr == f"Wrote {out}: 7 days, 21 meals, 45 foods: 2024-03-04 to 2024-03-10\n"
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    markup = re.sub(r"<script>.*?</script>", "", html, flags=re.S)  # the page, without the inlined scripts
    assert not re.findall(r'<(?:script|link|img|iframe)\b[^>]*(?:src|href)=', markup)  # nothing to fetch
    assert "@import" not in markup and "url(" not in markup
    for _, filename in VEGA_SCRIPTS.values():  # the scripts are in the file, whole
        assert f"<script>{(STATIC_DIR / filename).read_text(encoding='utf-8')}</script>" in html
    assert html.count("<script>") == len(VEGA_SCRIPTS) + 1
    assert "Copyright (c) 2015-2023, University of Washington Interactive Data Lab" in html


def test_report_holds_days_chart_items_and_swaps(conn, tmp_path):
    diary = week_diary(tmp_path / "week.csv")
    html = diary_report(conn, diary).render()
    scored = score_diary(conn, diary)
    assert spec_of(html, "days-chart") == json.loads(json.dumps(diary_chart(scored["meals"], scored["days"])))
    headings = re.findall(r'<h2 id="day-[^"]+-heading">([^<]+)</h2>', html)
    assert headings == [f"{d['date']}: GL {d['gl']:.1f}, {d['gl_class']}" for d in scored["days"]]
    first = scored["days"][0]
    assert (f"3 meals; available carbohydrate {first['available_carbohydrate_g']:.1f} g; glycemic load "
            f"{first['gl']:.1f} ({first['gl_class']}); GI {first['gi']:.0f} ({first['gi_class']})") in html
    day = html[html.index(f'id="day-{WEEK[0]}"'):html.index(f'id="day-{WEEK[1]}"')]
    # Its biggest item is the cup of white rice (GL 28.7); the swap is swaps()' first alternative.
    best = swaps(conn, "20045: 158.0 g", limit=1)["alternatives"][0]
    rice = score_meal(conn, "1 cup cooked white rice")["items"][0]
    assert "Biggest item: 1 cup cooked white rice (20045 Rice, white, long-grain, regular, enriched, cooked, " \
           f"158 g, GL {rice['gl']:.1f}, dinner)." in day
    assert f"Lowest-GL swap in {swaps(conn, '20045: 158 g')['subgroup']}: {best['food_id']} {best['description']}, " \
           f"same 158 g" in day
    assert f"GL {best['gl']:.1f} (saves {best['gl_saved']:.1f})" in day
    # Top items: each meal's foods by GL, breakfast first.
    cells = re.findall(r"<tr><td>(breakfast|lunch|dinner)</td><td>([^<]*)</td>", day)
    assert cells == [("breakfast", "1 cup cornflakes"), ("breakfast", "1 cup milk"),
                     ("lunch", "2 slices white bread"), ("lunch", "1 medium apple"),
                     ("dinner", "1 cup cooked white rice"), ("dinner", "100 g chicken breast")]


def test_top_items_are_limited_per_meal(conn, tmp_path):
    diary = tmp_path / "big.csv"
    items = ["1 cup cooked white rice", "1 medium apple", "1 medium banana", "2 slices white bread", "1 cup milk"]
    diary.write_text("date,meal,item\n" + "".join(f"2024-01-01,lunch,{i}\n" for i in items), encoding="utf-8")
    html = diary_report(conn, diary).render()
    cells = re.findall(r"<tr><td>lunch</td><td>([^<]*)</td>", html)
    assert cells == ["1 cup cooked white rice", "2 slices white bread", "1 medium banana"]
    assert "Each meal lists its 3 foods with the highest GL; the meal GL counts them all." in html


def test_food_id_rows_and_a_day_without_carbohydrate(conn, tmp_path):
    diary = tmp_path / "ids.csv"
    diary.write_text("date,meal,food_id,grams\n2024-01-01,dinner,05057,150\n2024-01-02,lunch,20045,100\n",
                     encoding="utf-8")
    html = diary_report(conn, diary).render()
    assert "No item of this day has a glycemic load above 0: no swap to suggest." in html
    assert "<td>05057: 150 g</td>" in html and "Biggest item: 20045: 100 g" in html


def test_bad_diary_writes_no_report(db, tmp_path):
    diary = tmp_path / "bad.csv"
    diary.write_text("date,meal,item\n2024-01-01,lunch,1 cup xyzzyplonk\n", encoding="utf-8")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["diary", "--db", str(db), str(diary), "--html", str(out)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.startswith(f"Error: {diary}:2: ") and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_unwritable_report_path_is_one_line(db, tmp_path):
    diary = week_diary(tmp_path / "week.csv")
    result = CliRunner().invoke(cli, ["diary", "--db", str(db), str(diary), "--html",
                                      str(tmp_path / "missing" / "report.html")])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {tmp_path / 'missing' / 'report.html'}: No such file or directory"


def test_report_sections_nest_escape_and_need_no_scripts_without_charts(tmp_path):
    report = Report("A <b>title</b>", subtitle="sub")
    days = report.section("Days")
    days.paragraph("x < y & z")
    inner = days.section("Days")  # same heading: a distinct id
    inner.table([{"a": 1.26, "b": "<i>"}], [("a", "A", 1, ">"), ("b", "B", None, "<")], caption="T",
                total={"a": 2.0, "b": "all"})
    report.section("Glucose").paragraph("added later by another module")
    report.note("a note").note("a note")
    html = report.render()
    assert "<h1>A &lt;b&gt;title&lt;/b&gt;</h1>" in html and "<p>x &lt; y &amp; z</p>" in html
    assert '<section id="days"' in html and '<section id="days-2"' in html and '<h3 id="days-2-heading">' in html
    assert '<td class="num">1.3</td><td>&lt;i&gt;</td>' in html
    assert '<tfoot><tr><td class="num">2.0</td><td>all</td></tr></tfoot>' in html
    assert '<a href="#glucose">Glucose</a>' in html
    assert html.count("<li>a note</li>") == 1
    assert "<script" not in html  # no chart, no scripts
    chart = Report("c")
    chart.section("s").chart({"mark": "bar", "data": {"values": [{"note": "</script><b>"}]}}, text=["one bar"])
    html = chart.render()
    assert "</script><b>" not in html and '"\\u003c/script\\u003e\\u003cb\\u003e"' in html
    assert html.count("<script>") == len(VEGA_SCRIPTS) + 1
    assert chart.write(tmp_path / "c.html").read_text(encoding="utf-8") == html


def svg_marks(svg_text: str, name: str) -> list:
    """The drawn items of the Vega mark ``name`` in an SVG file."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(svg_text)
    groups = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if f"{name}_marks" in g.get("class", "").split()]
    assert len(groups) == 1, name
    return [child for child in groups[0] if child.tag.rsplit("}", 1)[-1] in ("path", "text", "line")]


def test_diary_svg_and_png_of_the_days(db, tmp_path):
    import struct

    diary = week_diary(tmp_path / "week.csv")
    svg, png = tmp_path / "days.svg", tmp_path / "days.png"
    result = CliRunner().invoke(cli, ["diary", "--db", str(db), str(diary), "--svg", str(svg), "--png", str(png)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote {svg}: 7 day bars\nWrote {png}: 7 day bars\n"
    text = svg.read_text(encoding="utf-8")
    assert len(svg_marks(text, "day_totals")) == 7 and len(svg_marks(text, "meal_segments")) == 21
    assert [t.text for t in svg_marks(text, "day_totals")][-1].endswith(" high")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width > 1000 and height > 400  # drawn at twice the chart's size


def test_images_without_vl_convert_is_one_line(db, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "vl_convert", None)  # as if not installed
    diary = week_diary(tmp_path / "week.csv")
    result = CliRunner().invoke(cli, ["diary", "--db", str(db), str(diary), "--png", str(tmp_path / "d.png")])
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: --png needs vl-convert-python: pip install 'glyload[images]'"


def test_a_diary_of_more_days_than_a_report_can_show_is_refused(db, tmp_path):
    from datetime import date, timedelta

    from glyload.diary_report import MAX_DAYS

    diary = tmp_path / "long.csv"
    days = [date(2020, 1, 1) + timedelta(n) for n in range(MAX_DAYS + 1)]
    diary.write_text("date,meal,food_id,grams\n" + "".join(f"{d},lunch,20045,100\n" for d in days), encoding="utf-8")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["diary", "--db", str(db), str(diary), "--html", str(out)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"Error: {diary}: the diary has 367 days; the report draws at most 366 "
                                     "(a bar and a section each): report a shorter diary")
    assert not out.exists()
