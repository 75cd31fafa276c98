"""Turn a quantity and unit into grams of one food.

Rules (GUIDE.md, "Portions"): the food's own USDA household measures come
first ("1 cup" of cooked white rice = 158 g, "1 medium" apple = 182 g); mass
units are universal; a volume unit converts through the food's own volume
portion (its density), and a food without one is an error that lists the
portions it has. With no unit, one default portion is used: a medium or whole
item where USDA gives one, else USDA's first listed measure.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache

from ..errors import GlyloadError
from ..search import singular
from .household import ADDITION, OWN_MEASURE_WORDS, SEASONING_GROUPS, SERVING_WORDS, household
from .household import grams as household_mass
from .parse import SIZES, VOLUME_ML

#: How USDA measure descriptions begin for each volume unit.
VOLUME_WORDS = {
    "cup": ("cup", "cups", "c"),
    "tbsp": ("tbsp", "tablespoon", "tablespoons"),
    "tsp": ("tsp", "teaspoon", "teaspoons"),
    "fl oz": ("fl oz", "fluid ounce", "fl. oz"),
    "ml": ("ml", "milliliter", "millilitre"),
    "l": ("liter", "litre"),
    "pint": ("pint",),
    "quart": ("quart",),
    "gallon": ("gallon",),
}
#: Measures that mean "one of the thing" when no size is asked for.
WHOLE_ITEM = ("medium", "regular", "fruit", "whole", "each", "item", "piece", "slice", "serving", "large", "small")
#: Household words that name the same kind of measure in USDA descriptions.
ALIASES = {"slice": ("piece",), "piece": ("slice", "each", "item"), "bar": ("piece",),
           "serving": ("serving", "nlea serving"), "order": ("serving",), "portion": ("serving",),
           "packet": ("package", "pouch"),
           "bottle": ("can or bottle",), "can": ("can or bottle",), "strip": ("slice",), "rasher": ("slice",)}


@dataclass
class Portion:
    grams: float
    description: str
    notes: tuple = ()


class PortionError(GlyloadError):
    pass


def unit_words(unit: str) -> tuple:
    """The words USDA measure descriptions use for ``unit``."""
    return VOLUME_WORDS.get(unit, (unit,))


#: A measure of what a raw or dry amount yields ("medium, raw, yields" 70 g of fries from one
#: medium potato): no size of the food as eaten, so never the measure of a size or count word.
YIELD = re.compile(r"\byields\b")


@lru_cache(maxsize=256)
def _unit_pattern(unit: str) -> re.Pattern:
    # whole words ("c" is a cup, not the c of "container"), singular or plural
    return re.compile("|".join(rf"\b{re.escape(w)}(e?s)?\b" for w in unit_words(unit)))


def has_measure(descriptions, unit: str) -> bool:
    """Whether any of a food's measure descriptions is in ``unit``."""
    pattern = _unit_pattern(unit)
    return any(pattern.search(d.lower()) and (unit in VOLUME_WORDS or not YIELD.search(d.lower()))
               for d in descriptions)


def food_portions(conn: sqlite3.Connection, food_id: str) -> list[dict]:
    return [dict(zip(("seq", "amount", "description", "grams"), row)) for row in conn.execute(
        "select seq, amount, description, grams from portions where food_id = ? order by seq",
        (food_id,))]


def describe(portions: list[dict]) -> str:
    return "; ".join(f"{p['amount']:g} {p['description']} = {p['grams']:g} g" for p in portions)


def per_unit(portion: dict) -> float:
    return portion["grams"] / portion["amount"]


def _is_volume(description: str) -> bool:
    return any(_starts(description, words) for words in VOLUME_WORDS.values())


def _starts(description: str, words: tuple) -> bool:
    text = description.lower()
    return any(re.match(rf"{re.escape(w)}\b", text) for w in words)


def _stem(word: str) -> str:
    """Enough stemming to pair "sliced" with "slices" and "chopped" with "chop"."""
    for suffix in ("ped", "ed", "es", "s", "d"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _qualified(candidates: list[dict], phrase: str, food: str = "") -> dict:
    """Among matching measures, the one using most of the phrase's qualifiers ("chopped",
    "sliced"; the food's own name does not count), then USDA's order."""
    named = {_stem(w) for w in re.findall(r"[a-z]+", food.lower())}
    wanted = {_stem(w) for w in re.findall(r"[a-z]+", phrase.lower())} - named

    def fit(portion):
        words = {_stem(w) for w in re.findall(r"[a-z]+", portion["description"].lower())}
        # then medium/regular size, then a whole one ("slice" before "slice crust not eaten"), USDA's order
        partial = "not eaten" in portion["description"].lower() and "eaten" not in wanted
        return (-len(words & wanted), _size_rank(portion["description"]), partial, portion["seq"])

    return min(candidates, key=fit)


EMBEDDED = re.compile(r"(\d+/\d+|\d+(?:\.\d+)?)\s*(cups?|tbsp|tsp|fl oz)\b")


def stated_volume(description: str) -> tuple[float, str] | None:
    """The volume a measure states inside its description ("serving 1/2 cup" -> (0.5, "cup"),
    "can or bottle (12 fl oz)" -> (12.0, "fl oz")), or None."""
    found = EMBEDDED.search(description.lower())
    if found is None:
        return None
    number, word = found.groups()
    top, _, bottom = number.partition("/")
    amount = int(top) / int(bottom) if bottom else float(number)
    return (amount, {"cups": "cup"}.get(word, word)) if amount > 0 else None


def _embedded_volume(portions: list[dict]):
    """A measure that states its volume inside ("serving 1/2 cup" = 66 g)."""
    for portion in portions:
        stated = stated_volume(portion["description"])
        if stated is not None:
            return (portion, *stated)
    return None


def volume_grams(portions: list[dict], unit: str, quantity: float, phrase: str, food: str) -> Portion:
    same = [p for p in portions if _starts(p["description"], VOLUME_WORDS[unit])]
    if same:
        chosen = _qualified(same, phrase, food)
        return Portion(quantity * per_unit(chosen), chosen["description"])
    embedded = _embedded_volume(portions)
    if embedded is not None:
        portion, amount, inner_unit = embedded
        grams_per_ml = portion["grams"] / (portion["amount"] * amount * VOLUME_ML[inner_unit])
        note = f"{unit} converted through USDA's '{portion['description']}' ({portion['grams']:g} g)"
        return Portion(quantity * VOLUME_ML[unit] * grams_per_ml, portion["description"], (note,))
    # Convert through any volume measure the food has (its density).
    for other, words in VOLUME_WORDS.items():
        found = [p for p in portions if _starts(p["description"], words)]
        if found:
            chosen = _qualified(found, phrase, food)
            grams_per_ml = per_unit(chosen) / VOLUME_ML[other]
            note = f"{unit} converted through USDA's '{chosen['description']}' ({chosen['grams']:g} g)"
            return Portion(quantity * VOLUME_ML[unit] * grams_per_ml, chosen["description"], (note,))
    listing = describe(portions) or "none (use grams)"
    raise PortionError(f"{food!r} has no volume measure among USDA's portions, so '{unit}' cannot be converted; "
                       f"its portions: {listing}")


def household_grams(portions: list[dict], unit: str, quantity: float, phrase: str, food: str,
                    default: dict | None = None) -> Portion:
    """``quantity`` ``unit`` of a food by its household measures; ``default`` is its FNDDS
    "Quantity not specified" portion, a serving when the food has no serving measure.
    FNDDS defaults and guideline amounts are listed in an error but never picked by name."""
    listed, portions = portions, [p for p in portions if not is_special(p)]
    unit_re = rf"\b{re.escape(unit)}(e?s)?\b"
    if unit in SIZES:
        # "small" must not pick "extra small": prefer a measure that starts with the size.
        exact = [p for p in portions if re.match(unit_re, p["description"].lower())]
        inside = [p for p in portions if re.search(unit_re, p["description"].lower())
                  and not re.search(rf"extra {re.escape(unit)}", p["description"].lower())]
        found = exact or inside
    else:
        found = [p for p in portions if re.search(unit_re, p["description"].lower())]
    # "cup slices" is a cup, not a slice; "medium, raw, yields" is what a raw one gives.
    found = [p for p in found if not _is_volume(p["description"]) and not YIELD.search(p["description"].lower())]
    entry = household(unit)
    if entry is not None and entry.kind == "volume":
        # Of USDA's measures of that name, the one of the table's size: a can is 12 fl oz, so
        # ginger ale's "can or bottle (12 fl oz)", not its "(16 fl oz)" one
        sized = [p for p in found if stated_volume(p["description"]) == (entry.amount, entry.unit)]
        found = sized or found
    if found:
        chosen = _qualified(found, phrase, food)
        return Portion(quantity * per_unit(chosen), chosen["description"])
    entry = household(unit)
    if entry is not None:
        if entry.kind == "mass":
            return Portion(quantity * household_mass(entry), "", (entry.note(),))
        weighed = volume_grams(portions, entry.unit, quantity * entry.amount, phrase, food)
        return Portion(weighed.grams, weighed.description, (entry.note(), *weighed.notes))
    for alias in ALIASES.get(unit, ()):
        similar = [p for p in portions if re.search(rf"\b{alias}(e?s)?\b", p["description"].lower())
                   and not _is_volume(p["description"])]
        if similar:
            chosen = min(similar, key=lambda p: (_size_rank(p["description"]), p["seq"]))
            note = f"no '{unit}' measure among USDA's portions; used '{chosen['description']}'"
            return Portion(quantity * per_unit(chosen), chosen["description"], (note,))
    if unit in SERVING_WORDS and default is not None:
        note = f"no '{unit}' measure in USDA's data; used USDA FNDDS '{default['description']}'"
        return Portion(quantity * per_unit(default), default["description"], (note,))
    if unit in SIZES or unit in OWN_MEASURE_WORDS:
        whole = default_portion(portions, item_only=unit in SIZES, phrase=naming(phrase, food), typed=f"{phrase} {food}")
        if whole is not None:
            note = f"no '{unit}' measure among USDA's portions; used '{whole['description']}'"
            return Portion(quantity * per_unit(whole), whole["description"], (note,))
    listing = describe(listed) or "none (use grams)"
    raise PortionError(f"{food!r} has no '{unit}' measure among USDA's portions; its portions: {listing}")


#: FNDDS's standard size of a food ("regular", "regular or 6\" submarine", "piece, NFS").
STANDARD_SIZE = re.compile(r"^(regular\b|\w+, nfs$)")

PARENTHESES = re.compile(r"\([^()]*\)")

#: FNDDS's words for a measure of no particular size: "pretzel, NS as to size", "cupcake, any size".
ANY_SIZE = re.compile(r"\bns as to [^,()]*|\bnfs\b|\bany size\b")

#: Measures that are one whole item of any food ("1 fruit", "1 each", a drink's "can or bottle").
ONE_WHOLE = re.compile(r"^(fruit|nut|whole|each|item|can or bottle)\b")

#: Preference among measures of one item when no size is given.
#: FNDDS marks the portion it codes for an unspecified size "NFS" ("piece, NFS") and calls its
#: standard size "regular".
SIZE_ORDER = ("nfs", "medium", "regular", "", "large", "small", "thick", "thin", "extra large", "extra small",
              "mini", "miniature", "snack-size", "cracker-size", "bite size")


_SIZE_WORDS = [(rank, re.compile(rf"\b{size}\b")) for rank, size in enumerate(SIZE_ORDER) if size]
_WHOLE_ITEM_WORD = re.compile(r"\b(" + "|".join(WHOLE_ITEM) + r")\b")


def _size_rank(description: str) -> int:
    text = description.lower()
    for rank, pattern in _SIZE_WORDS:
        if pattern.search(text):
            return rank
    return SIZE_ORDER.index("")


def typed_words(phrase: str) -> set:
    """The singular words of what was typed (:func:`default_portion`'s ``typed``)."""
    return {singular(w) for w in re.findall(r"[a-z]+", phrase.lower())}


def naming(phrase: str, food: str) -> str:
    """The words a measure named for the food itself may hold: the typed phrase's noun, its
    last word (English puts it last: "string cheese" is a cheese, so USDA's "string" of
    mozzarella, 4.7 g, is no string cheese), and the first term of the food's USDA name."""
    typed = phrase.split()
    return f"{typed[-1] if typed else ''} {food.split(',')[0]}"


def default_portion(portions: list[dict], item_only: bool = False, phrase: str = "",
                    default: dict | None = None, typed: str = "") -> dict | None:
    # ``typed``: what was typed and the food's name; a measure's word in neither names a variety
    """One of the food, in this order: a measure named for the food itself ("nugget",
    "breast", "medium cookie", "McDonald's Big Mac"), unless it names a variant by size
    ("Bagel Thin", "miniature egg roll"); then ``default`` (the food's FNDDS "Quantity not
    specified", USDA's one serving of it, unless it is more than a medium item of the food:
    then that medium item); then a medium or whole item; then a named
    variant; else (unless ``item_only``) USDA's first measure. Within each: medium or
    regular first, then no size, large, small; the measure naming most of the food; USDA's order."""
    nouns = {singular(w) for w in re.findall(r"[a-z]+", phrase.lower()) if len(w) > 2}
    plain = SIZE_ORDER.index("")
    ones = []
    for portion in portions:
        if is_special(portion):
            continue
        text = portion["description"].lower()
        # A volume or weight measure is no item; one that only states its volume is ("can (12 fl oz)").
        words = {singular(w) for w in re.findall(r"[a-z]+", PARENTHESES.sub(" ", text))}
        if words & {"cup", "oz", "tbsp", "tsp"}:
            continue
        named, size = len(nouns & words), _size_rank(portion["description"])
        if default is None and not named and words and words <= set(SIZE_ORDER) | {"whole", "extra", "nfs"}:
            # SR's sizes of the food itself ("medium", "large (3-1/4\" dia)") are one of it, medium
            # first (SR 18274's unsized "muffin" is 31 g, its "medium" 113 g); with FNDDS's default
            # serving, that serving is one (below).
            named = 1
        partial = "not eaten" in text  # "slice crust not eaten": part of the item
        # "Italian tomato", "plum tomato": a variety the phrase did not type ("NS as to size",
        # "any size" say no size, so no variety)
        # (what a measure has, after "with", is no variety: "pepper with filling" is one stuffed pepper)
        said = {singular(w) for w in re.findall(r"[a-z]+", ANY_SIZE.sub(" ", PARENTHESES.sub(
            " ", re.split(r"\bwith\b", text, maxsplit=1)[0])))}
        variety = named and said - nouns - typed_words(typed) - set(SIZE_ORDER) - {"whole", "dia"}
        if named and variety and not ONE_WHOLE.search(text):
            ones.append((2.5, size, partial, -named, portion["seq"], portion))  # a variety: after a medium one
        elif named or ONE_WHOLE.search(text):  # "fruit", "each", "whole": one of the thing
            ones.append((0 if size <= plain else 3, size, partial, -named, portion["seq"], portion))
        elif STANDARD_SIZE.match(text):  # FNDDS's standard size ("regular", "piece, NFS")
            ones.append((0.5, size, partial, 0, portion["seq"], portion))
        elif _WHOLE_ITEM_WORD.search(text):
            ones.append((2, size, partial, 0, portion["seq"], portion))
    if default is not None:
        ones.append((1, 0, False, 0, default["seq"], default))
        # FNDDS's default serving larger than one medium item is more than one of them (a
        # "Quantity not specified" of cookies is 60 g, a medium cookie 30 g): the medium one is one.
        medium = [one for one in ones if one[0] == 2 and SIZE_ORDER[one[1]] in ("medium", "regular")
                  and per_unit(one[5]) < per_unit(default)]
        ones.extend((0.9, *one[1:]) for one in medium)
    if ones:
        return min(ones, key=lambda one: one[:5])[5]
    if item_only:
        return None
    return portions[0] if portions else None


#: USDA FNDDS's default for a food eaten in an amount the person did not say.
NOT_SPECIFIED = "quantity not specified"
#: FNDDS measures of an addition "per" what it goes with ("Guideline amount per slice of
#: bread/roll" of butter = 7 g): what the host must be, and what one of it is.
GUIDELINE = "guideline amount"
GUIDELINE_HOSTS = (
    # (words of USDA's guideline description, host words (any), count host in)
    ("per fl oz of beverage", {"coffee", "tea", "beverage", "cocoa", "latte", "espresso", "cappuccino",
                               "chocolate", "drink"}, "fl oz"),
    ("per cup of hot cereal", {"oatmeal", "oat", "grit", "porridge", "farina", "cereal"}, "cup"),
    ("per slice of bread/roll", {"bread", "roll", "bagel", "toast", "muffin", "biscuit", "croissant", "bun",
                                 "toasted"}, "item"),
    ("per sandwich", {"sandwich", "wrap", "burger", "sub"}, "item"),
    ("on regular sandwich", {"sandwich", "wrap", "burger", "sub"}, "item"),
    ("per hot dog or per hamburger", {"hot dog", "frankfurter", "hamburger", "cheeseburger", "burger"}, "item"),
    ("per cup of french fries", {"fries", "french fried"}, "cup"),
    ("per piece of sushi", {"sushi"}, "item"),
    ("in salad", {"salad"}, "once"),
    ("per cup of vegetable", {"vegetable", "broccoli", "carrot", "bean", "pea", "spinach", "corn",
                              "cauliflower"}, "cup"),
)


def is_special(portion: dict) -> bool:
    """FNDDS defaults and guideline amounts are no household measure to pick by name."""
    text = portion["description"].lower()
    return text.startswith(NOT_SPECIFIED) or GUIDELINE in text


def not_specified(portions: list[dict]) -> dict | None:
    """The food's FNDDS "Quantity not specified" portion (the plain one before "if main course")."""
    found = [p for p in portions if p["description"].lower().startswith(NOT_SPECIFIED)]
    return min(found, key=lambda p: (p["description"].lower() != NOT_SPECIFIED, p["seq"])) if found else None


def host_guidelines(host_food: str) -> tuple[str, ...]:
    """The wordings of FNDDS guideline amounts that fit a host food ("per cup of hot cereal"
    for an oatmeal), by :data:`GUIDELINE_HOSTS`."""
    from ..search import normalise

    host_words = set(normalise(host_food)) | set(host_food.lower().split(", "))
    return tuple(wording for wording, kinds, _ in GUIDELINE_HOSTS if host_words & kinds)


def has_guideline(descriptions, host_food: str) -> bool:
    """Whether a food's measure descriptions hold a guideline amount for ``host_food``."""
    wordings = host_guidelines(host_food)
    return any(GUIDELINE in d.lower() and w in d.lower() for d in descriptions for w in wordings)


def guideline(portions: list[dict], host: dict):
    """An addition's grams for its host (FNDDS guideline amounts), with a note; None if none fits.

    ``host`` has the host item's ``food`` (name), ``quantity``, ``unit_kind``,
    ``millilitres`` (or None) and ``grams``."""
    wordings = host_guidelines(host["food"])
    for wording, kinds, count_in in GUIDELINE_HOSTS:
        found = [p for p in portions if GUIDELINE in p["description"].lower() and wording in p["description"].lower()]
        if not found or wording not in wordings:
            continue
        portion = found[0]
        millilitres = host["millilitres"]
        assumed = ""
        if count_in in ("fl oz", "cup"):
            if millilitres is None:
                millilitres = host["grams"]  # a drink or cereal weighed by a household measure: 1 g a ml
                assumed = " (taken as 1 ml a gram)"
            count = millilitres / VOLUME_ML[count_in]
        elif count_in == "item":
            count = host["quantity"] if host["unit_kind"] in (None, "household") else 1.0
        else:
            count = 1.0
        grams = per_unit(portion) * count
        note = (f"no amount given: USDA FNDDS '{portion['description']}' ({per_unit(portion):g} g) x "
                f"{count:.3g} {count_in if count_in != 'once' else ''} of {host['food']!r}{assumed}").replace("  ", " ")
        return Portion(grams, portion["description"], (note,))
    return None


def grams_for(conn: sqlite3.Connection, food: dict, item, host: dict | None = None) -> Portion:
    """Grams of ``food`` meant by a parsed item (quantity, unit, unit_kind).

    No unit: a count ("6 nuggets") is of the food's one-item measure. No amount at all:
    for an addition (``host``, the item it goes with), USDA FNDDS's guideline amount for
    that host; else the food's FNDDS "Quantity not specified"; else the SR rule of
    :func:`default_portion`. The notes say which."""
    if item.unit_kind == "mass":
        return Portion(item.grams(), "")
    every = food_portions(conn, food["food_id"])
    portions = [p for p in every if not is_special(p)]
    name = food["description"]
    if item.unit_kind == "volume":  # FNDDS defaults never start with a volume word
        weighed = volume_grams(every, item.unit, item.quantity, item.phrase, name)
        if item.size:
            note = f"'{item.size}' does not change a {item.unit}: a {item.unit} of it is weighed as USDA gives it"
            weighed = Portion(weighed.grams, weighed.description, (*weighed.notes, note))
        return weighed
    default = not_specified(every)
    if item.unit_kind == "household":
        sized = f"{item.size} {item.phrase}" if item.size else item.phrase  # "large slices": a large one first
        weighed = household_grams(every, item.unit, item.quantity, sized, name, default)
        if item.size and not re.search(rf"\b{re.escape(item.size)}\b", weighed.description.lower()):
            note = f"no '{item.size} {item.unit}' among USDA's portions: used '{weighed.description}'"
            weighed = Portion(weighed.grams, weighed.description, (*weighed.notes, note))
        return weighed
    if host is not None and not item.amount_given:
        added = guideline(every, host)
        if added is not None:
            return added
        # Only a food USDA measures by the spoon or the fluid ounce (spreads, syrups, milk) is
        # added by the spoon: toast "with" eggs is a slice, not a tablespoon of crumbs.
        spooned = [p for p in portions if _starts(p["description"], VOLUME_WORDS["tbsp"] + VOLUME_WORDS["tsp"]
                                                   + VOLUME_WORDS["fl oz"])]
        if default is None and spooned:
            added = household("pinch") if food.get("food_group") in SEASONING_GROUPS else ADDITION
            weighed = volume_grams(portions, added.unit, added.amount, item.phrase, name)
            note = f"no amount given: an addition to {host['food']!r} taken as {added.amount:g} {added.unit} " \
                   f"({added.basis})"
            return Portion(weighed.grams, weighed.description, (note, *weighed.notes))
    # A count ("6 nuggets", "2 cookies") is of one of the thing; no amount at all is USDA's default.
    counted = default_portion(portions, item_only=True, phrase=naming(item.phrase, name), typed=f"{item.phrase} {name}",
                              default=default) if item.amount_given else None
    if counted is not None:
        note = f"{item.quantity:g} x USDA '{counted['description']}'"
        if counted is default:
            note = f"{item.quantity:g} x USDA FNDDS '{default['description']}' ({per_unit(default):g} g, its one serving)"
        return Portion(item.quantity * per_unit(counted), counted["description"], (note,))
    if default is not None:
        note = f"no amount given: {item.quantity:g} x USDA FNDDS '{default['description']}' ({per_unit(default):g} g)"
        return Portion(item.quantity * per_unit(default), default["description"], (note,))
    # A measure named for the food itself counts whether it is named as typed ("donut")
    # or as SR names the food ("Doughnuts, ...").
    chosen = default_portion(portions, phrase=naming(item.phrase, name), typed=f"{item.phrase} {name}")
    if chosen is None:
        raise PortionError(f"{name!r} has no household portions from USDA: give an amount in grams")
    said = "" if item.amount_given else "no amount given: "
    if default_portion(portions, item_only=True, phrase=naming(item.phrase, name), typed=f"{item.phrase} {name}") is None:
        # no measure is one of the food: USDA's first measure as it lists it ("12 fl oz" = 347 g)
        note = f"{said}{item.quantity:g} x USDA's first measure, {chosen['amount']:g} " \
               f"{chosen['description']} = {chosen['grams']:g} g (USDA gives no one-item measure)"
        return Portion(item.quantity * chosen["grams"], chosen["description"], (note,))
    note = f"{said}{item.quantity:g} x USDA '{chosen['description']}'"
    return Portion(item.quantity * per_unit(chosen), chosen["description"], (note,))
