"""The WSGI middleware around the API: it journals requests, injects faults and limits rates.

It wraps everything that answers the API (Flask and any faster path in front of it), so a fault or
a journal entry looks the same whichever answers. With no fault, stub or rate limit set, a request
costs a prefix check, three attribute tests and the store's sync (nothing, in one process) on top
of the API; a GET of a stored conversation is one step of the store, read and journaled together
(``read_journaled``), and needs no sync: the store checks in that step that nothing changed.
"""

from __future__ import annotations

import contextlib
import io
import socket
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from mockserver.config import CORRELATION_HEADER
from mockserver.control.faults import Faults, RateLimiter
from mockserver.control.journal import Journal, read_entry
from mockserver.control.models import Fault, FaultKind
from mockserver.control.stubs import Stubs
from mockserver.numbers import ascii_int
from mockserver.state.clock import Clock
from mockserver.state.errors import ApiError, http_error, status_phrase
from mockserver.store.parts import OutOfDateError
from mockserver.web import sockets
from mockserver.web.auth import bearer_token, correlation_id
from mockserver.web.wire import error_answer, json_headers

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# The id of the stored conversation a fast path reads for a request (its method, PATH_INFO and
# Authorization header), or None if the app must answer it.
FastRead = Callable[[str, str, str], "str | None"]
# The store's read of one conversation, journaled in the same step (``ConversationStore.read_journaled``).
Read = Callable[[str, "Journal | None", "tuple[Any, ...] | None", int], "bytes | None"]
AsyncRead = Callable[[str, "Journal | None", "tuple[Any, ...] | None", int], "Awaitable[bytes | None]"]
# A request's header entries as a WSGI environ holds them: HTTP_X_API_KEY, CONTENT_TYPE.
HeaderEntries = dict[str, str]

# CONTENT_TYPE and CONTENT_LENGTH carry no HTTP_; no other CGI variable starts with CONTENT_.
_HEADER_PREFIXES = ("HTTP_", "CONTENT_")
Arrived = tuple[int, float, float]  # journal number, the server clock (s), time.perf_counter()
# Faults that end the connection without a complete answer: journaled before it ends.
_CUT = frozenset({FaultKind.DROP, FaultKind.RESET})
# Faults that send the API's answer spoiled.
_REWRITTEN = frozenset({FaultKind.MALFORMED, FaultKind.CONTENT_TYPE, FaultKind.EMPTY})
WRONG_CONTENT_TYPE = "text/html; charset=utf-8"  # what a proxy's error page would carry
# Statuses that tell a client when to come back: Retry-After is sent with them when a fault sets it.
RETRY_AFTER_STATUSES = frozenset({413, 429, 503})


def _nothing() -> None:
    pass


class Control:
    """The journal, faults and rate limiter of one app, applied to every API request."""

    def __init__(
        self,
        app: WSGIApplication,
        *,
        journal: Journal | None,
        faults: Faults,
        limiter: RateLimiter,
        stubs: Stubs | None = None,
        exempt: tuple[str, ...],
        max_body: int,
        clock: Clock,
        fast_read: FastRead | None = None,
        read: Read | None = None,
        aread: AsyncRead | None = None,
        sync: Callable[[], None] | None = None,
    ) -> None:
        self.app = app
        # Brings the faults, stubs, limits and clock up to date with the store's other processes
        # before anything reads them (a fast read checks that they are, in the same step).
        self.sync = sync or _nothing
        self.read, self.aread = read, aread
        self.clock = clock  # the server clock: a journal entry's time
        # What ``app`` answers without a start_response wrapper, asked first and recorded here:
        # see __call__.
        self.fast_read = fast_read
        self.journal = journal
        self.faults = faults
        self.limiter = limiter
        self.stubs = stubs or Stubs()
        # Path prefixes neither journaled nor faulted (the control API, the docs); one ending in /
        # covers the path without it too: /__admin/ covers /__admin, the control API's as well.
        self.exempt = exempt
        self.exempt_paths = frozenset(prefix[:-1] for prefix in exempt if prefix.endswith("/"))
        self.max_body = max_body

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path: str = environ.get("PATH_INFO", "")
        if path.startswith(self.exempt) or path in self.exempt_paths:
            self.sync()
            return self.app(environ, start_response)
        if self.faults.active or self.stubs.active or self.limiter.limit is not None:
            self.sync()
            return self._control(environ, start_response, path, self._arrived())
        journal = self.journal
        arrived = self._arrived()  # numbered on arrival
        # A request with a body takes the general path, which keeps the body (_has_body, inlined).
        if "CONTENT_LENGTH" not in environ and "HTTP_TRANSFER_ENCODING" not in environ:
            answered = self._fast(
                environ.get("REQUEST_METHOD", ""),
                path,
                environ.get("HTTP_AUTHORIZATION", ""),
                lambda: (environ.get("QUERY_STRING", ""), _request_headers(environ)),
                arrived,
            )
            if answered is not None:
                # The busiest request, recorded in one step with its read: its status and
                # correlation id are known here, so start_response needs no wrapper.
                start_response("200 OK", answered[0])
                return [answered[1]]
        self.sync()
        if self.faults.active or self.stubs.active or self.limiter.limit is not None:
            return self._control(environ, start_response, path, arrived)  # set by another process
        if journal is None:
            return self.app(environ, start_response)
        return self._control(environ, start_response, path, arrived)

    async def answer_bodyless(
        self, method: str, path: str, query: str, headers: HeaderEntries
    ) -> tuple[list[tuple[str, str]], bytes] | None:
        """The headers and body of the 200 a fast path gives a request without a body, journaled
        as ``__call__`` journals it; None, with nothing recorded, when ``__call__`` must answer.

        For a server that has the request but no environ, on an event loop (``RsgiBridge``):
        ``path`` is the WSGI ``PATH_INFO``, ``headers`` the header entries an environ would hold.
        The store's read is awaited (``aread_journaled``), so a store across the network serves
        other requests meanwhile. The journal numbers such a request when it is recorded.
        """
        if (
            self.faults.active
            or self.stubs.active
            or self.limiter.limit is not None
            or path.startswith(self.exempt)
            or path in self.exempt_paths
        ):
            return None
        # What _request_headers keeps of an environ: the non-empty entries, read from the end.
        prepared = self._prepare(
            method,
            path,
            headers.get("HTTP_AUTHORIZATION", ""),
            lambda: (query, {key: value for key, value in reversed(headers.items()) if value}),
            (0, self.clock.seconds(), time.perf_counter()),  # 0: numbered as recorded
        )
        if prepared is None or self.aread is None:
            return None
        conversation_id, draft, answered_id = prepared
        try:
            body = await self.aread(conversation_id, self.journal, draft, self.clock.ms())
        except OutOfDateError:
            return None
        return None if body is None else (json_headers(body, answered_id), body)

    def _fast(
        self,
        method: str,
        path: str,
        authorization: str,
        request: Callable[[], tuple[str, dict[str, str]]],
        arrived: Arrived,
    ) -> tuple[list[tuple[str, str]], bytes] | None:
        """The fast path's 200 for a stored conversation, read and journaled in one step of the
        store; None if the app must answer (no such read, no such conversation, or the store says
        another process changed what this one knows: the app then answers on the state synced)."""
        prepared = self._prepare(method, path, authorization, request, arrived)
        if prepared is None or self.read is None:
            return None
        conversation_id, draft, answered_id = prepared
        try:
            body = self.read(conversation_id, self.journal, draft, self.clock.ms())
        except OutOfDateError:
            return None
        return None if body is None else (json_headers(body, answered_id), body)

    def _prepare(
        self,
        method: str,
        path: str,
        authorization: str,
        request: Callable[[], tuple[str, dict[str, str]]],
        arrived: Arrived,
    ) -> tuple[str, tuple[Any, ...] | None, str] | None:
        """The conversation a fast read reads, its journal entry (None: no journal) and correlation id."""
        if self.fast_read is None:
            return None
        conversation_id = self.fast_read(method, path, authorization)
        if conversation_id is None:
            return None
        answered_id = correlation_id()
        draft = None
        if self.journal is not None:
            query, headers = request()
            draft = read_entry(arrived, path, query, headers, answered_id)
        return conversation_id, draft, answered_id

    def _arrived(self) -> Arrived:
        """The request's number in the journal (0 without one), its arrival time and a clock reading.

        Numbered on arrival, before any work, so the journal's order is the clients'.
        """
        return (
            (0 if self.journal is None else self.journal.next_id()),
            self.clock.seconds(),
            time.perf_counter(),
        )

    def _control(
        self, environ: WSGIEnvironment, start_response: StartResponse, path: str, arrived: Arrived
    ) -> Iterable[bytes]:
        answer = _Answer(start_response, arrived)
        journal = self.journal
        if journal is not None:
            headers = _request_headers(environ)
            body = self._take_body(environ) if _has_body(environ) else b""
        method = environ["REQUEST_METHOD"]
        picked = self.faults.pick(method, path) if self.faults.active else None
        fault = picked[0] if picked else None
        cut = fault is not None and fault.kind in _CUT
        stub_id = None
        try:
            if cut and journal is not None:  # recorded before the client sees the connection close
                self._record(journal, answer, environ, path, headers, body, fault, None)
            if picked is not None:
                fault, delay = picked
                if delay:
                    time.sleep(delay)
                if fault.kind is not FaultKind.LATENCY:
                    return self._apply(fault, environ, answer)
            wait = self.limiter.wait(_token(environ)) if self.limiter.limit is not None else None
            if wait is not None:
                return _error_response(ApiError.rate_limited(wait), answer, retry_after=wait)
            stubbed = self.stubs.pick(method, path) if self.stubs.active else None
            if stubbed is not None:
                stub_id, stub = stubbed
                answer(f"{stub.status} {status_phrase(stub.status)}", list(stub.headers))
                return [stub.body]
            return self.app(environ, answer)
        finally:
            if journal is not None and not cut:
                self._record(journal, answer, environ, path, headers, body, fault, stub_id)

    @staticmethod
    def _record(
        journal: Journal,
        answer: _Answer,
        environ: WSGIEnvironment,
        path: str,
        headers: dict[str, str],
        body: bytes,
        fault: Fault | None,
        stub_id: str | None,
    ) -> None:
        # Only strings, numbers and bytes, so the garbage collector soon stops tracking the entry;
        # keeping the environ itself cost serve measurable throughput (benchmarks/README.md).
        dropped = fault is not None and fault.kind in _CUT
        journal.record(  # the fields of an Arrival, as a plain tuple: cheaper to make
            (
                answer.arrival,
                answer.arrived,
                environ["REQUEST_METHOD"],
                path,
                environ.get("QUERY_STRING", ""),
                headers,
                body,
                None if dropped else answer.status,
                None if dropped else _correlation_id(answer.headers),
                fault.id if fault else None,
                (answer.answered - answer.started) * 1000 if answer.answered and not dropped else 0.0,
                stub_id,
                () if dropped else tuple(answer.headers),
            )
        )

    def _apply(self, fault: Fault, environ: WSGIEnvironment, capture: StartResponse) -> Iterable[bytes]:
        if fault.kind is FaultKind.DROP:
            # What Granian, which never hands the app its socket, can do too: promise a body and
            # close the connection before its first byte. Werkzeug does the same, so a drop looks
            # alike whichever server runs the app.
            capture("200 OK", [("Content-Length", "1")])
            return _cut_short(b"", environ)
        if fault.kind is FaultKind.RESET:
            _reset(environ)
        if fault.kind is FaultKind.TRUNCATE:
            return self._truncated(environ, capture)
        if fault.kind in _REWRITTEN:
            return self._rewritten(fault, environ, capture)
        status = fault.status or 500
        if status == 429:
            seconds = 1 if fault.retry_after is None else fault.retry_after
            return _error_response(ApiError.rate_limited(seconds), capture, retry_after=seconds)
        retry_after = fault.retry_after if status in RETRY_AFTER_STATUSES else None
        return _error_response(http_error(status), capture, retry_after=retry_after)

    def _truncated(self, environ: WSGIEnvironment, capture: StartResponse) -> Iterator[bytes]:
        """The API's answer with its full Content-Length, cut off halfway through the body."""
        status, headers, body = self._held(environ)
        capture(status, [*headers, ("Content-Length", str(len(body)))])
        return _cut_short(body, environ)

    def _rewritten(self, fault: Fault, environ: WSGIEnvironment, capture: StartResponse) -> list[bytes]:
        """The API's answer (its effects happen) with its body or Content-Type spoiled, as ``fault`` says."""
        status, headers, body = self._held(environ)
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

    def _held(self, environ: WSGIEnvironment) -> tuple[str, list[tuple[str, str]], bytes]:
        """The API's status, headers (without Content-Length) and whole body, not yet sent."""
        held: dict[str, Any] = {}

        def hold(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            held.update(status=status, headers=headers)
            return lambda data: None

        result = self.app(environ, hold)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        headers = [(k, v) for k, v in held["headers"] if k.lower() != "content-length"]
        return held["status"], headers, body

    def _take_body(self, environ: WSGIEnvironment) -> bytes:
        """Read the request body for the journal and put it back for the API to read."""
        length = ascii_int(environ.get("CONTENT_LENGTH") or "")
        if length is not None:
            if not 0 < length <= self.max_body:
                return b""  # nothing, or over the limit: the API answers 413 without reading it
            body: bytes = environ["wsgi.input"].read(length)
        elif environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":  # up to a byte past the limit
            body = environ["wsgi.input"].read(self.max_body + 1)
        else:
            return b""
        environ["wsgi.input"] = io.BytesIO(body)
        return body


class _Answer:
    """``start_response`` for the API, noting the status, headers and time of the answer."""

    __slots__ = ("answered", "arrival", "arrived", "headers", "start_response", "started", "status")

    def __init__(self, start_response: StartResponse, arrived: Arrived) -> None:
        self.start_response = start_response
        self.arrival, self.arrived, self.started = arrived
        self.status: int | None = None
        self.headers: list[tuple[str, str]] = []
        self.answered = 0.0

    def __call__(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        self.status = int(status[:3])
        self.headers = headers
        self.answered = time.perf_counter()
        return self.start_response(status, headers, exc_info)


def _request_headers(environ: WSGIEnvironment) -> dict[str, str]:
    """The request's header entries (``HTTP_*``, ``CONTENT_*``) of ``environ``.

    Servers add them last, as one run (Granian after the whole process environment, ~50
    entries): they are read from the end, skipping any other entries a server put after them,
    and stopping at the first other entry before them.
    """
    headers: dict[str, str] = {}
    for key in reversed(environ):
        if key.startswith(_HEADER_PREFIXES):
            if value := environ[key]:
                headers[key] = value
        elif headers:
            break
    return headers


def _has_body(environ: WSGIEnvironment) -> bool:
    return "CONTENT_LENGTH" in environ or "HTTP_TRANSFER_ENCODING" in environ


def _correlation_id(headers: list[tuple[str, str]]) -> str | None:
    for name, value in headers:
        if name == CORRELATION_HEADER:
            return value
    return None


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


def _token(environ: WSGIEnvironment) -> str:
    return bearer_token(environ.get("HTTP_AUTHORIZATION", "")) or ""
