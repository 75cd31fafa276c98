"""Serve the glyload database with Datasette: read-only, documented, with the scoring page.

:func:`make_app` builds the configured ``Datasette`` (tests use it in-process),
:func:`make_server` a uvicorn server for it, and :func:`serve` runs that. The
database is always served as ``glyload`` whatever its file is called,
immutable (SQLite ``immutable=1``; no write path), with its inspect data (row
counts) cached in a JSON file beside it, the packaged ``metadata.json`` and
glyload's plugin.
:func:`datasette_args` gives the same configuration as ``datasette`` command
options, for ``datasette publish`` and ``datasette package`` (docs/deploy.md).
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from .errors import GlyloadError
from .paths import DATABASE_NAME, metadata_path


#: Datasette settings for a public, read-only deployment.
SETTINGS = {
    "sql_time_limit_ms": 1000,  # any query, canned or typed, stops after 1 s
    "max_returned_rows": 1000,  # rows per JSON/HTML page of a query
    "default_page_size": 100,  # Datasette's default; ?_search=rice then lists 20045 on page one
    "allow_download": True,  # /glyload.db downloads the whole database
    "allow_csv_stream": True,  # ?_stream=on exports all rows of a table as one CSV
    "default_cache_ttl": 3600,  # the data only changes on redeploy
    "suggest_facets": False,  # the metadata configures the useful facets; saves queries per page
    # Run SQL on the event loop, not in a thread pool: a request makes a dozen small
    # queries and the GIL keeps threads from running them in parallel anyway
    # (datasette#1727), so the hand-offs only cost time: benchmarks/serve_load.py
    # measured ~130 requests/s with Datasette's default of 3 threads, ~250 without.
    # A query still stops at sql_time_limit_ms; scale out with processes (docs/deploy.md).
    "num_sql_threads": 0,
}

#: Printed at start: a rebuild replaces the file, the server keeps the one it opened.
RESTART_HINT = ("the database is served immutable: after 'glyload build' restart this server "
                "to publish the rebuild (until then it serves the database it opened)")

#: The database path for :func:`app_from_env` (uvicorn ``--factory``: reload, ``--workers``).
RELOAD_DB_ENV = "GLYLOAD_SERVE_DB"


def inspect_path(db_path) -> Path:
    """Where the inspect JSON of ``db_path`` is cached: beside it, ``<stem>.inspect.json``."""
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.stem}.inspect.json")


def inspect_data(db_path) -> dict:
    """What ``datasette inspect`` computes (hash, size, row counts), keyed by the served name."""
    from datasette.inspect import inspect_hash

    db_path = Path(db_path).resolve()
    from .database import uri

    conn = sqlite3.connect(uri(db_path, immutable=1), uri=True)
    try:
        names = [name for (name,) in conn.execute("select name from sqlite_master where type = 'table'")]
        tables = {}
        for name in names:
            try:
                (count,) = conn.execute(f'select count(*) from "{name}"').fetchone()
            except sqlite3.Error:  # FTS shadow tables that cannot be counted
                count = 0
            tables[name] = {"count": count}
    finally:
        conn.close()
    return {DATABASE_NAME: {"hash": inspect_hash(db_path), "size": db_path.stat().st_size,
                            "file": str(db_path), "tables": tables}}


def ensure_inspect_file(db_path) -> dict:
    """The inspect data of ``db_path``, from its cached JSON file when that is current.

    The file is rewritten when missing, older than the database or describing
    another file or size; a read-only directory only costs the cache.
    """
    db_path = Path(db_path).resolve()
    path = inspect_path(db_path)
    try:
        cached = json.loads(path.read_text())[DATABASE_NAME]
        stat = db_path.stat()
        if (cached["file"] == str(db_path) and cached["size"] == stat.st_size
                and path.stat().st_mtime >= stat.st_mtime):
            return {DATABASE_NAME: cached}
    except (OSError, ValueError, KeyError, TypeError):
        pass
    data = inspect_data(db_path)
    try:
        path.write_text(json.dumps(data, indent=2))
    except OSError:
        pass
    return data


def load_metadata() -> dict:
    return json.loads(metadata_path().read_text(encoding="utf-8"))


def register_plugin():
    """Register glyload's plugin with Datasette.

    An installed glyload registers it through its ``datasette`` entry point;
    this covers running from a checkout whose installed metadata predates it.
    """
    from datasette.plugins import pm

    from . import datasette_plugin

    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="glyload")


def refuse_damaged(db_path) -> None:
    """Raise StorageError when ``db_path`` fails SQLite's quick check: it is never served damaged."""
    from .check import quick_check
    from .database import readable
    from .errors import StorageError

    readable(db_path)
    problems = quick_check(db_path)
    if problems:
        raise StorageError(db_path, "serve the database",
                           f"it failed SQLite's quick check ({problems[0]}); rebuild it with 'glyload build' "
                           "('glyload check' lists the damage)")


def make_app(db_path, settings: dict | None = None):
    """A configured ``Datasette`` serving ``db_path`` as the immutable database ``glyload``.

    ``settings`` override :data:`SETTINGS`. Raises GlyloadError when the file is
    missing or fails SQLite's quick check (:func:`refuse_damaged`).
    """
    from datasette.app import Datasette
    from datasette.database import Database

    from . import __version__

    db_path = Path(db_path).resolve()
    if not db_path.is_file():
        raise GlyloadError(f"{db_path}: no such database; run 'glyload build' first")
    refuse_damaged(db_path)
    register_plugin()
    datasette = Datasette(
        inspect_data=ensure_inspect_file(db_path),
        metadata=load_metadata(),
        settings={**SETTINGS, **(settings or {})},
        cors=True,  # a public read-only API: any site may fetch the JSON
        version_note=f"glyload {__version__}",
    )
    datasette.remove_database("_memory")  # created because no files were passed
    datasette.add_database(Database(datasette, path=str(db_path), is_mutable=False), name=DATABASE_NAME)
    return datasette


def app_from_env():
    """The ASGI app for ``$GLYLOAD_SERVE_DB`` (uvicorn's factory when reloading)."""
    return make_app(os.environ[RELOAD_DB_ENV]).app()


def make_server(db_path, host: str = "127.0.0.1", port: int = 8001, settings: dict | None = None):
    """A uvicorn server for :func:`make_app` (``.run()`` blocks; ``.run(sockets=[...])`` for a bound socket)."""
    import uvicorn

    config = uvicorn.Config(make_app(db_path, settings).app(), host=host, port=port, log_level="warning",
                            access_log=False)
    return uvicorn.Server(config)


def serve(db_path=None, host: str = "127.0.0.1", port: int = 8001, reload: bool = False):
    """Serve the database (built from the bundled data on first use) until interrupted.

    ``reload`` restarts the server when glyload's code changes (and its templates or
    ``metadata.json``, with watchfiles installed; templates re-render from disk anyway).
    """
    import uvicorn

    from .database import ensure_database
    from .paths import PACKAGE_DIR

    path = ensure_database(db_path).resolve()
    refuse_damaged(path)
    print(f"glyload: serving {path} as /{DATABASE_NAME} on http://{host}:{port}/ (Ctrl+C stops)")
    print(f"glyload: {RESTART_HINT}")
    if reload:
        os.environ[RELOAD_DB_ENV] = str(path)
        try:  # uvicorn watches only *.py files unless watchfiles is installed
            import watchfiles  # noqa: F401

            watch = {"reload_includes": ["*.py", "*.html", "metadata.json"]}
        except ImportError:
            watch = {}
        uvicorn.run("glyload.serve:app_from_env", factory=True, host=host, port=port, reload=True,
                    reload_dirs=[str(PACKAGE_DIR), str(metadata_path().parent)], log_level="warning", **watch)
    else:
        make_server(path, host, port).run()


def datasette_args(db_path, inspect_file=None) -> list[str]:
    """``datasette serve`` options equivalent to :func:`make_app` (for publish/package too).

    ``datasette`` names a database after its file, so ``db_path`` must be named
    ``glyload.db`` for the URLs and the metadata to match.
    """
    db_path = Path(db_path)
    if db_path.stem != DATABASE_NAME:
        raise GlyloadError(f"{db_path}: datasette serves a file under its stem; name it {DATABASE_NAME}.db")
    args = ["--immutable", str(db_path), "--metadata", str(metadata_path()), "--cors"]
    if inspect_file:
        args += ["--inspect-file", str(inspect_file)]
    for key, value in SETTINGS.items():
        args += ["--setting", key, ("on" if value else "off") if isinstance(value, bool) else str(value)]
    return args
