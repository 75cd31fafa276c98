"""Full-text candidates for a food phrase, and the word handling ranking shares.

SQLite's FTS5 (porter stemmer, so "apples" finds "apple") finds candidates
fast; :func:`glyload.meal.match.rank` re-ranks them the way a person reads a
food name. Both ``glyload search`` and the meal scorer use that one ranking.
"""

from __future__ import annotations

import re
import sqlite3
from functools import lru_cache

from .database import dict_rows


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
    """The words of ``text``, lower-cased and singular (a new list each call)."""
    return list(_normalised(text))


@lru_cache(maxsize=65_536)
def _normalised(text: str) -> tuple[str, ...]:
    # Ranking normalises the same food names for every phrase it scores (each candidate's
    # description, common names, head term): computed once per process, it halves a score.
    return tuple(singular(w) for w in words(text))


def fts_match(terms: list[str], any_term: bool = False) -> str:
    """An FTS5 MATCH expression: every term quoted (so input is never FTS syntax)."""
    joiner = " OR " if any_term else " "
    return joiner.join(f'"{t}"' for t in terms)


def candidates(conn: sqlite3.Connection, text: str, limit: int = CANDIDATES) -> list[dict]:
    """Foods whose description or common names contain the query's words.

    All words first; when nothing has them all, any of them. When more foods have the
    words than ``limit`` ("cereal": hundreds of branded cereals), the foods named by the
    phrase itself and marked "NFS" or "NS as to ..." are added ("Cereal, ready-to-eat, NFS",
    "Chicken, NS as to part and cooking method": the description begins with the typed
    words), so the food USDA's survey codes for an unspecified report is always considered. That second query runs only when the limit is reached.
    """
    terms = words(text)
    if not terms:
        return []
    sql = """
        select foods.food_id, foods.description, foods.food_group, foods.common_names,
               foods.additional_descriptions, foods.source, foods.survey,
               foods.manufacturer, foods.available_carbohydrate_g, foods.gi, foods.gi_method,
               foods.subgroup, foods_fts.rank as fts_rank
        from foods_fts join foods on foods.rowid = foods_fts.rowid
        where foods_fts match ? order by foods_fts.rank limit ?
    """
    rows = dict_rows(conn, sql, (fts_match(terms), limit))
    if len(rows) == limit:
        seen = {row["food_id"] for row in rows}
        head = " ".join(terms)
        rows += [row for row in dict_rows(conn, sql, (f'{{description}} : (^"{head}" AND ("nfs" OR "ns"))', limit))
                 if row["food_id"] not in seen]
    if not rows and len(terms) > 1:
        rows = dict_rows(conn, sql, (fts_match(terms, any_term=True), limit))
    return rows
