"""Open the glyload database, building it from the bundled data on first use.

Every failure to read the file (a directory in its place, no permission, not a
SQLite file, a corrupted one) is a one-line :class:`~glyload.errors.StorageError`
naming the path and the reason.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from .errors import GlyloadError, StorageError, path_problem, storage_errors
from .paths import default_db_path

SQLITE_HEADER = b"SQLite format 3\x00"
READ = "read the database"


def uri(path, **params) -> str:
    """An SQLite ``file:`` URI for ``path`` (quoted: ``?``, ``#`` and ``%`` are allowed in names)."""
    from urllib.parse import quote, urlencode

    return f"file:{quote(str(Path(path).absolute()))}?{urlencode(params)}"


def readable(path: Path) -> None:
    """Raise StorageError unless ``path`` is a readable SQLite file (or an empty one)."""
    problem = path_problem(path)
    if problem:
        raise StorageError(path, READ, problem)
    with storage_errors(path, READ, writing=False):
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    if header and header != SQLITE_HEADER:
        raise StorageError(path, READ, "not a SQLite database file")


def meta(path: Path) -> dict:
    """The ``glyload_meta`` table of a database, or {} when it has none."""
    readable(path)
    with storage_errors(path, READ, writing=False):
        conn = sqlite3.connect(uri(path, mode="ro"), uri=True)
        try:
            if not conn.execute("select 1 from sqlite_master where name = 'glyload_meta'").fetchone():
                return {}
            return dict(conn.execute("select key, value from glyload_meta"))
        finally:
            conn.close()


def ensure_database(path=None, echo=None) -> Path:
    """Return the database path, building it from the bundled data when missing or stale.

    A database built from the bundled data by an older glyload (or from older
    bundled data) is rebuilt; one built from a user's own release or GI files
    is left alone. ``echo`` receives one line saying what happened (stderr).
    Two commands finding it missing at once build it once: the second waits.
    """
    from .fingerprint import bundled_fingerprint

    path = Path(path) if path else default_db_path()
    echo = echo or (lambda line: print(line, file=sys.stderr))

    def needs() -> str | None:
        if not path.exists() and not path.is_symlink():
            return f"glyload: building the database at {path} from the bundled data (first use)"
        info = meta(path)
        if not info:
            raise GlyloadError(f"{path} is not a glyload database (no glyload_meta table); "
                               "run 'glyload build --db PATH' or choose another --db")
        if not info.get("fingerprint") or info["fingerprint"] == bundled_fingerprint():
            return None
        return f"glyload: bundled data changed since {path} was built; rebuilding it"

    if needs() is None:
        return path
    from . import atomic
    from .build import build_database

    atomic.prepare(path)
    with atomic.build_lock(path, echo=echo):
        reason = needs()  # another process may have built it while this one waited
        if reason:
            echo(reason)
            build_database(path)
    return path


def dict_rows(conn: sqlite3.Connection, sql: str, params=()) -> list[dict]:
    """The rows of a query as dicts, whatever row factory ``conn`` has (it is left as it is)."""
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    return [dict(row) for row in cursor.execute(sql, params)]


def connect(path) -> sqlite3.Connection:
    """A read-only connection (the CLI never writes to a built database)."""
    readable(Path(path))
    with storage_errors(path, READ, writing=False):
        conn = sqlite3.connect(uri(path, mode="ro"), uri=True)
    conn.row_factory = sqlite3.Row
    return conn
