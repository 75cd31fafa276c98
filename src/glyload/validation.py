"""``glyload validate``: how well each GI step predicts measured foods (from the build's ``gi_validation``).

At build time (:func:`glyload.gi.leave_one_out`) every directly measured food is
predicted by each lower step with its own entries left out. This module
summarises those rows: n, mean absolute error, mean bias (predicted -
measured), Pearson r and Bland-Altman 95% limits of agreement (bias +/- 1.96
SD of the differences), per method and per method and food group. The
recipe step (method ``recipe``) is validated the same way where the database
holds ingredient lists. Figures are reported as measured, beside the published
ones.
"""

from __future__ import annotations

import math
import sqlite3

from .database import dict_rows

#: Published validations of the ingredient-weighted (recipe) GI, for comparison.
PUBLISHED = (
    {"study": "Wolever & Jenkins 1986, Am J Clin Nutr 43:167-72", "what": "predicted vs observed GI of mixed meals",
     "figure": "r = 0.987"},
    {"study": "Flint et al. 2004, Br J Nutr 91:979-89", "what": "13 breakfast meals, predicted vs observed GI",
     "figure": "no significant association"},
)
METHODS = ("related", "recipe", "subgroup median", "group median", "overall median")


def agreement(pairs: list[tuple[float, float]]) -> dict:
    """n, mae, bias, sd, pearson r and Bland-Altman limits of (predicted, measured) pairs."""
    n = len(pairs)
    diffs = [p - m for p, m in pairs]
    bias = sum(diffs) / n
    sd = math.sqrt(sum((d - bias) ** 2 for d in diffs) / (n - 1)) if n > 1 else None
    r = None
    if n > 2:
        mp = sum(p for p, _ in pairs) / n
        mm = sum(m for _, m in pairs) / n
        sxy = sum((p - mp) * (m - mm) for p, m in pairs)
        sxx = sum((p - mp) ** 2 for p, _ in pairs)
        syy = sum((m - mm) ** 2 for _, m in pairs)
        r = sxy / math.sqrt(sxx * syy) if sxx and syy else None
    return {
        "n": n, "mae": round(sum(abs(d) for d in diffs) / n, 1), "bias": round(bias, 1),
        "r": None if r is None else round(r, 3),
        "loa_low": None if sd is None else round(bias - 1.96 * sd, 1),
        "loa_high": None if sd is None else round(bias + 1.96 * sd, 1),
    }


def validation(conn: sqlite3.Connection) -> dict:
    """The leave-one-out summary by method and by method and food group, and the published figures."""
    rows = dict_rows(conn, "select food_group, method, measured, predicted from gi_validation")
    by_method, by_group = [], []
    for method in METHODS:
        pairs = [(r["predicted"], r["measured"]) for r in rows if r["method"] == method]
        if pairs:
            by_method.append({"method": method, **agreement(pairs)})
        for group in sorted({r["food_group"] for r in rows if r["method"] == method}):
            pairs = [(r["predicted"], r["measured"]) for r in rows
                     if r["method"] == method and r["food_group"] == group]
            by_group.append({"method": method, "food_group": group, **agreement(pairs)})
    measured = conn.execute("select count(distinct food_id) from gi_validation").fetchone()[0]
    notes = [f"leave-one-out over {measured:,} directly measured foods: each predicted with its own entries left out"]
    if not any(r["method"] == "recipe" for r in rows):
        notes.append("recipe step: no food in this database has both a direct measurement and an ingredient list")
    return {"by_method": by_method, "by_group": by_group, "published": list(PUBLISHED), "notes": notes}
