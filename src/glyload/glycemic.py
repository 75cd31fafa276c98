"""Glycemic arithmetic: available carbohydrate, glycemic load and their classes.

Pure functions, no I/O. Values are floats; only :func:`available_carbohydrate`
rounds (to 3 decimals), everything else is left to callers to round for display.

The rules:

* **Available carbohydrate** is USDA "carbohydrate, by difference" (nutrient
  205, which includes fiber) minus "fiber, total dietary" (nutrient 291).
* **Glycemic load** of a portion is GI x available carbohydrate (g) / 100,
  with GI on the glucose = 100 scale.
* **Meal GI** is the carbohydrate-weighted mean of the item GIs, and **meal GL**
  the sum of the item GLs (Wolever & Jenkins, Am J Clin Nutr 1986;43:167-72).
* **Classes** follow the International Tables of Glycemic Index and Glycemic
  Load Values (Atkinson et al., Am J Clin Nutr 2021;114:1625-32): GI low <= 55,
  medium 56-69, high >= 70; GL per serving low <= 10, medium 11-19, high >= 20;
  daily GL low < 80, medium 80-120, high > 120.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

GI_LOW_MAX = 55
GI_HIGH_MIN = 70
GL_LOW_MAX = 10
GL_HIGH_MIN = 20
DAILY_GL_LOW_BELOW = 80
DAILY_GL_HIGH_ABOVE = 120


def _check(name: str, value):
    """Raise ValueError if ``value`` is negative or not a finite number; None passes."""
    if value is None:
        return
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} cannot be negative, got {value!r}")


def available_carbohydrate(carbohydrate_g: float | None, fiber_g: float | None) -> float | None:
    """Available carbohydrate (g per 100 g) from USDA nutrients 205 and 291.

    USDA "carbohydrate, by difference" (205) includes dietary fiber, which is not
    digested to glucose, so available carbohydrate = 205 - 291, floored at 0 and
    rounded to 3 decimals (so 28.17 - 0.4 is exactly 27.77). Unknown fiber
    (None) leaves the carbohydrate as is; unknown carbohydrate gives None.
    """
    _check("carbohydrate_g", carbohydrate_g)
    _check("fiber_g", fiber_g)
    if carbohydrate_g is None:
        return None
    if fiber_g is None:
        return round(carbohydrate_g, 3)
    return round(max(carbohydrate_g - fiber_g, 0.0), 3)


def carbohydrate_in_portion(available_per_100g: float | None, grams: float) -> float | None:
    """Grams of available carbohydrate in ``grams`` of a food (None if unknown)."""
    _check("available_per_100g", available_per_100g)
    _check("grams", grams)
    if available_per_100g is None:
        return None
    return available_per_100g * grams / 100


def glycemic_load(gi: float | None, carb_g: float | None) -> float | None:
    """Glycemic load of a portion: GI (glucose = 100) x available carbohydrate (g) / 100.

    Returns None when either the GI or the carbohydrate is unknown.
    """
    _check("gi", gi)
    _check("carb_g", carb_g)
    if gi is None or carb_g is None:
        return None
    return gi * carb_g / 100


def _meal_items(items: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """Check (gi, carb_g) pairs: both known and non-negative."""
    pairs = []
    for gi, carb_g in items:
        if gi is None or carb_g is None:
            raise ValueError("every meal item needs a known gi and carb_g")
        _check("gi", gi)
        _check("carb_g", carb_g)
        pairs.append((gi, carb_g))
    return pairs


def meal_glycemic_load(items: Iterable[tuple[float, float]]) -> float:
    """Glycemic load of a meal: the sum of its items' GL.

    ``items`` are ``(gi, carb_g)`` pairs, carb_g being the available
    carbohydrate of the portion eaten. An empty meal has GL 0.
    """
    return sum(gi * carb_g / 100 for gi, carb_g in _meal_items(items))


def meal_glycemic_index(items: Iterable[tuple[float, float]]) -> float | None:
    """GI of a meal: sum(GI_i x carb_i) / sum(carb_i) (Wolever & Jenkins 1986).

    ``items`` are ``(gi, carb_g)`` pairs. Returns None when the meal has no
    available carbohydrate, as GI is then undefined.
    """
    pairs = _meal_items(items)
    total_carb = sum(carb_g for _, carb_g in pairs)
    if total_carb == 0:
        return None
    return sum(gi * carb_g for gi, carb_g in pairs) / total_carb


def gi_class(gi: float | None, available_carbohydrate_g: float | None = None) -> str | None:
    """"low" (GI <= 55), "medium" (between) or "high" (GI >= 70), per Atkinson et al. 2021.

    Returns None when the GI is unknown, or when ``available_carbohydrate_g`` is
    given and is 0: GI describes the carbohydrate of a food, so a food without
    any (meat, oil) has no GI class whatever number is recorded for it.
    """
    _check("gi", gi)
    _check("available_carbohydrate_g", available_carbohydrate_g)
    if gi is None or available_carbohydrate_g == 0:
        return None
    if gi <= GI_LOW_MAX:
        return "low"
    if gi >= GI_HIGH_MIN:
        return "high"
    return "medium"


def gl_class(gl: float | None) -> str | None:
    """GL of one serving: "low" (<= 10), "medium" (between) or "high" (>= 20); None if unknown."""
    _check("gl", gl)
    if gl is None:
        return None
    if gl <= GL_LOW_MAX:
        return "low"
    if gl >= GL_HIGH_MIN:
        return "high"
    return "medium"


def daily_gl_class(gl: float | None) -> str | None:
    """GL of a whole day: "low" (< 80), "medium" (80-120) or "high" (> 120); None if unknown."""
    _check("gl", gl)
    if gl is None:
        return None
    if gl < DAILY_GL_LOW_BELOW:
        return "low"
    if gl > DAILY_GL_HIGH_ABOVE:
        return "high"
    return "medium"


def gl_range(gi: float, gi_uncertainty: float | None, carb_g: float) -> tuple[float, float]:
    """(low, high) GL of a portion for a GI known only to within +/- ``gi_uncertainty``.

    Published GIs come with a standard error; the low end uses GI minus the
    uncertainty (floored at 0), the high end GI plus it. No uncertainty (None)
    gives ``(gl, gl)``.
    """
    if gi is None or carb_g is None:
        raise ValueError("gl_range needs a known gi and carb_g")
    _check("gi", gi)
    _check("gi_uncertainty", gi_uncertainty)
    _check("carb_g", carb_g)
    if gi_uncertainty is None:
        gl = glycemic_load(gi, carb_g)
        return (gl, gl)
    return (
        glycemic_load(max(gi - gi_uncertainty, 0.0), carb_g),
        glycemic_load(gi + gi_uncertainty, carb_g),
    )
