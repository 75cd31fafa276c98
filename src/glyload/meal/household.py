"""Household words people use for an amount, and the size each is taken to be.

USDA gives many foods measures of their own ("1 cup" of cooked rice = 158 g,
"1 scoop" of protein powder); a food's own measure of the same name always
wins (:mod:`glyload.meal.portions`). Where the food has none, the word is
read from this one table. USDA publishes no size for a glass, a mug, a bowl,
a plate, a handful, a scoop or a spoonful, so each size below is a stated
convention: the scorer says in the item's notes which one it used, and a
person who knows better types the amount (``300 ml``, ``40 g``).

A volume word converts to grams through the food's own volume measure (its
density, as for ``cup``); a mass word is grams of any food. A cup of a drink
(or of anything) is not in this table: it is the US customary cup, 8 fl oz =
236.6 ml (:data:`glyload.meal.parse.VOLUME_ML`), weighed by the food's own
"cup" measure or converted through its other volume measures.
"""

from __future__ import annotations

from dataclasses import dataclass

from .parse import MASS_GRAMS, VOLUME_ML


@dataclass(frozen=True)
class Household:
    """A household word's size: ``amount`` of ``unit`` (a key of VOLUME_ML or MASS_GRAMS)."""

    word: str
    amount: float
    unit: str
    basis: str

    @property
    def kind(self) -> str:
        return "volume" if self.unit in VOLUME_ML else "mass"

    def note(self) -> str:
        return f"a {self.word} taken as {self.amount:g} {self.unit} ({self.basis})"


#: The table. Every size is a convention, stated as such; sources where one exists.
HOUSEHOLD = {h.word: h for h in (
    Household("glass", 8, "fl oz", "convention: a glass of a drink is one US cup, 8 fl oz = 237 ml"),
    Household("mug", 12, "fl oz", "convention: a mug holds 12 fl oz = 355 ml, 1.5 US cups"),
    Household("bowl", 1.5, "cup", "convention: a bowl holds 1.5 US cups = 355 ml"),
    Household("plate", 2, "cup", "convention: a plate of a dish is 2 US cups = 473 ml"),
    Household("handful", 1, "oz", "convention: a handful is 1 oz = 28 g, the ounce US dietary "
                                  "guidance uses for a serving of nuts"),
    Household("scoop", 0.5, "cup", "convention: a scoop is 1/2 US cup = 118 ml, a size 8 food-service disher"),
    Household("spoonful", 1, "tbsp", "convention: a spoonful is one US tablespoon = 14.8 ml"),
    Household("shot", 1.5, "fl oz", "convention: a shot is a US jigger, 1.5 fl oz = 44 ml"),
    Household("pinch", 1 / 16, "tsp", "convention: a pinch is 1/16 US teaspoon, the measuring-spoon set's pinch"),
    Household("dash", 1 / 8, "tsp", "convention: a dash is 1/8 US teaspoon, the measuring-spoon set's dash"),
    Household("can", 12, "fl oz", "convention: a can is the US standard 12 fl oz = 355 ml can of a soft "
                                  "drink or beer"),
)}

#: An addition typed without an amount ("with milk") when USDA gives no amount for it
#: (no FNDDS guideline or default portion): one tablespoon, said in the notes.
ADDITION = Household("addition", 1, "tbsp", "convention: an addition with no amount is one US tablespoon "
                                            "where USDA gives no guideline amount for it")

#: USDA's food group of seasonings: one added with no amount ("eggs with salt") is a pinch
#: (:data:`HOUSEHOLD`), not the tablespoon of :data:`ADDITION`.
SEASONING_GROUPS = {"Spices and Herbs"}

#: Words that need no size of their own: a piece is the food's own piece, item or slice,
#: and a serving the food's own serving (else its default portion); both say so in the notes.
OWN_MEASURE_WORDS = ("piece", "serving", "order", "portion")
#: Words for one serving of a food: its own measure of that name, else its serving, else USDA's
#: default serving ("an order of fries" is FNDDS's "Quantity not specified" of fries).
SERVING_WORDS = ("serving", "order", "portion")


def household(word: str) -> Household | None:
    """The table's entry for ``word`` (canonical unit name), or None."""
    return HOUSEHOLD.get(word)


def millilitres(entry: Household) -> float:
    return entry.amount * VOLUME_ML[entry.unit]


def grams(entry: Household) -> float:
    return entry.amount * MASS_GRAMS[entry.unit]
