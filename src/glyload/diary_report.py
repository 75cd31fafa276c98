"""The diary report (``glyload diary FILE --html report.html``): one self-contained HTML file.

:func:`diary_report` scores the diary (:mod:`glyload.diary`) and returns a
:class:`glyload.html_report.Report`: a chart of every day's GL stacked by meal
over the daily bands (:func:`glyload.charts.diary_chart`), a table of the days,
then per day its carbohydrate and GI, the top GL items of each meal, and the
lowest-GL swap for the day's biggest item (:func:`glyload.swaps.swaps`, same
weight, same subgroup). Callers may add sections before writing it (glucose
curves, for example): ``report = diary_report(...); report.section(...)``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd

from . import charts
from .diary import records, scored_rows, summaries
from .errors import GlyloadError
from .html_report import Report

DAY_COLUMNS = [
    ("date", "date", None, "<"), ("meals", "meals", None, ">"),
    ("available_carbohydrate_g", "avail. carbs g", 1, ">"), ("gl", "daily GL", 1, ">"),
    ("gl_class", "daily class", None, "<"), ("gi", "GI", 0, ">"), ("gi_class", "GI class", None, "<"),
]
ITEM_COLUMNS = [
    ("meal", "meal", None, "<"), ("item", "item", None, "<"), ("food", "food", None, "<"),
    ("grams", "grams", 0, ">"), ("carbs", "avail. carbs g", 1, ">"), ("gi", "GI", 0, ">"),
    ("gl", "GL", 1, ">"), ("meal_gl", "meal GL", 1, ">"),
]


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _one(value, digits=1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def top_items(rows: pd.DataFrame, meals: list[dict], descriptions: dict, limit: int = charts.TOP_ITEMS) -> list[dict]:
    """The ``limit`` highest-GL foods of each meal of one day, meals in diary order."""
    out = []
    for meal in meals:
        in_meal = rows[rows["meal"] == meal["meal"]].sort_values(["gl", "line"], ascending=[False, True],
                                                                  kind="stable", na_position="last")
        for row in in_meal.head(limit).itertuples():
            gl = None if pd.isna(row.gl) else round(float(row.gl), 2)
            out.append({"meal": meal["meal"], "item": row.item or f"{row.food_id}: {row.grams:g} g",
                        "food": f"{row.food_id} {descriptions.get(row.food_id, '')}".strip(),
                        "grams": float(row.grams), "carbs": round(float(row.carbs), 2),
                        "gi": None if pd.isna(row.gi) else float(row.gi), "gl": gl, "meal_gl": meal["gl"]})
    return out


def biggest_swap(conn: sqlite3.Connection, rows: pd.DataFrame) -> tuple[dict | None, str]:
    """The day's highest-GL food and its lowest-GL alternative at the same weight, as a sentence."""
    from .swaps import swaps

    rated = rows[rows["gl"].notna() & (rows["gl"] > 0)]
    if rated.empty:
        return None, "No item of this day has a glycemic load above 0: no swap to suggest."
    biggest = rated.sort_values(["gl", "line"], ascending=[False, True], kind="stable").iloc[0]
    typed = biggest["item"] or f"{biggest['food_id']}: {biggest['grams']:g} g"
    try:
        found = swaps(conn, f"{biggest['food_id']}: {biggest['grams']!r} g", same="weight", limit=1)
    except GlyloadError as error:
        return None, f"Biggest item: {typed} (GL {biggest['gl']:.1f}); no swap: {error}."
    base = found["food"]
    head = (f"Biggest item: {typed} ({base['food_id']} {base['description']}, {base['grams']:g} g, "
            f"GL {base['gl']:.1f}, {biggest['meal']}).")
    notes = "".join(f" Note: {note}." for note in found["notes"])
    if not found["alternatives"]:
        return found, f"{head} No food of subgroup {found['subgroup']} has a lower GL at that weight.{notes}"
    alt = found["alternatives"][0]
    return found, (f"{head} Lowest-GL swap in {found['subgroup']}: {alt['food_id']} {alt['description']}, "
                   f"same {alt['grams']:g} g, GI {alt['gi']:g} ({alt['gi_method']}), GL {alt['gl']:.1f} "
                   f"(saves {alt['gl_saved']:.1f}).{notes}")


def diary_report(conn: sqlite3.Connection, path, first: bool = False) -> Report:
    """The report of the diary CSV at ``path`` (raises GlyloadError as ``glyload diary`` does)."""
    rows = scored_rows(conn, path, first)
    meal_frame, day_frame = summaries(rows)
    meals, days = records(meal_frame), records(day_frame)
    ids = sorted(set(rows["food_id"]))
    descriptions = dict(conn.execute(
        f"select food_id, description from foods where food_id in ({','.join('?' * len(ids))})", ids).fetchall())
    span = days[0]["date"] if len(days) == 1 else f"{days[0]['date']} to {days[-1]['date']}"
    report = Report(f"Glycemic load diary: {Path(path).name}",
                    subtitle=f"{_plural(len(days), 'day')}, {_plural(len(meals), 'meal')}, "
                             f"{_plural(len(rows), 'food')}: {span}")
    overview = report.section("Days", id="days")
    overview.chart(charts.diary_chart(meals, days), charts.diary_chart_text(meals, days), id="days-chart",
                   caption="Each bar is a day's glycemic load, its segments the meals in diary order; the number "
                           "at its end is the day's total and class. Behind the bars: the daily GL classes.")
    overview.table(days, DAY_COLUMNS, caption="The days")
    for day in days:
        in_day = rows[rows["date"] == day["date"]]
        day_meals = [m for m in meals if m["date"] == day["date"]]
        gl = "no GL" if day["gl"] is None else f"GL {day['gl']:.1f}, {day['gl_class']}"
        section = report.section(f"{day['date']}: {gl}", id=f"day-{day['date']}")
        gi = "n/a" if day["gi"] is None else f"{day['gi']:.0f} ({day['gi_class']})"
        share = day["measured_carb_share"]
        section.paragraph(
            f"{_plural(len(day_meals), 'meal')}; available carbohydrate {_one(day['available_carbohydrate_g'])} g; "
            f"glycemic load {_one(day['gl'])} ({day['gl_class'] or 'no class'}); GI {gi}"
            + ("" if share is None else f"; {share:.0%} of the carbohydrate has a measured GI") + ".",
            css_class="day-summary")
        section.table(top_items(in_day, day_meals, descriptions), ITEM_COLUMNS,
                      caption=f"Top {charts.TOP_ITEMS} GL items of each meal")
        _, sentence = biggest_swap(conn, in_day)
        section.paragraph(sentence, css_class="swap")
    report.note(f"Each meal lists its {charts.TOP_ITEMS} foods with the highest GL; the meal GL counts them all.")
    report.note("Swaps come from the same USDA subgroup (its food group when the subgroup has fewer than "
                "3 alternatives), compared at the same weight; the lowest GL is shown (glyload swap FOOD lists more).")
    report.note(f"GL classes: per meal (a serving) {', '.join(charts.class_labels().values())}; per day "
                f"{', '.join(charts.class_labels(daily=True).values())} (International Tables 2021). "
                "Meal and day GI are carbohydrate-weighted means, leaving out foods without a GI.")
    report.note("GI values are population averages; a person's own response varies. Reference data, not medical advice.")
    if any(m["gl"] is None for m in meals) or rows["gi"].isna().any():
        report.note("Some foods have no GI: they add nothing to GL and are left out of the charts.")
    return report
