"""Reading a meal: the one entrance for the CLI, the Datasette page and the diary.

A meal arrives as typed text (items separated by commas, semicolons or new
lines), as several command-line arguments (each argument is its own items:
``glyload score "1 cup cooked white rice" "1 medium apple"`` is two items),
as a file of such lines, or as a CSV with an ``item`` column or
``food_id,grams`` columns. Every reader yields :class:`MealLine`s that say
where each item came from, so an error can name ``file:line``;
:func:`glyload.meal.score.score_lines` scores them.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass

from ..errors import GlyloadError
from .parse import split_meal


@dataclass(frozen=True)
class MealLine:
    """One typed item, or one ``food_id,grams`` row, and where it came from."""

    text: str
    where: str = ""
    food_id: str | None = None
    grams: float | None = None

    @property
    def key(self):
        """Identical lines score identically: the scorer does each distinct key once."""
        return (self.text, self.food_id, self.grams)


def from_text(text: str, source: str = "") -> list[MealLine]:
    """Items of typed text; with ``source`` ("stdin", a path) each is located ``source:line``."""
    return [MealLine(item, f"{source}:{number}" if source else "")
            for number, line in enumerate(text.splitlines(), 1) for item in split_meal(line)]


def from_arguments(arguments) -> list[MealLine]:
    """Several arguments are several items (each may hold several, split by commas)."""
    arguments = list(arguments)
    lines = []
    for number, argument in enumerate(arguments, 1):
        where = f"argument {number}" if len(arguments) > 1 else ""
        lines.extend(MealLine(item, where) for item in split_meal(argument))
    return lines


def decode(data: bytes, source: str) -> str:
    """UTF-8 text (a byte-order mark is dropped), or a one-line error naming ``source``."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GlyloadError(f"{source}: not UTF-8 text") from None


def from_file(path) -> list[MealLine]:
    """A meal file: one or more items a line, or a CSV with ``item`` or ``food_id``,``grams``."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except IsADirectoryError:
        raise GlyloadError(f"{path}: is a directory") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GlyloadError(f"{path}: not a UTF-8 text file") from None
    first_line = text.splitlines()[0].strip().lower() if text.strip() else ""
    header = [h.strip() for h in first_line.split(",")]
    if "item" in header or {"food_id", "grams"} <= set(header):
        return list(from_csv(text, path))
    return from_text(text, str(path))


def from_csv(text: str, path) -> list[MealLine]:
    reader = csv.DictReader(text.splitlines())
    reader.fieldnames = [f.strip().lower() for f in reader.fieldnames]
    lines = []
    for row in reader:
        where = f"{path}:{reader.line_num}"
        if row.get("item"):
            lines.append(MealLine(row["item"].strip(), where))
        elif row.get("food_id"):
            lines.append(food_id_line(row["food_id"], row.get("grams"), where))
        else:
            raise GlyloadError(f"{where}: needs an item or a food_id and grams")
    return lines


def food_id_line(food_id: str, grams, where: str) -> MealLine:
    """A ``food_id,grams`` row: grams a finite number above 0."""
    try:
        value = float(grams or "")
    except (TypeError, ValueError):
        raise GlyloadError(f"{where}: grams {grams!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise GlyloadError(f"{where}: grams {grams!r} must be a number above 0")
    food_id = food_id.strip()
    return MealLine(f"{food_id}: {value:g} g", where, food_id, value)
