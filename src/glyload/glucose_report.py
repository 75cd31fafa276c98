"""The measured-glucose part of the diary report, and the personal page of ``glyload serve --personal``.

:func:`glucose_report` is the diary report (glyload.diary_report) of a timed
diary with a "Measured glucose" section added: the fit in words, predicted GL
against measured iAUC with the fitted line, the meals table, and each day's
glucose curve with its meals marked and labelled by GL (glyload.glucose_charts).
:func:`add_glucose_section` builds that section from a :class:`glyload.glucose.Measured`.
"""

from __future__ import annotations

from .glucose_charts import day_chart, day_chart_text, day_points, fit_chart, fit_chart_text, meal_hours
from .html_report import Report

MEAL_COLUMNS = [
    ("date", "date", None, "<"), ("time", "time", None, "<"), ("meal", "meal", None, "<"),
    ("available_carbohydrate_g", "avail. carbs g", 1, ">"), ("gl", "GL", 1, ">"),
    ("iauc_mg_dl_min", "iAUC mg/dL x min", 0, ">"), ("peak_rise_mg_dl", "peak rise mg/dL", 0, ">"),
    ("minutes_to_peak", "min to peak", 0, ">"), ("readings", "readings", None, ">"), ("flags_text", "flags", None, "<"),
]


def fit_sentences(fit: dict) -> list[str]:
    """The fit in words, as ``glyload glucose meals`` prints it."""
    r_gl, r_carbs, factor = fit["r_gl_iauc"], fit["r_carbohydrate_iauc"], fit["response_factor"]
    lines = [f"{fit['clean_meals']} clean meals; {fit['flagged_meals']} flagged and left out of the fit."]
    for label, r in (("predicted GL", r_gl), ("available carbohydrate alone", r_carbs)):
        lines.append(f"Pearson r, {label} vs iAUC: " + ("n/a" if r["r"] is None else f"{r['r']:.2f}")
                     + (f" (95% CI {r['low']:.2f} to {r['high']:.2f})" if r["low"] is not None else "")
                     + f", n = {r['n']}.")
    if factor["measured"] is not None:
        lines.append(f"Personal response factor: {factor['measured']:.1f} mg/dL x min of iAUC per unit of GL "
                     f"(95% CI {factor['low']:.1f} to {factor['high']:.1f}).")
        if factor["shrunk"] is not None:
            lines.append(f"Shrunk toward the prior {factor['prior']:g}: {factor['shrunk']:.1f} "
                         f"(95% CI {factor['shrunk_low']:.1f} to {factor['shrunk_high']:.1f}).")
    for food in fit["foods"]:
        lines.append(f"{food['food']}: personal relative response {food['relative_response']:.2f} over "
                     f"{food['meals']} meals ({food['kind']}).")
    return lines + list(fit["context"])


def add_glucose_section(report: Report, measured, tz) -> Report:
    """The "Measured glucose" section: fit, GL vs iAUC chart, meals table, each day's curve."""
    data = measured.report
    fit = data["fit"]
    section = report.section("Measured glucose")
    for line in fit_sentences(fit):
        section.paragraph(line)
    factor = fit["response_factor"]["shrunk"] or fit["response_factor"]["measured"]
    section.chart(fit_chart(measured.clean, factor), text=fit_chart_text(measured.clean, factor),
                  caption="Each point is a clean meal; flagged meals are left out.", id="glucose-fit")
    section.table([dict(m, flags_text=", ".join(m["flags"])) for m in data["meals"]], MEAL_COLUMNS,
                  caption="Meal responses: baseline = mean of the readings 15 min before; iAUC over 0-120 min.")
    days = section.section("Glucose by day")
    for date in dict.fromkeys(m["date"] for m in data["meals"]):
        points = day_points(measured.readings, tz, date)
        meals = [dict(m, hours=meal_hours(at, tz, date)) for m, at in zip(data["meals"], measured.instants)
                 if m["date"] == date]
        hours = day_points_hours(tz, date)
        days.chart(day_chart(date, points, meals, hours), text=day_chart_text(date, points, meals),
                   caption=f"{date}: glucose with each meal marked and labelled by its GL.",
                   id=f"glucose-day-{date}")
    for note in fit["notes"]:
        report.note(note)
    return report


def day_points_hours(tz, date: str) -> float:
    """How long the local day is (23, 24 or 25 hours across a daylight-saving change)."""
    from datetime import datetime, timedelta

    from .localtime import UTC

    start = datetime.fromisoformat(date).replace(tzinfo=tz).astimezone(UTC)
    end = (datetime.fromisoformat(date) + timedelta(days=1)).replace(tzinfo=tz).astimezone(UTC)
    return (end - start).total_seconds() / 3600


def glucose_report(ref_conn, personal_path, diary_path, tz, zone_note, first=False, **options) -> Report:
    """The diary report of a timed diary with its measured-glucose section."""
    from .diary_report import diary_report
    from .glucose import measure

    measured = measure(ref_conn, personal_path, diary_path, tz, zone_note, first=first, **options)
    report = diary_report(ref_conn, diary_path, first=first)
    return add_glucose_section(report, measured, tz)


def personal_page(personal_path) -> Report:
    """The ``/-/glucose`` page of ``glyload serve --personal``: the meals kept by ``glucose meals --save``."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from . import personal
    from .glucose import Measured
    from .localtime import UTC

    conn = personal.open_personal(personal_path)
    try:
        meals, instants, fit = personal.saved_meals(conn)
        report = Report("Measured glucose", subtitle=f"{len(meals)} meals kept by 'glyload glucose meals --save'")
        if not meals or fit is None:
            report.section("No meals yet").paragraph(
                "Run 'glyload glucose meals --diary FILE --save' to keep your meals' responses for this page.")
            return report
        rows = personal.readings(conn, fit["device"], instants[0][:10] + "T00:00:00Z", None)
    finally:
        conn.close()
    clean = [m for m in meals if not m["flags"] and m["iauc_mg_dl_min"] is not None]
    at = [datetime.fromisoformat(t[:-1]).replace(tzinfo=UTC) for t in instants]
    return add_glucose_section(report, Measured({"meals": meals, "fit": fit}, at, rows, clean),
                               ZoneInfo(fit["time_zone"]))
