"""The ``glyload`` command line: build, search, show, score, and serve."""

from __future__ import annotations

import functools
import sys

import click

from . import __version__
from .errors import GlyloadError

def db_option(command):
    """``--db PATH`` (env GLYLOAD_DB): the database, built on first use."""
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False),
        envvar="GLYLOAD_DB",
        help="Database file [env GLYLOAD_DB; default ~/.local/share/glyload/glyload.db]",
    )(command)


def output_options(command):
    """``--json`` / ``--csv``: output for programs instead of an aligned table."""
    command = click.option("--csv", "as_csv", is_flag=True, help="Output CSV")(command)
    command = click.option("--json", "as_json", is_flag=True, help="Output JSON")(command)

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        if kwargs.get("as_json") and kwargs.get("as_csv"):
            raise click.UsageError("--json and --csv cannot be used together")
        return command(*args, **kwargs)

    return wrapper


def user_errors(command):
    """Turn library errors into one-line ``click.ClickException`` messages (exit 1)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except GlyloadError as error:
            raise click.ClickException(str(error)) from None
        except OSError as error:
            raise click.ClickException(f"{error.filename or ''}: {error.strerror}".lstrip(": ")) from None

    return wrapper


def open_db(db_path):
    from .database import connect, ensure_database

    return connect(ensure_database(db_path))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="glyload")
def cli():
    """Glycemic load food database and meal scorer.

    Foods and portions from USDA SR28 and FNDDS 2021-2023 (survey foods and
    mixed dishes, with their ingredients), glycemic index from the International
    Tables of GI and GL values 2021. Example:

        glyload score "1 cup cooked white rice, 1 medium apple"
    """


@cli.command()
@db_option
@click.option("--usda", type=click.Path(exists=True),
              help="Official USDA SR ASCII release (directory or zip) instead of the bundled extract")
@click.option("--gi-measurements", type=click.Path(exists=True, dir_okay=False),
              help="Your own GI measurements CSV (layout of data/gi/measurements.csv)")
@click.option("--gi-links", type=click.Path(exists=True, dir_okay=False),
              help="Links from those measurements to food_id (layout of data/gi/links.csv)")
@click.option("--fndds", type=click.Path(exists=True, file_okay=False),
              help="Directory of the official FNDDS 'At A Glance' workbooks (needs openpyxl: "
                   "pip install 'glyload[fndds]'), or of a tidy extract like data/fndds, instead of the bundled one")
@user_errors
def build(db_path, usda, gi_measurements, gi_links, fndds):
    """Build the database from bundled data or official USDA releases."""
    from .build import build_database
    from .paths import default_db_path

    path = db_path or default_db_path()
    bars = {}

    def progress(name, done, total):
        if name not in bars:
            for bar in bars.values():
                bar.render_finish()
            bars[name] = click.progressbar(length=total, label=f"Reading {name}.txt",
                                           file=sys.stderr, show_eta=False)
            bars[name].__enter__()
        bar = bars[name]
        bar.update(done - bar.pos)

    try:
        report = build_database(path, usda=usda, gi_measurements=gi_measurements,
                                gi_links=gi_links, progress=progress if usda else None, fndds=fndds)
    finally:
        for bar in bars.values():
            bar.__exit__(None, None, None)
    counts = ", ".join(f"{n:,} {table}" for table, n in report.counts.items())
    click.echo(f"Built {report.path} from {report.source}: {counts}")
    for note in report.notes:
        click.echo(f"Note: {note}")


@cli.command()
@click.argument("query")
@click.option("-n", "--limit", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="Number of matches")
@db_option
@output_options
@user_errors
def search(query, limit, db_path, as_json, as_csv):
    """Search foods by name, best matches first."""
    from .output import table, to_csv, to_json
    from .meal.match import search_foods

    rows = search_foods(open_db(db_path), query, limit=limit)
    columns = ["food_id", "description", "food_group", "available_carbohydrate_g", "gi",
               "gi_method", "score"]
    rows = [{c: row.get(c) for c in columns} for row in rows]
    if as_json:
        click.echo(to_json(rows))
    elif as_csv:
        click.echo(to_csv(rows, columns), nl=False)
    elif not rows:
        raise click.ClickException(f"no food matches {query!r}")
    else:
        click.echo(table(rows, [
            ("food_id", "food_id", None, "<"),
            ("description", "description", None, "<"),
            ("food_group", "food group", None, "<"),
            ("available_carbohydrate_g", "avail. carbs g/100g", 2, ">"),
            ("gi", "GI", 0, ">"),
            ("gi_method", "GI method", None, "<"),
            ("score", "score", 1, ">"),
        ]))


@cli.command()
@click.argument("food")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Output JSON")
@user_errors
def show(food, db_path, as_json):
    """Show a food: nutrients, GI and portions."""
    from .foods import PER_100G, food_details
    from .output import table, to_json

    food = food_details(open_db(db_path), food)
    if as_json:
        click.echo(to_json(food))
        return
    gi = food["glycemic_index"]
    click.echo(f"{food['food_id']}  {food['description']}")
    click.echo(f"Food group: {food['food_group']}" + (f"  (subgroup {food['subgroup']})" if food["subgroup"] else "")
               + (f"; source: {food['source']}" if food["source"] else ""))
    if food["common_names"]:
        click.echo(f"Also called: {food['common_names']}")
    if food["additional_descriptions"]:
        click.echo(f"Also covers: {food['additional_descriptions']}")
    if gi["method"]:
        value = "n/a" if gi["gi"] is None else f"{gi['gi']:g} ({gi['gi_class']})"
        sources = ", ".join(map(str, gi["sources"]))
        if len(gi["sources"]) > 12:  # a median over many foods: --json lists them
            sources = f"{len(gi['sources']):,} (listed by --json)"
        click.echo(f"GI: {value}; method: {gi['method']}; confidence: {gi['confidence']}"
                   + (f"; International Tables 2021 entries: {sources}" if sources else ""))
        if gi["basis"]:
            click.echo(f"    {gi['basis']}")
    click.echo("")
    click.echo(table(
        [{"nutrient": label, "value": food["per_100g"][key], "unit": unit} for key, label, unit in PER_100G],
        [("nutrient", "per 100 g", None, "<"), ("value", "value", None, ">"), ("unit", "unit", None, "<")],
    ))
    click.echo("")
    if food["portions"]:
        click.echo(table(food["portions"], [
            ("amount", "amount", None, ">"),
            ("description", "portion", None, "<"),
            ("grams", "grams", None, ">"),
            ("available_carbohydrate_g", "avail. carbs g", 1, ">"),
            ("gl", "GL", 1, ">"),
        ]))
    else:
        click.echo("No household portions from USDA: use grams.")
    if food["ingredients"]:
        click.echo("")
        click.echo(f"Ingredients (USDA's recipe, {sum(i['grams'] for i in food['ingredients']):g} g in all):")
        click.echo(table([ingredient_label(i) for i in food["ingredients"]], INGREDIENT_TABLE))


#: Columns of a dish's ingredients (``show``, ``ingredients``).
INGREDIENT_TABLE = [
    ("seq", "seq", None, ">"),
    ("ingredient_code", "code", None, ">"),
    ("description", "ingredient", None, "<"),
    ("grams", "grams", None, ">"),
    ("resolved", "resolves to", None, "<"),
    ("carbohydrate_in_recipe_g", "avail. carbs g", 1, ">"),
]


def ingredient_label(ingredient: dict) -> dict:
    """An ingredient row with ``resolved`` in words: the food id and its source, or unresolved."""
    if ingredient["ingredient_id"] is None:
        resolved = "nothing (unresolved code)"
    else:
        resolved = f"{ingredient['ingredient_id']} ({ingredient['resolved_source']}"
        if ingredient["own_ingredients"]:
            resolved += f", {ingredient['own_ingredients']} ingredients"
        resolved += ")"
    description = ingredient["description"]
    return dict(ingredient, resolved=resolved,
                description=description if len(description) <= 60 else description[:59] + "…")


ITEM_TABLE = [
    ("input", "item", None, "<"),
    ("food_label", "food", None, "<"),
    ("grams", "grams", 0, ">"),
    ("available_carbohydrate_g", "avail. carbs g", 1, ">"),
    ("gi_label", "GI (method)", None, "<"),
    ("gl", "GL", 1, ">"),
]


def print_meal(meal, as_json, as_csv, bars=False):
    from .meal.score import ITEM_KEYS
    from .output import share_bar, table, to_csv, to_json

    if as_json:
        click.echo(to_json(meal))
        return
    if as_csv:
        rows = [dict(item, notes="; ".join(item["notes"]), unused_words=" ".join(item["unused_words"]))
                for item in meal["items"]]
        click.echo(to_csv(rows, list(ITEM_KEYS)), nl=False)
        return
    rows = []
    totals = meal["totals"]
    for item in meal["items"]:
        label = item["food"] if len(item["food"]) <= 48 else item["food"][:47] + "…"
        gi = "n/a" if item["gi"] is None else f"{item['gi']:g}"
        flag = " (?)" if item["unused_words"] else ""
        rows.append(dict(item, input=item["input"] + flag, food_label=f"{item['food_id']} {label}",
                         gi_label=f"{gi} ({item['gi_method']})",
                         bar=share_bar(item["gl"], totals["gl"])))
    columns = ITEM_TABLE + ([("bar", "share of GL", None, "<")] if bars else [])
    click.echo(table(rows, columns, total={
        "input": "meal", "grams": totals["grams"],
        "available_carbohydrate_g": totals["available_carbohydrate_g"],
        "gi_label": "n/a" if totals["gi"] is None else f"{totals['gi']:g}", "gl": totals["gl"],
    }))
    click.echo("")
    gl_range = ""
    if totals["gl_low"] != totals["gl_high"]:
        gl_range = f", range {totals['gl_low']:.1f}-{totals['gl_high']:.1f}"
    click.echo(f"Glycemic load: {totals['gl']:.1f} ({totals['gl_class']}{gl_range})")
    if totals["gi"] is not None:
        click.echo(f"Meal GI: {totals['gi']:g} ({totals['gi_class']})")
    else:
        click.echo("Meal GI: n/a (no available carbohydrate)")
    if totals["measured_carb_share"] is not None:
        click.echo(f"Carbohydrate with a measured GI: {totals['measured_carb_share'] * 100:.0f}%")
    if any(item["unused_words"] for item in meal["items"]):
        click.echo("(?) some typed words were not used for the match: see the notes")
    for number, item in enumerate(meal["items"], 1):
        for note in item["notes"]:
            click.echo(f"Note {number} ({item['input']}): {note}")
    for left in meal.get("left_out", ()):
        where = f"{left['where']}: " if left["where"] else ""
        click.echo(f"Left out ({where}{left['input']}): {left['error']}")


def meal_progress(count):
    """A progress bar on stderr for long meals read from a terminal session (else None)."""
    if count < PROGRESS_MIN_ITEMS or not sys.stderr.isatty():
        return None, None
    bar = click.progressbar(length=count, label="Scoring", file=sys.stderr, show_eta=True)
    bar.__enter__()
    return bar, lambda done: bar.update(done - bar.pos)


#: A --file or stdin meal with at least this many items shows a progress bar (on a terminal).
PROGRESS_MIN_ITEMS = 500


class MealArguments(click.Command):
    """``glyload score "-1 cup rice"``: an argument that starts with "-" and a digit or a
    space is a (negative) item, refused by the parser with its own message, not an option."""

    def parse_args(self, ctx, args):
        import re

        items = [a for a in args if re.match(r"-[\d.\s½¼¾]", a)]
        if items and "--" not in args:
            args = [a for a in args if a not in items] + ["--", *items]
        return super().parse_args(ctx, args)


@cli.command(cls=MealArguments)
@click.argument("meal", nargs=-1)
@click.option("-f", "--file", "meal_file", type=click.Path(exists=True, dir_okay=False),
              help="Read items from a file: one a line, or CSV with item or food_id,grams")
@click.option("--first", is_flag=True, help="Accept the best match even when it is not confident")
@click.option("--partial", is_flag=True,
              help="Score the items that can be scored and list those left out (default: any bad item fails)")
@click.option("--bars/--no-bars", default=None,
              help="Show each item's share of the meal GL as a bar [default: on a terminal]")
@db_option
@output_options
@user_errors
def score(meal, meal_file, first, partial, bars, db_path, as_json, as_csv):
    """Score the glycemic load of a meal.

    Each argument is one or more items (separated by commas); "X with Y" and
    "X and Y" are one food when a food is that dish, else several items.
    """
    from .meal import read
    from .meal.score import score_lines

    if meal and meal_file:
        raise click.UsageError("give the meal as arguments or --file, not both")
    if meal_file:
        lines = read.from_file(meal_file)
    elif meal:
        lines = read.from_arguments(meal)
    elif not sys.stdin.isatty():
        lines = read.from_text(read.decode(sys.stdin.buffer.read(), "stdin"), "stdin")
    else:
        raise click.UsageError("give a meal, e.g. glyload score \"1 cup cooked white rice, 1 medium apple\"")
    conn = open_db(db_path)
    bar, progress = meal_progress(len(lines))
    try:
        result = score_lines(conn, lines, first=first, partial=partial, progress=progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if bars is None:
        bars = sys.stdout.isatty()
    print_meal(result, as_json, as_csv, bars=bars)


@cli.command()
@click.argument("diary_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--first", is_flag=True, help="Accept the best match even when it is not confident")
@db_option
@output_options
@user_errors
def diary(diary_file, first, db_path, as_json, as_csv):
    """Score a food diary CSV per meal and per day."""
    from .diary import records, score_diary_frames
    from .output import frame_table, to_json

    meals, days = score_diary_frames(open_db(db_path), diary_file, first=first)
    if as_json:
        click.echo(to_json({"meals": records(meals), "days": records(days)}))
        return
    if as_csv:
        columns = ["level", "date", "meal", "items", "grams", "available_carbohydrate_g", "gl",
                   "gl_class", "gi", "gi_class", "measured_carb_share"]
        both = pd_concat_levels(meals, days)
        click.echo(both.to_csv(index=False, columns=columns, lineterminator="\n"), nl=False)
        return
    click.echo(frame_table(meals, [
        ("date", "date", None, "<"), ("meal", "meal", None, "<"), ("items", "items", None, ">"),
        ("available_carbohydrate_g", "avail. carbs g", 1, ">"), ("gl", "GL", 1, ">"),
        ("gl_class", "GL class", None, "<"), ("gi", "GI", 0, ">"), ("gi_class", "GI class", None, "<"),
    ]))
    click.echo("")
    click.echo(frame_table(days, [
        ("date", "date", None, "<"), ("meals", "meals", None, ">"),
        ("available_carbohydrate_g", "avail. carbs g", 1, ">"), ("gl", "daily GL", 1, ">"),
        ("gl_class", "daily class", None, "<"), ("gi", "GI", 0, ">"),
    ]))


def pd_concat_levels(meals, days):
    """Meals then days in one table, told apart by ``level``."""
    import pandas as pd

    return pd.concat([meals.assign(level="meal"),
                      days.rename(columns={"meals": "items"}).assign(level="day", meal="")],
                     ignore_index=True)


@cli.command()
@click.argument("food")
@click.option("--same", type=click.Choice(["weight", "carbs"]), default="weight", show_default=True,
              help="Compare at the same grams, or at the same available carbohydrate")
@click.option("-n", "--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@db_option
@output_options
@user_errors
def swap(food, same, limit, db_path, as_json, as_csv):
    """Suggest lower-GL foods from the same subgroup."""
    from .output import table, to_csv, to_json
    from .swaps import swaps

    found = swaps(open_db(db_path), food, same=same, limit=limit)
    if as_json:
        click.echo(to_json(found))
        return
    columns = ["food_id", "description", "grams", "available_carbohydrate_g", "gi", "gi_method", "gl", "gl_saved"]
    if as_csv:
        click.echo(to_csv(found["alternatives"], columns), nl=False)
        return
    base = found["food"]
    click.echo(f"{base['food_id']} {base['description']}: {base['grams']:g} g, GI {base['gi']:g} "
               f"({base['gi_method']}), GL {base['gl']:.1f}; subgroup {found['subgroup']}")
    for note in found["notes"]:
        click.echo(f"Note: {note}")
    if not found["alternatives"]:
        click.echo("No lower-GL alternative in this subgroup.")
        return
    click.echo("")
    click.echo(table(found["alternatives"], [
        ("food_id", "food_id", None, "<"), ("description", "alternative", None, "<"),
        ("grams", "grams", 0, ">"), ("available_carbohydrate_g", "avail. carbs g", 1, ">"),
        ("gi", "GI", 0, ">"), ("gi_method", "GI method", None, "<"), ("gl", "GL", 1, ">"),
        ("gl_saved", "GL saved", 1, ">"),
    ]))


@cli.command()
@click.argument("food", required=False)
@click.option("--unresolved", is_flag=True,
              help="List the ingredient codes that resolve to no food (SR28 or FNDDS), with the dishes using them")
@db_option
@output_options
@user_errors
def ingredients(food, unresolved, db_path, as_json, as_csv):
    """Show the ingredients of an FNDDS dish, or the codes that resolve to no food.

    Each ingredient's published code resolves to an SR28 food, to another FNDDS
    food (with ingredients of its own), or to nothing: FoodData Central codes
    and SR Legacy foods SR28 lacks. Examples:

        glyload ingredients "pad thai"

        glyload ingredients --unresolved
    """
    from .foods import food_record
    from .ingredients import dish_ingredients
    from .ingredients import unresolved as unresolved_codes
    from .output import table, to_csv, to_json

    if bool(food) == unresolved:
        raise click.UsageError("give a FOOD or --unresolved")
    conn = open_db(db_path)
    if unresolved:
        rows = unresolved_codes(conn)
        columns = ["ingredient_code", "description", "dishes", "grams", "example_food_id", "example_food"]
        if as_json:
            click.echo(to_json(rows))
        elif as_csv:
            click.echo(to_csv(rows, columns), nl=False)
        else:
            click.echo(table(rows, [
                ("ingredient_code", "code", None, ">"), ("description", "ingredient", None, "<"),
                ("dishes", "dishes", None, ">"), ("grams", "grams", None, ">"),
                ("example_food_id", "e.g. in", None, "<"), ("example_food", "", None, "<"),
            ]))
            click.echo("")
            click.echo(f"{len(rows)} codes in {sum(r['dishes'] for r in rows):,} recipe uses resolve to no food: "
                       "glyload has no composition or GI for what they bring to a dish")
        return
    dish = food_record(conn, food)
    rows = dish_ingredients(conn, dish["food_id"])
    if as_json:
        click.echo(to_json({"food_id": dish["food_id"], "description": dish["description"], "ingredients": rows}))
    elif as_csv:
        click.echo(to_csv(rows, list(rows[0]) if rows else ["seq"]), nl=False)
    elif not rows:
        raise click.ClickException(f"{dish['food_id']} {dish['description']} has no ingredient list "
                                   "(only FNDDS foods have one)")
    else:
        click.echo(f"{dish['food_id']}  {dish['description']}")
        click.echo(table([ingredient_label(i) for i in rows], INGREDIENT_TABLE))


@cli.command("gi-report")
@db_option
@output_options
@user_errors
def gi_report(db_path, as_json, as_csv):
    """Report GI coverage by method and food group."""
    from .output import table, to_csv, to_json
    from .report import coverage

    report = coverage(open_db(db_path))
    if as_json:
        click.echo(to_json(report))
        return
    if as_csv:
        columns = list(report["by_group"][0].keys())
        click.echo(to_csv(report["by_group"], columns), nl=False)
        return
    s = report["summary"]
    click.echo(f"Foods: {s['foods']:,}; measurements: {s['measurements']:,}; links: {s['links']:,}")
    click.echo(f"Foods matched directly: {s['direct_foods']:,}; directly or as a closely related food: "
               f"{s['linked_foods']:,}")
    click.echo("")
    click.echo(table(report["by_method"], [
        ("gi_method", "GI method", None, "<"), ("foods", "foods", None, ">"),
        ("share", "share", 3, ">"), ("confidence", "confidence", None, "<"),
    ]))
    click.echo("")
    methods = [m["gi_method"] for m in report["by_method"]]
    click.echo(table(report["by_group"], [("food_group", "food group", None, "<"), ("foods", "foods", None, ">")]
                     + [(m, m, None, ">") for m in methods]))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Host to listen on")
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8001, show_default=True,
              help="Port to listen on")
@click.option("--reload", is_flag=True, help="Restart when glyload's code or metadata changes")
@db_option
@user_errors
def serve(host, port, reload, db_path):
    """Publish the database with Datasette (read-only, with /-/score)."""
    from .serve import serve as run

    run(db_path, host=host, port=port, reload=reload)
