"""One food as ``glyload show`` presents it: nutrients per 100 g, GI with provenance,
portions with their carbohydrate and GL (the JSON shape of ``glyload show --json``)."""

from __future__ import annotations

import sqlite3

from .errors import GlyloadError
from .glycemic import gi_class, glycemic_load

#: Nutrients shown per 100 g: (column, label, unit).
PER_100G = (
    ("carbohydrate_g", "carbohydrate (by difference)", "g"),
    ("fiber_g", "dietary fiber", "g"),
    ("available_carbohydrate_g", "available carbohydrate", "g"),
    ("sugars_g", "sugars", "g"),
    ("starch_g", "starch", "g"),
    ("energy_kcal", "energy", "kcal"),
    ("protein_g", "protein", "g"),
    ("fat_g", "fat", "g"),
    ("water_g", "water", "g"),
)


def _row(conn: sqlite3.Connection, sql: str, params) -> dict | None:
    cursor = conn.execute(sql, params)
    row = cursor.fetchone()
    return None if row is None else dict(zip([c[0] for c in cursor.description], tuple(row)))


def food_record(conn: sqlite3.Connection, food: str) -> dict:
    """The food with id ``food``, or the best match for it as text, with its portions."""
    from .meal.match import search_foods

    row = _row(conn, "select * from foods where food_id = ?", (food.strip(),))
    if row is None:
        matches = search_foods(conn, food, limit=1)
        if not matches:
            raise GlyloadError(f"no food matches {food!r}")
        row = _row(conn, "select * from foods where food_id = ?", (matches[0]["food_id"],))
    row["portions"] = [dict(zip(("amount", "description", "grams"), tuple(p))) for p in conn.execute(
        "select amount, description, grams from portions where food_id = ? order by seq", (row["food_id"],))]
    return row


def describe_food(conn: sqlite3.Connection, food: str) -> dict:
    """``glyload show``'s record: portions with carbohydrate and GL, the GI block."""
    row = food_record(conn, food)
    carbs = row["available_carbohydrate_g"]
    for portion in row["portions"]:
        portion["available_carbohydrate_g"] = None if carbs is None else round(carbs * portion["grams"] / 100, 2)
        portion["gl"] = (None if row.get("gi") is None or carbs is None
                         else round(glycemic_load(row["gi"], portion["available_carbohydrate_g"]), 2))
    gi = {
        "gi": row.get("gi"),
        "gi_class": "not applicable" if row.get("gi_method") == "not applicable" else gi_class(row.get("gi")),
        "method": row.get("gi_method"),
        "confidence": row.get("gi_confidence"),
        "sources": [int(s) for s in (row.get("gi_sources") or "").split(";") if s],
        "sem": row.get("gi_sem"),
        "low": row.get("gi_low"),
        "high": row.get("gi_high"),
        "basis": row.get("gi_basis"),
    }
    return {
        "food_id": row["food_id"],
        "description": row["description"],
        "food_group": row["food_group"],
        "subgroup": row.get("subgroup"),
        "common_names": row["common_names"],
        "manufacturer": row["manufacturer"],
        "per_100g": {key: row[key] for key, _, _ in PER_100G},
        "gl_per_100g": None if gi["gi"] is None or carbs is None else round(glycemic_load(gi["gi"], carbs), 2),
        "glycemic_index": gi,
        "portions": row["portions"],
    }
