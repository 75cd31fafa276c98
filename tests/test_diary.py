"""Food diaries (``glyload diary``): per-meal and per-day sums equal the items scored one by one."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict

import pytest
from click.testing import CliRunner

from glyload import glycemic
from glyload.cli import cli
from glyload.diary import score_diary
from glyload.errors import GlyloadError
from glyload.meal.score import score_meal

MEAL_KEYS = ["date", "meal", "items", "grams", "available_carbohydrate_g", "gl", "gl_class", "gi",
             "gi_class", "measured_carb_share"]
DAY_KEYS = ["date", "meals", "grams", "available_carbohydrate_g", "gl", "gl_class", "gi", "gi_class",
            "measured_carb_share"]
CSV_COLUMNS = ["level", "date", "meal", "items", "grams", "available_carbohydrate_g", "gl", "gl_class",
               "gi", "gi_class", "measured_carb_share"]

# Text rows that repeat, food_id rows, a meal name reused on another day, a not-applicable food.
ROWS = [
    ("2024-01-01", "breakfast", "1 medium apple", "", ""),
    ("2024-01-01", "breakfast", "", "20045", "150"),
    ("2024-01-01", "lunch", "1 cup cooked white rice", "", ""),
    ("2024-01-01", "lunch", "1 medium apple", "", ""),
    ("2024-01-01", "lunch", "2 slices white bread", "", ""),
    ("2024-01-02", "breakfast", "1 medium apple", "", ""),
    ("2024-01-02", "breakfast", "1 cup milk", "", ""),
    ("2024-01-02", "dinner", "1 large egg", "", ""),
    ("2024-01-02", "dinner", "", "09003", "100"),
    ("2024-01-02", "dinner", "1 cup cooked white rice", "", ""),
]


@pytest.fixture
def diary_file(tmp_path):
    def write(rows=ROWS, header="date,meal,item,food_id,grams", name="diary.csv"):
        path = tmp_path / name
        out = io.StringIO()
        out.write(header + "\n")
        writer = csv.writer(out, lineterminator="\n")
        for row in rows:
            writer.writerow(row) if isinstance(row, tuple) else out.write(row + "\n")
        path.write_text(out.getvalue(), encoding="utf-8")
        return path

    return write


def run(db, *args):
    return CliRunner().invoke(cli, ["diary", "--db", str(db), *args])


def assert_one_line_error(result, *fragments):
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def item_scores(conn, rows=ROWS):
    """Each row scored on its own with score_meal: [(date, meal, item dict)]."""
    out = []
    for date, meal, item, food_id, grams in rows:
        text = item if item else f"{food_id}: {grams} g"
        out.append((date, meal, score_meal(conn, text)["items"][0]))
    return out


def expected_sums(scored, key):
    groups = defaultdict(list)
    for date, meal, item in scored:
        groups[key(date, meal)].append(item)
    out = {}
    for name, items in groups.items():
        carbs = sum(i["available_carbohydrate_g"] for i in items)
        rated = [i for i in items if i["gi_method"] != "not applicable"]
        rated_carbs = sum(i["available_carbohydrate_g"] for i in rated)
        out[name] = {
            "grams": sum(i["grams"] for i in items),
            "carbs": carbs,
            "gl": sum(i["gi"] * i["available_carbohydrate_g"] / 100 for i in items),
            # Meal GI leaves out "not applicable" items, as the meal scorer does.
            "gi": None if rated_carbs == 0 else sum(
                i["gi"] * i["available_carbohydrate_g"] for i in rated) / rated_carbs,
            "measured": sum(i["available_carbohydrate_g"] for i in items if i["gi_method"] in ("direct", "related")),
            "items": len(items),
        }
    return out


def test_meals_and_days_equal_the_items_scored_one_by_one(conn, diary_file):
    scored = item_scores(conn)
    result = score_diary(conn, diary_file())
    assert list(result) == ["meals", "days"]

    meals = expected_sums(scored, lambda date, meal: (date, meal))
    assert [(m["date"], m["meal"]) for m in result["meals"]] == list(meals)
    for record in result["meals"]:
        want = meals[(record["date"], record["meal"])]
        assert record["items"] == want["items"]
        assert record["grams"] == pytest.approx(want["grams"], abs=0.05)
        assert record["available_carbohydrate_g"] == pytest.approx(want["carbs"], abs=0.02)
        assert record["gl"] == pytest.approx(want["gl"], abs=0.02)
        assert record["gi"] == pytest.approx(want["gi"], abs=0.06)
        assert record["gl_class"] == glycemic.gl_class(record["gl"])
        assert record["gi_class"] == glycemic.gi_class(record["gi"])
        assert record["measured_carb_share"] == pytest.approx(want["measured"] / want["carbs"], abs=0.002)

    days = expected_sums(scored, lambda date, meal: date)
    assert [d["date"] for d in result["days"]] == list(days)
    for record in result["days"]:
        want = days[record["date"]]
        assert record["meals"] == len({m for d, m, _ in scored if d == record["date"]})
        assert record["gl"] == pytest.approx(want["gl"], abs=0.03)
        assert record["available_carbohydrate_g"] == pytest.approx(want["carbs"], abs=0.03)
        assert record["gi"] == pytest.approx(want["gi"], abs=0.06)
        # The day's GL is the sum of its meals' GL.
        meal_gl = sum(m["gl"] for m in result["meals"] if m["date"] == record["date"])
        assert record["gl"] == pytest.approx(meal_gl, abs=0.02)
        assert record["gl_class"] == glycemic.daily_gl_class(record["gl"])


def test_meal_uses_serving_thresholds_and_day_uses_daily_thresholds(conn, diary_file):
    """Rice alone for lunch is a high-GL meal (>= 20) inside a low-GL day (< 80)."""
    result = score_diary(conn, diary_file([("2024-03-01", "lunch", "1 cup cooked white rice", "", "")]))
    meal, day = result["meals"][0], result["days"][0]
    assert meal["gl"] == day["gl"]
    assert 20 <= meal["gl"] < 80
    assert meal["gl_class"] == "high"
    assert day["gl_class"] == "low"


def grams_for_daily_gl(conn, food_id, gl):
    gi, carbs = conn.execute("select gi, available_carbohydrate_g from foods where food_id = ?",
                             (food_id,)).fetchone()
    return gl * 100 * 100 / (gi * carbs)


@pytest.mark.parametrize(("target", "expected"), [
    (50, "low"), (79, "low"), (81, "medium"), (100, "medium"), (119, "medium"), (121, "high"), (300, "high"),
])
def test_daily_class_thresholds(conn, diary_file, target, expected):
    """Daily GL: low < 80, medium 80-120, high > 120 (split over three meals)."""
    grams = grams_for_daily_gl(conn, "20045", target) / 3
    rows = [("2024-02-02", meal, "", "20045", f"{grams:.4f}") for meal in ("breakfast", "lunch", "dinner")]
    day = score_diary(conn, diary_file(rows))["days"][0]
    assert day["gl"] == pytest.approx(target, abs=0.05)
    assert day["gl_class"] == expected


def test_day_without_carbohydrate(conn, diary_file):
    result = score_diary(conn, diary_file([("2024-01-05", "dinner", "", "04053", "30")]))
    day = result["days"][0]
    assert day["gl"] == 0.0 and day["gl_class"] == "low"
    assert day["gi"] is None and day["gi_class"] is None and day["measured_carb_share"] is None


def test_food_id_and_grams_only_diary(conn, diary_file):
    rows = [("2024-01-01", "b", "20045", "150"), ("2024-01-01", "b", "09003", "100")]
    result = score_diary(conn, diary_file(rows, header="date,meal,food_id,grams"))
    meal = result["meals"][0]
    assert meal["items"] == 2 and meal["grams"] == 250.0
    rice, apple = (score_meal(conn, t)["items"][0] for t in ("20045: 150 g", "09003: 100 g"))
    assert meal["gl"] == pytest.approx(rice["gl"] + apple["gl"], abs=0.01)


def test_item_only_diary_with_spaces_and_capitals(conn, diary_file):
    rows = [("2024-01-01", "b", "1 medium apple"), ("2024-01-01", "b", "1 medium apple")]
    result = score_diary(conn, diary_file(rows, header="Date, Meal, Item"))
    assert result["meals"][0]["items"] == 2
    assert result["meals"][0]["grams"] == 364.0


# --- CLI shapes --------------------------------------------------------------------------------


def test_cli_json(db, conn, diary_file):
    path = diary_file()
    result = run(db, "--json", str(path))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["meals", "days"]
    assert all(list(m) == MEAL_KEYS for m in data["meals"])
    assert all(list(d) == DAY_KEYS for d in data["days"])
    assert data == json.loads(json.dumps(score_diary(conn, path)))


def test_cli_csv(db, conn, diary_file):
    path = diary_file()
    result = run(db, "--csv", str(path))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == CSV_COLUMNS
    scored = score_diary(conn, path)
    meals = [r for r in rows if r["level"] == "meal"]
    days = [r for r in rows if r["level"] == "day"]
    assert len(meals) == len(scored["meals"]) and len(days) == len(scored["days"])
    assert [float(r["gl"]) for r in days] == [d["gl"] for d in scored["days"]]
    assert all(r["meal"] == "" for r in days)
    assert [int(r["items"]) for r in days] == [d["meals"] for d in scored["days"]]


def test_cli_table(db, conn, diary_file):
    path = diary_file()
    result = run(db, str(path))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "daily GL" in out and "daily class" in out
    for day in score_diary(conn, path)["days"]:
        line = next(l for l in out.splitlines() if l.startswith(day["date"]) and day["gl_class"] in l
                    and f"{day['gl']:.1f}" in l)
        assert line


def test_cli_json_and_csv_together(db, diary_file):
    assert run(db, "--json", "--csv", str(diary_file())).exit_code == 2


# --- bad diaries: one line naming file:line -----------------------------------------------------------


def test_missing_meal_column(db, diary_file):
    path = diary_file([("2024-01-01", "1 medium apple")], header="date,item")
    assert_one_line_error(run(db, str(path)), f"{path}:1:", "missing column", "meal")


def test_missing_item_and_food_id_columns(db, diary_file):
    path = diary_file([("2024-01-01", "b", "x")], header="date,meal,what")
    assert_one_line_error(run(db, str(path)), f"{path}:1:", "item")


def test_non_numeric_grams(db, diary_file):
    path = diary_file([("2024-01-01", "b", "20045", "150"), ("2024-01-01", "b", "20045", "abc")],
                      header="date,meal,food_id,grams")
    assert_one_line_error(run(db, str(path)), f"{path}:3:", "'abc'")


@pytest.mark.parametrize("grams", ["0", "-5", "nan", "inf", "", "30000"])
def test_bad_grams(db, diary_file, grams):
    path = diary_file([("2024-01-01", "b", "20045", "150"), ("2024-01-01", "b", "20045", grams)],
                      header="date,meal,food_id,grams")
    assert_one_line_error(run(db, str(path)), f"{path}:3:", "grams")


def test_unknown_food_id(db, diary_file):
    path = diary_file([("2024-01-01", "b", "20045", "150"), ("2024-01-01", "b", "99999", "100")],
                      header="date,meal,food_id,grams")
    assert_one_line_error(run(db, str(path)), f"{path}:3:", "'99999'")


def test_bad_item_text(db, diary_file):
    path = diary_file([("2024-01-01", "b", "1 medium apple", "", ""), ("2024-01-01", "b", "3 blorps of rice", "", "")])
    assert_one_line_error(run(db, str(path)), f"{path}:3:", "blorps")


def test_weak_match_and_first(db, diary_file):
    path = diary_file([("2024-01-01", "b", "black coffee", "", "")])
    assert_one_line_error(run(db, str(path)), f"{path}:2:", "did you mean")
    result = run(db, "--first", "--json", str(path))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["meals"][0]["items"] == 1


def test_row_without_item_or_food_id(db, diary_file):
    path = diary_file([("2024-01-01", "b", "1 medium apple", "", ""), ("2024-01-01", "b", "", "", "")])
    assert_one_line_error(run(db, str(path)), f"{path}:3:", "needs an item")


def test_header_only(db, diary_file):
    assert_one_line_error(run(db, str(diary_file([]))), "no rows")


def test_empty_file(db, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    assert_one_line_error(run(db, str(path)), str(path))


def test_binary_file(db, tmp_path):
    path = tmp_path / "diary.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    assert_one_line_error(run(db, str(path)), "not a UTF-8 CSV file")


def test_directory_is_a_usage_error(db, tmp_path):
    result = run(db, str(tmp_path))
    assert result.exit_code == 2
    assert "is a directory" in result.stderr


def test_score_diary_raises_glyload_error(conn, diary_file):
    path = diary_file([("2024-01-01", "b", "20045", "x")], header="date,meal,food_id,grams")
    with pytest.raises(GlyloadError, match=rf"^{path}:2: "):
        score_diary(conn, path)


def test_line_numbers_count_blank_lines(db, diary_file):
    path = diary_file(["2024-01-01,b,20045,150", "", "2024-01-01,b,20045,abc"], header="date,meal,food_id,grams")
    assert path.read_text().splitlines()[3] == "2024-01-01,b,20045,abc"
    assert_one_line_error(run(db, str(path)), f"{path}:4:")


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize("date, reason", [
    ("2026-13-45", "month must be in 1..12"),
    ("2026-02-30", "day is out of range for month"),
    ("yesterday", "not in the form YYYY-MM-DD"),
    ("20260105", "not in the form YYYY-MM-DD"),
    ("2026-1-5", "not in the form YYYY-MM-DD"),
    ("05/01/2026", "not in the form YYYY-MM-DD"),
    ("2026-W01-1", "not in the form YYYY-MM-DD"),
    ("", "not in the form YYYY-MM-DD"),
])
def test_dates_must_be_real_iso_dates(db, diary_file, date, reason):
    path = diary_file(["2026-01-05,lunch,1 cup cooked white rice,,", f"{date},dinner,1 medium apple,,"])
    result = run(db, str(path))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr == f"Error: {path}:3: date {date!r} is not a real date: {reason}\n"


def test_iso_dates_with_spaces_around_are_read(db, conn, diary_file):
    path = diary_file(["2024-02-29 ,lunch,1 cup cooked white rice,,", " 2024-02-29,dinner,1 medium apple,,"])
    days = score_diary(conn, path)["days"]
    assert [(day["date"], day["meals"]) for day in days] == [("2024-02-29", 2)]


# --- property: any file gives exit 0 or 1 and one line, never a traceback ---------------------

import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

FIELD_ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs",))
FIELD = st.one_of(
    st.text(FIELD_ALPHABET, max_size=30),
    st.sampled_from(["1 cup cooked white rice", "1 medium apple", "20045", "158", "-1", "nan", "inf", "1e400",
                     "2026-01-05", "2026-13-45", "yesterday", "\x00", '"', ",", "\r\n", "lunch", "  ", "½ cup rice"]),
)
HEADER = st.one_of(
    st.sampled_from(["date,meal,item", "date,meal,food_id,grams", "date,meal,item,food_id,grams",
                     "Date , Meal , ITEM", "date,item", "meal,food_id,grams"]),
    st.text(FIELD_ALPHABET, max_size=40),
)
CSV_ROWS = st.lists(st.lists(FIELD, min_size=0, max_size=6).map(",".join), max_size=6)
DIARY_TEXT = st.one_of(
    st.tuples(HEADER, CSV_ROWS).map(lambda parts: "\n".join([parts[0], *parts[1]]) + "\n"),
    st.text(FIELD_ALPHABET, max_size=200),
)


def assert_one_line_outcome(result):
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(DIARY_TEXT.map(lambda text: text.encode("utf-8")), st.binary(max_size=200)))
def test_any_diary_file_gives_one_line_or_a_result(db, content):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "diary.csv"
        path.write_bytes(content)
        assert_one_line_outcome(run(db, str(path)))
        assert_one_line_outcome(run(db, str(path), "--json"))


def test_nul_character_in_an_item_is_located(db, tmp_path):
    """Found by the property test: pandas' == drops a trailing NUL, so the line lookup failed."""
    path = tmp_path / "diary.csv"
    path.write_bytes(b"date,meal,item\n2026-01-01,lunch,\x00\n")
    result = run(db, str(path))
    assert result.exit_code == 1
    assert result.stderr == f'Error: {path}:2: item contains a control character (U+0000): "\\x00"\n'


def test_food_id_without_carbohydrate_value(db, diary_file):
    path = diary_file([("2024-01-01", "b", "", "11000000", "100")])
    assert_one_line_error(run(db, str(path)), f"{path}:2:", "food 11000000 has no carbohydrate value")
def test_a_compound_item_is_one_row_per_food(conn, diary_file):
    """The diary reads items through the meal scorer's entrance: "X and Y" is two foods."""
    path = diary_file([("2024-01-01", "breakfast", "2 eggs and 2 slices white bread", "", "")])
    meal = score_diary(conn, path)["meals"][0]
    parts = score_meal(conn, "2 eggs and 2 slices white bread")
    assert meal["items"] == 2
    assert meal["grams"] == pytest.approx(parts["totals"]["grams"])
    assert meal["gl"] == pytest.approx(parts["totals"]["gl"], abs=0.01)
def test_food_id_without_carbohydrate_value(db, diary_file):
    path = diary_file([("2024-01-01", "b", "", "11000000", "100")])
    assert_one_line_error(run(db, str(path)), f"{path}:2:", "food 11000000 has no carbohydrate value")
