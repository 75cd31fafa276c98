"""One food as ``glyload show`` presents it: nutrients per 100 g, GI, portions with their GL."""

from __future__ import annotations

import sqlite3

from .database import dict_rows
from .errors import GlyloadError, quoted
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
            raise GlyloadError(f"no food matches {quoted(food)}")
        rows = dict_rows(conn, "select * from foods where food_id = ?", (matches[0]["food_id"],))
    row = rows[0]
    row["portions"] = dict_rows(
        conn, "select amount, description, grams from portions where food_id = ? order by seq",
        (row["food_id"],))
    return row


def gi_evidence(conn: sqlite3.Connection, row: dict) -> dict:
    """The entries behind a measured food's GI, and its concept's entries left out with their reasons."""
    if row.get("gi_method") not in ("direct", "related"):
        return {"entries_used": [], "entries_excluded": []}
    used = [int(s) for s in (row.get("gi_sources") or "").split(";") if s]
    marks = ",".join("?" * len(used))
    entries_used = dict_rows(
        conn, f"select entry_no, food, tier, gi, gi_sem, subjects, study, country, year from gi_measurements "
        f"where entry_no in ({marks}) order by entry_no", used) if used else []
    entries_excluded = dict_rows(
        conn, "select e.entry_no, m.food, m.tier, m.gi, e.reason, e.note from gi_concept_entries e "
        "join gi_measurements m using (entry_no) where e.concept = ? and e.decision = 'excluded' "
        "order by e.entry_no", (row.get("gi_concept"),)) if row.get("gi_concept") else []
    return {"entries_used": entries_used, "entries_excluded": entries_excluded}


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
            # entry numbers; for a recipe GI, the ingredients' food ids
            "sources": [s if row.get("gi_method") == "recipe" else int(s)
                        for s in (row.get("gi_sources") or "").split(";") if s],
            "measured_share": row.get("gi_measured_share"),
            "sem": row.get("gi_sem"),
            "low": row.get("gi_low"),
            "high": row.get("gi_high"),
            "basis": row.get("gi_basis"),
            "ci_low": row.get("gi_ci_low"),
            "ci_high": row.get("gi_ci_high"),
            "tau": row.get("gi_tau"),
            "i2": row.get("gi_i2"),
            "studies": row.get("gi_studies"),
            "subjects": row.get("gi_subjects"),
            "expected_error": row.get("gi_expected_error"),
            "concept": row.get("gi_concept"),
            **gi_evidence(conn, row),
        },
        "portions": row["portions"],
        "ingredients": [{
            "seq": i["seq"], "ingredient_code": i["ingredient_code"], "description": i["description"],
            "grams": i["grams"], "ingredient_id": i["ingredient_id"], "resolved_source": i["resolved_source"],
            "resolved_food": i["resolved_food"], "available_carbohydrate_g": i["available_carbohydrate_g"],
            "carbohydrate_in_recipe_g": i["carbohydrate_in_recipe_g"], "own_ingredients": i["own_ingredients"],
        } for i in dish_ingredients(conn, row["food_id"])],
    }
