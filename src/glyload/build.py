"""Build the glyload SQLite database: the whole schema, loading, indexes, views, full-text search.

The readers in :mod:`glyload.sources` give clean records; :mod:`glyload.gi`
computes each food's GI; this module alone creates tables and views.

The build writes a temporary file beside the target and renames it into place
only when everything succeeded, so a failed build leaves the previous database
untouched and re-running is always safe.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import sqlite_utils

from . import __version__
from .errors import DataError
from .glycemic import GI_HIGH_MIN, GI_LOW_MAX, GL_HIGH_MIN, GL_LOW_MAX, available_carbohydrate
from .paths import data_dir
from .fingerprint import SCHEMA_VERSION, bundled_fingerprint
from .sources.fndds import FnddsData, ingredient_reference, split_amount
from .sources.gi_tables import GiData
from .sources.records import OTHER_SR_SOURCE, SR_SOURCE, UsdaData


FOOD_COLUMNS = {
    "food_id": str,
    "description": str,
    "source": str,
    "food_group_id": str,
    "food_group": str,
    "common_names": str,
    "additional_descriptions": str,
    "short_description": str,
    "manufacturer": str,
    "survey": str,
    "scientific_name": str,
    "refuse_pct": float,
    "carbohydrate_g": float,
    "fiber_g": float,
    "available_carbohydrate_g": float,
    "sugars_g": float,
    "starch_g": float,
    "energy_kcal": float,
    "protein_g": float,
    "fat_g": float,
    "water_g": float,
}
INGREDIENT_COLUMNS = {
    "food_id": str, "seq": int, "ingredient_code": str, "ingredient_id": str, "description": str,
    "grams": float, "retention_code": int, "moisture_change_pct": float,
}
#: FNDDS foods are grouped by their WWEIA category; its id in food_groups is prefixed so it
#: can never be taken for an SR food group code ("WWEIA-3602" Pizza, SR "2000" Cereal Grains).
WWEIA_GROUP_PREFIX = "WWEIA-"


@dataclass
class BuildReport:
    path: Path
    source: str
    counts: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)


def _with_carbohydrate(row: dict) -> dict:
    row["available_carbohydrate_g"] = available_carbohydrate(row["carbohydrate_g"], row["fiber_g"])
    return {column: row.get(column) for column in FOOD_COLUMNS}


def food_rows(data: UsdaData, source: str = SR_SOURCE):
    """Yield one clean dict per SR food, ready for ``insert_all``."""
    groups = {g.food_group_id: g.name for g in data.food_groups}
    for food in data.foods:
        row = food.row()
        row["food_group"] = groups[food.food_group_id]
        row["source"] = source
        yield _with_carbohydrate(row)


def fndds_food_rows(data: FnddsData):
    """Yield one clean dict per FNDDS food: its WWEIA category is its food group."""
    for food in data.foods:
        row = food.row()
        row.update(source=data.source, food_group_id=f"{WWEIA_GROUP_PREFIX}{food.wweia_category}",
                   food_group=food.wweia_description)
        yield _with_carbohydrate(row)


def fndds_portion_rows(data: FnddsData, notes: list):
    """FNDDS portions as SR's: "1 sandwich" -> amount 1, "sandwich" (:func:`split_amount`).

    A portion of 0 g weighs nothing, so it cannot turn an amount into grams: it is
    left out, and ``notes`` says which (FNDDS 2021-2023 has one, human milk's
    "Quantity not specified")."""
    for portion in data.portions:
        if portion.grams == 0:
            notes.append(f"left out FNDDS portion '{portion.description}' of food {portion.food_id} "
                         "(published as 0 g)")
            continue
        amount, description = split_amount(portion.description)
        yield {"food_id": portion.food_id, "seq": portion.seq, "amount": amount,
               "description": description, "grams": portion.grams}


def ingredient_rows(data: FnddsData, sr_ids: set, fndds_ids: set):
    """Ingredients with ``ingredient_id``: the SR food (5-digit NDB number) or FNDDS food
    (8-digit code) the published code names, or None when it names neither."""
    for ingredient in data.ingredients:
        row = ingredient.row()
        reference = ingredient_reference(ingredient.ingredient_code)
        known = {"SR": sr_ids, "FNDDS": fndds_ids}
        row["ingredient_id"] = (reference[1] if reference and reference[1] in known[reference[0]]
                                else None)
        yield row


def check_acyclic(data: FnddsData) -> None:
    """A dish may hold other FNDDS foods, which hold others: no food may hold itself."""
    holds: dict[str, list] = {}
    for ingredient in data.ingredients:
        holds.setdefault(ingredient.food_id, []).append(ingredient)
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(food_id):
        state[food_id] = 1
        for ingredient in holds.get(food_id, ()):
            inner = ingredient.ingredient_code
            if inner not in holds:
                continue
            if state.get(inner) == 1:
                raise DataError(*ingredient.where, f"food {food_id} holds {inner}, which holds {food_id} again")
            if state.get(inner) is None:
                visit(inner)
        state[food_id] = 2

    for food_id in holds:
        if food_id not in state:
            visit(food_id)


def load_foods(db: sqlite_utils.Database, data: UsdaData, fndds: FnddsData | None,
               sr_source: str = SR_SOURCE, notes: list | None = None) -> dict:
    """Create and fill food_groups, foods, portions and ingredients, with indexes and FTS."""
    notes = [] if notes is None else notes
    db["food_groups"].create(
        {"food_group_id": str, "name": str, "source": str}, pk="food_group_id", not_null={"name", "source"}
    )
    db["food_groups"].insert_all(
        {"food_group_id": g.food_group_id, "name": g.name, "source": sr_source} for g in data.food_groups
    )
    db["foods"].create(
        FOOD_COLUMNS,
        pk="food_id",
        not_null={"description", "source", "food_group_id", "food_group"},
        foreign_keys=[("food_group_id", "food_groups", "food_group_id")],
    )
    db["foods"].insert_all(food_rows(data, sr_source), batch_size=2000)
    db["portions"].create(
        {"food_id": str, "seq": int, "amount": float, "description": str, "grams": float},
        pk=("food_id", "seq"),
        not_null={"amount", "description", "grams"},
        foreign_keys=[("food_id", "foods", "food_id")],
    )
    db["portions"].insert_all((p.row() for p in data.portions), batch_size=5000)
    db["ingredients"].create(
        INGREDIENT_COLUMNS,
        pk=("food_id", "seq"),
        not_null={"ingredient_code", "description", "grams"},
        foreign_keys=[("food_id", "foods", "food_id"), ("ingredient_id", "foods", "food_id")],
    )
    if fndds is not None:
        check_acyclic(fndds)
        categories = {f.wweia_category: f.wweia_description for f in fndds.foods}
        db["food_groups"].insert_all(
            {"food_group_id": f"{WWEIA_GROUP_PREFIX}{number}", "name": name, "source": fndds.source}
            for number, name in sorted(categories.items()))
        db["foods"].insert_all(fndds_food_rows(fndds), batch_size=2000)
        db["portions"].insert_all(fndds_portion_rows(fndds, notes), batch_size=5000)
        db["ingredients"].insert_all(ingredient_rows(
            fndds, {f.food_id for f in data.foods}, {f.food_id for f in fndds.foods}), batch_size=5000)
    db["foods"].create_index(["food_group_id"])
    db["foods"].create_index(["source"])
    db["foods"].create_index(["available_carbohydrate_g"])
    db["portions"].create_index(["food_id"])
    db["ingredients"].create_index(["ingredient_id"])
    db["foods"].enable_fts(
        ["description", "common_names", "additional_descriptions"], fts_version="FTS5", tokenize="porter",
        create_triggers=False,
    )
    return {
        "food_groups": db["food_groups"].count,
        "foods": db["foods"].count,
        "portions": db["portions"].count,
        "ingredients": db["ingredients"].count,
    }


def _gi_class_sql(gi: str, method: str) -> str:
    """SQL for :func:`glyload.glycemic.gi_class` (plus "not applicable"), same thresholds."""
    return (f"case when {method} = 'not applicable' then 'not applicable' when {gi} is null then null "
            f"when {gi} <= {GI_LOW_MAX} then 'low' when {gi} < {GI_HIGH_MIN} then 'medium' else 'high' end")


def _gl_class_sql(gl: str) -> str:
    """SQL for :func:`glyload.glycemic.gl_class`, same thresholds."""
    return (f"case when {gl} is null then null when {gl} <= {GL_LOW_MAX} then 'low' "
            f"when {gl} < {GL_HIGH_MIN} then 'medium' else 'high' end")


#: Views that plain SQLite clients can read too (so no Python SQL functions in them).
VIEWS = {
    "food_gl": f"""
select food_id, description, food_group, subgroup, available_carbohydrate_g,
  gi, gi_method, gi_confidence,
  {_gi_class_sql("gi", "gi_method")} as gi_class,
  round(gi * available_carbohydrate_g / 100.0, 2) as gl_per_100g
from foods""",
    "portion_gl": f"""
select p.food_id, f.description as food, f.food_group, f.subgroup,
  p.seq, p.amount, p.description as portion, p.grams,
  round(f.available_carbohydrate_g * p.grams / 100.0, 2) as available_carbohydrate_g,
  f.gi, f.gi_method,
  {_gi_class_sql("f.gi", "f.gi_method")} as gi_class,
  round(f.gi * f.available_carbohydrate_g * p.grams / 10000.0, 2) as gl,
  {_gl_class_sql("f.gi * f.available_carbohydrate_g * p.grams / 10000.0")} as gl_class
from portions p join foods f on f.food_id = p.food_id""",
}


def load_gi(db, data: GiData) -> dict:
    """Create gi_measurements and gi_links, add the assigned GI columns to foods, create views."""
    from .gi import ASSIGNED_COLUMNS, assign

    foods = {row["food_id"]: row for row in db.query(
        "select food_id, description, food_group, available_carbohydrate_g from foods")}
    links, measurements = data.links, data.measurements
    if data.source == "bundled":
        # The bundled links name SR28 foods; a build from another release (SR Legacy
        # dropped about 1,000 SR28 foods) keeps the links whose food it has, and the
        # measurements those links use.
        links = [link for link in links if link.food_id in foods]
        used = {link.entry_no for link in links}
        measurements = [m for m in measurements if m.entry_no in used]
    for link in links:
        if link.food_id not in foods:
            raise DataError(*link.where, f"food_id {link.food_id!r} is not a food in the database")
    db["gi_measurements"].create(
        {"entry_no": int, "food": str, "country": str, "year": str, "tier": str, "gi": float,
         "gi_sem": float, "subjects": int, "reference_food": str, "carb_portion_g": float,
         "test_portion_g": float, "note": str},
        pk="entry_no", not_null={"food", "tier", "gi"},
    )
    db["gi_measurements"].insert_all(m.row() for m in measurements)
    db["gi_links"].create(
        {"entry_no": int, "food_id": str, "match": str, "note": str},
        pk=("entry_no", "food_id"), not_null={"match"},
        foreign_keys=[("entry_no", "gi_measurements", "entry_no"), ("food_id", "foods", "food_id")],
    )
    db["gi_links"].insert_all(link.row() for link in links)
    db["gi_links"].create_index(["food_id"])
    assigned = assign(list(foods.values()), measurements, links)
    for column, kind in ASSIGNED_COLUMNS.items():
        db["foods"].add_column(column, kind)
    columns = list(ASSIGNED_COLUMNS)
    db.conn.executemany(
        f"update foods set {', '.join(f'{c} = ?' for c in columns)} where food_id = ?",
        [(*(assignment[c] for c in columns), food_id) for food_id, assignment in assigned.items()],
    )
    db["foods"].create_index(["gi_method"])
    db["foods"].create_index(["subgroup"])
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip(), replace=True)
    return {"gi_measurements": len(measurements), "gi_links": len(links)}


def build_database(
    db_path,
    usda=None,
    gi_measurements=None,
    gi_links=None,
    progress: Callable[[str, int, int], None] | None = None,
    fndds=None,
) -> BuildReport:
    """Build the database at ``db_path`` from bundled data or official releases.

    ``usda`` is an SR ASCII release directory or zip; ``None`` uses the bundled
    extract in ``data/usda``. ``fndds`` is a directory of the official FNDDS
    workbooks (or of a tidy extract); ``None`` uses the bundled ``data/fndds``.
    Raises GlyloadError on bad input, leaving any existing database at
    ``db_path`` as it was.
    """
    from .sources import fndds as fndds_source
    from .sources.tidy import read_tidy
    from .sources.usda import read_release

    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    if usda is None:
        data = read_tidy(data_dir() / "usda")
        source = "bundled"
    else:
        data = read_release(usda, progress=progress)
        source = str(usda)
    if fndds is None:
        fndds_data = fndds_source.read_tidy(data_dir() / "fndds")
        fndds_from = "bundled"
    else:
        fndds_data = fndds_source.read_directory(fndds)
        fndds_from = str(fndds)
    from .sources.gi_tables import read_gi

    gi_data = read_gi(gi_measurements, gi_links)
    temp = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    if temp.exists():
        temp.unlink()
    try:
        db = sqlite_utils.Database(temp)
        db.conn.execute("PRAGMA journal_mode = OFF")
        db.conn.execute("PRAGMA synchronous = OFF")
        with db.conn:
            notes = []
            counts = load_foods(db, data, fndds_data, SR_SOURCE if usda is None else OTHER_SR_SOURCE, notes)
            counts.update(load_gi(db, gi_data))
            db["glyload_meta"].create({"key": str, "value": str}, pk="key")
            db["glyload_meta"].insert_all([
                {"key": "glyload_version", "value": __version__},
                {"key": "schema_version", "value": SCHEMA_VERSION},
                {"key": "source", "value": source},
                {"key": "gi_source", "value": gi_data.source},
                {"key": "fndds_source", "value": fndds_from},
                {"key": "fingerprint", "value": bundled_fingerprint() if source == "bundled"
                    and gi_data.source == "bundled" and fndds_from == "bundled" else ""},
                {"key": "built_at", "value": datetime.datetime.now(datetime.timezone.utc)
                    .isoformat(timespec="seconds")},
            ])
        db.conn.execute("ANALYZE")
        db.close()
        os.replace(temp, db_path)
    except BaseException:
        if temp.exists():
            temp.unlink()
        raise
    return BuildReport(path=db_path, source=source, counts=counts, notes=notes)

