"""Food concepts (``data/gi/concepts.csv``): every candidate entry decided, with reasons; what they give.

The completeness test reads the International Tables extraction in ../shared (skipped
with a reason when it is absent); the others run offline on the bundled files.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import shared_release
from glyload.paths import data_dir
from glyload.sources.gi_tables import EXCLUSION_REASONS, read_gi

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def proposer():
    spec = importlib.util.spec_from_file_location("propose", ROOT / "scripts" / "propose_concept_entries.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
