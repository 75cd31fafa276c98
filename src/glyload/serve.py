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
from .paths import DATABASE_NAME, PERSONAL_NAME, metadata_path


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


def inspect_data(db_path, served: str = DATABASE_NAME) -> dict:
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
    return {served: {"hash": inspect_hash(db_path), "size": db_path.stat().st_size,
                     "file": str(db_path), "tables": tables}}


def ensure_inspect_file(db_path, name: str = DATABASE_NAME) -> dict:
    """The inspect data of ``db_path``, from its cached JSON file when that is current.

    The file is rewritten when missing, older than the database or describing
    another file or size; a read-only directory only costs the cache.
    """
    db_path = Path(db_path).resolve()
    path = inspect_path(db_path)
    try:
        cached = json.loads(path.read_text())[name]
        stat = db_path.stat()
        if (cached["file"] == str(db_path) and cached["size"] == stat.st_size
                and path.stat().st_mtime >= stat.st_mtime):
            return {name: cached}
    except (OSError, ValueError, KeyError, TypeError):
        pass
    data = inspect_data(db_path, name)
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


def is_loopback(host: str) -> bool:
    """Whether ``host`` only listens on this machine (127.0.0.0/8, ::1, localhost)."""
    import ipaddress

    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def make_app(db_path, settings: dict | None = None, personal_db=None):
    """A configured ``Datasette`` serving ``db_path`` as the immutable database ``glyload``.

    ``settings`` override :data:`SETTINGS`. Raises GlyloadError when the file is
    missing or fails SQLite's quick check (:func:`refuse_damaged`).
    ``personal_db``, only when asked for (``glyload serve --personal``), adds the
    personal glucose database as ``/personal``, read-only; the app then sends no
    CORS headers (another site's page in the person's browser may not read it)
    and no cache lifetime.
    """
    from datasette.app import Datasette
    from datasette.database import Database

    from . import __version__

    db_path = Path(db_path).resolve()
    if not db_path.is_file():
        raise GlyloadError(f"{db_path}: no such database; run 'glyload build' first")
    refuse_damaged(db_path)
    register_plugin()
    inspect, metadata, extra = ensure_inspect_file(db_path), load_metadata(), {}
    if personal_db is not None:
        personal_db = _personal_file(personal_db)
        inspect.update(ensure_inspect_file(personal_db, PERSONAL_NAME))
        metadata.setdefault("databases", {})[PERSONAL_NAME] = PERSONAL_METADATA
        extra = {"default_cache_ttl": 0}
    datasette = Datasette(
        inspect_data=inspect,
        metadata=metadata,
        settings={**SETTINGS, **extra, **(settings or {})},
        cors=personal_db is None,  # a public read-only API: any site may fetch the JSON (never personal data)
        version_note=f"glyload {__version__}",
    )
    datasette.remove_database("_memory")  # created because no files were passed
    datasette.add_database(Database(datasette, path=str(db_path), is_mutable=False), name=DATABASE_NAME)
    if personal_db is not None:
        datasette.add_database(Database(datasette, path=str(personal_db), is_mutable=False), name=PERSONAL_NAME)
    return datasette


PERSONAL_METADATA = {
    "description": "Your own glucose readings (glyload glucose import). Served only because glyload serve "
                   "was given --personal; it is not part of the reference database.",
    "tables": {"readings": {"description": "One row per CGM reading: device, UTC timestamp, the local time "
                                           "as exported, glucose in mg/dL, censored (high/low)."}},
}
RELOAD_PERSONAL_ENV = "GLYLOAD_SERVE_PERSONAL_DB"


def _personal_file(path) -> Path:
    from .personal import open_personal

    path = Path(path).resolve()
    open_personal(path).close()  # a personal database, not the reference one
    return path


def app_from_env():
    """The ASGI app for ``$GLYLOAD_SERVE_DB`` (uvicorn's factory when reloading)."""
    return make_app(os.environ[RELOAD_DB_ENV], personal_db=os.environ.get(RELOAD_PERSONAL_ENV) or None).app()


def make_server(db_path, host: str = "127.0.0.1", port: int = 8001, settings: dict | None = None,
                personal_db=None):
    """A uvicorn server for :func:`make_app` (``.run()`` blocks; ``.run(sockets=[...])`` for a bound socket)."""
    import uvicorn

    config = uvicorn.Config(make_app(db_path, settings, personal_db).app(), host=host, port=port,
                            log_level="warning",
                            access_log=False)
    return uvicorn.Server(config)


def check_personal_host(host: str, personal: bool, personal_public: bool) -> None:
    """Personal data is served on loopback only, unless ``personal_public`` says otherwise."""
    if personal_public and not personal:
        raise GlyloadError("--personal-public only goes with --personal")
    if personal and not is_loopback(host) and not personal_public:
        raise GlyloadError(f"--personal serves your glucose readings, and --host {host} is not loopback: "
                           "anyone who can reach it could read them; add --personal-public to mean it")


def serve(db_path=None, host: str = "127.0.0.1", port: int = 8001, reload: bool = False, personal_db=None):
    """Serve the database (built from the bundled data on first use) until interrupted.

    ``personal_db`` (``--personal``) also serves the personal glucose database as
    ``/personal``; the caller checks the host with :func:`check_personal_host`.

    ``reload`` restarts the server when glyload's code changes (and its templates or
    ``metadata.json``, with watchfiles installed; templates re-render from disk anyway).
    """
    import uvicorn

    from .database import ensure_database
    from .paths import PACKAGE_DIR

    path = ensure_database(db_path).resolve()
    refuse_damaged(path)
    print(f"glyload: serving {path} as /{DATABASE_NAME} on http://{host}:{port}/ (Ctrl+C stops)")
    if personal_db is not None:
        personal_db = _personal_file(personal_db)
        print(f"glyload: and your personal readings {personal_db} as /{PERSONAL_NAME} (--personal)")
    print(f"glyload: {RESTART_HINT}")
    if reload:
        os.environ[RELOAD_DB_ENV] = str(path)
        if personal_db is not None:
            os.environ[RELOAD_PERSONAL_ENV] = str(personal_db)
        try:  # uvicorn watches only *.py files unless watchfiles is installed
            import watchfiles  # noqa: F401

            watch = {"reload_includes": ["*.py", "*.html", "metadata.json"]}
        except ImportError:
            watch = {}
        uvicorn.run("glyload.serve:app_from_env", factory=True, host=host, port=port, reload=True,
                    reload_dirs=[str(PACKAGE_DIR), str(metadata_path().parent)], log_level="warning", **watch)
    else:
        make_server(path, host, port, personal_db=personal_db).run()


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
