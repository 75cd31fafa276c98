"""Variety words: "jasmine rice", "basmati rice", "sourdough bread", "parboiled rice".

A variety word either matches a food of that variety (the matcher finds it by
its words) or, when the matched food is the same food in another variety
(USDA has no jasmine rice), it is not silently dropped: where the
International Tables 2021 measured that variety of that food, the item carries
the pooled GI of those measurements (:func:`glyload.gi.pool`, the same
pooling as every food's GI) in place of the food's own, and a note says so.

The measurements used are the database's ``gi_measurements`` whose name holds
the variety word and what the food is (its head term, "rice", "bread"), and
that are a single food (no "with" or "and": a mixed meal is not the variety).
"""

from __future__ import annotations

import sqlite3
import statistics

from ..database import dict_rows
from ..search import normalise
from .match import head_words

#: Words too short or too common to be a variety.
MIN_VARIETY_LENGTH = 4
JOINED = {"with", "and"}


def measured_variety(conn: sqlite3.Connection, word: str, food: dict) -> dict | None:
    """The pooled GI of the International Tables' measurements of ``word`` ``food``, or None."""
    if len(word) < MIN_VARIETY_LENGTH or not word.isalpha():
        return None
    head = head_words(food["description"])
    rows = dict_rows(conn, "select * from gi_measurements where food like ? order by entry_no",
                     (f"%{word}%",))
    chosen = []
    for row in rows:
        names = set(normalise(row["food"]))
        if normalise(word)[0] in names and head & names and not JOINED & names:
            chosen.append(row)
    if not chosen:
        return None
    from ..gi import measured_assignment, pool, typical_sem
    from ..sources.gi_tables import MEASUREMENT_COLUMNS, Measurement

    def measurement(row):
        return Measurement(where=(), **{c: row[c] for c in MEASUREMENT_COLUMNS})

    # The build's pooling basis, read back from the database: the SEM imputation from every
    # measurement's reported SEM (gi.typical_sem), and the between-study SD assumed for fewer
    # than 3 studies, the median tau of the foods whose tau was estimated (3 studies or more).
    typical = typical_sem([measurement(row) for row in dict_rows(conn, "select * from gi_measurements")])
    taus = sorted(row["gi_tau"] for row in dict_rows(
        conn, "select gi_tau from foods where gi_studies >= 3 and gi_tau is not null "
              "and gi_method in ('direct', 'related')"))
    typical_tau = statistics.median(taus) if taus else 0.0
    pooled = pool([measurement(row) for row in chosen], typical, typical_tau)
    assigned = measured_assignment("direct", pooled, None, pooled.expected_error)
    return {**assigned, "iso": pooled.iso, "word": word}


def note(found: dict, food: dict) -> str:
    own = "no GI" if food["gi"] is None else f"GI {food['gi']:g} ({food['gi_method']})"
    return (f"{found['word']}: GI {found['gi']:g} pooled from International Tables 2021 entries "
            f"{found['gi_sources'].replace(';', ', ')} ({found['word']} {' '.join(sorted(head_words(food['description'])))}), "
            f"in place of the matched food's {own}")
