"""The personal database: apart from the reference one, deduplicated on (device, timestamp)."""

import hashlib
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from glyload.cli import cli
from glyload.errors import GlyloadError
from glyload.localtime import zone
from glyload.personal import import_readings, open_personal, personal_db_path
from glyload.sources.cgm import read_cgm

NY, _ = zone("America/New_York")


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count(path):
    with sqlite3.connect(path) as conn:
        return conn.execute("select count(*) from readings").fetchone()[0]


def test_importing_the_same_export_twice_adds_nothing(tmp_path, synthetic):
    files = synthetic.write_all(tmp_path / "syn", days=4, seed=2)
    path = tmp_path / "personal.db"
    first = import_readings(path, read_cgm(files["clarity"], NY), NY.key)
    again = import_readings(path, read_cgm(files["clarity"], NY), NY.key)
    assert first["added"] == first["read"] > 1000
    assert again["added"] == 0 and again["already_there"] == first["read"]
    assert count(path) == first["read"]


def test_overlapping_exports_add_only_the_new_readings(tmp_path, synthetic):
    files = synthetic.write_all(tmp_path / "syn", days=4, seed=2)
    lines = files["clarity"].read_text().splitlines(keepends=True)
    header, body = lines[:8], lines[8:]
    early, late = tmp_path / "early.csv", tmp_path / "late.csv"
    early.write_text("".join(header + body[:700]))
    late.write_text("".join(header + body[500:]))
    path = tmp_path / "personal.db"
    import_readings(path, read_cgm(early, NY), NY.key)
    second = import_readings(path, read_cgm(late, NY), NY.key)
    assert second["already_there"] == 200
    assert count(path) == len(body)


def test_default_is_beside_the_reference_database_and_never_it(tmp_path):
    reference = tmp_path / "ref" / "glyload.db"
    assert personal_db_path(None, reference) == tmp_path / "ref" / "personal.db"
    with pytest.raises(GlyloadError, match="is the reference database"):
        personal_db_path(reference, reference)


def test_a_reference_database_is_refused_as_personal(tmp_path, built_db):
    copy = tmp_path / "copy.db"
    shutil.copyfile(built_db, copy)
    with pytest.raises(GlyloadError, match="is a glyload reference database"):
        open_personal(copy, create=True)


def test_import_never_writes_the_reference_database(tmp_path, built_db, synthetic):
    files = synthetic.write_all(tmp_path / "syn", days=2, seed=5)
    reference = tmp_path / "glyload.db"
    shutil.copyfile(built_db, reference)
    before = digest(reference)
    result = CliRunner().invoke(cli, ["glucose", "import", "--tz", "America/New_York", "--db", str(reference),
                                      str(files["clarity"])])
    assert result.exit_code == 0, result.output
    assert digest(reference) == before
    with sqlite3.connect(reference) as conn:
        tables = {n for (n,) in conn.execute("select name from sqlite_master where type = 'table'")}
    assert "readings" not in tables and "imports" not in tables
    assert count(tmp_path / "personal.db") > 500
    result = CliRunner().invoke(cli, ["glucose", "import", "--tz", "America/New_York", "--db", str(reference),
                                      "--personal-db", str(reference), str(files["clarity"])])
    assert result.exit_code == 1 and "is the reference database" in result.output
    assert digest(reference) == before


def test_env_variable_chooses_the_personal_database(tmp_path, monkeypatch, synthetic):
    files = synthetic.write_all(tmp_path / "syn", days=2, seed=5)
    target = tmp_path / "mine.db"
    monkeypatch.setenv("GLYLOAD_PERSONAL_DB", str(target))
    result = CliRunner().invoke(cli, ["glucose", "import", "--tz", "UTC", str(files["libreview"])])
    assert result.exit_code == 0, result.output
    assert f"{target}: " in result.output and count(target) > 100


def test_a_file_that_is_not_a_database_is_one_line(tmp_path, synthetic):
    files = synthetic.write_all(tmp_path / "syn", days=1, seed=5)
    bogus = tmp_path / "notes.db"
    bogus.write_text("shopping list\n" * 100)
    result = CliRunner().invoke(cli, ["glucose", "import", "--tz", "UTC", "--personal-db", str(bogus),
                                      str(files["clarity"])])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {bogus}: not a glyload personal database (")
    assert len(result.output.strip().splitlines()) == 1
