"""Phone numbers as the API writes them: E.164."""

from __future__ import annotations

import re
from typing import Annotated

# A "+", a country code that does not start with 0, and at most 15 ASCII digits in all.
E164 = re.compile(r"\+[1-9][0-9]{1,14}")
# The same, anchored for any JSON Schema engine: "(?!\n)" because a Python "$" also matches
# before a final newline. The schema keyword of every field that holds a number.
E164_PATTERN = rf"^(?:{E164.pattern})$(?!\n)"
# A callback number the API reads with no country code: E.164, or a 10-digit North American number,
# either with spaces, "-", ".", "(" or ")" between its digits (mockserver.state.numbers has the rest).
_SEP = r"[ .()-]*"
DIAL_PATTERN = (
    rf"^(?:{_SEP}\+[1-9](?:{_SEP}[0-9]){{1,14}}{_SEP}|{_SEP}[2-9](?:{_SEP}[0-9]){{9}}{_SEP})$(?!\n)"
)


class _Dialled:
    """The mark of a callback number's type (``DialString``)."""


# A callback number as a client sends it: a string, or a JSON number that the API reads as its
# digits (Genesys's automated-callback blueprint sends one unquoted). A ``str`` to type checkers;
# its schema is the string the API documents; decoding also takes a non-negative JSON integer and
# gives its digits.
DialString = Annotated[str, _Dialled]
