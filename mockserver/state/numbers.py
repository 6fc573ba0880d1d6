"""Callback numbers as the API takes them: E.164, or national numbers it completes, or as sent.

The official Python tutorial sends ``"3172222222"`` (no ``+``, no country code), the
automated-callback blueprint a JSON number, and ``CreateCallbackCommand`` carries ``countryCode``
("The country code to be associated with the callback numbers") and ``validateCallbackNumbers``
("Whether or not to validate the callback numbers for phone number format"). The reference does
not say how the API completes a national number; the mock's rule (docs/lifecycle.md, inferred):

- ``validateCallbackNumbers: false``: every number is stored as sent (a JSON number as its digits).
- Otherwise separators (spaces, ``-``, ``.``, ``(``, ``)``) are dropped; a number with ``+`` must be
  E.164; a national number takes the calling code ``countryCode`` names (digits, with or without
  ``+``; one trunk ``0`` dropped), or, with none, is a North American 10-digit number (``+1``, the
  calling code of the tutorial's org). Anything else is ``callback.error.parse.call.number``.

Nothing here imports Flask.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from contracts import E164
from mockserver.state.errors import ApiError

MISSING_CODE = "callback.error.missing.callback.numbers"
PARSE_CODE = "callback.error.parse.call.number"
_SEPARATORS = re.compile(r"[\s\-.()]")
_CALLING_CODE = re.compile(r"\+?([1-9][0-9]{0,2})")
_NANP = re.compile(r"[2-9][0-9]{9}")


def dialable(
    numbers: Sequence[str] | None,
    *,
    country_code: str | None = None,
    validate: bool | None = None,
    at: str = "$",
) -> tuple[str, ...]:
    """``numbers`` as the callback stores them; at least one. Raises the API's 400 naming the number."""
    path = f"{at}.callbackNumbers"
    if not numbers:
        raise ApiError.invalid(MISSING_CODE, path, f"{path} must hold at least one number; got none.")
    if validate is False:
        for index, number in enumerate(numbers):
            if not number.strip():
                raise ApiError.invalid(PARSE_CODE, f"{path}[{index}]", f"{path}[{index}] is empty.")
        return tuple(numbers)
    return tuple(_e164(number, country_code, f"{path}[{index}]") for index, number in enumerate(numbers))


def _e164(number: str, country_code: str | None, path: str) -> str:
    bare = _SEPARATORS.sub("", number)
    if bare.startswith("+"):
        if E164.fullmatch(bare):
            return bare
    elif bare.isascii() and bare.isdigit():
        calling = _CALLING_CODE.fullmatch(country_code or "")
        if calling is not None:
            completed = f"+{calling.group(1)}{bare.removeprefix('0')}"
            if E164.fullmatch(completed):
                return completed
        elif _NANP.fullmatch(bare):
            return f"+1{bare}"
    raise ApiError.invalid(
        PARSE_CODE,
        path,
        f"{path} must be an E.164 number such as '+14155550123', or a national number with a "
        f"countryCode (a calling code such as '44'), or a 10-digit North American number; got {number!r}.",
    )
