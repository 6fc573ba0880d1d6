"""ISO-8601 timestamps: read every form a client sends, write the one form the API sends."""

from __future__ import annotations

import re
import sys
from datetime import datetime, timedelta, timezone

UTC = timezone.utc

# The grammar accepted everywhere, shared with the JSON Schema: a calendar date (the day exists in
# its month, 29 February only in leap years, no year 0), "T", hours and minutes, optional seconds
# with 0-9 fractional digits, and an optional zone ("Z" or an offset). Digits are spelled [0-9]:
# a Python \d also matches other scripts' digits.
_DATE = (
    r"(?!0000)(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    r"|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)"
)
ISO_PATTERN = (
    rf"({_DATE})[Tt]([01][0-9]|2[0-3]):([0-5][0-9])"
    r"(?::([0-5][0-9])(?:[.,]([0-9]{1,9}))?)?"
    r"(?:([Zz])|([+-])([01][0-9]|2[0-3]):?([0-5][0-9]))?"
)
_ISO = re.compile(ISO_PATTERN)


def _parse_by_pattern(text: str) -> datetime:
    match = _ISO.fullmatch(text)
    if match is None:
        raise ValueError(text)
    date, hour, minute, second, fraction, _z, sign, off_h, off_m = match.groups()
    year, month, day = (int(part) for part in date.split("-"))
    zone = UTC
    if sign is not None:
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        zone = timezone(-offset if sign == "-" else offset)
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    return datetime(year, month, day, int(hour), int(minute), int(second or 0), micro, zone)


def _parse_fast(text: str) -> datetime:
    # CPython 3.11+ parses every form of the grammar natively; the pattern is the gate that keeps
    # out the forms it also takes (week dates, basic format, a bare date).
    if _ISO.fullmatch(text) is None:
        raise ValueError(text)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return _parse_by_pattern(text)  # lower-case "t"/"z", which fromisoformat refuses


_parse = _parse_fast if sys.version_info >= (3, 11) else _parse_by_pattern


def parse_datetime(text: str) -> datetime:
    """Read an ISO-8601 timestamp as an aware UTC datetime.

    A value without a zone is taken as UTC, the zone the API itself writes. Fractions beyond
    microseconds are truncated. Raises ``ValueError`` for anything else.
    """
    value = _parse(text)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    if value.tzinfo is not UTC:
        try:
            return value.astimezone(UTC)
        except OverflowError:  # 9999-12-31T23:00-05:00 is a year 10000 in UTC
            raise ValueError(text) from None
    return value


def format_datetime(value: datetime) -> str:
    """Write ``value`` as the API does: ``yyyy-MM-ddTHH:mm:ss.SSSZ`` in UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    elif value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    # isoformat of an aware UTC value always ends in "+00:00".
    return value.isoformat(timespec="milliseconds")[:-6] + "Z"
