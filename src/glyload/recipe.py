"""Recipe-weighted GI (step 3 of the assignment): a dish's GI from its ingredients' (pure).

GI = sum(GI_i x AC_i) / sum(AC_i), where AC_i = grams_i x available carbohydrate
per 100 g of ingredient i / 100: the carbohydrate each ingredient brings
(Wolever & Jenkins 1986; the method of the Australian and FNDDS-based GI
databases). The weights are relative, so a moisture change in cooking (FNDDS
``moisture_change_pct``) does not move the GI and is not applied.

Rules, one each:
- an ingredient that is itself a dish (an FNDDS sub-recipe) without a measured
  GI of its own takes its recipe GI, recursively (a cycle is an error);
- an ingredient below the not-applicable threshold (meat, oil, cheese) brings
  almost no carbohydrate: it joins the weights with its small AC but no GI
  (its GI 0 is a marker, not a measurement), so it is left out of the mean and
  named in the result;
- an ingredient that resolves to no food in the database (a FoodData Central
  code, a restaurant item) is carbohydrate of unknown amount and GI: it is
  never dropped silently but listed in ``unresolved`` and named in the basis;
- the measured share is the share of the dish's carbohydrate from ingredients
  whose GI is measured (direct or related; for a sub-recipe, its own measured
  share of its carbohydrate);
- the spread propagates: the dish's GI SD is sum(w_i x sd_i) with w_i = AC_i /
  sum(AC) and sd_i the ingredient's expected error turned into an SD. Errors of
  ingredients are not independent (imputed ones share medians), so they are
  added as if fully correlated: an upper bound, never the smaller
  sqrt(sum((w_i x sd_i)^2)) that independence would give.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

#: Turns a mean absolute error into the SD of a normal error (inverse of sqrt(2/pi)).
SD_PER_MEAN_ABS = math.sqrt(math.pi / 2)


@dataclass
class RecipeResult:
    gi: float | None
    sd: float | None
    measured_share: float
    carbohydrate_g: float
    ingredients: list = field(default_factory=list)  # (ingredient id, AC g, GI) used in the mean
    no_gi: list = field(default_factory=list)  # ingredient ids with carbohydrate but no GI (not applicable)
    unresolved: list = field(default_factory=list)  # descriptions of ingredients found in no food


class RecipeCycle(ValueError):
    """An FNDDS recipe that contains itself."""


def recipe_gi(dish: str, ingredients: dict, carbs: dict, own_gi, measured: set, _stack=None,
              _memo=None) -> RecipeResult | None:
    """The recipe GI of ``dish``, or None when none of its ingredients carries carbohydrate with a GI.

    ``ingredients``: {dish id: [(ingredient id or None, grams, description)]};
    ``carbs``: {food id: available carbohydrate g/100 g or None};
    ``own_gi(food_id)``: (gi, expected error, method) of a food that is not a dish
    to recurse into (or that was measured itself), None when it has none;
    ``measured``: food ids whose GI is measured (direct or related).
    """
    memo = {} if _memo is None else _memo
    if dish in memo:
        return memo[dish]
    stack = _stack or ()
    if dish in stack:
        raise RecipeCycle(f"recipe of {dish} contains itself: {' -> '.join((*stack, dish))}")
    parts, no_gi, unresolved = [], [], []
    for ingredient, grams, description in ingredients.get(dish, []):
        if ingredient is None or ingredient not in carbs:
            unresolved.append(description or str(ingredient))
            continue
        carb = carbs[ingredient]
        if carb is None:
            unresolved.append(description or ingredient)
            continue
        if not grams:
            continue
        ac = grams * carb / 100
        if ingredient in ingredients and ingredient not in measured:
            sub = recipe_gi(ingredient, ingredients, carbs, own_gi, measured, (*stack, dish), memo)
            if sub is None or sub.gi is None:
                no_gi.append(ingredient)
                parts.append((ingredient, ac, None, None, 0.0))
                continue
            parts.append((ingredient, ac, sub.gi, sub.sd, sub.measured_share))
            unresolved.extend(sub.unresolved)
            continue
        found = own_gi(ingredient)
        if found is None or found[2] == "not applicable" or found[0] is None:
            no_gi.append(ingredient)
            parts.append((ingredient, ac, None, None, 0.0))
            continue
        gi, error, _ = found
        sd = None if error is None else error * SD_PER_MEAN_ABS
        parts.append((ingredient, ac, gi, sd, 1.0 if ingredient in measured else 0.0))
    total = sum(ac for _, ac, _, _, _ in parts)
    with_gi = [(i, ac, gi, sd, share) for i, ac, gi, sd, share in parts if gi is not None]
    weight = sum(ac for _, ac, _, _, _ in with_gi)
    if not weight:
        memo[dish] = None
        return None
    gi = sum(g * ac for _, ac, g, _, _ in with_gi) / weight
    sds = [(ac / weight, sd) for _, ac, _, sd, _ in with_gi]
    sd = sum(w * s for w, s in sds) if all(s is not None for _, s in sds) else None
    share = sum(ac * s for _, ac, _, _, s in parts) / total if total else 0.0
    result = RecipeResult(gi=gi, sd=sd, measured_share=share, carbohydrate_g=total,
                          ingredients=[(i, ac, g) for i, ac, g, _, _ in with_gi], no_gi=no_gi,
                          unresolved=unresolved)
    memo[dish] = result
    return result
