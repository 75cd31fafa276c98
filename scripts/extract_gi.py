#!/usr/bin/env python3
"""Regenerate data/gi/measurements.csv from the International Tables 2021 extraction.

Usage:
    python scripts/extract_gi.py PATH/intl_tables_2021.json [--links data/gi/links.csv]
                                 [--out data/gi/measurements.csv]

Writes one row for every entry that data/gi/links.csv links to a USDA food or
data/gi/concept_entries.csv assigns to a food concept (included or excluded),
so the measurements file holds exactly the published entries glyload uses or
names as left out, each cited by its entry number (Atkinson et al., Am J Clin
Nutr 2021;114:1625-32, supplementary tables 1 and 2).

The extraction is damaged in known ways (shared/data/README.md). A damaged
field is never used: it is left empty and the row's `note` says what was
dropped. The cleaning rules, all mechanical:
- page-footer text ("FS, Brand-Miller JC, ...", "International tables",
  "of glycemic", "load values 2021.") is cut from food, country and year; a
  subjects count read from a row that carried footer text is dropped;
- a test portion of 2021 g is the footer year read as a number: dropped;
- names: `food` is the entry's own name, `food_as_extracted` the text as
  extracted. Cut from `food`, each with a note (tests/test_extract_gi.py has
  one test per kind):
  - footnote text "Average carbohydrate portion = N g, this value was used to"
    at the start;
  - a heading glued before the name: a regional heading in capitals
    ("AFRICAN"), "<food> (<Genus species>)" ("Breadfruit (Artocarpus
    altilis)"), or the same words twice ("Cashew nuts Cashew nuts");
  - a heading glued after the name: a section heading in capitals ("BREADS",
    "PASTA and NOODLES"), or, after a name ending in its maker in parentheses,
    words that start the next entry's name (1202 "... Watermelon juice");
  - a "<label>, mean of N foods" label of a neighbouring summary row, before or
    after the name (the row's numbers are its own food's: shared/data/README):
    after the name the label starts at the first capitalised word (outside
    parentheses, not after a comma) that repeats the name's first word, else
    one that repeats an earlier word, else after a ")" or footnote digits;
    when there is no such start and text follows the label, the label came
    first and the text after it is the name;
  - footnote digits glued to the end ("Gingerbread11", "Italy)8");
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
#: The "mean of N foods" label of a summary row (number in digits or words; the
#: extraction sometimes cut it after "mean of" or after the number).
MEAN_LABEL = re.compile(r",?\s*mean of(?: (?:\d+|[a-z]+))?(?: (?:foods|studies|types|regions|varieties))?(?=\s|$)")
#: Footnote digits glued to a word or after a closing parenthesis ("Gingerbread11", "Italy)8", ") 13").
FOOTNOTE_DIGITS = re.compile(r"(?:(?<=[^\W\d_])|(?<=\))\s?)\d{1,2}$")
#: ... or after a space, in a name that carried a summary label ("cooked in rice cooker 13 Doongara rice, mean of").
SPACED_FOOTNOTE_DIGITS = re.compile(r"(?<=[^\W\d_])\s\d{1,2}$")
#: A heading "<food> (<Genus species>)" before the entry's own name ("Breadfruit (Artocarpus altilis) Breadfruit, ...").
LATIN_HEADING = re.compile(r"^[^()]+ \([A-Z][a-z]+ (?:[a-z]+|spp\.)[^()]*\)\s+(?=[A-Z])")
#: The same words twice at the start: a heading and the name it heads ("Cashew nuts Cashew nuts").
REPEATED_HEADING = re.compile(r"^(.{3,}?) (?=\1\b)")
#: Footnote text of the Tables ("Average carbohydrate portion = 40 g, this value
#: was used to [determine the nominal GL for this category]") read into a name.
FOOTNOTE = re.compile(r"^(?:carbohydrate is 100% available\s+)?Average carbohydrate portion = [\d.]+ g, "
                      r"this value was(?: used)?(?: to)?\s*")
#: A section heading of the Tables in capitals ("BREADS", "PASTA and NOODLES",
#: "2 SOUPS": the page's footnote digit and the heading) glued after a name.
NEXT_SECTION = re.compile(r"\s+(?:\d+\s+)?[A-Z]{3,}(?:\s+(?:and|&)\s+[A-Z]{3,})*\s*$")
#: A regional heading ("AFRICAN", "ASIAN", "ISRAELI") glued before a name.
REGION_HEADING = re.compile(r"^(?:[A-Z]+(?:AN|ESE)|ISRAELI)\s+(?=[A-Z][a-z])")
YEAR = re.compile(r"^(\d{4})\*?(?:\s*-\s*(\d{4}))?$")
REFERENCE = re.compile(r"^[A-Z][A-Za-z ]*, (?:\d+(?:\.\d+)?h|time NS)$")


def _token(word):
    """A word compared case-insensitively on its first run of letters ("Gingerbread11" -> "gingerbread")."""
    match = re.match(r"[^\W\d_]+", word)
    return match.group(0).lower() if match else ""


def _same(a, b):
    """Two words are one when equal or one is the other plus an ending ("yoghurt", "yoghurts")."""
    return bool(a and b) and (a == b or (min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a))))


def _label_starts(text):
    """Where a glued label may start in ``text``: (position, strong) for each word.

    A label is a category name, so it starts with a capital letter after a
    space, outside parentheses and not after a comma (", Tropical" is part of a
    name). A start is *strong* when the word before it ends a name: a closing
    parenthesis, footnote digits or a trademark sign.
    """
    depth, starts = 0, []
    for i, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif (depth == 0 and i > 1 and text[i - 1] == " " and char.isupper()
              and text[i - 2] != ","):
            starts.append((i, text[i - 2] in ")0123456789"))
    return starts


def _own_name_before_label(prefix):
    """Split "<own name> <Label>" (the text before a 'mean of N foods'): own name, or None.

    The label starts at the earliest word whose first letters repeat a word of
    the name before it ("Watermelon (...), raw Watermelon"), else at the last
    strong start; None when there is no strong start (the label stands alone).
    """
    starts = _label_starts(prefix)
    words = prefix.split()
    first = _token(words[0]) if words else ""
    for position, _ in starts:
        if _same(_token(prefix[position:].split()[0]), first):
            return prefix[:position].strip()
    for position, _ in starts:
        label = _token(prefix[position:].split()[0])
        if any(_same(label, _token(w)) for w in prefix[:position].split()):
            return prefix[:position].strip()
    strong = [p for p, is_strong in starts if is_strong]
    return prefix[:strong[-1]].strip() if strong else None


def clean_food(name, notes, next_name=None):
    """The food's own name from an extracted name (rules in the module docstring)."""
    food = FOOTER_NAME.sub("", name or "").strip()
    if food != (name or "").strip():
        notes.append("page-footer text cut from the name")
    footnote = FOOTNOTE.match(food)
    if footnote:
        food = food[footnote.end():].strip()
        notes.append("footnote text 'Average carbohydrate portion = ...' cut from the name")
    region = REGION_HEADING.match(food)
    if region:
        food = food[region.end():]
        notes.append(f"heading {region.group(0).strip()!r} cut from the name")
    section = NEXT_SECTION.search(food)
    if section and section.start() > 0:
        food = food[: section.start()].strip()
        notes.append(f"next heading {section.group(0).strip()!r} cut from the name")
    label = MEAN_LABEL.search(food)
    if label:
        prefix, suffix = food[: label.start()].strip(), food[label.end():].strip()
        own = _own_name_before_label(prefix)
        if own is not None:
            if suffix:
                notes.append(f"next heading {suffix!r} cut from the name")
            notes.append(f"summary label '{prefix[len(own):].strip()}, mean of ...' cut from the name")
            food = own
        elif suffix:
            notes.append(f"summary label '{food[: label.end()].strip()}' cut from the name")
            food = suffix
        else:
            own = _label_starts(prefix)
            if own:
                cut = own[-1][0]
                notes.append(f"summary label '{prefix[cut:]}, mean of ...' cut from the name")
                food = prefix[:cut].strip()
            else:
                notes.append("summary label 'mean of ...' cut from the name")
                food = prefix
    elif next_name and not LATIN_HEADING.match(food):
        # A heading of the next run ("Watermelon juice") after a name that ends
        # with its brand in parentheses: it starts the next entry's name.
        tail = re.search(r"\)\s+([A-Z][^()]*)$", food)
        if tail and _token(tail.group(1)) == _token(next_name.split()[0] if next_name.split() else ""):
            food = food[: tail.start(1)].strip()
            notes.append(f"next heading {tail.group(1)!r} cut from the name")
    heading = LATIN_HEADING.match(food) or REPEATED_HEADING.match(food)
    if heading:
        food = food[heading.end():]
        notes.append(f"heading {heading.group(0).strip()!r} cut from the name")
    digits = FOOTNOTE_DIGITS.search(food) or (label and SPACED_FOOTNOTE_DIGITS.search(food))
    if digits:
        food = food[: digits.start()]
        notes.append(f"footnote digits {digits.group(0).strip()!r} cut from the name")
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


def measurement(row, next_name=None):
    """The cleaned row of one entry (``next_name``: the following entry's name, for headings)."""
    notes = []
    extracted = (row.get("food") or "").strip()
    food = clean_food(extracted, notes, next_name)
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
        "food": food,
        "food_as_extracted": extracted if extracted != food else None,
        "study": (row.get("ref_no") or "").strip() or None,
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
    concept_entries = Path(args.links).with_name("concept_entries.csv")
    if concept_entries.exists():
        with open(concept_entries, newline="", encoding="utf-8") as handle:
            entries = sorted(set(entries) | {int(r["entry_no"]) for r in csv.DictReader(handle)})
    order = [r["entry_no"] for r in json.load(open(args.source, encoding="utf-8"))["rows"]]
    following = {e: rows[n].get("food") for e, n in zip(order, order[1:])}
    missing = [e for e in entries if e not in rows or not (rows[e].get("food") or "").strip()]
    if missing:
        print(f"extract_gi: {args.links}: entries not usable in the source: {missing[:10]}", file=sys.stderr)
        return 1
    with open(args.out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(MEASUREMENT_COLUMNS)
        for entry in entries:
            clean = measurement(rows[entry], following.get(entry))
            writer.writerow([fmt(clean[c]) for c in MEASUREMENT_COLUMNS])
    print(f"{args.out}: {len(entries):,} measurements")
    return 0


if __name__ == "__main__":
    sys.exit(main())
