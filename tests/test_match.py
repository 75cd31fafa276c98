"""Matching typed phrases to USDA foods (``glyload.meal.match``) on the bundled database."""

from __future__ import annotations

import re

import pytest

from glyload.meal.match import THRESHOLD, MatchError, expand, match_food, rank


def branded(row: dict) -> bool:
    """SR marks brands with a manufacturer or a name in capitals ("KELLOGG'S"); FNDDS's "NFS"
    (not further specified) is no brand."""
    return bool(row.get("manufacturer")) or any(w.isupper() and len(w) > 2 and w.strip(",") != "NFS"
                                                for w in row["description"].split())


def words(description: str) -> set:
    return set(re.findall(r"[a-z]+", description.lower()))


# --- generic before branded ----------------------------------------------------------------------


@pytest.mark.parametrize("phrase", ["granola bar", "ice cream", "cola", "peanut butter", "pancakes",
                                    "popcorn", "waffles", "crackers"])
def test_generic_before_branded(conn, phrase):
    ranked = rank(conn, phrase)
    assert ranked, phrase
    brands = [r for r in ranked if branded(r)]
    assert brands, f"no branded candidate for {phrase!r}: the test would prove nothing"
    best = match_food(conn, phrase).food
    assert not branded(best), best["description"]
    assert best["match_score"] > max(r["match_score"] for r in brands) or ranked.index(best) < ranked.index(brands[0])


def test_branded_food_when_only_brands_exist(conn):
    """Cheerios exist only as brands (FNDDS's "Cereal, O's, NFS" names them only in its additional
    descriptions): the brand is still matched."""
    best = match_food(conn, "cheerios").food
    assert best["food_id"] == "08013"  # GENERAL MILLS CHEERIOS


def test_generic_survey_food_before_brands(conn):
    """SR has corn flakes only as brands; FNDDS has the generic food people report."""
    best = match_food(conn, "cornflakes").food
    assert (best["food_id"], best["description"]) == ("57134000", "Cereal, corn flakes, plain")


# --- preparation words --------------------------------------------------------------------------


@pytest.mark.parametrize(("phrase", "wanted"), [
    ("apple juice", {"juice"}),
    ("orange juice", {"juice"}),
    ("dried apricots", {"dried", "dehydrated"}),
    ("raw carrots", {"raw"}),
    ("cooked carrots", {"cooked", "boiled", "steamed"}),
    ("boiled potatoes", {"boiled"}),
    ("baked potato", {"baked"}),
    ("canned peaches", {"canned"}),
    ("frozen peas", {"frozen"}),
    ("mashed potatoes", {"mashed"}),
    ("raw spinach", {"raw"}),
])
def test_preparation_word_is_honoured(conn, phrase, wanted):
    best = match_food(conn, phrase).food
    assert words(best["description"]) & wanted, best["description"]


def test_juice_food_is_a_juice_not_the_fruit(conn):
    juice = match_food(conn, "apple juice").food
    assert juice["description"].lower().startswith("apple juice")
    fruit = match_food(conn, "apple").food
    assert "juice" not in words(fruit["description"])


@pytest.mark.parametrize(("phrase", "unwanted"), [
    ("apricots", {"dried", "dehydrated", "canned", "juice", "frozen"}),
    ("apples", {"dried", "dehydrated", "canned", "juice", "frozen"}),
    ("peaches", {"dried", "canned", "juice", "frozen"}),
    ("carrots", {"juice", "canned", "frozen", "dehydrated"}),
])
def test_changed_forms_need_to_be_asked_for(conn, phrase, unwanted):
    best = match_food(conn, phrase).food
    assert not words(best["description"]) & unwanted, best["description"]


@pytest.mark.parametrize(("phrase", "food_id"), [
    ("rice", "20045"),             # nobody eats a cup of raw rice
    ("white rice", "20045"),
    ("cooked white rice", "20045"),
])
def test_grains_are_eaten_cooked(conn, phrase, food_id):
    assert match_food(conn, phrase).food["food_id"] == food_id


@pytest.mark.parametrize("phrase", ["pasta", "lentils", "brown rice", "quinoa"])
def test_grains_and_pulses_default_to_cooked(conn, phrase):
    best = match_food(conn, phrase).food
    assert words(best["description"]) & {"cooked", "boiled"}, best["description"]


@pytest.mark.parametrize(("phrase", "food_id"), [
    ("chicken", "24100000"),   # Chicken, NS as to part and cooking method: not raw chicken skin
    ("eggs", "31102000"),      # Egg, whole, cooked, NS as to cooking method: not a raw egg
    ("fish", "26100110"),      # Fish, NFS (FNDDS foods are as eaten): not "Fish, raw"
    ("chicken breast", "24120110"),  # Chicken breast, NS as to cooking method, skin eaten
])
def test_meat_fish_and_eggs_are_eaten_cooked(conn, phrase, food_id):
    best = match_food(conn, phrase).food
    assert (best["food_id"], best["description"]) == (food_id, best["description"])
    assert "raw" not in words(best["description"])


@pytest.mark.parametrize("phrase", ["raw oysters", "raw egg", "raw salmon"])
def test_raw_meat_fish_or_eggs_when_asked_for(conn, phrase):
    assert "raw" in words(match_food(conn, phrase).food["description"])


@pytest.mark.parametrize(("phrase", "head"), [
    ("tuna", "fish"),          # Fish, tuna, NFS: not a tuna salad ("salad" is no usual form)
    ("chicken", "chicken"),
])
def test_a_plain_food_is_not_its_salad(conn, phrase, head):
    best = match_food(conn, phrase).food["description"].lower()
    assert best.startswith(head) and "salad" not in best, best


# --- plurals and synonyms -----------------------------------------------------------------------


@pytest.mark.parametrize(("plural", "singular"), [
    ("apples", "apple"),
    ("bananas", "banana"),
    ("carrots", "carrot"),
    ("raisins", "raisin"),
    ("peaches", "peach"),
])
def test_plural_and_singular_match_the_same_food(conn, plural, singular):
    assert match_food(conn, plural).food["food_id"] == match_food(conn, singular).food["food_id"]


def test_apple_is_raw_apple_with_skin(conn):
    assert match_food(conn, "apples").food["food_id"] == "09003"


@pytest.mark.parametrize(("typed", "expected_words"), [
    ("garbanzo beans", {"chickpeas"}),
    ("yoghurt", {"yogurt"}),
    ("chocolate milk", {"milk", "chocolate"}),  # FNDDS's "Chocolate milk, NFS": USDA names it as typed too
])
def test_synonyms(conn, typed, expected_words):
    best = match_food(conn, typed).food
    assert expected_words <= words(best["description"]), best["description"]


@pytest.mark.parametrize(("typed", "food_id"), [
    ("chocolate milk", "11511000"),         # Chocolate milk, NFS: not only SR's "Milk, chocolate, fluid"
    ("spaghetti and meatballs", "36038"),   # Restaurant, family style, spaghetti and meatballs: not "pasta"
])
def test_a_synonym_whose_typed_words_usda_uses_is_read_both_ways(conn, typed, food_id):
    assert match_food(conn, typed).food["food_id"] == food_id


def test_expand_applies_whole_words_only():
    assert expand("Cornflakes") == "corn flakes"
    assert expand("sodas") == "sodas"  # "soda" is not a whole word here
    assert expand("  soy   milk ") == "soymilk"


# --- scores, thresholds, suggestions --------------------------------------------------------------


def test_scores_are_0_to_100_and_ranked(conn):
    ranked = rank(conn, "white rice")
    scores = [r["match_score"] for r in ranked]
    assert all(0 <= s <= 100 for s in scores)
    raws = [r["_raw"] for r in ranked]
    assert raws == sorted(raws, reverse=True)


def test_match_has_up_to_three_alternatives(conn):
    match = match_food(conn, "apple")
    assert match.score >= THRESHOLD
    assert 1 <= len(match.alternatives) <= 3
    assert match.food["food_id"] not in {a["food_id"] for a in match.alternatives}


def test_weak_match_raises_with_suggestions(conn):
    with pytest.raises(MatchError) as caught:
        match_food(conn, "black coffee")
    error = caught.value
    assert 1 <= len(error.suggestions) <= 3
    assert all(s["match_score"] < THRESHOLD for s in error.suggestions)
    message = str(error)
    assert "did you mean" in message and "--first" in message
    for suggestion in error.suggestions:
        assert suggestion["food_id"] in message


def test_first_takes_the_best_suggestion(conn):
    with pytest.raises(MatchError) as caught:
        match_food(conn, "black coffee")
    best = match_food(conn, "black coffee", first=True)
    assert best.food["food_id"] == caught.value.suggestions[0]["food_id"]
    assert best.score < THRESHOLD


def test_nothing_found(conn):
    with pytest.raises(MatchError) as caught:
        match_food(conn, "xqzzyv")
    assert caught.value.suggestions == []
    assert "no food matches" in str(caught.value)


@pytest.mark.parametrize("phrase", ["", "   ", "!!!", "'; --", "\"", "*", "()", "NEAR(", "a OR b AND NOT c",
                                    "rice'; drop table foods; --", 'rice" OR "1"="1', "rice*", "^rice",
                                    "rice:apple", "{rice}"])
def test_metacharacters_never_reach_sql(conn, phrase):
    try:
        match = match_food(conn, phrase, first=True)
    except MatchError:
        return
    assert match.food["food_id"]


def test_unit_prefers_foods_with_that_measure(conn):
    ranked = rank(conn, "white bread", unit="slice")
    best = ranked[0]
    measures = [d for (d,) in conn.execute("select lower(description) from portions where food_id = ?",
                                             (best["food_id"],))]
    assert any("slice" in m for m in measures), (best["description"], measures)


# --- known mismatches ----------------------------------------------------------------------------


@pytest.mark.parametrize(("phrase", "check", "why"), [
    pytest.param("white bread", lambda d: d.startswith("bread, white"), "plain white bread"),
    pytest.param("tomatoes", lambda d: "red" in d.split(", "), "ripe red tomatoes (11529)"),
    pytest.param("mayonnaise", lambda d: "tofu" not in d, "ordinary mayonnaise (04025)"),
    pytest.param("chocolate chip cookie", lambda d: d.startswith(("cookies, chocolate chip", "cookie, chocolate chip"))
                 and "sandwich" not in d, "a generic cookie"),
    pytest.param("hamburger bun", lambda d: d.startswith("rolls, hamburger"), "a bun is a roll in SR"),
    pytest.param("cheerios", lambda d: d.endswith("cheerios"), "a brand asked for by name"),
    pytest.param("jello", lambda d: d.startswith("gelatin dessert") and "dry" not in d, "a prepared gelatin dessert"),
    pytest.param("chocolate milk", lambda d: d.startswith(("milk, chocolate", "chocolate milk")), "a chocolate milk drink"),
])
def test_everyday_phrases_match_the_everyday_food(conn, phrase, check, why):
    best = match_food(conn, phrase).food
    assert check(best["description"].lower()), f"{phrase!r} should be {why}, got {best['description']!r}"


# --- FNDDS names: dishes, not their parts ----------------------------------------------------------


@pytest.mark.parametrize(("phrase", "food_id"), [
    ("pizza", "58106210"),            # Pizza, cheese, from restaurant or fast food, NS as to type of crust
    ("pad thai", "58137210"),         # Pad Thai, NFS
    ("chicken nuggets", "24198729"),  # Chicken nuggets, NFS
    ("coffee", "92100000"),           # Coffee, NS as to type
])
def test_unspecified_dish_is_usdas_nfs_food(conn, phrase, food_id):
    assert match_food(conn, phrase).food["food_id"] == food_id


def test_pizza_is_a_pizza_not_its_topping(conn):
    ranked = rank(conn, "pizza")
    assert ranked[0]["description"].startswith("Pizza, cheese")
    topping = next(r for r in ranked if r["description"] == "Topping from cheese pizza")
    assert topping["match_score"] < THRESHOLD


def test_additional_descriptions_answer_words_but_not_the_head(conn):
    """58106230's additional descriptions say "pizza on bagel": a bagel is still a bagel."""
    assert "pizza" not in match_food(conn, "bagel").food["description"].lower()
    assert "pizza" in match_food(conn, "pan pizza").food["description"].lower()


def test_nfs_food_of_the_phrase_is_a_candidate_past_the_limit(conn):
    """Hundreds of foods hold "cereal"; USDA's 'Cereal, ready-to-eat, NFS' (57100100) is
    still considered, and as the form eaten without a state word it wins."""
    from glyload.search import CANDIDATES, candidates

    found = candidates(conn, "cereal")
    assert len(found) > CANDIDATES
    assert "57100100" in {row["food_id"] for row in found}
    assert match_food(conn, "cereal").food["food_id"] == "57100100"


def test_published_name_answers_a_phrase_no_own_name_does(conn):
    """FNDDS 58164520's additional descriptions list "risotto" as one entry: with no confident
    food named risotto, it is that food, said so on the match."""
    match = match_food(conn, "risotto")
    assert match.food["food_id"] == "58164520"
    assert match.food["published_name"] == "risotto"
    assert match.score >= THRESHOLD


def test_sr_common_name_is_a_published_name(conn):
    """SR gives "muesli" only as the common name of two brands (43218 ALPEN, 43241 FAMILIA)."""
    match = match_food(conn, "muesli")
    assert match.food["food_id"] in {"43218", "43241"}
    assert match.food["published_name"] == "muesli"


def test_published_name_never_beats_a_food_of_that_name(conn):
    """Bean chips (41310900) list "hummus" among their kinds: hummus is still hummus."""
    food = match_food(conn, "hummus").food
    assert food["description"].lower().startswith("hummus")
    assert "published_name" not in food


def test_head_ends_at_its_own_with(conn):
    """What follows "with" in an FNDDS name is what the dish has: "tuna casserole" is a tuna
    casserole whether USDA's says "with vegetables" or "with cream or white sauce"."""
    from glyload.meal.match import head_words

    assert head_words("Tuna noodle casserole with cream or white sauce") == {"tuna", "noodle", "casserole"}
    assert head_words("Fast foods, onion rings, breaded and fried") == {"onion", "ring"}
    food = match_food(conn, "tuna casserole").food
    assert {"tuna", "casserole"} <= words(food["description"])


def test_preparation_word_in_the_head_is_weighed_once(conn):
    """FNDDS's "Fried onion rings" (75415022) is onion rings, fried: its "fried" is an unasked
    preparation, not also a foreign head word; with an "order" it is the food that has one."""
    ranked = rank(conn, "onion rings", "order")
    assert ranked[0]["food_id"] == "75415022"
    # a changed form that is a food of its own is still a head word: pita is no pita chip
    assert "chips" not in match_food(conn, "pita").food["description"].lower()


def test_cut_word_kept_where_usda_names_a_food_with_it(conn):
    """"shredded" says how cheese is cut, but FNDDS names "Cereal, shredded wheat, plain" (57417000)."""
    from glyload.meal.match import drop_cuts

    assert drop_cuts(conn, "shredded wheat") == "shredded wheat"
    assert drop_cuts(conn, "shredded cheddar cheese") == "cheddar cheese"
    assert drop_cuts(conn, "sliced apple") == "apple"
    assert match_food(conn, "shredded wheat").food["food_id"] == "57417000"


@pytest.mark.parametrize(("phrase", "whole_grain"), [
    ("bagel", False), ("whole grain bagel", True), ("bread", False), ("whole grain bread", True),
])
def test_whole_grain_is_a_variety_to_ask_for(conn, phrase, whole_grain):
    """'whole' and 'grain' are each a usual form; together ("Bagels, whole grain white") a variety."""
    description = match_food(conn, phrase).food["description"].lower()
    assert ("whole grain" in description) is whole_grain, description


@pytest.mark.parametrize(("description", "typed", "unsaid"), [
    ("Macaroni or noodles with cheese", {"macaroni", "cheese"}, set()),
    ("Taco or tostada salad with chicken", {"taco", "chicken"}, {"salad"}),  # a taco salad: not a taco
    ("Chow mein or chop suey, NS as to type of meat, with noodles", {"chow", "mein"}, set()),
    ("Sweet and sour chicken or turkey", {"sweet", "sour", "chicken"}, set()),
])
def test_what_a_food_is_by_its_or_alternatives(description, typed, unsaid):
    from glyload.meal.match import head_fit

    assert head_fit(description, typed)[0] == unsaid


@pytest.mark.parametrize(("phrase", "food_id"), [
    ("burger", "27510521"),  # Hamburger, NFS: not a veggie burger
    ("coke", "14148"),       # Beverages, carbonated, cola, regular: not "Vodka and cola"
])
def test_everyday_words_are_the_everyday_food(conn, phrase, food_id):
    assert match_food(conn, phrase).food["food_id"] == food_id


def test_a_word_only_a_measure_names_half_answers_the_phrase(conn):
    """"cherry tomatoes": no tomato's name says cherry, but tomatoes have "cherry" measures."""
    best = match_food(conn, "cherry tomatoes").food
    assert best["description"].lower().startswith("tomatoes"), best["description"]


@pytest.mark.parametrize(("phrase", "food_id"), [
    ("salad", "75143000"),         # USDA's "lettuce salad, NFS": not "Oil, safflower, salad or cooking"
    ("side salad", "75143000"),    # not "Side dishes, potato salad"
    ("garden salad", "75143000"),
])
def test_a_salad_with_no_more_said_is_usdas_lettuce_salad(conn, phrase, food_id):
    assert match_food(conn, phrase).food["food_id"] == food_id


def test_a_whole_phrase_is_only_the_whole_phrase(conn):
    assert "tuna" in match_food(conn, "tuna salad").food["description"].lower()


@pytest.mark.parametrize(("phrase", "food_id"), [
    ("tea", "92302000"),       # Tea, hot, leaf, black: not "Tea, ginger", the shortest name
    ("iced tea", "92308020"),  # Tea, iced, brewed, black, unsweetened
    ("juice", "64100100"),     # Fruit juice, NFS: not lemon juice
])
def test_a_drink_with_no_more_said_is_usdas_plain_one(conn, phrase, food_id):
    assert match_food(conn, phrase).food["food_id"] == food_id


def test_another_name_of_a_different_food_does_not_answer_the_phrase(conn):
    """FNDDS's butter crackers list "Chicken in a Biskit" among their other names: "butter
    chicken" is no cracker (USDA has no butter chicken: an error with suggestions)."""
    with pytest.raises(MatchError):
        match_food(conn, "butter chicken")
    assert "basmati" in match_food(conn, "basmati rice").food["description"].lower() or \
        "basmati" in (match_food(conn, "basmati rice").food.get("additional_descriptions") or "").lower()


@pytest.mark.parametrize(("phrase", "food_id"), [
    ("spring roll", "58110130"),  # four egg rolls are also "spring roll"; this one is also "egg roll, NFS"
    ("goulash", "27311410"),      # seven stews are also "goulash"; Stew, beef is also "beef stew, NFS"
])
def test_of_foods_sharing_another_name_usdas_unspecified_one(conn, phrase, food_id):
    best = match_food(conn, phrase)
    assert best.food["food_id"] == food_id and best.food.get("published_name") == phrase


@pytest.mark.parametrize(("phrase", "food_id"), [
    ("snickers bar", "19155"),   # Candies, MARS SNACKFOOD US, SNICKERS Bar: its maker is not what it is
    ("chex mix", "19033"),       # Snacks, GENERAL MILLS, CHEX MIX, traditional flavor
    ("sprite", "14145"),         # Beverages, carbonated, SPRITE, lemon-lime: SPRITE is the product
])
def test_a_branded_food_is_its_product_not_its_maker(conn, phrase, food_id):
    assert match_food(conn, phrase).food["food_id"] == food_id


def test_a_word_a_name_denies_answers_nothing(conn):
    """SR 43078 "Beverage, milkshake mix, dry, not chocolate" is no chocolate milkshake; a
    non-dairy creamer typed "non dairy" is answered by its "non-dairy"."""
    denied = next(r for r in rank(conn, "chocolate milkshake") if r["food_id"] == "43078")
    assert denied["match_score"] < THRESHOLD
    assert "non" in words(match_food(conn, "non dairy creamer", first=True).food["description"])


def test_a_way_of_cooking_typed_of_a_meat_that_names_none(conn):
    """FNDDS's "Pork, chop, NS as to fat eaten" was cooked some way: "grilled" is a word it does
    not say (named as unused by the scorer), not a mismatch that leaves no confident food."""
    assert match_food(conn, "grilled pork chop").food["food_id"] == "22101000"
