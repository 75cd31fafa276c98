"""Local clock times without a zone -> instants (UTC), with one stated daylight-saving rule.

CGM exports and diaries write the wall-clock time of the person's device, with no
zone or offset. glyload reads them in one IANA zone (``--tz``, default the
machine's zone as ``tzlocal`` reports it) with Python's ``zoneinfo``, and this rule
for the two hours a year a wall-clock time does not name one instant:

- **Repeated hour** (clocks go back, e.g. 01:00-01:59 twice in America/New_York on
  the first Sunday of November): a time in that hour is read as its *first* pass
  (daylight time, ``fold=0``) until the readings of one device step back in time
  inside that hour (or repeat a time already seen there); from then on, and until
  the readings leave the hour, they are the *second* pass (standard time, ``fold=1``).
  Readings are taken in file order, which is recording order in every export read.
- **Skipped hour** (clocks go forward, e.g. 02:00-02:59 does not exist): such a
  time can only come from a clock that had not moved yet, so it is read with the
  offset in force *before* the change (``fold=0``): 02:30 EST is 07:30 UTC
  (03:30 EDT).

Each conversion says which case it met, so the importer can count them in its
report. A diary's meal time in a repeated hour is read as the first pass and
flagged; one in a skipped hour is an error (a person typed a time that did not
happen).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import GlyloadError

UTC = timezone.utc

#: What :meth:`LocalClock.to_utc` met: an ordinary time, or one of the two DST cases.
ORDINARY, REPEATED_FIRST, REPEATED_SECOND, SKIPPED = "ordinary", "repeated-first", "repeated-second", "skipped"


def zone(name: str | None) -> tuple[ZoneInfo, str]:
    """The zone called ``name`` (IANA key), or the machine's; returns (zone, how it was chosen)."""
    if name:
        try:
            return ZoneInfo(name), f"time zone {name} (--tz)"
        except (ZoneInfoNotFoundError, ValueError):
            raise GlyloadError(f"--tz {name!r} is not an IANA time zone name (e.g. Europe/Paris, "
                               "America/New_York, UTC)") from None
    import tzlocal

    try:
        key = tzlocal.get_localzone_name()
    except Exception:  # tzlocal raises its own errors for unreadable system settings
        key = None
    if not key:
        raise GlyloadError("cannot tell this machine's time zone; give --tz (e.g. --tz Europe/Paris)")
    return ZoneInfo(key), f"time zone {key} (this machine's; --tz chooses another)"


def kind_of(naive: datetime, tz: ZoneInfo) -> str:
    """ORDINARY, REPEATED_FIRST (an ambiguous time; its two readings differ) or SKIPPED."""
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return ORDINARY
    # In a gap, fold=0 takes the offset before the change, which is the larger one
    # when clocks go forward; round-tripping through UTC does not give the time back.
    back = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    return SKIPPED if back != naive else REPEATED_FIRST


class LocalClock:
    """Converts one device's wall-clock times, in recording order, by the module's rule."""

    def __init__(self, tz: ZoneInfo):
        self.tz = tz
        self._second_pass = False
        self._last = None  # the last ambiguous time seen, while inside a repeated hour
        self._seen: set = set()

    def to_utc(self, naive: datetime) -> tuple[datetime, str]:
        kind = kind_of(naive, self.tz)
        if kind != REPEATED_FIRST:
            self._second_pass, self._last, self._seen = False, None, set()
            return naive.replace(tzinfo=self.tz, fold=0).astimezone(UTC), kind
        if self._last is not None and (naive < self._last or naive in self._seen):
            self._second_pass = True
        self._last = naive
        self._seen.add(naive)
        fold = 1 if self._second_pass else 0
        return (naive.replace(tzinfo=self.tz, fold=fold).astimezone(UTC),
                REPEATED_SECOND if fold else REPEATED_FIRST)


def utc_text(instant: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ``: how instants are stored (sorts as text)."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc_text(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def minutes_between(later: datetime, earlier: datetime) -> float:
    return (later - earlier) / timedelta(minutes=1)
