"""Personal data over HTTP: only with --personal, and beyond loopback only with --personal-public."""

import asyncio
import json
import sqlite3

import pytest
from click.testing import CliRunner

from glyload import serve
from glyload.cli import cli
from glyload.errors import GlyloadError
from glyload.localtime import zone
from glyload.personal import import_readings
from glyload.sources.cgm import read_cgm


@pytest.fixture(scope="module")
def personal_db(tmp_path_factory, synthetic):
    root = tmp_path_factory.mktemp("personal-serve")
    files = synthetic.write_all(root / "syn", days=2, seed=9)
    path = root / "personal.db"
    tz, _ = zone("America/New_York")
    import_readings(path, read_cgm(files["clarity"], tz), tz.key)
    return path


def get(ds, path):
    return asyncio.run(ds.client.get(path))


def test_without_personal_nothing_personal_is_reachable(db, personal_db):
    ds = serve.make_app(db)
    assert get(ds, "/personal.json").status_code == 404
    assert get(ds, "/personal/readings.json").status_code == 404
    assert get(ds, "/personal.db").status_code == 404
    databases = json.loads(get(ds, "/-/databases.json").text)
    assert [d["name"] for d in databases] == ["glyload"]
    assert get(ds, "/glyload.json").headers.get("access-control-allow-origin") == "*"


def test_with_personal_the_readings_are_served_read_only_without_cors(db, personal_db):
    ds = serve.make_app(db, personal_db=personal_db)
    response = get(ds, "/personal/readings.json?_shape=array&_size=2")
    assert response.status_code == 200
    rows = json.loads(response.text)
    assert rows[0]["device"] == "Dexcom 8GSYN1" and rows[0]["glucose_mg_dl"] > 0
    assert "access-control-allow-origin" not in response.headers
    assert response.headers["cache-control"] == "no-cache"  # never kept by a proxy or CDN
    post = asyncio.run(ds.client.post("/personal/readings/-/insert", json={"row": {}}))
    assert post.status_code in (403, 404, 405)


def test_the_reference_database_cannot_be_served_as_personal(db):
    with pytest.raises(GlyloadError, match="reference database"):
        serve.make_app(db, personal_db=db)


@pytest.fixture
def runs(monkeypatch):
    """Calls that ``glyload serve`` would have run (no server is started)."""
    calls = []
    monkeypatch.setattr(serve, "serve", lambda db_path, **kwargs: calls.append(kwargs))
    return calls


def test_serve_ignores_the_personal_database_without_personal(runs, db, personal_db, monkeypatch):
    monkeypatch.setenv("GLYLOAD_PERSONAL_DB", str(personal_db))
    result = CliRunner().invoke(cli, ["serve", "--db", str(db), "--host", "0.0.0.0"])
    assert result.exit_code == 0, result.output
    assert runs == [{"host": "0.0.0.0", "port": 8001, "reload": False, "personal_db": None}]


def test_personal_on_loopback_is_served(runs, db, personal_db):
    result = CliRunner().invoke(cli, ["serve", "--db", str(db), "--personal", "--personal-db", str(personal_db)])
    assert result.exit_code == 0, result.output
    assert runs[0]["personal_db"] == personal_db and runs[0]["host"] == "127.0.0.1"


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_personal_beyond_loopback_is_refused_unless_told_again(runs, db, personal_db, host):
    args = ["serve", "--db", str(db), "--personal", "--personal-db", str(personal_db), "--host", host]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and "is not loopback" in result.output and "--personal-public" in result.output
    assert runs == []
    result = CliRunner().invoke(cli, [*args, "--personal-public"])
    assert result.exit_code == 0, result.output
    assert runs[0]["personal_db"] == personal_db and runs[0]["host"] == host


def test_personal_public_alone_is_a_usage_error(runs, db):
    result = CliRunner().invoke(cli, ["serve", "--db", str(db), "--personal-public"])
    assert result.exit_code == 2 and "only goes with --personal" in result.output


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                            ("127.8.0.1", True), ("0.0.0.0", False), ("10.0.0.1", False)])
def test_loopback_hosts(host, loopback):
    assert serve.is_loopback(host) is loopback


def test_glucose_page_only_with_personal(db, personal_db, tmp_path):
    assert get(serve.make_app(db), "/-/glucose").status_code == 404
    response = get(serve.make_app(db, personal_db=personal_db), "/-/glucose")
    assert response.status_code == 200 and "No meals yet" in response.text
    assert "access-control-allow-origin" not in response.headers


def test_glucose_page_shows_the_kept_meals(db, tmp_path, synthetic):
    files = synthetic.write_all(tmp_path / "syn", days=3, seed=4)
    personal = tmp_path / "personal.db"
    common = ["--db", str(db), "--personal-db", str(personal), "--tz", "America/New_York"]
    assert CliRunner().invoke(cli, ["glucose", "import", *common, str(files["clarity"])]).exit_code == 0
    result = CliRunner().invoke(cli, ["glucose", "meals", *common, "--diary", str(files["diary"]), "--save", "--json"])
    assert result.exit_code == 0, result.output
    meals = json.loads(result.stdout)["meals"]
    assert f"Kept {len(meals)} meals" in result.stderr
    html = get(serve.make_app(db, personal_db=personal), "/-/glucose").text
    assert 'id="glucose-fit"' in html
    for date in sorted({m["date"] for m in meals}):
        assert f'id="glucose-day-{date}"' in html
    # saved twice: the same meals, not twice as many
    CliRunner().invoke(cli, ["glucose", "meals", *common, "--diary", str(files["diary"]), "--save"])
    with sqlite3.connect(personal) as conn:
        assert conn.execute("select count(*) from meal_responses").fetchone()[0] == len(meals)
