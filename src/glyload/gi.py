"""Glycemic index for every food: pooling and the stepwise assignment (pure, no I/O).

The measurements and links are read by :mod:`glyload.sources.gi_tables`;
:mod:`glyload.build` stores them and what :func:`assign` returns.

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

from .sources.gi_tables import Link, Measurement

#: What :func:`assign` returns for each food (the columns build.py adds to ``foods``).
ASSIGNED_COLUMNS = {
    "subgroup": str, "gi": float, "gi_method": str, "gi_sources": str, "gi_sem": float,
    "gi_low": float, "gi_high": float, "gi_confidence": str, "gi_basis": str,
}

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
    available_carbohydrate_g; they are not changed. Each assignment holds the
    food's ``subgroup`` and the GI columns (:data:`ASSIGNED_COLUMNS`). The order
    of steps is the module docstring's.
    """
    by_entry = {m.entry_no: m for m in measurements}
    linked: dict[str, dict[str, list]] = {}
    for link in links:
        linked.setdefault(link.food_id, {}).setdefault(link.match, []).append(by_entry[link.entry_no])
    result = {}
    measured_in: dict[str, list] = {}
    measured_group: dict[str, list] = {}
    measured_all = []
    subgroups = {food["food_id"]: f"{food['food_group']} / {subgroup_of(food['description'])}"
                 for food in foods}
    for food in foods:
        subgroup = subgroups[food["food_id"]]
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
        elif len(measured_in.get(subgroups[food["food_id"]], [])) >= MIN_FOODS_FOR_MEDIAN:
            subgroup = subgroups[food["food_id"]]
            result[food["food_id"]] = median(measured_in[subgroup], "subgroup median", f"subgroup {subgroup}")
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
    for food_id, assignment in result.items():
        assignment["subgroup"] = subgroups[food_id]
    return result
