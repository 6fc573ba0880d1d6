"""Carrying out faults, the rate limit and stubs on a request, in place of (or around) the API's answer.

``faults`` and ``stubs`` hold what is set and pick what applies; here a picked one is done to the
exchange: a connection dropped or reset, an answer cut short or spoiled, an error, a stub's answer.
The control layer (``middleware``) decides when; ``app`` is the API it wraps.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from mockserver.control.models import Fault, FaultKind
from mockserver.control.stubs import StubAnswer
from mockserver.state.errors import ApiError, http_error, status_phrase
from mockserver.web import sockets
from mockserver.web.auth import correlation_id
from mockserver.web.wire import error_answer

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# Faults that end the connection without a complete answer: journaled before it ends.
CUT = frozenset({FaultKind.DROP, FaultKind.RESET})
# Faults that send the API's answer spoiled.
_REWRITTEN = frozenset({FaultKind.MALFORMED, FaultKind.CONTENT_TYPE, FaultKind.EMPTY})
WRONG_CONTENT_TYPE = "text/html; charset=utf-8"  # what a proxy's error page would carry
# Statuses that tell a client when to come back: Retry-After is sent with them when a fault sets it.
RETRY_AFTER_STATUSES = frozenset({413, 429, 503})


def apply(
    app: WSGIApplication, fault: Fault, environ: WSGIEnvironment, capture: StartResponse
) -> Iterable[bytes]:
    """The answer ``fault`` (any kind but latency) makes of the request, ``app``'s own if it needs one."""
    if fault.kind is FaultKind.DROP:
        # What Granian, which never hands the app its socket, can do too: promise a body and
        # close the connection before its first byte. Werkzeug does the same, so a drop looks
        # alike whichever server runs the app.
        capture("200 OK", [("Content-Length", "1")])
        return _cut_short(b"", environ)
    if fault.kind is FaultKind.RESET:
        _reset(environ)
    if fault.kind is FaultKind.TRUNCATE:
        return _truncated(app, environ, capture)
    if fault.kind in _REWRITTEN:
        return _rewritten(app, fault, environ, capture)
    status = fault.status or 500
    if status == 429:
        seconds = 1 if fault.retry_after is None else fault.retry_after
        return rate_limited(seconds, capture)
    retry_after = fault.retry_after if status in RETRY_AFTER_STATUSES else None
    return _error_response(http_error(status), capture, retry_after=retry_after)


def rate_limited(seconds: int, capture: StartResponse) -> list[bytes]:
    """The API's 429, with Retry-After ``seconds``."""
    return _error_response(ApiError.rate_limited(seconds), capture, retry_after=seconds)


def stubbed(stub: StubAnswer, capture: StartResponse) -> list[bytes]:
    """A stub's answer: its status, headers and body exactly."""
    capture(f"{stub.status} {status_phrase(stub.status)}", list(stub.headers))
    return [stub.body]


def _truncated(app: WSGIApplication, environ: WSGIEnvironment, capture: StartResponse) -> Iterator[bytes]:
    """The API's answer with its full Content-Length, cut off halfway through the body."""
    status, headers, body = _held(app, environ)
    capture(status, [*headers, ("Content-Length", str(len(body)))])
    return _cut_short(body, environ)


def _rewritten(
    app: WSGIApplication, fault: Fault, environ: WSGIEnvironment, capture: StartResponse
) -> list[bytes]:
    """The API's answer (its effects happen) with its body or Content-Type spoiled, as ``fault`` says."""
    status, headers, body = _held(app, environ)
    if fault.kind is FaultKind.CONTENT_TYPE:
        wrong = fault.content_type or WRONG_CONTENT_TYPE
        headers = [(k, wrong if k.lower() == "content-type" else v) for k, v in headers]
        if not any(k.lower() == "content-type" for k, _ in headers):
            headers.append(("Content-Type", wrong))
    else:  # malformed or empty: a 200 whose body no JSON parser reads
        status = "200 OK"
        body = (body[: len(body) // 2] or b"{") if fault.kind is FaultKind.MALFORMED else b""
    capture(status, [*headers, ("Content-Length", str(len(body)))])
    return [body]


def _held(app: WSGIApplication, environ: WSGIEnvironment) -> tuple[str, list[tuple[str, str]], bytes]:
    """The API's status, headers (without Content-Length) and whole body, not yet sent."""
    held: dict[str, Any] = {}

    def hold(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        held.update(status=status, headers=headers)
        return lambda data: None

    result = app(environ, hold)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    headers = [(k, v) for k, v in held["headers"] if k.lower() != "content-length"]
    return held["status"], headers, body


def _error_response(error: ApiError, capture: StartResponse, *, retry_after: int | None) -> list[bytes]:
    status, headers, body = error_answer(error, correlation_id())
    if retry_after is not None:
        headers.append(("Retry-After", str(retry_after)))
    capture(status, headers)
    return [body]


def _cut_short(body: bytes, environ: WSGIEnvironment) -> Iterator[bytes]:
    """Half the body, then the connection closes, short of the announced Content-Length."""
    # Even an empty chunk makes Werkzeug send the status line and headers before the close.
    yield body[: len(body) // 2]
    if "werkzeug.socket" not in environ:
        # Granian streams the iterator from another thread and aborts the connection as soon as
        # it fails: a moment's pause lets what was yielded reach the client first.
        time.sleep(0.05)
    _drop(environ)


def _drop(environ: WSGIEnvironment) -> None:
    """Close the connection without answering (Werkzeug hands the socket to the app)."""
    connection: socket.socket | None = environ.get("werkzeug.socket")
    if connection is not None:
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)
    # Servers treat this as the client going away: they stop without sending anything more.
    raise ConnectionAbortedError("fault: connection dropped")


def _reset(environ: WSGIEnvironment) -> None:
    """Reset the connection (TCP RST), before any answer.

    Werkzeug hands the app its socket, reset here. Granian does not: ``RsgiBridge`` finds the
    connection's socket when the app raises ``ConnectionResetError``, and resets it.
    """
    connection: socket.socket | None = environ.get("werkzeug.socket")
    if connection is not None:
        with contextlib.suppress(OSError):
            sockets.reset(connection.fileno())
    raise ConnectionResetError("fault: connection reset")
