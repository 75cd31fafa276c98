"""Output for people (aligned tables) and for programs (stable JSON and CSV)."""

from __future__ import annotations

import csv
import io
import json


def format_value(value, digits=None) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if digits is not None:
            return f"{value:.{digits}f}"
        return f"{value:g}"
    return str(value)


def table(rows: list[dict], columns: list[tuple], total: dict | None = None) -> str:
    """An aligned text table.

    ``columns`` is a list of ``(key, heading, digits_or_None, align)`` with
    align ``"<"`` or ``">"``. Numbers are right-aligned by the caller's choice.
    """
    cells = [[format_value(row.get(key), digits) for key, _, digits, _ in columns] for row in rows]
    footer = None
    if total is not None:
        footer = [format_value(total.get(key), digits) for key, _, digits, _ in columns]
    headings = [heading for _, heading, _, _ in columns]
    widths = [len(h) for h in headings]
    for line in cells + ([footer] if footer else []):
        widths = [max(w, len(c)) for w, c in zip(widths, line)]

    def render(line):
        parts = [f"{c:{a}{w}}" for c, w, (_, _, _, a) in zip(line, widths, columns)]
        return "  ".join(parts).rstrip()

    out = [render(headings), "  ".join("-" * w for w in widths)]
    out.extend(render(line) for line in cells)
    if footer:
        out.append("  ".join("-" * w for w in widths))
        out.append(render(footer))
    return "\n".join(out)


def to_json(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def to_csv(rows: list[dict], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return buffer.getvalue()


def frame_table(frame, columns: list[tuple]) -> str:
    """:func:`table` for a pandas DataFrame, formatted column by column (large diaries)."""
    import pandas as pd

    cells, widths = [], []
    for key, heading, digits, align in columns:
        values = frame[key]
        if digits is not None:
            text = values.map(lambda v: "" if v is None or v != v else f"{v:.{digits}f}")
        else:
            text = values.map(lambda v: "" if v is None or (isinstance(v, float) and v != v) else str(v))
        width = max(len(heading), int(text.str.len().max()) if len(text) else 0)
        text = text.str.rjust(width) if align == ">" else text.str.ljust(width)
        cells.append(text)
        widths.append(width)
    header = "  ".join(f"{h:{a}{w}}" for (_, h, _, a), w in zip(columns, widths)).rstrip()
    rule = "  ".join("-" * w for w in widths)
    body = cells[0]
    for column in cells[1:]:
        body = body + "  " + column
    lines = pd.concat([pd.Series([header, rule]), body.str.rstrip()], ignore_index=True)
    return "\n".join(lines)
