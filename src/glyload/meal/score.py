"""Score a meal: parse each item, match its food, weigh it, compute GL.

One scorer serves the CLI (``glyload score``) and the Datasette page
(``/-/score``); both print :func:`score_meal`'s result, whose JSON shape is
the documented contract (README, "JSON output").
"""

from __future__ import annotations

import math
import sqlite3

from .. import glycemic
from ..database import dict_rows
from ..errors import GlyloadError
from .match import THRESHOLD, match_food
from ..sources.gi_tables import MATCHES as MEASURED
from .parse import MAX_GRAMS, ParsedItem, parse_meal
from .portions import grams_for

ITEM_KEYS = ("input", "food_id", "food", "quantity", "unit", "portion", "grams",
             "available_carbohydrate_g", "gi", "gi_method", "gi_confidence", "gl",
             "gl_low", "gl_high", "match_score", "notes")
TOTAL_KEYS = ("grams", "available_carbohydrate_g", "gl", "gl_low", "gl_high", "gl_class",
              "gi", "gi_class", "measured_carb_share")


class ItemError(GlyloadError):
    """An item that cannot be scored; the message names the item."""


def food_by_id(conn: sqlite3.Connection, food_id: str) -> dict:
    rows = dict_rows(
        conn, "select food_id, description, available_carbohydrate_g, gi, gi_method, gi_confidence, "
        "gi_sem, gi_low, gi_high from foods where food_id = ?", (food_id,))
    if not rows:
        raise ItemError(f"no food with id {food_id!r}")
    return rows[0]


def score_item(conn: sqlite3.Connection, item: ParsedItem, first: bool = False,
               grams: float | None = None) -> dict:
    """Score one parsed item (``grams`` overrides the parsed amount, for CSV input)."""
    notes = list(item.notes)
    if item.food_id:
        food = food_by_id(conn, item.food_id)
        match_score = 100.0
    else:
        match = match_food(conn, item.phrase, first=first,
                           unit=item.unit if item.unit_kind in ("volume", "household") else None)
        food = food_by_id(conn, match.food["food_id"])
        match_score = match.score
        if match_score < THRESHOLD:
            notes.append(f"weak match ({match_score:g}) accepted with --first")
    portion = ""
    if grams is None:
        weighed = grams_for(conn, food, item)
        grams, portion = weighed.grams, weighed.description
        notes.extend(weighed.notes)
    if not math.isfinite(grams) or grams <= 0:
        raise ItemError(f"{item.text!r}: the amount must be above 0 g")
    if grams > MAX_GRAMS:
        raise ItemError(f"{item.text!r}: {grams:,.0f} g is not a plausible amount (at most {MAX_GRAMS:,} g)")
    if food["available_carbohydrate_g"] is None:
        raise ItemError(f"{item.text!r}: {food['food_id']} {food['description']} has no carbohydrate value "
                        "in USDA's data, so its GL cannot be computed")
    carbs = glycemic.carbohydrate_in_portion(food["available_carbohydrate_g"], grams)
    gi = food["gi"]
    gl = None if gi is None else glycemic.glycemic_load(gi, carbs)
    uncertainty = None
    if gi is not None and food["gi_low"] is not None and food["gi_high"] is not None:
        low = glycemic.glycemic_load(food["gi_low"], carbs)
        high = glycemic.glycemic_load(food["gi_high"], carbs)
        uncertainty = (low, high)
    elif gl is not None:
        uncertainty = (gl, gl)
    return {
        "input": item.text,
        "food_id": food["food_id"],
        "food": food["description"],
        "quantity": item.quantity,
        "unit": item.unit,
        "portion": portion,
        "grams": round(grams, 1),
        "available_carbohydrate_g": round(carbs, 2),
        "gi": gi,
        "gi_method": food["gi_method"],
        "gi_confidence": food["gi_confidence"],
        "gl": None if gl is None else round(gl, 2),
        "gl_low": None if uncertainty is None else round(uncertainty[0], 2),
        "gl_high": None if uncertainty is None else round(uncertainty[1], 2),
        "match_score": match_score,
        "notes": notes,
        "_carbs": carbs,
        "_gl": gl,
        "_range": uncertainty,
    }


def totals(items: list[dict]) -> dict:
    """Meal totals: GL is the sum; GI the carbohydrate-weighted mean (Wolever & Jenkins 1986)."""
    scored = [i for i in items if i["gi"] is not None]
    carbs = sum(i["_carbs"] for i in items)
    gl = glycemic.meal_glycemic_load((i["gi"], i["_carbs"]) for i in scored)
    # GI 0 "not applicable" marks negligible carbohydrate: it adds 0 to GL but is no GI
    # measurement, so it does not pull the meal's GI down.
    gi = glycemic.meal_glycemic_index(
        (i["gi"], i["_carbs"]) for i in scored if i["gi_method"] != "not applicable")
    measured = sum(i["_carbs"] for i in items if i["gi_method"] in MEASURED)
    low = sum(i["_range"][0] for i in scored)
    high = sum(i["_range"][1] for i in scored)
    return {
        "grams": round(sum(i["grams"] for i in items), 1),
        "available_carbohydrate_g": round(carbs, 2),
        "gl": round(gl, 2),
        "gl_low": round(low, 2),
        "gl_high": round(high, 2),
        "gl_class": glycemic.gl_class(gl),
        "gi": None if gi is None else round(gi, 1),
        "gi_class": None if gi is None else glycemic.gi_class(gi),
        "measured_carb_share": None if carbs == 0 else round(measured / carbs, 3),
    }


def result(items: list[dict]) -> dict:
    """The JSON contract: ``items`` and ``totals``, internal fields dropped."""
    meal = totals(items)
    return {"items": [{k: item[k] for k in ITEM_KEYS} for item in items], "totals": meal}


def score_meal(conn: sqlite3.Connection, text: str, first: bool = False) -> dict:
    """Score meal text ("1 cup cooked white rice, 1 medium apple")."""
    return result([score_item(conn, item, first=first) for item in parse_meal(text)])
