"""Dates and times as diaries write them: real ISO calendar dates and 24-hour clock times.

One rule for the food diary (:mod:`glyload.diary`) and the timed diary of measured
glucose (:mod:`glyload.timed_diary`): a date is ``YYYY-MM-DD`` and exists on the
calendar ("2026-13-45", "2026-02-30" and "yesterday" do not); a time is ``HH:MM`` or
``HH:MM:SS`` on the 24-hour clock.
"""

from __future__ import annotations

import datetime
import re

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_TIME = re.compile(r"\d{2}:\d{2}(:\d{2})?")


def date_problem(text: str) -> str | None:
    """Why ``text`` is not a real calendar date written YYYY-MM-DD, or None."""
    return _problem(ISO_DATE, datetime.date.fromisoformat, text, "not in the form YYYY-MM-DD")


def time_problem(text: str) -> str | None:
    """Why ``text`` is not a real 24-hour time written HH:MM or HH:MM:SS, or None."""
    return _problem(ISO_TIME, datetime.time.fromisoformat, text, "not in the form HH:MM or HH:MM:SS (24-hour)")


def _problem(pattern: re.Pattern, parse, text: str, form: str) -> str | None:
    if not pattern.fullmatch(text):
        return form
    try:
        parse(text)
    except ValueError as error:
        return str(error)
    return None
