"""Find foods by text: FTS5 full-text candidates, re-ranked by fuzzy similarity.

SQLite's FTS5 (porter stemmer, so "apples" finds "apple") finds candidates
fast; rapidfuzz then re-ranks them the way a person reads a food name: all of
the query's words present, few extra words, generic before branded.
"""

from __future__ import annotations

import re
import sqlite3

from rapidfuzz import fuzz

WORD = re.compile(r"[a-z0-9]+")
CANDIDATES = 400


def words(text: str) -> list[str]:
    """Lower-case alphanumeric words; everything else (quotes, SQL, punctuation) is dropped."""
    return WORD.findall(text.lower())


def singular(word: str) -> str:
    """A light English singular, enough to compare food names ("berries" ~ "berry").

    "-ie" words fold the same way as "-y" words ("cookie" and "cookies" -> "cooky"),
    since "-ies" cannot tell them apart."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("ie"):
        return word[:-2] + "y"
    if len(word) > 4 and word.endswith(("oes", "ches", "shes", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def normalise(text: str) -> list[str]:
    return [singular(w) for w in words(text)]


def fts_match(terms: list[str], any_term: bool = False) -> str:
    """An FTS5 MATCH expression: every term quoted (so input is never FTS syntax)."""
    joiner = " OR " if any_term else " "
    return joiner.join(f'"{t}"' for t in terms)


def candidates(conn: sqlite3.Connection, text: str, limit: int = CANDIDATES) -> list[dict]:
    """Foods whose description or common names contain the query's words.

    All words first; when nothing has them all, any of them.
    """
    terms = words(text)
    if not terms:
        return []
    sql = """
        select foods.food_id, foods.description, foods.food_group, foods.common_names,
               foods.manufacturer, foods.available_carbohydrate_g, foods.gi, foods.gi_method,
               foods.subgroup, foods_fts.rank as fts_rank
        from foods_fts join foods on foods.rowid = foods_fts.rowid
        where foods_fts match ? order by foods_fts.rank limit ?
    """
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute(sql, (fts_match(terms), limit))]
    if not rows and len(terms) > 1:
        rows = [dict(r) for r in conn.execute(sql, (fts_match(terms, any_term=True), limit))]
    return rows


def similarity(query_words: list[str], row: dict) -> float:
    """0-100: how well a food's name answers the query."""
    desc = normalise(row["description"])
    names = normalise(row.get("common_names") or "")
    query = " ".join(query_words)
    best = fuzz.token_set_ratio(query, " ".join(desc))
    if names:
        best = max(best, fuzz.token_set_ratio(query, " ".join(names)) - 5)
    wanted = set(query_words)
    present = wanted & (set(desc) | set(names))
    coverage = len(present) / len(wanted) if wanted else 0.0
    extra = len(set(desc) - wanted)
    # SR names foods general-to-specific: the first term says what the food is.
    head = set(normalise(row["description"].split(",")[0]))
    head_extra = len(head - wanted)
    score = 0.55 * best + 45 * coverage - 2.0 * extra - 6.0 * head_extra
    if row.get("manufacturer") or any(w.isupper() and len(w) > 2 for w in row["description"].split()):
        score -= 8  # generic foods before branded ones
    return max(0.0, min(100.0, score))


def search_foods(conn: sqlite3.Connection, text: str, limit: int = 10) -> list[dict]:
    """Ranked foods for ``text``, each with a ``score`` (0-100)."""
    query_words = normalise(text)
    rows = candidates(conn, text)
    for row in rows:
        row["score"] = round(similarity(query_words, row), 1)
    rows.sort(key=lambda r: (-r["score"], r["fts_rank"], r["food_id"]))
    for row in rows:
        row.pop("fts_rank", None)
    return rows[:limit]
