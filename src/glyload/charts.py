"""Charts as data: Vega-Lite specifications of a scored meal and of a scored diary.

Pure functions, no I/O: :func:`meal_chart` turns :func:`glyload.meal.score.score_meal`'s
result into a Vega-Lite v5 spec (a dict ready for ``json.dumps``), :func:`diary_chart`
the diary's per-meal and per-day tables; :func:`meal_chart_text` and
:func:`diary_chart_text` give the same numbers as sentences, the text
alternative shown to screen readers beside each chart.

The browser draws the specs with the Vega, Vega-Lite and Vega-Embed builds
shipped in ``glyload/static/`` (:data:`VEGA_SCRIPTS`; ``scripts/vendor_vega.py``
refreshes them), as SVG: ``glyload serve`` only sends the small spec with the
page and the scripts as cached static files, and the diary report inlines
them, so nothing is ever fetched from another site.

Class colours (:data:`CLASS_COLOURS`, Okabe-Ito, readable with the common
colour-vision deficiencies) mark the International Tables' GL classes; their
thresholds come from :mod:`glyload.glycemic`.
"""

from __future__ import annotations

from pathlib import Path

from . import glycemic

STATIC_DIR = Path(__file__).resolve().parent / "static"
#: The vendored browser builds, in load order: package -> (version, file in STATIC_DIR).
VEGA_SCRIPTS = {
    "vega": ("5.33.1", "vega-5.33.1.min.js"),
    "vega-lite": ("5.23.0", "vega-lite-5.23.0.min.js"),
    "vega-embed": ("6.29.0", "vega-embed-6.29.0.min.js"),
}
#: glyload's own few lines that find each chart on a page and draw it with vegaEmbed.
EMBED_SCRIPT = "glyload-charts.js"

CLASSES = ("low", "medium", "high")
CLASS_COLOURS = {"low": "#009E73", "medium": "#E69F00", "high": "#D55E00"}
#: Meal segments of a day's bar (not the class colours, which are the bands behind them).
MEAL_COLOURS = ("#0072B2", "#56B4E9", "#CC79A7", "#999999", "#332288", "#88CCEE", "#AA4499", "#44AA99")
BAND_OPACITY = 0.28
WIDTH = 560
#: Shared look: no frame, readable axis text, round GL ticks (0, 20, 40 ... or 0, 5, 10 ...).
CONFIG = {"view": {"stroke": None}, "axis": {"labelFontSize": 12, "titleFontSize": 12},
          "axisX": {"tickCount": 10}}
#: How many items of each meal the diary report lists.
TOP_ITEMS = 3


def class_labels(daily: bool = False) -> dict[str, str]:
    """Legend text of each GL class, from glycemic's thresholds (per serving, or per day)."""
    if daily:
        low, high = glycemic.DAILY_GL_LOW_BELOW, glycemic.DAILY_GL_HIGH_ABOVE
        return {"low": f"low (< {low:g})", "medium": f"medium ({low:g}\u2013{high:g})",
                "high": f"high (> {high:g})"}
    low, high = glycemic.GL_LOW_MAX, glycemic.GL_HIGH_MIN
    return {"low": f"low (\u2264 {low:g})", "medium": f"medium ({low + 1:g}\u2013{high - 1:g})",
            "high": f"high (\u2265 {high:g})"}


def class_bands(top: float, daily: bool = False) -> list[dict]:
    """The three GL classes as stretches of the GL axis from 0 to ``top``."""
    if daily:
        edges = (0, glycemic.DAILY_GL_LOW_BELOW, glycemic.DAILY_GL_HIGH_ABOVE, top)
    else:
        edges = (0, glycemic.GL_LOW_MAX, glycemic.GL_HIGH_MIN, top)
    labels = class_labels(daily)
    return [{"gl_class": name, "class_label": labels[name], "start": edges[n], "end": max(edges[n + 1], edges[n])}
            for n, name in enumerate(CLASSES)]


def axis_top(highest: float, daily: bool = False) -> float:
    """The end of the GL axis: past the highest value and into the high band."""
    threshold = glycemic.DAILY_GL_HIGH_ABOVE if daily else glycemic.GL_HIGH_MIN
    step = 20 if daily else 5
    top = max(highest, threshold) * 1.1
    return float(-(-top // step) * step)


def class_scale(channel_title: str, daily: bool = False) -> dict:
    """A colour/fill encoding of ``class_label`` in the class colours, with its legend."""
    labels = class_labels(daily)
    return {"field": "class_label", "type": "nominal", "title": channel_title,
            "scale": {"domain": [labels[c] for c in CLASSES], "range": [CLASS_COLOURS[c] for c in CLASSES]},
            "legend": {"orient": "bottom", "direction": "horizontal", "symbolOpacity": 1}}


def range_layers(name: str, tick_size: float, x_scale: dict) -> list[dict]:
    """A GL range from ``gl_low`` to ``gl_high``: a black rule with an end tick at each side."""
    x = {"type": "quantitative", "scale": x_scale}
    return [
        {"name": f"{name}_ranges", "mark": {"type": "rule", "color": "#000", "strokeWidth": 2, "aria": False},
         "encoding": {"x": {"field": "gl_low", **x}, "x2": {"field": "gl_high"}}},
        *({"name": f"{name}_range_{end}", "mark": {"type": "tick", "color": "#000", "thickness": 2,
                                                   "size": tick_size, "aria": False},
           "encoding": {"x": {"field": f"gl_{end}", **x}}} for end in ("low", "high")),
    ]


def _fmt(value) -> str:
    return f"{value:.1f}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _range_text(low, high) -> str:
    return "" if low is None or low == high else f" (range {_fmt(low)} to {_fmt(high)})"


def item_bars(result: dict) -> list[dict]:
    """One value per item with a GL, longest bar first (ties keep the meal's order)."""
    labels = class_labels()
    bars = []
    for number, item in enumerate(result["items"], 1):
        if item["gl"] is None:
            continue
        gl_class = glycemic.gl_class(item["gl"])
        bars.append({
            "item": f"{number}. {item['input']}", "food_id": item["food_id"], "food": item["food"],
            "grams": item["grams"], "available_carbohydrate_g": item["available_carbohydrate_g"],
            "gi": item["gi"], "gl": item["gl"], "gl_low": item["gl_low"], "gl_high": item["gl_high"],
            "gl_class": gl_class, "class_label": labels[gl_class],
            "description": f"{item['input']}: GL {_fmt(item['gl'])}{_range_text(item['gl_low'], item['gl_high'])}, "
                           f"{gl_class} for a serving",
        })
    bars.sort(key=lambda bar: -bar["gl"])
    return bars


def meal_chart(result: dict) -> dict | None:
    """Vega-Lite spec of a scored meal: GL per item, then the meal's GL against the GL classes.

    Items are horizontal bars, longest first, coloured by the GL class each would
    have as a serving, with a black rule from ``gl_low`` to ``gl_high`` (the GL
    the GI's uncertainty allows). Below them the meal's GL is a dark bar over
    the low / medium / high bands, with its own range. None when no item has a
    GL (no GI known), as there is nothing to draw.
    """
    bars = item_bars(result)
    if not bars:
        return None
    totals = result["totals"]
    top = axis_top(max([totals["gl_high"], totals["gl"]] + [b["gl_high"] for b in bars]))
    x_scale = {"domain": [0, top], "nice": False}
    colour = class_scale("GL class (of a serving)")
    tooltip = [{"field": "food", "title": "food"}, {"field": "grams", "title": "grams"},
               {"field": "available_carbohydrate_g", "title": "avail. carbs g"}, {"field": "gi", "title": "GI"},
               {"field": "gl", "title": "GL"}, {"field": "gl_low", "title": "GL low"},
               {"field": "gl_high", "title": "GL high"}]
    meal = {"label": "meal", "gl": totals["gl"], "gl_low": totals["gl_low"], "gl_high": totals["gl_high"],
            "gl_class": totals["gl_class"],
            "description": f"meal: GL {_fmt(totals['gl'])}{_range_text(totals['gl_low'], totals['gl_high'])}, "
                           f"{totals['gl_class']}"}
    items_view = {
        "name": "items",
        "title": {"text": "Glycemic load per item", "anchor": "start"},
        "width": WIDTH,
        "height": {"step": 26},
        "data": {"values": bars},
        "encoding": {
            "y": {"field": "item", "type": "nominal", "sort": [b["item"] for b in bars], "title": None,
                  "axis": {"labelLimit": 260}},
        },
        "layer": [
            {"name": "item_bars", "mark": {"type": "bar", "height": {"band": 0.7}},
             "encoding": {"x": {"field": "gl", "type": "quantitative", "title": "glycemic load",
                                "scale": x_scale},
                          "color": colour, "tooltip": tooltip,
                          "description": {"field": "description"}}},
            *range_layers("item", 12, x_scale),
        ],
    }
    meal_view = {
        "name": "meal",
        "title": {"text": f"Meal GL {_fmt(totals['gl'])}: {totals['gl_class']}", "anchor": "start"},
        "width": WIDTH,
        "height": 46,
        "layer": [
            {"name": "meal_bands", "data": {"values": class_bands(top)},
             "mark": {"type": "rect", "opacity": BAND_OPACITY, "aria": False},
             "encoding": {"x": {"field": "start", "type": "quantitative", "scale": x_scale,
                                "title": "glycemic load of the meal"},
                          "x2": {"field": "end"}, "color": colour}},
            {"name": "meal_bar", "data": {"values": [meal]},
             "mark": {"type": "bar", "color": "#333", "height": 18},
             "encoding": {"x": {"field": "gl", "type": "quantitative", "scale": x_scale,
                                "title": "glycemic load of the meal"},
                          "description": {"field": "description"},
                          "tooltip": [{"field": "gl", "title": "meal GL"}, {"field": "gl_low", "title": "GL low"},
                                      {"field": "gl_high", "title": "GL high"}, {"field": "gl_class", "title": "class"}]}},
            {"data": {"values": [meal]}, "layer": range_layers("meal", 30, x_scale)},
        ],
    }
    return {
        "description": " ".join(meal_chart_text(result)),
        "vconcat": [items_view, meal_view],
        "resolve": {"scale": {"color": "shared"}},
        "config": CONFIG,
    }


def meal_chart_text(result: dict) -> list[str]:
    """The meal chart as sentences: each item's GL and range, longest first, then the meal's."""
    totals = result["totals"]
    bars = item_bars(result)
    lines = [f"Glycemic load per item, largest first: {_count(len(bars), 'bar')}."]
    lines += [f"{bar['description']}." for bar in bars]
    missing = [item["input"] for item in result["items"] if item["gl"] is None]
    if missing:
        lines.append(f"No GL (no GI known), not drawn: {', '.join(missing)}.")
    lines.append(f"Meal: GL {_fmt(totals['gl'])}{_range_text(totals['gl_low'], totals['gl_high'])}, "
                 f"{totals['gl_class']}; GL classes of a serving: {', '.join(class_labels().values())}.")
    return lines


def day_segments(meals: list[dict]) -> list[dict]:
    """Stacked segments of the day bars: one per meal with a GL, in the diary's order."""
    order = meal_order(meals)
    return [{"date": m["date"], "meal": m["meal"], "meal_order": order.index(m["meal"]), "gl": m["gl"],
             "gl_class": m["gl_class"], "items": m["items"],
             "description": f"{m['date']} {m['meal']}: GL {_fmt(m['gl'])}"}
            for m in meals if m["gl"] is not None]


def meal_order(meals: list[dict]) -> list[str]:
    """Meal names in the order they first appear in the diary."""
    return list(dict.fromkeys(m["meal"] for m in meals))


def diary_chart(meals: list[dict], days: list[dict]) -> dict:
    """Vega-Lite spec of a diary: per day a bar of GL stacked by meal, over the daily GL bands.

    ``meals`` and ``days`` are :func:`glyload.diary.score_diary`'s records. Days
    run top to bottom in the diary's order; each bar ends with the day's total
    and class; behind them the daily classes (low < 80, medium, high > 120).
    """
    segments = day_segments(meals)
    totals = [{"date": d["date"], "gl": d["gl"], "gl_class": d["gl_class"],
               "label": f"{_fmt(d['gl'])} {d['gl_class']}"} for d in days if d["gl"] is not None]
    top = axis_top(max([t["gl"] for t in totals], default=0) * 1.12, daily=True)
    x_scale = {"domain": [0, top], "nice": False}
    dates = [d["date"] for d in days]
    names = meal_order(meals)
    y = {"field": "date", "type": "ordinal", "sort": dates, "title": None, "scale": {"domain": dates}}
    return {
        "description": " ".join(diary_chart_text(meals, days)),
        "title": {"text": "Glycemic load per day, by meal", "anchor": "start"},
        "width": WIDTH,
        "height": {"step": 30},
        "layer": [
            {"name": "day_bands", "data": {"values": class_bands(top, daily=True)},
             "mark": {"type": "rect", "opacity": BAND_OPACITY, "aria": False},
             "encoding": {"x": {"field": "start", "type": "quantitative", "scale": x_scale},
                          "x2": {"field": "end"},
                          "fill": class_scale("daily GL class", daily=True)}},
            {"name": "meal_segments", "data": {"values": segments},
             "mark": {"type": "bar", "height": {"band": 0.7}, "stroke": "#fff", "strokeWidth": 1},
             "encoding": {
                 "y": y,
                 "x": {"field": "gl", "type": "quantitative", "stack": "zero", "scale": x_scale,
                       "title": "glycemic load"},
                 "color": {"field": "meal", "type": "nominal", "title": "meal",
                           "scale": {"domain": names, "range": [MEAL_COLOURS[n % len(MEAL_COLOURS)]
                                                                for n in range(len(names))]},
                           "legend": {"orient": "bottom", "direction": "horizontal"}},
                 "order": {"field": "meal_order", "type": "quantitative"},
                 "description": {"field": "description"},
                 "tooltip": [{"field": "date"}, {"field": "meal"}, {"field": "gl", "title": "GL"},
                             {"field": "gl_class", "title": "meal class"}, {"field": "items"}]}},
            {"name": "day_totals", "data": {"values": totals},
             "mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 12, "aria": False},
             "encoding": {"y": y, "x": {"field": "gl", "type": "quantitative", "scale": x_scale},
                          "text": {"field": "label"}}},
        ],
        "resolve": {"legend": {"fill": "independent", "color": "independent"}},
        "config": CONFIG,
    }


def diary_chart_text(meals: list[dict], days: list[dict]) -> list[str]:
    """The diary chart as sentences: each day's total and class, then its meals."""
    lines = [f"Glycemic load per day, stacked by meal: {_count(len(days), 'day bar')}. "
             f"Daily GL classes: {', '.join(class_labels(daily=True).values())}."]
    for day in days:
        parts = [f"{m['meal']} {_fmt(m['gl'])}" for m in meals if m["date"] == day["date"] and m["gl"] is not None]
        total = "no GL" if day["gl"] is None else f"GL {_fmt(day['gl'])}, {day['gl_class']}"
        lines.append(f"{day['date']}: {total} ({'; '.join(parts)}).")
    return lines
