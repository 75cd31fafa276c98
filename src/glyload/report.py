"""GI coverage: how many foods got their GI by each method, overall and per food group."""

from __future__ import annotations

import sqlite3

from .database import dict_rows

METHOD_ORDER = ("direct", "related", "subgroup median", "group median", "overall median",
                "not applicable", "unknown")


def coverage(conn: sqlite3.Connection) -> dict:
    total = conn.execute("select count(*) from foods").fetchone()[0]
    by_method = dict_rows(
        conn, "select gi_method, count(*) as foods, group_concat(distinct gi_confidence) as confidence "
        "from foods group by gi_method")
    by_method.sort(key=lambda r: METHOD_ORDER.index(r["gi_method"]) if r["gi_method"] in METHOD_ORDER else 99)
    for row in by_method:
        row["share"] = round(row["foods"] / total, 3) if total else 0.0
    methods = [r["gi_method"] for r in by_method]
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
        "direct_foods": conn.execute(
            "select count(distinct food_id) from gi_links where match = 'direct'").fetchone()[0],
        "linked_foods": conn.execute("select count(distinct food_id) from gi_links").fetchone()[0],
        "without_method": conn.execute(
            "select count(*) from foods where gi_method is null or gi_method = ''").fetchone()[0],
    }
    return {"summary": summary, "by_method": by_method, "by_group": groups}
