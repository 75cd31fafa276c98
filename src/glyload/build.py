"""Build the glyload SQLite database: schema, loading, indexes, full-text search.

The build writes a temporary file beside the target and renames it into place
only when everything succeeded, so a failed build leaves the previous database
untouched and re-running is always safe.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import sqlite_utils

from . import __version__, atomic
from .check import ROW_COUNTS_KEY
from .glycemic import available_carbohydrate
from .paths import data_dir
from .fingerprint import SCHEMA_VERSION, bundled_fingerprint
from .sources.records import UsdaData


FOOD_COLUMNS = {
    "food_id": str,
    "description": str,
    "food_group_id": str,
    "food_group": str,
    "common_names": str,
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


@dataclass
class BuildReport:
    path: Path
    source: str
    counts: dict = field(default_factory=dict)


def food_rows(data: UsdaData):
    """Yield one clean dict per food, ready for ``insert_all``."""
    groups = {g.food_group_id: g.name for g in data.food_groups}
    for food in data.foods:
        row = food.row()
        row["food_group"] = groups[food.food_group_id]
        row["available_carbohydrate_g"] = available_carbohydrate(
            row["carbohydrate_g"], row["fiber_g"]
        )
        yield {column: row.get(column) for column in FOOD_COLUMNS}


def load_usda(db: sqlite_utils.Database, data: UsdaData) -> dict:
    db["food_groups"].create(
        {"food_group_id": str, "name": str}, pk="food_group_id", not_null={"name"}
    )
    db["food_groups"].insert_all(
        {"food_group_id": g.food_group_id, "name": g.name} for g in data.food_groups
    )
    db["foods"].create(
        FOOD_COLUMNS,
        pk="food_id",
        not_null={"description", "food_group_id", "food_group"},
        foreign_keys=[("food_group_id", "food_groups", "food_group_id")],
    )
    db["foods"].insert_all(food_rows(data), batch_size=2000)
    db["portions"].create(
        {"food_id": str, "seq": int, "amount": float, "description": str, "grams": float},
        pk=("food_id", "seq"),
        not_null={"amount", "description", "grams"},
        foreign_keys=[("food_id", "foods", "food_id")],
    )
    db["portions"].insert_all((p.row() for p in data.portions), batch_size=5000)
    db["foods"].create_index(["food_group_id"])
    db["foods"].create_index(["available_carbohydrate_g"])
    db["portions"].create_index(["food_id"])
    db["foods"].enable_fts(
        ["description", "common_names"], fts_version="FTS5", tokenize="porter", create_triggers=False
    )
    return {
        "food_groups": db["food_groups"].count,
        "foods": db["foods"].count,
        "portions": db["portions"].count,
    }


def build_database(
    db_path,
    usda=None,
    gi_measurements=None,
    gi_links=None,
    progress: Callable[[str, int, int], None] | None = None,
    echo: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build the database at ``db_path`` from bundled data or an official release.

    ``usda`` is an SR ASCII release directory or zip; ``None`` uses the bundled
    extract in ``data/usda``. Raises GlyloadError on bad input, leaving any
    existing database at ``db_path`` as it was. The write phase is
    :func:`glyload.atomic.replacing`'s: one build of a database at a time
    (``echo`` hears when this one waits), stale temporary files removed, the
    new file quick-checked before it is renamed into place.
    """
    from .sources.tidy import read_tidy
    from .sources.usda import read_release

    db_path = Path(db_path)
    atomic.prepare(db_path)
    if usda is None:
        data = read_tidy(data_dir() / "usda")
        source = "bundled"
    else:
        data = read_release(usda, progress=progress)
        source = str(usda)
    from . import gi as gi_module

    gi_data = gi_module.read_gi(gi_measurements, gi_links)
    with atomic.replacing(db_path, echo=echo) as temp:
        db = sqlite_utils.Database(temp)
        db.conn.execute("PRAGMA journal_mode = OFF")
        db.conn.execute("PRAGMA synchronous = OFF")
        with db.conn:
            counts = load_usda(db, data)
            counts.update(gi_module.load_gi(db, gi_data))
            db["glyload_meta"].create({"key": str, "value": str}, pk="key")
            db["glyload_meta"].insert_all([
                {"key": "glyload_version", "value": __version__},
                {"key": "schema_version", "value": SCHEMA_VERSION},
                {"key": "source", "value": source},
                {"key": "gi_source", "value": gi_data.source},
                {"key": "fingerprint", "value": bundled_fingerprint() if source == "bundled"
                    and gi_data.source == "bundled" else ""},
                {"key": "built_at", "value": datetime.datetime.now(datetime.timezone.utc)
                    .isoformat(timespec="seconds")},
                {"key": ROW_COUNTS_KEY, "value": json.dumps(counts)},
            ])
        db.conn.execute("ANALYZE")
        db.close()
    return BuildReport(path=db_path, source=source, counts=counts)

