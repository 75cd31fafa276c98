"""A food diary with meal times, for lining meals up with glucose readings.

The layout of ``glyload diary`` plus a ``time`` column: ``date``, ``time``,
``meal``, and ``item`` (typed text) or ``food_id`` and ``grams``. One meal is
the rows sharing date, time and meal name, in file order. Dates must be real
ISO dates (``YYYY-MM-DD``) and times ISO 24-hour times (``HH:MM`` or
``HH:MM:SS``); anything else is a ``file:line`` error. This module holds the
timed diary's date and time validation (:func:`check_date`, :func:`check_time`, on the one
rule of :mod:`glyload.dates`).

Each meal is scored through the meal scorer's entrance: its rows become
``glyload.meal.read.MealLine``s (``food_id_line`` checks grams), each distinct line
is scored once by ``glyload.meal.score.score_line`` and each meal's totals come
from ``glyload.meal.score.result``, as for ``glyload score`` and ``glyload diary``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime, time

from .dates import date_problem, time_problem
from .errors import DataError, GlyloadError

COLUMNS = ("date", "time", "meal", "item", "food_id", "grams")


def check_date(text: str, where) -> date:
    """A real ISO date (:func:`glyload.dates.date_problem`), or a located error."""
    problem = date_problem(text)
    if problem:
        raise DataError(*where, f"date {text!r} is not a real date: {problem}")
    return date.fromisoformat(text)


def check_time(text: str, where) -> time:
    """A real ISO 24-hour time (:func:`glyload.dates.time_problem`), or a located error."""
    problem = time_problem(text)
    if problem:
        raise DataError(*where, f"time {text!r} is not a real time: {problem}")
    return time.fromisoformat(text)


@dataclass
class TimedMeal:
    date: str
    time: str
    meal: str
    local: datetime
    line: int
    items: list = field(default_factory=list)  # glyload.meal.read.MealLine, located file:line


def read_timed_diary(path) -> tuple[list[TimedMeal], list[str]]:
    """The diary's meals in file order, and notes (columns it ignored)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except UnicodeDecodeError:
        raise DataError(path, None, "not UTF-8 text") from None
    if not rows:
        raise DataError(path, None, "empty file, expected a header row")
    header = [c.strip().lower() for c in rows[0]]
    missing = [c for c in ("date", "time", "meal") if c not in header]
    if missing:
        hint = " (a diary without times is read by 'glyload diary')" if missing == ["time"] else ""
        raise DataError(path, 1, f"missing column(s): {', '.join(missing)}{hint}")
    if "item" not in header and not {"food_id", "grams"} <= set(header):
        raise DataError(path, 1, "needs an item column or food_id and grams columns")
    from .meal.read import MealLine, food_id_line

    notes = [f"column {c!r} is not used" for c in header if c and c not in COLUMNS]
    at = {c: header.index(c) for c in COLUMNS if c in header}
    meals: dict = {}
    for line, row in enumerate(rows[1:], 2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise DataError(path, line, f"expected {len(header)} fields, found {len(row)}")
        get = {c: row[i].strip() for c, i in at.items()}
        where = (str(path), line)
        day, clock = check_date(get["date"], where), check_time(get["time"], where)
        if not get["meal"]:
            raise DataError(*where, "meal is empty (breakfast, lunch, snack ...)")
        key = (get["date"], get["time"], get["meal"])
        meal = meals.get(key)
        if meal is None:
            meal = meals[key] = TimedMeal(*key, datetime.combine(day, clock), line)
        if get.get("food_id"):
            meal.items.append(food_id_line(get["food_id"], get.get("grams"), f"{path}:{line}"))
        elif get.get("item"):
            meal.items.append(MealLine(get["item"], f"{path}:{line}"))
        else:
            raise DataError(*where, "needs an item or a food_id and grams")
    if not meals:
        raise DataError(path, None, "the diary has no rows")
    return list(meals.values()), notes


def score_meals(conn, meals: list[TimedMeal], first: bool = False) -> list[dict]:
    """Each meal's scored items and totals, through the meal scorer; each distinct line once."""
    from .meal.score import MealError, result, score_line

    done: dict = {}
    scored = []
    for meal in meals:
        items = []
        for line in meal.items:
            if line.key not in done:
                try:
                    done[line.key] = score_line(conn, line, first=first)
                except GlyloadError as error:
                    raise MealError([(line, error)]) from None
            items.extend(done[line.key])
        scored.append(result(items))
    return scored
