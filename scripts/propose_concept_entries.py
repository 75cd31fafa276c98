#!/usr/bin/env python3
"""Propose the International Tables entries that could belong to a food concept.

Usage:
    python scripts/propose_concept_entries.py PATH/intl_tables_2021.json [CONCEPT ...]
                                              [--all] [--concepts data/gi/concepts.csv]

A concept (data/gi/concepts.csv) names its search terms: regular expressions
matched, case-insensitively, against each entry's cleaned name (the rules of
scripts/extract_gi.py). Every entry a term matches is a *candidate*; the
curator decides each one in data/gi/concept_entries.csv, included or excluded
with a reason code (data/README.md). This script prints the candidates not yet
decided (``--all``: every candidate) as CSV rows ready to paste, with a
*suggested* decision from plain keywords ("gluten-free" -> other-variety,
"fibre" -> added-fibre, ...) that the curator must check: a suggestion is never
a decision. tests/test_gi_concepts.py fails while a candidate is undecided.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GI_DIR = ROOT / "data" / "gi"

#: Keyword -> suggested exclusion reason (checked in order; the first that matches wins).
SUGGESTIONS = (
    (r"gluten.?free", "other-variety"),
    (r"wholemeal|whole.?meal|whole.?grain|wholewheat|whole.?wheat|brown", "other-variety"),
    (r"fib(re|er)|bran\b|guar|pectin|psyllium|inulin|resistant starch|β-glucan|beta-glucan", "added-fibre"),
    (r"\bfat\b.*%|butter|olive oil|margarine|\boil\b", "added-fat"),
    (r"low.?fat|reduced.?fat|light|lite|skim", "other-variety"),
    (r"flavou?r|chocolate|vanilla|strawberr|toffee|mango|mint|coconut|mocha|honey", "flavoured"),
    (r"toasted|fried|roasted|microwave|canned|dried|instant|frozen|reheated|cooled|juice", "other-state"),
    (r"with |containing|\+|added|enriched with|substituted|sauce|eaten with", "added-ingredient"),
)


def _extract_module():
    spec = importlib.util.spec_from_file_location("extract_gi", ROOT / "scripts" / "extract_gi.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_concepts(path=GI_DIR / "concepts.csv") -> dict:
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["concept"]: row for row in csv.DictReader(handle)}


def read_decisions(path=GI_DIR / "concept_entries.csv") -> dict:
    """{(concept, entry_no): row} of the curated decisions."""
    if not Path(path).exists():
        return {}
    with open(path, newline="", encoding="utf-8") as handle:
        return {(row["concept"], int(row["entry_no"])): row for row in csv.DictReader(handle)}


def clean_rows(source) -> list[dict]:
    """Every entry of the extraction with its cleaned name, in the Tables' order."""
    extract = _extract_module()
    rows = json.load(open(source, encoding="utf-8"))["rows"]
    out = []
    for i, row in enumerate(rows):
        following = rows[i + 1].get("food") if i + 1 < len(rows) else None
        if not (row.get("food") or "").strip():
            continue
        out.append(extract.measurement(row, following))
    return out


def candidates(concept: dict, rows: list[dict]) -> list[dict]:
    """The entries whose cleaned name any of the concept's terms matches."""
    terms = [re.compile(t.strip(), re.IGNORECASE) for t in concept["terms"].split(";") if t.strip()]
    return [row for row in rows if any(t.search(row["food"]) for t in terms)]


def suggest(row: dict, seen: dict) -> tuple[str, str]:
    """A suggested (decision, reason) for a candidate: the curator checks every one."""
    key = (row["food"], row["gi"], row["gi_sem"], row["subjects"], row["study"], row["test_portion_g"])
    if key in seen:
        return "excluded", "duplicate-row"
    seen[key] = row["entry_no"]
    for pattern, reason in SUGGESTIONS:
        if re.search(pattern, row["food"], re.IGNORECASE):
            return "excluded", reason
    return "included", ""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", help="intl_tables_2021.json (the extraction)")
    parser.add_argument("concept", nargs="*", help="concept ids (default: all)")
    parser.add_argument("--all", action="store_true", help="print decided candidates too")
    parser.add_argument("--concepts", default=str(GI_DIR / "concepts.csv"))
    args = parser.parse_args(argv)
    concepts = read_concepts(args.concepts)
    unknown = [c for c in args.concept if c not in concepts]
    if unknown:
        print(f"propose_concept_entries: unknown concept(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    decisions = read_decisions(Path(args.concepts).with_name("concept_entries.csv"))
    rows = clean_rows(args.source)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["concept", "entry_no", "decision", "reason", "note"])
    for concept_id in args.concept or concepts:
        seen: dict = {}
        for row in candidates(concepts[concept_id], rows):
            decision, reason = suggest(row, seen)
            if (concept_id, row["entry_no"]) in decisions and not args.all:
                continue
            note = (f"{row['tier']} GI {row['gi']:g} n={row['subjects'] or '?'} study {row['study']} "
                    f"{row['country'] or ''} {row['year'] or ''}: {row['food'][:90]}")
            writer.writerow([concept_id, row["entry_no"], decision, reason, f"SUGGESTED {note}"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
