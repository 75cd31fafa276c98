"""Output for people (aligned tables) and for programs (stable JSON and CSV)."""

from __future__ import annotations

import csv
import io
import json


def format_value(value, digits=None) -> str:
    """A value as glyload prints it (tables, the Datasette page): a number with ``digits``
    decimals, else a float in its shortest form (158.0 -> "158"); None is blank."""
    if value is None:
        return ""
    if digits is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.{digits}f}"
    if isinstance(value, float):
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
    aligns = [a for _, _, _, a in columns]
    out = [*_head(headings, widths, aligns)]
    out.extend(_render(line, widths, aligns) for line in cells)
    if footer:
        out.append(_rule(widths))
        out.append(_render(footer, widths, aligns))
    return "\n".join(out)


def _render(cells, widths, aligns) -> str:
    return "  ".join(f"{c:{a}{w}}" for c, w, a in zip(cells, widths, aligns)).rstrip()


def _rule(widths) -> str:
    return "  ".join("-" * w for w in widths)


def _head(headings, widths, aligns) -> list[str]:
    """The heading line and the rule under it."""
    return [_render(headings, widths, aligns), _rule(widths)]


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
    head = _head([h for _, h, _, _ in columns], widths, [a for _, _, _, a in columns])
    body = cells[0]
    for column in cells[1:]:
        body = body + "  " + column
    lines = pd.concat([pd.Series(head), body.str.rstrip()], ignore_index=True)
    return "\n".join(lines)
