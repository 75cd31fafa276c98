"""``scripts/extract_gi.py``: the name-cleaning rules, one test per kind of extraction damage.

Each case is a real entry of the International Tables 2021 extraction, as extracted.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "extract_gi.py"


@pytest.fixture(scope="module")
def extract():
    spec = importlib.util.spec_from_file_location("extract_gi", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def clean(extract, name, next_name=None):
    notes = []
    return extract.clean_food(name, notes, next_name), notes


@pytest.mark.parametrize(("entry", "name", "own"), [
    (1148, "Watermelon (Citrullus lanatus), raw, yellow-fleshed, seedless Watermelon, mean of four foods",
     "Watermelon (Citrullus lanatus), raw, yellow-fleshed, seedless"),
    (634, "Long-grain rice (Indica-type long-grain rice, polished), cooked 15 min Rice long grain, mean of six foods",
     "Long-grain rice (Indica-type long-grain rice, polished), cooked 15 min"),
    (268, "White bread White wheat flour bread, mean of 35 foods", "White bread"),
    (1185, "Apple juice, mean of five foods Apple and blackcurrant juice, no added sugar (Berri Ltd, Australia)",
     "Apple and blackcurrant juice, no added sugar (Berri Ltd, Australia)"),
    (375, "Cornflakes, mean of 10 foods Cornflakes, Crunchy Nut™ (Kellogg’s, Australia)",
     "Cornflakes, Crunchy Nut™ (Kellogg’s, Australia)"),
    (521, "Uncle Toby’s® Milk and Oats, Vanilla cereal bar Breakfast cereal bars, mean of 16 foods",
     "Uncle Toby’s® Milk and Oats, Vanilla cereal bar"),
    (977, "Milk rice pudding, Yoplait Le Rice®, Vanilla flavor (National Foods Ltd) Milk rice pudding, Yoplait Le "
          "Rice, mean of 10 foods", "Milk rice pudding, Yoplait Le Rice®, Vanilla flavor (National Foods Ltd)"),
    (925, "Ice cream, low-fat, Vanilla Bean flavor (ProYo, USA) Ice-cream, reduced- or low-fat, mean of 17 foods",
     "Ice cream, low-fat, Vanilla Bean flavor (ProYo, USA)"),
    (1049, "Yoghurt, probiotic, raspberry All Yoghurts, mean of 72 studies", "Yoghurt, probiotic, raspberry All"),
])
def test_foreign_mean_of_n_foods_label_is_cut_whichever_side(extract, entry, name, own):
    food, notes = clean(extract, name)
    assert food == own, entry
    assert any("summary label" in n for n in notes)


def test_footnote_text_is_cut(extract):
    food, notes = clean(extract, "Average carbohydrate portion = 5 g, this value was used to Cashew nuts, salted "
                                 "(Coles Supermarkets, Australia)")  # entry 1431
    assert food == "Cashew nuts, salted (Coles Supermarkets, Australia)"
    assert notes == ["footnote text 'Average carbohydrate portion = ...' cut from the name"]


def test_next_heading_after_a_maker_is_cut(extract):
    # entry 1202; entry 1203 is "Watermelon (Citrullus lanatus), raw, red-fleshed, ... juice"
    food, notes = clean(extract, "Tomato juice, canned, no added sugar (Berri Ltd, Australia) Watermelon juice",
                        "Watermelon (Citrullus lanatus), raw, red-fleshed, seedless, blended")
    assert food == "Tomato juice, canned, no added sugar (Berri Ltd, Australia)"
    assert notes == ["next heading 'Watermelon juice' cut from the name"]
    # the same text is kept when the next entry starts otherwise: nothing says it is a heading
    kept, _ = clean(extract, "Tomato juice, canned, no added sugar (Berri Ltd, Australia) Watermelon juice",
                    "Tomato juice, low sodium")
    assert kept.endswith("Watermelon juice")


def test_next_section_heading_in_capitals_is_cut(extract):
    food, notes = clean(extract, "Mixed nuts, roasted and salted PASTA and NOODLES")  # entry 1433
    assert food == "Mixed nuts, roasted and salted"
    assert notes == ["next heading 'PASTA and NOODLES' cut from the name"]


def test_next_heading_after_a_summary_label_is_cut(extract):
    food, notes = clean(extract, "Rice, whole-meal, parboiled (Riso Blond Integrale, Riso Gallo, Italy) Parboiled "
                                 "rice, mean of 10 studies Wheat")  # entry 700
    assert food == "Rice, whole-meal, parboiled (Riso Blond Integrale, Riso Gallo, Italy)"
    assert "next heading 'Wheat' cut from the name" in notes


@pytest.mark.parametrize(("name", "own"), [
    ("Average carbohydrate portion = 20 g, this value was used to Green banana/plantain (Musa sapientum) Green "
     "banana, peeled, boiled 10 min", "Green banana, peeled, boiled 10 min"),  # entry 1790
    ("Average carbohydrate portion = 5 g, this value was used Cashew nuts Cashew nuts", "Cashew nuts"),  # 3236
    ("ASIAN Bubur mandao", "Bubur mandao"),  # entry 3775
])
def test_heading_before_the_name_is_cut(extract, name, own):
    food, notes = clean(extract, name)
    assert food == own
    assert any(n.startswith("heading ") for n in notes)


def test_footnote_digits_are_cut(extract):
    food, notes = clean(extract, "Gingerbread11 Gingerbread, mean of three studies")  # entry 31
    assert food == "Gingerbread"
    assert "footnote digits '11' cut from the name" in notes


def test_clean_names_are_left_alone(extract):
    for name in ("Spaghetti, white, boiled", "Potato, novel clone, selection 4",
                 "Long grain, boiled (Star Brand, Goudas Food Products, Canada)"):
        assert clean(extract, name) == (name, [])


def test_measurement_keeps_the_text_as_extracted_and_the_study(extract):
    row = {"entry_no": 1148, "tier": "ISO", "food": "Watermelon (Citrullus lanatus), raw, yellow-fleshed, seedless "
           "Watermelon, mean of four foods", "country": "Malaysia", "year": "2017*", "gi": 47.0, "gi_sem": 2.0,
           "subjects": "Normal, 14", "n_subjects": 14, "carb_portion_g": 25.0, "test_portion_g": 233.0,
           "reference_food": "Glucose, 2h", "ref_no": "96"}
    clean_row = extract.measurement(row)
    assert clean_row["food"] == "Watermelon (Citrullus lanatus), raw, yellow-fleshed, seedless"
    assert clean_row["food_as_extracted"] == row["food"]
    assert extract.measurement({**row, "food": clean_row["food"]})["food_as_extracted"] is None  # only when it differs
    assert (clean_row["study"], clean_row["gi"], clean_row["subjects"]) == ("96", 47.0, 14)
