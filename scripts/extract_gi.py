#!/usr/bin/env python3
"""Regenerate data/gi/measurements.csv from the International Tables 2021 extraction.

Usage:
    python scripts/extract_gi.py PATH/intl_tables_2021.json [--links data/gi/links.csv]
                                 [--out data/gi/measurements.csv]

Writes one row for every entry that data/gi/links.csv links to a USDA food, so
the measurements file holds exactly the published entries glyload uses, each
cited by its entry number (Atkinson et al., Am J Clin Nutr 2021;114:1625-32,
supplementary tables 1 and 2).

The extraction is damaged in known ways (shared/data/README.md). A damaged
field is never used: it is left empty and the row's `note` says what was
dropped. The cleaning rules, all mechanical:
- page-footer text ("FS, Brand-Miller JC, ...", "International tables",
  "of glycemic", "load values 2021.") is cut from food, country and year; a
  subjects count read from a row that carried footer text is dropped;
- a test portion of 2021 g is the footer year read as a number: dropped;
- a "<category>, mean of N foods" label glued to a name is cut (the GI on the
  row is the study's own value);
- footnote digits glued to a reference food are cut ("Glucose, 2h9" ->
  "Glucose, 2h"); a reference food that still is not "<food>, <time>" is dropped;
- a year that is not YYYY, YYYY* or YYYY-YYYY is dropped;
- tier "ISO" (table 1) stays "ISO", "deviation" (table 2) becomes "other".
The GI and its SEM are never changed.
"""

import argparse
import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from glyload.sources.gi_tables import MEASUREMENT_COLUMNS  # noqa: E402

FOOTER_NAME = re.compile(r"\s*(Atkinson )?FS, Brand-Miller JC, Foster-Powell K, Buyken AE, Goletzke( J)?\.?\s*$")
FOOTER_WORDS = re.compile(r"\s*((J\. )?International tables|(J\. )?International|of glycemic|load values 2021\.?|tables)\s*$")
MEAN_LABEL = re.compile(r"\s*([^()]*?), mean of \d+ foods\s*$")
YEAR = re.compile(r"^(\d{4})\*?(?:\s*-\s*(\d{4}))?$")
REFERENCE = re.compile(r"^[A-Z][A-Za-z ]*, (?:\d+(?:\.\d+)?h|time NS)$")


def clean_food(name, notes):
    food = FOOTER_NAME.sub("", name or "").strip()
    if food != (name or "").strip():
        notes.append("page-footer text cut from the name")
    label = MEAN_LABEL.search(food)
    if label:
        head = food[: label.start()]
        if ")" in head or not head:
            food = head.strip() if head else food
        else:
            food = re.sub(r",\s*mean of \d+ foods\s*$", "", food)
        notes.append(f"category label '{label.group(0).strip()}' cut from the name")
    return food.strip()


def clean_text(value, notes, field):
    if value is None:
        return None
    text = str(value).strip()
    cleaned = FOOTER_WORDS.sub("", text).strip()
    if cleaned != text:
        notes.append(f"page-footer text cut from {field}")
    return cleaned or None


def clean_year(value, notes):
    text = clean_text(value, notes, "year")
    if text is None:
        return None
    match = YEAR.match(text)
    if not match:
        notes.append(f"year {text!r} damaged in the extraction: dropped")
        return None
    return text.replace(" ", "")


def clean_reference(value, notes):
    if not value:
        return None
    text = re.sub(r"(\d(?:\.\d)?h)\d+\b", r"\1", value.strip())
    text = re.sub(r"([A-Za-z])\d+,", r"\1,", text)
    if not REFERENCE.match(text):
        notes.append(f"reference food {value!r} damaged in the extraction: dropped")
        return None
    return text


def measurement(row):
    notes = []
    subjects_text = row.get("subjects") or ""
    footer = bool(FOOTER_WORDS.search(subjects_text)) or "load values" in subjects_text
    subjects = row.get("n_subjects")
    if footer or subjects is None:
        if subjects is not None or footer:
            notes.append("subject count damaged in the extraction: dropped")
        subjects = None
    test = row.get("test_portion_g")
    if test == 2021.0:
        notes.append("test portion 2021 g is page-footer text: dropped")
        test = None
    return {
        "entry_no": row["entry_no"],
        "food": clean_food(row.get("food"), notes),
        "country": clean_text(row.get("country"), notes, "country"),
        "year": clean_year(row.get("year"), notes),
        "tier": "ISO" if row["tier"] == "ISO" else "other",
        "gi": row["gi"],
        "gi_sem": row.get("gi_sem"),
        "subjects": int(subjects) if subjects is not None else None,
        "reference_food": clean_reference(row.get("reference_food"), notes),
        "carb_portion_g": row.get("carb_portion_g"),
        "test_portion_g": test,
        "note": "; ".join(notes),
    }


def fmt(value):
    if value is None:
        return ""
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", help="intl_tables_2021.json (the extraction)")
    parser.add_argument("--links", default=str(ROOT / "data" / "gi" / "links.csv"))
    parser.add_argument("--out", default=str(ROOT / "data" / "gi" / "measurements.csv"))
    args = parser.parse_args(argv)
    rows = {r["entry_no"]: r for r in json.load(open(args.source, encoding="utf-8"))["rows"]}
    with open(args.links, newline="", encoding="utf-8") as handle:
        entries = sorted({int(r["entry_no"]) for r in csv.DictReader(handle)})
    missing = [e for e in entries if e not in rows or not (rows[e].get("food") or "").strip()]
    if missing:
        print(f"extract_gi: {args.links}: entries not usable in the source: {missing[:10]}", file=sys.stderr)
        return 1
    with open(args.out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(MEASUREMENT_COLUMNS)
        for entry in entries:
            clean = measurement(rows[entry])
            writer.writerow([fmt(clean[c]) for c in MEASUREMENT_COLUMNS])
    print(f"{args.out}: {len(entries):,} measurements")
    return 0


if __name__ == "__main__":
    sys.exit(main())
