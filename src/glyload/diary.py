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

from .errors import GlyloadError

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
    return frame[~blank].reset_index(drop=True)


def _resolve_items(conn, frame: pd.DataFrame, path, first: bool) -> pd.DataFrame:
    """food_id and grams for text rows: each distinct text scored once."""
    from .meal.parse import parse_item
    from .meal.score import score_item

    texts = frame.loc[frame["food_id"] == "", "item"]
    resolved = {}
    for text in pd.unique(texts):
        if not text.strip():
            line = int(frame.loc[(frame["item"] == text) & (frame["food_id"] == ""), "line"].iloc[0])
            raise GlyloadError(f"{path}:{line}: needs an item or a food_id and grams")
        try:
            scored = score_item(conn, parse_item(text), first=first)
        except GlyloadError as error:
            line = int(frame.loc[frame["item"] == text, "line"].iloc[0])
            raise GlyloadError(f"{path}:{line}: {error}") from None
        resolved[text] = (scored["food_id"], scored["grams"])
    mask = frame["food_id"] == ""
    frame.loc[mask, "food_id"] = frame.loc[mask, "item"].map(lambda t: resolved[t][0])
    frame.loc[mask, "grams"] = frame.loc[mask, "item"].map(lambda t: repr(resolved[t][1]))
    return frame


def score_diary(conn: sqlite3.Connection, path, first: bool = False) -> dict:
    """Return {"meals": [...], "days": [...]} for a diary CSV."""
    from .glycemic import daily_gl_class, gi_class, gl_class

    frame = read_diary(path)
    if frame.empty:
        raise GlyloadError(f"{path}: the diary has no rows")
    frame["food_id"] = frame["food_id"].str.strip()
    frame = _resolve_items(conn, frame, path, first)
    grams = pd.to_numeric(frame["grams"], errors="coerce")
    bad = grams.isna() | ~np.isfinite(grams) | (grams <= 0) | (grams > 25_000)
    if bad.any():
        row = frame[bad].iloc[0]
        raise GlyloadError(f"{path}:{row['line']}: grams {row['grams']!r} must be a number above 0 and at most 25000")
    foods = pd.read_sql_query(
        "select food_id, available_carbohydrate_g as carb100, gi, gi_method from foods", conn)
    merged = frame[["line", "date", "meal", "food_id"]].assign(grams=grams.to_numpy()).merge(
        foods, on="food_id", how="left", validate="many_to_one")
    unknown = merged["carb100"].isna()
    if unknown.any():
        row = merged[unknown].sort_values("line").iloc[0]
        raise GlyloadError(f"{path}:{row['line']}: no food with id {row['food_id']!r}")
    merged["carbs"] = merged["carb100"] * merged["grams"] / 100.0
    merged["gl"] = merged["gi"] * merged["carbs"] / 100.0
    merged["gi_carbs"] = merged["gi"] * merged["carbs"]
    merged["measured"] = merged["carbs"].where(merged["gi_method"].isin(["direct", "related"]), 0.0)
    sums = ["grams", "carbs", "gl", "gi_carbs", "measured"]
    meals = merged.groupby(["date", "meal"], sort=False)[sums].sum()
    meals["items"] = merged.groupby(["date", "meal"], sort=False).size()
    days = merged.groupby("date", sort=False)[sums].sum()
    days["meals"] = meals.reset_index().groupby("date", sort=False).size()

    def records(table: pd.DataFrame, count: str, classify) -> list[dict]:
        """Vectorised: one dict per row of a grouped sum table."""
        out = table.reset_index()
        carbs = out["carbs"]
        gi = (out["gi_carbs"] / carbs).where(carbs > 0)
        gl_values = out["gl"].to_numpy()
        result = pd.DataFrame({
            **{k: out[k] for k in out.columns if k in ("date", "meal")},
            count: out[count].astype(int),
            "grams": out["grams"].round(1),
            "available_carbohydrate_g": carbs.round(2),
            "gl": out["gl"].round(2),
            "gl_class": [classify(float(v)) for v in gl_values],
            "gi": gi.round(1),
            "gi_class": [None if v != v else gi_class(float(v)) for v in gi.to_numpy()],
            "measured_carb_share": (out["measured"] / carbs).where(carbs > 0).round(3),
        })
        result = result.astype(object).where(result.notna(), None)
        return result.to_dict("records")

    return {"meals": records(meals, "items", gl_class), "days": records(days, "meals", daily_gl_class)}
