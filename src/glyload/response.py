"""A meal's glucose response from CGM readings: baseline, iAUC, peak, and the flags that bar a meal.

Pure arithmetic on minutes after the meal and glucose in mg/dL.

- **Baseline**: the mean of the readings from 15 minutes before the meal to the
  meal's time (both ends included).
- **iAUC** (incremental area under the curve, mg/dL x min) over 0-120 minutes
  above the baseline, area below the baseline ignored, by the trapezoid rule
  with the triangles where the curve crosses the baseline: the method of the
  GI protocol (ISO 26642:2010; Wolever & Jenkins 1986, Am J Clin Nutr
  43:167-172; FAO/WHO 1998). The curve runs through the readings; its ends at
  0 and 120 min are interpolated linearly between the readings either side (an
  end with no reading beyond it stops at the last reading).
- **Peak rise**: the highest reading from 0 to 120 min minus the baseline;
  **minutes to peak**: when it came.

Flags (a flagged meal is reported but left out of every fit):
``gap`` a gap of more than 20 min between readings in the window (-15 to 120 min,
its edges counting as ends); ``few_readings`` fewer than 80% of the readings the
device's interval gives for the window; ``overlapping_meal`` another meal inside
the window, or in the 120 min before it (the baseline would sit on that meal's
response); ``censored`` a High/Low reading in the window (the value is only a
bound); ``no_baseline`` no reading in the baseline interval; ``no_readings``.
"""

from __future__ import annotations

import math

BASELINE_MINUTES = 15
WINDOW_MINUTES = 120
MAX_GAP_MINUTES = 20
MIN_COVERAGE = 0.8

FLAGS = {
    "no_readings": "no readings in the window",
    "no_baseline": f"no reading in the {BASELINE_MINUTES} min before the meal",
    "gap": f"a gap of more than {MAX_GAP_MINUTES} min between readings in the window",
    "few_readings": f"fewer than {MIN_COVERAGE:.0%} of the expected readings",
    "overlapping_meal": "another meal inside the window or in the 2 h before",
    "censored": "a High/Low (censored) reading in the window",
    "ambiguous_time": "the meal time is in the repeated hour of a daylight-saving change",
    "no_gl": "no GL for the meal (an item has no GI)",
}


def incremental_auc(minutes, values, baseline: float) -> float:
    """Area above ``baseline`` under the piecewise-linear curve, triangles at crossings.

    >>> incremental_auc([0, 15, 30], [100, 120, 100], 100)
    300.0
    >>> incremental_auc([0, 10], [110, 90], 100)  # crosses at 5 min: 10 x 5 / 2
    25.0
    """
    area = 0.0
    for (t0, v0), (t1, v1) in zip(zip(minutes, values), zip(minutes[1:], values[1:])):
        d0, d1, dt = v0 - baseline, v1 - baseline, t1 - t0
        if d0 >= 0 and d1 >= 0:
            area += (d0 + d1) / 2 * dt
        elif d0 > 0 > d1:
            area += d0 * d0 / (d0 - d1) * dt / 2
        elif d1 > 0 > d0:
            area += d1 * d1 / (d1 - d0) * dt / 2
    return area


def _value_at(minutes, values, at: float):
    """The curve at ``at`` by linear interpolation, or None when no reading lies on each side."""
    for (t0, v0), (t1, v1) in zip(zip(minutes, values), zip(minutes[1:], values[1:])):
        if t0 <= at <= t1:
            return v0 if t1 == t0 else v0 + (v1 - v0) * (at - t0) / (t1 - t0)
    return None


def meal_response(minutes, values, censored, interval_minutes: float, other_meals=()) -> dict:
    """The response to one meal.

    ``minutes``/``values``/``censored``: the readings from -15 to 120 min (and the
    nearest one beyond each end, for interpolation), in time order; a censored
    reading without a value has value None. ``interval_minutes``: the device's
    usual spacing. ``other_meals``: other meals' times in minutes from this one.
    """
    flags = []
    inside = [i for i, t in enumerate(minutes) if -BASELINE_MINUTES <= t <= WINDOW_MINUTES]
    out = {"baseline_mg_dl": None, "iauc_mg_dl_min": None, "peak_rise_mg_dl": None, "minutes_to_peak": None,
           "readings": len(inside)}
    if any(-WINDOW_MINUTES <= m <= WINDOW_MINUTES for m in other_meals):
        flags.append("overlapping_meal")
    if not inside:
        out["flags"] = ["no_readings", *flags]
        return out
    if any(censored[i] for i in inside):
        flags.append("censored")
    edges = [-BASELINE_MINUTES, *(minutes[i] for i in inside), WINDOW_MINUTES]
    if max(b - a for a, b in zip(edges, edges[1:])) > MAX_GAP_MINUTES:
        flags.append("gap")
    expected = (WINDOW_MINUTES + BASELINE_MINUTES) / interval_minutes + 1
    if len(inside) < MIN_COVERAGE * expected:
        flags.append("few_readings")
    known = [(t, v) for t, v in zip(minutes, values) if v is not None]
    base = [v for t, v in known if -BASELINE_MINUTES <= t <= 0]
    if not base:
        out["flags"] = ["no_baseline", *flags]
        return out
    baseline = sum(base) / len(base)
    times, levels = [t for t, _ in known], [v for _, v in known]
    curve = [(t, v) for t, v in known if 0 < t < WINDOW_MINUTES]
    for end in (0, WINDOW_MINUTES):
        value = _value_at(times, levels, end)
        if value is not None:
            curve.append((end, value))
    curve.sort()
    after = [(t, v) for t, v in known if 0 <= t <= WINDOW_MINUTES]
    out["baseline_mg_dl"] = round(baseline, 1)
    if len(curve) >= 2:
        out["iauc_mg_dl_min"] = round(incremental_auc([t for t, _ in curve], [v for _, v in curve], baseline), 1)
    if after:
        peak_t, peak_v = max(after, key=lambda tv: (tv[1], -tv[0]))
        out["peak_rise_mg_dl"] = round(peak_v - baseline, 1)
        out["minutes_to_peak"] = round(peak_t, 1)
    out["flags"] = flags
    return out


def usual_interval(minutes_sorted) -> float:
    """A device's usual spacing between readings (the median step, minutes; 5 when unknown)."""
    steps = sorted(b - a for a, b in zip(minutes_sorted, minutes_sorted[1:]) if b > a)
    if not steps:
        return 5.0
    middle = steps[len(steps) // 2] if len(steps) % 2 else (steps[len(steps) // 2 - 1] + steps[len(steps) // 2]) / 2
    return max(1.0, float(round(middle)))


def finite(value) -> bool:
    return value is not None and math.isfinite(value)
