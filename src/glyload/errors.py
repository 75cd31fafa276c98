"""Errors that carry a location, so users see what was wrong and where.

:class:`StorageError` and :func:`storage_errors` are the one way glyload turns a
file system or SQLite failure on a database file (a read-only directory, a full
disk, a directory where the file should be, a corrupted file) into one line
naming the path and the reason. Every database glyload writes or reads, the
reference database and a personal one alike, goes through them.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from pathlib import Path


class GlyloadError(Exception):
    """A user-facing error: its message is one line and needs no traceback."""


class DataError(GlyloadError):
    """Bad input data, located by file and line."""

    def __init__(self, path, line, message):
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


#: Longest piece of typed text echoed back in an error message.
ECHO_LIMIT = 80


def quoted(text: str, limit: int = ECHO_LIMIT) -> str:
    """``repr(text)``, cut to about ``limit`` characters with the full length named.

    Error messages echo what a person typed; a 10,000-character paste must not
    come back whole (and stays one line: repr escapes newlines).
    """
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text):,} characters)"


class StorageError(GlyloadError):
    """A database file that cannot be written or read: ``PATH: cannot ACTION: REASON``."""

    def __init__(self, path, action: str, reason: str):
        self.path = str(path)
        self.action = action
        self.reason = reason
        super().__init__(f"{self.path}: cannot {action}: {reason}")


#: SQLite result codes (their primary code's name) and what they mean to a person.
SQLITE_REASONS = {
    "SQLITE_FULL": "the disk is full",
    "SQLITE_READONLY": "the file or its file system is read-only",
    "SQLITE_IOERR": "disk I/O error",
    "SQLITE_CORRUPT": "the file is corrupted (database disk image is malformed); "
                      "rebuild it with 'glyload build' ('glyload check' reports the damage)",
    "SQLITE_NOTADB": "not a SQLite database file",
    "SQLITE_PERM": "permission denied",
    "SQLITE_AUTH": "permission denied",
    "SQLITE_BUSY": "the database is locked by another process",
    "SQLITE_LOCKED": "the database is locked by another process",
    "SQLITE_CANTOPEN": "SQLite cannot open the file",
}

#: The same, recognised by message on Pythons without ``sqlite_errorname`` (3.10).
SQLITE_MESSAGES = {
    "database or disk is full": "SQLITE_FULL",
    "attempt to write a readonly database": "SQLITE_READONLY",
    "disk i/o error": "SQLITE_IOERR",
    "database disk image is malformed": "SQLITE_CORRUPT",
    "file is not a database": "SQLITE_NOTADB",
    "database is locked": "SQLITE_BUSY",
    "unable to open database file": "SQLITE_CANTOPEN",
}


def sqlite_code(error: sqlite3.Error) -> str | None:
    """The primary SQLite result code name of ``error`` (``SQLITE_FULL``), or None."""
    name = getattr(error, "sqlite_errorname", None)
    if name:
        primary = name.split("_")
        return "_".join(primary[:2])
    message = str(error).lower()
    for text, code in SQLITE_MESSAGES.items():
        if text in message:
            return code
    return None


def os_reason(error: OSError) -> str:
    """The reason of an OSError as the system words it (``Permission denied``)."""
    if error.errno == errno.ENOSPC:
        return "the disk is full"
    return error.strerror or str(error)


def path_problem(path) -> str | None:
    """Why ``path`` cannot hold a database file, found by looking at it, or None.

    A directory where the file should be, or a regular file where a directory of
    its path should be.
    """
    path = Path(path)
    if path.is_dir():
        return "it is a directory, not a database file"
    for parent in path.parents:
        if parent.exists():
            return None if parent.is_dir() else f"{parent} is a file, not a directory"
    return None


def writable_problem(path) -> str | None:
    """Why a new file cannot be created beside ``path`` (tried for real), or None."""
    path = Path(path)
    problem = path_problem(path)
    if problem:
        return problem
    directory = path.parent
    if not directory.is_dir():
        return f"{directory} does not exist"
    probe = directory / f".{path.name}.{os.getpid()}.probe"
    try:
        os.close(os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return None
    except OSError as error:
        return f"{os_reason(error)} (creating a file in {directory})"
    with contextlib.suppress(OSError):
        os.unlink(probe)
    return None


def storage_reason(error: BaseException, path, writing: bool) -> str | None:
    """The reason to show for ``error`` raised while using the database ``path``.

    None for an error that is not about storage (a bug, an SQL mistake): it is
    raised as it is.
    """
    if isinstance(error, OSError):
        return path_problem(path) or os_reason(error)
    if isinstance(error, sqlite3.Error):
        code = sqlite_code(error)
        if code is None or code not in SQLITE_REASONS:
            return None
        if code == "SQLITE_CANTOPEN":  # SQLite does not say why: look
            found = path_problem(path) or (writable_problem(path) if writing else None)
            if found:
                return found
            if not writing and not Path(path).exists():
                return "no such file"
        return SQLITE_REASONS[code]
    return None


@contextlib.contextmanager
def storage_errors(path, action: str = "write the database", writing: bool = True):
    """Raise :class:`StorageError` for a storage failure on ``path`` inside the block.

    ``action`` completes "PATH: cannot ...". GlyloadErrors pass through; so do
    errors that are not about storage (they are bugs and keep their traceback)::

        with storage_errors(personal_db, "write the personal database"):
            db["readings"].insert_all(rows)
    """
    try:
        yield
    except GlyloadError:
        raise
    except (OSError, sqlite3.Error) as error:
        reason = storage_reason(error, path, writing)
        if reason is None:
            raise
        raise StorageError(path, action, reason) from None
