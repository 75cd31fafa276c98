"""How well predicted GL fits one person's measured responses, across their clean meals.

Pure arithmetic on lists of clean (unflagged) meals.

- **Pearson r** of predicted GL with measured iAUC, beside r of available
  carbohydrate alone with iAUC: if GL (which adds GI) correlates better than
  carbohydrate, GI is helping this person. 95% interval by Fisher's z
  (n >= 4).
- **Personal response factor** k = iAUC per unit of GL, the least-squares
  slope through the origin (iAUC = k x GL: GL predicts a response proportional
  to itself), with its 95% interval from the slope's standard error and
  Student's t (n - 1 degrees of freedom).
- **Shrinkage** when meals are few: given a prior for k (``prior_factor``: for
  instance the person's own response to a 50 g glucose drink divided by 50, the
  reference of the GI method; and ``prior_cv``, its between-person coefficient
  of variation, default 25% from the 20-28% between-person CV of glycaemic iAUC
  in a three-laboratory ISO 26642 study, FASEB J 2015;29(1 suppl):379.8,
  doi:10.1096/fasebj.29.1_supplement.379.8), k is shrunk by the normal-normal (precision-weighted) rule:
  k_post = w k + (1 - w) k_prior with w = tau^2 / (tau^2 + SE^2), its SD
  sqrt(1 / (1/tau^2 + 1/SE^2)) (Gelman et al., Bayesian Data Analysis, 3rd
  ed. 2013, section 2.5). Few meals mean a large SE and a pull toward the
  prior; many meals leave k as measured. glyload has no published population
  value of k for CGM free-living meals, so without a prior the factor is
  reported as measured and the output says so.
- **Personal relative response** of a food eaten in at least three clean meals
  where it carries most (> 50%) of the meal's available carbohydrate: measured
  iAUC over the iAUC the person's factor predicts from GL (sum over those
  meals), 1 = as the tables predict; marked personal, it is no GI measurement.
"""

from __future__ import annotations

import math
from statistics import NormalDist

MIN_MEALS_FOR_R = 3
MIN_MEALS_FOR_FOOD = 3
FOOD_CARB_SHARE = 0.5
DEFAULT_PRIOR_CV = 0.25

#: Two-sided 95% critical values of Student's t, df 1-30 (standard tables).
T_975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
         2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
         2.052, 2.048, 2.045, 2.042)
Z_975 = NormalDist().inv_cdf(0.975)

CONTEXT = [
    "Wolever et al. 2006 (Am J Clin Nutr 83:1306-1312): in the laboratory, table GI and carbohydrate "
    "explained about 90% of the variation in mean glucose responses to composite meals.",
    "Free-living, one person's responses vary far more: the best published models, with "
    "microbiome and clinical data, reach r of about 0.7 between predicted and measured responses "
    "(Zeevi et al. 2015, Cell 163:1079-1094; Berry et al. 2020, Nat Med 26:964-973).",
]


def t_975(df: int) -> float:
    """Two-sided 95% Student t quantile (table to 30 df, Cornish-Fisher expansion beyond)."""
    if df <= len(T_975):
        return T_975[df - 1]
    z = Z_975
    return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2)


def pearson(xs, ys) -> dict:
    """r with its n and 95% interval (Fisher z; none below 4 pairs), or r None when undefined."""
    n = len(xs)
    out = {"r": None, "n": n, "low": None, "high": None}
    if n < MIN_MEALS_FOR_R:
        return out
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return out
    r = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / math.sqrt(sxx * syy)
    r = max(-1.0, min(1.0, r))
    out["r"] = round(r, 3)
    if n >= 4 and abs(r) < 1:
        z, se = math.atanh(r), 1 / math.sqrt(n - 3)
        out["low"], out["high"] = round(math.tanh(z - Z_975 * se), 3), round(math.tanh(z + Z_975 * se), 3)
    return out


def response_factor(gls, iaucs, prior_factor=None, prior_cv=DEFAULT_PRIOR_CV) -> dict:
    """k (iAUC per GL unit), its 95% interval, and the shrunk value when a prior is given."""
    n = len(gls)
    out = {"n": n, "measured": None, "low": None, "high": None, "se": None, "prior": prior_factor, "prior_cv": None,
           "shrunk": None, "shrunk_low": None, "shrunk_high": None, "weight_of_data": None}
    sxx = sum(x * x for x in gls)
    if n < 2 or sxx == 0:
        return out
    k = sum(x * y for x, y in zip(gls, iaucs)) / sxx
    residual = sum((y - k * x) ** 2 for x, y in zip(gls, iaucs))
    se = math.sqrt(residual / (n - 1) / sxx)
    half = t_975(n - 1) * se
    out.update(measured=round(k, 2), low=round(k - half, 2), high=round(k + half, 2), se=round(se, 3))
    if prior_factor is not None:
        tau = prior_cv * prior_factor
        weight = 1.0 if se == 0 else tau ** 2 / (tau ** 2 + se ** 2)
        post = weight * k + (1 - weight) * prior_factor
        post_sd = se if tau == 0 else (tau if se == 0 else math.sqrt(1 / (1 / tau ** 2 + 1 / se ** 2)))
        out.update(prior_cv=prior_cv, shrunk=round(post, 2), shrunk_low=round(post - Z_975 * post_sd, 2),
                   shrunk_high=round(post + Z_975 * post_sd, 2), weight_of_data=round(weight, 3))
    return out


def food_responses(meals, factor: float | None) -> list[dict]:
    """Personal relative responses of foods carrying most of the carbohydrate in >= 3 clean meals.

    ``meals``: dicts with ``gl``, ``iauc_mg_dl_min`` and ``foods`` ({food_id: (description,
    carbohydrate g)}) and ``available_carbohydrate_g``.
    """
    if not factor:
        return []
    by_food = {}
    for meal in meals:
        carbs = meal["available_carbohydrate_g"]
        if not carbs:
            continue
        for food_id, (description, food_carbs) in meal["foods"].items():
            if food_carbs / carbs > FOOD_CARB_SHARE:
                by_food.setdefault(food_id, (description, []))[1].append(meal)
    out = []
    for food_id, (description, eaten) in sorted(by_food.items()):
        if len(eaten) < MIN_MEALS_FOR_FOOD:
            continue
        predicted = factor * sum(m["gl"] for m in eaten)
        if predicted <= 0:
            continue
        out.append({"food_id": food_id, "food": description, "meals": len(eaten),
                    "relative_response": round(sum(m["iauc_mg_dl_min"] for m in eaten) / predicted, 2),
                    "kind": "personal (from this person's meals; not a GI measurement)"})
    return out
