"""One food as ``glyload show`` presents it: nutrients per 100 g, GI, portions with their GL."""

from __future__ import annotations

import sqlite3

from .database import dict_rows
from .errors import GlyloadError
from .glycemic import gi_class, glycemic_load

#: Nutrients per 100 g shown for a food: (column, label, unit).
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


def food_record(conn: sqlite3.Connection, food: str) -> dict:
    """The foods row with id ``food``, or of the best match for it as text, with its ``portions``."""
    from .meal.match import search_foods

    rows = dict_rows(conn, "select * from foods where food_id = ?", (food.strip(),))
    if not rows:
        matches = search_foods(conn, food, limit=1)
        if not matches:
            raise GlyloadError(f"no food matches {food!r}")
        rows = dict_rows(conn, "select * from foods where food_id = ?", (matches[0]["food_id"],))
    row = rows[0]
    row["portions"] = dict_rows(
        conn, "select amount, description, grams from portions where food_id = ? order by seq",
        (row["food_id"],))
    return row


def food_details(conn: sqlite3.Connection, food: str) -> dict:
    """``glyload show``'s result (its ``--json``): a food, its GI, its portions with their GL, and
    for an FNDDS dish its ingredients with what each resolves to."""
    from .ingredients import dish_ingredients

    row = food_record(conn, food)
    carbs = row["available_carbohydrate_g"]
    gi = row.get("gi")
    for portion in row["portions"]:
        portion["available_carbohydrate_g"] = None if carbs is None else round(carbs * portion["grams"] / 100, 2)
        portion["gl"] = (None if gi is None or carbs is None
                         else round(glycemic_load(gi, portion["available_carbohydrate_g"]), 2))
    return {
        "food_id": row["food_id"],
        "description": row["description"],
        "source": row.get("source"),
        "food_group": row["food_group"],
        "subgroup": row.get("subgroup"),
        "common_names": row["common_names"],
        "manufacturer": row["manufacturer"],
        "additional_descriptions": row.get("additional_descriptions"),
        "per_100g": {key: row[key] for key, _, _ in PER_100G},
        "gl_per_100g": None if gi is None or carbs is None else round(glycemic_load(gi, carbs), 2),
        "glycemic_index": {
            "gi": gi,
            "gi_class": "not applicable" if row.get("gi_method") == "not applicable" else gi_class(gi),
            "method": row.get("gi_method"),
            "confidence": row.get("gi_confidence"),
            "sources": [int(s) for s in (row.get("gi_sources") or "").split(";") if s],
            "sem": row.get("gi_sem"),
            "low": row.get("gi_low"),
            "high": row.get("gi_high"),
            "basis": row.get("gi_basis"),
        },
        "portions": row["portions"],
        "ingredients": [{
            "seq": i["seq"], "ingredient_code": i["ingredient_code"], "description": i["description"],
            "grams": i["grams"], "ingredient_id": i["ingredient_id"], "resolved_source": i["resolved_source"],
            "resolved_food": i["resolved_food"], "available_carbohydrate_g": i["available_carbohydrate_g"],
            "carbohydrate_in_recipe_g": i["carbohydrate_in_recipe_g"], "own_ingredients": i["own_ingredients"],
        } for i in dish_ingredients(conn, row["food_id"])],
    }
