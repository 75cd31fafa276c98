"""Food concepts (``data/gi/concepts.csv``): every candidate entry decided, with reasons; what they give.

The completeness test reads the International Tables extraction in ../shared (skipped
with a reason when it is absent); the others run offline on the bundled files.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import load_script, shared_release
from glyload.paths import data_dir
from glyload.sources.gi_tables import EXCLUSION_REASONS, read_gi

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def proposer():
    return load_script("propose_concept_entries")


@pytest.fixture(scope="module")
def tables(shared_data):
    return shared_release(shared_data, "gi-intl-tables-2021") / "intl_tables_2021.json"


@pytest.fixture(scope="module")
def concepts():
    return read_gi().concepts


def test_every_candidate_entry_of_a_concept_is_decided(proposer, tables):
    rows = proposer.clean_rows(tables)
    decided = proposer.read_decisions()
    undecided = [(concept_id, row["entry_no"], row["food"][:60])
                 for concept_id, concept in proposer.read_concepts().items()
                 for row in proposer.candidates(concept, rows) if (concept_id, row["entry_no"]) not in decided]
    assert undecided == [], "run scripts/propose_concept_entries.py and decide these in concept_entries.csv"


def test_proposer_prints_undecided_candidates_only(proposer, tables, tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "propose_concept_entries.py"), str(tables),
                             "watermelon-red-raw"], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == ["concept,entry_no,decision,reason,note"]
    everything = subprocess.run([sys.executable, str(ROOT / "scripts" / "propose_concept_entries.py"), str(tables),
                                 "watermelon-red-raw", "--all"], capture_output=True, text=True, check=True)
    entries = [line.split(",")[1] for line in everything.stdout.splitlines()[1:]]
    assert {"1145", "1146", "1147", "1148", "3038", "3039"} <= set(entries)


def test_fresh_extract_is_byte_identical(tables, tmp_path):
    out = tmp_path / "measurements.csv"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "extract_gi.py"), str(tables), "--out", str(out)],
                   check=True, capture_output=True)
    assert out.read_bytes() == (data_dir() / "gi" / "measurements.csv").read_bytes()


def test_every_exclusion_has_a_documented_reason(concepts):
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for reason in EXCLUSION_REASONS:
        assert f"`{reason}`" in readme, reason
    for concept in concepts:
        for entry, (decision, reason, _) in concept.entries.items():
            assert (decision == "excluded") == (reason in EXCLUSION_REASONS), (concept.concept, entry)


def test_concepts_are_linked_and_include_entries(concepts, conn):
    foods = {r[0] for r in conn.execute("select food_id from foods")}
    assert len(concepts) >= 8
    for concept in concepts:
        assert concept.included and concept.foods, concept.concept
        assert set(concept.foods) <= foods
        assert any(match == "direct" for match, _ in concept.foods.values()), concept.concept


def test_a_concept_food_shows_its_used_and_excluded_entries(conn):
    gi_sources, excluded, concept = conn.execute(
        "select gi_sources, gi_excluded, gi_concept from foods where food_id = '09326'").fetchone()
    assert concept == "watermelon-red-raw"
    # ISO entries 1145-1147 (red-fleshed) are pooled; 1148 (yellow-fleshed) and 1203 (juice) are left out
    assert gi_sources == "1145;1146;1147"
    assert {"1148", "1203"} <= set(excluded.split(";"))
    reasons = dict(conn.execute("select entry_no, reason from gi_concept_entries "
                                "where concept = 'watermelon-red-raw' and decision = 'excluded'"))
    assert (reasons[1148], reasons[1203]) == ("other-variety", "other-state")


def test_show_lists_the_entries_used_and_left_out(db):
    import json

    from click.testing import CliRunner

    from glyload.cli import cli

    text = CliRunner().invoke(cli, ["show", "09266", "--db", str(db)])
    assert text.exit_code == 0, text.output
    assert "confidence: medium, one study" in text.stdout or ", one study" in text.stdout
    assert "Entries used (food concept pineapple-raw):" in text.stdout
    assert "Entries of the concept left out" in text.stdout
    data = json.loads(CliRunner().invoke(cli, ["show", "09266", "--db", str(db), "--json"]).stdout)["glycemic_index"]
    assert [e["entry_no"] for e in data["entries_used"]] == [1164]  # the one ISO study of raw pineapple
    reasons = {e["entry_no"]: e["reason"] for e in data["entries_excluded"]}
    assert reasons[1165] == "other-state"  # canned
    assert data["studies"] == 1 and data["concept"] == "pineapple-raw"
    assert data["confidence"].endswith("one study")


# Measured dishes (issue 8, step 3: "a dish that was measured itself is linked directly and wins")

def test_a_measured_dish_is_direct_and_wins_over_its_recipe(conn):
    """FNDDS sushi and meat pizza have ingredient lists, yet their own measurements decide."""
    rows = {r[0]: r[1:] for r in conn.execute(
        "select food_id, gi, gi_method, gi_sources, gi_concept from foods where food_id in ('58151180', '58106625')")}
    # California roll: ISO 2050 (salmon sushi, 48); table-2 3816 is included but not pooled while ISO exists
    assert rows["58151180"] == (48.0, "direct", "2050", "sushi-white-rice")
    # Meat pizza from a restaurant: the one table-2 ham pizza 3761 (56)
    assert rows["58106625"] == (56.0, "direct", "3761", "pizza-meat")
    for food_id in rows:
        assert conn.execute("select count(*) from ingredients where food_id = ?", [food_id]).fetchone()[0] > 0


def test_the_recipe_prediction_of_a_measured_dish_is_validated_not_used(conn):
    """Step 3 is checked on the measured dishes: California roll from its ingredients (the rice
    carries its carbohydrate) predicts far above the measured sushi, as published for rice alone
    vs sushi; the food keeps its measured 48."""
    measured, predicted = conn.execute("select measured, predicted from gi_validation "
                                       "where food_id = '58151180' and method = 'recipe'").fetchone()
    assert measured == 48.0 and predicted - measured > 25
    dishes = {r[0] for r in conn.execute("select food_id from gi_validation where method = 'recipe'")}
    assert {"58106625", "58145112", "71401020", "41311040", "41205070"} <= dishes
    assert len(dishes) == 60  # 14 single-food FNDDS concept foods + 46 dishes and baked goods


def test_a_dish_concept_prefers_the_iso_tier_and_counts_a_duplicate_row_once(conn):
    gi, sources, excluded = conn.execute(
        "select gi, gi_sources, gi_excluded from foods where food_id = '41205070'").fetchone()
    assert (gi, sources) == (15.0, "1288")  # ISO Sabra hummus; table-2 3113 (GI 6) is included, not pooled
    assert "3749" in excluded.split(";")  # 3749 reprints 3113
    reason = conn.execute("select reason from gi_concept_entries where concept = 'hummus' and entry_no = 3749")
    assert reason.fetchone()[0] == "duplicate-row"


def test_a_related_food_of_a_dish_concept_takes_the_concept_not_its_old_links(conn):
    rows = {r[0]: r[1:] for r in conn.execute(
        "select food_id, gi, gi_method, gi_sources from foods where food_id in ('58106230', '21249')")}
    assert rows["58106230"] == (56.0, "related", "3761")  # cheese pizza: no meat topping
    # Burger King fries (deep-fried) were related to the deep-fried 3636 by links.csv; the concept's
    # oven fries 1854 and 1855 (ISO) now decide, pooled to 64.7
    assert rows["21249"] == (64.7, "related", "1854;1855")


def test_bagel_pools_both_table_2_studies_for_the_plain_and_related_bagels(conn):
    """Before the concept, bagel was 77 from one table-2 entry (2156); the concept pools 2155 and
    2156 (73 and 77, two studies); a whole-grain bagel is related and takes the same evidence."""
    rows = {r[0]: r[1:] for r in conn.execute(
        "select food_id, gi, gi_method, gi_sources, gi_confidence from foods where food_id in ('18001', '51180010', '28319')")}
    assert rows["18001"][:3] == rows["51180010"][:3] == (73.4, "direct", "2155;2156")
    assert rows["18001"][3].endswith("table 2 only")
    assert rows["28319"][:3] == (73.4, "related", "2155;2156")
