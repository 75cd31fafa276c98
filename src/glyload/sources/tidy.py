"""The bundled tidy extract of USDA SR (``data/usda/*.csv``): write and read.

The extract holds exactly what glyload uses from the official release, as
UTF-8 CSV with a header row, one file per table, numbers as USDA printed them.
``scripts/extract_usda.py`` writes it; ``glyload build`` reads it back into the
same :class:`~glyload.sources.records.UsdaData` the release reader yields.
"""

from __future__ import annotations

from pathlib import Path

from ..csvio import parse_number, read_csv, write_csv
from .records import (
    FOOD_COLUMNS,
    FOOD_GROUP_COLUMNS,
    NUTRIENT_COLUMNS,
    PORTION_COLUMNS,
    Food,
    FoodGroup,
    Portion,
    UsdaData,
    check_release,
)

FILES = {
    "food_groups": ("food_groups.csv", FOOD_GROUP_COLUMNS),
    "foods": ("foods.csv", FOOD_COLUMNS),
    "portions": ("portions.csv", PORTION_COLUMNS),
}


def number(row: dict, column: str, where) -> float | None:
    return parse_number(row[column], where, column)


def read_tidy(directory) -> UsdaData:
    """Read ``food_groups.csv``, ``foods.csv`` and ``portions.csv`` from ``directory``."""
    directory = Path(directory)
    groups = [
        FoodGroup(where=where, food_group_id=row["food_group_id"], name=row["name"])
        for where, row in read_csv(directory / "food_groups.csv", FOOD_GROUP_COLUMNS)
    ]
    foods = []
    for where, row in read_csv(directory / "foods.csv", FOOD_COLUMNS):
        foods.append(Food(
            where=where,
            food_id=row["food_id"],
            food_group_id=row["food_group_id"],
            description=row["description"],
            short_description=row["short_description"] or None,
            common_names=row["common_names"] or None,
            manufacturer=row["manufacturer"] or None,
            survey=row["survey"] or None,
            scientific_name=row["scientific_name"] or None,
            refuse_pct=number(row, "refuse_pct", where),
            nutrients={c: number(row, c, where) for c in NUTRIENT_COLUMNS},
        ))
    portions = []
    for where, row in read_csv(directory / "portions.csv", PORTION_COLUMNS):
        seq = number(row, "seq", where)
        portions.append(Portion(
            where=where,
            food_id=row["food_id"],
            seq=int(seq) if seq is not None else 0,
            amount=number(row, "amount", where),
            description=row["description"],
            grams=number(row, "grams", where),
        ))
    data = UsdaData(food_groups=groups, foods=foods, portions=portions, source=str(directory))
    check_release(data)
    return data


def write_tidy(data: UsdaData, directory) -> dict:
    """Write the extract; returns row counts per file."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tables = {
        "food_groups": [{"food_group_id": g.food_group_id, "name": g.name} for g in data.food_groups],
        "foods": [f.row() for f in data.foods],
        "portions": [p.row() for p in data.portions],
    }
    counts = {}
    for key, rows in tables.items():
        name, columns = FILES[key]
        write_csv(directory / name, columns, rows)
        counts[name] = len(rows)
    return counts
