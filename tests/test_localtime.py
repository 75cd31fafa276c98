"""Wall-clock times to instants: the repeated and the skipped daylight-saving hour."""

from datetime import datetime, timedelta

import pytest

from glyload.errors import GlyloadError
from glyload.localtime import (ORDINARY, REPEATED_FIRST, REPEATED_SECOND, SKIPPED, LocalClock, kind_of,
                               utc_text, zone)

NY, _ = zone("America/New_York")


def test_fall_back_hour_is_read_twice_in_order():
    """2024-11-03 01:00-01:55 happens twice in New York: first EDT (UTC-4), then EST (UTC-5)."""
    clock = LocalClock(NY)
    walls = [datetime(2024, 11, 3, 0, 55) + timedelta(minutes=5 * i) for i in range(13)]  # 00:55 .. 01:55
    walls += [datetime(2024, 11, 3, 1, 0) + timedelta(minutes=5 * i) for i in range(12)] + [datetime(2024, 11, 3, 2, 0)]
    converted = [clock.to_utc(w) for w in walls]
    instants = [utc_text(at) for at, _ in converted]
    assert instants[0] == "2024-11-03T04:55:00Z"
    assert instants[1] == "2024-11-03T05:00:00Z"  # 01:00 EDT
    assert instants[13] == "2024-11-03T06:00:00Z"  # 01:00 again, EST
    assert instants[-1] == "2024-11-03T07:00:00Z"  # 02:00 EST
    steps = {(b - a).total_seconds() for (a, _), (b, _) in zip(converted, converted[1:])}
    assert steps == {300.0}
    kinds = [kind for _, kind in converted]
    assert kinds[1:13] == [REPEATED_FIRST] * 12 and kinds[13:25] == [REPEATED_SECOND] * 12
    assert kinds[0] == kinds[-1] == ORDINARY


def test_skipped_hour_uses_the_offset_before_the_change():
    """2024-03-10 02:00-02:59 does not exist in New York; 02:30 is read as 02:30 EST = 07:30 UTC."""
    assert kind_of(datetime(2024, 3, 10, 2, 30), NY) == SKIPPED
    clock = LocalClock(NY)
    at, kind = clock.to_utc(datetime(2024, 3, 10, 2, 30))
    assert (utc_text(at), kind) == ("2024-03-10T07:30:00Z", SKIPPED)
    assert utc_text(clock.to_utc(datetime(2024, 3, 10, 3, 30))[0]) == "2024-03-10T07:30:00Z"
    assert kind_of(datetime(2024, 3, 10, 1, 59), NY) == ORDINARY


def test_unknown_zone_is_a_clear_error():
    with pytest.raises(GlyloadError, match="not an IANA time zone"):
        zone("Mars/Olympus")


def test_machine_zone_is_named():
    tz, note = zone(None)
    assert tz.key in note and "this machine's" in note
