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
# The form the API writes, yyyy-MM-ddTHH:mm:ss.SSSZ: a dozen of these per callback made reading
# them the decoder's largest cost. Its separators are tested by position, and the hour below 24
# (a newer Python reads 24:00 as the next midnight); fromisoformat then reads only ASCII digits
# between them and checks each field's range and the day against its month, so between them they
# accept exactly what the grammar accepts here (a pattern cost twice as much). The strict decoder's
# generated code inlines the same test, spelled by api_form_test below: keep the two alike.
_API_SEPARATORS = "--T::."
# Python 3.10's fromisoformat refuses "Z": there only the grammar reads the API's form.
FROMISOFORMAT_READS_Z = sys.version_info >= (3, 11)
# Zero-padded fields looked up rather than formatted: %-formatting seven integers was half the
# cost of encoding a callback.
_TWO_DIGITS = tuple(f"{n:02d}" for n in range(60))
_THREE_DIGITS = tuple(f"{n:03d}" for n in range(1000))


def _from_match(match: re.Match[str]) -> datetime:
    date, hour, minute, second, fraction, _z, sign, off_h, off_m = match.groups()
    year, month, day = (int(part) for part in date.split("-"))
    zone = UTC
    if sign is not None:
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        zone = timezone(-offset if sign == "-" else offset)
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    return datetime(year, month, day, int(hour), int(minute), int(second or 0), micro, zone)


def parse_datetime(text: str) -> datetime:
    """Read an ISO-8601 timestamp as an aware UTC datetime.

    A value without a zone is taken as UTC, the zone the API itself writes. Fractions beyond
    microseconds are truncated. Raises ``ValueError`` for anything else.
    """
    if (
        len(text) == 24
        and text[4:20:3] == _API_SEPARATORS
        and text[23] == "Z"
        and (text[11] < "2" or text[12] < "4")
    ):
        try:
            return datetime.fromisoformat(text)  # "Z" gives the UTC singleton
        except ValueError:
            pass  # no such day, year 0, or Python 3.10 refusing "Z": the grammar decides
    return parse_any_form(text)


def api_form_test(name: str) -> str:
    """``parse_datetime``'s test for the API's form, as an expression over the string ``name``."""
    return (
        f"len({name}) == 24 and {name}[4:20:3] == {_API_SEPARATORS!r} and {name}[23] == 'Z'"
        f" and ({name}[11] < '2' or {name}[12] < '4')"
    )


def parse_any_form(text: str) -> datetime:
    """``parse_datetime`` without its shortcut for the API's own form."""
    # The pattern is the gate: fromisoformat also takes forms outside the grammar (week dates, a
    # bare date, a space for "T"). Within it, fromisoformat is the fast path; the pattern's own
    # reading covers what it refuses (lower-case "t"/"z"; on Python 3.10 most forms).
    match = _ISO.fullmatch(text)
    if match is None:
        raise ValueError(text)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = _from_match(match)
    if value.tzinfo is UTC:
        return value
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:00-05:00 is a year 10000 in UTC
        raise ValueError(text) from None


def format_datetime(value: datetime) -> str:
    """Write ``value`` as the API does: ``yyyy-MM-ddTHH:mm:ss.SSSZ`` in UTC."""
    if value.tzinfo is not UTC and value.tzinfo is not None:
        value = value.astimezone(UTC)  # a naive value is taken as UTC already
    year = value.year
    yyyy = str(year) if year >= 1000 else f"{year:04d}"  # a format spec costs a third of the call
    return (
        f"{yyyy}-{_TWO_DIGITS[value.month]}-{_TWO_DIGITS[value.day]}"
        f"T{_TWO_DIGITS[value.hour]}:{_TWO_DIGITS[value.minute]}:{_TWO_DIGITS[value.second]}"
        f".{_THREE_DIGITS[value.microsecond // 1000]}Z"
    )
