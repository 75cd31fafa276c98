"""The diary report's measured-glucose section: each day's curve with meals by GL, GL against iAUC."""

import json
import re

import pytest
from click.testing import CliRunner

from glyload.cli import cli

TZ = "America/New_York"


def spec_of(html: str, chart_id: str) -> dict:
    match = re.search(rf'<script type="application/json" id="{chart_id}-spec">(.*?)</script>', html, re.S)
    assert match, chart_id
    return json.loads(match.group(1))


@pytest.fixture(scope="module")
def written(tmp_path_factory, synthetic, db):
    root = tmp_path_factory.mktemp("glucose-report")
    files = synthetic.write_all(root / "syn", days=7, seed=1, tz=TZ)
    common = ["--db", str(db), "--personal-db", str(root / "personal.db"), "--tz", TZ]
    assert CliRunner().invoke(cli, ["glucose", "import", *common, str(files["clarity"])]).exit_code == 0
    meals = json.loads(CliRunner().invoke(cli, ["glucose", "meals", *common, "--diary", str(files["diary"]),
                                                "--json"]).stdout)
    html_path = root / "report.html"
    result = CliRunner().invoke(cli, ["glucose", "report", *common, "--diary", str(files["diary"]),
                                      "--html", str(html_path)])
    assert result.exit_code == 0, result.output
    return result, html_path.read_text(encoding="utf-8"), meals


def test_report_is_the_diary_report_with_a_glucose_section(written):
    result, html, meals = written
    assert result.stderr.startswith("Wrote ") and "charts" in result.stderr
    assert 'id="measured-glucose"' in html and "Glycemic load per day, by meal" in html  # the diary report too
    assert "<script src=" not in html  # self-contained: the scripts are inlined


def test_each_day_has_its_curve_with_meals_labelled_by_gl(written):
    _, html, meals = written
    dates = sorted({m["date"] for m in meals["meals"]})
    assert len(dates) == 7
    for date in dates:
        spec = spec_of(html, f"glucose-day-{date}")
        layers = {layer["name"]: layer for layer in spec["layer"]}
        day_meals = [m for m in meals["meals"] if m["date"] == date]
        labels = [v["label"] for v in layers["meal_labels"]["data"]["values"]]
        assert labels == [f"{m['meal']} GL {m['gl']:.1f}" + (" (flagged)" if m["flags"] else "") for m in day_meals]
        assert len(layers["glucose"]["data"]["values"]) > 200
    fall_back = spec_of(html, "glucose-day-2024-11-03")
    assert fall_back["layer"][1]["encoding"]["x"]["scale"]["domain"] == [0, 25.0]  # the 25-hour day
    censored = {layer["name"]: layer for layer in spec_of(html, "glucose-day-2024-11-02")["layer"]}["censored"]
    assert {v["censored"] for v in censored["data"]["values"]} == {"high", "low"}


def test_fit_chart_has_the_clean_meals_and_the_fitted_line(written):
    _, html, meals = written
    spec = spec_of(html, "glucose-fit")
    layers = {layer["name"]: layer for layer in spec["layer"]}
    clean = [m for m in meals["meals"] if not m["flags"]]
    assert len(layers["meals"]["data"]["values"]) == len(clean)
    start, end = layers["fitted_line"]["data"]["values"]
    assert start == {"gl": 0, "iauc": 0}
    assert end["iauc"] / end["gl"] == pytest.approx(meals["fit"]["response_factor"]["measured"], rel=0.01)


def test_charts_draw_offline(written):
    vl_convert = pytest.importorskip("vl_convert")
    _, html, _ = written
    svg = vl_convert.vegalite_to_svg(spec_of(html, "glucose-day-2024-10-28"))
    assert ">breakfast GL " in svg and "Glucose on 2024-10-28" in svg  # drawn as text marks
