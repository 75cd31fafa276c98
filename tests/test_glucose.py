"""Measured glucose end to end: import, meal responses, the fit, the JSON contract, the CLI."""

import json

import pytest
from click.testing import CliRunner

from glyload.cli import cli
from glyload.glucose import MEAL_KEYS

TZ = "America/New_York"


@pytest.fixture(scope="module")
def days(tmp_path_factory, synthetic):
    """14 synthetic days across the 2024-11-03 fall-back, in all layouts (LibreView also in mmol/L, US dates)."""
    root = tmp_path_factory.mktemp("synthetic")
    files = synthetic.write_all(root / "eu", days=14, seed=1, tz=TZ)
    files["libreview_us_mmol"] = synthetic.write_all(root / "us", days=14, seed=1, tz=TZ, libre_unit="mmol/L",
                                                     libre_locale="us")["libreview"]
    return files


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def meals_json(db, personal, diary, *extra):
    result = invoke("glucose", "meals", "--db", db, "--personal-db", personal, "--tz", TZ, "--diary", diary,
                    "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def imported(days, db, tmp_path_factory):
    """One personal database per layout."""
    root = tmp_path_factory.mktemp("personal")
    out = {}
    for name in ("clarity", "libreview", "plain", "libreview_us_mmol"):
        out[name] = root / f"{name}.db"
        result = invoke("glucose", "import", "--db", db, "--personal-db", out[name], "--tz", TZ, days[name])
        assert result.exit_code == 0, result.output
    return out


def test_clarity_and_libreview_of_the_same_days_give_the_same_iaucs(days, imported, db):
    clarity = meals_json(db, imported["clarity"], days["diary"])["meals"]
    libre = meals_json(db, imported["libreview"], days["diary"])["meals"]
    pairs = [(c["iauc_mg_dl_min"], l["iauc_mg_dl_min"]) for c, l in zip(clarity, libre)
             if not c["flags"] and not l["flags"]]
    assert len(pairs) >= 30
    for c, l in pairs:
        assert l == pytest.approx(c, rel=0.01)


def test_mmol_us_libreview_reads_the_same_days(days, imported, db):
    mg = meals_json(db, imported["libreview"], days["diary"])["meals"]
    mmol = meals_json(db, imported["libreview_us_mmol"], days["diary"])["meals"]
    assert [m["readings"] for m in mg] == [m["readings"] for m in mmol]
    for a, b in zip(mg, mmol):
        if not a["flags"]:
            # 0.1 mmol/L steps are 1.8 mg/dL: each reading and the baseline move by <= 0.9 mg/dL,
            # so over 120 min the area can move by at most (0.9 + 0.9) x 120 = 216 mg/dL x min.
            assert abs(b["iauc_mg_dl_min"] - a["iauc_mg_dl_min"]) <= 216


def test_json_is_exactly_the_contract(days, imported, db):
    report = meals_json(db, imported["clarity"], days["diary"])
    assert set(report) == {"meals", "fit"}
    assert all(tuple(meal) == MEAL_KEYS for meal in report["meals"])
    first = report["meals"][0]
    assert (first["date"], first["time"], first["meal"]) == ("2024-10-28", "07:30", "breakfast")
    # the scorer's GL of the meal's typed items (yogurt and an apple)
    import csv

    from glyload.database import connect
    from glyload.meal.score import score_meal

    with open(days["diary"], newline="") as handle:
        typed = [row["item"] for row in csv.DictReader(handle)
                 if (row["date"], row["time"], row["meal"]) == ("2024-10-28", "07:30", "breakfast")]
    expected = score_meal(connect(db), "\n".join(typed))["totals"]["gl"]
    assert first["gl"] == pytest.approx(expected, abs=0.02)
    assert first["readings"] == 28  # -15 to 120 min every 5 min
    fit = report["fit"]
    clean = [m for m in report["meals"] if not m["flags"] and m["iauc_mg_dl_min"] is not None]
    assert fit["clean_meals"] == len(clean) and fit["flagged_meals"] == len(report["meals"]) - len(clean)
    assert fit["r_gl_iauc"]["n"] == len(clean)
    # The synthetic person responds about 100 mg/dL x min per GL unit (their white rice 1.3x, lentils 0.7x).
    assert 80 < fit["response_factor"]["measured"] < 120
    assert fit["r_gl_iauc"]["r"] > fit["r_carbohydrate_iauc"]["r"]
    rice = [f for f in fit["foods"] if f["food_id"] == "20045"]
    assert rice and rice[0]["relative_response"] > 1.05 and "personal" in rice[0]["kind"]
    assert any("Wolever" in line for line in fit["context"])


def test_flagged_meals_are_listed_not_fitted(days, imported, db):
    report = meals_json(db, imported["clarity"], days["diary"])
    flagged = [m for m in report["meals"] if m["flags"]]
    assert {"censored", "gap"} <= {f for m in flagged for f in m["flags"]}
    assert report["fit"]["clean_meals"] + len(flagged) == len(report["meals"])


def test_a_snack_inside_the_window_flags_both_meals(tmp_path, imported, db):
    diary = tmp_path / "diary.csv"
    diary.write_text("date,time,meal,item\n2024-10-29,12:15,lunch,1 cup cooked spaghetti\n"
                     "2024-10-29,13:15,snack,1 medium apple\n2024-10-29,18:30,dinner,1 cup cooked white rice\n")
    meals = meals_json(db, imported["clarity"], diary)["meals"]
    assert [m["flags"] for m in meals] == [["overlapping_meal"], ["overlapping_meal"], []]


def test_food_id_rows_and_shrinkage_option(tmp_path, imported, db):
    diary = tmp_path / "diary.csv"
    diary.write_text("date,time,meal,food_id,grams\n2024-10-28,12:15,lunch,20045,158\n"
                     "2024-10-28,18:30,dinner,20045,200\n2024-10-29,12:15,lunch,20045,100\n")
    report = meals_json(db, imported["clarity"], diary, "--prior-factor", "50")
    assert report["meals"][0]["available_carbohydrate_g"] == pytest.approx(43.88, abs=0.01)  # 158 g x 27.77 %
    factor = report["fit"]["response_factor"]
    assert factor["prior"] == 50 and factor["shrunk"] is not None
    assert min(factor["measured"], 50) <= factor["shrunk"] <= max(factor["measured"], 50)


def test_table_output_and_the_fit_lines(days, imported, db):
    result = invoke("glucose", "meals", "--db", db, "--personal-db", imported["clarity"], "--tz", TZ,
                    "--diary", days["diary"])
    assert result.exit_code == 0, result.output
    assert "iAUC mg/dL*min" in result.output and "Pearson r, predicted GL vs iAUC" in result.output
    assert "Personal response factor" in result.output and "Context: Wolever et al. 2006" in result.output


def test_meal_in_a_skipped_hour_is_an_error(tmp_path, imported, db):
    diary = tmp_path / "diary.csv"
    diary.write_text("date,time,meal,item\n2024-03-10,02:30,snack,1 medium apple\n")
    result = invoke("glucose", "meals", "--db", db, "--personal-db", imported["clarity"], "--tz", TZ,
                    "--diary", diary)
    assert result.exit_code == 1
    assert f"{diary}:2: time 02:30 on 2024-03-10 does not exist in America/New_York" in result.output


def test_meal_in_the_repeated_hour_is_flagged(tmp_path, imported, db):
    diary = tmp_path / "diary.csv"
    diary.write_text("date,time,meal,item\n2024-11-03,01:30,snack,1 medium apple\n")
    meals = meals_json(db, imported["clarity"], diary)["meals"]
    assert "ambiguous_time" in meals[0]["flags"]


def test_two_devices_need_a_choice(tmp_path, days, db):
    personal = tmp_path / "both.db"
    for name in ("clarity", "libreview"):
        assert invoke("glucose", "import", "--db", db, "--personal-db", personal, "--tz", TZ, days[name]).exit_code == 0
    result = invoke("glucose", "meals", "--db", db, "--personal-db", personal, "--tz", TZ, "--diary", days["diary"])
    assert result.exit_code == 1 and "choose one with --device" in result.output
    report = meals_json(db, personal, days["diary"], "--device", "Dexcom 8GSYN1")
    assert report["fit"]["device"] == "Dexcom 8GSYN1"


def test_no_readings_for_the_diary(tmp_path, imported, db):
    diary = tmp_path / "diary.csv"
    diary.write_text("date,time,meal,item\n2030-01-01,08:00,breakfast,1 medium apple\n")
    result = invoke("glucose", "meals", "--db", db, "--personal-db", imported["clarity"], "--tz", TZ,
                    "--diary", diary)
    assert result.exit_code == 1 and "no glucose readings between" in result.output


def test_import_reports_and_bad_file_errors(tmp_path, days, db):
    personal = tmp_path / "p.db"
    result = invoke("glucose", "import", "--db", db, "--personal-db", personal, "--tz", TZ, days["clarity"])
    assert result.exit_code == 0
    assert "Dexcom Clarity export (mg/dL)" in result.output and "repeated hour" in result.output
    again = invoke("glucose", "import", "--db", db, "--personal-db", personal, "--tz", TZ, days["clarity"])
    assert ": 0 added," in again.output
    assert again.output.splitlines()[-1] == result.output.splitlines()[-1]  # the count is unchanged
    bad = tmp_path / "bad.csv"
    bad.write_text(days["clarity"].read_text().replace(",EGV,,,,iOS G6,89,", ",EGV,,,,iOS G6,8x9,", 1))
    result = invoke("glucose", "import", "--db", db, "--personal-db", personal, "--tz", TZ, bad)
    assert result.exit_code == 1 and result.output.strip() == f"Error: {bad}:9: glucose '8x9' is not a number, High or Low"
    result = invoke("glucose", "import", "--db", db, "--personal-db", personal, "--tz", TZ, days["diary"])
    assert result.exit_code == 1 and "it is a food diary" in result.output


def test_summary(imported, db):
    result = invoke("glucose", "summary", "--db", db, "--personal-db", imported["plain"], "--json")
    assert result.exit_code == 0, result.output
    (device,) = json.loads(result.stdout)["devices"]
    assert device["device"] == "synthetic sensor" and device["censored_low"] > 0 and device["censored_high"] > 0
    assert device["gmi_percent"] == round(3.31 + 0.02392 * device["mean_mg_dl"], 2)


def test_readme_glucose_examples_are_real_output(tmp_path, monkeypatch, synthetic, db):
    """The README's measured-glucose blocks are what these commands print on the generator's data."""
    import re
    import shlex
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    blocks = re.findall(r"<!-- glucose-example: glyload (.+?) -->\n```\n(.*?)```", readme, re.S)
    assert len(blocks) == 3
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GLYLOAD_PERSONAL_DB", "personal.db")
    synthetic.main(["synthetic", "--days", "7"])
    for command, expected in blocks:
        result = CliRunner().invoke(cli, [*shlex.split(command), "--db", str(db)])
        assert result.exit_code == 0, result.output
        assert result.stdout == expected, command


def test_an_item_that_cannot_be_scored_names_its_line(tmp_path, imported, db):
    diary = tmp_path / "diary.csv"
    diary.write_text("date,time,meal,item,food_id,grams\n2024-10-28,07:30,breakfast,1 medium apple,,\n"
                     "2024-10-28,07:30,breakfast,1 cup zzqxv,,\n")
    result = invoke("glucose", "meals", "--db", db, "--personal-db", imported["clarity"], "--tz", TZ, "--diary", diary)
    assert result.exit_code == 1 and f"{diary}:3:" in result.output and "zzqxv" in result.output
    diary.write_text("date,time,meal,item,food_id,grams\n2024-10-28,07:30,breakfast,,20045,-5\n")
    result = invoke("glucose", "meals", "--db", db, "--personal-db", imported["clarity"], "--tz", TZ, "--diary", diary)
    assert result.exit_code == 1 and f"{diary}:2: grams '-5' must be a number above 0" in result.output


def test_spring_forward_trace_imports_without_duplicates_or_gaps(tmp_path, synthetic, db):
    """A device clock that follows the zone skips 02:00-02:59 on 2024-03-10: readings stay 5 min apart."""
    import sqlite3
    from datetime import datetime

    files = synthetic.write_all(tmp_path / "syn", days=8, seed=2, start="2024-03-04", gaps=False, warmup=False,
                                extremes=False)
    assert "2024-03-10T02:" not in files["clarity"].read_text()
    personal = tmp_path / "p.db"
    result = invoke("glucose", "import", "--db", db, "--personal-db", personal, "--tz", TZ, files["clarity"])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(personal) as conn:
        stamps = [datetime.fromisoformat(t[:-1]) for (t,) in conn.execute("select timestamp from readings order by 1")]
    assert {(b - a).total_seconds() for a, b in zip(stamps, stamps[1:])} == {300.0}
    meals = meals_json(db, personal, files["diary"])["meals"]
    assert all(m["readings"] == 28 for m in meals if "overlapping_meal" not in m["flags"])
