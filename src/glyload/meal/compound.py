"""Compound phrases: "1 bagel with cream cheese", "2 eggs and 2 slices toast".

The rule (README, "Typing a meal"):

* An item is cut at the joining words "with", "and", "&", "+", "plus" and "w/"
  wherever both sides read as items of their own (so "one and a half cups",
  "2 and 1/2 cups" and "half and half" are never cut).
* A run of joined parts is **one food when a food is that dish**: the whole
  phrase matches a food confidently, the food's name holds every food word of
  the phrase, and either a term of its name (not one saying what it has, "with
  ...") begins with the phrase, or what the food is (its head term) was typed,
  before "with" when "with" was typed, and is not a later part on its own
  ("macaroni and cheese", "peanut butter and jelly sandwich"; "two eggs and
  toast" is no egg bread); what was typed after "with" follows a "with" in its
  name ("Macaroni or noodles with cheese"). A part with an amount of its own
  ("and 2 slices toast") is never part of a dish.
* Otherwise each part is an item: the first keeps the item's amount, each later
  one has its own amount or, without one, its default portion for the food it
  goes with (``host``; :mod:`glyload.meal.portions`), said in the notes.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace

from ..search import normalise
from .match import CHANGED_FORMS, GLUE_WORDS, PREPARATION, MatchError, head_slots, match_food, readings
from .parse import ParsedItem, ParseError, parse_item

#: The joining words; "&" and "+" need no spaces ("mac&cheese").
JOINER = re.compile(r"\s+(?:with|and|plus|w/)\s+|\s*[&+]\s*|\s+w/", re.IGNORECASE)

#: The joining words as words of a phrase.
JOINING_WORDS = {"with", "and", "plus", "w/", "&", "+"}
WITH = re.compile(r"\s+(?:with|w/)\s*", re.IGNORECASE)

#: Joining words that make the next part an addition to the first ("coffee with milk").
ADDITION = re.compile(r"\bwith\b|\bw/", re.IGNORECASE)

#: Words of how a food is prepared, and the words that answer them ("toasted" of "toast").
PREPARATION_WORDS = set(PREPARATION).union(*PREPARATION.values())

#: Words that deny what was typed: a dish named with them is not the typed one.
NEGATIONS = {"non", "no", "without", "free", "imitation", "substitute", "meatless"}

#: Words that add to what was typed (sugar): a dish named with them is another food.
ADDED = {"sweetened", "sweet", "sugar", "honey", "candied", "glazed", "frosted"}



def pieces(text: str) -> list[str]:
    """``text`` cut at every joining word where both sides read as items."""
    cuts = list(JOINER.finditer(text))
    parts, start = [], 0
    for n, cut in enumerate(cuts):
        following = cuts[n + 1].start() if n + 1 < len(cuts) else len(text)
        if _readable(text[start:cut.start()]) and _readable(text[cut.end():following]):
            parts.append(text[start:cut.start()].strip())
            start = cut.end()
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def _readable(text: str) -> bool:
    try:
        item = parse_item(text)
    except ParseError:
        return False
    return bool(item.phrase) and item.food_id is None


def food_words(food: dict) -> set:
    """Every word a food's names hold (description, common names, USDA's additional descriptions)."""
    text = " ".join(str(food.get(k) or "") for k in ("description", "common_names", "additional_descriptions"))
    return set(normalise(text))


def content_words(phrase: str) -> set:
    """The food words of a phrase as typed (no synonym applied)."""
    return set(normalise(phrase)) - GLUE_WORDS


def dish_phrase(phrase: str) -> str:
    """The phrase a dish is looked up by: its food words, the joining words left out
    ("macaroni and cheese" finds "Macaroni or noodles with cheese")."""
    return " ".join(w for w in phrase.split() if w.lower() not in JOINING_WORDS)


def is_dish(conn: sqlite3.Connection, item: ParsedItem) -> bool:
    """Whether one food is the whole joined phrase (see the module's rule)."""
    unit = item.unit if item.unit_kind in ("volume", "household") else None
    try:
        match = match_food(conn, item.phrase, unit=unit)
    except MatchError:
        return False
    named = set(normalise(match.food["description"]))  # not the alternatives USDA lists beside it
    sides = WITH.split(item.text, maxsplit=1)
    before_with = _read(conn, sides[0])
    after_with = _read(conn, sides[1]) - GLUE_WORDS if len(sides) > 1 else set()
    later = [_read(conn, part) - GLUE_WORDS - PREPARATION_WORDS for part in pieces(item.text)[1:]]
    # What was typed after "with" is what the dish has: its name says so after a "with" too
    # ("Macaroni or noodles with cheese"); "croissant with butter" is no "Croissants, butter".
    if after_with and not after_with <= with_words(match.food["description"]):
        return False
    return any(_names_dish(reading, before_with, later, match.food["description"], named)
               for reading in readings(conn, item.phrase))


def _read(conn: sqlite3.Connection, text: str) -> set:
    """Every word of every reading of ``text`` (:func:`glyload.meal.match.readings`)."""
    return set().union(*(normalise(r) for r in readings(conn, text)))


def with_words(description: str) -> set:
    """The words a food's name gives after a "with" ("Fast foods, burrito, with beans and cheese")."""
    found: set = set()
    for term in description.lower().split(","):
        parts = re.split(r"\bwith\b", term, maxsplit=1)
        if len(parts) > 1:
            found |= set(normalise(parts[1]))
    return found


def _names_dish(phrase: str, before_with: set, later: list[set], description: str, named: set) -> bool:
    """Whether a food named ``description`` (its words ``named``) is the dish ``phrase`` (one
    reading of what was typed; ``before_with``: the words typed before "with"; ``later``: the
    food words of each joined part after the first) names."""
    typed_words = content_words(phrase)
    if not typed_words <= named:
        return False  # the dish's own name holds every typed food word
    if (NEGATIONS | CHANGED_FORMS | ADDED) & (named - typed_words):
        return False  # "coffee with milk" is no coffee "with non-dairy milk", nor a "sweetened" one
    typed = [w for w in normalise(phrase) if w not in GLUE_WORDS]
    # A term that says what the food has ("Fast foods, biscuit, with egg and bacon") is not what it is.
    terms = ([w for w in normalise(term) if w not in GLUE_WORDS] for term in description.split(",")
             if not term.strip().lower().startswith("with "))
    if any(term[:len(typed)] == typed for term in terms):
        return True  # a term of the name begins with the phrase: "Restaurant, Chinese, sweet and sour chicken"
    # What the food is must be typed ("toast with butter" is not French toast), and before
    # "with": "pancakes with maple syrup" is pancakes, not a syrup "with" something.
    slots = head_slots(description)
    # A later part that is only what the dish is names a food of its own: "two eggs and toast" is
    # eggs and toast, not USDA's "Bread, egg, toasted" (egg bread); "bean and cheese burrito" is one.
    if slots and any(said and said <= slots[-1] for said in later):
        return False
    # The head term's noun (its last slot before its own "with") is what the dish is.
    return bool(slots) and all(slot & typed_words for slot in slots) and bool(slots[-1] & before_with)


def split_item(conn: sqlite3.Connection, text: str) -> list[ParsedItem]:
    """The items one typed item stands for: itself, a dish, or its parts. A last part that
    only says when the food was eaten ("1 glass of wine with dinner") is no food: it is
    named in the first item's notes."""
    text = " ".join(text.split())  # as parse_item reads it, so its parts are found in it ("B&1\tA")
    when = MEAL_TIME.search(text)
    if when and when.start() > 0:
        items = split_item(conn, text[:when.start()])
        note = f"{when.group(0).strip()!r}: when it was eaten, not a food"
        return [replace(items[0], notes=items[0].notes + (note,)), *items[1:]]
    parts = pieces(text)
    if len(parts) == 1:
        return [parse_item(text)]
    items: list[ParsedItem] = []
    i = 0
    while i < len(parts):
        joined = None
        # The longest run from part i that is one dish; later parts with their own amount end a run.
        end = i + 1
        while end < len(parts) and not parse_item(parts[end]).amount_given:
            end += 1
        for j in range(end, i + 1, -1):
            candidate = _join(text, parts, i, j)
            whole = parse_item(candidate)
            whole = replace(whole, phrase=dish_phrase(readings(conn, whole.phrase)[-1]))
            if is_dish(conn, whole):
                joined = (whole, j)
                break
        if joined:
            item, i = joined
        else:
            item, i = parse_item(parts[i]), i + 1
        items.append(item)
    # A part joined by "with" is an addition to the item before it (its amount, if not typed,
    # is what USDA gives for that item); one joined by "and", "&", "+" is an item of its own.
    out, position = [items[0]], text.index(items[0].text) + len(items[0].text)
    for item in items[1:]:
        start = text.index(item.text, position)
        addition = ADDITION.search(text[position:start]) is not None
        host = next((o for o in reversed(out) if o.host is None), out[-1])
        out.append(replace(item, host=host.text) if addition else item)
        position = start + len(item.text)
    return out


#: A last phrase that says when a food was eaten, not what: "with dinner", "for breakfast".
MEAL_TIME = re.compile(r"\s+(?:with|for|at|during|w/)\s+(?:(?:my|our|a|the)\s+)?"
                       r"(?:breakfast|brunch|lunch|dinner|supper|a meal)\s*$", re.IGNORECASE)


def _join(text: str, parts: list[str], i: int, j: int) -> str:
    """The original text from the start of part i to the end of part j - 1."""
    start = text.index(parts[i])
    end = start
    for part in parts[i:j]:
        end = text.index(part, end) + len(part)
    return text[start:end]
