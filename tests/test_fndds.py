"""``glyload.sources.fndds``: the FNDDS workbooks and the tidy extract, and FNDDS in the build."""

from __future__ import annotations

import builtins
import csv
import shutil
import sqlite3

import pytest

from glyload.build import build_database
from glyload.errors import DataError, GlyloadError
from glyload.paths import data_dir
from glyload.sources import fndds
from glyload.sources.fndds import ingredient_reference, read_tidy, read_workbooks, split_amount, write_tidy

BUNDLED = data_dir() / "fndds"


# --- portions: amount and measure ---------------------------------------------------------------


@pytest.mark.parametrize(("published", "amount", "measure"), [
    ("1 sandwich", 1.0, "sandwich"),
    ("1 nugget", 1.0, "nugget"),
    ("1 piece, NFS", 1.0, "piece, NFS"),
    ("1/2 cup", 0.5, "cup"),
    ("1/4 cup, raw (equivalent to 1 large egg) yields", 0.25, "cup, raw (equivalent to 1 large egg) yields"),
    ("10 chips", 10.0, "chips"),
    ("1 1/2 cups", 1.5, "cups"),
    ("Quantity not specified", 1.0, "Quantity not specified"),
    ("Guideline amount per cup of hot cereal", 1.0, "Guideline amount per cup of hot cereal"),
    ("1-3 ring thin pretzel", 1.0, "1-3 ring thin pretzel"),  # a pretzel shape, not a range
    ('1" wedge', 1.0, '1" wedge'),
    ("1/0 cup", 1.0, "1/0 cup"),
])
def test_split_amount(published, amount, measure):
    assert split_amount(published) == (amount, measure)


@pytest.mark.parametrize(("code", "reference"), [
    ("1077", ("SR", "01077")), ("20045", ("SR", "20045")), ("58106230", ("FNDDS", "58106230")),
    ("100295", None), ("907971", None), ("999328", None),
])
def test_ingredient_reference(code, reference):
    assert ingredient_reference(code) == reference


# --- the bundled extract -------------------------------------------------------------------------


def test_bundled_extract_counts_and_spot_checks():
    data = read_tidy(BUNDLED)
    assert (len(data.foods), len(data.portions), len(data.ingredients)) == (5432, 22046, 18584)
    foods = {f.food_id: f for f in data.foods}
    rice = foods["56205008"]  # the spot check of shared/data/README.md
    assert rice.description == "Rice, white, cooked, no added fat"
    assert (rice.nutrients["carbohydrate_g"], rice.nutrients["fiber_g"]) == (27.99, 0.4)
    assert (rice.wweia_category, rice.wweia_description) == (4002, "Rice")
    assert foods["11000000"].nutrients == {c: None for c in fndds.NUTRIENT_COLUMNS}  # no nutrient row
    nuggets = {p.description: p.grams for p in data.portions if p.food_id == "24198729"}
    assert nuggets["1 nugget"] == 16.0 and "Quantity not specified" in nuggets


def test_tidy_files_are_utf8_lf_with_header():
    for name, columns in (("foods.csv", fndds.FOOD_COLUMNS), ("portions.csv", fndds.PORTION_COLUMNS),
                          ("ingredients.csv", fndds.INGREDIENT_COLUMNS)):
        text = (BUNDLED / name).read_bytes()
        assert b"\r" not in text
        assert text.decode("utf-8").splitlines()[0] == ",".join(columns)


def test_round_trip(tmp_path):
    data = read_tidy(BUNDLED)
    counts = write_tidy(data, tmp_path)
    assert counts == {"foods.csv": 5432, "portions.csv": 22046, "ingredients.csv": 18584}
    for name in counts:
        assert (tmp_path / name).read_bytes() == (BUNDLED / name).read_bytes(), name


@pytest.fixture
def tidy_copy(tmp_path):
    directory = tmp_path / "fndds"
    shutil.copytree(BUNDLED, directory)
    return directory


def replace_line(path, number, text):
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[number - 1] = text + "\n"
    path.write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize(("name", "number", "text", "message"), [
    ("portions", 3, "11000000,2,Quantity not specified,lots", "column grams: 'lots' is not a number$"),
    ("portions", 2, "99999999,1,1 cup,246", "portion of unknown food '99999999'$"),
    ("foods", 2, '1100000,"Milk, human",,9602,Human milk,,,,,,,', "food code '1100000' is not 8 digits$"),
    ("ingredients", 2, '11100000,1,1077,"Milk, whole",0,0,0',
     "ingredient 'Milk, whole' of food 11100000 must weigh more"),
])
def test_a_bad_row_names_file_and_line(tidy_copy, name, number, text, message):
    path = tidy_copy / f"{name}.csv"
    replace_line(path, number, text)
    with pytest.raises(DataError, match=rf"^{path}:{number}: {message}"):
        read_tidy(tidy_copy)


def test_missing_column(tidy_copy):
    path = tidy_copy / "ingredients.csv"
    text = path.read_text(encoding="utf-8").replace(",retention_code", "", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=rf"^{path}:1: missing column\(s\): retention_code$"):
        read_tidy(tidy_copy)


# --- the official workbooks ------------------------------------------------------------------------


HEADINGS = {kind: list(headings) for kind, (_, headings) in fndds.WORKBOOKS.items()}
TITLE = "{} \n2021-2023 Food and Nutrient Database for Dietary Studies - At A Glance"


def write_workbooks(directory, rows=None, title=TITLE, drop_heading=None):
    """Four tiny workbooks in the official shape: title row, header row, data rows."""
    openpyxl = pytest.importorskip("openpyxl")
    rows = rows or {
        "foods": [[58106230, "Pizza, cheese, thick crust", "pan pizza", 3602, "Pizza"],
                  [58106210, "Pizza, cheese, NS as to type of crust", None, 3602, "Pizza"]],
        "nutrients": [[58106230, 33.17, 2.2, 3.34, 271, 10.81, 10.54, 43.05],
                      [58106210, 33.33, 2.3, 3.4, 270, 11, 10, 43]],
        "portions": [[58106230, 1, "1 piece", 123], [58106230, 2, "Quantity not specified", 123.0]],
        "ingredients": [[58106230, 1, 21300, "Fast Food, Pizza Chain, 14\" pizza", 100, 0, 0],
                        [58106210, 1, 58106230, "Pizza, cheese, thick crust", 100, 0, -2.5]],
    }
    directory.mkdir(exist_ok=True)
    for kind, (ending, _) in fndds.WORKBOOKS.items():
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append([title.format(ending[:-5])])
        headings = [h.replace(" (", "\n(") for h in HEADINGS[kind] if h != drop_heading]
        sheet.append(headings)
        for row in rows[kind]:
            sheet.append(row)
        workbook.save(directory / f"2021-2023 FNDDS At A Glance - {ending}")
    return directory


def test_read_workbooks(tmp_path):
    data = read_workbooks(write_workbooks(tmp_path / "wb"))
    assert data.source == "FNDDS 2021-2023"
    pizza = data.foods[0]
    assert (pizza.food_id, pizza.additional_descriptions, pizza.wweia_category) == ("58106230", "pan pizza", 3602)
    assert pizza.nutrients["carbohydrate_g"] == 33.17 and pizza.nutrients["energy_kcal"] == 271.0
    assert [(p.seq, p.description, p.grams) for p in data.portions] == [
        (1, "1 piece", 123.0), (2, "Quantity not specified", 123.0)]
    assert [(i.ingredient_code, i.moisture_change_pct) for i in data.ingredients] == [("21300", 0.0), ("58106230", -2.5)]


def test_workbook_and_tidy_extract_agree(tmp_path):
    data = read_workbooks(write_workbooks(tmp_path / "wb"))
    write_tidy(data, tmp_path / "tidy")
    again = read_tidy(tmp_path / "tidy")
    assert [f.row() for f in again.foods] == [f.row() for f in data.foods]
    assert [p.row() for p in again.portions] == [p.row() for p in data.portions]
    assert [i.row() for i in again.ingredients] == [i.row() for i in data.ingredients]


def test_workbook_without_title_row(tmp_path):
    directory = write_workbooks(tmp_path / "wb", title="{}")
    with pytest.raises(DataError, match=r"Foods and Beverages\.xlsx:1: expected the FNDDS title row"):
        read_workbooks(directory)


def test_workbook_missing_column_names_row_2(tmp_path):
    directory = write_workbooks(tmp_path / "wb", drop_heading="Retention code")
    with pytest.raises(DataError, match=r"FNDDS Ingredients\.xlsx:2: missing column\(s\): Retention code$"):
        read_workbooks(directory)


def test_workbook_bad_number_names_row(tmp_path):
    directory = write_workbooks(tmp_path / "wb")
    openpyxl = pytest.importorskip("openpyxl")
    path = next(directory.glob("*Portions and Weights.xlsx"))
    workbook = openpyxl.load_workbook(path)
    workbook.active["D4"] = "heavy"
    workbook.save(path)
    with pytest.raises(DataError, match=rf"^{path}:4: column Portion weight \(g\): 'heavy' is not a number$"):
        read_workbooks(directory)


def test_missing_workbook(tmp_path):
    directory = write_workbooks(tmp_path / "wb")
    next(directory.glob("*FNDDS Ingredients.xlsx")).unlink()
    with pytest.raises(DataError, match=r"no FNDDS workbook '\*FNDDS Ingredients\.xlsx' in this directory"):
        read_workbooks(directory)


def test_missing_openpyxl_is_one_line_naming_the_extra(tmp_path, monkeypatch):
    directory = write_workbooks(tmp_path / "wb")
    real_import = builtins.__import__

    def no_openpyxl(name, *args, **kwargs):
        if name == "openpyxl":
            raise ImportError("No module named 'openpyxl'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_openpyxl)
    with pytest.raises(GlyloadError) as caught:
        read_workbooks(directory)
    assert str(caught.value) == "reading the FNDDS workbooks needs openpyxl: pip install 'glyload[fndds]'"


def test_run_time_never_imports_openpyxl(built_db):
    import subprocess
    import sys

    code = ("import sys; from glyload.database import connect; from glyload.meal.score import score_meal; "
            f"score_meal(connect({str(built_db)!r}), '6 chicken nuggets'); print('openpyxl' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"


# --- the official release, when ../shared is present ------------------------------------------------


@pytest.fixture(scope="session")
def fndds_dir(shared_data):
    from conftest import shared_release

    return shared_release(shared_data, "fndds-2021-2023")


def test_committed_extract_is_a_fresh_extract_of_the_workbooks(fndds_dir, tmp_path):
    """data/fndds is regenerated by scripts/extract_fndds.py, never edited by hand."""
    pytest.importorskip("openpyxl")
    write_tidy(read_workbooks(fndds_dir), tmp_path)
    for name in fndds.FILES.values():
        fresh, bundled = (tmp_path / name).read_bytes(), (BUNDLED / name).read_bytes()
        if fresh != bundled:
            fresh_lines, bundled_lines = fresh.splitlines(), bundled.splitlines()
            first = next((i for i, (a, b) in enumerate(zip(fresh_lines, bundled_lines)) if a != b),
                         min(len(fresh_lines), len(bundled_lines)))
            pytest.fail(f"data/fndds/{name} differs from a fresh extract at line {first + 1}; "
                        "rerun scripts/extract_fndds.py")


def test_build_from_the_workbooks_equals_the_bundled_build(fndds_dir, built_db, tmp_path):
    pytest.importorskip("openpyxl")
    db = tmp_path / "from-workbooks.db"
    build_database(db, fndds=fndds_dir)
    for sql in ("select * from foods order by food_id", "select * from portions order by food_id, seq",
                "select * from ingredients order by food_id, seq", "select * from food_groups order by 1"):
        with sqlite3.connect(db) as a, sqlite3.connect(built_db) as b:
            assert a.execute(sql).fetchall() == b.execute(sql).fetchall(), sql


# --- FNDDS in the database -----------------------------------------------------------------------


def rows(conn, sql, params=()):
    return [tuple(row) for row in conn.execute(sql, params)]


def test_fndds_foods_have_source_wweia_group_and_carbohydrate(conn):
    assert rows(conn, "select source, food_group_id, food_group, additional_descriptions, carbohydrate_g, fiber_g, "
                      "available_carbohydrate_g from foods where food_id = '56205008'") == [
        ("FNDDS 2021-2023", "WWEIA-4002", "Rice", "basmati or jasmine rice", 27.99, 0.4, 27.59)]
    assert rows(conn, "select name, source from food_groups where food_group_id = 'WWEIA-3602'") == [
        ("Pizza", "FNDDS 2021-2023")]
    assert rows(conn, "select count(*) from food_groups where food_group_id like 'WWEIA-%'") == [(172,)]
    assert rows(conn, "select distinct length(food_id) from foods where source = 'FNDDS 2021-2023'") == [(8,)]
    assert rows(conn, "select distinct length(food_id) from foods where source = 'SR28'") == [(5,)]


def test_fndds_portions_split_into_amount_and_measure(conn):
    portions = rows(conn, "select amount, description, grams from portions where food_id = '24198729' order by seq")
    assert (1.0, "nugget", 16.0) in portions
    assert any(d == "Quantity not specified" for _, d, _ in portions)
    assert rows(conn, "select count(*) from portions where grams <= 0") == [(0,)]
    # the one 0 g portion published (human milk, "Quantity not specified") is left out
    assert rows(conn, "select description from portions where food_id = '11000000' order by seq") == [("cup",), ("fl oz",)]


def test_ingredients_resolve_to_sr_or_fndds_foods(conn):
    assert rows(conn, "select ingredient_code, ingredient_id from ingredients where food_id = '11100000' "
                      "and seq = 1") == [("1077", "01077")]
    assert rows(conn, "select ingredient_code, ingredient_id from ingredients where food_id = '71102980'") == [
        ("71103000", "71103000")]
    resolved = dict(rows(conn, "select coalesce(f.source, 'none'), count(*) from ingredients i "
                               "left join foods f on f.food_id = i.ingredient_id group by 1"))
    assert resolved == {"SR28": 14079, "FNDDS 2021-2023": 4214, "none": 291}
    assert rows(conn, "select ingredient_id from ingredients where ingredient_code = '100295' limit 1") == [(None,)]


def test_build_note_names_the_zero_gram_portion(tmp_path):
    report = build_database(tmp_path / "glyload.db")
    assert report.notes == ["left out FNDDS portion 'Quantity not specified' of food 11000000 (published as 0 g)"]


def test_ingredient_cycle_is_refused(tmp_path, tiny_release, no_gi):
    directory = tmp_path / "cycle"
    write_tidy(fndds.FnddsData(
        foods=[fndds.FnddsFood(("f", 2), "11111111", "Dish A", None, 3002, "Meat mixed dishes"),
               fndds.FnddsFood(("f", 3), "22222222", "Dish B", None, 3002, "Meat mixed dishes")],
        portions=[],
        ingredients=[fndds.Ingredient(("i", 2), "11111111", 1, "22222222", "Dish B", 50, 0, 0),
                     fndds.Ingredient(("i", 3), "22222222", 1, "11111111", "Dish A", 50, 0, 0)]), directory)
    db = tmp_path / "glyload.db"
    with pytest.raises(DataError, match="holds .*, which holds .* again"):
        build_database(db, usda=tiny_release, gi_measurements=no_gi["gi_measurements"],
                       gi_links=no_gi["gi_links"], fndds=directory)
    assert not db.exists()


def test_bundled_wweia_numbers_cannot_collide_with_sr_group_codes():
    with open(data_dir() / "usda" / "food_groups.csv", newline="", encoding="utf-8") as handle:
        sr = {row["food_group_id"] for row in csv.DictReader(handle)}
    assert all(code.isdigit() and len(code) == 4 for code in sr)
    assert not {f"WWEIA-{f.wweia_category}" for f in read_tidy(BUNDLED).foods} & sr


def test_cli_build_from_workbooks(tmp_path, tiny_release, no_gi_args):
    from click.testing import CliRunner

    from glyload.cli import cli

    directory = write_workbooks(tmp_path / "wb")
    db = tmp_path / "glyload.db"
    args = ["build", "--db", str(db), "--usda", str(tiny_release), *no_gi_args[:4], "--fndds", str(directory)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Built {db} from {tiny_release}: 5 food_groups, 6 foods, 15 portions, "
                                    "2 ingredients")
    with sqlite3.connect(db) as conn:
        assert conn.execute("select value from glyload_meta where key = 'fndds_source'").fetchone() == (
            str(directory),)
        # 21300 is an SR28 food the tiny release lacks: it resolves to nothing
        assert conn.execute("select ingredient_code, ingredient_id from ingredients order by food_id").fetchall() == [
            ("58106230", "58106230"), ("21300", None)]


def test_cli_build_with_bad_workbook_keeps_the_database(tmp_path, tiny_release, no_gi, no_gi_args):
    from click.testing import CliRunner

    from glyload.cli import cli

    db = tmp_path / "glyload.db"
    build_database(db, usda=tiny_release, **no_gi)
    before = db.read_bytes()
    directory = write_workbooks(tmp_path / "wb", title="{}")
    result = CliRunner().invoke(cli, ["build", "--db", str(db), "--usda", str(tiny_release), *no_gi_args[:4],
                                      "--fndds", str(directory)])
    assert result.exit_code == 1
    last = result.stderr.splitlines()[-1]  # after the progress lines of --usda
    assert last.startswith("Error: ") and last.endswith("Beverages.xlsx:1: expected the FNDDS title row "
                                                         "('YYYY-YYYY Food and Nutrient Database for Dietary Studies ...')")
    assert db.read_bytes() == before
