"""Glycemic index for every food: pooling and the stepwise assignment (pure, no I/O).

The measurements, links and food concepts are read by
:mod:`glyload.sources.gi_tables`; :mod:`glyload.build` stores them and what
:func:`assign` returns. The arithmetic of pooling is :mod:`glyload.pooling`.

The assignment follows the stepwise method used for the Australian food
composition database (Louie et al. 2015, J Food Compos Anal 2015;40:1-9;
AUSNUT 2011-13, Eur J Clin Nutr 2016), in its published order:

1. ``direct``: the food itself was measured;
2. ``related``: a closely related food was measured (same food in another
   variety, brand or cooking);
3. ``recipe``: a food with an ingredient list (FNDDS) and no measurement of its
   own: the carbohydrate-weighted GI of its ingredients (:mod:`glyload.recipe`);
4. ``subgroup median``: the median GI of the measured foods of the food's
   subgroup (see :func:`subgroup_of`), then of its food group when the subgroup
   has fewer than ``MIN_FOODS_FOR_MEDIAN`` measured foods, then of all measured
   foods (``overall median``);
5. ``not applicable``: GI 0 where available carbohydrate < 2.5 g/100 g and the
   food was not measured (meat, fish, eggs, oils, most cheese): its GL is 0.

**Evidence of a food.** A food linked to a food concept (data/gi/concepts.csv)
takes the concept's included entries, direct or related as the concept link
says; its hand links in links.csv are then not used. Other foods take their
links.csv links.

**Pooling** (:func:`pool`): identical duplicate rows count once; ISO-tier
entries only when there are any (International Tables 2021, table 1); a
study's rows are combined first; then DerSimonian-Laird random effects across
studies (:mod:`glyload.pooling`). ``gi_low``/``gi_high`` are the 95%
prediction interval (where a new measurement of the food is expected); with
fewer than 3 studies it uses the typical between-study SD of the database.

**Confidence** comes from measured error (:func:`calibrate`): leave-one-out
over the directly measured foods gives each lower step's mean absolute error;
a food's expected absolute error (for a measured food, of its pooled GI as a
prediction of a new study) sets the label by :data:`CONFIDENCE_BANDS`.
"""

from __future__ import annotations

import bisect
import math
import statistics
from dataclasses import dataclass

from .pooling import combine_study, imputed_sem, random_effects, sem_or_imputed
from .recipe import recipe_gi
from .sources.gi_tables import Concept, Link, Measurement

#: What :func:`assign` returns for each food (the columns build.py adds to ``foods``).
ASSIGNED_COLUMNS = {
    "subgroup": str, "gi": float, "gi_method": str, "gi_sources": str, "gi_sem": float,
    "gi_low": float, "gi_high": float, "gi_confidence": str, "gi_basis": str,
    "gi_concept": str, "gi_excluded": str, "gi_ci_low": float, "gi_ci_high": float,
    "gi_tau": float, "gi_i2": float, "gi_studies": int, "gi_subjects": int, "gi_expected_error": float,
    "gi_measured_share": float,
}

#: Below this available carbohydrate (g/100 g) GI is not applicable (Louie et al. 2015).
NOT_APPLICABLE_BELOW_G = 2.5
#: A subgroup or food group median needs at least this many measured foods.
MIN_FOODS_FOR_MEDIAN = 3
#: A SEM implying a between-subject SD below this (GI units) is implausible for a
#: GI measurement in people (ISO 26642 studies report SDs of about 10-40): it is
#: treated as not reported and imputed (:mod:`glyload.pooling`).
MIN_PLAUSIBLE_SD = 5.0
#: Mean absolute error of a normal error with SD 1: turns an SD into an expected absolute error.
MEAN_ABS_PER_SD = math.sqrt(2 / math.pi)

#: Confidence label by the food's expected absolute error of GI (GI units): the
#: label names the size of the measured error, never a method by hand.
CONFIDENCE_BANDS = ((5.0, "high"), (10.0, "medium"), (15.0, "low"), (math.inf, "very low"))
#: Labels besides the bands.
NOT_APPLICABLE_CONFIDENCE = "high"
MEASURED = ("direct", "related")
IMPUTED = ("related", "recipe", "subgroup median", "group median", "overall median")


def confidence_label(expected_error: float | None) -> str:
    """The :data:`CONFIDENCE_BANDS` label of an expected absolute error."""
    if expected_error is None:
        return "very low"
    return next(label for limit, label in CONFIDENCE_BANDS if expected_error <= limit)


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




def _duplicate_key(m: Measurement) -> tuple:
    """Rows with the same name, numbers and place are one row printed twice (468 = 504)."""
    return (m.food.lower(), m.gi, m.gi_sem, m.subjects, m.country, m.carb_portion_g, m.test_portion_g)


def _study_key(m: Measurement) -> tuple:
    """One study: the same reference, year and country (a lab's unpublished series 'UO5' spans years)."""
    return (m.study or f"entry {m.entry_no}", m.year, m.country)


def typical_sem(measurements: list[Measurement]) -> tuple[float, float]:
    """(median between-subject SD, median SEM) of the plausible reported SEMs: the imputation basis."""
    return imputed_sem([(m.gi_sem, m.subjects) for m in measurements if _plausible_sem(m)])


def _plausible_sem(m: Measurement) -> bool:
    """A reported SEM above 0 whose between-subject SD is at least :data:`MIN_PLAUSIBLE_SD`.

    With the subject count unknown the study is judged as 10 subjects, the ISO 26642 minimum.
    """
    if not m.gi_sem:
        return False
    return m.gi_sem * math.sqrt(m.subjects or 10) >= MIN_PLAUSIBLE_SD


@dataclass
class Pooled:
    """The pooled GI of one food's evidence (see :func:`pool`)."""

    gi: float
    se: float
    ci_low: float
    ci_high: float
    pi_low: float | None
    pi_high: float | None
    tau: float
    tau_estimated: bool
    i2: float
    studies: int
    subjects: int | None
    iso: bool
    sources: list
    duplicates: list
    sem_imputed: int

    @property
    def expected_error(self) -> float:
        """Expected absolute error of this GI as a prediction of a new study of the food."""
        return MEAN_ABS_PER_SD * math.sqrt(self.tau ** 2 + self.se ** 2)


def pool(measurements: list[Measurement], typical: tuple[float, float], tau_fallback: float | None = None) -> Pooled:
    """Pool one food's measurements: duplicates once, ISO tier if any, studies, random effects."""
    seen, unique, duplicates = {}, [], []
    for m in sorted(measurements, key=lambda m: m.entry_no):
        key = _duplicate_key(m)
        if key in seen:
            duplicates.append(m.entry_no)
            continue
        seen[key] = m
        unique.append(m)
    iso = [m for m in unique if m.tier == "ISO"]
    chosen = iso or unique
    studies: dict[tuple, list] = {}
    for m in chosen:
        sem, imputed = sem_or_imputed(m.gi_sem if _plausible_sem(m) else None, m.subjects, typical)
        studies.setdefault(_study_key(m), []).append((m.gi, sem, m.subjects, m.entry_no, imputed))
    results = [combine_study(rows) for rows in studies.values()]
    fit = random_effects([r.gi for r in results], [r.sem for r in results], tau_fallback)
    tau = fit["tau"] if fit["tau_estimated"] or tau_fallback is None else max(fit["tau"], tau_fallback)
    subjects = [r.subjects for r in results]
    return Pooled(
        gi=fit["mean"], se=fit["se"], ci_low=fit["ci_low"], ci_high=fit["ci_high"],
        pi_low=fit["pi_low"], pi_high=fit["pi_high"], tau=tau, tau_estimated=fit["tau_estimated"],
        i2=fit["i2"], studies=len(results), subjects=sum(subjects) if all(subjects) else None,
        iso=bool(iso), sources=sorted(m.entry_no for m in chosen), duplicates=duplicates,
        sem_imputed=sum(r.sem_imputed for r in results),
    )


def _r1(value):
    return None if value is None else round(value, 1)


def _evidence(foods, measurements, links, concepts) -> dict:
    """{food_id: (method, [measurements], concept or None)} for every measured food."""
    by_entry = {m.entry_no: m for m in measurements}
    evidence: dict[str, tuple] = {}
    for concept in concepts:
        chosen = [by_entry[e] for e in concept.included]
        for food_id, (match, _) in concept.foods.items():
            evidence[food_id] = (match, chosen, concept)
    linked: dict[str, dict[str, list]] = {}
    for link in links:
        if link.food_id not in evidence:
            linked.setdefault(link.food_id, {}).setdefault(link.match, []).append(by_entry[link.entry_no])
    for food_id, kinds in linked.items():
        method = "direct" if "direct" in kinds else "related"
        evidence[food_id] = (method, kinds[method], None)
    return {f["food_id"]: evidence[f["food_id"]] for f in foods if f["food_id"] in evidence}, linked


def measured_assignment(method, pooled: Pooled, concept: Concept | None, expected_error: float) -> dict:
    what = "this food" if method == "direct" else "a closely related food"
    studies = "one study" if pooled.studies == 1 else f"{pooled.studies} studies"
    tier = "ISO tier" if pooled.iso else "table 2 only (method deviations)"
    if pooled.tau_estimated:
        spread = f"tau {pooled.tau:.1f}, I2 {pooled.i2:.0f}%"
    else:
        spread = f"fewer than 3 studies: the typical between-study SD {pooled.tau:.1f} is assumed"
    basis = (f"random-effects pool of {studies} ({len(pooled.sources)} entries, {tier}) of {what}"
             + (f", food concept '{concept.name}'" if concept else "")
             + f"; {spread}; range shown: 95% prediction interval; International Tables 2021")
    if pooled.duplicates:
        basis += f"; duplicate rows counted once: {', '.join(map(str, pooled.duplicates))}"
    if pooled.sem_imputed:
        basis += f"; SEM imputed for {pooled.sem_imputed} of {pooled.studies} studies"
    label = confidence_label(expected_error)
    qualifiers = [q for q, applies in (("one study", pooled.studies == 1), ("table 2 only", not pooled.iso))
                  if applies]
    return {
        "gi": round(pooled.gi, 1),
        "gi_method": method,
        "gi_sources": ";".join(map(str, pooled.sources)),
        "gi_sem": round(pooled.se, 1),
        "gi_low": _r1(max(pooled.pi_low, 0.0)) if pooled.pi_low is not None else None,
        "gi_high": _r1(pooled.pi_high),
        "gi_confidence": ", ".join([label, *qualifiers]),
        "gi_basis": basis,
        "gi_concept": concept.concept if concept else None,
        "gi_excluded": ";".join(map(str, concept.excluded)) if concept else None,
        "gi_ci_low": _r1(max(pooled.ci_low, 0.0)),
        "gi_ci_high": _r1(pooled.ci_high),
        "gi_tau": _r1(pooled.tau),
        "gi_i2": _r1(pooled.i2),
        "gi_studies": pooled.studies,
        "gi_subjects": pooled.subjects,
        "gi_expected_error": _r1(expected_error),
        "gi_measured_share": 1.0,
    }


def _empty(**values) -> dict:
    row = dict.fromkeys(ASSIGNED_COLUMNS)
    row.update(values)
    return row


class _Medians:
    """Medians of measured foods per subgroup, group and overall, leaving some foods out on demand."""

    def __init__(self, measured: dict, subgroups: dict, groups: dict):
        self.values = measured  # food_id -> (gi, frozenset(entries))
        self.by = {"subgroup median": {}, "group median": {}, "overall median": {}}
        for food_id in measured:
            self.by["subgroup median"].setdefault(subgroups[food_id], []).append(food_id)
            self.by["group median"].setdefault(groups[food_id], []).append(food_id)
            self.by["overall median"].setdefault("all", []).append(food_id)
        self.sorted = {(method, key): sorted(measured[f][0] for f in ids)
                       for method, keyed in self.by.items() for key, ids in keyed.items()}
        self.sharing: dict[int, set] = {}  # entry -> measured foods whose evidence holds it
        for food_id, (_, entries) in measured.items():
            for entry in entries:
                self.sharing.setdefault(entry, set()).add(food_id)

    def median(self, method: str, key, leave_out=frozenset()) -> tuple[float, list] | None:
        """(median, food ids) of the measured foods under ``key`` but those sharing an entry with ``leave_out``."""
        ids = self.by[method].get(key, [])
        if leave_out:
            sharing = set().union(*(self.sharing.get(e, ()) for e in leave_out))
            dropped = [f for f in ids if f in sharing]
            values = list(self.sorted[(method, key)])
            for f in dropped:
                del values[bisect.bisect_left(values, self.values[f][0])]
            ids = [f for f in ids if f not in dropped]
        else:
            values = self.sorted.get((method, key), [])
        if len(values) < MIN_FOODS_FOR_MEDIAN:
            return None
        return statistics.median(values), ids


def assign(foods: list[dict], measurements: list[Measurement], links: list[Link],
           concepts: list[Concept] | None = None) -> dict:
    """Assign a GI to every food; returns {food_id: assignment columns}.

    ``foods`` are dicts with food_id, description, food_group and
    available_carbohydrate_g; they are not changed. Each assignment holds the
    food's ``subgroup`` and the GI columns (:data:`ASSIGNED_COLUMNS`). The
    leave-one-out rows behind the confidence are :func:`leave_one_out`'s.
    """
    return assign_with_validation(foods, measurements, links, concepts)[0]


def assign_with_validation(foods, measurements, links, concepts=None, ingredients=None) -> tuple[dict, list]:
    """:func:`assign` and the leave-one-out rows (:func:`leave_one_out`) it calibrated on.

    ``ingredients``: {dish food_id: [(ingredient food_id or None, grams, description)]}
    for step 3 (:mod:`glyload.recipe`).
    """
    concepts = concepts or []
    ingredients = ingredients or {}
    subgroups = {f["food_id"]: f"{f['food_group']} / {subgroup_of(f['description'])}" for f in foods}
    groups = {f["food_id"]: f["food_group"] for f in foods}
    result: dict[str, dict] = {}
    if not measurements:
        for food in foods:
            result[food["food_id"]] = _not_applicable(food) or _empty(
                gi_method="unknown", gi_sources="", gi_confidence="none", gi_basis="no GI measurements were loaded")
            result[food["food_id"]]["subgroup"] = subgroups[food["food_id"]]
        return result, []
    typical = typical_sem(measurements)
    evidence, linked = _evidence(foods, measurements, links, concepts)
    first = {food_id: pool(ms, typical) for food_id, (_, ms, _) in evidence.items()}
    taus = [p.tau for p in first.values() if p.tau_estimated]
    typical_tau = statistics.median(taus) if taus else 0.0
    pooled = {food_id: (p if p.tau_estimated else pool(evidence[food_id][1], typical, typical_tau))
              for food_id, p in first.items()}
    measured = {food_id: (p.gi, frozenset(m.entry_no for m in evidence[food_id][1]))
                for food_id, p in pooled.items()}
    medians = _Medians(measured, subgroups, groups)
    loo = leave_one_out(evidence, linked, pooled, medians, subgroups, groups, typical, typical_tau)
    errors = method_errors(loo)
    for food_id, (method, _, concept) in evidence.items():
        p = pooled[food_id]
        expected = p.expected_error if method == "direct" else errors.get("related", {}).get("mae", p.expected_error)
        result[food_id] = measured_assignment(method, p, concept, expected)
        if method == "related" and "related" in errors:
            result[food_id]["gi_basis"] += (f"; confidence from the leave-one-out error of related foods "
                                            f"(MAE {errors['related']['mae']:.1f})")
    cached: dict[tuple, dict] = {}
    fallback: dict[str, dict] = {}
    for food in foods:
        food_id = food["food_id"]
        if food_id in result:
            continue
        fallback[food_id] = _not_applicable(food)
        if fallback[food_id]:
            continue
        for method, key, where in (("subgroup median", subgroups[food_id], f"subgroup {subgroups[food_id]}"),
                                   ("group median", groups[food_id], f"food group {groups[food_id]}"),
                                   ("overall median", "all", "the database")):
            if (method, key) not in cached:
                found = medians.median(method, key)
                cached[(method, key)] = found and _median_assignment(found, method, where, measured, errors)
            if cached[(method, key)]:
                fallback[food_id] = dict(cached[(method, key)])
                break
    if ingredients:
        carbs = {f["food_id"]: f["available_carbohydrate_g"] for f in foods}
        recipe_rows = _recipe_leave_one_out(evidence, pooled, ingredients, carbs, result, fallback,
                                            (medians, subgroups, groups, errors))
        loo.extend(recipe_rows)
        errors = method_errors(loo)
        memo: dict = {}

        def own_gi(food_id):
            row = result.get(food_id) or fallback.get(food_id)
            return row and (row["gi"], row["gi_expected_error"], row["gi_method"])

        for dish in ingredients:
            if dish in result or dish not in carbs:
                continue
            found = recipe_gi(dish, ingredients, carbs, own_gi, set(result), _memo=memo)
            if found is not None:
                fallback[dish] = _recipe_assignment(found, errors.get("recipe"))
    result.update(fallback)
    result = {f["food_id"]: result[f["food_id"]] for f in foods if result.get(f["food_id"])}
    for food_id, assignment in result.items():
        assignment["subgroup"] = subgroups[food_id]
    return result, loo


def _recipe_assignment(found, error) -> dict:
    """Step 3's columns from a :class:`glyload.recipe.RecipeResult`."""
    expected = found.sd * MEAN_ABS_PER_SD if found.sd is not None else None
    half = 1.959964 * found.sd if found.sd is not None else None
    names = ";".join(i for i, _, _ in found.ingredients)
    basis = (f"recipe: carbohydrate-weighted GI of {len(found.ingredients)} ingredient{'' if len(found.ingredients) == 1 else 's'} "
             f"({found.carbohydrate_g:.1f} g carbohydrate per recipe, {found.measured_share:.0%} of it from "
             f"ingredients with a measured GI); range shown: +/- 1.96 x the SD propagated from the ingredients")
    if found.no_gi:
        basis += f"; ingredients with carbohydrate but no GI (not applicable): {', '.join(found.no_gi)}"
    if found.unresolved:
        basis += (f"; {len(found.unresolved)} ingredient(s) found in no food, carbohydrate of unknown GI: "
                  + ", ".join(found.unresolved))
    if error:
        basis += f"; leave-one-out error of the recipe step: MAE {error['mae']:.1f} (n = {error['n']})"
    return _empty(
        gi=round(found.gi, 1), gi_method="recipe", gi_sources=names, gi_sem=None,
        gi_low=_r1(max(found.gi - half, 0.0)) if half is not None else None,
        gi_high=_r1(found.gi + half) if half is not None else None,
        gi_confidence=confidence_label(expected) + (", part measured" if found.measured_share < 0.5 else ""),
        gi_basis=basis, gi_expected_error=_r1(expected), gi_measured_share=round(found.measured_share, 3),
    )


def _recipe_leave_one_out(evidence, pooled, ingredients, carbs, measured_rows, fallback, steps) -> list[dict]:
    """Directly measured dishes predicted from their ingredients, their own entries left out.

    An ingredient measured with any of the dish's own entries takes the lower step
    it would have without them (subgroup, group or overall median, leaving those
    entries out), as in :func:`leave_one_out`.
    """
    medians, subgroups, groups, errors = steps
    rows = []
    for dish, (method, ms, _) in evidence.items():
        if method != "direct" or dish not in ingredients:
            continue
        own = {m.entry_no for m in ms}

        def own_gi(food_id, own=frozenset(own)):
            row = measured_rows.get(food_id)
            if row and not own & {int(s) for s in row["gi_sources"].split(";") if s}:
                return row["gi"], row["gi_expected_error"], row["gi_method"]
            if row:
                for step, key in (("subgroup median", subgroups[food_id]), ("group median", groups[food_id]),
                                  ("overall median", "all")):
                    found = medians.median(step, key, own)
                    if found:
                        return found[0], errors.get(step, {}).get("mae"), step
                return None
            row = fallback.get(food_id)
            return row and (row["gi"], row["gi_expected_error"], row["gi_method"])

        usable = {f for f, row in measured_rows.items()
                  if f != dish and not own & {int(s) for s in row["gi_sources"].split(";") if s}}
        found = recipe_gi(dish, {**ingredients, dish: ingredients[dish]}, carbs, own_gi, usable | {dish})
        if found is None:
            continue
        truth = pooled[dish].gi
        rows.append({"food_id": dish, "food_group": groups[dish], "method": "recipe",
                     "measured": round(truth, 1), "predicted": round(found.gi, 1),
                     "error": round(found.gi - truth, 1)})
    return rows


def _not_applicable(food) -> dict | None:
    carbs = food["available_carbohydrate_g"]
    if carbs is None or carbs >= NOT_APPLICABLE_BELOW_G:
        return None
    return _empty(gi=0.0, gi_method="not applicable", gi_sources="", gi_confidence=NOT_APPLICABLE_CONFIDENCE,
                  gi_basis=f"available carbohydrate {carbs:g} g/100 g is below {NOT_APPLICABLE_BELOW_G:g} g")


def _median_assignment(found, method, where, measured, errors) -> dict:
    median, ids = found
    sources = sorted({e for f in ids for e in measured[f][1]})
    error = errors.get(method)
    if error:
        low, high = median - error["q95"], median + error["q95"]
        spread = (f"range shown: median +/- {error['q95']:.1f}, the 95th percentile of the leave-one-out "
                  f"error of this method (MAE {error['mae']:.1f}, n = {error['n']})")
    else:
        low = high = None
        spread = "no leave-one-out error measured for this method"
    return _empty(
        gi=round(median, 1), gi_method=method, gi_sources=";".join(map(str, sources)),
        gi_low=_r1(max(low, 0.0)) if low is not None else None, gi_high=_r1(high),
        gi_confidence=confidence_label(error["mae"] if error else None),
        gi_basis=f"median of {len(ids)} measured foods in {where}; {spread}",
        gi_expected_error=_r1(error["mae"]) if error else None, gi_measured_share=0.0,
    )


def leave_one_out(evidence, linked, pooled, medians, subgroups, groups, typical, typical_tau) -> list[dict]:
    """Predict every directly measured food by each lower step with its own entries left out.

    Rows: food_id, food_group, method, measured, predicted, error (predicted -
    measured). ``related``: the food's related links pooled without its own
    entries (foods linked both ways); the medians leave out every measured food
    that shares an entry with it.
    """
    rows = []
    for food_id, (method, ms, _) in evidence.items():
        if method != "direct":
            continue
        own = frozenset(m.entry_no for m in ms)
        truth = pooled[food_id].gi
        predictions = []
        related = [m for m in linked.get(food_id, {}).get("related", []) if m.entry_no not in own]
        if related:
            predictions.append(("related", pool(related, typical, typical_tau).gi))
        for step, key in (("subgroup median", subgroups[food_id]), ("group median", groups[food_id]),
                          ("overall median", "all")):
            found = medians.median(step, key, own)
            if found:
                predictions.append((step, found[0]))
        for step, predicted in predictions:
            rows.append({"food_id": food_id, "food_group": groups[food_id], "method": step,
                         "measured": round(truth, 1), "predicted": round(predicted, 1),
                         "error": round(predicted - truth, 1)})
    return rows


def method_errors(rows: list[dict], by: str = "method") -> dict:
    """{method (or ``by`` value): n, mae, bias, q95} of leave-one-out rows."""
    grouped: dict = {}
    for row in rows:
        grouped.setdefault(row[by], []).append(row["error"])
    out = {}
    for key, errs in grouped.items():
        absolute = sorted(abs(e) for e in errs)
        q95 = absolute[min(len(absolute) - 1, math.ceil(0.95 * len(absolute)) - 1)]
        out[key] = {"n": len(errs), "mae": sum(absolute) / len(errs), "bias": sum(errs) / len(errs), "q95": q95}
    return out
