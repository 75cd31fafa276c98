"""Open the glyload database, building it from the bundled data on first use."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from .errors import GlyloadError
from .paths import default_db_path


def meta(path: Path) -> dict:
    """The ``glyload_meta`` table of a database, or {} when it has none."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return dict(conn.execute("select key, value from glyload_meta"))
        finally:
            conn.close()
    except sqlite3.Error:
        return {}


def ensure_database(path=None, echo=None) -> Path:
    """Return the database path, building it from bundled data when missing or stale.

    A database built from the bundled data by an older glyload (or from older
    bundled data) is rebuilt; one built from a user's own release or GI files
    is left alone. ``echo`` receives one line saying what happened (stderr).
    """
    from .fingerprint import bundled_fingerprint

    path = Path(path) if path else default_db_path()
    echo = echo or (lambda line: print(line, file=sys.stderr))
    if path.exists():
        info = meta(path)
        if not info:
            raise GlyloadError(f"{path} is not a glyload database (no glyload_meta table); "
                               "run 'glyload build --db PATH' or choose another --db")
        if not info.get("fingerprint") or info["fingerprint"] == bundled_fingerprint():
            return path
        echo(f"glyload: bundled data changed since {path} was built; rebuilding it")
    else:
        echo(f"glyload: building the database at {path} from the bundled data (first use)")
    from .build import build_database

    build_database(path)
    return path


def dict_rows(conn: sqlite3.Connection, sql: str, params=()) -> list[dict]:
    """The rows of a query as dicts, whatever row factory ``conn`` has (it is left as it is)."""
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    return [dict(row) for row in cursor.execute(sql, params)]


def connect(path) -> sqlite3.Connection:
    """A read-only connection (the CLI never writes to a built database)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn
