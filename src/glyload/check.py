"""Check a built database: SQLite's own integrity check, then glyload's.

:func:`quick_check` is SQLite's ``PRAGMA quick_check`` (page structure, record
formats; about 10 ms on the bundled database): ``build`` runs it on the new
file before renaming it into place and ``serve`` before serving.
:func:`check_database` is what ``glyload check`` reports: the integrity check
(``integrity_check``, which also compares every index with its table; or the
quick one), then glyload's own checks: the metadata and schema version, the
fingerprint of the bundled data, the row counts recorded at build time, the
foreign keys and the full-text index.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

#: glyload_meta key holding {table: rows} as written by the build.
ROW_COUNTS_KEY = "row_counts"
#: At most this many problems of one check are listed.
MAX_LISTED = 5


def _connect(path) -> sqlite3.Connection:
    from .database import uri

    return sqlite3.connect(uri(path, mode="ro"), uri=True)


def _pragma_check(path, pragma: str) -> list[str]:
    conn = _connect(path)
    try:
        rows = [row[0] for row in conn.execute(f"pragma {pragma}({MAX_LISTED})")]
    except sqlite3.DatabaseError as error:
        return [str(error)]
    finally:
        conn.close()
    if rows == ["ok"]:
        return []
    # One problem a line: SQLite may put several in one row, under a "*** in database main ***" heading.
    return [line.strip() for row in rows for line in str(row).splitlines()
            if line.strip() and not line.startswith("***")]


def quick_check(path) -> list[str]:
    """SQLite's quick check of ``path``: [] when it passes, else the problems it lists."""
    return _pragma_check(path, "quick_check")


def integrity_check(path) -> list[str]:
    """SQLite's full integrity check (also index against table contents)."""
    return _pragma_check(path, "integrity_check")


def _result(name, problems, detail_ok) -> dict:
    problems = list(problems)
    return {"check": name, "ok": not problems,
            "detail": detail_ok if not problems else "; ".join(problems[:MAX_LISTED])
            + (f"; and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else "")}


def _meta(conn) -> dict:
    return dict(conn.execute("select key, value from glyload_meta"))


def _glyload_checks(conn, quick: bool) -> list[dict]:
    from .fingerprint import SCHEMA_VERSION, bundled_fingerprint

    results = []
    try:
        meta = _meta(conn)
    except sqlite3.DatabaseError as error:
        return [_result("glyload metadata", [f"cannot read glyload_meta: {error}"], "")]
    problems = []
    if meta.get("schema_version") != SCHEMA_VERSION:
        problems.append(f"schema version {meta.get('schema_version')!r}, this glyload reads {SCHEMA_VERSION!r}: "
                        "rebuild it")
    results.append(_result("glyload metadata", problems,
                           f"built {meta.get('built_at', '?')} by glyload {meta.get('glyload_version', '?')} "
                           f"from {meta.get('source', '?')}, schema {meta.get('schema_version')}"))

    fingerprint = meta.get("fingerprint")
    if not fingerprint:
        results.append(_result("fingerprint", [], "not applicable: built from your own release or GI files"))
    else:
        current = bundled_fingerprint()
        results.append(_result(
            "fingerprint",
            [] if fingerprint == current else
            [f"built from other bundled data ({fingerprint}, now {current}): any command rebuilds it"],
            f"{fingerprint}, the bundled data of this glyload"))

    recorded = json.loads(meta.get(ROW_COUNTS_KEY) or "{}")
    problems = []
    for table, expected in recorded.items():
        try:
            (found,) = conn.execute(f'select count(*) from "{table}"').fetchone()
        except sqlite3.DatabaseError as error:
            problems.append(f"{table}: {error}")
            continue
        if found != expected:
            problems.append(f"{table} has {found:,} rows, {expected:,} when built")
    results.append(_result("row counts", problems,
                           ", ".join(f"{n:,} {t}" for t, n in recorded.items()) + " as built" if recorded
                           else "not recorded (built by an older glyload; a rebuild records them)"))

    try:
        violations = conn.execute("pragma foreign_key_check").fetchall()
        problems = [f"{table} row {rowid} names a missing {parent}" for table, rowid, parent, _ in violations]
    except sqlite3.DatabaseError as error:
        problems = [str(error)]
    results.append(_result("foreign keys", problems, "every reference resolves"))

    try:
        (foods,) = conn.execute("select count(*) from foods").fetchone()
        # foods_fts reads its text from foods: its own row count is the docsize shadow table's
        (indexed,) = conn.execute("select count(*) from foods_fts_docsize").fetchone()
        problems = [] if foods == indexed else [f"foods_fts indexes {indexed:,} foods of {foods:,}"]
    except sqlite3.DatabaseError as error:
        problems = [str(error)]
    results.append(_result("full-text index", problems, "every food is searchable"))
    return results


def check_database(path, quick: bool = False) -> dict:
    """Every check of the database at ``path``: {"path", "ok", "checks": [{check, ok, detail}]}."""
    from .database import readable

    path = Path(path)
    readable(path)
    name = "SQLite quick check" if quick else "SQLite integrity check"
    problems = quick_check(path) if quick else integrity_check(path)
    checks = [_result(name, problems, "ok")]
    conn = _connect(path)
    try:
        checks += _glyload_checks(conn, quick)
    finally:
        conn.close()
    return {"path": str(path), "ok": all(c["ok"] for c in checks), "checks": checks}
