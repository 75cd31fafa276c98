"""Storage failures are one line naming the path and the reason, for every command.

The suite runs as root in CI, and root ignores permission bits, so a read-only
directory is made immutable (``chattr +i``) when running as root, or read-only
(``chmod``) otherwise; a directory or a file where the database or its folder
should be is real; a full disk and a refused read are simulated by making the
system call fail (monkeypatch), and a write that the system refuses half-way
by a real file size limit (``RLIMIT_FSIZE``) in a child process.
"""

from __future__ import annotations

import builtins
import errno
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from glyload import build as build_module
from glyload.build import build_database
from glyload.cli import cli
from glyload.database import connect, ensure_database
from glyload.errors import StorageError, quoted, storage_errors

READERS = {
    "search": ["search", "rice"],
    "show": ["show", "20045"],
    "score": ["score", "1 cup cooked white rice"],
    "diary": ["diary", "DIARY"],
    "swap": ["swap", "20045"],
    "gi-report": ["gi-report"],
    "ingredients": ["ingredients", "11000000"],
    "check": ["check"],
    "serve": ["serve", "--port", "0"],
}


@pytest.fixture(autouse=True)
def _never_serve(monkeypatch):
    """``serve`` must fail before it listens: a server that starts fails the test instead of running."""
    from glyload import serve

    def started(*args, **kwargs):
        raise AssertionError("glyload serve started a server")

    monkeypatch.setattr(serve, "make_server", started)


@pytest.fixture
def diary(tmp_path) -> Path:
    path = tmp_path / "diary.csv"
    path.write_text("date,meal,item\n2026-01-05,lunch,1 cup cooked white rice\n")
    return path


def run(args, diary=None, **kwargs):
    args = [str(diary) if a == "DIARY" else a for a in args]
    return CliRunner().invoke(cli, args, **kwargs)


def one_line_error(result, code=1) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.splitlines()
    assert len(lines) >= 1
    return lines[-1]


@pytest.fixture
def read_only_dir(tmp_path):
    """A directory no file can be created in, even by root (immutable when running as root)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() == 0:
        if not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(folder)]).returncode:
            pytest.skip("root without chattr +i: no way to make a directory read-only here")
        yield folder
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)


# --- build ----------------------------------------------------------------------------------


def test_build_into_read_only_directory(read_only_dir, tiny_release, no_gi_args):
    db = read_only_dir / "x.db"
    result = run(["build", "--db", str(db), "--usda", str(tiny_release), *no_gi_args])
    line = one_line_error(result)
    reason = "Operation not permitted" if os.geteuid() == 0 else "Permission denied"
    assert line == f"Error: {db}: cannot build the database: {reason} (creating a file in {read_only_dir})"
    assert os.listdir(read_only_dir) == []


def test_build_under_a_regular_file(tmp_path, tiny_release, no_gi_args):
    blocker = tmp_path / "afile"
    blocker.write_text("not a directory\n")
    db = blocker / "sub" / "x.db"
    line = one_line_error(run(["build", "--db", str(db), "--usda", str(tiny_release), *no_gi_args]))
    assert line == f"Error: {db}: cannot build the database: {blocker} is a file, not a directory"


def test_build_onto_a_directory_at_the_default_path(tmp_path, monkeypatch, tiny_release, no_gi_args):
    """--db and GLYLOAD_DB refuse a directory as a usage error; the XDG default path is not checked by click."""
    monkeypatch.delenv("GLYLOAD_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    default = tmp_path / "xdg" / "glyload" / "glyload.db"
    default.mkdir(parents=True)
    line = one_line_error(run(["build", "--usda", str(tiny_release), *no_gi_args]))
    assert line == f"Error: {default}: cannot build the database: it is a directory, not a database file"


def test_build_when_creating_the_directory_is_refused(tmp_path, monkeypatch, tiny_release, no_gi_args):
    db = tmp_path / "new" / "x.db"
    real_mkdir = Path.mkdir

    def refused(self, *args, **kwargs):
        if self == db.parent:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refused)
    line = one_line_error(run(["build", "--db", str(db), "--usda", str(tiny_release), *no_gi_args]))
    assert line == f"Error: {db}: cannot build the database: Permission denied"


def test_build_on_a_full_disk_keeps_the_previous_database(tmp_path, monkeypatch, tiny_release, no_gi, no_gi_args):
    target = tmp_path / "out"
    target.mkdir()
    db = target / "glyload.db"
    build_database(db, usda=tiny_release, **no_gi)
    before = db.read_bytes()
    real_load = build_module.load_gi

    def disk_fills_up(database, data):  # after the foods are written
        real_load(database, data)
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(build_module, "load_gi", disk_fills_up)
    line = one_line_error(run(["build", "--db", str(db), "--usda", str(tiny_release), *no_gi_args]))
    assert line == f"Error: {db}: cannot build the database: the disk is full"
    assert db.read_bytes() == before
    assert sorted(p.name for p in target.iterdir()) == ["glyload.db"]


def test_build_whose_rename_is_refused_keeps_the_previous_database(tmp_path, monkeypatch, tiny_release, no_gi):
    db = tmp_path / "glyload.db"
    build_database(db, usda=tiny_release, **no_gi)
    before = db.read_bytes()

    def refused(source, target):
        raise PermissionError(errno.EPERM, "Operation not permitted", str(target))

    monkeypatch.setattr(os, "replace", refused)
    with pytest.raises(StorageError) as caught:
        build_database(db, usda=tiny_release, **no_gi)
    assert str(caught.value) == f"{db}: cannot build the database: Operation not permitted (replacing the old file)"
    assert db.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_build_whose_writes_the_system_refuses(tmp_path, tiny_release, no_gi_args):
    """A real write failure half-way: a 64 KB file size limit (RLIMIT_FSIZE) in a child process."""
    db = tmp_path / "glyload.db"

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    code = "from glyload.cli import cli; cli()"
    result = subprocess.run([sys.executable, "-c", code, "build", "--db", str(db), "--usda", str(tiny_release),
                             *no_gi_args], capture_output=True, text=True, preexec_fn=limit)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == f"Error: {db}: cannot build the database: disk I/O error"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp or lock file


def test_first_use_under_a_regular_file(tmp_path, tiny_bundle):
    blocker = tmp_path / "afile"
    blocker.write_text("")
    db = blocker / "glyload.db"
    result = run(["score", "--db", str(db), "100 g cooked white rice"])
    assert one_line_error(result) == f"Error: {db}: cannot build the database: {blocker} is a file, not a directory"


def test_first_use_in_a_read_only_directory(read_only_dir, tiny_bundle):
    db = read_only_dir / "glyload.db"
    line = one_line_error(run(["search", "--db", str(db), "rice"]))
    assert line.startswith(f"Error: {db}: cannot build the database: ")
    assert line.endswith(f" (creating a file in {read_only_dir})")


# --- every command reading the database -------------------------------------------------------


@pytest.mark.parametrize("command", sorted(READERS))
def test_database_path_is_a_directory(command, tmp_path, monkeypatch, diary):
    monkeypatch.delenv("GLYLOAD_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    default = tmp_path / "xdg" / "glyload" / "glyload.db"
    default.mkdir(parents=True)
    line = one_line_error(run(READERS[command], diary))
    assert line == f"Error: {default}: cannot read the database: it is a directory, not a database file"


@pytest.mark.parametrize("command", sorted(READERS))
def test_database_under_a_regular_file(command, tmp_path, diary, tiny_bundle):
    blocker = tmp_path / "afile"
    blocker.write_text("")
    db = blocker / "glyload.db"
    line = one_line_error(run([*READERS[command], "--db", str(db)], diary))
    action = "read the database" if command == "check" else "build the database"
    assert line == f"Error: {db}: cannot {action}: {blocker} is a file, not a directory"


@pytest.mark.parametrize("command", sorted(READERS))
def test_database_is_not_sqlite(command, tmp_path, diary):
    db = tmp_path / "notes.db"
    db.write_text("shopping list: rice, apples\n")
    line = one_line_error(run([*READERS[command], "--db", str(db)], diary))
    assert line == f"Error: {db}: cannot read the database: not a SQLite database file"


@pytest.mark.parametrize("command", sorted(READERS))
def test_database_permission_denied(command, db, diary, monkeypatch):
    """Reading is refused by the system (simulated: root can read any file)."""
    real_open = builtins.open

    def refused(file, *args, **kwargs):
        if str(file) == str(db):
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", refused)
    line = one_line_error(run([*READERS[command], "--db", str(db)], diary))
    assert line == f"Error: {db}: cannot read the database: Permission denied"


def test_connect_missing_file(tmp_path):
    with pytest.raises(StorageError) as caught:
        connect(tmp_path / "none.db")
    assert str(caught.value) == f"{tmp_path / 'none.db'}: cannot read the database: No such file or directory"


def test_ensure_database_names_a_directory(tmp_path):
    folder = tmp_path / "folder.db"
    folder.mkdir()
    with pytest.raises(StorageError) as caught:
        ensure_database(folder)
    assert str(caught.value) == f"{folder}: cannot read the database: it is a directory, not a database file"


def test_database_name_with_uri_characters(tmp_path, built_db):
    """'?' and '#' in a file name are part of the name, not of an SQLite URI."""
    odd = tmp_path / "my?db#1%20.db"
    shutil.copyfile(built_db, odd)
    result = run(["show", "--db", str(odd), "20045", "--json"])
    assert result.exit_code == 0, result.output
    assert '"food_id": "20045"' in result.stdout


# --- the shared mechanism (also for the personal database) --------------------------------------


def test_storage_errors_for_a_personal_database(tmp_path):
    import sqlite_utils

    blocker = tmp_path / "afile"
    blocker.write_text("")
    personal = blocker / "personal.db"
    with pytest.raises(StorageError) as caught:
        with storage_errors(personal, "write the personal database"):
            sqlite_utils.Database(personal)["readings"].insert({"glucose": 5.4})
    assert str(caught.value) == (f"{personal}: cannot write the personal database: "
                                 f"{blocker} is a file, not a directory")


def test_prepare_a_personal_database_in_a_read_only_directory(read_only_dir):
    from glyload.atomic import prepare

    personal = read_only_dir / "sub" / "personal.db"
    with pytest.raises(StorageError) as caught:
        prepare(personal, "write the personal database")
    assert str(caught.value).startswith(f"{personal}: cannot write the personal database: ")
    assert os.listdir(read_only_dir) == []


def test_storage_errors_disk_full_and_corruption(tmp_path):
    path = tmp_path / "p.db"
    with pytest.raises(StorageError) as caught, storage_errors(path, "write the personal database"):
        raise sqlite3.OperationalError("database or disk is full")
    assert caught.value.reason == "the disk is full"
    with pytest.raises(StorageError) as caught, storage_errors(path, "read it", writing=False):
        raise sqlite3.DatabaseError("database disk image is malformed")
    assert caught.value.reason.startswith("the file is corrupted")
    with pytest.raises(StorageError) as caught, storage_errors(path):
        raise OSError(errno.ENOSPC, "No space left on device")
    assert caught.value.reason == "the disk is full"


def test_storage_errors_leave_bugs_alone(tmp_path):
    """An SQL mistake is not a storage failure: it keeps its traceback."""
    with pytest.raises(sqlite3.OperationalError), storage_errors(tmp_path / "p.db"):
        sqlite3.connect(":memory:").execute("select * from no_such_table")


# --- echoed input --------------------------------------------------------------------------------


def test_long_search_query_is_cut_in_its_error(db):
    query = "zq" * 5_000
    line = one_line_error(run(["search", "--db", str(db), query]))
    assert len(line) < 200
    assert line == f"Error: no food matches {quoted(query)}"
    assert line.endswith("... (10,000 characters)")


def test_quoted_keeps_short_text_whole():
    assert quoted("rice") == "'rice'"
    assert quoted("x" * 80) == repr("x" * 80)
    assert quoted("x" * 81) == f"{'x' * 80!r}... (81 characters)"
    assert "\n" not in quoted("a\nb" * 100)


def test_db_help_shows_the_real_default(tmp_path, monkeypatch):
    monkeypatch.delenv("GLYLOAD_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    result = run(["score", "--help"], terminal_width=200)
    assert f"default {tmp_path / 'data' / 'glyload' / 'glyload.db'}]" in result.stdout
    assert ".local/share" not in result.stdout
    monkeypatch.setenv("GLYLOAD_DB", str(tmp_path / "mine.db"))
    result = run(["score", "--help"], terminal_width=200)
    assert f"[env GLYLOAD_DB; now {tmp_path / 'mine.db'}]" in result.stdout


def test_db_help_without_xdg(monkeypatch):
    monkeypatch.delenv("GLYLOAD_DB")
    monkeypatch.delenv("XDG_DATA_HOME")
    result = run(["search", "--help"], terminal_width=200)
    assert "default ~/.local/share/glyload/glyload.db]" in result.stdout


@pytest.mark.parametrize("command", ["show", "score"])
def test_long_food_text_is_cut_in_its_error(command, db):
    text = "zq" * 5_000
    line = one_line_error(run([command, "--db", str(db), text]))
    assert len(line) < 250, line
    assert "(10,000 characters" in line or "(10000 characters" in line
