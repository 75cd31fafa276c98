"""Read a meal as people type it into quantities, units and food words.

A meal is items separated by commas, new lines or semicolons::

    >>> [(i.quantity, i.unit, i.phrase) for i in parse_meal("1 1/2 cups of rice; 2 large eggs")]
    [(1.5, 'cup', 'rice'), (2.0, 'large', 'eggs')]

Each item is read left to right: an optional food id (``20045: 150 g``), a
quantity (``2``, ``1.5``, ``1/2``, ``1 ½``, ``1-2``, ``half a``, ``a dozen``,
``2 x 100``), an optional unit (``g``, ``cups``, ``fl. oz.``, ``slice``,
``medium``), an optional "of", then the food words (the phrase). Without a
leading quantity, ``cup of tea`` reads as one cup and a quantity with a unit
may come last (``rice 150 g``).

The text is split into tokens (numbers, fractions, words, other characters)
and small functions read the tokens in turn. Problems raise :class:`ParseError`
with a one-line message that quotes the item.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from ..errors import GlyloadError

MAX_ITEM_LENGTH = 500
#: The most one item may weigh (25 kg), typed or weighed from portions: beyond any meal.
MAX_GRAMS = 25_000
MAX_MILLILITRES = 25_000  # 25 l
MAX_COUNT = 1000  # of any unit that is not a mass or a volume

MASS_GRAMS = {
    "g": 1.0,
    "kg": 1000.0,
    "mg": 0.001,
    "oz": 28.349523125,  # avoirdupois ounce
    "lb": 453.59237,
}

VOLUME_ML = {  # US customary measures
    "ml": 1.0,
    "l": 1000.0,
    "cup": 236.5882365,
    "tbsp": 14.78676478125,
    "tsp": 4.92892159375,
    "fl oz": 29.5735295625,
    "pint": 473.176473,
    "quart": 946.352946,
    "gallon": 3785.411784,
}

#: Canonical unit -> how people write it (matched case-insensitively).
UNIT_SPELLINGS = {
    "g": "g, gs, gram, grams, gramme, grammes, gr, gm, gms",
    "kg": "kg, kgs, kilo, kilos, kilogram, kilograms, kilogramme, kilogrammes",
    "mg": "mg, milligram, milligrams, milligramme, milligrammes",
    "oz": "oz, ozs, ounce, ounces",
    "lb": "lb, lbs, pound, pounds",
    "ml": "ml, mls, millilitre, millilitres, milliliter, milliliters",
    "l": "l, litre, litres, liter, liters",
    "cup": "cup, cups, c",
    "tbsp": "tbsp, tbsps, tablespoon, tablespoons, tbs, tbl",
    "tsp": "tsp, tsps, teaspoon, teaspoons",
    "fl oz": "fl oz, floz, fluid ounce, fluid ounces",
    "pint": "pint, pints, pt, pts",
    "quart": "quart, quarts, qt, qts",
    "gallon": "gallon, gallons, gal, gals",
    # Household measures and sizes: the canonical name is the singular.
    "slice": "slice, slices",
    "piece": "piece, pieces, pc, pcs",
    "can": "can, cans, tin, tins",
    "bottle": "bottle, bottles",
    "serving": "serving, servings",
    "container": "container, containers",
    "packet": "packet, packets",
    "bar": "bar, bars",
    "stick": "stick, sticks",
    "scoop": "scoop, scoops",
    "bowl": "bowl, bowls",
    "glass": "glass, glasses",
    "handful": "handful, handfuls",
    "spoonful": "spoonful, spoonfuls, spoonsful",
    "bag": "bag, bags",
    "box": "box, boxes",
    "carton": "carton, cartons",
    "jar": "jar, jars",
    "pack": "pack, packs",
    "pouch": "pouch, pouches",
    "tub": "tub, tubs",
    "sachet": "sachet, sachets",
    "portion": "portion, portions",
    "plate": "plate, plates",
    "mug": "mug, mugs",
    "clove": "clove, cloves",
    "pinch": "pinch, pinches",
    "dash": "dash, dashes",
    "wedge": "wedge, wedges",
    "loaf": "loaf, loaves",
    "rasher": "rasher, rashers",
    "strip": "strip, strips",
    "order": "order, orders",
    "ear": "ear, ears",
    "fillet": "fillet, fillets, filet, filets",
    "stalk": "stalk, stalks",
    "shot": "shot, shots",
    "link": "link, links",
    "patty": "patty, patties",
    "small": "small, sm",
    "medium": "medium, med",
    "large": "large, lg",
    "extra large": "extra large, xl",
    "jumbo": "jumbo",
}

#: Sizes that need no number before them ("medium fries"); "jumbo shrimp" stays a food name.
LEADING_SIZES = {"small", "medium", "large"}
#: Size words that can qualify a household unit after them ("a large slice", "2 small bowls").
SIZES = {"small", "medium", "large", "extra large", "extra small", "jumbo"}

#: One-letter spellings where case matters: T is a tablespoon, t a teaspoon.
CASE_SENSITIVE_UNITS = {"T": "tbsp", "t": "tsp"}

UNITS = {
    spelling.strip(): unit
    for unit, spellings in UNIT_SPELLINGS.items()
    for spelling in spellings.split(",")
}

ARTICLES = {"a", "an"}
#: Words that say there is some of a food but not how much: the item has no amount (its default).
VAGUE_AMOUNTS = {"some"}
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}
FRACTION_WORDS = {
    "half": 1 / 2, "halves": 1 / 2,
    "third": 1 / 3, "thirds": 1 / 3,
    "quarter": 1 / 4, "quarters": 1 / 4,
}
MULTIPLIER_WORDS = {"dozen": 12, "couple": 2}
RANGE_SEPARATORS = {"-", "\u2013", "\u2014", "to", "or"}  # hyphen, en dash, em dash
TIMES = {"x", "\u00d7", "*"}
MINUS = {"-", "\u2212"}
BULLETS = {"-", "*", "\u2022", "\u00b7", "\u2013", "\u2014"}

NUMBER_KINDS = {"number", "fraction", "vulgar"}
VULGAR_FRACTIONS = "\u00bc\u00bd\u00be\u2150-\u215e"  # ¼ ½ ¾ and ⅐ ... ⅞

_TOKEN = re.compile(
    r"(?P<fraction>[0-9]+ ?[/\u2044] ?[0-9]+)"
    r"|(?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+)"
    rf"|(?P<vulgar>[{VULGAR_FRACTIONS}])"
    rf"|(?P<word>[^\W\d_{VULGAR_FRACTIONS}]+)"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)",
    re.DOTALL,
)
_FOOD_ID = re.compile(r"([0-9]{4,8})(?:\s*:\s*(.*))?")
_JUNK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")  # Cc but \t \n \r, and U+FFFD
_STRIPPED = re.compile("[\"'`\u2018\u2019\u201c\u201d%]")


class ParseError(GlyloadError):
    """An item that cannot be read; the message is one line and quotes the item."""


class _Problem(Exception):
    """What is wrong with an item, raised while reading it; becomes a ParseError."""


@dataclass(frozen=True)
class ParsedItem:
    """One item of a meal, read.

    ``unit`` is a canonical unit (a key of ``MASS_GRAMS`` or ``VOLUME_ML``, or
    a household word such as "slice" or "medium"), or None for "one default
    portion" of the food. ``food_id`` is set by the explicit form
    ``20045: 150 g``.
    """

    text: str
    quantity: float
    unit: str | None
    unit_kind: str | None
    phrase: str
    food_id: str | None = None
    notes: tuple[str, ...] = ()
    #: False when the item states no amount ("apple", "cream cheese"): a default portion.
    amount_given: bool = True
    #: The item this one goes with, for a part of a compound phrase ("cream cheese" of
    #: "1 bagel with cream cheese"; :mod:`glyload.meal.compound`).
    host: str | None = None
    #: A size said of a household unit ("2 large slices of pizza": unit "slice", size "large").
    size: str | None = None

    def grams(self) -> float | None:
        """The quantity in grams, for mass units only."""
        if self.unit_kind != "mass":
            return None
        return self.quantity * MASS_GRAMS[self.unit]

    def millilitres(self) -> float | None:
        """The quantity in millilitres, for volume units only."""
        if self.unit_kind != "volume":
            return None
        return self.quantity * VOLUME_ML[self.unit]


class Token(NamedTuple):
    kind: str  # "number", "fraction", "vulgar", "word" or "other"
    text: str
    start: int
    end: int

    @property
    def word(self) -> str | None:
        """The token lower-cased if it is a word, else None."""
        return self.text.lower() if self.kind == "word" else None


def split_meal(text: str) -> list[str]:
    """Split a meal into items at commas, semicolons and new lines, dropping blank ones."""
    return [item.strip() for item in re.split(r"[,;\n\r]", text) if item.strip()]


def parse_meal(text: str) -> list[ParsedItem]:
    """Split a meal into items and read each one; ParseError if there are none."""
    items = split_meal(text)
    if not items:
        raise ParseError("empty meal: no food items given")
    return [parse_item(item) for item in items]


def parse_item(text: str) -> ParsedItem:
    """Read one item, such as ``"1 1/2 cups cooked rice"``, into a :class:`ParsedItem`."""
    normal = " ".join(text.split())
    try:
        junk = _JUNK.search(text)
        if junk:
            raise _Problem(_junk_problem(junk.group()))
        if not normal:
            raise ParseError("empty item")
        if len(normal) > MAX_ITEM_LENGTH:
            raise _Problem(
                f"item is too long ({len(normal)} characters, at most {MAX_ITEM_LENGTH})"
            )
        return _parse(normal)
    except _Problem as problem:
        raise ParseError(f"{problem}: {_quote(normal)}") from None


def _parse(text: str) -> ParsedItem:
    """Read a whitespace-normalised item: [food id:] [quantity [unit]] [of] phrase."""
    food_id, rest = None, text
    match = _FOOD_ID.fullmatch(text)
    if match:
        food_id, rest = match.group(1), match.group(2) or ""
    tokens = tokenize(rest)
    start = _skip_bullet(tokens)
    vague = _is_word(_at(tokens, start), *VAGUE_AMOUNTS) and _at(tokens, start + 1) is not None
    if vague:  # "some grapes", "some of the rice": no amount said
        start += 2 if _is_word(_at(tokens, start + 1), "of") else 1
        if _is_word(_at(tokens, start), "the") and _at(tokens, start + 1) is not None:
            start += 1
    value, i, notes, counted = _read_quantity(tokens, start, rest)
    if vague:
        notes = [f"'{tokens[_skip_bullet(tokens)].text}' names no amount: read as none given", *notes]
    unit = None
    phrase_end = len(rest)
    size = None
    if value is not None:
        unit, i = _read_unit(tokens, i)
        if unit in SIZES:
            sized, j = _read_unit(tokens, i)
            if sized is not None and sized not in SIZES and unit_kind(sized) != "mass":
                size, unit, i = unit, sized, j  # "2 large slices of pizza": slices, large ones
                if _is_word(_at(tokens, i), "of"):
                    i += 1
        if unit is None:
            _check_after_quantity(tokens, i, counted)
    else:
        unit, j = _read_unit(tokens, i)
        if unit and _is_word(_at(tokens, j), "of"):  # "cup of tea"
            value, i = 1.0, j
        elif unit in LEADING_SIZES and _at(tokens, j) is not None and _at(tokens, j).kind == "word":
            value, i = 1.0, j  # "medium fries", "large coffee": one of that size
        else:
            unit = None
            trailing = _read_trailing(tokens, i, rest)
            if trailing:
                value, unit, notes, phrase_end = trailing
    if value is None and unit is None:
        _check_unreadable_quantity(tokens, i)
    quantity = 1.0 if value is None else value
    _check_quantity(quantity, unit)
    phrase_start = tokens[i].start if i < len(tokens) else len(rest)
    phrase = clean_phrase(rest[phrase_start:phrase_end])
    if not phrase and food_id is None:
        raise _Problem("no food named")
    return ParsedItem(
        text=text,
        quantity=quantity,
        unit=unit,
        unit_kind=unit_kind(unit),
        phrase=phrase,
        food_id=food_id,
        notes=tuple(notes),
        amount_given=value is not None,
        size=size,
    )


def tokenize(text: str) -> list[Token]:
    """Split text into number, fraction, vulgar (½), word and other tokens; spaces are dropped."""
    return [
        Token(match.lastgroup, match.group(), match.start(), match.end())
        for match in _TOKEN.finditer(text)
        if match.lastgroup != "space"
    ]


def trailing_unit(item: ParsedItem) -> ParsedItem | None:
    """``item`` read with the measure word its phrase ends in as its unit ("1 salmon fillet" is 1
    fillet of salmon, "2 pizza slices" 2 slices of pizza), or None: only for an item with an amount
    and no unit, and a household measure word (not a size, a mass or a volume)."""
    typed = item.phrase.split()
    sized = item.unit in SIZES and item.size is None  # "1 large pizza slice": a large slice of pizza
    if (item.unit is not None and not sized) or not item.amount_given or len(typed) < 2:
        return None
    unit = UNITS.get(typed[-1].lower())
    if unit is None or unit_kind(unit) != "household" or unit in SIZES:
        return None
    return ParsedItem(text=item.text, quantity=item.quantity, unit=unit, unit_kind="household",
                      phrase=" ".join(typed[:-1]), notes=item.notes, host=item.host,
                      size=item.unit if sized else None)


def unit_kind(unit: str | None) -> str | None:
    """"mass", "volume" or "household" for a canonical unit; None for None."""
    if unit is None:
        return None
    if unit in MASS_GRAMS:
        return "mass"
    if unit in VOLUME_ML:
        return "volume"
    return "household"


def clean_phrase(phrase: str) -> str:
    """Lower-case, drop quotes and %, collapse spaces, strip end punctuation and a leading "of"."""
    phrase = " ".join(_STRIPPED.sub("", phrase).lower().split())
    phrase = _strip_punctuation(phrase)
    if phrase == "of" or phrase.startswith("of "):
        phrase = _strip_punctuation(phrase[2:])
    return phrase


def _strip_punctuation(text: str) -> str:
    """Strip punctuation, symbols and spaces (Unicode categories P, S, Z) from both ends."""
    start, end = 0, len(text)
    while start < end and unicodedata.category(text[start])[0] in "PSZ":
        start += 1
    while end > start and unicodedata.category(text[end - 1])[0] in "PSZ":
        end -= 1
    return text[start:end]


# Reading tokens. Each reader takes the tokens and an index and returns what it
# read with the index after it, or None when the tokens there do not fit.


def _at(tokens: list[Token], i: int) -> Token | None:
    return tokens[i] if i < len(tokens) else None


def _glued(tokens: list[Token], i: int) -> bool:
    """True when tokens[i] exists and follows tokens[i - 1] without a space."""
    return 0 < i < len(tokens) and tokens[i].start == tokens[i - 1].end


def _is_word(token: Token | None, *words: str) -> bool:
    return token is not None and token.word in words


def _skip_bullet(tokens: list[Token]) -> int:
    """Skip a list bullet ("- 2 eggs"); a minus sign on a number ("-5 g") is an error."""
    first = _at(tokens, 0)
    if first is None:
        return 0
    if first.text in MINUS and _glued(tokens, 1) and tokens[1].kind in NUMBER_KINDS:
        raise _Problem("quantity must be more than zero (a negative amount is refused)")
    if first.text in BULLETS and not _glued(tokens, 1):
        return 1
    return 0


def _read_quantity(tokens: list[Token], i: int, text: str):
    """Read a quantity: a product of factors such as "2", "1-2", "a", "half", "dozen", "x 100".

    Returns ``(value, index, notes, counted)``: value is None when there is no
    quantity, counted is True when digits or number words were given.
    """
    value, last, notes, counted = None, None, [], False
    while i < len(tokens):
        token = tokens[i]
        word = token.word
        free = word is not None and not _glued(tokens, i + 1)  # "a", not "a1"
        if free and word in ARTICLES and last in (None, "fraction"):  # "a", "half a"
            value, last, i = _times(value, 1.0), "article", i + 1
        elif free and word in ("half", "third", "quarter") and last == "amount" and _names_food_after(tokens, i + 1):
            break  # "1 quarter pounder": after a number, a fraction word before a food word is a name
        elif free and word in FRACTION_WORDS:  # "half", "a quarter", "three quarters"
            value, last, i = _times(value, FRACTION_WORDS[word]), "fraction", i + 1
            if _is_word(_at(tokens, i), "of") and _is_word(_at(tokens, i + 1), *ARTICLES):
                i += 1  # "half of a"
        elif free and word in MULTIPLIER_WORDS:  # "a dozen", "2 dozen", "a couple"
            value, last, i = _times(value, MULTIPLIER_WORDS[word]), "multiplier", i + 1
        elif last in (None, "article") and (amount := _read_amount(tokens, i, text)):
            number, i, note = amount
            value, last, counted = _times(value, number), "amount", True
            notes += [note] if note else []
        elif last == "amount" and (word or token.text) in TIMES and (
            amount := _read_amount(tokens, i + 1, text)
        ):  # "2 x 100 g", "2x100g"
            number, i, note = amount
            value *= number
            notes += [note] if note else []
        elif last == "amount" and word == "and" and (extra := _read_and_fraction(tokens, i + 1)):
            fraction, i = extra  # "1 and a half"
            value += fraction
        else:
            break
    return value, i, notes, counted


def _names_food_after(tokens: list[Token], i: int) -> bool:
    """Whether the token at ``i`` is a word of a food's name: no unit, "of", article or number."""
    token = _at(tokens, i)
    return (token is not None and token.word is not None and token.word not in UNITS
            and token.word not in ARTICLES and token.word not in ("of", "and"))


def _times(value: float | None, factor: float) -> float:
    return factor if value is None else value * factor


def _read_amount(tokens: list[Token], i: int, text: str):
    """A number or a range of two ("1-2", "1 to 2", "1–2"), read as its midpoint with a note."""
    first = _read_number(tokens, i)
    if first is None:
        return None
    low, j = first
    separator = _at(tokens, j)
    if separator is not None and (separator.word or separator.text) in RANGE_SEPARATORS:
        second = _read_number(tokens, j + 1)
        if second is not None:
            high, k = second
            middle = (low + high) / 2
            typed = text[tokens[i].start : tokens[k - 1].end]
            return middle, k, f"range {typed} read as its midpoint {_format(middle)}"
    return low, j, None


def _read_number(tokens: list[Token], i: int):
    """One number: 2, 1.5, .5, 1/2, ½, a mixed number (1 1/2, 1½, 1-1/2) or a number word."""
    token = _at(tokens, i)
    if token is None:
        return None
    if _glued(tokens, i + 1) and tokens[i + 1].text == "%":
        return None  # part of a food name: "2% milk"
    if token.kind == "number":
        value = float(token.text)
        if token.text.isdigit() and (fraction := _read_proper_fraction(tokens, i + 1)):
            return value + fraction[0], fraction[1]
        return value, i + 1
    if token.kind in ("fraction", "vulgar"):
        return _fraction_value(token), i + 1
    if token.word in NUMBER_WORDS and not _glued(tokens, i + 1):
        return float(NUMBER_WORDS[token.word]), i + 1
    return None


def _read_proper_fraction(tokens: list[Token], i: int):
    """The fraction below 1 that ends a mixed number: "1 1/2", "1½", "1-1/2"."""
    token = _at(tokens, i)
    if token is not None and token.text == "-" and _glued(tokens, i) and _glued(tokens, i + 1):
        i += 1
        token = tokens[i]
    if token is not None and token.kind in ("fraction", "vulgar"):
        value = _fraction_value(token)
        if value < 1:
            return value, i + 1
    return None


def _read_and_fraction(tokens: list[Token], i: int):
    """The "a half" or "1/2" after "and" in "1 and a half"."""
    if _is_word(_at(tokens, i), *ARTICLES):
        i += 1
    token = _at(tokens, i)
    if token is not None and token.word in FRACTION_WORDS:
        return FRACTION_WORDS[token.word], i + 1
    return _read_proper_fraction(tokens, i)


def _fraction_value(token: Token) -> float:
    if token.kind == "vulgar":
        return unicodedata.numeric(token.text)
    numerator, denominator = re.split("[/\u2044]", token.text)
    if float(denominator) == 0:
        raise _Problem("fraction with a zero denominator")
    return float(numerator) / float(denominator)


def _read_unit(tokens: list[Token], i: int):
    """A unit of one or two words ("g", "fl oz", "extra large"); (None, i) if there is none."""
    for count in (2, 1):
        found = _unit_words(tokens, i, count)
        if found is None:
            continue
        words, j = found
        spelled = " ".join(words)
        unit = CASE_SENSITIVE_UNITS.get(spelled) or UNITS.get(spelled.lower())
        following = _at(tokens, j)
        joined_on = _glued(tokens, j) and (following.text == "-" or following.kind != "other")
        if unit and not joined_on:  # not the "t" of "t-bone"
            return unit, j
    return None, i


def _unit_words(tokens: list[Token], i: int, count: int):
    """``count`` words from tokens[i], allowing dots ("fl. oz.") and hyphens ("extra-large")."""
    words = []
    while True:
        token = _at(tokens, i)
        if token is None or token.kind != "word":
            return None
        words.append(token.text)
        i += 1
        if _glued(tokens, i) and tokens[i].text == ".":
            i += 1
        if len(words) == count:
            return words, i
        if _glued(tokens, i) and tokens[i].text == "-" and _glued(tokens, i + 1):
            i += 1


def _check_after_quantity(tokens: list[Token], i: int, counted: bool):
    """Reject what follows a quantity when there is no unit but it is no food either.

    A number ("2 3 eggs", "2,5 kg") means the quantity was not understood; a
    word glued to a number ("200zz rice") or followed by "of" ("3 blorps of
    rice") sits where a unit goes but is not one.
    """
    token = _at(tokens, i)
    if token is None:
        return
    if token.kind in NUMBER_KINDS or (
        token.kind == "other"
        and _glued(tokens, i)
        and _glued(tokens, i + 1)
        and tokens[i + 1].kind in NUMBER_KINDS
    ):
        raise _Problem("cannot read the quantity")
    if token.kind != "word":
        return
    glued_to_number = _glued(tokens, i) and tokens[i - 1].kind in NUMBER_KINDS
    before_of = counted and _is_word(_at(tokens, i + 1), "of")
    if glued_to_number or before_of:
        raise _Problem(f'unknown unit "{token.text}"')


#: Words that spell a number Python would read but no meal has ("nan g", "inf cups").
NOT_FINITE = {"nan", "inf", "infinity"}


def _check_unreadable_quantity(tokens: list[Token], i: int):
    """A word where the quantity goes, before a unit ("nan g rice", "inf cups milk",
    "lots ml milk"), is a quantity that could not be read: never a default portion."""
    token = _at(tokens, i)
    if token is None or token.word is None or _at(tokens, i + 1) is None:
        return
    unit, j = _read_unit(tokens, i + 1)
    if unit is None:
        return
    if token.word in NOT_FINITE:
        raise _Problem("quantity is not a finite number")
    # Two-letter or longer mass and volume spellings only: "c", "t" and "l" end food names.
    if unit_kind(unit) in ("mass", "volume") and (len(tokens[i + 1].text) > 1 or unit == "g") \
            and _at(tokens, j) is not None:
        raise _Problem(f'cannot read the quantity "{token.text}"')


def _read_trailing(tokens: list[Token], start: int, text: str):
    """A quantity with a unit after the food words: "rice 150 g", "milk 2 cups".

    Returns ``(value, unit, notes, phrase_end)`` or None.
    """
    for j in range(start + 1, len(tokens)):
        if tokens[j].kind not in NUMBER_KINDS:
            continue
        if tokens[j - 1].kind == "word" and _glued(tokens, j):  # "vitamin b12"
            continue
        value, i, notes, _ = _read_quantity(tokens, j, text)
        if value is None:
            continue
        unit, i = _read_unit(tokens, i)
        if unit and all(token.kind == "other" for token in tokens[i:]):
            return value, unit, notes, tokens[j].start
    return None


def _check_quantity(quantity: float, unit: str | None):
    """Reject quantities that are not finite, not positive, or beyond any meal."""
    if not math.isfinite(quantity):
        raise _Problem("quantity is not a finite number")
    if quantity <= 0:
        raise _Problem("quantity must be more than zero")
    amount = f"{_format(quantity)} {unit}" if unit else _format(quantity)
    kind = unit_kind(unit)
    if kind == "mass" and quantity * MASS_GRAMS[unit] > MAX_GRAMS:
        raise _Problem(f"quantity is too large ({amount}, at most {MAX_GRAMS // 1000} kg)")
    if kind == "volume" and quantity * VOLUME_ML[unit] > MAX_MILLILITRES:
        raise _Problem(f"quantity is too large ({amount}, at most {MAX_MILLILITRES // 1000} l)")
    if kind not in ("mass", "volume") and quantity > MAX_COUNT:
        raise _Problem(f"quantity is too large ({amount}, at most {MAX_COUNT})")


def _junk_problem(character: str) -> str:
    if character == "\ufffd":
        return "item contains an undecodable character (U+FFFD)"
    return f"item contains a control character (U+{ord(character):04X})"


def _format(number: float) -> str:
    """A number for messages: 1.5, 2, 0.333, 1e+308."""
    if abs(number) >= 1e6 or not math.isfinite(number):
        return f"{number:g}"
    return f"{number:.3f}".rstrip("0").rstrip(".")


def _quote(text: str, width: int = 60) -> str:
    """The item in double quotes for a message: shortened, unprintable characters escaped."""
    shown = "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )
    if len(shown) > width:
        shown = shown[: width - 1] + "\u2026"
    return f'"{shown}"'
