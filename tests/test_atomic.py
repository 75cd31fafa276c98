"""Replacing a database: stale temporary files, one build at a time, readers during a build.

Builds that must be caught in their write phase run in a child process whose
``load_gi`` announces itself on stdout and then waits for a line on stdin, so
the tests decide when it goes on (no sleeps, no timing).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading

import pytest
from click.testing import CliRunner

from glyload import atomic
from glyload.build import build_database
from glyload.cli import cli
from glyload.database import ensure_database

# A build of the tiny release that stops in its write phase until told to go on.
PAUSED_BUILD = """
import sys
from pathlib import Path
from glyload import build
from glyload.build import build_database

real = build.load_gi
def paused(db, data):
    print("writing", flush=True)
    if sys.stdin.readline() != "go\\n":
        raise SystemExit(3)
    return real(db, data)
build.load_gi = paused
db, release, measurements, links, fndds = sys.argv[1:]
build_database(db, usda=release, gi_measurements=measurements, gi_links=links, fndds=fndds)
print("built", flush=True)
"""


class Heard(threading.Event):
    """An ``echo`` for a build: keeps the lines and is set by the first."""

    def __init__(self):
        super().__init__()
        self.lines = []

    def echo(self, line):
        self.lines.append(line)
        self.set()


def source(db) -> str:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("select value from glyload_meta where key = 'source'").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def paused_build(tiny_release, no_gi):
    """``start(db) -> Popen``: a tiny-release build of ``db`` held in its write phase."""
    children = []

    def start(db):
        child = subprocess.Popen(
            [sys.executable, "-c", PAUSED_BUILD, str(db), str(tiny_release),
             str(no_gi["gi_measurements"]), str(no_gi["gi_links"]), str(no_gi["fndds"])],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        children.append(child)
        assert child.stdout.readline() == "writing\n", child.stderr.read()
        return child

    yield start
    for child in children:
        if child.poll() is None:
            child.kill()
        child.wait()
        for stream in (child.stdin, child.stdout, child.stderr):
            stream.close()


# --- 2: stale temporary files ------------------------------------------------------------------


def test_build_killed_in_its_write_phase_leaves_nothing_for_long(tmp_path, paused_build, tiny_release, no_gi):
    db = tmp_path / "glyload.db"
    build_database(db, usda=tiny_release, **no_gi)
    before = db.read_bytes()
    child = paused_build(db)
    temp = atomic.temp_path(db, child.pid)
    assert temp.exists()
    child.send_signal(signal.SIGKILL)
    child.wait()
    # The kill leaves its temporary file (and the old database, untouched).
    assert temp.exists()
    assert db.read_bytes() == before
    build_database(db, usda=tiny_release, **no_gi)
    assert not temp.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp or lock file


def test_temporary_files_of_running_builds_and_other_databases_stay(tmp_path, tiny_release, no_gi):
    db = tmp_path / "glyload.db"
    running = atomic.temp_path(db, os.getppid())  # a process that is alive: pytest's parent
    other = atomic.temp_path(tmp_path / "other.db", 2**22 + 12345)  # another database's
    for path in (running, other):
        path.write_bytes(b"partial")
    build_database(db, usda=tiny_release, **no_gi)
    assert running.exists() and other.exists()


def test_stale_temps_lists_only_gone_processes(tmp_path):
    db = tmp_path / "glyload.db"
    gone = subprocess.Popen(["true"])
    gone.wait()
    stale = atomic.temp_path(db, gone.pid)
    alive = atomic.temp_path(db, os.getppid())
    lookalike = tmp_path / f".glyload.db.{gone.pid}.tmp.bak"
    for path in (stale, alive, lookalike):
        path.write_bytes(b"")
    assert atomic.stale_temps(db) == [stale]
    assert atomic.remove_stale_temps(db) == [stale]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, lookalike.name])


# --- 3: one build at a time ------------------------------------------------------------------


def test_second_build_waits_for_the_first_and_says_so(tmp_path, paused_build, tiny_release, no_gi):
    """A bundled build racing a release build: the second waits, then builds; nothing is silent."""
    db = tmp_path / "glyload.db"
    build_database(db, usda=tiny_release, **no_gi)
    first = paused_build(db)
    second = subprocess.Popen([sys.executable, "-c", "from glyload.cli import cli; cli()", "build", "--db", str(db)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert second.stderr.readline() == (
            f"glyload: another build of {db} is running (process {first.pid}); waiting for it to finish\n")
        assert second.poll() is None
        # 3 (kept): scoring during a build reads the previous database.
        result = CliRunner().invoke(cli, ["score", "--db", str(db), "--json", "1 cup cooked white rice"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["items"][0]["grams"] == 158
        first.stdin.write("go\n")
        first.stdin.flush()
        assert first.stdout.readline() == "built\n"
        out, err = second.communicate()
    finally:
        if second.poll() is None:
            second.kill()
    assert first.wait() == 0
    assert second.returncode == 0, err
    assert out.startswith(f"Built {db} from bundled: ")
    assert source(db) == "bundled"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp or lock file


def test_build_lock_waits_in_process(tmp_path, tiny_release, no_gi):
    db = tmp_path / "glyload.db"
    waiting = Heard()
    lines = waiting.lines
    echo = waiting.echo

    result = {}
    with atomic.build_lock(db):
        worker = threading.Thread(target=lambda: result.update(
            report=build_database(db, usda=tiny_release, echo=echo, **no_gi)))
        worker.start()
        assert waiting.wait(60)
        assert not db.exists()
    worker.join(60)
    assert result["report"].counts["foods"] == 4
    assert lines == [f"glyload: another build of {db} is running (process {os.getpid()}); waiting for it to finish"]
    assert not atomic.lock_path(db).exists()


def test_first_use_by_two_commands_builds_once(tmp_path, tiny_bundle):
    """The command that waited finds the database built and current: it does not build it again."""
    db = tmp_path / "glyload.db"
    waiting = Heard()
    lines = waiting.lines
    echo = waiting.echo

    with atomic.build_lock(db):
        worker = threading.Thread(target=ensure_database, args=(db, echo))
        worker.start()
        assert waiting.wait(60)
        build_database(db)
        built = db.stat().st_mtime_ns
    worker.join(60)
    assert lines == [f"glyload: another build of {db} is running (process {os.getpid()}); waiting for it to finish"]
    assert db.stat().st_mtime_ns == built


def test_lock_file_is_removed_and_reentrant(tmp_path):
    db = tmp_path / "glyload.db"
    with atomic.build_lock(db):
        assert atomic.lock_path(db).read_text() == str(os.getpid())
        with atomic.build_lock(db):
            pass
        assert atomic.lock_path(db).exists()
    assert list(tmp_path.iterdir()) == []
