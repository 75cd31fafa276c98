"""GI coverage: how foods got their GI, by method, source and food group, as shares of foods and of carbohydrate.

Published GI databases report coverage as a share of carbohydrate as well as of
foods (Olendzki et al. 2006 matched 48% of foods directly but only 22% of
carbohydrate). Here a food's carbohydrate is its available carbohydrate per
100 g: the share says how much of the carbohydrate the database describes
rests on each method, not how much of it people eat.
"""

from __future__ import annotations

import sqlite3

from .database import dict_rows

METHOD_ORDER = ("direct", "related", "recipe", "subgroup median", "group median", "overall median",
                "not applicable", "unknown")


def _order(method) -> int:
    return METHOD_ORDER.index(method) if method in METHOD_ORDER else len(METHOD_ORDER)


def _source_column(conn) -> str:
    """The foods' source: the ``source`` column where the database has one (FNDDS builds), else SR28."""
    columns = {row[1] for row in conn.execute("pragma table_info(foods)")}
    return "source" if "source" in columns else "'SR28'"


def _by_method(conn, where: str = "", params=()) -> list[dict]:
    rows = dict_rows(
        conn, f"select gi_method, count(*) as foods, coalesce(sum(available_carbohydrate_g), 0) as carbs, "
        f"group_concat(distinct gi_confidence) as confidence from foods {where} group by gi_method", params)
    total = sum(r["foods"] for r in rows)
    carbs = sum(r["carbs"] for r in rows)
    out = []
    for row in sorted(rows, key=lambda r: _order(r["gi_method"])):
        labels = sorted({c.split(",")[0] for c in (row["confidence"] or "").split(",") if c and not c.startswith(" ")},
                        key=["high", "medium", "low", "very low", "none"].index)
        out.append({"gi_method": row["gi_method"], "foods": row["foods"],
                    "share": round(row["foods"] / total, 3) if total else 0.0,
                    "carb_share": round(row["carbs"] / carbs, 3) if carbs else 0.0,
                    "confidence": ",".join(labels)})
    return out


def coverage(conn: sqlite3.Connection) -> dict:
    """Summary counts; coverage by method (all foods, and per source); foods per group and method."""
    total = conn.execute("select count(*) from foods").fetchone()[0]
    by_method = _by_method(conn)
    methods = [r["gi_method"] for r in by_method]
    source = _source_column(conn)
    sources = [r[0] for r in conn.execute(f"select distinct {source} from foods order by 1")]
    by_source = [{"source": s, "by_method": _by_method(conn, f"where {source} = ?", (s,))} for s in sources]
    groups = []
    for row in dict_rows(conn, "select food_group, gi_method, count(*) as n from foods group by 1, 2 order by 1"):
        if not groups or groups[-1]["food_group"] != row["food_group"]:
            groups.append({"food_group": row["food_group"], "foods": 0, **{m: 0 for m in methods}})
        groups[-1][row["gi_method"]] = row["n"]
        groups[-1]["foods"] += row["n"]
    summary = {
        "foods": total,
        "measurements": conn.execute("select count(*) from gi_measurements").fetchone()[0],
        "links": conn.execute("select count(*) from gi_links").fetchone()[0],
        "concepts": conn.execute("select count(*) from gi_concepts").fetchone()[0],
        "direct_foods": conn.execute("select count(*) from foods where gi_method = 'direct'").fetchone()[0],
        "linked_foods": conn.execute(
            "select count(*) from foods where gi_method in ('direct', 'related')").fetchone()[0],
        "without_method": conn.execute(
            "select count(*) from foods where gi_method is null or gi_method = ''").fetchone()[0],
    }
    return {"summary": summary, "by_method": by_method, "by_source": by_source, "by_group": groups}
