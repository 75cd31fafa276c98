"""Replace a database file safely: one writer at a time, no litter, no half-written file.

A build writes ``.<name>.<pid>.tmp`` beside the database and renames it into
place only when it is complete and passes SQLite's quick check, so readers
(``glyload score`` during a build, a running server) always see a whole
database: the old one or the new one.

* :func:`build_lock` holds an exclusive ``flock`` on ``.<name>.lock`` beside the
  database for the whole build: a second build of the same database waits for
  the first (saying so) instead of racing it. The lock file stays (removing a
  lock file others may be waiting on would let two builders in).
* :func:`remove_stale_temps` deletes the temporary files of builds of this
  database whose process is gone (a build killed in its write phase).
* :func:`commit` quick-checks the finished temporary file and renames it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import threading
from pathlib import Path
from typing import Callable

from .errors import StorageError, path_problem, storage_errors, writable_problem

_held = threading.local()  # the lock files this thread holds: a build inside ensure_database's lock


def lock_path(db_path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(f".{db_path.name}.lock")


def temp_path(db_path, pid: int | None = None) -> Path:
    """The temporary file a build by process ``pid`` (this one by default) writes."""
    db_path = Path(db_path)
    return db_path.with_name(f".{db_path.name}.{os.getpid() if pid is None else pid}.tmp")


def _holder(handle) -> str:
    handle.seek(0)
    text = handle.read().strip()
    return f" (process {text})" if text.isdigit() else ""


def _open_locked(path: Path, db_path, echo) -> object:
    """Open ``path`` and flock it exclusively, waiting (once announced) for another holder.

    A holder removes the lock file before it lets go, so a waiter may wake up
    holding a file no longer at ``path``: it then opens the path again.
    """
    announced = False
    while True:
        handle = open(path, "a+")
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if echo and not announced:
                    echo(f"glyload: another build of {db_path} is running{_holder(handle)}; "
                         "waiting for it to finish")
                    announced = True
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                same = os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
            except FileNotFoundError:
                same = False
        except BaseException:
            handle.close()
            raise
        if same:
            return handle
        handle.close()


@contextlib.contextmanager
def build_lock(db_path, echo: Callable[[str], None] | None = None):
    """Hold the exclusive build lock of ``db_path``; wait for another holder, telling ``echo``.

    The lock is an ``flock`` on ``.<name>.lock`` beside the database, removed
    again when released. Re-entrant within a thread (``ensure_database`` holds
    it around ``build_database``).
    """
    path = lock_path(db_path).absolute()
    held = getattr(_held, "paths", None)
    if held is None:
        held = _held.paths = set()
    if path in held:
        yield
        return
    with storage_errors(db_path, "lock the database for building"):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = _open_locked(path, db_path, echo)
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        held.add(path)
        yield
    finally:
        held.discard(path)
        with contextlib.suppress(OSError):
            path.unlink()  # while still holding it: see _open_locked
        handle.close()  # closing releases the flock


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def stale_temps(db_path) -> list[Path]:
    """Temporary files of builds of ``db_path`` whose process no longer runs."""
    db_path = Path(db_path)
    pattern = re.compile(rf"^\.{re.escape(db_path.name)}\.(\d+)\.tmp$")
    found = []
    try:
        names = os.listdir(db_path.parent)
    except OSError:
        return []
    for name in names:
        match = pattern.match(name)
        if match and (int(match.group(1)) == os.getpid() or not _alive(int(match.group(1)))):
            found.append(db_path.with_name(name))
    return sorted(found)


def remove_stale_temps(db_path) -> list[Path]:
    """Delete :func:`stale_temps` (call it holding the build lock); returns what was removed."""
    removed = []
    for path in stale_temps(db_path):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    return removed


def prepare(db_path, action: str = "build the database") -> None:
    """Create the database's directory and make sure a file can be written there.

    Run before the long reading part of a build (or of an import into a
    personal database, with its own ``action``), so a read-only directory or a
    file in the way fails at once, in one line.
    """
    db_path = Path(db_path)
    problem = path_problem(db_path)
    if problem is None:
        with storage_errors(db_path, action):
            db_path.parent.mkdir(parents=True, exist_ok=True)
        problem = writable_problem(db_path)
    if problem:
        raise StorageError(db_path, action, problem)


@contextlib.contextmanager
def replacing(db_path, echo: Callable[[str], None] | None = None):
    """Yield the temporary file to write the new ``db_path`` into; put it in place on success.

    Holds :func:`build_lock`, removes :func:`stale_temps` first, turns storage
    failures into one-line StorageErrors, and removes the temporary file when
    the block fails (or is interrupted), leaving ``db_path`` as it was.
    """
    db_path = Path(db_path)
    with build_lock(db_path, echo=echo):
        remove_stale_temps(db_path)
        temp = temp_path(db_path)
        try:
            with storage_errors(db_path, "build the database"):
                yield temp
                commit(temp, db_path)
        finally:
            with contextlib.suppress(OSError):
                temp.unlink()


def commit(temp: Path, db_path: Path) -> None:
    """Quick-check the finished ``temp`` and rename it over ``db_path`` (atomic on POSIX).

    Raises StorageError, leaving ``db_path`` as it was, when the check fails.
    """
    from .check import quick_check

    problems = quick_check(temp)
    if problems:
        raise StorageError(db_path, "build the database",
                           f"the new file failed SQLite's quick check ({problems[0]}); "
                           "the previous database was left as it was")
    try:
        os.replace(temp, db_path)
    except OSError as error:
        from .errors import os_reason

        raise StorageError(db_path, "build the database",
                           f"{path_problem(db_path) or os_reason(error)} (replacing the old file)") from None
