"""The control layer: the WSGI middleware that journals API requests, carries out faults and
stubs, and limits rates.

It wraps everything that answers the API (Flask and any faster path in front of it), so a fault or
a journal entry looks the same whichever answers. It dispatches only: ``recording`` keeps each
exchange in the journal, ``faulting`` carries out a fault, the rate limit or a stub. With no
fault, stub or rate limit set, a request costs a prefix check, three attribute tests and the
store's sync (nothing, in one process) on top of the API; a GET of a stored conversation is one
step of the store, read and journaled together (``read_journaled``), and needs no sync: the store
checks in that step that nothing changed.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING

from attrs import frozen

from mockserver.control import faulting
from mockserver.control.faults import Faults, RateLimiter
from mockserver.control.journal import Journal, KeptRequest, fast_read_fields
from mockserver.control.matchers import LiveRequest
from mockserver.control.models import FaultKind
from mockserver.control.recording import (
    CLIENT_GONE,
    Answer,
    ArrivalStamp,
    has_body,
    record,
    request_headers,
    take_body,
)
from mockserver.control.stubs import Stubs
from mockserver.state.clock import Clock
from mockserver.store.errors import OutOfDateError
from mockserver.web.auth import bearer_token, correlation_id
from mockserver.web.wire import json_headers

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# The id of the stored conversation a fast path reads for a request (its method, PATH_INFO and
# Authorization header), or None if the app must answer it.
FastRead = Callable[[str, str, str], "str | None"]
# The store's read of one conversation, journaled in the same step (``ConversationStore.read_journaled``).
Read = Callable[[str, "Journal | None", "KeptRequest | None", int], "bytes | None"]
AsyncRead = Callable[[str, "Journal | None", "KeptRequest | None", int], "Awaitable[bytes | None]"]
# A request's header entries as a WSGI environ holds them: HTTP_X_API_KEY, CONTENT_TYPE.
HeaderEntries = dict[str, str]


def _nothing() -> None:
    pass


@frozen
class Controls:
    """What the control layer applies to every API request: the backend's control state.

    ``sync`` brings the faults, stubs, limits and clock up to date with the store's other
    processes before anything reads them; ``clock`` is the server clock, a journal entry's time.
    """

    journal: Journal | None
    faults: Faults
    limiter: RateLimiter
    stubs: Stubs
    clock: Clock
    sync: Callable[[], None] = _nothing


@frozen
class StoredReads:
    """The fast path the layer asks first and the store's reads of it, each journaled in one step.

    ``readable`` names the stored conversation a request reads (the fast path's answer, recorded
    here without a start_response wrapper: see ``ControlLayer.__call__``); ``read`` and ``aread``
    read it and keep its journal entry (``ConversationStore.read_journaled``, ``aread_journaled``).
    """

    readable: FastRead
    read: Read
    aread: AsyncRead


class ControlLayer:
    """The WSGI layer that applies one app's journal, faults, stubs and rate limit to every API request."""

    def __init__(
        self,
        app: WSGIApplication,
        controls: Controls,
        *,
        exempt: tuple[str, ...],
        max_body: int,
        reads: StoredReads | None = None,
    ) -> None:
        self.app = app
        # Each an attribute of its own, as every request reads them (a fast read checks in its
        # step of the store that they are in sync).
        self.sync = controls.sync
        self.clock = controls.clock
        self.journal = controls.journal
        self.faults = controls.faults
        self.limiter = controls.limiter
        self.stubs = controls.stubs
        self.fast_read: FastRead | None = reads.readable if reads else None
        self.read: Read | None = reads.read if reads else None
        self.aread: AsyncRead | None = reads.aread if reads else None
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
            return self._general(environ, start_response, path, self._arrived())
        journal = self.journal
        arrived = self._arrived()  # numbered on arrival
        # A request with a body takes the general path, which keeps the body (recording.has_body, inlined).
        if "CONTENT_LENGTH" not in environ and "HTTP_TRANSFER_ENCODING" not in environ:
            answered = self._fast(
                environ.get("REQUEST_METHOD", ""),
                path,
                environ.get("HTTP_AUTHORIZATION", ""),
                lambda: (environ.get("QUERY_STRING", ""), request_headers(environ)),
                arrived,
            )
            if answered is not None:
                # The busiest request, recorded in one step with its read: its status and
                # correlation id are known here, so start_response needs no wrapper.
                start_response("200 OK", answered[0])
                return [answered[1]]
        self.sync()
        if self.faults.active or self.stubs.active or self.limiter.limit is not None:
            return self._general(environ, start_response, path, arrived)  # set by another process
        if journal is None:
            return self.app(environ, start_response)
        return self._general(environ, start_response, path, arrived)

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
        # What request_headers keeps of an environ: the non-empty entries, read from the end.
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
        arrived: ArrivalStamp,
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
        arrived: ArrivalStamp,
    ) -> tuple[str, KeptRequest | None, str] | None:
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
            draft = fast_read_fields(arrived, path, query, headers, answered_id)
        return conversation_id, draft, answered_id

    def _arrived(self) -> ArrivalStamp:
        """The request's number in the journal (0 without one), its arrival time and a clock reading.

        Numbered on arrival, before any work, so the journal's order is the clients'.
        """
        return (
            (0 if self.journal is None else self.journal.next_id()),
            self.clock.seconds(),
            time.perf_counter(),
        )

    def _general(
        self, environ: WSGIEnvironment, start_response: StartResponse, path: str, arrived: ArrivalStamp
    ) -> Iterable[bytes]:
        """The general path: the request journaled, with its fault, rate limit or stub carried out."""
        answer = Answer(start_response, arrived)
        journal = self.journal
        max_body = self.max_body
        # What matchers read, as far as they read it: the body is taken once, for them and the journal.
        inbound = LiveRequest(environ, lambda: take_body(environ, max_body) if has_body(environ) else b"")
        if journal is not None:
            headers = request_headers(environ)
            body = inbound.body()
        method = environ["REQUEST_METHOD"]
        picked = self.faults.pick(method, path, inbound) if self.faults.active else None
        fault = picked[0] if picked else None
        cut = fault is not None and fault.kind in faulting.CUT
        stub_id = None
        gone = False
        try:
            if cut and journal is not None:  # recorded before the client sees the connection close
                record(journal, answer, environ, path, headers, body, fault, None, cut=True)
            if picked is not None:
                fault, delay = picked
                if delay and _client_went(environ, delay):
                    gone = True  # journaled now, unanswered (status null)
                    # For the server alone (nginx's code for it): nobody reads it.
                    answer.start_response("499 Client Closed Request", [("Content-Length", "0")])
                    return []
                if fault.kind is not FaultKind.LATENCY:
                    return faulting.apply(self.app, fault, environ, answer)
            wait = self.limiter.wait(_token(environ)) if self.limiter.limit is not None else None
            if wait is not None:
                return faulting.rate_limited(wait, answer)
            stubbed = self.stubs.pick(method, path, inbound) if self.stubs.active else None
            if stubbed is not None:
                stub_id, stub = stubbed
                return faulting.stubbed(stub, answer)
            return self.app(environ, answer)
        finally:
            if journal is not None and not cut:
                record(journal, answer, environ, path, headers, body, fault, stub_id, cut=gone)


def _client_went(environ: WSGIEnvironment, delay: float) -> bool:
    """Wait out a fault's ``delay``; True if the client closed its connection meanwhile (when its
    server can tell: ``CLIENT_GONE``)."""
    wait = environ.get(CLIENT_GONE)
    if wait is None:
        time.sleep(delay)
        return False
    went: bool = wait(delay)
    return went


def _token(environ: WSGIEnvironment) -> str:
    return bearer_token(environ.get("HTTP_AUTHORIZATION", "")) or ""
