"""The clean records every USDA source yields, and the checks they must pass.

Both the official release reader (:mod:`glyload.sources.usda`) and the bundled
tidy extract (:mod:`glyload.sources.tidy`) produce :class:`UsdaData`, so a build
from either gives the same tables. Each record keeps ``where`` (file, line) so
a failed check names the offending line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import DataError

#: The ``source`` of the bundled SR foods (data/usda is an extract of SR28). A build from
#: another SR release (``glyload build --usda``) labels its foods :data:`OTHER_SR_SOURCE`:
#: the release files do not name their release.
SR_SOURCE = "SR28"
OTHER_SR_SOURCE = "USDA SR"

#: USDA nutrient number -> glyload column (per 100 g edible portion).
NUTRIENTS = {
    "205": "carbohydrate_g",  # carbohydrate, by difference (includes fiber)
    "291": "fiber_g",  # total dietary fiber
    "269": "sugars_g",  # total sugars
    "209": "starch_g",
    "208": "energy_kcal",
    "203": "protein_g",
    "204": "fat_g",
    "255": "water_g",
}
NUTRIENT_COLUMNS = tuple(NUTRIENTS.values())

#: Columns of the tidy extract, in file order.
FOOD_GROUP_COLUMNS = ("food_group_id", "name")
FOOD_COLUMNS = (
    "food_id", "food_group_id", "description", "short_description", "common_names",
    "manufacturer", "survey", "scientific_name", "refuse_pct", *NUTRIENT_COLUMNS,
)
PORTION_COLUMNS = ("food_id", "seq", "amount", "description", "grams")


@dataclass
class FoodGroup:
    where: tuple
    food_group_id: str
    name: str


@dataclass
class Food:
    where: tuple
    food_id: str
    food_group_id: str
    description: str
    short_description: str | None = None
    common_names: str | None = None
    manufacturer: str | None = None
    survey: str | None = None
    scientific_name: str | None = None
    refuse_pct: float | None = None
    nutrients: dict = field(default_factory=dict)

    def row(self) -> dict:
        row = {c: getattr(self, c) for c in FOOD_COLUMNS if c not in NUTRIENT_COLUMNS}
        for column in NUTRIENT_COLUMNS:
            row[column] = self.nutrients.get(column)
        return row


@dataclass
class Portion:
    where: tuple
    food_id: str
    seq: int
    amount: float | None
    description: str
    grams: float | None

    def row(self) -> dict:
        return {c: getattr(self, c) for c in PORTION_COLUMNS}


@dataclass
class UsdaData:
    food_groups: list
    foods: list
    portions: list
    source: str = ""


def check_release(data: UsdaData) -> None:
    """Keys unique, references resolve, portions weigh something; else DataError."""
    groups = {}
    for group in data.food_groups:
        if not group.food_group_id:
            raise DataError(*group.where, "empty food group code")
        if group.food_group_id in groups:
            raise DataError(*group.where, f"duplicate food group {group.food_group_id!r}")
        groups[group.food_group_id] = group
    foods = {}
    for food in data.foods:
        if not food.food_id:
            raise DataError(*food.where, "empty food id")
        if food.food_id in foods:
            raise DataError(*food.where, f"duplicate food id {food.food_id!r}")
        if food.food_group_id not in groups:
            raise DataError(*food.where, f"food {food.food_id} has unknown food group {food.food_group_id!r}")
        if not food.description:
            raise DataError(*food.where, f"food {food.food_id} has no description")
        for column, value in food.nutrients.items():
            if value is not None and value < 0:
                raise DataError(*food.where, f"food {food.food_id}: {column} is negative ({value:g})")
        foods[food.food_id] = food
    seen = set()
    for portion in data.portions:
        if portion.food_id not in foods:
            raise DataError(*portion.where, f"portion for unknown food {portion.food_id!r}")
        key = (portion.food_id, portion.seq)
        if key in seen:
            raise DataError(*portion.where, f"duplicate portion {portion.seq} for food {portion.food_id}")
        seen.add(key)
        if portion.grams is None or portion.grams <= 0:
            raise DataError(*portion.where,
                            f"portion {portion.description!r} of food {portion.food_id} must weigh more than 0 g")
        if portion.amount is not None and portion.amount < 0:
            raise DataError(*portion.where,
                            f"portion {portion.description!r} of food {portion.food_id} has a negative amount")
        if not portion.amount:
            # SR Legacy prints Amount 0 for 18 measures such as "container (4 oz)":
            # the measure names one unit, so glyload reads it as amount 1 (data/README.md).
            portion.amount = 1.0
