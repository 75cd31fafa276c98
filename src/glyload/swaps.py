"""Lower-GL alternatives to a food from the same subgroup."""

from __future__ import annotations

import sqlite3

from .database import dict_rows
from .errors import GlyloadError
from .glycemic import glycemic_load

#: Widen to the food group when the subgroup offers fewer alternatives than this.
MIN_ALTERNATIVES = 3


def swaps(conn: sqlite3.Connection, text: str, same: str = "weight", limit: int = 10) -> dict:
    """Alternatives to the food in ``text`` ("1 cup cooked white rice", "20045", "rice").

    ``same="weight"`` compares at the item's grams; ``same="carbs"`` at the
    grams of each alternative that hold the same available carbohydrate.
    """
    from .meal.parse import parse_item
    from .meal.score import score_item

    item = score_item(conn, parse_item(text))
    base = dict_rows(conn, "select * from foods where food_id = ?", (item["food_id"],))[0]
    if base["gi"] is None or not base["available_carbohydrate_g"]:
        raise GlyloadError(f"{base['description']!r} has no available carbohydrate: its GL is already 0")
    grams = item["grams"]
    carbs = base["available_carbohydrate_g"] * grams / 100
    base_gl = glycemic_load(base["gi"], carbs)
    notes = []
    sql = ("select food_id, description, available_carbohydrate_g, gi, gi_method from foods "
           "where {where} and food_id != ? and gi is not null and available_carbohydrate_g > 0")
    rows = dict_rows(conn, sql.format(where="subgroup = ?"), (base["subgroup"], base["food_id"]))
    scope = base["subgroup"]
    if len(rows) < MIN_ALTERNATIVES:
        rows = dict_rows(conn, sql.format(where="food_group = ?"), (base["food_group"], base["food_id"]))
        scope = base["food_group"]
        notes.append(f"few foods in subgroup {base['subgroup']}: alternatives from {scope}")
    out = []
    for row in rows:
        alt_grams = grams if same == "weight" else carbs / row["available_carbohydrate_g"] * 100
        alt_carbs = row["available_carbohydrate_g"] * alt_grams / 100
        gl = glycemic_load(row["gi"], alt_carbs)
        if round(base_gl - gl, 2) > 0:
            out.append({**row, "grams": round(alt_grams, 1), "available_carbohydrate_g": round(alt_carbs, 2),
                        "gl": round(gl, 2), "gl_saved": round(base_gl - gl, 2)})
    out.sort(key=lambda r: (-r["gl_saved"], r["food_id"]))
    return {
        "food": {"food_id": base["food_id"], "description": base["description"], "grams": grams,
                 "available_carbohydrate_g": round(carbs, 2), "gi": base["gi"],
                 "gi_method": base["gi_method"], "gl": round(base_gl, 2)},
        "subgroup": scope, "same": same, "notes": notes, "alternatives": out[:limit],
    }
