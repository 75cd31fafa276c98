"""glyload check, and the quick check that build and serve run: on really damaged files.

A corrupted file here is a real one: a copy of the bundled build with one
b-tree page overwritten by garbage, so SQLite itself finds the damage.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from glyload import check as check_module
from glyload import serve
from glyload.build import build_database
from glyload.check import check_database, quick_check
from glyload.cli import cli
from glyload.errors import StorageError

CHECKS = ["SQLite integrity check", "glyload metadata", "fingerprint", "row counts", "foreign keys",
          "full-text index"]


def count(path, table) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        conn.close()


def corrupt_page_of(path, table: str) -> None:
    """Overwrite the root b-tree page of ``table`` with garbage (an interior page marker, then 0xFF)."""
    conn = sqlite3.connect(path)
    (root,) = conn.execute("select rootpage from sqlite_master where name = ?", (table,)).fetchone()
    (page_size,) = conn.execute("pragma page_size").fetchone()
    conn.close()
    with open(path, "r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\x0d" + b"\xff" * (page_size - 1))


@pytest.fixture
def damaged(built_db, tmp_path):
    path = tmp_path / "glyload.db"
    shutil.copyfile(built_db, path)
    corrupt_page_of(path, "portions")
    return path


@pytest.fixture
def editable(built_db, tmp_path):
    path = tmp_path / "glyload.db"
    shutil.copyfile(built_db, path)
    return path


def invoke(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def test_check_of_the_bundled_build(built_db):
    result = invoke("check", "--db", built_db)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"Checking {built_db}"
    assert [line.split("  ")[0] for line in lines[3:]] == CHECKS
    assert all("  ok  " in line for line in lines[3:])
    foods, portions = (count(built_db, table) for table in ("foods", "portions"))
    assert f" food_groups, {foods:,} foods, {portions:,} portions, " in result.stdout


def test_check_json(built_db):
    result = invoke("check", "--db", built_db, "--json")
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert [c["check"] for c in report["checks"]] == CHECKS
    counts = next(c for c in report["checks"] if c["check"] == "row counts")
    assert counts["detail"].startswith(f"{count(built_db, 'food_groups')} food_groups, {count(built_db, 'foods'):,} foods, ")


def test_check_finds_a_corrupted_page(damaged):
    result = invoke("check", "--db", damaged)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    # What SQLite names depends on the page hit ("database disk image is malformed", or the page's own
    # problem): the report shows it on the integrity check's one line.
    assert re.search(r"^SQLite integrity check +FAILED +\S", result.stdout, re.M), result.stdout
    assert result.stderr.splitlines() == [
        f"Error: {damaged}: 2 of 6 checks failed (SQLite integrity check, foreign keys); "
        "rebuild it with 'glyload build'"]
    problems = quick_check(damaged)
    assert problems and all("\n" not in p for p in problems)


def test_check_finds_missing_rows_and_broken_references(editable):
    foods = count(editable, "foods")
    conn = sqlite3.connect(editable)
    with conn:
        conn.execute("delete from foods where food_id = '20045'")  # its portions now name a missing food
    conn.close()
    report = check_database(editable)
    failed = {c["check"]: c["detail"] for c in report["checks"] if not c["ok"]}
    assert set(failed) == {"row counts", "foreign keys", "full-text index"}
    assert failed["row counts"] == f"foods has {foods - 1:,} rows, {foods:,} when built"
    assert " row " in failed["foreign keys"]
    assert "names a missing foods" in failed["foreign keys"]
    assert failed["full-text index"] == f"foods_fts indexes {foods:,} foods of {foods - 1:,}"


def test_check_finds_a_stale_fingerprint_and_schema(editable):
    conn = sqlite3.connect(editable)
    with conn:
        conn.execute("update glyload_meta set value = '0000' where key = 'fingerprint'")
        conn.execute("update glyload_meta set value = '0' where key = 'schema_version'")
    conn.close()
    failed = {c["check"]: c["detail"] for c in check_database(editable, quick=True)["checks"] if not c["ok"]}
    assert set(failed) == {"glyload metadata", "fingerprint"}
    assert failed["fingerprint"].startswith("built from other bundled data (0000, now ")


def test_check_does_not_build(tmp_path):
    result = invoke("check", "--db", tmp_path / "none.db")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'none.db'}: cannot read the database: No such file or directory\n"
    assert list(tmp_path.iterdir()) == []


def test_commands_on_a_corrupted_page_fail_in_one_line(damaged):
    result = invoke("score", "--db", damaged, "1 cup cooked white rice")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {damaged}: cannot read the database: the file is corrupted (database disk "
                             "image is malformed); rebuild it with 'glyload build' ('glyload check' reports the "
                             "damage)\n")


def test_serve_refuses_a_corrupted_database(damaged, monkeypatch):
    with pytest.raises(StorageError) as caught:
        serve.make_app(damaged)
    message = str(caught.value)
    assert message.startswith(f"{damaged}: cannot serve the database: it failed SQLite's quick check (")
    assert "\n" not in message

    def started(*args, **kwargs):
        raise AssertionError("glyload serve started a server on a damaged database")

    monkeypatch.setattr(serve, "make_server", started)
    result = invoke("serve", "--db", damaged, "--port", "0")
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1
    assert "cannot serve the database: it failed SQLite's quick check" in result.stderr


def test_build_quick_checks_before_the_rename(tiny_release, no_gi, tmp_path, monkeypatch):
    """The new file is damaged after it was written: the build fails and keeps the old database."""
    db = tmp_path / "glyload.db"
    build_database(db, usda=tiny_release, **no_gi)
    before = db.read_bytes()
    real = check_module.quick_check

    def damage_then_check(path):
        corrupt_page_of(path, "portions")
        return real(path)

    monkeypatch.setattr(check_module, "quick_check", damage_then_check)
    with pytest.raises(StorageError) as caught:
        build_database(db, usda=tiny_release, **no_gi)
    assert str(caught.value) == (f"{db}: cannot build the database: the new file failed SQLite's quick check "
                                 "(database disk image is malformed); the previous database was left as it was")
    assert db.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp or lock file
