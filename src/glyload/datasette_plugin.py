"""glyload's Datasette plugin: GL SQL functions and the meal scoring page.

Enabled by the ``datasette`` entry point of an installed glyload (or
``glyload.serve.register_plugin()``):

* SQL functions on every connection (NULL in, NULL out):
  ``glycemic_load(gi, available_carbohydrate_g[, grams])`` -- GL of ``grams``
  of a food whose available carbohydrate is given per 100 g (without
  ``grams``: GL of that many grams of carbohydrate, i.e. GL per 100 g of
  food); ``gi_class(gi[, available_carbohydrate_g])``; ``gl_class(gl)``;
  ``daily_gl_class(gl)``.
* ``plugins.glyload.read_only`` (metadata): refuse every request but GET,
  HEAD and OPTIONS with 405, so a public deployment has no write path at all.
* ``/-/score``: paste a meal, get the CLI's per-item table and totals;
  ``/-/score.json?meal=...`` returns exactly :func:`glyload.meal.score.score_meal`'s
  dict, or ``{"ok": false, "error": "..."}`` with HTTP 400.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Response
from datasette.version import __version__ as datasette_version
from jinja2 import ChoiceLoader, FileSystemLoader

from . import glycemic
from .errors import GlyloadError
from .meal.parse import parse_meal
from .meal.score import score_meal
from .output import format_value
from .paths import DATABASE_NAME

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Longer meals are refused: scoring runs outside SQLite's time limit (~5 ms an item).
MAX_MEAL_CHARS = 2000
MAX_ITEMS = 50
EXAMPLE = "1 cup cooked white rice\n1 medium apple\n30 g cheddar cheese"
READ_METHODS = ("GET", "HEAD", "OPTIONS")


def _number(value):
    """A finite non-negative float from a SQL value, or None."""
    if value is None or isinstance(value, bytes):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if 0 <= number < float("inf") else None


def sql_glycemic_load(gi, available_carbohydrate_g, grams=100):
    gi, carbs, grams = _number(gi), _number(available_carbohydrate_g), _number(grams)
    if gi is None or carbs is None or grams is None:
        return None
    return glycemic.glycemic_load(gi, glycemic.carbohydrate_in_portion(carbs, grams))


def sql_gi_class(gi, available_carbohydrate_g=None):
    gi = _number(gi)
    if gi is None:
        return None
    return glycemic.gi_class(gi, _number(available_carbohydrate_g))


def _classifier(function):
    def classify(value):
        value = _number(value)
        return None if value is None else function(value)

    return classify


SQL_FUNCTIONS = [
    ("glycemic_load", 2, sql_glycemic_load),
    ("glycemic_load", 3, sql_glycemic_load),
    ("gi_class", 1, sql_gi_class),
    ("gi_class", 2, sql_gi_class),
    ("gl_class", 1, _classifier(glycemic.gl_class)),
    ("daily_gl_class", 1, _classifier(glycemic.daily_gl_class)),
]


@hookimpl
def prepare_connection(conn):
    for name, arity, function in SQL_FUNCTIONS:
        conn.create_function(name, arity, function, deterministic=True)


@hookimpl
def startup(datasette):
    # Datasette finds a plugin's templates/ next to a plugin *package*; this
    # plugin is a module of the glyload package, so add glyload/templates last
    # (a --template-dir still overrides them, as for any plugin).
    datasette.jinja_env.loader = ChoiceLoader([datasette.jinja_env.loader, FileSystemLoader(str(TEMPLATES))])


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def read_only(scope, receive, send):
            if (scope["type"] == "http" and scope["method"] not in READ_METHODS
                    and (datasette.plugin_config("glyload") or {}).get("read_only")):
                response = Response.text("Method not allowed: this glyload Datasette is read-only\n", status=405,
                                         headers={"Allow": ", ".join(READ_METHODS)})
                await response.asgi_send(send)
                return
            await app(scope, receive, send)

        return read_only

    return wrap


@hookimpl
def menu_links(datasette):
    return [{"href": datasette.urls.path("/-/score"), "label": "Score a meal"}]


@hookimpl
def register_routes():
    return [(r"^/-/score(\.(?P<format>json))?$", score_page)]


def display(result: dict) -> dict:
    """score_meal's result with the numbers formatted for the page."""
    items = [{
        **item,
        "grams_text": format_value(item["grams"]),
        "carbs_text": format_value(item["available_carbohydrate_g"], 1),
        "gi_text": format_value(item["gi"], 1),
        "gl_text": format_value(item["gl"], 1),
        "range_text": "" if item["gl_low"] is None or item["gl_low"] == item["gl_high"]
                      else f"{item['gl_low']:.1f}-{item['gl_high']:.1f}",
    } for item in result["items"]]
    totals = result["totals"]
    share = totals["measured_carb_share"]
    return {"items": items, "totals": {
        **totals,
        "grams_text": format_value(totals["grams"]),
        "carbs_text": format_value(totals["available_carbohydrate_g"], 1),
        "gl_text": format_value(totals["gl"], 1),
        "range_text": "" if totals["gl_low"] == totals["gl_high"]
                      else f"{totals['gl_low']:.1f}-{totals['gl_high']:.1f}",
        "gi_text": format_value(totals["gi"], 1),
        "share_text": "" if share is None else f"{share:.0%}",
    }}


async def score(datasette, meal: str, first: bool) -> dict:
    """Score ``meal`` with the CLI's scorer on the served database (raises GlyloadError)."""
    if not meal.strip():
        raise GlyloadError("empty meal: no food items given")
    if len(meal) > MAX_MEAL_CHARS:
        raise GlyloadError(f"the meal is {len(meal):,} characters long; at most {MAX_MEAL_CHARS:,} are scored here "
                           "(the glyload CLI scores any length)")
    items = len(parse_meal(meal))  # milliseconds; a bad item raises its one-line ParseError
    if items > MAX_ITEMS:
        raise GlyloadError(f"the meal has {items} items; at most {MAX_ITEMS} are scored here "
                           "(the glyload CLI scores any number)")

    def run(conn: sqlite3.Connection):
        return score_meal(conn, meal, first=first)

    return await datasette.get_database(DATABASE_NAME).execute_fn(run)


async def score_page(datasette, request):
    meal = request.args.get("meal", "")
    first = request.args.get("first", "") not in ("", "0", "off")
    as_json = request.url_vars.get("format") == "json"
    result = error = None
    if as_json or meal.strip():
        try:
            result = await score(datasette, meal, first)
        except GlyloadError as exc:
            error = str(exc)
    status = 400 if error else 200
    # A score depends only on the meal and the (immutable) database: cache it like the tables.
    headers = {} if error else {"cache-control": f"max-age={datasette.setting('default_cache_ttl')}"}
    if as_json:
        return Response.json(result if error is None else {"ok": False, "error": error}, status=status,
                             headers=headers)
    html = await datasette.render_template("glyload_score.html", {
        "meal": meal,
        "first": first,
        "example": EXAMPLE,
        "error": error,
        "result": None if result is None else display(result),
        "max_chars": MAX_MEAL_CHARS,
        "metadata": datasette.metadata(),  # the footer's licence and sources
        "datasette_version": datasette_version,
    }, request=request)
    return Response.html(html, status=status, headers=headers)
