"""USDA FNDDS, the survey foods Americans report eating: the "At A Glance" workbooks and
glyload's tidy extract of them (``data/fndds/*.csv``).

FNDDS (Food and Nutrient Database for Dietary Studies) is the database behind the
NHANES dietary recalls: foods and drinks as eaten, most of them mixed dishes, each
with nutrients per 100 g, household portions and an ingredient list with gram
weights. USDA publishes each release as four workbooks, every sheet with a title
row before its header row:

* ``... - Foods and Beverages.xlsx``: food code, main and additional descriptions,
  WWEIA category (What We Eat In America food category);
* ``... - FNDDS Nutrient Values.xlsx``: nutrients per 100 g;
* ``... - Portions and Weights.xlsx``: household portions ("1 sandwich" 112 g, and the
  "Quantity not specified" weight USDA uses when a person gives no amount);
* ``... - FNDDS Ingredients.xlsx``: each food's ingredients (SR codes of 4-5 digits,
  FNDDS food codes of 8 digits, or FoodData Central codes) with their weights.

:func:`read_workbooks` needs openpyxl (``pip install 'glyload[fndds]'``), imported
only there; :func:`read_tidy` reads the bundled extract with the standard library.
Both return the same :class:`FnddsData`, checked by :func:`check_fndds`; every
problem raises :class:`~glyload.errors.DataError` naming file and line (workbook row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..csvio import parse_number, read_csv, write_csv
from ..errors import DataError, GlyloadError

#: What the bundled extract (``data/fndds``) is an extract of: the ``source`` of its foods.
FNDDS_SOURCE = "FNDDS 2021-2023"

def is_fndds(source: str | None) -> bool:
    """Whether a food's ``source`` is an FNDDS release ("FNDDS 2021-2023")."""
    return bool(source) and source.startswith("FNDDS ")


#: FNDDS portions that are USDA's default weights rather than household measures.
DEFAULT_WEIGHTS = re.compile(r"(quantity not specified|guideline amount)", re.IGNORECASE)


#: glyload column -> FNDDS "Nutrient Values" heading (per 100 g; whitespace normalised).
NUTRIENTS = {
    "carbohydrate_g": "Carbohydrate (g)",  # by difference: includes fiber, as SR's 205
    "fiber_g": "Fiber, total dietary (g)",
    "sugars_g": "Sugars, total (g)",
    "energy_kcal": "Energy (kcal)",
    "protein_g": "Protein (g)",
    "fat_g": "Total Fat (g)",
    "water_g": "Water (g)",
}
NUTRIENT_COLUMNS = tuple(NUTRIENTS)

#: Columns of the tidy extract, in file order.
FOOD_COLUMNS = ("food_id", "description", "additional_descriptions", "wweia_category",
                "wweia_description", *NUTRIENT_COLUMNS)
PORTION_COLUMNS = ("food_id", "seq", "description", "grams")
INGREDIENT_COLUMNS = ("food_id", "seq", "ingredient_code", "description", "grams", "retention_code",
                      "moisture_change_pct")
FILES = {"foods": "foods.csv", "portions": "portions.csv", "ingredients": "ingredients.csv"}

#: Workbook (file name ends with) -> {workbook heading: glyload field}.
WORKBOOKS = {
    "foods": ("Foods and Beverages.xlsx", {
        "Food code": "food_id", "Main food description": "description",
        "Additional food description": "additional_descriptions",
        "WWEIA Category number": "wweia_category", "WWEIA Category description": "wweia_description",
    }),
    "nutrients": ("FNDDS Nutrient Values.xlsx", {
        "Food code": "food_id", **{heading: column for column, heading in NUTRIENTS.items()},
    }),
    "portions": ("Portions and Weights.xlsx", {
        "Food code": "food_id", "Seq num": "seq", "Portion description": "description",
        "Portion weight (g)": "grams",
    }),
    "ingredients": ("FNDDS Ingredients.xlsx", {
        "Food code": "food_id", "Seq num": "seq", "Ingredient code": "ingredient_code",
        "Ingredient description": "description", "Ingredient weight (g)": "grams",
        "Retention code": "retention_code", "Moisture change (%)": "moisture_change_pct",
    }),
}
#: The title row of every sheet names the release: "2021-2023 Food and Nutrient Database ...".
TITLE_RELEASE = re.compile(r"\b(\d{4}-\d{4}) Food and Nutrient Database for Dietary Studies\b")

FOOD_CODE = re.compile(r"[1-9][0-9]{7}")


@dataclass
class FnddsFood:
    where: tuple
    food_id: str
    description: str
    additional_descriptions: str | None
    wweia_category: int
    wweia_description: str
    nutrients: dict = field(default_factory=dict)

    def row(self) -> dict:
        row = {c: getattr(self, c) for c in FOOD_COLUMNS if c not in NUTRIENT_COLUMNS}
        return {**row, **{c: self.nutrients.get(c) for c in NUTRIENT_COLUMNS}}


@dataclass
class FnddsPortion:
    """A portion as published: ``description`` keeps its amount ("1 sandwich")."""

    where: tuple
    food_id: str
    seq: int
    description: str
    grams: float

    def row(self) -> dict:
        return {c: getattr(self, c) for c in PORTION_COLUMNS}


@dataclass
class Ingredient:
    where: tuple
    food_id: str
    seq: int
    ingredient_code: str
    description: str
    grams: float
    retention_code: int | None
    moisture_change_pct: float | None

    def row(self) -> dict:
        return {c: getattr(self, c) for c in INGREDIENT_COLUMNS}


@dataclass
class FnddsData:
    foods: list
    portions: list
    ingredients: list
    source: str = FNDDS_SOURCE


LEADING_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)(?: (\d+)/(\d+)|/(\d+))? +(\S.*)")


def split_amount(description: str) -> tuple[float, str]:
    """A published portion as (amount, measure): "1 sandwich" -> (1, "sandwich"),
    "1/2 cup" -> (0.5, "cup"), "10 chips" -> (10, "chips").

    A portion with no leading amount followed by a space names one unit as it
    stands: "Quantity not specified", "Guideline amount per cup of hot cereal",
    "1-3 ring thin pretzel" (a pretzel shape, not a range) and '1" wedge' are
    amount 1 with the description unchanged.
    """
    found = LEADING_AMOUNT.fullmatch(description)
    if not found:
        return 1.0, description
    whole, numerator, denominator, under, rest = found.groups()
    amount = float(whole)
    if numerator and int(denominator):
        amount += int(numerator) / int(denominator)
    elif under:
        if not int(under):
            return 1.0, description
        amount /= int(under)
    if amount <= 0:
        return 1.0, description
    return amount, rest


def ingredient_reference(code: str) -> tuple[str, str] | None:
    """Which table an ingredient code can name: ("SR", 5-digit NDB number) for codes of
    up to 5 digits (SR codes lose their leading zero in the workbook: 1077 is 01077),
    ("FNDDS", code) for an 8-digit food code; None for other codes (FoodData Central
    ids such as 100295 or 907971), which resolve to no glyload food."""
    if code.isdigit() and len(code) <= 5:
        return "SR", code.zfill(5)
    if FOOD_CODE.fullmatch(code):
        return "FNDDS", code
    return None


def check_fndds(data: FnddsData) -> None:
    """Keys unique, codes well formed, portions and ingredients of known foods; else DataError.

    A portion of 0 g is kept (USDA publishes one: "Quantity not specified" of human
    milk); the build leaves such portions out and says so."""
    foods = {}
    for food in data.foods:
        if not FOOD_CODE.fullmatch(food.food_id):
            raise DataError(*food.where, f"food code {food.food_id!r} is not 8 digits")
        if food.food_id in foods:
            raise DataError(*food.where, f"duplicate food code {food.food_id}")
        if not food.description:
            raise DataError(*food.where, f"food {food.food_id} has no description")
        if not food.wweia_description:
            raise DataError(*food.where, f"food {food.food_id} has no WWEIA category description")
        for column, value in food.nutrients.items():
            if value is not None and value < 0:
                raise DataError(*food.where, f"food {food.food_id}: {column} is negative ({value:g})")
        foods[food.food_id] = food
    for kind, rows in (("portion", data.portions), ("ingredient", data.ingredients)):
        seen = set()
        for row in rows:
            if row.food_id not in foods:
                raise DataError(*row.where, f"{kind} of unknown food {row.food_id!r}")
            key = (row.food_id, row.seq)
            if key in seen:
                raise DataError(*row.where, f"duplicate {kind} {row.seq} of food {row.food_id}")
            seen.add(key)
            if row.grams is None or row.grams < 0 or (kind == "ingredient" and row.grams == 0):
                least = "more than 0 g" if kind == "ingredient" else "0 g or more"
                raise DataError(*row.where, f"{kind} {row.description!r} of food {row.food_id} must weigh {least}")
    for ingredient in data.ingredients:
        if not ingredient.ingredient_code.isdigit():
            raise DataError(*ingredient.where, f"ingredient code {ingredient.ingredient_code!r} is not a number")


# --- the tidy extract --------------------------------------------------------------------------------


def read_tidy(directory) -> FnddsData:
    """Read ``foods.csv``, ``portions.csv`` and ``ingredients.csv`` from ``directory``."""
    directory = Path(directory)

    def number(row, column, where, kind=float, required=False):
        return parse_number(row[column], where, column, kind, required)

    foods = [FnddsFood(
        where=where, food_id=row["food_id"], description=row["description"],
        additional_descriptions=row["additional_descriptions"] or None,
        wweia_category=number(row, "wweia_category", where, int, required=True),
        wweia_description=row["wweia_description"],
        nutrients={c: number(row, c, where) for c in NUTRIENT_COLUMNS},
    ) for where, row in read_csv(directory / FILES["foods"], FOOD_COLUMNS)]
    portions = [FnddsPortion(
        where=where, food_id=row["food_id"], seq=number(row, "seq", where, int, required=True),
        description=row["description"], grams=number(row, "grams", where, required=True),
    ) for where, row in read_csv(directory / FILES["portions"], PORTION_COLUMNS)]
    ingredients = [Ingredient(
        where=where, food_id=row["food_id"], seq=number(row, "seq", where, int, required=True),
        ingredient_code=row["ingredient_code"], description=row["description"],
        grams=number(row, "grams", where, required=True),
        retention_code=number(row, "retention_code", where, int),
        moisture_change_pct=number(row, "moisture_change_pct", where),
    ) for where, row in read_csv(directory / FILES["ingredients"], INGREDIENT_COLUMNS)]
    data = FnddsData(foods=foods, portions=portions, ingredients=ingredients)
    check_fndds(data)
    return data


def write_tidy(data: FnddsData, directory) -> dict:
    """Write the extract (UTF-8, LF, numbers in their shortest exact form); returns rows per file."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tables = {
        "foods": (FOOD_COLUMNS, data.foods),
        "portions": (PORTION_COLUMNS, data.portions),
        "ingredients": (INGREDIENT_COLUMNS, data.ingredients),
    }
    counts = {}
    for key, (columns, records) in tables.items():
        write_csv(directory / FILES[key], columns, (record.row() for record in records))
        counts[FILES[key]] = len(records)
    return counts


# --- the official workbooks --------------------------------------------------------------------------


def read_directory(directory) -> FnddsData:
    """FNDDS from ``directory``: the four official workbooks, or a tidy extract (``foods.csv``)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise DataError(directory, None, "not a directory of FNDDS workbooks or of a tidy FNDDS extract")
    if (directory / FILES["foods"]).exists():
        return read_tidy(directory)
    return read_workbooks(directory)


def workbook_paths(directory) -> dict:
    """{kind: path} of the four workbooks in ``directory`` (names end as USDA names them)."""
    directory = Path(directory)
    found = {}
    for kind, (ending, _) in WORKBOOKS.items():
        matches = sorted(p for p in directory.glob(f"*{ending}") if not p.name.startswith("~$"))
        if not matches:
            raise DataError(directory, None, f"no FNDDS workbook '*{ending}' in this directory")
        if len(matches) > 1:
            raise DataError(directory, None, f"several FNDDS workbooks '*{ending}': "
                            + ", ".join(p.name for p in matches))
        found[kind] = matches[0]
    return found


def _sheet_rows(path: Path, headings: dict):
    """(release, rows): the release named by the title row and ``((file, row), {field: value})``
    for every data row; the header (row 2) must hold every heading in ``headings``."""
    try:
        import openpyxl
    except ImportError:
        raise GlyloadError("reading the FNDDS workbooks needs openpyxl: pip install 'glyload[fndds]'") from None
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise DataError(path, None, f"not a readable .xlsx workbook ({type(error).__name__})") from None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        title = next(rows, None)
        release = TITLE_RELEASE.search(str(title[0] if title else "") or "")
        if release is None:
            raise DataError(path, 1, "expected the FNDDS title row "
                            "('YYYY-YYYY Food and Nutrient Database for Dietary Studies ...')")
        header = [" ".join(str(h).split()) if h is not None else "" for h in next(rows, ())]
        missing = [h for h in headings if h not in header]
        if missing:
            raise DataError(path, 2, f"missing column(s): {', '.join(missing)}")
        index = {field: header.index(heading) for heading, field in headings.items()}
        out = []
        for number, values in enumerate(rows, 3):
            if values is None or all(v is None or v == "" for v in values):
                continue
            out.append(((str(path), number), {field: values[i] if i < len(values) else None
                                              for field, i in index.items()}))
        return release.group(1), out
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _cell_number(value, where, column, kind=float, required=False):
    if isinstance(value, bool):
        raise DataError(*where, f"column {column}: {value!r} is not a number")
    if isinstance(value, (int, float)):
        if kind is int:
            if float(value) != int(value):
                raise DataError(*where, f"column {column}: {value!r} is not an integer")
            return int(value)
        return parse_number(repr(float(value)), where, column, kind)
    return parse_number(_cell_text(value), where, column, kind, required)


def read_workbooks(directory) -> FnddsData:
    """Read the four official "At A Glance" workbooks in ``directory`` (needs openpyxl)."""
    paths = workbook_paths(directory)
    sheets, releases = {}, set()
    for kind, path in paths.items():
        release, sheets[kind] = _sheet_rows(path, WORKBOOKS[kind][1])
        releases.add(release)
    if len(releases) > 1:
        raise DataError(directory, None, f"the workbooks are of different releases: {', '.join(sorted(releases))}")
    foods = []
    for where, row in sheets["foods"]:
        foods.append(FnddsFood(
            where=where, food_id=_cell_text(row["food_id"]), description=_cell_text(row["description"]),
            additional_descriptions=_cell_text(row["additional_descriptions"]) or None,
            wweia_category=_cell_number(row["wweia_category"], where, "WWEIA Category number", int, True),
            wweia_description=_cell_text(row["wweia_description"]),
        ))
    by_id = {food.food_id: food for food in foods}
    for where, row in sheets["nutrients"]:
        food = by_id.get(_cell_text(row["food_id"]))
        if food is None:
            raise DataError(*where, f"nutrient values of unknown food {_cell_text(row['food_id'])!r}")
        if food.nutrients:
            raise DataError(*where, f"duplicate nutrient values of food {food.food_id}")
        food.nutrients = {c: _cell_number(row[c], where, NUTRIENTS[c]) for c in NUTRIENT_COLUMNS}
    portions = [FnddsPortion(
        where=where, food_id=_cell_text(row["food_id"]),
        seq=_cell_number(row["seq"], where, "Seq num", int, True),
        description=_cell_text(row["description"]),
        grams=_cell_number(row["grams"], where, "Portion weight (g)", required=True),
    ) for where, row in sheets["portions"]]
    ingredients = [Ingredient(
        where=where, food_id=_cell_text(row["food_id"]),
        seq=_cell_number(row["seq"], where, "Seq num", int, True),
        ingredient_code=_cell_text(row["ingredient_code"]),
        description=_cell_text(row["description"]),
        grams=_cell_number(row["grams"], where, "Ingredient weight (g)", required=True),
        retention_code=_cell_number(row["retention_code"], where, "Retention code", int),
        moisture_change_pct=_cell_number(row["moisture_change_pct"], where, "Moisture change (%)"),
    ) for where, row in sheets["ingredients"]]
    data = FnddsData(foods=foods, portions=portions, ingredients=ingredients,
                     source=f"FNDDS {releases.pop()}")
    check_fndds(data)
    return data
