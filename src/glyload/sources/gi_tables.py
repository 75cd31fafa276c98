"""Readers of the GI tables: curated measurements and their links to foods (``data/gi``).

The layouts are documented in data/README.md. Every problem raises
:class:`~glyload.errors.DataError` naming the file and line; the records keep
``where`` so later checks (a link to a food the database lacks) can too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..csvio import parse_number, read_csv
from ..errors import DataError, GlyloadError
from ..paths import data_dir

MEASUREMENT_COLUMNS = (
    "entry_no", "food", "country", "year", "tier", "gi", "gi_sem", "subjects",
    "reference_food", "carb_portion_g", "test_portion_g", "note",
)
LINK_COLUMNS = ("entry_no", "food_id", "match", "note")
TIERS = ("ISO", "other")
#: How close a measured food is to the linked food; these are also the GI methods
#: that count as measured (step 1 and 2 of the assignment, :mod:`glyload.gi`).
MATCHES = ("direct", "related")


@dataclass
class Measurement:
    where: tuple
    entry_no: int
    food: str
    country: str | None
    year: str | None
    tier: str
    gi: float
    gi_sem: float | None
    subjects: int | None
    reference_food: str | None
    carb_portion_g: float | None
    test_portion_g: float | None
    note: str | None

    def row(self):
        return {c: getattr(self, c) for c in MEASUREMENT_COLUMNS}


@dataclass
class Link:
    where: tuple
    entry_no: int
    food_id: str
    match: str
    note: str | None

    def row(self):
        return {c: getattr(self, c) for c in LINK_COLUMNS}


@dataclass
class GiData:
    measurements: list = field(default_factory=list)
    links: list = field(default_factory=list)
    source: str = "bundled"


def _number(row, column, where, kind=float, required=False):
    return parse_number(row[column], where, column, kind, required)


def read_measurements(path) -> list[Measurement]:
    """Read and check a measurements CSV (layout: data/README.md)."""
    path = Path(path)
    out, seen = [], set()
    for where, row in read_csv(path, MEASUREMENT_COLUMNS):
        entry = _number(row, "entry_no", where, int, required=True)
        if entry in seen:
            raise DataError(*where, f"duplicate entry_no {entry}")
        seen.add(entry)
        gi = _number(row, "gi", where, required=True)
        if not 0 <= gi <= 150:
            raise DataError(*where, f"GI {gi:g} is outside 0-150")
        sem = _number(row, "gi_sem", where)
        if sem is not None and sem < 0:
            raise DataError(*where, f"gi_sem {sem:g} is negative")
        subjects = _number(row, "subjects", where, int)
        if subjects is not None and subjects < 1:
            raise DataError(*where, f"subjects must be at least 1, got {subjects}")
        if row["tier"] not in TIERS:
            raise DataError(*where, f"tier {row['tier']!r} is not one of {', '.join(TIERS)}")
        if not row["food"]:
            raise DataError(*where, "column food is required")
        carb = _number(row, "carb_portion_g", where)
        test = _number(row, "test_portion_g", where)
        for name, value in (("carb_portion_g", carb), ("test_portion_g", test)):
            if value is not None and value <= 0:
                raise DataError(*where, f"{name} must be above 0, got {value:g}")
        out.append(Measurement(
            where=where, entry_no=entry, food=row["food"], country=row["country"] or None,
            year=row["year"] or None, tier=row["tier"], gi=gi, gi_sem=sem, subjects=subjects,
            reference_food=row["reference_food"] or None, carb_portion_g=carb,
            test_portion_g=test, note=row["note"] or None,
        ))
    return out


def read_links(path, entries: set) -> list[Link]:
    """Read and check a links CSV; every entry must be a known measurement."""
    path = Path(path)
    out, seen = [], set()
    for where, row in read_csv(path, LINK_COLUMNS):
        entry = _number(row, "entry_no", where, int, required=True)
        if entry not in entries:
            raise DataError(*where, f"entry_no {entry} is not in the measurements file")
        if not row["food_id"]:
            raise DataError(*where, "column food_id is required")
        if row["match"] not in MATCHES:
            raise DataError(*where, f"match {row['match']!r} is not one of {', '.join(MATCHES)}")
        key = (entry, row["food_id"])
        if key in seen:
            raise DataError(*where, f"duplicate link of entry {entry} to food {row['food_id']}")
        seen.add(key)
        out.append(Link(where=where, entry_no=entry, food_id=row["food_id"], match=row["match"],
                        note=row["note"] or None))
    return out


def read_gi(measurements=None, links=None) -> GiData:
    """Read measurements and links: the bundled ``data/gi`` files by default."""
    if (measurements is None) != (links is None):
        # A researcher's own measurements need their own links, and vice versa.
        raise GlyloadError("--gi-measurements and --gi-links go together: give both or neither")
    source = "bundled" if measurements is None else f"{measurements} + {links}"
    gi_dir = data_dir() / "gi"
    measurements = Path(measurements) if measurements else gi_dir / "measurements.csv"
    links = Path(links) if links else gi_dir / "links.csv"
    found = read_measurements(measurements)
    return GiData(found, read_links(links, {m.entry_no for m in found}), source)
