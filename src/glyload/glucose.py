"""Measured glucose: each timed meal's response from the personal readings, and the person's fit.

:func:`meal_report` reads a timed diary (glyload.timed_diary), scores its
meals (glyload.meal.score), lines them up with one device's readings in the
personal database (glyload.personal), measures each response
(glyload.response) and fits the clean meals (glyload.personalfit). Its result
is the documented ``glyload glucose meals --json`` contract:
``{"meals": [...], "fit": {...}}``. :func:`summary_report` gives the standard
CGM summaries (glyload.cgmstats).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import cgmstats, personal, personalfit, response
from .errors import GlyloadError
from .localtime import REPEATED_FIRST, SKIPPED, UTC, kind_of, utc_text

MEAL_KEYS = ("date", "time", "meal", "gl", "available_carbohydrate_g", "iauc_mg_dl_min", "peak_rise_mg_dl",
             "minutes_to_peak", "readings", "flags")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Readings this far beyond the window are loaded, to interpolate the curve's ends.
MARGIN_MINUTES = 60


def _minutes(timestamp: str) -> float:
    """Minutes since 1970 of a stored UTC text (``YYYY-MM-DDTHH:MM:SSZ``)."""
    return (datetime.fromisoformat(timestamp[:-1]).replace(tzinfo=UTC) - EPOCH) / timedelta(minutes=1)


def choose_device(conn, start: str, end: str, device: str | None) -> tuple[str, list[str]]:
    """The one device whose readings are used, with a note; several need ``--device``."""
    found = personal.devices(conn, start, end)
    if device is not None:
        if device not in {d for d, _ in found}:
            named = ", ".join(f"{d} ({n:,})" for d, n in found) or "none"
            raise GlyloadError(f"--device {device!r} has no readings in the diary's span (devices there: {named})")
        return device, []
    if not found:
        raise GlyloadError(f"no glucose readings between {start} and {end} (UTC) in the personal database; "
                           "import the export that covers the diary with 'glyload glucose import'")
    if len(found) > 1:
        named = ", ".join(f"{d!r} ({n:,} readings)" for d, n in found)
        raise GlyloadError(f"readings from {len(found)} devices cover the diary: {named}; choose one with --device")
    return found[0][0], []


@dataclass
class Measured:
    """A timed diary measured against the readings: the documented ``report`` and what charts need."""

    report: dict
    instants: list = field(default_factory=list)  # each meal's UTC instant, in the report's order
    readings: list = field(default_factory=list)  # (timestamp, mg/dL, censored, device, local) of the span
    clean: list = field(default_factory=list)  # the clean meals, with their foods and baselines


def meal_report(*args, **kwargs) -> dict:
    """``{"meals": [...], "fit": {...}}`` for a timed diary (see README, "Measured glucose")."""
    return measure(*args, **kwargs).report


def measure(ref_conn, personal_path, diary_path, tz, zone_note: str, device: str | None = None,
            first: bool = False, prior_factor: float | None = None,
            prior_cv: float = personalfit.DEFAULT_PRIOR_CV) -> Measured:
    """Measure each meal of a timed diary and fit the clean ones."""
    from .timed_diary import read_timed_diary, score_meals

    meals, notes = read_timed_diary(diary_path)
    instants = []
    for meal in meals:
        kind = kind_of(meal.local, tz)
        if kind == SKIPPED:
            raise GlyloadError(f"{diary_path}:{meal.line}: time {meal.time} on {meal.date} does not exist in "
                               f"{tz.key} (clocks went forward)")
        instants.append((meal.local.replace(tzinfo=tz, fold=0).astimezone(UTC), kind == REPEATED_FIRST))
    scored = score_meals(ref_conn, meals, first=first)
    starts = [_minutes(utc_text(at)) for at, _ in instants]
    span = (utc_text(min(at for at, _ in instants) - timedelta(minutes=response.BASELINE_MINUTES + MARGIN_MINUTES)),
            utc_text(max(at for at, _ in instants) + timedelta(minutes=response.WINDOW_MINUTES + MARGIN_MINUTES)))
    conn = personal.open_personal(personal_path)
    try:
        device, device_notes = choose_device(conn, *span, device)
        rows = personal.readings(conn, device, *span)
    finally:
        conn.close()
    times = [_minutes(r[0]) for r in rows]
    values = [r[1] for r in rows]
    censored = [r[2] for r in rows]
    interval = response.usual_interval(times)
    out_meals, clean = [], []
    for index, (meal, score, start, (_, ambiguous)) in enumerate(zip(meals, scored, starts, instants)):
        lo = bisect_left(times, start - response.BASELINE_MINUTES - MARGIN_MINUTES)
        hi = bisect_right(times, start + response.WINDOW_MINUTES + MARGIN_MINUTES)
        others = [s - start for j, s in enumerate(starts) if j != index and abs(s - start) <= 24 * 60]
        measured = response.meal_response([t - start for t in times[lo:hi]], values[lo:hi], censored[lo:hi],
                                          interval, others)
        totals = score["totals"]
        flags = list(measured["flags"])
        if ambiguous:
            flags.append("ambiguous_time")
        if any(item["gi"] is None for item in score["items"]):
            flags.append("no_gl")
        row = {"date": meal.date, "time": meal.time, "meal": meal.meal, "gl": totals["gl"],
               "available_carbohydrate_g": totals["available_carbohydrate_g"],
               "iauc_mg_dl_min": measured["iauc_mg_dl_min"], "peak_rise_mg_dl": measured["peak_rise_mg_dl"],
               "minutes_to_peak": measured["minutes_to_peak"], "readings": measured["readings"], "flags": flags}
        out_meals.append(row)
        if not flags and row["iauc_mg_dl_min"] is not None:
            foods = {}
            for item in score["items"]:
                description, carbs = foods.get(item["food_id"], (item["food"], 0.0))
                foods[item["food_id"]] = (description, carbs + item["available_carbohydrate_g"])
            clean.append({**row, "foods": foods, "baseline_mg_dl": measured["baseline_mg_dl"]})
    fit = fit_report(clean, len(out_meals), prior_factor, prior_cv)
    fit.update(device=device, interval_minutes=interval, time_zone=tz.key)
    fit["notes"] = [zone_note, f"readings of {device}, usual interval {interval:g} min", *device_notes, *notes,
                    *fit["notes"]]
    return Measured({"meals": out_meals, "fit": fit}, [at for at, _ in instants], rows, clean)


def fit_report(clean: list[dict], total: int, prior_factor=None, prior_cv=personalfit.DEFAULT_PRIOR_CV) -> dict:
    """The fit over clean meals: r for GL and for carbohydrate, the response factor, foods, context."""
    gls = [m["gl"] for m in clean]
    carbs = [m["available_carbohydrate_g"] for m in clean]
    iaucs = [m["iauc_mg_dl_min"] for m in clean]
    r_gl, r_carbs = personalfit.pearson(gls, iaucs), personalfit.pearson(carbs, iaucs)
    factor = personalfit.response_factor(gls, iaucs, prior_factor, prior_cv)
    used = factor["shrunk"] if factor["shrunk"] is not None else factor["measured"]
    notes = [f"{len(clean)} of {total} meals are clean and used; flagged meals are listed but left out of the fit"]
    if prior_factor is None:
        notes.append("response factor not shrunk: glyload has no published population value of iAUC per GL "
                     "unit for CGM; give --prior-factor (e.g. your 2-h iAUC after a 50 g glucose drink / 50)")
    if r_gl["r"] is not None and r_carbs["r"] is not None:
        better = "GL" if r_gl["r"] > r_carbs["r"] else "carbohydrate alone" if r_carbs["r"] > r_gl["r"] else "neither"
        notes.append(f"{better} correlates better with this person's responses (r {r_gl['r']:.2f} for GL, "
                     f"{r_carbs['r']:.2f} for carbohydrate, n = {r_gl['n']})")
    return {"clean_meals": len(clean), "flagged_meals": total - len(clean), "r_gl_iauc": r_gl,
            "r_carbohydrate_iauc": r_carbs, "response_factor": factor,
            "foods": personalfit.food_responses(clean, used), "context": list(personalfit.CONTEXT),
            "notes": notes}


def summary_report(personal_path, device: str | None = None, start: str | None = None,
                   end: str | None = None) -> dict:
    """CGM summaries per device over the personal database (optionally a UTC span)."""
    conn = personal.open_personal(personal_path)
    try:
        found = personal.devices(conn, start, end)
        if device is not None:
            found = [(d, n) for d, n in found if d == device]
            if not found:
                raise GlyloadError(f"--device {device!r} has no readings")
        out = []
        for name, _ in found:
            rows = personal.readings(conn, name, start, end)
            summary = cgmstats.summarize([r[1] for r in rows], [r[2] for r in rows])
            out.append({"device": name, "first": rows[0][4], "last": rows[-1][4], **summary})
    finally:
        conn.close()
    if not out:
        raise GlyloadError("no glucose readings in the personal database for that span")
    return {"devices": out}
