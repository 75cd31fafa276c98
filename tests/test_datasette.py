"""glyload on Datasette: metadata, SQL functions, the /-/score page, exports and safety.

Requests go to an in-process Datasette (``datasette.client``) configured by
``glyload.serve.make_app``, exactly as ``glyload serve`` runs it. Two
databases: ``built_db`` (the bundled data, from conftest) and ``gi_db``, the
bundled USDA data with a few labelled fixture GI measurements, so values
that need a GI (swaps, GL classes) are known here.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import quote_plus

import pytest

from glyload import serve
from glyload.build import build_database
from glyload.database import connect
from glyload.datasette_plugin import MAX_ITEMS, MAX_MEAL_CHARS
from glyload.errors import GlyloadError
from glyload.meal.score import score_meal

REPO = Path(__file__).resolve().parents[1]
RICE = "1 cup cooked white rice"

# Fixture GI values (entry numbers 9000x are not International Tables entries).
GI_MEASUREMENTS = """entry_no,food,country,year,tier,gi,gi_sem,subjects,reference_food,carb_portion_g,test_portion_g,note
90001,"Rice, white, boiled",Test,2020,ISO,73,4,10,Glucose,50,180,test fixture
90002,"Rice, brown, boiled",Test,2020,ISO,68,4,10,Glucose,50,208,test fixture
90003,"Rice, parboiled, boiled",Test,2020,ISO,59,3,10,Glucose,50,199,test fixture
90004,"Apple, raw",Test,2020,ISO,36,3,10,Glucose,25,219,test fixture
"""
GI_LINKS = """entry_no,food_id,match,note
90001,20045,direct,
90002,20037,direct,
90003,20047,direct,
90004,09003,direct,
"""


def run(coroutine):
    return asyncio.run(coroutine)


def get(ds, path, **kwargs):
    return run(ds.client.get(path, **kwargs))


def get_json(ds, path):
    response = get(ds, path)
    assert response.status_code == 200, response.text[:500]
    return response.json()


def rows(ds, path):
    """Rows of a table, view or query as dicts (``_shape=objects``)."""
    joiner = "&" if "?" in path else "?"
    return get_json(ds, f"{path}{joiner}_shape=objects")["rows"]


def query(db_path, sql, params=()):
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def ds(built_db):
    return serve.make_app(built_db)


@pytest.fixture(scope="module")
def gi_db(tmp_path_factory) -> Path:
    """Bundled USDA data with the fixture GI values; a file not called glyload.db."""
    folder = tmp_path_factory.mktemp("gi")
    (folder / "measurements.csv").write_text(GI_MEASUREMENTS)
    (folder / "links.csv").write_text(GI_LINKS)
    path = folder / "fixture-gi.db"
    build_database(path, gi_measurements=folder / "measurements.csv", gi_links=folder / "links.csv")
    return path


@pytest.fixture(scope="module")
def gi_ds(gi_db):
    return serve.make_app(gi_db)


def metadata():
    return json.loads((REPO / "metadata.json").read_text())


def glyload_meta():
    return metadata()["databases"]["glyload"]


# --- metadata ------------------------------------------------------------------------------


def served_tables_and_views(db_path):
    return {name: [c for (_, c, *_) in query(db_path, f"pragma table_info('{name}')")]
            for (name,) in query(db_path, "select name from sqlite_master where type in ('table', 'view') "
                                          "and name not like 'foods_fts%' and name not like 'sqlite_%'")}


def test_metadata_describes_every_table_view_and_column(built_db):
    tables = glyload_meta()["tables"]
    served = served_tables_and_views(built_db)
    assert set(served) == set(tables) == {"foods", "food_groups", "portions", "ingredients", "gi_measurements",
                                          "gi_links", "glyload_meta", "food_gl", "portion_gl", "gi_concepts",
                                          "gi_concept_entries", "gi_concept_foods", "gi_validation"}
    for name, columns in served.items():
        assert tables[name]["description"], name
        assert set(tables[name]["columns"]) == set(columns), name
        for column, text in tables[name]["columns"].items():
            assert len(text) > 10, (name, column)
            if column.endswith("_g"):
                assert " g" in text, (name, column)
            if column.endswith("_kcal"):
                assert "kcal" in text, (name, column)
            if column.endswith("_pct"):
                assert "%" in text, (name, column)


def test_metadata_configuration_refers_to_real_columns(built_db):
    served = served_tables_and_views(built_db)
    for name, table in glyload_meta()["tables"].items():
        for key in ("facets", "sortable_columns"):
            assert set(table.get(key, [])) <= set(served[name]), (name, key)
        if "label_column" in table:
            assert table["label_column"] in served[name]
    foods = glyload_meta()["tables"]["foods"]
    assert (foods["fts_table"], foods["fts_pk"], foods["label_column"]) == ("foods_fts", "rowid", "description")
    assert {"food_group", "gi_method", "gi_confidence"} <= set(foods["facets"])
    assert "gi_class" in glyload_meta()["tables"]["food_gl"]["facets"]


def test_sources_and_licences_are_cited_with_urls():
    meta = metadata()
    tables = glyload_meta()["tables"]
    usda = "https://www.ars.usda.gov/northeast-area/beltsville-md-bhnrc/"
    for name in ("foods", "food_groups", "portions"):
        assert tables[name]["source_url"].startswith(usda)
        assert "Public domain" in tables[name]["license"]
    for name in ("gi_measurements", "gi_links"):
        assert tables[name]["source_url"] == "https://doi.org/10.1093/ajcn/nqab233"
    assert "Am J Clin Nutr 2021;114(5):1625-1632" in tables["gi_measurements"]["source"]
    assert "doi.org/10.1093/ajcn/nqab233" in meta["description_html"]
    assert "fdc.nal.usda.gov" in meta["description_html"]
    assert meta["title"] and meta["about"] and meta["license"] and meta["source_url"].startswith(usda)


def test_packaged_metadata_is_served(ds):
    served = get_json(ds, "/-/metadata.json")
    assert served == metadata()
    home = get(ds, "/")
    assert home.status_code == 200
    assert "glyload: glycemic load of foods" in home.text
    assert 'href="/-/score"' in home.text
    assert "doi.org/10.1093/ajcn/nqab233" in home.text


def test_table_page_shows_column_descriptions_and_source(ds):
    page = get(ds, "/glyload/foods")
    assert page.status_code == 200
    assert "Available (glycemic) carbohydrate = carbohydrate_g - fiber_g" in page.text
    assert "Data source:" in page.text and "ars.usda.gov" in page.text
    page = get(ds, "/glyload/gi_measurements")
    assert "https://doi.org/10.1093/ajcn/nqab233" in page.text


# --- serving configuration ------------------------------------------------------------------


def test_database_is_served_as_glyload_immutable(ds, gi_ds):
    for app in (ds, gi_ds):  # gi_db's file is fixture-gi.db
        databases = get_json(app, "/-/databases.json")
        assert [(d["name"], d["is_mutable"]) for d in databases] == [("glyload", False)]


def test_settings(ds):
    settings = get_json(ds, "/-/settings.json")
    for key, value in serve.SETTINGS.items():
        assert settings[key] == value, key
    assert settings["sql_time_limit_ms"] == 1000 and settings["allow_csv_stream"] is True


def test_plugin_is_active(ds):
    plugins = {p["name"]: p for p in get_json(ds, "/-/plugins.json")}
    hooks = set(next(p for name, p in plugins.items() if "glyload" in name)["hooks"])
    assert {"prepare_connection", "register_routes", "menu_links", "asgi_wrapper"} <= hooks


def test_entry_point_declared():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["entry-points"]["datasette"] == {"glyload": "glyload.datasette_plugin"}


def test_row_counts_come_from_the_inspect_file(ds, built_db):
    inspect = json.loads(serve.inspect_path(built_db).read_text())["glyload"]
    assert inspect["tables"]["foods"]["count"] == 8789 + 5432
    assert inspect["tables"]["portions"]["count"] == 15438 + 22045
    assert inspect["hash"] == hashlib.sha256(built_db.read_bytes()).hexdigest()
    tables = {t["name"]: t for t in get_json(ds, "/glyload.json")["tables"]}
    assert tables["foods"]["count"] == 8789 + 5432 and tables["food_groups"]["count"] == 25 + 172
    assert tables["foods"]["fts_table"] == "foods_fts"


def test_inspect_file_reused_while_current_and_rebuilt_when_stale(built_db, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(built_db, db)
    cached = serve.inspect_path(db)
    assert cached == tmp_path / "copy.inspect.json"
    first = serve.ensure_inspect_file(db)
    assert cached.exists() and first["glyload"]["file"] == str(db.resolve())
    marked = json.loads(cached.read_text())
    marked["glyload"]["tables"]["foods"]["count"] = -1
    cached.write_text(json.dumps(marked))
    assert serve.ensure_inspect_file(db)["glyload"]["tables"]["foods"]["count"] == -1  # reused
    with sqlite3.connect(db) as conn:  # the database changes: the cache is stale
        conn.execute("delete from portions where food_id = '20045'")
    os.utime(cached, (1, 1))
    fresh = serve.ensure_inspect_file(db)["glyload"]["tables"]
    assert fresh["foods"]["count"] == 8789 + 5432
    assert fresh["portions"]["count"] == 15438 + 22045 - 1


def test_make_app_refuses_a_missing_database(tmp_path):
    with pytest.raises(GlyloadError, match="no such database"):
        serve.make_app(tmp_path / "nothing.db")


def test_datasette_args_match_make_app(tmp_path):
    args = serve.datasette_args(tmp_path / "glyload.db", tmp_path / "glyload.inspect.json")
    assert args[:2] == ["--immutable", str(tmp_path / "glyload.db")]
    assert args[args.index("--metadata") + 1].endswith("metadata.json")
    assert args[args.index("--inspect-file") + 1] == str(tmp_path / "glyload.inspect.json")
    settings = {args[i + 1]: args[i + 2] for i, a in enumerate(args) if a == "--setting"}
    assert settings == {k: ("on" if v else "off") if isinstance(v, bool) else str(v)
                        for k, v in serve.SETTINGS.items()}
    with pytest.raises(GlyloadError, match="name it glyload.db"):
        serve.datasette_args(tmp_path / "other.db")


def test_deploy_docs_carry_the_same_settings():
    text = (REPO / "docs" / "deploy.md").read_text()
    settings = serve.datasette_args("glyload.db")
    for i, arg in enumerate(settings):
        if arg == "--setting":
            assert f"--setting {settings[i + 1]} {settings[i + 2]}" in text, settings[i + 1]
    assert "-m metadata.json" in text and "--install" in text


# --- browse: search, facets, sorting, labels ---------------------------------------------


def test_search_lists_cooked_white_rice(ds, built_db):
    data = get_json(ds, "/glyload/foods.json?_search=rice&_shape=objects")
    ids = [row["food_id"] for row in data["rows"]]
    assert "20045" in ids
    (expected,) = query(built_db, "select count(*) from foods_fts where foods_fts match 'rice'")[0]
    assert data["filtered_table_rows_count"] == expected == 526  # 152 SR28 foods, 374 FNDDS
    page = get(ds, "/glyload/foods?_search=rice")
    assert "Rice, white, long-grain, regular, enriched, cooked" in page.text


def test_relevance_search_query(ds):
    found = rows(ds, "/glyload/search_foods.json?q=cooked+white+rice")
    assert "20045" in [row["food_id"] for row in found[:10]]
    assert all("rice" in row["description"].lower() for row in found[:10])
    assert rows(ds, "/glyload/search_foods.json?q=%22unbalanced") == []  # escaped, not an FTS syntax error


def test_configured_facets_with_counts(ds, built_db):
    data = get_json(ds, "/glyload/foods.json?_size=0&_facet_size=max")
    facets = data["facet_results"]
    assert {"food_group", "gi_method", "gi_confidence"} <= set(facets)
    counts = {item["value"]: item["count"] for item in facets["food_group"]["results"]}
    assert counts == dict(query(built_db, "select food_group, count(*) from foods group by food_group"))
    methods = {item["value"]: item["count"] for item in facets["gi_method"]["results"]}
    assert methods == dict(query(built_db, "select gi_method, count(*) from foods group by gi_method"))
    assert sum(methods.values()) == 8789 + 5432
    sources = {item["value"]: item["count"] for item in facets["source"]["results"]}
    assert sources == {"SR28": 8789, "FNDDS 2021-2023": 5432}


def test_facet_selection_filters(ds, built_db):
    data = get_json(ds, "/glyload/foods.json?food_group=Cereal+Grains+and+Pasta&_shape=objects&_size=max")
    (expected,) = query(built_db, "select count(*) from foods where food_group_id = '2000'")[0]
    assert data["filtered_table_rows_count"] == expected == len(data["rows"])
    assert {row["food_group"] for row in data["rows"]} == {"Cereal Grains and Pasta"}


def test_gi_class_facet_on_the_views(gi_ds, gi_db):
    facets = get_json(gi_ds, "/glyload/food_gl.json?_size=0")["facet_results"]
    classes = {item["value"]: item["count"] for item in facets["gi_class"]["results"]}
    assert classes == dict(query(gi_db, "select gi_class, count(*) from food_gl where gi_class is not null "
                                        "group by gi_class"))
    assert classes["high"] >= 1  # 20045 and its raw kin (GI 73)
    high = rows(gi_ds, "/glyload/food_gl.json?gi_class=high&_size=max")
    assert "20045" in [row["food_id"] for row in high]
    assert {row["gi_class"] for row in high} == {"high"}
    gl = get_json(gi_ds, "/glyload/portion_gl.json?_size=0")["facet_results"]["gl_class"]["results"]
    assert sum(item["count"] for item in gl) == query(
        gi_db, "select count(*) from portion_gl where gl_class is not null")[0][0]


def test_sorting_on_sortable_columns_only(ds, built_db):
    top = rows(ds, "/glyload/foods.json?_sort_desc=available_carbohydrate_g&_size=1")[0]
    (best,) = query(built_db, "select max(available_carbohydrate_g) from foods")[0]
    assert top["available_carbohydrate_g"] == best
    response = get(ds, "/glyload/foods.json?_sort=gi_basis")
    assert response.status_code != 200
    assert "Cannot sort table by gi_basis" in response.json()["error"]


def test_foreign_keys_are_labelled(ds):
    data = get_json(ds, "/glyload/portions.json?food_id=20045&_labels=on&_shape=objects")
    assert data["rows"][0]["food_id"] == {"value": "20045",
                                          "label": "Rice, white, long-grain, regular, enriched, cooked"}
    assert data["rows"][0]["grams"] == 158.0
    row = get_json(ds, "/glyload/foods/20045.json?_shape=objects")["rows"][0]
    assert row["available_carbohydrate_g"] == 27.77


# --- SQL functions -------------------------------------------------------------------------


def test_a_dishs_ingredients_are_reachable_from_its_row(ds):
    page = get(ds, "/glyload/foods/27540010")  # Turkey sandwich on white
    assert page.status_code == 200
    # Datasette lists the rows of other tables that point at this one (foreign keys)
    assert 'href="/glyload/ingredients?food_id=27540010"' in page.text
    found = rows(ds, "/glyload/ingredients.json?food_id=27540010&_labels=on")
    assert [(r["ingredient_code"], r["ingredient_id"]["value"], r["ingredient_id"]["label"]) for r in found] == [
        ("18069", "18069", "Bread, white, commercially prepared (includes soft bread crumbs)"),
        ("7081", "07081", "Turkey breast, sliced, prepackaged")]
    # an SR food used as an ingredient links back to the dishes holding it
    assert 'href="/glyload/ingredients?ingredient_id=07081"' in get(ds, "/glyload/foods/07081").text


def test_dish_ingredients_query(ds):
    found = rows(ds, "/glyload/dish_ingredients.json?dish=58137210")  # Pad Thai, NFS
    assert [(r["resolved_id"], r["resolved_source"]) for r in found] == [("58137230", "FNDDS 2021-2023")]
    sandwich = rows(ds, "/glyload/dish_ingredients.json?dish=27540010")
    bread = sandwich[0]
    assert bread["available_carbohydrate_in_recipe_g"] == round(60 * bread["available_carbohydrate_g"] / 100, 2)


def test_unresolved_ingredients_query_is_the_cli_list(ds, built_db):
    from glyload.database import connect
    from glyload.ingredients import unresolved

    found = rows(ds, "/glyload/unresolved_ingredients.json?_size=max")
    listed = unresolved(connect(built_db))
    assert [(r["ingredient_code"], r["dishes"]) for r in found] == [(r["ingredient_code"], r["dishes"]) for r in listed]
    assert sum(r["dishes"] for r in found) == 291


def test_facets_by_source_and_wweia_category(ds, built_db):
    fndds = get_json(ds, "/glyload/foods.json?source=FNDDS+2021-2023&_size=0&_facet_size=max")
    assert fndds["filtered_table_rows_count"] == 5432
    categories = {item["value"]: item["count"] for item in fndds["facet_results"]["food_group"]["results"]}
    assert len(categories) == 172 and categories["Pizza"] == query(
        built_db, "select count(*) from foods where food_group_id = 'WWEIA-3602'")[0][0]
    groups = get_json(ds, "/glyload/food_groups.json?_size=0")["facet_results"]["source"]["results"]
    assert {item["value"]: item["count"] for item in groups} == {"SR28": 25, "FNDDS 2021-2023": 172}


def sql(app, text):
    return get_json(app, f"/glyload.json?sql={quote_plus(text)}&_shape=array")


def test_sql_functions(ds):
    (row,) = sql(ds, "select round(glycemic_load(73, 27.77, 158), 2) as gl_rice, glycemic_load(73, 20) as gl_20g, "
                     "gi_class(55) as a, gi_class(56) as b, gi_class(69) as c, gi_class(70) as d, "
                     "gi_class(40, 0) as no_carbs, gl_class(10) as e, gl_class(10.5) as f, gl_class(20) as g, "
                     "daily_gl_class(79) as h, daily_gl_class(120) as i, daily_gl_class(121) as j, "
                     "glycemic_load(null, 20) as n1, glycemic_load(73, -1) as n2, glycemic_load('x', 1) as n3, "
                     "glycemic_load('73', '27.77', '158') as text_args, gi_class(null) as n4")
    assert row == {"gl_rice": 32.03, "gl_20g": 14.6, "a": "low", "b": "medium", "c": "medium", "d": "high",
                   "no_carbs": None, "e": "low", "f": "medium", "g": "high", "h": "low", "i": "medium",
                   "j": "high", "n1": None, "n2": None, "n3": None, "text_args": pytest.approx(32.029918),
                   "n4": None}


def test_sql_functions_agree_with_the_views(gi_ds):
    (row,) = sql(gi_ds, """
        select count(*) as portions,
          sum(abs(v.gl - round(glycemic_load(f.gi, f.available_carbohydrate_g, p.grams), 2)) > 0.005) as gl_differs,
          sum(v.gl_class is not gl_class(glycemic_load(f.gi, f.available_carbohydrate_g, p.grams))) as class_differs
        from portion_gl v join portions p on p.food_id = v.food_id and p.seq = v.seq
          join foods f on f.food_id = v.food_id
        where f.gi is not null""")
    assert row["portions"] > 1000
    assert (row["gl_differs"], row["class_differs"]) == (0, 0)
    (row,) = sql(gi_ds, "select count(*) as n, sum(gi_class is not gi_class(gi)) as differs from food_gl "
                        "where gi_method not in ('not applicable', 'unknown')")
    assert row["n"] > 100 and row["differs"] == 0


# --- canned queries --------------------------------------------------------------------------


def test_canned_queries_are_listed_with_parameters(ds):
    queries = {q["name"]: q for q in get_json(ds, "/glyload.json")["queries"]}
    assert set(queries) == {"search_foods", "lowest_gl_in_group", "swaps", "gi_coverage", "carbohydrate_density",
                            "dish_ingredients", "unresolved_ingredients"}
    page = get(ds, "/glyload/swaps")
    assert page.status_code == 200
    assert 'name="food_id"' in page.text and 'name="grams"' in page.text


def test_swaps_for_cooked_white_rice(gi_ds):
    swaps = rows(gi_ds, "/glyload/swaps.json?food_id=20045&grams=158")
    # 20045 has GI 73: 73 x 27.77 g/100 g x 158 g / 100 / 100 = 32.03
    assert {row["gl_instead"] for row in swaps} == {32.03}
    assert {row["instead_of"] for row in swaps} == {"Rice, white, long-grain, regular, enriched, cooked"}
    # Glutinous cooked rice: subgroup median GI 68 x 20.09 x 1.58 / 100 = 21.58
    assert (swaps[0]["food_id"], swaps[0]["gl"], swaps[0]["gl_saved"]) == ("20055", 21.58, 10.45)
    by_id = {row["food_id"]: row for row in swaps}
    assert by_id["20037"]["gl"] == round(68 * 23.98 * 158 / 10000, 2)  # brown rice, measured 68
    assert by_id["20047"]["gl"] == round(59 * 25.15 * 158 / 10000, 2)  # parboiled, measured 59
    assert "20058" not in by_id  # restaurant rice: 32.98 g/100 g, more GL
    assert all(row["gl"] < 32.03 and row["grams"] == 158 for row in swaps)
    assert [row["gl"] for row in swaps] == sorted(row["gl"] for row in swaps)
    default = rows(gi_ds, "/glyload/swaps.json?food_id=20045")
    assert {row["grams"] for row in default} == {100} and default[0]["food_id"] == "20055"


def test_lowest_gl_in_group(gi_ds):
    found = rows(gi_ds, "/glyload/lowest_gl_in_group.json?group=cereal+grains")
    assert found and {row["food_group"] for row in found} == {"Cereal Grains and Pasta"}
    assert [row["gl"] for row in found] == sorted(row["gl"] for row in found)
    rice = next(row for row in found if row["food_id"] == "20045")
    assert (rice["portion"], rice["grams"], rice["gl"], rice["gl_class"]) == ("cup", 158.0, 32.03, "high")
    assert len({row["food_id"] for row in found}) == len(found)  # one portion per food
    big = rows(gi_ds, "/glyload/lowest_gl_in_group.json?group=cereal+grains&min_grams=100")
    assert big and min(row["grams"] for row in big) >= 100
    assert len(big) < len(found) and "20045" in [row["food_id"] for row in big]


def test_gi_coverage(ds, built_db):
    found = rows(ds, "/glyload/gi_coverage.json?group=")
    assert sum(row["foods"] for row in found) == 8789 + 5432
    shares = {}
    for row in found:
        shares[row["food_group"]] = shares.get(row["food_group"], 0) + row["pct_of_group"]
    assert all(abs(total - 100) < 0.5 for total in shares.values()) and len(shares) == 25 + 172
    fruit = rows(ds, "/glyload/gi_coverage.json?group=fruit+juices")
    (expected,) = query(built_db, "select count(*) from foods where food_group_id = '0900'")[0]
    assert {row["food_group"] for row in fruit} == {"Fruits and Fruit Juices"}
    assert sum(row["foods"] for row in fruit) == expected


def test_carbohydrate_density(ds, built_db):
    found = rows(ds, "/glyload/carbohydrate_density.json?min_g=70&max_g=80&group=cereal+grains")
    (expected,) = query(built_db, "select count(*) from foods where available_carbohydrate_g between 70 and 80 "
                                  "and food_group_id = '2000'")[0]
    assert len(found) == expected > 0
    assert all(70 <= row["available_carbohydrate_g"] <= 80 for row in found)
    values = [row["available_carbohydrate_g"] for row in found]
    assert values == sorted(values, reverse=True)
    assert "20044" in [row["food_id"] for row in found]  # raw long-grain white rice, 78.65 g


def test_parameters_are_bound_not_spliced(ds):
    assert rows(ds, "/glyload/lowest_gl_in_group.json?group=" + quote_plus("' or 1=1 --")) == []
    assert rows(ds, "/glyload/swaps.json?food_id=" + quote_plus("20045' or '1'='1")) == []


# --- exports ------------------------------------------------------------------------------


def test_every_table_view_and_query_exports_csv_and_json(ds, built_db):
    paths = [f"/glyload/{name}" for name in served_tables_and_views(built_db)]
    paths += [f"/glyload/{name}?q=rice&group=cereal&food_id=20045&dish=58106230" for name in glyload_meta()["queries"]]
    for path in paths:
        base, _, args = path.partition("?")
        data = get_json(ds, f"{base}.json?{args}")
        assert data["rows"], path
        response = get(ds, f"{base}.csv?{args}")
        assert response.status_code == 200, path
        table = list(csv.reader(io.StringIO(response.text)))
        assert table[0] == data["columns"] and len(table) > 1, path


def test_foods_stream_as_one_csv(ds, built_db):
    response = get(ds, "/glyload/foods.csv?_stream=on&_dl=1")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    reader = list(csv.DictReader(io.StringIO(response.text)))
    assert len(reader) == 8789 + 5432
    assert len({row["food_id"] for row in reader}) == 8789 + 5432
    rice = next(row for row in reader if row["food_id"] == "20045")
    assert (rice["carbohydrate_g"], rice["fiber_g"], rice["available_carbohydrate_g"]) == ("28.17", "0.4", "27.77")


def test_json_pages_are_bounded(ds):
    data = get_json(ds, "/glyload/portions.json?_size=max")
    assert len(data["rows"]) == 1000 and data["next"]


def test_database_downloads(ds, built_db):
    response = get(ds, "/glyload.db")
    assert response.status_code == 200
    assert response.content == built_db.read_bytes()


def test_public_api_headers(ds):
    response = get(ds, "/glyload/foods.json?_size=1")
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["cache-control"] == "max-age=3600"


# --- the score page and its JSON -----------------------------------------------------------


def test_score_json_is_score_meal(ds, built_db):
    response = get(ds, f"/-/score.json?meal={quote_plus(RICE)}")
    assert response.status_code == 200
    expected = score_meal(connect(built_db), RICE)
    assert response.json() == json.loads(json.dumps(expected))
    assert response.json()["totals"]["grams"] == 158.0
    assert response.json()["totals"]["available_carbohydrate_g"] == 43.88
    assert response.json()["items"][0]["food_id"] == "20045"


def test_score_json_with_gi(gi_ds, gi_db):
    meal = "1 cup cooked white rice\n1 medium apple"
    data = get_json(gi_ds, f"/-/score.json?meal={quote_plus(meal)}")
    assert data == json.loads(json.dumps(score_meal(connect(gi_db), meal)))
    rice, apple = data["items"]
    assert (rice["gi"], rice["gl"], apple["food_id"], apple["grams"]) == (73.0, 32.03, "09003", 182.0)
    assert data["totals"]["gl"] == round(32.03 + 36 * 11.41 * 1.82 / 100, 2)
    assert data["totals"]["gl_class"] == "high"


def test_score_first_option_passes_through(ds, built_db):
    meal = "1 cup blorptastic rice"
    data = get(ds, f"/-/score.json?meal={quote_plus(meal)}&first=1").json()
    try:
        expected = json.loads(json.dumps(score_meal(connect(built_db), meal, first=True)))
    except GlyloadError as error:
        expected = {"ok": False, "error": str(error)}
    assert data == expected


@pytest.mark.parametrize("meal, message", [
    ("xyzzy", "no food matches 'xyzzy'"),
    ("", "empty meal: no food items given"),
    ("   ", "empty meal: no food items given"),
    ("rice, " * 400, f"at most {MAX_MEAL_CHARS:,} are scored"),
    ("rice, " * (MAX_ITEMS + 1), f"the meal has {MAX_ITEMS + 1} items; at most {MAX_ITEMS} are scored"),
])
def test_score_json_errors(ds, built_db, meal, message):
    response = get(ds, f"/-/score.json?meal={quote_plus(meal)}")
    assert response.status_code == 400
    data = response.json()
    assert set(data) == {"ok", "error"} and data["ok"] is False
    assert message in data["error"] and "\n" not in data["error"]


@pytest.mark.parametrize("meal", ["1 cup rice, 2 zorks of xyzzy", "1 cup cooked white rice, 0 g apple", "1/0 cup rice"])
def test_score_json_errors_are_score_meal_errors(ds, built_db, meal):
    with pytest.raises(GlyloadError) as raised:
        score_meal(connect(built_db), meal)
    response = get(ds, f"/-/score.json?meal={quote_plus(meal)}")
    assert (response.status_code, response.json()) == (400, {"ok": False, "error": str(raised.value)})


def test_score_page(ds):
    empty = get(ds, "/-/score")
    assert empty.status_code == 200
    assert '<textarea id="meal" name="meal"' in empty.text and "score-totals" not in empty.text
    page = get(ds, f"/-/score?meal={quote_plus(RICE)}")
    assert page.status_code == 200
    assert '<td class="num" id="total-grams">158</td>' in page.text
    assert '<td class="num" id="total-carbs">43.9</td>' in page.text
    assert 'href="/glyload/foods/20045"' in page.text
    assert f">{RICE}</textarea>" in page.text  # the meal stays in the form
    assert "/-/score.json?meal=1%20cup%20cooked%20white%20rice" in page.text
    assert "USDA SR28: public domain" in page.text  # footer licence


def test_score_page_shows_gl(gi_ds):
    page = get(gi_ds, f"/-/score?meal={quote_plus(RICE)}")
    assert '<td class="num" id="total-gl">32.0</td>' in page.text
    assert '<td class="num" id="total-gi">73.0</td>' in page.text
    # range: GI 73 +/- 1.96 x SEM 4 (the 95% interval of one study; no food here has 3 studies
    # to measure a between-study SD from) -> 65.2-80.8, times 43.88 g carbohydrate
    assert "Meal glycemic load <strong>32.0</strong>\n(high; range 28.6-35.5)" in page.text


def test_score_page_error(ds):
    page = get(ds, "/-/score?meal=xyzzy")
    assert page.status_code == 400
    assert '<p class="message-error" id="score-error">no food matches &#39;xyzzy&#39;</p>' in page.text
    assert "score-chart" not in page.text and "static-plugins" not in page.text  # no broken chart


# --- the score page's chart ----------------------------------------------------------------


def chart_spec(page_text: str) -> dict:
    start = page_text.index('<script type="application/json" id="score-chart-spec">')
    body = page_text[page_text.index(">", start) + 1:page_text.index("</script>", start)]
    return json.loads(body)


def test_score_page_carries_the_chart_spec(gi_ds, gi_db):
    from glyload.charts import meal_chart, meal_chart_text

    meal = "1 cup cooked white rice\n1 medium apple"
    page = get(gi_ds, f"/-/score?meal={quote_plus(meal)}")
    assert page.status_code == 200
    expected = score_meal(connect(gi_db), meal)
    assert chart_spec(page.text) == json.loads(json.dumps(meal_chart(expected)))
    assert [bar["food_id"] for bar in chart_spec(page.text)["vconcat"][0]["data"]["values"]] == ["20045", "09003"]
    for line in meal_chart_text(expected):
        assert f"<li>{line}</li>" in page.text
    rice = expected["items"][0]
    assert (f"<li>1 cup cooked white rice: GL {rice['gl']:.1f} (range {rice['gl_low']:.1f} to "
            f"{rice['gl_high']:.1f}), high for a serving.</li>") in page.text
    scripts = re.findall(r'<script src="([^"]+)"', page.text)
    assert scripts == ["/-/static-plugins/glyload/vega-5.33.1.min.js", "/-/static-plugins/glyload/vega-lite-5.23.0.min.js",
                       "/-/static-plugins/glyload/vega-embed-6.29.0.min.js", "/-/static-plugins/glyload/glyload-charts.js"]
    # The page loads nothing from other sites (links to sources are only links).
    assert not re.findall(r'<(?:script|link|img|iframe)\b[^>]*(?:src|href)="(?:https?:)?//', page.text)


def test_chart_spec_cannot_close_its_script_element(ds):
    meal = "1 cup cooked white rice </script><script>window.glyloadInjected = 1</script>"
    page = get(ds, f"/-/score?meal={quote_plus(meal)}&first=1")
    assert page.status_code == 200  # a weak match, accepted: the chart's labels carry the markup
    assert chart_spec(page.text)["vconcat"][0]["data"]["values"][0]["item"] == f"1. {meal}"
    assert "<script>window.glyloadInjected" not in page.text


def test_vendored_scripts_are_served_cached_and_compressed(ds):
    from glyload.charts import STATIC_DIR, VEGA_SCRIPTS

    for _, filename in VEGA_SCRIPTS.values():
        response = get(ds, f"/-/static-plugins/glyload/{filename}", headers={"accept-encoding": "gzip"})
        assert response.status_code == 200
        assert response.headers["content-encoding"] == "gzip"
        assert response.headers["content-type"] == "text/javascript; charset=utf-8"
        assert response.headers["cache-control"] == "max-age=31536000, immutable"
        assert response.content == (STATIC_DIR / filename).read_bytes()  # httpx undoes the gzip
    plain = get(ds, "/-/static-plugins/glyload/glyload-charts.js", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.headers["cache-control"] == "max-age=3600"
    assert b"vegaEmbed(view, spec" in plain.content
    assert get(ds, "/-/static-plugins/glyload/vega-LICENSE.txt").text.startswith("Copyright (c) 2015-2023, University of Washington")
    for missing in ("nothing.js", "charts.py", "..", "../charts.py"):
        assert get(ds, f"/-/static-plugins/glyload/{missing}").status_code in (302, 404)


@pytest.mark.parametrize("meal", ["<script>alert(1)</script>", "20045: 100 g <script>alert(1)</script>"])
def test_score_page_escapes_what_it_echoes(ds, meal):
    page = get(ds, f"/-/score?meal={quote_plus(meal)}")
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_score_link_in_menu(ds):
    for path in ("/", "/glyload/foods"):
        assert '<li><a href="/-/score">Score a meal</a></li>' in get(ds, path).text


def test_score_leaves_datasette_connections_working(ds):
    for _ in range(4):
        assert get(ds, f"/-/score.json?meal={quote_plus(RICE)}").status_code == 200
    data = get_json(ds, "/glyload/foods.json?food_id=20045&_shape=objects")
    assert data["rows"][0]["description"].startswith("Rice, white")


# --- safety --------------------------------------------------------------------------------


@pytest.mark.parametrize("method, path, kwargs", [
    ("post", "/glyload/foods", {"data": {"food_id": "x"}}),
    ("post", "/glyload/swaps", {"data": {"food_id": "20045"}}),
    ("post", "/glyload/foods/-/insert", {"json": {"row": {"food_id": "x", "description": "x"}}}),
    ("post", "/glyload/-/create", {"json": {"table": "x", "row": {"id": 1}}}),
    ("put", "/glyload/foods/20045", {}),
    ("delete", "/glyload/foods/20045", {}),
    ("post", "/-/score", {"data": {"meal": RICE}}),
])
def test_write_attempts_are_refused(ds, built_db, method, path, kwargs):
    before = hashlib.sha256(built_db.read_bytes()).hexdigest()
    response = run(getattr(ds.client, method)(path, **kwargs))
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, OPTIONS"
    assert hashlib.sha256(built_db.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("statement", [
    "update foods set gi = 1",
    "delete from foods",
    "drop table foods",
    "attach database ':memory:' as other",
    "pragma query_only = 0",
])
def test_sql_that_writes_is_refused(ds, statement):
    response = get(ds, f"/glyload.json?sql={quote_plus(statement)}")
    assert response.status_code == 400
    assert response.json()["ok"] is False


def test_connections_are_read_only(ds):
    db = ds.get_database("glyload")

    def write(conn):
        conn.execute("create table intruder (x)")

    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        run(db.execute_fn(write))


def test_sql_time_limit(ds):
    slow = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"
    response = get(ds, f"/glyload.json?sql={quote_plus(slow)}&_timelimit=100000")  # cannot raise the limit
    assert response.status_code == 400
    assert "SQL query took too long" in response.json()["error"]


# --- property: /-/score.json never answers 5xx ----------------------------------------------------

from urllib.parse import quote  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

MEAL_TEXT = st.one_of(
    st.text(max_size=120),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40).map(lambda t: f"1 cup {t}"),
    st.sampled_from([RICE, "1 cup cooked white rice, 1 medium apple", "-1 cup rice", "1e400 g rice", "0 g rice",
                     "½ cup rice", "rice" * 600, "1 cup rice\n" * 60, "\x00", "%", "&meal=", "'; drop table foods"]),
)
RAW_QUERY = st.binary(max_size=60).map(lambda raw: "".join(f"%{byte:02x}" for byte in raw))


@settings(max_examples=200, deadline=None)
@given(meal=MEAL_TEXT, first=st.sampled_from(["", "1", "0", "on", "x" * 20]))
def test_score_json_never_fails_on_the_server(ds, meal, first):
    response = get(ds, f"/-/score.json?meal={quote(meal, safe='')}&first={quote(first)}")
    assert response.status_code in (200, 400), (response.status_code, response.text[:300])
    body = response.json()
    if response.status_code == 400:
        assert body["ok"] is False and "\n" not in body["error"] and len(body["error"]) < 1000
    else:
        assert body["totals"]["grams"] > 0


@settings(max_examples=100, deadline=None)
@given(raw=RAW_QUERY, key=st.sampled_from(["meal", "first", "meal[]", "", "_"]))
def test_score_json_with_any_query_bytes(ds, raw, key):
    """Percent-encoded bytes that are not UTF-8, odd keys: an answer, never a server error."""
    response = get(ds, f"/-/score.json?{key}={raw}")
    assert response.status_code < 500, (response.status_code, response.text[:300])
    response = get(ds, f"/-/score?meal={raw}")
    assert response.status_code < 500, (response.status_code, response.text[:300])
def test_score_json_splits_a_compound_meal_as_the_cli_does(ds, built_db):
    meal = "2 eggs and 2 slices white bread"
    data = get(ds, f"/-/score.json?meal={quote_plus(meal)}").json()
    assert data == json.loads(json.dumps(score_meal(connect(built_db), meal)))
    assert [i["input"] for i in data["items"]] == ["2 eggs", "2 slices white bread"]
    assert {i["typed"] for i in data["items"]} == {meal}


def test_a_meal_asked_for_again_is_not_scored_again(ds, monkeypatch):
    """The served database is immutable, so the page keeps each meal's score (SCORE_CACHE_SIZE)."""
    from glyload import datasette_plugin

    meal = "1 cup cooked white rice, 2 large eggs"
    first = get(ds, f"/-/score.json?meal={quote_plus(meal)}").json()
    calls = []
    real = datasette_plugin.score_lines
    monkeypatch.setattr(datasette_plugin, "score_lines", lambda *a, **k: calls.append(a) or real(*a, **k))
    again = get(ds, f"/-/score.json?meal={quote_plus(meal)}").json()
    assert again == first and calls == []
    other = get(ds, f"/-/score.json?meal={quote_plus('1 medium apple')}").json()
    assert other["items"][0]["food_id"] == "09003" and len(calls) == 1
