"""Glycemic index for every food: curated measurements, links, and assignment.

The assignment follows the stepwise method used for the Australian food
composition database (Louie et al. 2015, J Food Compos Anal 2015;40:1-9;
AUSNUT 2011-13, Eur J Clin Nutr 2016), in its published order:

1. ``direct``: the food itself was measured (links with match ``direct``);
2. ``related``: a closely related food was measured (match ``related``: same
   food in another variety, brand or cooking);
3. ingredient-weighted mean: reserved for foods with known ingredients (FNDDS),
   not applied to SR foods yet;
4. ``subgroup median``: the median GI of the measured foods of the food's
   subgroup (see :func:`subgroup_of`), then of its food group when the subgroup
   has fewer than ``MIN_FOODS_FOR_MEDIAN`` measured foods, then of all measured
   foods (``overall median``);
5. ``not applicable``: GI 0 where available carbohydrate < 2.5 g/100 g and the
   food was not measured (meat, fish, eggs, oils, most cheese): its GL is 0.

Several measurements behind one food are pooled: only ISO-tier measurements
when any exist (International Tables 2021, table 1), mean weighted by the
number of subjects (unweighted when a subject count is unknown), with the
pooled SEM and the range of the measurements kept as its uncertainty.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from .csvio import parse_number, read_csv
from .errors import DataError
from .glycemic import GI_HIGH_MIN, GI_LOW_MAX, GL_HIGH_MIN, GL_LOW_MAX
from .paths import data_dir

MEASUREMENT_COLUMNS = (
    "entry_no", "food", "country", "year", "tier", "gi", "gi_sem", "subjects",
    "reference_food", "carb_portion_g", "test_portion_g", "note",
)
LINK_COLUMNS = ("entry_no", "food_id", "match", "note")
TIERS = ("ISO", "other")
MATCHES = ("direct", "related")

#: Below this available carbohydrate (g/100 g) GI is not applicable (Louie et al. 2015).
NOT_APPLICABLE_BELOW_G = 2.5
#: A subgroup or food group median needs at least this many measured foods.
MIN_FOODS_FOR_MEDIAN = 3

#: Confidence by method and tier (documented in data/README.md).
CONFIDENCE = {
    ("direct", True): "high",
    ("direct", False): "medium",
    ("related", True): "medium",
    ("related", False): "low",
    ("subgroup median", None): "low",
    ("group median", None): "very low",
    ("overall median", None): "very low",
    ("not applicable", None): "high",
}

#: Leading description terms too generic to be a subgroup alone: these take
#: the second comma-separated term too ("Beverages, carbonated", "Babyfood, cereal").
GENERIC_HEADS = {
    "beverages", "babyfood", "snacks", "candies", "fast foods", "restaurant",
    "soup", "sauce", "cereals ready-to-eat", "cereals", "infant formula", "desserts",
    "toppings",
}


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
        from .errors import GlyloadError

        raise GlyloadError("--gi-measurements and --gi-links go together: give both or neither")
    source = "bundled" if measurements is None else f"{measurements} + {links}"
    gi_dir = data_dir() / "gi"
    measurements = Path(measurements) if measurements else gi_dir / "measurements.csv"
    links = Path(links) if links else gi_dir / "links.csv"
    found = read_measurements(measurements)
    return GiData(found, read_links(links, {m.entry_no for m in found}), source)


def subgroup_of(description: str) -> str:
    """A food's subgroup: the generic name SR descriptions start with.

    SR names foods general-to-specific, so the first comma-separated term is
    the food's generic name ("Bread", "Rice", "Apples"); for the generic heads
    in :data:`GENERIC_HEADS` the second term is kept too ("Beverages,
    carbonated", "Cereals ready-to-eat, ..."). Brand names in capitals after
    the head are dropped so brands of one kind share a subgroup.
    """
    terms = [t.strip() for t in description.split(",") if t.strip()]
    head = terms[0] if terms else description
    if head.lower() in GENERIC_HEADS and len(terms) > 1:
        second = terms[1]
        if second.upper() == second and any(c.isalpha() for c in second):
            return head  # a brand name (SR writes brands in capitals)
        head = f"{head}, {second}"
    return head


def pool(measurements: list[Measurement]) -> dict:
    """Pool measurements of one food: ISO tier if any; mean weighted by subjects.

    Returns gi, gi_sem (pooled), gi_low/gi_high (range; or GI +/- SEM for one
    measurement), sources and whether the pool is ISO-tier.
    """
    iso = [m for m in measurements if m.tier == "ISO"]
    chosen = iso or measurements
    weights = [m.subjects for m in chosen]
    if all(w is not None for w in weights):
        total = sum(weights)
        gi = sum(m.gi * m.subjects for m in chosen) / total
        sems = [m.gi_sem for m in chosen]
        sem = (math.sqrt(sum((m.subjects * m.gi_sem) ** 2 for m in chosen)) / total
               if all(s is not None for s in sems) else None)
    else:
        gi = sum(m.gi for m in chosen) / len(chosen)
        sems = [m.gi_sem for m in chosen]
        sem = (math.sqrt(sum(s * s for s in sems)) / len(chosen)
               if all(s is not None for s in sems) else None)
    if len(chosen) == 1:
        low = high = None
        if sem is not None:
            low, high = max(gi - sem, 0.0), gi + sem
    else:
        low, high = min(m.gi for m in chosen), max(m.gi for m in chosen)
    return {
        "gi": round(gi, 1),
        "gi_sem": None if sem is None else round(sem, 1),
        "gi_low": None if low is None else round(low, 1),
        "gi_high": None if high is None else round(high, 1),
        "gi_sources": ";".join(str(m.entry_no) for m in sorted(chosen, key=lambda m: m.entry_no)),
        "iso": bool(iso),
        "n": len(chosen),
    }


def _median_assignment(values: list[tuple[float, str]], method: str, basis: str) -> dict:
    gis = sorted(v for v, _ in values)
    quartiles = statistics.quantiles(gis, n=4, method="inclusive") if len(gis) > 1 else [gis[0]] * 3
    sources = sorted({int(s) for _, ss in values for s in ss.split(";") if s})
    return {
        "gi": round(statistics.median(gis), 1),
        "gi_method": method,
        "gi_sources": ";".join(map(str, sources)),
        "gi_sem": None,
        "gi_low": round(quartiles[0], 1),
        "gi_high": round(quartiles[2], 1),
        "gi_confidence": CONFIDENCE[(method, None)],
        "gi_basis": f"median of {len(gis)} measured foods in {basis} (range shown: interquartile)",
    }


def assign(foods: list[dict], measurements: list[Measurement], links: list[Link]) -> dict:
    """Assign a GI to every food; returns {food_id: assignment columns}.

    ``foods`` are dicts with food_id, description, food_group and
    available_carbohydrate_g. The order of steps is the module docstring's.
    """
    by_entry = {m.entry_no: m for m in measurements}
    linked: dict[str, dict[str, list]] = {}
    for link in links:
        linked.setdefault(link.food_id, {}).setdefault(link.match, []).append(by_entry[link.entry_no])
    result = {}
    measured_in: dict[str, list] = {}
    measured_group: dict[str, list] = {}
    measured_all = []
    for food in foods:
        subgroup = f"{food['food_group']} / {subgroup_of(food['description'])}"
        food["subgroup"] = subgroup
        kinds = linked.get(food["food_id"], {})
        method = "direct" if "direct" in kinds else "related" if "related" in kinds else None
        if method is None:
            continue
        pooled = pool(kinds[method])
        what = "measurement" if pooled["n"] == 1 else f"{pooled['n']} measurements pooled"
        result[food["food_id"]] = {
            "gi": pooled["gi"],
            "gi_method": method,
            "gi_sources": pooled["gi_sources"],
            "gi_sem": pooled["gi_sem"],
            "gi_low": pooled["gi_low"],
            "gi_high": pooled["gi_high"],
            "gi_confidence": CONFIDENCE[(method, pooled["iso"])],
            "gi_basis": f"{what} of {'this food' if method == 'direct' else 'a closely related food'}"
                        f" ({'ISO' if pooled['iso'] else 'non-ISO'} tier), International Tables 2021",
        }
        value = (pooled["gi"], pooled["gi_sources"])
        measured_in.setdefault(subgroup, []).append(value)
        measured_group.setdefault(food["food_group"], []).append(value)
        measured_all.append(value)
    medians: dict[tuple, dict] = {}

    def median(values, method, basis):
        # Many foods share one subgroup or group: compute each median once.
        key = (method, basis)
        if key not in medians:
            medians[key] = _median_assignment(values, method, basis)
        return dict(medians[key])

    for food in foods:
        if food["food_id"] in result:
            continue
        carbs = food["available_carbohydrate_g"]
        if carbs is not None and carbs < NOT_APPLICABLE_BELOW_G:
            result[food["food_id"]] = {
                "gi": 0.0, "gi_method": "not applicable", "gi_sources": "", "gi_sem": None,
                "gi_low": None, "gi_high": None, "gi_confidence": CONFIDENCE[("not applicable", None)],
                "gi_basis": f"available carbohydrate {carbs:g} g/100 g is below {NOT_APPLICABLE_BELOW_G:g} g",
            }
        elif len(measured_in.get(food["subgroup"], [])) >= MIN_FOODS_FOR_MEDIAN:
            result[food["food_id"]] = median(
                measured_in[food["subgroup"]], "subgroup median", f"subgroup {food['subgroup']}")
        elif len(measured_group.get(food["food_group"], [])) >= MIN_FOODS_FOR_MEDIAN:
            result[food["food_id"]] = median(
                measured_group[food["food_group"]], "group median", f"food group {food['food_group']}")
        elif measured_all:
            result[food["food_id"]] = median(measured_all, "overall median", "the database")
        else:
            result[food["food_id"]] = {
                "gi": None, "gi_method": "unknown", "gi_sources": "", "gi_sem": None,
                "gi_low": None, "gi_high": None, "gi_confidence": "none",
                "gi_basis": "no GI measurements were loaded",
            }
    return result


GI_COLUMNS = {
    "subgroup": str, "gi": float, "gi_method": str, "gi_sources": str, "gi_sem": float,
    "gi_low": float, "gi_high": float, "gi_confidence": str, "gi_basis": str,
}

def _gi_class_sql(gi: str, method: str) -> str:
    """SQL for :func:`glyload.glycemic.gi_class` (plus "not applicable"), same thresholds."""
    return (f"case when {method} = 'not applicable' then 'not applicable' when {gi} is null then null "
            f"when {gi} <= {GI_LOW_MAX} then 'low' when {gi} < {GI_HIGH_MIN} then 'medium' else 'high' end")


def _gl_class_sql(gl: str) -> str:
    """SQL for :func:`glyload.glycemic.gl_class`, same thresholds."""
    return (f"case when {gl} is null then null when {gl} <= {GL_LOW_MAX} then 'low' "
            f"when {gl} < {GL_HIGH_MIN} then 'medium' else 'high' end")


#: Views that plain SQLite clients can read too (so no Python SQL functions in them).
VIEWS = {
    "food_gl": f"""
select food_id, description, food_group, subgroup, available_carbohydrate_g,
  gi, gi_method, gi_confidence,
  {_gi_class_sql("gi", "gi_method")} as gi_class,
  round(gi * available_carbohydrate_g / 100.0, 2) as gl_per_100g
from foods""",
    "portion_gl": f"""
select p.food_id, f.description as food, f.food_group, f.subgroup,
  p.seq, p.amount, p.description as portion, p.grams,
  round(f.available_carbohydrate_g * p.grams / 100.0, 2) as available_carbohydrate_g,
  f.gi, f.gi_method,
  {_gi_class_sql("f.gi", "f.gi_method")} as gi_class,
  round(f.gi * f.available_carbohydrate_g * p.grams / 10000.0, 2) as gl,
  {_gl_class_sql("f.gi * f.available_carbohydrate_g * p.grams / 10000.0")} as gl_class
from portions p join foods f on f.food_id = p.food_id""",
}


def load_gi(db, data: GiData) -> dict:
    """Create gi_measurements and gi_links, add GI columns to foods, create views."""
    foods = {row["food_id"]: row for row in db.query(
        "select food_id, description, food_group, available_carbohydrate_g from foods")}
    if data.source == "bundled":
        # The bundled links name SR28 foods; a build from another release (SR Legacy
        # dropped about 1,000 SR28 foods) keeps the links whose food it has, and the
        # measurements those links use.
        data.links = [link for link in data.links if link.food_id in foods]
        used = {link.entry_no for link in data.links}
        data.measurements = [m for m in data.measurements if m.entry_no in used]
    for link in data.links:
        if link.food_id not in foods:
            raise DataError(*link.where, f"food_id {link.food_id!r} is not a food in the database")
    db["gi_measurements"].create(
        {"entry_no": int, "food": str, "country": str, "year": str, "tier": str, "gi": float,
         "gi_sem": float, "subjects": int, "reference_food": str, "carb_portion_g": float,
         "test_portion_g": float, "note": str},
        pk="entry_no", not_null={"food", "tier", "gi"},
    )
    db["gi_measurements"].insert_all(m.row() for m in data.measurements)
    db["gi_links"].create(
        {"entry_no": int, "food_id": str, "match": str, "note": str},
        pk=("entry_no", "food_id"), not_null={"match"},
        foreign_keys=[("entry_no", "gi_measurements", "entry_no"), ("food_id", "foods", "food_id")],
    )
    db["gi_links"].insert_all(link.row() for link in data.links)
    db["gi_links"].create_index(["food_id"])
    food_list = list(foods.values())
    assigned = assign(food_list, data.measurements, data.links)
    for column, kind in GI_COLUMNS.items():
        db["foods"].add_column(column, kind)
    db.conn.executemany(
        "update foods set subgroup = ?, gi = ?, gi_method = ?, gi_sources = ?, gi_sem = ?, "
        "gi_low = ?, gi_high = ?, gi_confidence = ?, gi_basis = ? where food_id = ?",
        [(f["subgroup"], *(assigned[f["food_id"]][c] for c in list(GI_COLUMNS)[1:]), f["food_id"])
         for f in food_list],
    )
    db["foods"].create_index(["gi_method"])
    db["foods"].create_index(["subgroup"])
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip(), replace=True)
    return {"gi_measurements": len(data.measurements), "gi_links": len(data.links)}

