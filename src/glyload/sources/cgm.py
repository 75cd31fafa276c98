"""Readers of continuous glucose monitor exports: Dexcom Clarity, LibreView, and a plain CSV.

Each reader yields :class:`Reading` tuples (device, instant in UTC, the local
time as written, glucose in mg/dL, censoring) and counts what it skipped, so
the importer can say what it did with every row. Times are wall-clock times
without a zone; :mod:`glyload.localtime` turns them into instants by its stated
daylight-saving rule.

Layouts (written from the vendors' exports as documented by the projects that
read them; neither vendor publishes a specification):

- **Dexcom Clarity CSV**: one header row, 14 columns in English exports::

      Index, Timestamp (YYYY-MM-DDThh:mm:ss), Event Type, Event Subtype, Patient Info,
      Device Info, Source Device ID, Glucose Value (mg/dL), Insulin Value (u),
      Carb Value (grams), Duration (hh:mm:ss), Glucose Rate of Change (mg/dL/min),
      Transmitter Time (Long Integer), Transmitter ID

  then a metadata block with an empty timestamp (FirstName, LastName,
  DateOfBirth, Device, Alert rows ...), then one row per event; ``EGV``
  (estimated glucose value) rows are the 5-minute readings, other event types
  (Calibration, Insulin, Carbs, Exercise, Health ...) are skipped and counted.
  ``Glucose Value`` is a number or ``High`` / ``Low`` (Dexcom G6/G7 report
  40-400 mg/dL and show Low/High beyond). Sources: the aidR package's vignette
  "Dexcom Clarity export format" (CRAN, 14 columns, metadata block, headers and
  separator follow the account's language); iglu's ``read_raw_data`` (CRAN:
  keeps ``Event Type == "EGV"``, timestamp ``%Y-%m-%dT%H:%M:%S``, derived from
  cgmanalysis, Vigers et al. 2019, PLoS ONE 14:e0216851). Exports from some
  tools write the timestamp with a space instead of ``T``; both are read. The
  unit is in the column name (``Glucose Value (mmol/L)`` in mmol/L exports).
  English headers only: an export in another language is named as such.
- **LibreView CSV**: a title row (``Glucose Data,Generated on,<date> UTC,Generated
  by,<name>``), then a 19-column header: ``Device, Serial Number, Device
  Timestamp, Record Type, Historic Glucose mg/dL, Scan Glucose mg/dL, ...``
  (``mmol/L`` in the column names of mmol/L exports). Record type 0 is the
  15-minute historic reading, 1 a scan, 4-6 insulin, food and notes. glyload
  keeps the historic readings (the regular trace) and counts the rest. The
  timestamp follows the account's locale: ``DD-MM-YYYY HH:MM`` (24-hour) or
  ``MM-DD-YYYY hh:mm AM/PM``; glyload reads month-first exactly when the
  times carry AM/PM and says which it used. Sources: iglu ``read_raw_data``
  (header on row 2, "Historic Glucose", mmol/L detected from the column
  name); notes on the export's record types (gist justinphelps/55caff79,
  2023); libreview parsers' fixtures of both locales.
- **Plain CSV**: ``timestamp,glucose,unit`` (unit ``mg/dL`` or ``mmol/L``), with
  optional ``device`` and ``censored`` (``high`` / ``low``: the glucose value is
  then the device's reporting limit). A timestamp with an offset
  (``2024-03-10T08:00:00-05:00``) is an instant; without one it is local.

mmol/L is converted with 1 mmol/L = 18.016 mg/dL (glucose, 180.16 g/mol).
A glucose outside 10-1000 mg/dL is refused as a unit or typing error.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from ..errors import DataError
from ..localtime import SKIPPED, REPEATED_FIRST, REPEATED_SECOND, LocalClock, utc_text

#: mg/dL per mmol/L of glucose (molar mass 180.16 g/mol).
MG_DL_PER_MMOL_L = 18.016
#: Dexcom G6/G7 reporting limits: readings beyond show as Low / High.
DEXCOM_LOW_MG_DL, DEXCOM_HIGH_MG_DL = 40.0, 400.0
#: Values outside this range are refused (a wrong unit or a typing error).
PLAUSIBLE_MG_DL = (10.0, 1000.0)

CLARITY_TIME = "Timestamp (YYYY-MM-DDThh:mm:ss)"
LIBRE_TIME = "Device Timestamp"
LAYOUTS = {"clarity": "Dexcom Clarity export", "libreview": "LibreView export", "plain": "plain CSV"}


class Reading(NamedTuple):
    device: str
    timestamp: str  # UTC, YYYY-MM-DDTHH:MM:SSZ
    local_time: str  # as read, ISO without zone
    glucose_mg_dl: float | None
    censored: str | None  # "high", "low" or None
    line: int


@dataclass
class CgmFile:
    """What a reader found: the layout, readings, and a count of every row it set aside."""

    path: str
    layout: str
    unit: str
    readings: list = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    notes: list = field(default_factory=list)
    dst: Counter = field(default_factory=Counter)

    @property
    def layout_name(self) -> str:
        return LAYOUTS[self.layout]


def _rows(path: Path):
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except UnicodeDecodeError:
        raise DataError(path, None, "not UTF-8 text (a CGM export is a CSV file)") from None
    if not text.strip():
        raise DataError(path, None, "empty file")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return list(csv.reader(text.splitlines(), delimiter=delimiter))


def detect(path, rows) -> str:
    """The layout of ``rows``, or a one-line error naming what the file looks like instead."""
    head = [[c.strip() for c in row] for row in rows[:3]]
    if head and CLARITY_TIME in head[0] and "Event Type" in head[0]:
        return "clarity"
    if any(LIBRE_TIME in row and "Record Type" in row for row in head[:3]):
        return "libreview"
    lower = [c.lower() for c in head[0]] if head else []
    if {"timestamp", "glucose", "unit"} <= set(lower):
        return "plain"
    raise DataError(path, 1, f"not a CGM export glyload reads: {_what_it_is(head)}; expected a Dexcom "
                             "Clarity export, a LibreView export or a plain CSV (timestamp,glucose,unit)")


def _what_it_is(head) -> str:
    first = head[0] if head else []
    lower = {c.lower() for c in first}
    joined = " ".join(first)
    if {"date", "meal"} <= lower:
        return "it is a food diary (date, meal columns); give it to 'glyload glucose meals --diary'"
    if "MiniMed" in joined:
        return "it is a Medtronic CareLink export"
    if joined.startswith("Name:"):
        return "it looks like a Glooko export"
    if first and first[0] == "Index" and len(first) == 14:
        return "it looks like a Dexcom Clarity export in another language (only English headers are read)"
    if len(head) > 1 and len(head[1]) >= 19 and len(first) <= 6:
        return "it looks like a LibreView export in another language (only English headers are read)"
    if {"timestamp", "glucose"} <= lower:
        return "a plain CSV needs a unit column (mg/dL or mmol/L)"
    return f"line 1 has {', '.join(repr(c) for c in first[:6]) or 'nothing'}"


def read_cgm(path, tz) -> CgmFile:
    """Read a CGM export of any supported layout (detected from its header)."""
    path = Path(path)
    rows = _rows(path)
    layout = detect(path, rows)
    return {"clarity": _clarity, "libreview": _libreview, "plain": _plain}[layout](path, rows, tz)


def _unit_column(path, header, line, prefix) -> tuple[int, str]:
    for index, name in enumerate(header):
        if name.startswith(prefix):
            unit = name[len(prefix):].strip(" ()")
            if unit.lower() in ("mg/dl", "mmol/l"):
                return index, "mg/dL" if unit.lower() == "mg/dl" else "mmol/L"
            raise DataError(path, line, f"column {name!r}: unit {unit!r} is neither mg/dL nor mmol/L")
    raise DataError(path, line, f"no {prefix.strip()} (mg/dL or mmol/L) column")


def _to_mg_dl(path, line, text: str, unit: str) -> float:
    try:
        value = float(text.replace(",", ".") if unit == "mmol/L" else text)
    except ValueError:
        raise DataError(path, line, f"glucose {text!r} is not a number, High or Low") from None
    mg = value * MG_DL_PER_MMOL_L if unit == "mmol/L" else value
    low, high = PLAUSIBLE_MG_DL
    if not low <= mg <= high:
        shown = f"{text} {unit}" + (f" ({mg:,.0f} mg/dL)" if unit == "mmol/L" else "")
        raise DataError(path, line, f"glucose {shown} is outside {low:g}-{high:g} mg/dL: is the unit right?")
    return round(mg, 2)


class _Converter:
    """Local times -> UTC text, one :class:`LocalClock` per device, counting DST cases."""

    def __init__(self, tz, found: CgmFile):
        self.tz, self.found, self.clocks = tz, found, {}

    def __call__(self, device: str, naive: datetime) -> str:
        clock = self.clocks.get(device)
        if clock is None:
            clock = self.clocks[device] = LocalClock(self.tz)
        instant, kind = clock.to_utc(naive)
        if kind != "ordinary":
            self.found.dst[kind] += 1
        return utc_text(instant)


def _finish(found: CgmFile) -> CgmFile:
    if found.dst[REPEATED_FIRST] or found.dst[REPEATED_SECOND]:
        found.notes.append(
            f"{found.dst[REPEATED_FIRST] + found.dst[REPEATED_SECOND]} readings in a repeated hour (clocks went "
            f"back): {found.dst[REPEATED_FIRST]} read as its first pass, {found.dst[REPEATED_SECOND]} as its "
            "second (the readings stepped back in time)")
    if found.dst[SKIPPED]:
        found.notes.append(f"{found.dst[SKIPPED]} readings in a skipped hour (clocks went forward) read with the "
                           "offset before the change (the device clock had not moved yet)")
    if not found.readings:
        raise DataError(found.path, None, f"{found.layout_name} with no glucose readings"
                        + (f" ({_skipped_text(found.skipped)})" if found.skipped else ""))
    return found


def _skipped_text(skipped: Counter) -> str:
    return ", ".join(f"{n:,} {what}" for what, n in sorted(skipped.items()))


def _clarity(path, rows, tz) -> CgmFile:
    header = [c.strip() for c in rows[0]]
    time_at, type_at = header.index(CLARITY_TIME), header.index("Event Type")
    glucose_at, unit = _unit_column(path, header, 1, "Glucose Value")
    transmitter_at = header.index("Transmitter ID") if "Transmitter ID" in header else None
    source_at = header.index("Source Device ID") if "Source Device ID" in header else None
    found = CgmFile(str(path), "clarity", unit)
    convert = _Converter(tz, found)
    width = len(header)
    for line, row in enumerate(rows[1:], 2):
        if not any(c.strip() for c in row):
            continue
        if len(row) < width:
            row = row + [""] * (width - len(row))
        event = row[type_at].strip()
        if event != "EGV":
            found.skipped[f"{event or 'untyped'} rows" if row[time_at].strip() else "metadata rows"] += 1
            continue
        stamp = row[time_at].strip()
        try:
            naive = datetime.fromisoformat(stamp)
            if naive.tzinfo is not None or len(stamp) != 19:
                raise ValueError
        except ValueError:
            raise DataError(path, line, f"timestamp {stamp!r} is not a real date and time (YYYY-MM-DDThh:mm:ss)") from None
        transmitter = row[transmitter_at].strip() if transmitter_at is not None else ""
        source = row[source_at].strip() if source_at is not None else ""
        device = f"Dexcom {transmitter or source or 'receiver'}"
        text = row[glucose_at].strip()
        censored = text.lower() if text.lower() in ("high", "low") else None
        if censored:
            value = DEXCOM_HIGH_MG_DL if censored == "high" else DEXCOM_LOW_MG_DL
        elif not text:
            raise DataError(path, line, "EGV row without a glucose value")
        else:
            value = _to_mg_dl(path, line, text, unit)
        found.readings.append(Reading(device, convert(device, naive), naive.isoformat(), value, censored, line))
    censored = sum(1 for r in found.readings if r.censored)
    if censored:
        found.notes.append(f"{censored} High/Low readings kept as censored at Dexcom's reporting limits "
                           f"({DEXCOM_LOW_MG_DL:g} / {DEXCOM_HIGH_MG_DL:g} mg/dL) and flagged")
    return _finish(found)


_LIBRE_STAMP = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AaPp][Mm]))?$")


def _libre_time(path, line, text: str, month_first: bool) -> datetime:
    match = _LIBRE_STAMP.match(text)
    shape = "MM-DD-YYYY hh:mm AM/PM" if month_first else "DD-MM-YYYY HH:MM"
    if not match or bool(match.group(7)) != month_first:
        raise DataError(path, line, f"Device Timestamp {text!r} is not {shape} like the rest of the file")
    a, b, year, hour, minute, second, ampm = match.groups()
    month, day = (int(a), int(b)) if month_first else (int(b), int(a))
    hour = int(hour)
    if ampm:
        if not 1 <= hour <= 12:
            raise DataError(path, line, f"Device Timestamp {text!r}: hour {hour} with {ampm}")
        hour = hour % 12 + (12 if ampm.lower() == "pm" else 0)
    try:
        return datetime(int(year), month, day, hour, int(minute), int(second or 0))
    except ValueError:
        raise DataError(path, line, f"Device Timestamp {text!r} is not a real date and time ({shape})") from None


def _libreview(path, rows, tz) -> CgmFile:
    header_line = next(i for i, row in enumerate(rows[:3]) if LIBRE_TIME in [c.strip() for c in row])
    header = [c.strip() for c in rows[header_line]]
    time_at, type_at = header.index(LIBRE_TIME), header.index("Record Type")
    glucose_at, unit = _unit_column(path, header, header_line + 1, "Historic Glucose")
    device_at = header.index("Device") if "Device" in header else None
    serial_at = header.index("Serial Number") if "Serial Number" in header else None
    found = CgmFile(str(path), "libreview", unit)
    body = rows[header_line + 1:]
    month_first = any(re.search(r"[AaPp][Mm]\s*$", row[time_at]) for row in body if len(row) > time_at)
    found.notes.append("LibreView dates read month-first with AM/PM (MM-DD-YYYY hh:mm AM/PM)" if month_first
                       else "LibreView dates read day-first, 24-hour (DD-MM-YYYY HH:MM): the times carry no AM/PM")
    convert = _Converter(tz, found)
    for line, row in enumerate(body, header_line + 2):
        if not any(c.strip() for c in row):
            continue
        if len(row) <= max(time_at, type_at, glucose_at):
            raise DataError(path, line, f"truncated line: expected {len(header)} fields, found {len(row)}")
        kind = row[type_at].strip()
        if kind != "0":
            what = {"1": "scan rows (record type 1)"}.get(kind, f"record type {kind or '(empty)'} rows")
            found.skipped[what] += 1
            continue
        naive = _libre_time(path, line, row[time_at].strip(), month_first)
        device = " ".join(p for p in ((row[device_at].strip() if device_at is not None else "FreeStyle Libre"),
                                      (row[serial_at].strip() if serial_at is not None else "")) if p)
        text = row[glucose_at].strip()
        censored = {"hi": "high", "high": "high", "lo": "low", "low": "low"}.get(text.lower())
        if censored:
            value = None  # the limit depends on the sensor model, which the export does not state
        elif not text:
            raise DataError(path, line, "historic reading (record type 0) without a glucose value")
        else:
            value = _to_mg_dl(path, line, text, unit)
        found.readings.append(Reading(device, convert(device, naive), naive.isoformat(), value, censored, line))
    if found.skipped.get("scan rows (record type 1)"):
        found.notes.append("scans (record type 1) are not imported: the 15-minute historic readings are the trace")
    censored = sum(1 for r in found.readings if r.censored)
    if censored:
        found.notes.append(f"{censored} HI/LO readings kept as censored without a value (the export does not "
                           "name the sensor's limits) and flagged")
    return _finish(found)


def _plain(path, rows, tz) -> CgmFile:
    header = [c.strip().lower() for c in rows[0]]
    at = {name: header.index(name) for name in ("timestamp", "glucose", "unit", "device", "censored")
          if name in header}
    found = CgmFile(str(path), "plain", "")
    convert = _Converter(tz, found)
    units = set()
    for line, row in enumerate(rows[1:], 2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise DataError(path, line, f"expected {len(header)} fields, found {len(row)}")
        stamp = row[at["timestamp"]].strip()
        try:
            moment = datetime.fromisoformat(stamp)
            if len(stamp) < 16:
                raise ValueError
        except ValueError:
            raise DataError(path, line, f"timestamp {stamp!r} is not an ISO date and time "
                                        "(YYYY-MM-DDTHH:MM[:SS], optionally with an offset)") from None
        unit = {"mg/dl": "mg/dL", "mmol/l": "mmol/L"}.get(row[at["unit"]].strip().lower())
        if unit is None:
            raise DataError(path, line, f"unit {row[at['unit']].strip()!r} is neither mg/dL nor mmol/L")
        units.add(unit)
        device = (row[at["device"]].strip() if "device" in at else "") or "plain CSV"
        censored = row[at["censored"]].strip().lower() if "censored" in at else ""
        if censored not in ("", "high", "low"):
            raise DataError(path, line, f"censored {censored!r} must be empty, high or low")
        text = row[at["glucose"]].strip()
        if text.lower() in ("high", "low", "hi", "lo"):
            raise DataError(path, line, f"glucose {text!r}: write the device's reporting limit as the glucose "
                                        "and high or low in a censored column")
        value = _to_mg_dl(path, line, text, unit)
        if moment.tzinfo is not None:
            timestamp, local = utc_text(moment), moment.replace(tzinfo=None).isoformat()
        else:
            timestamp, local = convert(device, moment), moment.isoformat()
        found.readings.append(Reading(device, timestamp, local, value, censored or None, line))
    found.unit = "/".join(sorted(units))
    return _finish(found)
