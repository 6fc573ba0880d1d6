"""The server's settings read from text: ``CALLBACK_MOCK_*`` variables and ``serve``'s options alike.

One parser per setting, used for both, so a variable means exactly what the option means:
``CALLBACK_MOCK_TOKENS=secret`` is the one token ``secret`` (a JSON array gives several),
``CALLBACK_MOCK_ADMIN_TOKEN=12345`` is the string ``"12345"``, and a bad value is refused with
the setting's name and what it takes rather than read as something else. Imports neither Flask
nor the contract, so ``serve``'s supervising process checks every setting before it starts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from mockserver.numbers import ascii_int

PREFIX = "CALLBACK_MOCK_"
LIFECYCLE_MODES = ("auto", "manual", "off")
API_PREFIX = "/api/v2/"
_TRUE, _FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


class SettingError(ValueError):
    """A setting's text that does not say what the setting takes."""

    def __init__(self, name: str, text: str, expected: str) -> None:
        super().__init__(f"{name}: expected {expected}, got {text!r}")
        self.name = name
        self.text = text
        self.expected = expected


def _integer(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = ascii_int(text.strip())
        if value is None or value < minimum:
            raise ValueError(f"an integer of at least {minimum} (ASCII digits)")
        return value

    return parse


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < float("inf"):
        raise ValueError("a positive number of seconds")
    return value


def _boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE or lowered in _FALSE:
        return lowered in _TRUE
    raise ValueError("true or false")


def _tokens(text: str) -> tuple[str, ...]:
    """A JSON array of strings, or one plain token (never a string to search within)."""
    if text.lstrip().startswith("["):
        try:
            tokens = json.loads(text)
        except ValueError:
            tokens = None
        if not (isinstance(tokens, list) and all(isinstance(t, str) and t for t in tokens)):
            raise ValueError("a JSON array of non-empty strings, or one token")
        return tuple(tokens)
    if not text.strip():
        raise ValueError("a JSON array of non-empty strings, or one token")
    return (text.strip(),)


def _token(text: str) -> str:
    if not text.strip():
        raise ValueError("a non-empty token")
    return text.strip()


def admin_prefix(text: str) -> str:
    """A path prefix of its own: it starts with /, is not / alone and holds no API path."""
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


def _rate_limit(text: str) -> dict[str, int]:
    """``REQUESTS/SECONDS`` (300/60), or the control API's JSON object."""
    expected = "REQUESTS/SECONDS such as 300/60, or {'requests': N, 'windowSeconds': W}"
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


def _now(text: str) -> datetime:
    """An ISO-8601 time; without a zone it is UTC, as the contract reads one."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("an ISO-8601 time such as 2030-01-01T09:00:00Z") from None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _lifecycle(text: str) -> dict[str, Any]:
    """A mode name, or a JSON object of the control API's Lifecycle (checked when the app starts)."""
    expected = f"one of {', '.join(LIFECYCLE_MODES)}, or a JSON object of Lifecycle's fields"
    if text.strip() in LIFECYCLE_MODES:
        return {"mode": text.strip()}
    try:
        settings = json.loads(text)
    except ValueError:
        settings = None
    if not isinstance(settings, dict):
        raise ValueError(expected)
    return settings


def _store(text: str) -> str:
    """``memory``, or a Redis URL: redis://HOST:PORT/DB (rediss:// for TLS, unix:// for a socket)."""
    url = text.strip()
    if url != "memory" and not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError("memory, or a Redis URL such as redis://127.0.0.1:6379/0")
    return url


def _websocket_url(text: str) -> str:
    url = text.strip().rstrip("/")
    if not url.startswith(("ws://", "wss://")) or len(url) <= len("wss://"):
        raise ValueError("a WebSocket URL such as ws://mock.example:8081")
    return url


def _prefix(text: str) -> str:
    name = text.strip()
    if not name or any(c.isspace() for c in name):
        raise ValueError("a name without spaces, such as team-a")
    return name


PARSERS: dict[str, Callable[[str], Any]] = {
    "SEED": _integer(0),
    "CONVERSATIONS": _integer(0),
    "NOW": _now,
    "CLOCK_FROZEN": _boolean,
    "LIFECYCLE": _lifecycle,
    "TOKENS": _tokens,
    "MAX_CONTENT_LENGTH": _integer(1),
    "BODY_TIMEOUT": _seconds,
    "ADMIN": _boolean,
    "ADMIN_PREFIX": admin_prefix,
    "ADMIN_TOKEN": _token,
    "JOURNAL": _boolean,
    "JOURNAL_LIMIT": _integer(1),
    "JOURNAL_BYTES": _integer(1),
    "RATE_LIMIT": _rate_limit,
    "STREAMING_HOST": _token,
    "STREAMING_URL": _websocket_url,
    "STREAMING_PORT": _integer(0),
    "HEARTBEAT_SECONDS": _seconds,
    "STORE": _store,
    "STORE_PREFIX": _prefix,
    "WORKERS": _integer(1),
    "IDLE_SECONDS": _seconds,
    "CONNECTIONS": _integer(1),
    "STREAM_OUTBOX_BYTES": _integer(1024),
}


def parse(name: str, text: str) -> Any:
    """The value of setting ``name`` (a key of ``DEFAULTS``) written as ``text``."""
    try:
        return PARSERS[name](text)
    except ValueError as error:
        raise SettingError(name, text, str(error)) from None


def from_environ(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every setting a ``CALLBACK_MOCK_*`` variable gives, parsed; other variables are left alone."""
    environ = os.environ if environ is None else environ
    return {name: parse(name, environ[PREFIX + name]) for name in PARSERS if PREFIX + name in environ}
