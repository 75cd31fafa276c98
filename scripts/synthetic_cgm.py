#!/usr/bin/env python3
"""A seeded generator of SYNTHETIC glucose traces and timed diaries (no person's data).

    .venv/bin/python scripts/synthetic_cgm.py OUTDIR [--days 14] [--seed 1] [--tz America/New_York]
        [--start 2024-10-28]

writes ``OUTDIR/clarity.csv`` (Dexcom Clarity layout, 5-minute EGVs),
``OUTDIR/libreview.csv`` (LibreView layout, 15-minute historic readings, day-first
mg/dL; ``--libre-locale us`` for month-first AM/PM, ``--libre-unit mmol/L``),
``OUTDIR/plain.csv`` (timestamp,glucose,unit,device,censored) and
``OUTDIR/diary.csv`` (date,time,meal,item), all of the same synthetic days.

The synthetic person: a fasting level near 95 mg/dL with a slow daily swing;
meals from a small menu at 15-minute marks, each giving a rise shaped
A (t/45) exp(1 - t/45) (peak at 45 min) whose 2-h area is about
``RESPONSE_PER_GL`` x GL x the person's own factor for the food (``FOOD_FACTORS``:
white rice 1.3, lentils 0.7, the rest 1) x a meal-to-meal lognormal spread (SD 0.15);
sensor noise (SD 3 mg/dL); signal-loss gaps; a new sensor every 10 days with a
2-hour warm-up without readings (Dexcom G6); a night-time low below 40 mg/dL
(``Low``) and a dessert above 400 (``High``) on day 5; and whatever daylight-saving
change the chosen zone has in the span (the default start, 2024-10-28 in
America/New_York, crosses the 2024-11-03 fall-back; ``--start 2024-03-04`` the
spring-forward). The curve is defined every 15 minutes and interpolated linearly
for the 5-minute trace, so both vendors' files sample one curve: their meal iAUCs
agree (tests/test_glucose.py). The GL of each menu item is the one ``glyload score``
gave on the bundled data (``MENU_GL``); nothing here is measured.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

UTC = timezone.utc
MG_DL_PER_MMOL_L = 18.016

#: GL per item from `glyload score` on the bundled data (synthetic inputs, not measurements).
MENU_GL = {
    "1 cup cooked white rice": 28.7, "1 medium apple": 8.24, "2 slices white bread": 18.62,
    "1 cup cooked oatmeal": 14.85, "1 medium banana": 12.3, "1 cup cooked spaghetti": 24.79,
    "1 medium baked potato": 29.24, "1 cup cooked lentils": 3.87, "1 cup whole milk": 4.23,
    "1 cup orange juice": 12.02, "1 cup plain yogurt": 2.91,
}
FOOD_FACTORS = {"1 cup cooked white rice": 1.3, "1 cup cooked lentils": 0.7}
MENUS = {
    "breakfast": [["1 cup cooked oatmeal", "1 medium banana"], ["2 slices white bread", "1 cup orange juice"],
                  ["1 cup plain yogurt", "1 medium apple"]],
    "lunch": [["1 cup cooked white rice", "1 cup cooked lentils"], ["1 cup cooked spaghetti"],
              ["1 medium baked potato", "1 cup whole milk"]],
    "dinner": [["1 cup cooked white rice"], ["1 cup cooked spaghetti", "1 medium apple"],
               ["1 cup cooked lentils", "2 slices white bread"]],
    "snack": [["1 medium apple"], ["1 medium banana"]],
}
MEAL_TIMES = {"breakfast": (7, 30), "lunch": (12, 30), "dinner": (18, 45)}
#: 2-h iAUC (mg/dL x min) per unit of GL of the synthetic person.
RESPONSE_PER_GL = 100.0
PEAK_MINUTES = 45.0
#: Share of the shape's area that falls in 0-120 min (peak 45 min): 1 - e^-(120/45) (1 + 120/45).
_AREA_120 = PEAK_MINUTES * math.e * (1 - math.exp(-120 / PEAK_MINUTES) * (1 + 120 / PEAK_MINUTES))
KNOT_MINUTES = 15
SENSOR_DAYS = 10
WARMUP_MINUTES = 120


def _shape(minutes: float) -> float:
    if minutes <= 0:
        return 0.0
    return (minutes / PEAK_MINUTES) * math.exp(1 - minutes / PEAK_MINUTES)


def generate(days=14, seed=1, tz="America/New_York", start="2024-10-28", snacks=True, gaps=True,
             warmup=True, extremes=True, noise_sd=3.0, spread_sd=0.15):
    """(knots, meals): knots are (UTC instant, mg/dL) every 15 min; meals (local time, name, items)."""
    rng = random.Random(seed)
    zone = ZoneInfo(tz)
    first_day = datetime.fromisoformat(start).date()
    meals = []
    for day in range(days):
        date = first_day + timedelta(days=day)
        for name, (hour, minute) in MEAL_TIMES.items():
            shift = rng.choice((-15, 0, 0, 15))
            local = datetime(date.year, date.month, date.day, hour, minute) + timedelta(minutes=shift)
            meals.append((local, name, rng.choice(MENUS[name])))
        if snacks and rng.random() < 0.3:
            local = datetime(date.year, date.month, date.day, 15, 30)
            meals.append((local, "snack", rng.choice(MENUS["snack"])))
        if snacks and rng.random() < 0.15:  # a snack an hour after lunch: both get flagged
            lunch = next(m[0] for m in meals if m[0].date() == date and m[1] == "lunch")
            meals.append((lunch + timedelta(minutes=60), "snack", rng.choice(MENUS["snack"])))
    meals.sort()
    events = []
    for local, name, items in meals:
        gl = sum(MENU_GL[i] * FOOD_FACTORS.get(i, 1.0) for i in items)
        area = RESPONSE_PER_GL * gl * math.exp(rng.gauss(0, spread_sd))
        events.append((local.replace(tzinfo=zone).astimezone(UTC), area / _AREA_120))
    begin = datetime(first_day.year, first_day.month, first_day.day, tzinfo=zone).astimezone(UTC)
    knots = []
    count = days * 24 * 60 // KNOT_MINUTES
    events.sort()
    first_live = 0  # events more than 6 h old no longer add anything
    for step in range(count):
        at = begin + timedelta(minutes=KNOT_MINUTES * step)
        local = at.astimezone(zone)
        hours = local.hour + local.minute / 60
        level = 95 + 6 * math.sin((hours - 4) / 24 * 2 * math.pi) + rng.gauss(0, noise_sd)
        while first_live < len(events) and at - events[first_live][0] >= timedelta(hours=6):
            first_live += 1
        for when, amp in events[first_live:]:
            if when >= at:
                break
            level += amp * _shape((at - when).total_seconds() / 60)
        knots.append([at, round(level)])
    if extremes and days > 5:
        day5 = begin + timedelta(days=5)
        for knot in knots:
            offset = (knot[0] - day5).total_seconds() / 60
            if 3 * 60 <= offset <= 3 * 60 + 45:  # a night-time low
                knot[1] = 32
            if 20 * 60 + 30 <= offset <= 21 * 60 + 15:  # a dessert far above range
                knot[1] = 420
    return knots, meals


def five_minute(knots, rng_seed=1, gaps=True, warmup=True):
    """The 5-minute trace on the knots' lines, with signal-loss gaps and sensor warm-ups removed."""
    rng = random.Random(rng_seed + 1000)
    trace = []
    for (t0, v0), (t1, v1) in zip(knots, knots[1:]):
        for k in range(3):
            trace.append((t0 + timedelta(minutes=5 * k), v0 + (v1 - v0) * k / 3))
    trace.append(tuple(knots[-1]))
    return _holes(trace, knots[0][0], rng, gaps, warmup)


def fifteen_minute(knots, rng_seed=1, gaps=True, warmup=True):
    return _holes([tuple(k) for k in knots], knots[0][0], random.Random(rng_seed + 1000), gaps, warmup)


def _holes(trace, begin, rng, gaps, warmup):
    drop = []
    total_days = int((trace[-1][0] - begin).total_seconds() // 86400) + 1
    if warmup:
        for day in range(SENSOR_DAYS, total_days, SENSOR_DAYS):
            start = begin + timedelta(days=day, hours=9)  # a new sensor at 09:00 UTC
            drop.append((start, start + timedelta(minutes=WARMUP_MINUTES)))
    if gaps:
        for day in range(total_days):
            if rng.random() < 0.25:
                start = begin + timedelta(days=day, hours=rng.choice((1, 2, 14, 16)))
                drop.append((start, start + timedelta(minutes=rng.choice((30, 45, 90)))))
    return [(t, v) for t, v in trace if not any(a <= t < b for a, b in drop)]


def _censor(value, low=40, high=400):
    if value < low:
        return "Low", low
    if value > high:
        return "High", high
    return None, value


def write_clarity(path, trace, tz, transmitter="8GSYN1"):
    zone = ZoneInfo(tz)
    header = ["Index", "Timestamp (YYYY-MM-DDThh:mm:ss)", "Event Type", "Event Subtype", "Patient Info",
              "Device Info", "Source Device ID", "Glucose Value (mg/dL)", "Insulin Value (u)",
              "Carb Value (grams)", "Duration (hh:mm:ss)", "Glucose Rate of Change (mg/dL/min)",
              "Transmitter Time (Long Integer)", "Transmitter ID"]
    meta = [["", "FirstName", "", "Synthetic"], ["", "LastName", "", "Person"], ["", "DateOfBirth", "", ""],
            ["", "Device", "", "", "Dexcom G6 Mobile App", "iOS G6"],
            ["", "Alert", "High", "", "", "iOS G6", "250"], ["", "Alert", "Low", "", "", "iOS G6", "70"],
            ["", "Alert", "Urgent Low", "", "", "iOS G6", "55"]]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\r\n")
        out.writerow(header)
        index = 1
        for row in meta:
            out.writerow([index, *row] + [""] * (len(header) - 1 - len(row)))
            index += 1
        for at, value in trace:
            word, shown = _censor(value)
            local = at.astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S")
            out.writerow([index, local, "EGV", "", "", "", "iOS G6", word or round(shown), "", "", "", "",
                          int(at.timestamp()) % 10_000_000, transmitter])
            index += 1


def write_libreview(path, trace, tz, unit="mg/dL", locale="eu", serial="SYNTH-0001"):
    zone = ZoneInfo(tz)
    header = ["Device", "Serial Number", "Device Timestamp", "Record Type", f"Historic Glucose {unit}",
              f"Scan Glucose {unit}", "Non-numeric Rapid-Acting Insulin", "Rapid-Acting Insulin (units)",
              "Non-numeric Food", "Carbohydrates (grams)", "Carbohydrates (servings)",
              "Non-numeric Long-Acting Insulin", "Long-Acting Insulin (units)", "Notes", f"Strip Glucose {unit}",
              "Ketone mmol/L", "Meal Insulin (units)", "Correction Insulin (units)", "User Change Insulin (units)"]
    shape = "%m-%d-%Y %I:%M %p" if locale == "us" else "%d-%m-%Y %H:%M"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\r\n")
        out.writerow(["Glucose Data", "Generated on", "12-01-2024 08:00 UTC", "Generated by", "Synthetic Person"])
        out.writerow(header)
        for n, (at, value) in enumerate(trace):
            word, shown = _censor(value)
            text = {"Low": "LO", "High": "HI"}.get(word) or (
                f"{shown / MG_DL_PER_MMOL_L:.1f}" if unit == "mmol/L" else str(round(shown)))
            stamp = at.astimezone(zone).strftime(shape)
            out.writerow(["FreeStyle LibreLink", serial, stamp, "0", text] + [""] * (len(header) - 5))
            if n % 40 == 7:  # a scan now and then: not part of the trace
                out.writerow(["FreeStyle LibreLink", serial, stamp, "1", "", text] + [""] * (len(header) - 6))


def write_plain(path, trace, tz, device="synthetic sensor"):
    zone = ZoneInfo(tz)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["timestamp", "glucose", "unit", "device", "censored"])
        for at, value in trace:
            word, shown = _censor(value)
            out.writerow([at.astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S"), round(shown), "mg/dL", device,
                          (word or "").lower()])


def write_diary(path, meals):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["date", "time", "meal", "item"])
        for local, name, items in meals:
            for item in items:
                out.writerow([local.strftime("%Y-%m-%d"), local.strftime("%H:%M"), name, item])


def write_all(outdir, days=14, seed=1, tz="America/New_York", start="2024-10-28", libre_unit="mg/dL",
              libre_locale="eu", **options):
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    knots, meals = generate(days=days, seed=seed, tz=tz, start=start, **options)
    gaps, warmup = options.get("gaps", True), options.get("warmup", True)
    write_clarity(outdir / "clarity.csv", five_minute(knots, seed, gaps, warmup), tz)
    write_libreview(outdir / "libreview.csv", fifteen_minute(knots, seed, gaps, warmup), tz, libre_unit, libre_locale)
    write_plain(outdir / "plain.csv", five_minute(knots, seed, gaps, warmup), tz)
    write_diary(outdir / "diary.csv", meals)
    return {name: outdir / f"{name}.csv" for name in ("clarity", "libreview", "plain", "diary")}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir")
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tz", default="America/New_York")
    parser.add_argument("--start", default="2024-10-28")
    parser.add_argument("--libre-unit", choices=["mg/dL", "mmol/L"], default="mg/dL")
    parser.add_argument("--libre-locale", choices=["eu", "us"], default="eu")
    args = parser.parse_args(argv)
    for name, path in write_all(args.outdir, args.days, args.seed, args.tz, args.start, args.libre_unit,
                                args.libre_locale).items():
        print(f"{name}: {path}")


if __name__ == "__main__":
    main()
