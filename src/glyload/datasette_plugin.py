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
  Under the table a chart (:func:`glyload.charts.meal_chart`): the page carries
  only its small Vega-Lite spec; the browser draws it with the Vega scripts
  vendored in ``glyload/static/``, served from ``/-/static-plugins/glyload/``.
"""

from __future__ import annotations

import copy
import functools
import gzip
import sqlite3
from collections import OrderedDict
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Response
from datasette.version import __version__ as datasette_version
from jinja2 import ChoiceLoader, FileSystemLoader

from . import charts, glycemic
from .errors import GlyloadError
from .meal.read import from_text
from .meal.score import score_lines
from .output import format_value
from .paths import DATABASE_NAME

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Longer meals are refused: scoring runs outside SQLite's time limit (~5 ms an item).
MAX_MEAL_CHARS = 2000
MAX_ITEMS = 50
EXAMPLE = "1 cup cooked white rice\n1 medium apple\n30 g cheddar cheese"
READ_METHODS = ("GET", "HEAD", "OPTIONS")
#: Where the vendored chart scripts are served (Datasette's usual place for a plugin's static files).
STATIC_PREFIX = "/-/static-plugins/glyload/"
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".txt": "text/plain; charset=utf-8",
                ".md": "text/markdown; charset=utf-8"}
#: Files named with their version never change: a browser keeps them for a year.
IMMUTABLE = "max-age=31536000, immutable"


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
    return [(r"^/-/score(\.(?P<format>json))?$", score_page), (r"^/-/glucose$", glucose_page),
            (rf"^{STATIC_PREFIX}(?P<name>[A-Za-z0-9._-]+)$", static_file)]


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


def chart_context(datasette, result: dict) -> dict:
    """The page's chart: its Vega-Lite spec, its text alternative and the scripts that draw it."""
    return {"chart": charts.meal_chart(result), "chart_text": charts.meal_chart_text(result),
            "chart_scripts": chart_script_urls(datasette)}


#: Scored meals kept by each Datasette instance. A score depends only on the meal text and
#: the served database, which is immutable while served (a rebuild is published by a
#: restart, docs/deploy.md, which also empties this): a meal asked for again is not scored again.
SCORE_CACHE_SIZE = 1024


async def score(datasette, meal: str, first: bool) -> dict:
    """Score ``meal`` with the CLI's scorer on the served database (raises GlyloadError)."""
    key = (meal, first)
    _scored = datasette.__dict__.setdefault("_glyload_scored", OrderedDict())
    if key in _scored:
        _scored.move_to_end(key)
        return copy.deepcopy(_scored[key])
    result = await _score(datasette, meal, first)
    _scored[key] = copy.deepcopy(result)
    if len(_scored) > SCORE_CACHE_SIZE:
        _scored.popitem(last=False)
    return result


async def _score(datasette, meal: str, first: bool) -> dict:
    if not meal.strip():
        raise GlyloadError("empty meal: no food items given")
    if len(meal) > MAX_MEAL_CHARS:
        raise GlyloadError(f"the meal is {len(meal):,} characters long; at most {MAX_MEAL_CHARS:,} are scored here "
                           "(the glyload CLI scores any length)")
    lines = from_text(meal)  # the scorer's one entrance, as the CLI reads a meal
    if len(lines) > MAX_ITEMS:
        raise GlyloadError(f"the meal has {len(lines)} items; at most {MAX_ITEMS} are scored here "
                           "(the glyload CLI scores any number)")

    def run(conn: sqlite3.Connection):
        return score_lines(conn, lines, first=first)

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
        **({} if result is None else chart_context(datasette, result)),
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


def chart_script_urls(datasette) -> list[str]:
    """The vendored Vega builds and glyload's embed script, in load order."""
    names = [filename for _, filename in charts.VEGA_SCRIPTS.values()] + [charts.EMBED_SCRIPT]
    return [datasette.urls.path(STATIC_PREFIX + name) for name in names]


@functools.cache
def static_names() -> frozenset[str]:
    """The files of glyload/static that are served."""
    return frozenset(p.name for p in charts.STATIC_DIR.iterdir() if p.is_file() and p.suffix in STATIC_TYPES)


def static_body(name: str, gzipped: bool) -> bytes | None:
    """A served file's bytes (None when there is no such file), read and compressed once."""
    return _static_body(name, gzipped) if name in static_names() else None


@functools.cache
def _static_body(name: str, gzipped: bool) -> bytes:
    body = (charts.STATIC_DIR / name).read_bytes()
    return gzip.compress(body, mtime=0) if gzipped else body


async def static_file(datasette, request):
    name = request.url_vars["name"]
    gzipped = "gzip" in request.headers.get("accept-encoding", "")
    body = static_body(name, gzipped)
    if body is None:
        return Response.text("404: no such file\n", status=404)
    versioned = any(name == filename for _, filename in charts.VEGA_SCRIPTS.values())
    headers = {"cache-control": IMMUTABLE if versioned else f"max-age={datasette.setting('default_cache_ttl')}",
               "vary": "Accept-Encoding"}
    if gzipped:
        headers["content-encoding"] = "gzip"
    return Response(body, headers=headers, content_type=STATIC_TYPES[Path(name).suffix])


async def glucose_page(datasette, request):
    """The personal glucose charts: only when ``glyload serve --personal`` added the personal database."""
    from datasette.utils.asgi import NotFound

    from .paths import PERSONAL_NAME

    if PERSONAL_NAME not in datasette.databases:
        raise NotFound("no personal database is served (glyload serve --personal)")
    from .glucose_report import personal_page

    page = personal_page(datasette.databases[PERSONAL_NAME].path)
    return Response.html(page.render(), headers={"Cache-Control": "no-cache"})
