"""The shortcuts for the API's own timestamp form agree with the general grammar and formatter."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts._datetimes import (
    FROMISOFORMAT_READS_Z,
    api_form_test,
    format_datetime,
    parse_any_form,
    parse_datetime,
)

UTC = timezone.utc

# Strings of the API's shape, digits anywhere: days a month lacks, hour 29, year 0000 and so on.
api_shaped = st.from_regex(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z", fullmatch=True
)
# The API's separators with anything between them: signs, spaces, other scripts' digits.
api_lookalike = st.lists(st.sampled_from("0123456789") | st.characters(), min_size=17, max_size=17).map(
    lambda chars: "{}{}{}{}-{}{}-{}{}T{}{}:{}{}:{}{}.{}{}{}Z".format(*chars)
)
# Mostly real moments, written the way the API writes them.
api_written = st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%S.") + "123Z")
zones = st.none() | st.just(UTC) | st.timedeltas(timedelta(hours=-23), timedelta(hours=23)).map(timezone)


def reading(text: str) -> datetime | None:
    try:
        return parse_datetime(text)
    except ValueError:
        return None


def general_reading(text: str) -> datetime | None:
    try:
        return parse_any_form(text)
    except ValueError:
        return None


@given(text=api_shaped | api_lookalike | api_written)
def test_the_api_form_is_read_as_the_grammar_reads_it(text: str) -> None:
    value = reading(text)

    assert value == general_reading(text)
    assert value is None or value.tzinfo is UTC


# The strict decoder's generated code: fromisoformat when the inlined test passes, else the hook.
inlined = eval(
    f"lambda v: fromisoformat(v) if {api_form_test('v')} else parse_datetime(v)",
    {"fromisoformat": datetime.fromisoformat, "parse_datetime": parse_datetime},
)


def inline_reading(text: str) -> datetime | None:
    try:
        value: datetime = inlined(text)
    except ValueError:
        return None
    return value


@pytest.mark.skipif(not FROMISOFORMAT_READS_Z, reason="Python 3.10 decoders call parse_datetime")
@given(text=api_shaped | api_lookalike | api_written)
def test_the_inlined_test_reads_the_api_form_as_parse_datetime_does(text: str) -> None:
    assert inline_reading(text) == reading(text)


@pytest.mark.parametrize(
    "text",
    [
        "2022-02-30T10:00:00.000Z",
        "2023-02-29T10:00:00.000Z",
        "1900-02-29T10:00:00.000Z",
        "0000-01-01T00:00:00.000Z",
        "2022-07-04T24:00:00.000Z",
        "2022-07-04T10:60:00.000Z",
        "2022-07-04T10:56:60.000Z",
        "2022-07-04 10:56:34.973Z",
        "2022-07-04X10:56:34.973Z",
        "2022-W27-1T10:56:34.973Z",
        "2022-07-04T105634.97312Z",
        "\u0662022-07-04T10:56:34.973Z",
        "2022-07-04T10:56:34.973Z\n",
    ],
)
def test_near_misses_of_the_api_form_are_refused(text: str) -> None:
    assert reading(text) is None
    assert inline_reading(text) is None or not FROMISOFORMAT_READS_Z


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-02-29T23:59:59.999Z", datetime(2024, 2, 29, 23, 59, 59, 999000, tzinfo=UTC)),
        ("2000-02-29T00:00:00.000Z", datetime(2000, 2, 29, tzinfo=UTC)),
        ("0001-01-01T00:00:00.000Z", datetime(1, 1, 1, tzinfo=UTC)),
        ("9999-12-31T23:59:59.999Z", datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)),
    ],
)
def test_the_api_form_is_read_exactly(text: str, expected: datetime) -> None:
    value = parse_datetime(text)

    assert value == expected
    assert value.tzinfo is UTC


# A day's margin at either end: an offset may carry a moment past year 1 or 9999 in UTC.
# Hypothesis types bounds with naive-only or aware-only timezones, not with a mix of the two.
@given(moment=st.datetimes(datetime(1, 1, 2), datetime(9999, 12, 30), timezones=zones))  # type: ignore[arg-type]
def test_timestamps_are_written_as_isoformat_writes_them_to_the_millisecond(moment: datetime) -> None:
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    expected = utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    assert format_datetime(moment) == expected
