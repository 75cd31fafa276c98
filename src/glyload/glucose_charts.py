"""Vega-Lite charts of measured glucose, as data (drawn by the vendored Vega, glyload.charts).

- :func:`day_chart`: one day's glucose curve (hours since local midnight, so the
  day of a daylight-saving change runs 23 or 25 hours), the 70-180 mg/dL range
  as a band, High/Low readings marked, and each meal as a rule labelled with its
  name and GL.
- :func:`fit_chart`: predicted GL against measured iAUC for the clean meals, with
  the fitted line iAUC = k x GL (the personal response factor, glyload.personalfit).

Each has a text alternative (a list of sentences) for screen readers and the
report's hidden list.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .cgmstats import RANGE_MG_DL
from .charts import CONFIG, WIDTH
from .localtime import UTC

LINE_COLOUR = "#0072B2"
MEAL_COLOUR = "#D55E00"
RANGE_COLOUR = "#009E73"


def day_points(rows, tz, date: str) -> list[dict]:
    """Readings of one local day as points: hours since local midnight, mg/dL, censoring."""
    midnight = datetime.fromisoformat(date).replace(tzinfo=tz).astimezone(UTC)
    end = (datetime.fromisoformat(date) + timedelta(days=1)).replace(tzinfo=tz).astimezone(UTC)
    points = []
    for timestamp, value, censored, *_ in rows:
        at = datetime.fromisoformat(timestamp[:-1]).replace(tzinfo=UTC)
        if midnight <= at < end and value is not None:
            points.append({"hours": round((at - midnight).total_seconds() / 3600, 4), "glucose": value,
                           "censored": censored or ""})
    return points


def meal_hours(meal_instant: datetime, tz, date: str) -> float:
    midnight = datetime.fromisoformat(date).replace(tzinfo=tz).astimezone(UTC)
    return round((meal_instant - midnight).total_seconds() / 3600, 4)


def _gl(value) -> str:
    return "no GL" if value is None else f"GL {value:.1f}"


def day_chart(date: str, points: list[dict], meals: list[dict], hours: float = 24) -> dict:
    """``meals``: dicts with ``hours``, ``meal``, ``time``, ``gl`` and ``flags``."""
    low, high = RANGE_MG_DL
    top = max([p["glucose"] for p in points] + [high]) * 1.1
    x = {"field": "hours", "type": "quantitative", "title": "hours since midnight (local time)",
         "scale": {"domain": [0, hours], "nice": False}, "axis": {"values": list(range(0, int(hours) + 1, 3))}}
    y_scale = {"domain": [0, round(top)], "nice": False}
    marks = [{**m, "label": f"{m['meal']} {_gl(m['gl'])}" + (" (flagged)" if m["flags"] else "")} for m in meals]
    return {
        "description": " ".join(day_chart_text(date, points, meals)),
        "title": {"text": f"Glucose on {date}", "anchor": "start"},
        "width": WIDTH,
        "height": 220,
        "layer": [
            {"name": "range", "data": {"values": [{"low": low, "high": high}]},
             "mark": {"type": "rect", "opacity": 0.15, "color": RANGE_COLOUR, "aria": False},
             "encoding": {"y": {"field": "low", "type": "quantitative", "scale": y_scale}, "y2": {"field": "high"}}},
            {"name": "glucose", "data": {"values": points},
             "mark": {"type": "line", "color": LINE_COLOUR, "strokeWidth": 1.5, "interpolate": "linear"},
             "encoding": {"x": x, "y": {"field": "glucose", "type": "quantitative", "title": "glucose (mg/dL)",
                                        "scale": y_scale},
                          "tooltip": [{"field": "hours", "title": "hours"}, {"field": "glucose", "title": "mg/dL"}]}},
            {"name": "censored", "data": {"values": [p for p in points if p["censored"]]},
             "mark": {"type": "point", "shape": "triangle-up", "color": "#000", "filled": True, "size": 30},
             "encoding": {"x": x, "y": {"field": "glucose", "type": "quantitative", "scale": y_scale},
                          "tooltip": [{"field": "censored", "title": "censored"}]}},
            {"name": "meals", "data": {"values": marks},
             "mark": {"type": "rule", "color": MEAL_COLOUR, "strokeDash": [4, 3]},
             "encoding": {"x": x, "tooltip": [{"field": "meal"}, {"field": "time"}, {"field": "gl", "title": "GL"}]}},
            {"name": "meal_labels", "data": {"values": marks},
             "mark": {"type": "text", "align": "left", "angle": 0, "dx": 3, "dy": 0, "fontSize": 11,
                      "color": MEAL_COLOUR, "baseline": "top"},
             "encoding": {"x": x, "y": {"value": 2}, "text": {"field": "label"}}},
        ],
        "config": CONFIG,
    }


def day_chart_text(date: str, points: list[dict], meals: list[dict]) -> list[str]:
    lines = [f"Glucose on {date}: {len(points)} readings"
             + (f", from {min(p['glucose'] for p in points):g} to {max(p['glucose'] for p in points):g} mg/dL"
                if points else "") + f"; the band is {RANGE_MG_DL[0]:g}-{RANGE_MG_DL[1]:g} mg/dL."]
    for meal in meals:
        lines.append(f"{meal['time']} {meal['meal']}: {_gl(meal['gl'])}"
                     + (f", iAUC {meal['iauc_mg_dl_min']:.0f} mg/dL x min" if meal.get("iauc_mg_dl_min") else "")
                     + (f" (flagged: {', '.join(meal['flags'])})" if meal["flags"] else "") + ".")
    return lines


def fit_chart(clean: list[dict], factor: float | None) -> dict:
    """Predicted GL against measured iAUC for clean meals, with the line iAUC = factor x GL."""
    points = [{"gl": m["gl"], "iauc": m["iauc_mg_dl_min"], "label": f"{m['date']} {m['time']} {m['meal']}"}
              for m in clean]
    top = max([p["gl"] for p in points], default=1) * 1.05
    layers = [{"name": "meals", "data": {"values": points},
               "mark": {"type": "point", "filled": True, "color": LINE_COLOUR, "size": 40},
               "encoding": {"x": {"field": "gl", "type": "quantitative", "title": "predicted glycemic load"},
                            "y": {"field": "iauc", "type": "quantitative", "title": "measured iAUC (mg/dL x min)"},
                            "tooltip": [{"field": "label", "title": "meal"}, {"field": "gl", "title": "GL"},
                                        {"field": "iauc", "title": "iAUC"}]}}]
    if factor:
        layers.append({"name": "fitted_line",
                       "data": {"values": [{"gl": 0, "iauc": 0}, {"gl": round(top, 2), "iauc": round(factor * top, 1)}]},
                       "mark": {"type": "line", "color": MEAL_COLOUR, "strokeDash": [6, 3]},
                       "encoding": {"x": {"field": "gl", "type": "quantitative"},
                                    "y": {"field": "iauc", "type": "quantitative"}}})
    return {"description": " ".join(fit_chart_text(clean, factor)),
            "title": {"text": "Predicted GL against measured iAUC (clean meals)", "anchor": "start"},
            "width": WIDTH, "height": 300, "layer": layers, "config": CONFIG}


def fit_chart_text(clean: list[dict], factor: float | None) -> list[str]:
    line = (f"The dashed line is iAUC = {factor:.1f} x GL, this person's response factor."
            if factor else "Too few clean meals for a fitted line.")
    return [f"{len(clean)} clean meals, predicted GL against measured iAUC.", line]
