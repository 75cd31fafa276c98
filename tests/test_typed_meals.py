"""The corpus of typed meals (tests/data/typed_meals.txt): at least 95% right, misses named;
and the meals written before glyload scored them (tests/data/typed_meals_blind.txt), whose
share right is printed as measured and held so it cannot fall (docs/typed-meals.md).

Each meal is scored as ``glyload score`` scores it (no ``--first``). It is right when it
gives exactly the expected items, in order, each a food whose USDA name holds the
expected words, at a sensible weight, and no typed word went unused.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from glyload.errors import GlyloadError
from glyload.meal.score import score_meal
from glyload.search import normalise

CORPUS = Path(__file__).parent / "data" / "typed_meals.txt"
BLIND = Path(__file__).parent / "data" / "typed_meals_blind.txt"

#: Meals the scorer gets wrong today, and why. The test fails when one of these is
#: right (then remove it here) or when another meal is wrong.
MISSES: dict[str, str] = {
    "1 chicken caesar wrap": "no FNDDS food holds all three words",
    "1 falafel wrap": "FNDDS has a falafel sandwich, not a wrap",
    "1 cup cooked spaghetti with meatballs": "'cooked' was typed and no USDA spaghetti and meatballs "
                                            "says cooked ('Restaurant, family style, spaghetti and "
                                            "meatballs'), so cooked pasta is the better match and the "
                                            "meal is split",
    "1 cup chicken stir fry": "FNDDS names stir-fries 'Chicken and vegetables ... soy-based sauce'",
    "1 cup chicken tikka masala": "no FNDDS or SR food named tikka masala",
    "1 cup chana masala": "FNDDS has 'Channa Saag' and chickpea dishes, no chana masala",
    "fish and chips": "no USDA food is fish and chips; 'chips' is read the American way (crisps)",
    "1 kebab": "USDA has only a beef, pork, lamb, chicken ... 'shish kabob with vegetables' and no "
               "unspecified one: no meat was typed, so none is confident",
}

#: The issue's target: at least 95% right (172 of 180 today).
REQUIRED_SHARE = 0.95


def read_corpus(path: Path = CORPUS):
    meals = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        category, meal, expect = (part.strip() for part in line.split(" | ", 2))
        readings = []
        for reading in expect.split(" || "):
            wanted = []
            for item in reading.split(";"):
                found = re.fullmatch(r"(.+?) (\d+)-(\d+)", item.strip())
                assert found, f"{path.name}:{number}: bad expectation {item!r}"
                names = [[set(normalise(a)) for a in word.split("/")] for word in found.group(1).split()]
                wanted.append((found.group(1), names, float(found.group(2)), float(found.group(3))))
            readings.append(wanted)
        meals.append((number, category, meal, readings))
    return meals


MEALS = read_corpus()
BLIND_MEALS = read_corpus(BLIND)


def verdict(conn, meal: str, readings) -> str:
    """"" when the meal is scored as one of its sensible readings, else what is wrong."""
    try:
        result = score_meal(conn, meal)
    except GlyloadError as error:
        return f"error: {error}"
    whys = [why_not(result["items"], wanted) for wanted in readings]
    return "" if "" in whys else whys[0]


def why_not(items, wanted) -> str:
    got = [f"{i['food']} ({i['grams']:g} g)" for i in items]
    if len(items) != len(wanted):
        return f"{len(items)} items, expected {len(wanted)}: {got}"
    for item, (text, names, low, high) in zip(items, wanted):
        words = set(normalise(item["food"]))
        if not all(any(alternative <= words for alternative in word) for word in names):
            return f"{item['food']!r} is not {text!r}: {got}"
        if not low <= item["grams"] <= high:
            return f"{item['food']!r}: {item['grams']:g} g, expected {low:g}-{high:g} g: {got}"
        if item["unused_words"]:
            return f"{item['input']!r}: words not used: {item['unused_words']}"
    return ""


def test_corpus_is_large_and_varied():
    assert len(MEALS) >= 150
    categories = {category for _, category, _, _ in MEALS}
    assert {"breakfast", "lunch", "dinner", "snack", "drink", "takeaway"} <= categories
    assert len({meal for _, _, meal, _ in MEALS}) == len(MEALS)


def test_typed_meals(conn):
    wrong = {meal: verdict(conn, meal, wanted) for _, _, meal, wanted in MEALS}
    wrong = {meal: why for meal, why in wrong.items() if why}
    share = 1 - len(wrong) / len(MEALS)
    unexpected = {m: why for m, why in wrong.items() if m not in MISSES}
    fixed = [m for m in MISSES if m not in wrong]
    assert not unexpected, "\n".join(f"{m}: {why}" for m, why in unexpected.items())
    assert not fixed, f"right now, remove from MISSES: {fixed}"
    assert share >= REQUIRED_SHARE, f"{share:.1%} right"


#: The blind meals the scorer gets wrong today, and why (the same rule as MISSES).
BLIND_MISSES: dict[str, str] = {
    "1 cup chicken alfredo": "USDA has Alfredo sauce with poultry and chicken with noodles and cheese sauce, "
                             "no chicken alfredo: an error with suggestions",
    "1 cup lamb curry": "USDA has no lamb curry: beef curry, with 'lamb' named as unused",
    "1 cup tofu stir fry": "FNDDS names stir-fries 'Tofu and vegetables ... soy-based sauce': an error",
    "1 cup of egg fried rice": "FNDDS's fried rice is meatless, NFS, with chicken ...: 'egg' named as unused",
    "1 cup of chili with beans": "SR's barbecue chili beans match 'chili beans' best and are no dish 'with' "
                                 "beans: split into chili and baked beans",
    "1 cup of corn on the cob": "USDA's only cobs are SR's frozen ones: an error with suggestions",
    "1 slice of chocolate cake": "of FNDDS's chocolate cakes the German chocolate one says least more: 200 g",
    "1 cup of black coffee": "USDA does not say 'black' of coffee: an error with suggestions",
    "1 cup of roasted vegetables": "no USDA food is roasted vegetables; crackers named so have no cup: an error",
    "1 footlong sub": "'footlong' is no unit: an error",
    "1 cup of pad see ew": "USDA has no pad see ew: an error with suggestions",
    "1 order of mozzarella sticks": "FNDDS's default serving of mozzarella sticks is 57 g",
    "3 dried apricots": "FNDDS's dried apricot has no one-apricot measure: 3 of its 40 g default serving",
    "2 tbsp sunflower seeds": "FNDDS's 'cup, NFS' of sunflower seeds is 46 g (in the shell)",
    "1 slice of sourdough bread": "SR 18029's only slice is 139 g",
    "1 cup of baby carrots": "SR's baby carrots have no volume measure: an error listing them",
    "1 cup of cherry tomatoes": "FNDDS's tomatoes have one cup, 180 g, chopped",
    "1 fruit cup": "no USDA food is a fruit cup: an error with suggestions",
    "1 pudding cup": "no USDA food is a pudding cup: an error with suggestions",
    "1 cup of butternut squash": "a vegetable with no state word is the raw one: 140 g raw",
    "1 breakfast sandwich": "FNDDS names them by their fillings ('Egg, cheese, and sausage ...'): an error",
    "6 inch turkey sub": "'6 inch' is read as 6 of a unit 'inch' glyload does not know: an error",
    "1 bottle of orange juice": "USDA gives orange juice no bottle and a bottle's size is no convention here: "
                                "an error listing its measures",
    "1 cup of chai latte": "FNDDS lists 'chai tea latte' under 'Tea, hot, with milk', not 'chai latte': an error",
    "2 slices of meat lovers pizza": "USDA has no meat lovers pizza: an error with suggestions",
    "1 chicken shawarma": "USDA has no shawarma: an error with suggestions",
    "1 cup of beef pho": "FNDDS's pho is 'Soup, pho, with meat', no beef named: an error with suggestions",
    "2 pancakes and 2 sausage links": "'sausage links' is SR's smoked link sausage, which has no link "
                                      "measure: 2 of its first measure, 3 oz (85 g)",
    "1 chicken caesar salad": "a creamy chicken salad whose other names say 'caesar' fits better than "
                              "FNDDS's long-named chicken caesar garden salad",
    "1 cup of quinoa salad": "USDA has no quinoa salad: an error with suggestions",
    "1 cup of turkey chili": "USDA has no turkey chili: chili with chicken, with 'turkey' named as unused",
    # batch 7: dishes of several cuisines
    "2 pork dumplings": "FNDDS's only plain dumpling is 'Dumpling, no meat': an error with suggestions",
    "1 cup of chicken katsu": "USDA has no katsu: an error with suggestions",
    "1 cup of pad thai with shrimp": "FNDDS has 'Pad Thai with seafood', no shrimp named: split into pad "
                                     "thai and shrimp",
    "1 cup of green curry": "USDA has no green curry: an error with suggestions",
    "1 cup of chicken tikka": "USDA has no chicken tikka: an error with suggestions",
    "1 cup of butter chicken": "USDA has no butter chicken: an error with suggestions",
    "1 cup of arroz con pollo": "USDA has arroz con leche but no arroz con pollo: an error with suggestions",
    "1 cup of fettuccine alfredo": "USDA has Alfredo sauces and creamed noodles, no fettuccine alfredo: an error",
    "1 cup of penne alla vodka": "USDA has no vodka sauce pasta: an error with suggestions",
    "1 cup of moussaka": "USDA has 'Eggplant and meat casserole', not named moussaka: an error with it suggested",
    "1 lamb gyro": "FNDDS's 'Gyro sandwich' names no lamb: an error with suggestions",
    "1 cup of shakshuka": "USDA has no shakshuka: an error",
    "1 croque monsieur": "'croque' is read where a unit goes and is no food word: an error",
    "1 bowl of miso soup with tofu": "FNDDS's 'Soup, miso or tofu' names no tofu after a 'with': split",
    "1 cup of chia pudding": "USDA has no chia pudding: an error with suggestions",
    "1 mochi": "USDA has 'Cake made with glutinous rice', not named mochi: an error with it suggested",
    "1 mango lassi": "USDA has no lassi: an error with suggestions",
    "1 cup of thai iced tea": "USDA has no Thai iced tea: an error with suggestions",
    # batch 8
    "1 cup of steel cut oats": "USDA does not say 'steel cut' of oats: an error with suggestions",
    "1 ham and swiss sandwich": "no USDA ham sandwich says swiss, so 'swiss sandwich' is read on its own: "
                                "an error",
    "1 cup of chicken alfredo pasta": "USDA has no chicken alfredo pasta: an error with suggestions",
    "1 cup of mashed cauliflower": "USDA has no mashed cauliflower: an error with suggestions",
    "1 cup of wild rice pilaf": "USDA's wild rice is not named pilaf: an error with suggestions",
    "1 lobster tail": "FNDDS's lobster has no tail measure: 'tail' named as unused",
    "1 cup of corn casserole": "USDA has no corn casserole: an error with suggestions",
    "1 cup of cheez its": "'its' is read as a word USDA's Cheez-It names do not hold: an error",
    "1 fig newton": "USDA's 'Cookie, fig bar' is not named Fig Newton: an error with it suggested",
    "1 cup of mixed fruit": "USDA's mixed fruit is canned, frozen or for babies, none confident: an error",
    "1 cup of chocolate milkshake": "USDA's milkshakes are 'Milk shake' and a mix that is 'not chocolate': "
                                    "an error",
    "1 glass of champagne": "FNDDS's 'Champagne punch' is the shortest food named champagne: 240 g of it",
    "1 taco bell crunchwrap": "USDA has no Crunchwrap: an error with Taco Bell's foods suggested",
    "1 six inch subway sub": "'six inch' is read as 6 of an 'inch': an error",
    # batch 9
    "1 cup of frosted mini wheats with milk": "SR's FROSTED MINI-WHEATS have no cup measure: an error listing "
                                              "their measures",
    "1 cup of chicken salad on lettuce": "'on' joins no items: 'chicken salad on lettuce' names no food, an error",
    "1 grilled pork chop": "FNDDS's 'Pork, chop, NS as to fat eaten' names no way of cooking: 'grilled' "
                           "named as unused",
    "1 cup of sugar snap peas": "USDA names them 'Peas, edible-podded': an error with them suggested",
    "1 cup of orange juice with pulp": "'pulp' is read as an addition: orange juice and a frozen fruit pulp",
    "1 frappuccino": "USDA names it 'Frozen coffee drink': an error with it suggested",
    "1 crispy chicken sandwich": "SR's crispy chicken club sandwich (271 g) fits the words best",
}

#: The share of the blind meals right today (540 of 610), held so it cannot fall.
BLIND_SHARE = 540 / 610


def test_blind_meals(conn):
    assert len(BLIND_MEALS) >= 600 and not {m for _, _, m, _ in BLIND_MEALS} & {m for _, _, m, _ in MEALS}
    wrong = {meal: verdict(conn, meal, wanted) for _, _, meal, wanted in BLIND_MEALS}
    wrong = {meal: why for meal, why in wrong.items() if why}
    unexpected = {m: why for m, why in wrong.items() if m not in BLIND_MISSES}
    fixed = [m for m in BLIND_MISSES if m not in wrong]
    assert not unexpected, "\n".join(f"{m}: {why}" for m, why in unexpected.items())
    assert not fixed, f"right now, remove from BLIND_MISSES: {fixed}"
    assert 1 - len(wrong) / len(BLIND_MEALS) >= BLIND_SHARE
