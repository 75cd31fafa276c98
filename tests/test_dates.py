"""The one date and time rule of both diaries (glyload.dates)."""

import pytest

from glyload.dates import date_problem, time_problem


@pytest.mark.parametrize(("text", "problem"), [
    ("2026-01-05", None), ("2024-02-29", None),
    ("2026-13-45", "month must be in 1..12"), ("2025-02-29", "day is out of range for month"),
    ("yesterday", "not in the form YYYY-MM-DD"), ("20260105", "not in the form YYYY-MM-DD"),
    ("2026-1-5", "not in the form YYYY-MM-DD"), ("2026-01-05T10:00", "not in the form YYYY-MM-DD"),
])
def test_dates_are_real_iso_dates(text, problem):
    assert date_problem(text) == problem


@pytest.mark.parametrize(("text", "problem"), [
    ("07:30", None), ("23:59:59", None), ("00:00", None),
    ("24:10", "hour must be in 0..23"), ("12:60", "minute must be in 0..59"),
    ("7:30", "not in the form HH:MM or HH:MM:SS (24-hour)"), ("7:30 PM", "not in the form HH:MM or HH:MM:SS (24-hour)"),
    ("noon", "not in the form HH:MM or HH:MM:SS (24-hour)"),
])
def test_times_are_real_24_hour_times(text, problem):
    assert time_problem(text) == problem
