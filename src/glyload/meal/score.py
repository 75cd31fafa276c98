"""Score a meal: read each item, match its food, weigh it, compute GL.

One scorer serves the CLI (``glyload score``), the Datasette page
(``/-/score``) and the diary: :func:`score_lines` takes the
:class:`~glyload.meal.read.MealLine`s of :mod:`glyload.meal.read`, scores each
distinct line once (a long file repeats itself), and returns the JSON contract
(README, "JSON output"). A compound item ("1 bagel with cream cheese") becomes
the items :mod:`glyload.meal.compound` finds in it.
"""

from __future__ import annotations

import math
import sqlite3

from .. import glycemic
from ..database import dict_rows
from ..errors import GlyloadError
from ..search import fts_match, normalise, singular, words
from .compound import GLUE_WORDS, food_words, split_item
from .match import CUTS, PREPARATION, SYNONYMS, THRESHOLD, WHOLE_PHRASES, MatchError, match_food
from ..sources.gi_tables import MATCHES as MEASURED
from .household import household, millilitres
from .parse import MAX_GRAMS, VOLUME_ML, ParsedItem, ParseError, _quote, trailing_unit
from .portions import grams_for
from .read import MealLine, from_text
from .variety import measured_variety
from .variety import note as variety_note

#: ``gi_method`` of an item that carries its typed variety's measured GI (:mod:`glyload.meal.variety`).
VARIETY_METHOD = "variety"

ITEM_KEYS = ("input", "food_id", "food", "quantity", "unit", "portion", "grams",
             "available_carbohydrate_g", "gi", "gi_method", "gi_confidence", "gl",
             "gl_low", "gl_high", "match_score", "notes", "typed", "unused_words")
TOTAL_KEYS = ("grams", "available_carbohydrate_g", "gl", "gl_low", "gl_high", "gl_class",
              "gi", "gi_class", "measured_carb_share")


class ItemError(GlyloadError):
    """An item that cannot be scored; the message names the item."""


class MealError(GlyloadError):
    """Items of a meal that cannot be scored: the message names every one of them."""

    def __init__(self, failures: list[tuple[MealLine, GlyloadError]]):
        self.failures = failures
        if len(failures) == 1:
            line, error = failures[0]
            message = located(line, error)
        else:
            message = f"{len(failures)} items cannot be scored: " + "; ".join(
                located(line, error) for line, error in failures)
        super().__init__(message)


def located(line: MealLine, error: GlyloadError) -> str:
    """``where: message``, quoting the item when the message does not."""
    message = str(error)
    if line.food_id is None and line.text not in message and _quote(line.text) not in message:
        message = f"{_quote(line.text)}: {message}"
    return f"{line.where}: {message}" if line.where else message


def food_by_id(conn: sqlite3.Connection, food_id: str) -> dict:
    rows = dict_rows(conn, "select * from foods where food_id = ?", (food_id,))
    if not rows:
        raise ItemError(f"no food with id {food_id!r}")
    return rows[0]


def known_word(conn: sqlite3.Connection, word: str) -> bool:
    """Whether any food's names hold ``word`` (full-text index)."""
    return conn.execute("select 1 from foods_fts where foods_fts match ? limit 1",
                        (fts_match([word]),)).fetchone() is not None


def unused_words(item: ParsedItem, food: dict, portion: str) -> list[str]:
    """The typed food words neither the matched food nor the measure used accounts for.

    A word counts as used when the food's names hold it (singular or plural), when
    a synonym it is part of is in the food's names ("oatmeal" -> oats), when a
    preparation word is met by its kin ("cooked" by "boiled"), when it only says how
    the food is cut ("sliced"), or when it names the measure ("chopped" of "cup, chopped").
    """
    found = food_words(food) | set(normalise(portion)) | GLUE_WORDS
    typed = words(item.phrase)
    unused = []
    for word in typed:
        if singular(word) in found or word in CUTS or word.isdigit() or f"{word}ed" in found:
            continue  # "toast" is answered by "toasted"
        if word in PREPARATION and PREPARATION[word] & found:
            continue
        if any(word in words(said) and set(normalise(named)) <= found for said, named in SYNONYMS + WHOLE_PHRASES):
            continue
        unused.append(word)
    return unused


def host_millilitres(item: ParsedItem) -> float | None:
    """An item's volume, for the guideline amount of what goes with it: a volume unit's, or a
    household word's by the table's convention ("a bowl of cereal" = 1.5 cups)."""
    if item.unit_kind == "household":
        entry = household(item.unit)
        if entry is not None and entry.unit in VOLUME_ML:
            return item.quantity * millilitres(entry)
    return item.millilitres()


def score_item(conn: sqlite3.Connection, item: ParsedItem, first: bool = False,
               grams: float | None = None, typed: str | None = None, host: dict | None = None) -> dict:
    """Score one parsed item (``grams`` overrides the parsed amount, for CSV input;
    ``typed`` is the typed item it is part of, when a compound phrase was split, and
    ``host`` the scored item it goes with)."""
    notes = list(item.notes)
    typed_words = words(item.phrase)
    if item.amount_given and item.unit is None and len(typed_words) > 1 \
            and not known_word(conn, typed_words[0]):
        # "2 zorks rice": the word where a unit goes is no unit and no food's word.
        raise ItemError(f'unknown unit "{typed_words[0]}": {_quote(item.text)}')
    if item.food_id:
        food = food_by_id(conn, item.food_id)
        match_score = 100.0
    else:
        # A measure word the phrase ends in ("1 salmon fillet", "2 pizza slices") is its unit
        # unless the food matched is named with it ("1 granola bar").
        measured = trailing_unit(item)
        try:
            match = match_food(conn, item.phrase, first=first,
                               unit=item.unit if item.unit_kind in ("volume", "household") else None,
                               host=host["food"] if host is not None and not item.amount_given else None,
                               unsized=not item.amount_given)
        except MatchError:
            if measured is None:
                raise
            return score_item(conn, measured, first=first, grams=grams, typed=typed, host=host)
        if measured is not None and singular(words(item.phrase)[-1]) not in food_words(match.food):
            return score_item(conn, measured, first=first, grams=grams, typed=typed, host=host)
        food = food_by_id(conn, match.food["food_id"])
        match_score = match.score
        if match_score < THRESHOLD:
            notes.append(f"weak match ({match_score:g}) accepted with --first")
        if match.food.get("published_name"):
            notes.append(f"matched by another name USDA gives it: {match.food['published_name']!r}")
    portion = ""
    if grams is None:
        weighed = grams_for(conn, food, item, host=None if host is None else {
            "food": host["food"], "quantity": host["quantity"], "unit_kind": host["_unit_kind"],
            "millilitres": host["_millilitres"], "grams": host["grams"]})
        grams, portion = weighed.grams, weighed.description
        notes.extend(weighed.notes)
    unused = [] if item.food_id else unused_words(item, food, portion)
    # A typed variety the food's own name does not hold (USDA has no jasmine rice, or lists
    # it only among "basmati or jasmine rice"): its measured GI, unless the food's is measured.
    named = set(normalise(food["description"]))
    varieties = [w for w in words(item.phrase) if singular(w) not in named
                 and (w in unused or food["gi_method"] != "direct")] if not item.food_id else []
    for word in varieties:
        found = measured_variety(conn, word, food)
        if found is not None:
            notes.append(variety_note(found, food))
            food = {**food, "gi": found["gi"], "gi_low": found["gi_low"], "gi_high": found["gi_high"],
                    "gi_method": VARIETY_METHOD, "gi_confidence": found["gi_confidence"]}
            if word in unused:
                unused.remove(word)
            break
    if unused:
        notes.append(f"not used for the match: {', '.join(unused)} (scored as {food['description']!r})")
    if not math.isfinite(grams) or grams <= 0:
        raise ItemError(f"{item.text!r}: the amount must be above 0 g")
    if grams > MAX_GRAMS:
        raise ItemError(f"{item.text!r}: {grams:,.0f} g is not a plausible amount (at most {MAX_GRAMS:,} g)")
    if food["available_carbohydrate_g"] is None:
        raise ItemError(f"{item.text!r}: {food['food_id']} {food['description']} has no carbohydrate value "
                        "in USDA's data, so its GL cannot be computed")
    carbs = glycemic.carbohydrate_in_portion(food["available_carbohydrate_g"], grams)
    gi = food["gi"]
    gl = None if gi is None else glycemic.glycemic_load(gi, carbs)
    uncertainty = None
    if gi is not None and food["gi_low"] is not None and food["gi_high"] is not None:
        low = glycemic.glycemic_load(food["gi_low"], carbs)
        high = glycemic.glycemic_load(food["gi_high"], carbs)
        uncertainty = (low, high)
    elif gl is not None:
        uncertainty = (gl, gl)
    return {
        "input": item.text,
        "food_id": food["food_id"],
        "food": food["description"],
        "quantity": item.quantity,
        "unit": item.unit,
        "portion": portion,
        "grams": round(grams, 1),
        "available_carbohydrate_g": round(carbs, 2),
        "gi": gi,
        "gi_method": food["gi_method"],
        "gi_confidence": food["gi_confidence"],
        "gl": None if gl is None else round(gl, 2),
        "gl_low": None if uncertainty is None else round(uncertainty[0], 2),
        "gl_high": None if uncertainty is None else round(uncertainty[1], 2),
        "match_score": match_score,
        "notes": notes,
        "typed": typed or item.text,
        "unused_words": unused,
        "_unit_kind": item.unit_kind,
        "_millilitres": host_millilitres(item),
        "_carbs": carbs,
        # share of this item's carbohydrate with a measured GI: 1 measured, the ingredients' for a recipe GI
        "_measured": carbs * (1.0 if food["gi_method"] in (*MEASURED, VARIETY_METHOD) else (food.get("gi_measured_share") or 0.0)),
        "_gl": gl,
        "_range": uncertainty,
    }


def totals(items: list[dict]) -> dict:
    """Meal totals: GL is the sum; GI the carbohydrate-weighted mean (Wolever & Jenkins 1986)."""
    scored = [i for i in items if i["gi"] is not None]
    carbs = sum(i["_carbs"] for i in items)
    gl = glycemic.meal_glycemic_load((i["gi"], i["_carbs"]) for i in scored)
    # GI 0 "not applicable" marks negligible carbohydrate: it adds 0 to GL but is no GI
    # measurement, so it does not pull the meal's GI down.
    gi = glycemic.meal_glycemic_index(
        (i["gi"], i["_carbs"]) for i in scored if i["gi_method"] != "not applicable")
    measured = sum(i["_measured"] for i in items)
    low = sum(i["_range"][0] for i in scored)
    high = sum(i["_range"][1] for i in scored)
    return {
        "grams": round(sum(i["grams"] for i in items), 1),
        "available_carbohydrate_g": round(carbs, 2),
        "gl": round(gl, 2),
        "gl_low": round(low, 2),
        "gl_high": round(high, 2),
        "gl_class": glycemic.gl_class(gl),
        "gi": None if gi is None else round(gi, 1),
        "gi_class": None if gi is None else glycemic.gi_class(gi),
        "measured_carb_share": None if carbs == 0 else round(measured / carbs, 3),
    }


def result(items: list[dict]) -> dict:
    """The JSON contract: ``items`` and ``totals``, internal fields dropped."""
    meal = totals(items)
    return {"items": [{k: item[k] for k in ITEM_KEYS} for item in items], "totals": meal}


def score_line(conn: sqlite3.Connection, line: MealLine, first: bool = False) -> list[dict]:
    """The scored items of one line: a ``food_id,grams`` row, or a typed item (one or more foods)."""
    if line.food_id is not None:
        parsed = ParsedItem(text=line.text, quantity=line.grams, unit="g", unit_kind="mass",
                            phrase="", food_id=line.food_id)
        return [score_item(conn, parsed, first=first, grams=line.grams)]
    parts = split_item(conn, line.text)
    typed = line.text if len(parts) > 1 else None
    scored = []
    for part in parts:
        host = next((s for s, p in zip(reversed(scored), reversed(parts[:len(scored)]))
                     if p.text == part.host), None) if part.host else None
        scored.append(score_item(conn, part, first=first, typed=typed, host=host))
    if typed:
        scored[0]["notes"].insert(0, f"no food is {typed!r} as one dish: scored as {len(parts)} items")
    return scored


def score_lines(conn: sqlite3.Connection, lines, first: bool = False, partial: bool = False,
                progress=None) -> dict:
    """Score a meal's lines (:mod:`glyload.meal.read`): the JSON contract.

    Each distinct line is read, matched and weighed once. Any failing line fails
    the meal with a :class:`MealError` naming every failing item, unless
    ``partial``: then the rest is scored and the result's ``left_out`` lists
    what was left out and why. ``progress(done)`` is called after each line.
    """
    lines = list(lines)
    if not lines:
        raise ParseError("empty meal: no food items given")
    done: dict = {}
    items, failures = [], []
    for number, line in enumerate(lines, 1):
        if line.key not in done:
            try:
                done[line.key] = score_line(conn, line, first=first)
            except GlyloadError as error:
                done[line.key] = error
                failures.append((line, error))
        scored = done[line.key]
        if not isinstance(scored, GlyloadError):
            items.extend(scored)
        if progress is not None:
            progress(number)
    if failures and (not partial or not items):
        raise MealError(failures)
    meal = result(items)
    if partial:
        meal["left_out"] = [{"input": line.text, "where": line.where, "error": str(error)}
                            for line, error in failures]
    return meal


def score_meal(conn: sqlite3.Connection, text: str, first: bool = False, partial: bool = False) -> dict:
    """Score meal text ("1 cup cooked white rice, 1 medium apple")."""
    return score_lines(conn, from_text(text), first=first, partial=partial)
