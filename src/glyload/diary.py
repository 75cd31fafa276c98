"""Score a food diary (CSV: date, meal, and item or food_id,grams) per meal and per day.

Vectorised with pandas: each distinct item text is parsed, matched and weighed
once (diaries repeat themselves), then carbohydrate and GL are computed for all
rows at once and summed per meal and per day. Meal GI is the carbohydrate-
weighted mean (Wolever & Jenkins 1986); the daily class uses the daily GL
thresholds (low < 80, high > 120).
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd

from .dates import date_problem
from .errors import GlyloadError, quoted
from .meal.parse import MAX_GRAMS
from .sources.gi_tables import MATCHES as MEASURED

REQUIRED = ("date", "meal")


def read_diary(path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True,
                            skip_blank_lines=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise GlyloadError(f"{path}: not a UTF-8 CSV file") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise GlyloadError(f"{path}: not a readable CSV file ({str(error).splitlines()[0]})") from None
    frame.columns = [c.strip().lower() for c in frame.columns]
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise GlyloadError(f"{path}:1: missing column(s): {', '.join(missing)}")
    has_item = "item" in frame.columns
    has_ids = {"food_id", "grams"} <= set(frame.columns)
    if not (has_item or has_ids):
        raise GlyloadError(f"{path}:1: needs an item column or food_id and grams columns")
    for column in ("item", "food_id", "grams"):
        if column not in frame.columns:
            frame[column] = ""
    frame["line"] = np.arange(2, len(frame) + 2)
    blank = (frame.drop(columns="line") == "").all(axis=1)
    frame = frame[~blank].reset_index(drop=True)
    frame["date"] = frame["date"].str.strip()
    check_dates(frame, path)
    return frame


def first_line(frame: pd.DataFrame, column: str, value: str) -> int:
    """The file line of the first row whose ``column`` is ``value`` (for an error message).

    Compared in Python: pandas and numpy string comparisons drop trailing NUL
    characters, so ``frame[column] == value`` can miss the row.
    """
    for line, text in zip(frame["line"].tolist(), frame[column].tolist()):
        if text == value:
            return int(line)
    raise LookupError(value)


def check_dates(frame: pd.DataFrame, path, column: str = "date") -> None:
    """Raise ``file:line`` GlyloadError at the first row whose ``column`` is not a real ISO date.

    Each distinct value is checked once (a diary repeats its dates).
    """
    for text in pd.unique(frame[column]):
        problem = date_problem(text)
        if problem:
            line = first_line(frame, column, text)
            raise GlyloadError(f"{path}:{line}: {column} {quoted(text)} is not a real date: {problem}")


def _resolve_items(conn, frame: pd.DataFrame, path, first: bool) -> pd.DataFrame:
    """food_id and grams for text rows, through the meal scorer's entrance
    (:func:`glyload.meal.score.score_line`): each distinct text is scored once, and a
    compound item ("1 bagel with cream cheese") becomes one row per food."""
    from .meal.read import MealLine
    from .meal.score import MealError, score_line

    typed_rows = frame[frame["food_id"] == ""]
    # The first line of each distinct text, in one pass (compared in Python: pandas'
    # string comparison drops trailing NUL characters, see first_line).
    lines: dict[str, int] = {}
    for line, text in zip(typed_rows["line"].tolist(), typed_rows["item"].tolist()):
        lines.setdefault(text, int(line))
    resolved = {}
    for text, line in lines.items():
        if not text.strip():
            raise GlyloadError(f"{path}:{line}: needs an item or a food_id and grams")
        meal_line = MealLine(text, f"{path}:{line}")
        try:
            scored = score_line(conn, meal_line, first=first)
        except GlyloadError as error:
            raise MealError([(meal_line, error)]) from None
        resolved[text] = [(item["food_id"], repr(item["grams"])) for item in scored]
    if not resolved:
        return frame
    mask = frame["food_id"] == ""
    typed = frame[mask].copy()
    typed["_foods"] = typed["item"].map(resolved)
    typed = typed.explode("_foods")
    typed["food_id"] = typed["_foods"].map(lambda f: f[0])
    typed["grams"] = typed["_foods"].map(lambda f: f[1])
    frame = pd.concat([frame[~mask], typed.drop(columns="_foods")]).sort_values("line", kind="stable")
    return frame.reset_index(drop=True)


def _classes(values: pd.Series, low, high) -> np.ndarray:
    """Vectorised class names: ``low`` and ``high`` are boolean tests on ``values``."""
    named = np.select([low(values), high(values)], ["low", "high"], default="medium").astype(object)
    named[values.isna().to_numpy()] = None
    return named


def _summary(table: pd.DataFrame, count: str, daily: bool) -> pd.DataFrame:
    """Final columns of a grouped sum table (per meal or per day)."""
    from .glycemic import DAILY_GL_HIGH_ABOVE, DAILY_GL_LOW_BELOW, GI_HIGH_MIN, GI_LOW_MAX, GL_HIGH_MIN, GL_LOW_MAX

    out = table.reset_index()
    carbs = out["carbs"]
    gi = (out["gi_carbs"] / out["rated_carbs"]).where(out["rated_carbs"] > 0)
    if daily:
        gl_class = _classes(out["gl"], lambda v: v < DAILY_GL_LOW_BELOW, lambda v: v > DAILY_GL_HIGH_ABOVE)
    else:
        gl_class = _classes(out["gl"], lambda v: v <= GL_LOW_MAX, lambda v: v >= GL_HIGH_MIN)
    return pd.DataFrame({
        **{k: out[k] for k in ("date", "meal") if k in out.columns},
        count: out[count].astype(int),
        "grams": out["grams"].round(1),
        "available_carbohydrate_g": carbs.round(2),
        "gl": out["gl"].round(2),
        "gl_class": gl_class,
        "gi": gi.round(1),
        "gi_class": _classes(gi, lambda v: v <= GI_LOW_MAX, lambda v: v >= GI_HIGH_MIN),
        "measured_carb_share": (out["measured"] / carbs).where(carbs > 0).round(3),
    })


def scored_rows(conn: sqlite3.Connection, path, first: bool = False) -> pd.DataFrame:
    """One row per food of a diary CSV: line, date, meal, item (as typed; blank for
    food_id rows), food_id, grams, available carbohydrate (``carbs``), gi, gi_method, gl."""
    frame = read_diary(path)
    if frame.empty:
        raise GlyloadError(f"{path}: the diary has no rows")
    frame["food_id"] = frame["food_id"].str.strip()
    frame = _resolve_items(conn, frame, path, first)
    grams = pd.to_numeric(frame["grams"], errors="coerce")
    bad = grams.isna() | ~np.isfinite(grams) | (grams <= 0) | (grams > MAX_GRAMS)
    if bad.any():
        row = frame[bad].iloc[0]
        raise GlyloadError(f"{path}:{row['line']}: grams {row['grams']!r} must be a number above 0 and at most {MAX_GRAMS}")
    foods = pd.read_sql_query(
        "select food_id, available_carbohydrate_g as carb100, gi, gi_method, gi_measured_share from foods", conn)
    merged = frame[["line", "date", "meal", "item", "food_id"]].assign(grams=grams.to_numpy()).merge(
        foods, on="food_id", how="left", validate="many_to_one", indicator=True)
    unknown = merged["_merge"] == "left_only"
    if unknown.any():
        row = merged[unknown].sort_values("line").iloc[0]
        raise GlyloadError(f"{path}:{row['line']}: no food with id {row['food_id']!r}")
    no_carbs = merged["carb100"].isna()
    if no_carbs.any():
        row = merged[no_carbs].sort_values("line").iloc[0]
        raise GlyloadError(f"{path}:{row['line']}: food {row['food_id']} has no carbohydrate value in USDA's data, "
                           "so its GL cannot be computed")
    merged["carbs"] = merged["carb100"] * merged["grams"] / 100.0
    merged["gl"] = merged["gi"] * merged["carbs"] / 100.0
    # Meal GI leaves out "not applicable" foods, as the meal scorer does.
    rated = merged["gi_method"].ne("not applicable") & merged["gi"].notna()
    merged["rated_carbs"] = merged["carbs"].where(rated, 0.0)
    merged["gi_carbs"] = (merged["gi"] * merged["carbs"]).where(rated, 0.0)
    # a recipe GI counts the share of its carbohydrate from measured ingredients, as the meal scorer does
    share = merged["gi_measured_share"].fillna(0.0).where(~merged["gi_method"].isin(MEASURED), 1.0)
    merged["measured"] = merged["carbs"] * share
    return merged


def score_diary_frames(conn: sqlite3.Connection, path, first: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-meal and per-day tables for a diary CSV."""
    return summaries(scored_rows(conn, path, first))


def summaries(merged: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-meal and per-day tables of :func:`scored_rows`."""
    sums = ["grams", "carbs", "gl", "gi_carbs", "rated_carbs", "measured"]
    grouped = merged.groupby(["date", "meal"], sort=False)
    meals = grouped[sums].sum()
    meals["items"] = grouped.size()
    days = merged.groupby("date", sort=False)[sums].sum()
    days["meals"] = meals.reset_index().groupby("date", sort=False).size()
    return _summary(meals, "items", daily=False), _summary(days, "meals", daily=True)


def records(frame: pd.DataFrame) -> list[dict]:
    """JSON-ready dicts (NaN as None)."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def score_diary(conn: sqlite3.Connection, path, first: bool = False) -> dict:
    """Return {"meals": [...], "days": [...]} for a diary CSV."""
    meals, days = score_diary_frames(conn, path, first)
    return {"meals": records(meals), "days": records(days)}
