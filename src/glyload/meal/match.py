"""Match a typed food phrase to one USDA food, or refuse with suggestions.

Candidates come from full-text search (:mod:`glyload.search`); each is scored
0-100 on how a person would read the names: every typed word present, few
extra words (words that only say "the usual kind" do not count), the typed
preparation honoured (raw, cooked, boiled, canned, dried, juice ...), the
generic food before a branded one, and a commonly eaten form (one USDA gives
household portions for) before a rare one. Below :data:`THRESHOLD` the phrase
is not matched: the caller gets the best suggestions instead of a guess.

SR and FNDDS name foods differently. SR goes general to specific ("Rice, white,
long-grain, regular, enriched, cooked"); FNDDS names foods as eaten ("Pizza, cheese,
from restaurant or fast food, thick crust", "Topping from cheese pizza") and marks
USDA's choice for an unspecified food "NFS" (not further specified) or "NS as to
..." ("Coffee, NS as to type"): those words say nothing the typed phrase could
lack, and among equal matches such a food comes first, as USDA itself codes an
unspecified report. An SR food and an FNDDS food that fit equally well: the SR
food first (FNDDS builds its plain foods from SR's, and GI measurements are linked
to SR's). FNDDS additional descriptions ("pan pizza; from street
vendor") can answer the typed words but never excuse a different head word, so
"bagel" is not a pizza served on one; only when no food's own name answers the phrase
confidently does an other name USDA publishes that is the whole phrase name the food
("risotto"; :func:`published_names`).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from ..errors import GlyloadError, quoted
from ..search import candidates, normalise, singular, words
from ..sources.fndds import DEFAULT_WEIGHTS, is_fndds
from .parse import UNITS
from .portions import ALIASES, NOT_SPECIFIED, VOLUME_WORDS, has_guideline, has_measure

#: Scores below this are not accepted without ``--first``.
THRESHOLD = 70.0

#: Words in SR descriptions that name the usual form of a food; they are not
#: counted against a food the user did not describe in that detail.
NEUTRAL = {
    "regular", "enriched", "commercially", "prepared", "with", "skin", "includes",
    "all", "variety", "varieties", "fresh", "plain", "whole", "mature", "seed",
    "salt", "added", "flesh", "and", "ns", "as", "to", "type",
    "commercial", "unprepared", "made", "ready", "eat", "from", "in", "of",
    "long", "grain", "nfs", "fluid", "solid", "drained", "unsalted", "yellow",
    "vitamin", "d", "milkfat", "fortified", "cooking", "or", "granulated",
    "vanilla", "original", "type", "white", "ripe", "red", "on",
    "eaten",  # FNDDS says whether a part was eaten ("skin eaten", "coating eaten"): no typed word
}

#: Words of foods for particular people; only matched when typed.
NICHE = {"babyfood", "infant", "human", "toddler", "formula", "usda", "commodity", "school", "lunch", "meatless",
         "ingredient"}  # FNDDS "... as ingredient in sandwiches": a part of another food

#: Leading terms of SR names that group foods rather than name them
#: ("Snacks, popcorn, air-popped"): the next term says what the food is.
GROUPING_HEADS = {"fast foods", "snacks", "beverages", "cereals ready-to-eat", "candies",
                  "restaurant", "cereals", "alcoholic beverage", "fast food", "salad dressing", "desserts",
                  "fish", "crustaceans", "mollusks",  # "Fish, salmon, raw" is a salmon
                  "soft drink", "carbonated",  # "Soft drink, cola", "Beverages, carbonated, cola"
                  "spices"}  # "Spices, cinnamon, ground"

#: Preparation words and the words in descriptions that satisfy them.
PREPARATION = {
    "raw": {"raw", "fresh"},
    "cooked": {"cooked", "boiled", "steamed", "baked", "roasted", "stewed", "simmered", "prepared", "microwaved",
               "made"},  # FNDDS: "Oatmeal, regular or quick, made with water"
    "boiled": {"boiled", "cooked"},
    "steamed": {"steamed", "cooked"},
    "baked": {"baked"},
    "fried": {"fried"},
    "roasted": {"roasted"},
    "mashed": {"mashed"},
    "canned": {"canned"},
    "dried": {"dried", "dehydrated", "dry"},
    "juice": {"juice"},
    "frozen": {"frozen"},
    "toasted": {"toasted"},
    "grilled": {"grilled", "broiled", "roasted", "baked", "cooked"},
    "roast": {"roast", "roasted"},
    "stewed": {"stewed"},
}

#: Forms that change a food a lot; a food in such a form needs the user to say so.
CHANGED_FORMS = {"dried", "dehydrated", "juice", "canned", "frozen", "powder", "flour",
                 "concentrate", "syrup", "dry", "unprepared", "toasted", "fried", "instant",
                 "cake", "split", "sauce", "gravy", "seasoning", "spice", "soup", "relish",
                 "flavored", "substitute", "imitation", "chip", "dressing",
                 "topping"}  # FNDDS's parts of dishes: "Topping from cheese pizza"

#: Changed forms a unit asks for: "a can of tuna" is canned tuna.
UNIT_FORMS = {"can": {"canned"}}

#: Unit words ("cup", "slice", "medium"): a measure's unit names how much, never which food.
UNIT_WORDS = {singular(w) for w in UNITS}

#: Points off a food in a changed form the phrase did not ask for.
CHANGED_FORM_PENALTY = 10

#: Foods people mean cooked when they do not say (nobody eats a cup of dry rice).
EATEN_COOKED = {"rice", "pasta", "spaghetti", "macaroni", "noodle", "quinoa", "couscous",
                "barley", "bulgur", "lentil", "chickpea", "oatmeal", "porridge", "millet",
                "buckwheat", "bean", "pea", "potato", "corn"}

#: USDA's food groups (SR's and FNDDS's WWEIA categories) of meat, poultry, fish, shellfish and
#: eggs: foods people eat cooked. Typed without a state word ("4 oz chicken", "2 eggs", "fish"),
#: such a food is the cooked one; its raw form is a changed form the phrase must ask for
#: ("raw oysters"), as dry rice is. FNDDS's "..., from raw" says what a cooked food was made from.
ANIMAL_GROUPS = {
    "Beef Products", "Pork Products", "Lamb, Veal, and Game Products", "Poultry Products",
    "Finfish and Shellfish Products", "Sausages and Luncheon Meats",
    "Beef, excludes ground", "Ground beef", "Pork", "Lamb, goat, game", "Chicken, whole pieces",
    "Turkey, duck, other poultry", "Chicken patties, nuggets and tenders", "Liver and organ meats",
    "Cold cuts and cured meats", "Bacon", "Frankfurters", "Sausages", "Fish", "Shellfish",
    "Eggs and omelets",
}
#: SR files eggs with milk ("Dairy and Egg Products"): there an egg is a food whose name begins "Egg".
EGG_HEAD = re.compile(r"^eggs?\b")
RAW = re.compile(r"(?<!from )\braw\b")


def eaten_cooked(row: dict) -> bool:
    """Whether ``row`` is a food of animal origin (:data:`ANIMAL_GROUPS`), eaten cooked."""
    group = row.get("food_group") or ""
    return group in ANIMAL_GROUPS or (group == "Dairy and Egg Products"
                                      and bool(EGG_HEAD.match(row["description"].lower())))


@dataclass
class Match:
    food: dict
    score: float
    alternatives: list = field(default_factory=list)


class MatchError(GlyloadError):
    """No food matches a phrase well enough; carries the best suggestions."""

    def __init__(self, phrase: str, suggestions: list[dict]):
        self.phrase = phrase
        self.suggestions = suggestions
        if suggestions:
            options = "; ".join(f"{s['food_id']} {s['description']}" for s in suggestions[:3])
            message = f"no confident match for {quoted(phrase)}: did you mean {options}? (use an id, or --first)"
        else:
            message = f"no food matches {quoted(phrase)}"
        super().__init__(message)


#: What people type -> how SR names it (whole words or phrases, applied in order).
SYNONYMS = (
    ("cooked oatmeal", "oatmeal"),  # oatmeal is the cooked dish (FNDDS "Oatmeal, NFS")
    ("mac and cheese", "macaroni and cheese"),
    ("meatloaf", "meat loaf"),
    ("kebab", "kabob"),
    ("mac n cheese", "macaroni and cheese"),
    ("blt", "bacon lettuce tomato sandwich"),
    ("soy milk", "soymilk"),
    ("hot dog bun", "hot dog rolls"),
    ("hamburger bun", "hamburger rolls"),
    ("jello", "gelatin desserts"),
    ("chocolate milk", "milk chocolate fluid"),
    ("jelly beans", "jellybeans"),
    ("kiwi fruit", "kiwifruit"),
    ("kiwi", "kiwifruit"),
    ("cornflakes", "corn flakes"),
    ("porridge", "oats cooked with water"),
    ("spaghetti", "pasta"),
    ("macaroni", "pasta"),
    ("penne", "pasta"),
    ("donuts", "doughnuts"),
    ("donut", "doughnuts"),
    ("spuds", "potatoes"),
    ("garbanzo", "chickpeas"),
    ("yoghurt", "yogurt"),
    ("skim milk", "skim milk nonfat"),
    ("soda", "soft drink"),  # FNDDS "Soft drink, NFS": what USDA codes for a soda not further specified
    ("coke", "cola"),
    ("burger", "hamburger"),
    ("fries", "french fried potatoes"),
    ("wholemeal", "whole wheat"),
    ("wholewheat", "whole wheat"),
    ("rockmelon", "cantaloupe"),
    ("courgette", "zucchini"),
    ("aubergine", "eggplant"),
    ("omelette", "omelet"),
    ("veggies", "vegetables"),
    ("veggie", "vegetable"),
)
#: Whole phrases people type for a food USDA names otherwise (only the whole phrase: "tuna
#: salad" stays tuna salad, "iced tea" iced tea). A salad with no more said is USDA's "lettuce
#: salad, NFS", FNDDS 75143000 "Lettuce, salad with assorted vegetables ...", which USDA also
#: gives the chains' side salads (its additional descriptions).
WHOLE_PHRASES = (
    ("salad", "lettuce salad"),
    ("side salad", "lettuce salad"),
    ("green salad", "lettuce salad"),
    ("garden salad", "lettuce salad"),
    ("tossed salad", "lettuce salad"),
    ("house salad", "lettuce salad"),
    # USDA has no tea or juice "NFS": a tea with no more said is FNDDS 92302000 "Tea, hot, leaf,
    # black" (its other names: "tea bags; ... brewed"), a juice FNDDS 64100100 "Fruit juice, NFS"
    ("tea", "hot black tea"),
    ("hot tea", "hot black tea"),
    ("iced tea", "iced brewed black tea unsweetened"),  # FNDDS 92308020 ("McDonald's Iced Tea")
    ("juice", "fruit juice"),
    ("marinara", "marinara sauce"),  # SR 06931 "Sauce, pasta, spaghetti/marinara, ready-to-serve"
)
#: Phrases in SR descriptions that only name the usual form (cut before scoring).
USUAL_FORM = re.compile(
    r"\b(without added salt|without salt|with salt|with added salt|with skin|"
    r"all commercial varieties|commercially prepared|ready-to-eat|year round average|"
    r"\d+ grams? protein per \d+ ounces?|ns as to [^,()]*|nfs)\b")
#: FNDDS marks the food USDA codes when a report does not say more: "Pad Thai, NFS".
UNSPECIFIED = re.compile(r"\b(nfs|ns as to)\b")


#: How a food is cut says which measure to use (portions.py), not which food it is.
CUTS = {"sliced", "slices", "chopped", "diced", "cubed", "shredded", "grated", "halved",
        "quartered", "pieces", "minced", "crushed", "wedges", "sticks", "chunks", "cubes", "florets",
        "spears"}

PARENTHESES = re.compile(r"\(([^()]*)\)")


def drop_cuts(conn: sqlite3.Connection, phrase: str) -> str:
    """``phrase`` without its :data:`CUTS` words, except a cut word that USDA names a food
    with: one that, with the word after or before it, begins a term of a food's name ("Cereal,
    shredded wheat, plain", "Mozzarella sticks, breaded ..."), so "shredded wheat" stays
    shredded wheat while "shredded cheese" is cheese (its measure "cup, shredded" is chosen in
    portions.py). At most two phrase queries per cut word, only for phrases that have one."""
    typed = phrase.split()
    kept = []
    for n, word in enumerate(typed):
        if word not in CUTS:
            kept.append(word)
            continue
        following = " ".join(words(" ".join(typed[n:n + 2])))
        before = " ".join(words(" ".join(typed[max(n - 1, 0):n + 1])))
        if (n + 1 < len(typed) and _names_a_food(conn, following)) or (n > 0 and _names_a_food(conn, before)):
            kept.append(word)  # "shredded wheat", "mozzarella sticks", "fish sticks"
    return " ".join(kept)


def _names_a_food(conn: sqlite3.Connection, start: str) -> bool:
    rows = conn.execute("select foods.description from foods_fts join foods on foods.rowid = foods_fts.rowid "
                        "where foods_fts match ? limit 50", (f'{{description}} : "{start}"',))
    wanted = normalise(start)
    return any(normalise(term)[:len(wanted)] == wanted for (description,) in rows for term in description.split(","))


#: Nouns people use for a food in the state USDA names with an adjective ("toast" is
#: toasted bread), unless a dish of that name is meant ("French toast", "shrimp toast").
STATE_NOUNS = (
    (re.compile(r"(?<!french )(?<!shrimp )(?<!melba )(?<!texas )\btoast\b"), "bread toasted"),
)


def expand(phrase: str, keep: frozenset = frozenset()) -> str:
    """Apply :data:`WHOLE_PHRASES` to the whole phrase, then :data:`SYNONYMS` (but those whose
    typed words are in ``keep``) and :data:`STATE_NOUNS` to whole words of ``phrase``."""
    text = " ".join(phrase.lower().split())
    text = dict(WHOLE_PHRASES).get(text, text)
    for typed, named in SYNONYMS:
        if typed not in keep and typed in text:  # the substring test spares compiling absent ones
            text = re.sub(rf"\b{re.escape(typed)}\b", named, text)
    for pattern, named in STATE_NOUNS:
        text = pattern.sub(named, text)
    return text


def readings(conn: sqlite3.Connection, phrase: str) -> list[str]:
    """The ways ``phrase`` may name a food: with :data:`SYNONYMS` applied, and, when a synonym's
    typed word is itself a word of USDA's food names ("spaghetti": SR says "Pasta", FNDDS
    "Spaghetti with meat sauce"), also with that word as typed. A food is matched by its
    better reading."""
    text = " ".join(phrase.lower().split())
    kept = set()
    literal = text
    for typed, _ in SYNONYMS:  # in order: a rewrite can bring in another's word (mac -> macaroni -> pasta)
        if typed in literal and re.search(rf"\b{re.escape(typed)}\b", literal):
            if _usda_word(conn, typed):
                kept.add(typed)
            else:
                literal = expand(literal, frozenset(t for t, _ in SYNONYMS if t != typed))
    found = [expand(text)]
    if kept and expand(text, frozenset(kept)) not in found:
        found.append(expand(text, frozenset(kept)))
    return found


def _usda_word(conn: sqlite3.Connection, typed: str) -> bool:
    """Whether a food's own name (its description) holds the words ``typed``."""
    return conn.execute("select 1 from foods_fts where foods_fts match ? limit 1",
                        (f'{{description}} : "{" ".join(words(typed))}"',)).fetchone() is not None


#: SR's restaurant foods name the cuisine or style after the grouping term: "Restaurant,
#: Chinese, fried rice", "Restaurant, family style, spaghetti and meatballs".
STYLED_HEADS = {"restaurant"}


def head_term(description: str) -> str:
    """The term of a food's name that says what it is: its first, or the next after grouping
    terms (:data:`GROUPING_HEADS`), or the one after a restaurant's cuisine or style."""
    terms = [t.strip() for t in description.split(",")]
    first = terms[0].lower()
    skip = 2 if first in STYLED_HEADS else 0
    while skip < len(terms) - 1 and (terms[skip].lower() in GROUPING_HEADS
                                     or (_capitals(terms[skip]) and _names_product(terms[skip + 1]))):
        skip += 1  # "Beverages, carbonated, cola": a grouping within a grouping; "MARS SNACKFOOD US": a maker
    return terms[skip] if len(terms) > skip else terms[-1]


def capital_word(word: str) -> bool:
    """Whether SR writes ``word`` in capitals, as it writes brands ("KELLOGG'S", "SNICKERS");
    FNDDS's "NFS" (not further specified) is no brand."""
    return word.isupper() and len(word) > 2 and word.strip(",()") != "NFS"


def _capitals(term: str) -> bool:
    """Whether a term of an SR name is written in capitals ("MARS SNACKFOOD US", "SPRITE")."""
    letters = [c for c in term if c.isalpha()]
    return len(letters) > 2 and all(c.isupper() for c in letters) and term.strip() != "NFS"


def _names_product(term: str) -> bool:
    """Whether a term holds a word in capitals: a product's name after its maker's ("MARS
    SNACKFOOD US, SNICKERS Bar", "GENERAL MILLS, CHEERIOS"; not "SPRITE, lemon-lime")."""
    return any(capital_word(w) for w in term.split())


#: Words of a phrase that name no food ("and", "with", articles): not required of a dish.
GLUE_WORDS = {"and", "with", "plus", "w", "a", "an", "the", "of", "some", "on", "in"}


def head_slots(description: str) -> list[set]:
    """What a food is, as slots of words: the food words of its head term (:func:`head_term`)
    up to its own "with" (FNDDS's "Tuna noodle casserole with cream or white sauce" is a tuna
    noodle casserole; what comes after "with" is what it has), words joined by "or" in one
    slot: "Macaroni or noodles with cheese" -> [{macaroni, noodle}], either word names it."""
    return [set(slot) for slot in _head(description)[0]]


@lru_cache(maxsize=65_536)
def _head(description: str) -> tuple[tuple[frozenset, ...], tuple[frozenset, ...]]:
    """A food's head slots and its head's "or" phrases, worked out once per process (ranking
    reads the same candidates' names for every phrase)."""
    term = head_term(PARENTHESES.sub(" ", description))
    term = re.split(r"\s+with\s+", term, maxsplit=1, flags=re.IGNORECASE)[0]
    slots: list[set] = []
    joined = False
    for word in normalise(term):
        if word == "or":
            joined = bool(slots)
        elif word not in GLUE_WORDS and word not in NEUTRAL:
            if joined:
                slots[-1].add(word)
            else:
                slots.append({word})
            joined = False
    phrases = [frozenset(set(normalise(p)) - GLUE_WORDS - NEUTRAL)
               for p in re.split(r"\s+or\s+", term, flags=re.IGNORECASE)]
    return tuple(frozenset(slot) for slot in slots), tuple(phrases)


@lru_cache(maxsize=65_536)
def _measure_words(measures: tuple) -> frozenset:
    """The words of a food's measures that are no unit ("cherry" of "cup cherry tomatoes")."""
    return frozenset(normalise(" ".join(measures))) - UNIT_WORDS


def head_fit(description: str, answered: set) -> tuple[set, set]:
    """The words of what a food is that ``answered`` (typed words, the food's other names) leaves
    unsaid, and the "or" alternatives it makes no extra words. "Or" joins single words
    ("Macaroni or noodles", "Taco or tostada salad": a taco salad or a tostada salad) or,
    when every side has several words, whole phrases ("Chow mein or chop suey")."""
    slots, phrases = _head(description)
    if len(phrases) > 1 and all(len(p) > 1 for p in phrases) and any(p <= answered for p in phrases):
        return set(), set().union(*phrases)
    return (set().union(*(slot for slot in slots if not slot & answered)),
            set().union(*(slot for slot in slots if slot & answered)))


def head_words(description: str) -> set:
    """Every word of a food's :func:`head_slots`: what it is ("rice" of "Rice, white, ...")."""
    return set().union(*head_slots(description))


BRAND_PENALTY = 10.0


def is_branded(row: dict) -> bool:
    """SR marks brands with a manufacturer or a name in capitals ("KELLOGG'S"); FNDDS
    writes "NFS" (not further specified) in capitals too, which is no brand."""
    return bool(row.get("manufacturer")) or any(capital_word(w) for w in row["description"].split())


def brand_words(row: dict) -> set:
    """The brand's words in what a branded food is: those its head term (:func:`head_term`)
    writes in capitals, after a grouping or its maker ("SNICKERS" of "Candies, MARS SNACKFOOD US,
    SNICKERS Bar"; not "OREO" of "McDONALD'S, McFLURRY with OREO cookies", nor "TACO BELL" of
    "TACO BELL, Taco Salad", whose head is the maker)."""
    head = head_term(row["description"])
    if head == row["description"].split(",")[0].strip():
        return set()  # the name begins with its maker ("TACO BELL, Taco Salad"): no product named
    return set(normalise(" ".join(w for w in head.split() if capital_word(w))))


def is_survey_food(row: dict) -> bool:
    """A food of USDA's dietary survey: an FNDDS food, or an SR food FNDDS uses (Survey = Y)."""
    return row.get("survey") == "Y" or is_fndds(row.get("source"))


def coverage(query_words: list[str], row: dict) -> float:
    """Share of the typed words found in the food's description or common names."""
    found = set(normalise(row["description"])) | set(normalise(row.get("common_names") or ""))
    wanted = set(query_words)
    return len(wanted & found) / len(wanted) if wanted else 0.0


#: "Whole" (whole milk, a whole apple) and "grain" (long-grain rice) each name the usual
#: form (:data:`NEUTRAL`); together they name a variety the phrase must ask for.
WHOLE_GRAIN = re.compile(r"\bwhole[- ]?grains?\b")


#: Words of a food's name that are never extra words: usual forms, preparations, changed forms
#: (weighed by their own rules), words for particular people, SR's grouping words.
NOT_EXTRA = (NEUTRAL | set().union(*PREPARATION.values()) | CHANGED_FORMS | NICHE
             | {"snack", "beverage", "fast", "food", "cereal"})
#: Cooking words in a head ("Fried onion rings") are weighed by the preparation rules, not as a
#: head word the phrase left out; a changed form that is a food of its own ("Pita chips") is.
COOKING = set().union(*PREPARATION.values()) - {"juice"}


@lru_cache(maxsize=65_536)
def _read_name(description: str, common_names: str, additional: str):
    """A food's names as :func:`score` reads them, once per process: its name without the usual
    form's phrases and asides, that name's words, the words of its other names and asides
    (which answer typed words but are no extra words), and every word that answers one."""
    plain = USUAL_FORM.sub(" ", description.lower())
    # Parentheses clarify ("(includes soft bread crumbs)", "(fat free or skim)"): their
    # words can answer the query but do not count as extra words.
    aside = " ".join(PARENTHESES.findall(plain))
    plain = PARENTHESES.sub(" ", plain)
    desc_words = tuple(w for w in normalise(plain) if not w.isdigit())
    names = frozenset(normalise(common_names) + normalise(aside))
    # "Beverage, milkshake mix, dry, not chocolate": a word a name denies answers nothing
    denied = frozenset(w for term in plain.split(",") for w in _denied(normalise(term)))
    # "Spices, cinnamon, ground" is the spice itself, not a spice blend of cinnamon (a changed form)
    grouping = frozenset({"spice"}) if description.lower().startswith("spices,") else frozenset()
    return (plain, desc_words, names, (frozenset(desc_words) - denied) | names,
            frozenset(normalise(additional)), denied, grouping)


def _denied(words: list[str]) -> list[str]:
    """The words a term denies: those after "not" or "non" ("not chocolate", "non dairy")."""
    return [w for n, w in enumerate(words) if n and words[n - 1] in ("not", "non")]


def score(query_words: list[str], row: dict, unit: str | None = None, measures: tuple = ()) -> float:
    """How well ``row`` answers the typed words (about 0-100, higher is better); a form the
    ``unit`` asks for (:data:`UNIT_FORMS`) is no change left out. A typed word only the food's
    own ``measures`` name ("cherry" of "cup cherry tomatoes") half answers the phrase: the
    food is eaten that way, but its name does not say so."""
    plain, desc_words, names, said, also, denied, grouping = _read_name(
        row["description"], row.get("common_names") or "", row.get("additional_descriptions") or "")
    desc, wanted = set(desc_words), set(query_words)
    present = wanted & (said | (denied & set(_denied(list(query_words)))))  # "non dairy" typed: "non-dairy"
    # A preparation word is answered by its kin: "steamed" broccoli by "cooked" broccoli, and
    # any way of cooking by FNDDS's meat, fish and eggs that name none (see below).
    present |= {p for p in wanted & set(PREPARATION) if PREPARATION[p] & desc}
    unsaid_method = eaten_cooked(row) and is_fndds(row.get("source")) and not desc & COOKING
    if unsaid_method:
        present |= wanted & set(PREPARATION) - {"raw"}
    # A head slot is answered by any one of its "or" words; the others are no extra words.
    head, alternatives = head_fit(row["description"], wanted | names)
    # FNDDS's additional descriptions list what a food may be reported as: they answer a typed
    # word of a food whose own name says what it is ("basmati" of "Rice, white, cooked ..."),
    # but only half when it does not ("Chicken in a Biskit" of "Crackers, butter" is no chicken).
    if alternatives or not head:
        present |= wanted & also
    unsaid = wanted - present
    # A typed word only the food's measures (or the other names above) hold half answers it.
    measured = unsaid & (also | (_measure_words(measures) if measures else frozenset()))
    coverage = (len(present) + 0.5 * len(measured)) / len(wanted) if wanted else 0.0
    extra = desc - wanted - alternatives - NOT_EXTRA
    # token_set_ratio is 100 whenever one side's words are a subset of the other's, so a
    # short name ("Coffee", "Bagel") would fit any phrase holding it: weigh it by coverage,
    # so that a typed word the food does not answer keeps the match from being confident.
    value = 0.4 * fuzz.token_set_ratio(" ".join(query_words), " ".join(desc_words)) * coverage
    value += 50 * coverage + 10
    # A preparation word in the head ("Fried onion rings") is weighed once, by the preparation
    # rules below, not again as a head word the phrase did not name; a changed form that is a
    # food of its own ("Pita chips", "caesar dressing") still counts as one.
    value -= 3.0 * len(extra) + 12.0 * len(head - wanted - names - NEUTRAL - COOKING)
    value -= 15.0 * len((desc & NICHE) - wanted)
    if WHOLE_GRAIN.search(plain) and not ({"whole", "grain"} <= wanted or "wholegrain" in wanted):
        value -= 3.0  # "whole" and "grain" are each a usual form, together a variety: one extra word
    asked = {p for p in PREPARATION if p in wanted}
    # FNDDS's meat, fish and eggs are as eaten, so one that names no way of cooking ("Pork, chop,
    # NS as to fat eaten") was cooked some way: a typed way ("grilled") is one word it does not say.
    for prep in asked:
        if not PREPARATION[prep] & desc:
            value -= 3 if unsaid_method and prep != "raw" else 12
    if not asked:
        changed = (desc & CHANGED_FORMS) - wanted - UNIT_FORMS.get(unit, set()) - grouping
        if eaten_cooked(row) and RAW.search(plain):
            changed.add("raw")  # nobody means raw chicken by "chicken"
        if desc & {"prepared", "reconstituted"}:
            changed -= {"powder", "concentrate", "dry", "frozen"}  # made back into what is eaten
        value -= CHANGED_FORM_PENALTY * len(changed)
    if is_branded(row) and not wanted & brand_words(row):
        value -= BRAND_PENALTY  # generic before branded, unless the brand was typed (rank() lifts it when only brands fit)
    return round(value, 2)


def preference(query_words: list[str], row: dict) -> float:
    """Points that order equally good matches (not counted in the match score):
    the usual form of a food and a commonly eaten one first.

    Defaults as eaten: a phrase without a state word ("oatmeal", "cereal", "cheeseburger")
    gets the form people eat: a food of USDA's dietary survey, a cooked grain or pulse over a
    dry one, and among equal fits the one the survey codes when a person does not say
    (FNDDS's "NFS" and "NS as to ..." foods; :func:`rank`'s order)."""
    desc = set(normalise(row["description"]))
    wanted = set(query_words)
    points = 0.0
    if not wanted & set(PREPARATION):
        text = row["description"].lower()
        # "cooked", "NS as to ... cooking method", or an animal food FNDDS (foods as eaten) marks NFS
        unnamed = "cooked" in desc or bool(re.search(r"\bns as to [^,]*cooking method", text)) or (
            eaten_cooked(row) and is_fndds(row.get("source")) and "nfs" in desc)
        if (wanted & EATEN_COOKED or eaten_cooked(row)) and (desc & PREPARATION["cooked"] or unnamed):
            points += 6  # nobody eats a cup of dry rice
            if unnamed:
                points += 1  # of its cooked forms, the one that names no method ("Egg, whole, cooked, NS as to ...")
        elif RAW.search(row["description"].lower()) and not eaten_cooked(row):
            points += 3
    if is_survey_food(row):
        points += 4  # used in USDA's dietary survey (FNDDS): a commonly eaten form
    if len(query_words) > 1 and any(normalise(term)[:len(query_words)] == list(query_words)
                                    for term in row["description"].split(",")):
        points += 3  # the words in the typed order name it: "egg roll" is an egg roll, not an egg dinner roll
    if not wanted & set(PREPARATION) and "ready-to-eat" in row["description"].lower():
        points += 2  # defaults as eaten: "cereal" is the ready-to-eat one, not one to cook
    if is_fndds(row.get("source")):
        # Every FNDDS food has household portions; how many says nothing (the sort uses
        # the count only to order equal matches, after "NFS").
        return points
    return points + min(row.get("portion_count") or 0, 4) * 0.5


def rank(conn: sqlite3.Connection, phrase: str, unit: str | None = None,
         host: str | None = None, unsized: bool = False) -> list[dict]:
    """Candidate foods for ``phrase``, best first, each with a ``match_score``.

    With ``unit`` (a volume or household word), foods that have that measure
    rank above foods that would need a conversion or cannot take it. With ``host``
    (the food an addition without an amount goes with: "cereal with milk"), foods
    USDA gives a guideline amount for with that host rank the same way above foods
    whose amount would be a convention (USDA's data before a convention). An item typed with
    no amount (``unsized``, as every addition with a ``host`` is) is weighed by USDA's default
    serving where the food has one, so among equal fits such a food comes first.
    """
    phrases = [drop_cuts(conn, reading) for reading in readings(conn, phrase)]
    rows, seen = [], set()
    for reading in phrases:
        for row in candidates(conn, reading):
            if row["food_id"] not in seen:
                seen.add(row["food_id"])
                rows.append(row)
    if not rows:
        return []
    ids = [r["food_id"] for r in rows]
    marks = ",".join("?" * len(ids))
    measures: dict[str, list[str]] = {}
    for food_id, description in conn.execute(
            f"select food_id, lower(description) from portions where food_id in ({marks})", ids):
        measures.setdefault(food_id, []).append(description)
    guided = bool(host) and any(has_guideline(own, host) for own in measures.values())
    for row in rows:
        # FNDDS's "Quantity not specified" and "Guideline amount ..." are USDA's default
        # weights, not household measures: they do not make a food more commonly eaten.
        row["portion_count"] = sum(1 for d in measures.get(row["food_id"], ()) if not DEFAULT_WEIGHTS.match(d))
        rated = [_rate(normalise(reading), row, tuple(measures.get(row["food_id"], ())), unit, host, guided,
                       unsized or bool(host))
                 for reading in phrases]
        row.update(max(rated, key=lambda r: r["_raw"]))
    # A food that exists only as brands ("cheerios", "corn flakes") is not a weaker match
    # for it: when no generic food has every typed word, brands are not marked down.
    brands_lifted = not any(not is_branded(r) and r["_coverage"] == 1 for r in rows)
    if brands_lifted:
        for row in rows:
            if is_branded(row):
                row["_raw"] += BRAND_PENALTY
                row["match_score"] = round(max(0.0, min(100.0, row["_raw"])), 1)
    # A form every fitting food has is no change the typed phrase left out: "pho" is a soup.
    typed = set().union(*(normalise(reading) for reading in phrases))
    fitting = [set(normalise(r["description"])) & CHANGED_FORMS for r in rows if r["_coverage"] == 1]
    common = (set.intersection(*fitting) - typed) if fitting else set()
    if common and not typed & set(PREPARATION):
        for row in rows:
            if row["_coverage"] == 1 and common <= set(normalise(row["description"])):
                row["_raw"] += CHANGED_FORM_PENALTY * len(common)
                row["match_score"] = round(max(0.0, min(100.0, row["match_score"] + CHANGED_FORM_PENALTY
                                                         * len(common))), 1)
    if not any(r["match_score"] >= THRESHOLD for r in rows):
        _score_published_names(rows, brands_lifted)
    rows.sort(key=lambda r: (-r["_raw"], is_fndds(r.get("source")),
                             not _unspecified(r),  # FNDDS "NFS" first
                             -r["portion_count"], r["fts_rank"], r["food_id"]))
    return rows


def _rate(query_words: list[str], row: dict, own: tuple, unit: str | None, host: str | None,
          guided: bool, unsized: bool) -> dict:
    """A candidate's match score and ordering points for one reading of the phrase."""
    raw = score(query_words, row, unit, own)
    rated = {"_words": query_words, "_unit_adjustment": 0.0, "_coverage": coverage(query_words, row),
             # a unit's form counts as typed for the order: "a can of peaches" is no raw peach
             "_preference": preference(query_words + sorted(UNIT_FORMS.get(unit, ())), row)}
    if set(normalise(row["description"])) & UNIT_FORMS.get(unit, set()):
        rated["_preference"] += 4  # "a can of peaches" is canned peaches, as the survey's points weigh
    if unit:
        if has_measure(own, unit):
            rated["_preference"] += 1
        elif any(has_measure(own, alias) for alias in ALIASES.get(unit, ())):
            pass  # weighed by a measure of the kind ("piece" for a slice of lasagna), said in the notes
        elif not (unit in VOLUME_WORDS and any(has_measure(own, u) for u in VOLUME_WORDS)):
            rated["_unit_adjustment"] = -6.0  # the food cannot be weighed in this unit
            raw -= 6
    if host and guided:
        if has_guideline(own, host):
            rated["_preference"] += 1
        else:
            rated["_unit_adjustment"] -= 6.0  # its amount would be a convention, not USDA's
            raw -= 6
    elif unsized and any(d.startswith(NOT_SPECIFIED) for d in own):
        # No amount: USDA's default serving, not a whole item ("toast with avocado", "pineapple"):
        # more than the points an SR food's many measures give it (preference(): at most 2).
        rated["_preference"] += 3
    rated["match_score"] = round(max(0.0, min(100.0, raw)), 1)
    rated["_raw"] = raw + rated["_preference"]
    return rated


def _unspecified(row: dict) -> bool:
    """Whether USDA codes ``row`` for a report that says no more: "NFS" in its name, or, for a
    food matched by another name (:func:`published_names`), among those names ("Egg roll, with
    beef and/or pork": "... spring roll; egg roll, NFS", of the four egg rolls named spring rolls)."""
    return bool(UNSPECIFIED.search(row["description"].lower())) or bool(
        row.get("published_name") and UNSPECIFIED.search((row.get("additional_descriptions") or "").lower()))


def published_names(row: dict) -> list[str]:
    """Other names USDA publishes for a food, one per entry: FNDDS's additional descriptions
    ("mushroom soup-based sauce; white sauce; risotto") and SR's common names ("muesli"),
    without USDA's "NFS" / "NS as to ..." marks."""
    entries = (row.get("additional_descriptions") or "").split(";") + (row.get("common_names") or "").split(",")
    return [" ".join(USUAL_FORM.sub(" ", entry.lower()).split()) for entry in entries if entry.strip()]


def _score_published_names(rows: list[dict], brands_lifted: bool) -> None:
    """When no food's own name answers the phrase confidently, a food one of whose
    :func:`published_names` is the whole phrase is scored by that name: USDA gives it as
    another name of the food ("risotto" is FNDDS "Rice, white, with cheese and/or cream based
    sauce, fat added"; "muesli" is SR's FAMILIA and ALPEN). Only the whole phrase counts,
    never some of its words; a brand keeps its penalty unless only brands fit."""
    for row in rows:
        query_words = row["_words"]
        for entry in published_names(row):
            if normalise(entry) == list(query_words):
                named = dict(row, description=entry, additional_descriptions=None, common_names=None,
                             manufacturer=None)
                raw = score(query_words, named) + row["_unit_adjustment"]
                if is_branded(row) and not brands_lifted:
                    raw -= BRAND_PENALTY
                if raw + row["_preference"] > row["_raw"]:
                    row["_raw"] = raw + row["_preference"]
                    row["match_score"] = round(max(0.0, min(100.0, raw)), 1)
                    row["published_name"] = entry
                break


def match_food(conn: sqlite3.Connection, phrase: str, first: bool = False,
               unit: str | None = None, host: str | None = None, unsized: bool = False) -> Match:
    """The best food for ``phrase``; MatchError below the threshold unless ``first``
    (``host``: the food an addition without an amount goes with, see :func:`rank`)."""
    ranked = rank(conn, phrase, unit, host, unsized)
    if not ranked:
        raise MatchError(phrase, [])
    best = ranked[0]
    if best["match_score"] < THRESHOLD and not first:
        raise MatchError(phrase, ranked[:3])
    return Match(food=best, score=best["match_score"], alternatives=ranked[1:4])


def search_foods(conn: sqlite3.Connection, text: str, limit: int = 10) -> list[dict]:
    """Ranked foods for ``text`` (``glyload search``), each with a ``score`` (0-100)."""
    found = rank(conn, text)[:limit]
    for row in found:
        row["score"] = row["match_score"]
    return found
