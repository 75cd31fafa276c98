"""glyload's CSV files: reading with errors that name the file and line, numbers as text."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Iterator

from .errors import DataError


def read_csv(path, columns: tuple) -> Iterator[tuple[tuple[str, int], dict]]:
    """Yield ``((file, line), row)`` with stripped values; the header must name exactly ``columns``."""
    path = Path(path)
    if not path.exists():
        raise DataError(path, None, "missing file")
    with open(path, newline="", encoding="utf-8-sig") as handle:
        try:
            yield from _rows(path, csv.reader(handle), columns)
        except UnicodeDecodeError:
            raise DataError(path, None, "not UTF-8 text") from None


def _rows(path, reader, columns):
    """The checked rows of an open CSV reader."""
    header = next(reader, None)
    if header is None:
        raise DataError(path, 1, "empty file, expected a header row")
    missing = [c for c in columns if c not in header]
    extra = [c for c in header if c not in columns]
    if missing:
        raise DataError(path, 1, f"missing column(s): {', '.join(missing)}")
    if extra:
        raise DataError(path, 1, f"unexpected column(s): {', '.join(extra)}")
    for values in reader:
        if not values:
            continue
        where = (str(path), reader.line_num)
        if len(values) != len(header):
            kind = "truncated line" if len(values) < len(header) else "extra fields"
            raise DataError(*where, f"{kind}: expected {len(header)} fields, found {len(values)}")
        yield where, {k: v.strip() for k, v in zip(header, values)}


def parse_number(value: str, where, column: str, kind=float, required: bool = False):
    """A finite number from text; empty is None (or an error when ``required``)."""
    value = value.strip()
    if not value:
        if required:
            raise DataError(*where, f"column {column} is required")
        return None
    try:
        number = kind(value)
    except ValueError:
        article = "an integer" if kind is int else "a number"
        raise DataError(*where, f"column {column}: {value!r} is not {article}") from None
    if isinstance(number, float) and not math.isfinite(number):
        raise DataError(*where, f"column {column}: {value!r} is not a finite number")
    return number


def write_csv(path, columns, rows) -> None:
    """Write dicts as UTF-8 CSV with a header row and LF line ends; numbers by
    :func:`format_number`, None as empty."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([
                format_number(row[c]) if isinstance(row[c], (int, float)) and not isinstance(row[c], bool)
                else (row[c] or "") for c in columns
            ])


def format_number(value) -> str:
    """Shortest text that reads back as the same float: 158.0 -> '158', 14.2 -> '14.2'."""
    if value is None:
        return ""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text
