"""The personal database: a person's glucose readings, kept apart from the reference database.

Readings live in their own SQLite file (``--personal-db``, ``$GLYLOAD_PERSONAL_DB``,
default ``personal.db`` beside the reference database), never in ``glyload.db``:
:func:`personal_db_path` refuses the reference file, and a file that is a
reference database (it has ``glyload_meta``) is refused too. Readings are
keyed on (device, timestamp in UTC), so importing overlapping exports adds
each reading once. ``glyload serve`` publishes this file only with
``--personal`` (glyload.serve).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from .errors import GlyloadError, storage_errors
from .paths import default_db_path

PERSONAL_DB_NAME = "personal.db"
MARK = "glyload personal database"

SCHEMA = """
create table if not exists personal_meta (key text primary key, value text);
create table if not exists imports (
    id integer primary key,
    file text not null,
    layout text not null,
    imported_at text not null,
    time_zone text not null,
    readings_read integer not null,
    readings_added integer not null,
    notes text
);
create table if not exists readings (
    device text not null,
    timestamp text not null,      -- UTC, YYYY-MM-DDTHH:MM:SSZ
    local_time text not null,     -- as written in the export, no zone
    glucose_mg_dl real,           -- null for a censored reading whose limit is unknown
    censored text check (censored in ('high', 'low')),
    import_id integer not null references imports(id),
    primary key (device, timestamp)
) without rowid;
create index if not exists readings_by_time on readings (timestamp);
create table if not exists meal_responses (
    date text not null, time text not null, meal text not null,
    timestamp text not null,      -- the meal's instant, UTC
    gl real, available_carbohydrate_g real, iauc_mg_dl_min real, peak_rise_mg_dl real,
    minutes_to_peak real, readings integer, flags text,  -- flags joined by ","
    primary key (date, time, meal)
);
create table if not exists meal_fit (key text primary key, value text);  -- the last fit, as JSON
"""


def personal_db_path(personal_db=None, db_path=None) -> Path:
    """The personal database: ``personal_db`` (option or env), else beside the reference database."""
    reference = Path(db_path) if db_path else default_db_path()
    path = Path(personal_db) if personal_db else reference.with_name(PERSONAL_DB_NAME)
    if path.resolve() == reference.resolve():
        raise GlyloadError(f"{path} is the reference database; personal readings are kept in a file of their "
                           "own (--personal-db)")
    return path


def _check_not_reference(path: Path, conn: sqlite3.Connection) -> None:
    tables = {name for (name,) in conn.execute("select name from sqlite_master where type = 'table'")}
    if "glyload_meta" in tables or "foods" in tables:
        raise GlyloadError(f"{path} is a glyload reference database; personal readings are kept in a file of "
                           "their own (--personal-db)")
    if tables and "personal_meta" not in tables:
        raise GlyloadError(f"{path} is not a glyload personal database (no personal_meta table)")


def open_personal(path, create: bool = False) -> sqlite3.Connection:
    """A connection to the personal database (created with ``create``), checked to be one."""
    path = Path(path)
    if not path.exists():
        if not create:
            raise GlyloadError(f"{path}: no personal database yet; import readings with 'glyload glucose import'")
        path.parent.mkdir(parents=True, exist_ok=True)
    # Without create nothing is written: read-only (a served personal database stays as it is).
    try:
        conn = sqlite3.connect(path) if create else sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise GlyloadError(f"{path}: cannot open the personal database ({error})") from None
    try:
        try:
            _check_not_reference(path, conn)
        except sqlite3.DatabaseError as error:
            raise GlyloadError(f"{path}: not a glyload personal database ({error})") from None
        if create:
            conn.executescript(SCHEMA)
            conn.execute("insert or ignore into personal_meta values ('kind', ?)", (MARK,))
            conn.commit()
        elif "readings" not in {n for (n,) in conn.execute("select name from sqlite_master")}:
            raise GlyloadError(f"{path} is not a glyload personal database")
    except BaseException:
        conn.close()
        raise
    return conn


def import_readings(path, found, zone_key: str) -> dict:
    """Store a read export (:class:`glyload.sources.cgm.CgmFile`); returns the counts."""
    import sqlite_utils

    conn = open_personal(path, create=True)
    try:
        with storage_errors(path, "write the personal database"), conn:
            before = conn.execute("select count(*) from readings").fetchone()[0]
            cursor = conn.execute(
                "insert into imports (file, layout, imported_at, time_zone, readings_read, readings_added, notes) "
                "values (?, ?, ?, ?, ?, 0, ?)",
                (str(Path(found.path).resolve()), found.layout, datetime.now(timezone.utc).isoformat(timespec="seconds"),
                 zone_key, len(found.readings), "; ".join(found.notes)))
            import_id = cursor.lastrowid
            db = sqlite_utils.Database(conn)
            db["readings"].insert_all(
                ({"device": r.device, "timestamp": r.timestamp, "local_time": r.local_time,
                  "glucose_mg_dl": r.glucose_mg_dl, "censored": r.censored, "import_id": import_id}
                 for r in found.readings), ignore=True, batch_size=2000)
            after = conn.execute("select count(*) from readings").fetchone()[0]
            conn.execute("update imports set readings_added = ? where id = ?", (after - before, import_id))
    finally:
        conn.close()
    return {"read": len(found.readings), "added": after - before, "already_there": len(found.readings) - (after - before),
            "total": after}


def devices(conn, start: str | None = None, end: str | None = None) -> list[tuple[str, int]]:
    """(device, readings) between two UTC texts (inclusive), most readings first."""
    where, args = _between(start, end)
    return list(conn.execute(f"select device, count(*) from readings {where} group by device "
                             "order by count(*) desc, device", args))


def readings(conn, device: str | None = None, start: str | None = None, end: str | None = None) -> list[tuple]:
    """(timestamp, glucose_mg_dl, censored, device, local_time) in time order."""
    where, args = _between(start, end)
    if device is not None:
        where += (" and " if where else "where ") + "device = ?"
        args.append(device)
    return list(conn.execute(f"select timestamp, glucose_mg_dl, censored, device, local_time from readings {where} "
                             "order by timestamp", args))


def _between(start, end):
    clauses, args = [], []
    if start:
        clauses.append("timestamp >= ?")
        args.append(start)
    if end:
        clauses.append("timestamp <= ?")
        args.append(end)
    return ("where " + " and ".join(clauses)) if clauses else "", args


MEAL_FIELDS = ("date", "time", "meal", "gl", "available_carbohydrate_g", "iauc_mg_dl_min", "peak_rise_mg_dl",
               "minutes_to_peak", "readings", "flags")


def save_meals(path, measured) -> int:
    """Keep measured meals (``glyload glucose meals --save``) for the ``--personal`` page; returns how many."""
    import json

    from .localtime import utc_text

    conn = open_personal(path, create=True)
    try:
        with storage_errors(path, "write the personal database"), conn:
            rows = [(*(",".join(m["flags"]) if key == "flags" else m[key] for key in MEAL_FIELDS), utc_text(at))
                    for m, at in zip(measured.report["meals"], measured.instants)]
            conn.executemany(f"insert or replace into meal_responses ({', '.join(MEAL_FIELDS)}, timestamp) "
                             f"values ({', '.join('?' * (len(MEAL_FIELDS) + 1))})", rows)
            conn.execute("insert or replace into meal_fit values ('latest', ?)", (json.dumps(measured.report["fit"]),))
    finally:
        conn.close()
    return len(rows)


def saved_meals(conn) -> tuple[list[dict], list[str], dict | None]:
    """The kept meals (in the documented JSON shape), their UTC instants, and the last fit."""
    import json

    tables = {n for (n,) in conn.execute("select name from sqlite_master where type = 'table'")}
    if "meal_responses" not in tables:
        return [], [], None
    cursor = conn.execute(f"select {', '.join(MEAL_FIELDS)}, timestamp from meal_responses order by timestamp")
    meals, instants = [], []
    for row in cursor:
        meal = dict(zip(MEAL_FIELDS, row[:-1]))
        meal["flags"] = [f for f in (meal["flags"] or "").split(",") if f]
        meals.append(meal)
        instants.append(row[-1])
    fit = conn.execute("select value from meal_fit where key = 'latest'").fetchone()
    return meals, instants, (json.loads(fit[0]) if fit else None)
