"""The parsers of the server's settings, and of the integers HTTP and the command line spell.

A parser takes a ``str`` as text and any other value as already typed, checked (an int where an int
belongs, never a bool; a datetime or ISO string for NOW), and raises ``ValueError`` saying what it
takes; ``mockserver.config`` names the setting. Imports neither Flask nor the contract.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

import attrs

from mockserver.state.clock import out_of_range

LIFECYCLE_MODES = ("auto", "manual", "off")
API_PREFIX = "/api/v2/"
_TRUE, _FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")
# ``str.isdigit`` is true of '\u00b2' and '\u0661' too (and ``int`` reads the second as 1, the first not
# at all): a query parameter, a header or a setting accepts only 0-9.
_DIGITS = re.compile(r"[0-9]+")


def ascii_int(text: str) -> int | None:
    """``text`` as a non-negative integer if it is ASCII digits and nothing else, else None."""
    return int(text) if _DIGITS.fullmatch(text) else None


def _text(value: Any, expected: str) -> str:
    """``value`` if it is text; a setting that only text can say refuses anything else."""
    if not isinstance(value, str):
        raise ValueError(expected)
    return value


def integer(minimum: int, maximum: int | None = None) -> Callable[[Any], int]:
    expected = f"an integer of at least {minimum}" + ("" if maximum is None else f" and at most {maximum}")

    def parse(given: Any) -> int:
        # A bool is no integer here, though Python counts it as one.
        value = ascii_int(given.strip()) if isinstance(given, str) else given if type(given) is int else None
        if value is None or value < minimum or (maximum is not None and value > maximum):
            raise ValueError(f"{expected} (ASCII digits)" if isinstance(given, str) else expected)
        return value

    return parse


def seconds(given: Any) -> float:
    if isinstance(given, str):
        try:
            value = float(given)
        except ValueError:
            value = -1.0
    else:
        value = float(given) if type(given) in (int, float) else -1.0
    if not 0 < value < float("inf"):
        raise ValueError("a positive number of seconds")
    return value


def boolean(given: Any) -> bool:
    if isinstance(given, bool):
        return given
    lowered = _text(given, "true or false").strip().lower()
    if lowered in _TRUE or lowered in _FALSE:
        return lowered in _TRUE
    raise ValueError("true or false")


def tokens(given: Any) -> tuple[str, ...]:
    """A JSON array (or a list) of strings, or one plain token (never a string to search within)."""
    expected = "a JSON array (or list) of non-empty strings, or one token"
    if isinstance(given, (list, tuple)):
        tokens: Any = list(given)
    elif isinstance(given, str) and given.lstrip().startswith("["):
        try:
            tokens = json.loads(given)
        except ValueError:
            tokens = None
    else:
        return (token(_text(given, expected), expected),)
    if not (isinstance(tokens, list) and all(isinstance(t, str) and t.strip() for t in tokens)):
        raise ValueError(expected)
    return tuple(token.strip() for token in tokens)


def token(given: Any, expected: str = "a non-empty token") -> str:
    text = _text(given, expected)
    if not text.strip():
        raise ValueError(expected)
    return text.strip()


def admin_prefix(given: Any) -> str:
    """A path prefix of its own: it starts with /, is not / alone and holds no API path."""
    text = _text(given, "a path such as /__admin")
    prefix = text.rstrip("/")
    if not text.startswith("/") or not prefix:
        raise ValueError("a path such as /__admin (starting with /, not / alone)")
    if (
        any(c in prefix for c in "?# ")
        or API_PREFIX.startswith(prefix + "/")
        or prefix.startswith(API_PREFIX)
    ):
        raise ValueError(f"a path outside the API's {API_PREFIX}, with no ?, # or space")
    if prefix == "/openapi.json":
        raise ValueError("a path other than the document's /openapi.json")
    return prefix


def _model(given: Any) -> bool:
    """Whether ``given`` is a model's Python value (a mapping or an attrs instance): the backend
    checks it against the model, naming the setting, when the app starts."""
    return isinstance(given, Mapping) or attrs.has(type(given))


def rate_limit(given: Any) -> Any:
    """``REQUESTS/SECONDS`` (300/60), or the control API's JSON object (a mapping or a RateLimit)."""
    expected = "REQUESTS/SECONDS such as 300/60, or {'requests': N, 'windowSeconds': W}"
    if _model(given):
        return given
    text = _text(given, expected)
    if text.lstrip().startswith("{"):
        try:
            limit = json.loads(text)
        except ValueError:
            limit = None
        if not (isinstance(limit, dict) and set(limit) == {"requests", "windowSeconds"}):
            raise ValueError(expected)
        values = list(limit.values())
        if not all(type(v) is int and v > 0 for v in values):
            raise ValueError(expected)
        return limit
    requests, _, seconds = text.partition("/")
    count, window = ascii_int(requests), ascii_int(seconds)
    if count is None or window is None or count < 1 or window < 1:
        raise ValueError(expected)
    return {"requests": count, "windowSeconds": window}


def now(given: Any) -> datetime:
    """An ISO-8601 time (or a datetime); without a zone it is UTC, as the contract reads one.

    It must be a time the clock can hold (``clock.EARLIEST``..``clock.LATEST``).
    """
    expected = "an ISO-8601 time such as 2030-01-01T09:00:00Z, or a datetime"
    if isinstance(given, datetime):
        moment = given
    else:
        try:
            moment = datetime.fromisoformat(_text(given, expected).strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(expected) from None
    moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    problem = out_of_range(moment)
    if problem is not None:
        raise ValueError(problem)
    return moment


def lifecycle(given: Any) -> Any:
    """A mode name, or a JSON object of the control API's Lifecycle, or a mapping or Lifecycle
    (checked against the model when the app starts)."""
    expected = f"one of {', '.join(LIFECYCLE_MODES)}, or a JSON object of Lifecycle's fields"
    if _model(given):
        return given
    text = _text(given, expected)
    if text.strip() in LIFECYCLE_MODES:
        return {"mode": text.strip()}
    try:
        settings = json.loads(text)
    except ValueError:
        settings = None
    if not isinstance(settings, dict):
        raise ValueError(expected)
    return settings


def store(given: Any) -> str:
    """``memory``, or a Redis URL: redis://HOST:PORT/DB (rediss:// for TLS, unix:// for a socket): ``store.SCHEMES``."""
    from mockserver.store import scheme_of  # here: the store's modules read the settings' defaults

    expected = "memory, or a Redis URL such as redis://127.0.0.1:6379/0"
    url = _text(given, expected).strip()
    if scheme_of(url) is None:
        raise ValueError(expected)
    return url


def websocket_url(given: Any) -> str:
    expected = "a WebSocket URL such as ws://mock.example:8081"
    url = _text(given, expected).strip().rstrip("/")
    if not url.startswith(("ws://", "wss://")) or len(url) <= len("wss://"):
        raise ValueError(expected)
    return url


HTTP_URL = r"^https?://[!-~]+$"  # an http or https URL, printable ASCII (EVENT_SINK's, and the control API's)


def http_url(given: Any) -> str:
    expected = "an http or https URL such as http://127.0.0.1:9000/events"
    url = _text(given, expected).strip()
    if re.fullmatch(HTTP_URL, url) is None:
        raise ValueError(expected)
    return url


def namespace(given: Any) -> str:
    name = _text(given, "a name without spaces, such as team-a").strip()
    if not name or any(c.isspace() for c in name):
        raise ValueError("a name without spaces, such as team-a")
    return name


def hosts(given: Any) -> tuple[str, ...]:
    """Host names (``mock.example``, ``.example.com`` for it and its subdomains, ``*`` for any), as a
    JSON array, a list or a comma list; lower-cased, without port."""
    expected = "host names such as mock.example, .example.com or *, as a JSON array or a comma list"
    names: Any
    if isinstance(given, (list, tuple)):
        names = list(given)
    elif _text(given, expected).lstrip().startswith("["):
        try:
            names = json.loads(given)
        except ValueError:
            names = None
    else:
        names = given.split(",")
    if not (isinstance(names, list) and all(isinstance(n, str) for n in names)):
        raise ValueError(expected)
    hosts = tuple(name.strip().lower().rstrip(".") for name in names)
    if not hosts or any(not h or any(c in h for c in "/:@[] ") for h in hosts):
        raise ValueError(expected)
    return hosts


def as_text(value: Any) -> str:
    """A parsed setting's value as the text its variable takes: ``as_text`` of what a parser gave
    reads back, by the same parser, as that value (a mapping as a JSON object, a tuple as an array)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return json.dumps(list(value) if isinstance(value, tuple) else value)
