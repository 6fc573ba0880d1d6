"""Decimal integers as HTTP and the command line spell them: ASCII digits only.

``str.isdigit`` is true of '\u00b2' and '\u0661' too (and ``int`` reads the second as 1, the first not
at all): a query parameter, a header or a setting accepts only 0-9.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]+")


def ascii_int(text: str) -> int | None:
    """``text`` as a non-negative integer if it is ASCII digits and nothing else, else None."""
    return int(text) if _DIGITS.fullmatch(text) else None
