"""Variety words (``glyload.meal.variety``): a typed variety's measured GI, or a named word."""

from __future__ import annotations

import pytest

from glyload.database import dict_rows
from glyload.meal.score import score_meal


def variety_entries(conn, word: str, head: str) -> list[dict]:
    return [r for r in dict_rows(conn, "select * from gi_measurements where lower(food) like ?", (f"%{word}%",))
            if head in r["food"].lower() and " with " not in r["food"].lower() and " and " not in r["food"].lower()]


@pytest.mark.parametrize("word", ["jasmine", "basmati"])
def test_rice_variety_carries_its_measured_gi(conn, word):
    entries = variety_entries(conn, word, "rice")
    assert entries, f"the bundled GI data needs {word} rice measurements"
    item = score_meal(conn, f"1 cup cooked {word} rice")["items"][0]
    assert "rice" in item["food"].lower() and 150 <= item["grams"] <= 170  # USDA has no such rice alone
    assert word not in item["food"].lower()
    assert item["gi_method"] == "variety"
    assert min(r["gi"] for r in entries) <= item["gi"] <= max(r["gi"] for r in entries)
    note = next(n for n in item["notes"] if n.startswith(f"{word}: GI"))
    assert "International Tables 2021 entries" in note
    assert item["unused_words"] == []


def test_jasmine_rice_is_scored_higher_than_plain_long_grain(conn):
    plain = score_meal(conn, "1 cup cooked white rice")["items"][0]
    jasmine = score_meal(conn, "1 cup cooked jasmine rice")["items"][0]
    assert jasmine["gi"] > plain["gi"]  # the International Tables measure jasmine rice higher


def test_variety_counts_as_measured_carbohydrate(conn):
    assert score_meal(conn, "1 cup cooked jasmine rice")["totals"]["measured_carb_share"] == 1.0


def test_an_unmeasured_variety_word_is_named_not_dropped(conn):
    """No International Tables entry names "carolina" rice: the word is named, the food's GI kept."""
    assert not variety_entries(conn, "carolina", "rice")
    item = score_meal(conn, "1 cup cooked carolina white rice", first=True)["items"][0]
    assert "rice" in item["food"].lower()
    assert item["gi_method"] != "variety"
    assert item["unused_words"] == ["carolina"]
    assert any(n.startswith("not used for the match: carolina") for n in item["notes"])
