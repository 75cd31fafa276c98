"""`pip install .` carries the bundled data, the Datasette metadata and the plugin."""

import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    builders = pytest.importorskip("hatchling.builders.wheel", reason="hatchling (the build backend) not installed")
    out = tmp_path_factory.mktemp("wheel")
    [artifact] = list(builders.WheelBuilder(str(ROOT)).build(directory=str(out), versions=["standard"]))
    return zipfile.ZipFile(artifact)


def test_wheel_carries_bundled_data(wheel):
    names = set(wheel.namelist())
    for path in ROOT.joinpath("data").rglob("*"):
        if path.is_file():
            assert f"glyload/data/{path.relative_to(ROOT / 'data').as_posix()}" in names
    assert wheel.read("glyload/data/usda/foods.csv") == (ROOT / "data" / "usda" / "foods.csv").read_bytes()


def test_wheel_carries_metadata_templates_and_entry_points(wheel):
    names = set(wheel.namelist())
    assert "glyload/metadata.json" in names
    assert "glyload/templates/glyload_score.html" in names
    [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    text = wheel.read(entry_points).decode()
    assert "glyload = glyload.cli:cli" in text
    assert "[datasette]" in text and "glyload = glyload.datasette_plugin" in text


def test_wheel_carries_the_vendored_chart_scripts(wheel):
    from glyload.charts import EMBED_SCRIPT, STATIC_DIR, VEGA_SCRIPTS

    names = set(wheel.namelist())
    for package, (version, filename) in VEGA_SCRIPTS.items():
        assert wheel.read(f"glyload/static/{filename}") == (STATIC_DIR / filename).read_bytes()
        assert f"glyload/static/{package}-LICENSE.txt" in names
        assert version in wheel.read("glyload/static/README.md").decode()
    assert f"glyload/static/{EMBED_SCRIPT}" in names
    assert "glyload/templates/glyload_report.html" in names  # the diary report's template
    assert "glyload/static/THIRD-PARTY-NOTICES.txt" in names
