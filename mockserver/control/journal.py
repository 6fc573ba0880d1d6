"""The request journal: what clients sent, kept for tests to inspect and verify.

Every request to the API (not to the control API) is recorded with the status it got, its
correlation id and the fault applied to it, if any. ``RequestPattern`` (in ``models``) selects
requests, here and for faults.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import NamedTuple
from urllib.parse import parse_qs

from mockserver.config import CORRELATION_HEADER
from mockserver.control.models import RecordedRequest, RequestPattern, Verification, VerificationResult

REDACTED = "[redacted]"
# The names of headers and query parameters that may carry a credential, whatever a client calls
# them (X-Auth-Token, apikey, Cookie, client_secret, sessionId): their values show as REDACTED. A
# pattern, not a list of names: a name that only looks like one (keyword) loses its value in the
# journal, which costs less than a credential shown to whoever reads it.
SECRET_NAME = re.compile(
    r"token|auth|secret|key|passw|pwd|cookie|session|signature|credential", re.IGNORECASE
)


class KeptRequest(NamedTuple):
    """One row of the journal: what the control layer keeps of a request, made a
    ``RecordedRequest`` when read.

    Only strings, numbers and bytes (its header dict holds strings alone): no reference cycle,
    and no environ or other large object kept alive by it.
    """

    id: int
    time: float  # seconds since the epoch
    method: str
    path: str
    query_string: str
    headers: dict[str, str]  # the environ's HTTP_* and CONTENT_* entries
    body: bytes
    status: int | None
    correlation_id: str | None
    fault: str | None
    duration_ms: float
    stub: str | None
    response_headers: tuple[tuple[str, str], ...]

    def size(self) -> int:
        """The entry's bytes as the journal bounds them: body, path, query and headers, what a
        client controls."""
        return (
            len(self.body)
            + len(self.path)
            + len(self.query_string)
            + sum(len(name) + len(value) for name, value in self.headers.items())
        )

    def recorded(self) -> RecordedRequest:
        headers = (
            (key.removeprefix("HTTP_").replace("_", "-").title(), v) for key, v in self.headers.items()
        )
        return RecordedRequest(
            id=self.id,
            time=datetime.fromtimestamp(self.time, timezone.utc),
            method=self.method,
            path=self.path,
            query={
                name: (REDACTED,) * len(values) if SECRET_NAME.search(name) else tuple(values)
                for name, values in parse_qs(self.query_string).items()
            },
            headers=redacted(sorted(headers)),
            body=self.body.decode("utf-8", "replace"),
            status=self.status,
            correlation_id=self.correlation_id,
            fault=self.fault,
            stub=self.stub,
            token_fingerprint=fingerprint(self.headers.get("HTTP_AUTHORIZATION", "")),
            response_headers=dict(self.response_headers),
            duration_ms=round(self.duration_ms, 3),
        )


def _number(arrival: KeptRequest) -> int:
    return arrival.id


# A fast read's Content-Length, in its journal entry before the body is read (``fast_read_fields``).
LENGTH = "{length}"


def fast_read_fields(
    arrived: tuple[int, float, float], path: str, query: str, headers: dict[str, str], answered_id: str
) -> KeptRequest:
    """The journal entry of a fast path's 200 before its body is read: its response's
    Content-Length is ``LENGTH`` (``Journal.record_read`` fills it in), its number 0 if it is to
    be numbered as recorded. ``arrived``: the number, the server clock (s), perf_counter()."""
    number, at, started = arrived
    # By position, each field's name beside it: at half the keywords' cost, on the busiest path.
    return KeptRequest(
        number,  # id
        at,  # time
        "GET",  # method
        path,  # path
        query,  # query_string
        headers,  # headers
        b"",  # body
        200,  # status
        answered_id,  # correlation_id
        None,  # fault
        (time.perf_counter() - started) * 1000,  # duration_ms
        None,  # stub
        (("Content-Type", "application/json"), ("Content-Length", LENGTH), (CORRELATION_HEADER, answered_id)),
    )


class Journal:
    """The last ``limit`` requests, at most ``max_bytes`` of them, in arrival order; safe to use
    from any thread.

    An entry's bytes are its body's, its headers' (names and values), its path's and query's:
    what a client controls. When either bound is passed the oldest go first, though the newest
    entry is always kept, so the journal holds at most ``max_bytes`` plus one request (itself
    bounded by ``MAX_CONTENT_LENGTH`` and Granian's header buffer). Python's own overhead, a few
    hundred bytes an entry, comes on top and is bounded by ``limit``.

    Recording is on every request's path, so it keeps ``KeptRequest`` rows; reading builds the
    ``RecordedRequest`` objects.
    """

    def __init__(self, limit: int, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.limit = limit
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._arrivals: deque[KeptRequest] = deque()
        self._sizes: deque[int] = deque()  # each arrival's bytes, in step with ``_arrivals``
        self._bytes = 0  # the kept entries' bytes
        # Called on every request: a bound C method, no Python frame between.
        self.next_id: Callable[[], int] = itertools.count(1).__next__

    def record(self, arrival: KeptRequest) -> None:
        """Keep a request."""
        size = arrival.size()
        with self._lock:
            self._arrivals.append(arrival)
            self._sizes.append(size)
            self._bytes += size
            while len(self._arrivals) > 1 and (
                len(self._arrivals) > self.limit or self._bytes > self.max_bytes
            ):
                self._arrivals.popleft()
                self._bytes -= self._sizes.popleft()

    @property
    def bytes(self) -> int:
        """The kept entries' bytes (bodies, headers, paths and queries)."""
        return self._bytes

    def record_read(self, draft: KeptRequest, length: int) -> None:
        """Keep a fast read's entry (``fast_read_fields``), its body ``length`` bytes long."""
        content_type, _, correlation = draft.response_headers
        # Built by position, not ``_replace`` (which costs a quarter more): the busiest path.
        self.record(
            KeptRequest(
                draft.id or self.next_id(),
                draft.time,
                draft.method,
                draft.path,
                draft.query_string,
                draft.headers,
                draft.body,
                draft.status,
                draft.correlation_id,
                draft.fault,
                draft.duration_ms,
                draft.stub,
                (content_type, ("Content-Length", str(length)), correlation),
            )
        )

    def clear(self) -> None:
        with self._lock:
            self._arrivals.clear()
            self._sizes.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._arrivals)

    def _kept(self) -> list[KeptRequest]:
        with self._lock:
            return sorted(self._arrivals, key=_number)

    def find(self, pattern: RequestPattern | None = None) -> list[RecordedRequest]:
        requests = [arrival.recorded() for arrival in self._kept()]
        return requests if pattern is None else [r for r in requests if pattern.matches(r)]

    def page(
        self,
        pattern: RequestPattern,
        start: int,
        stop: int,
        *,
        fault: str | None = None,
        stub: str | None = None,
    ) -> tuple[int, list[RecordedRequest]]:
        """How many requests match ``pattern`` (and were shaped by ``fault`` or answered by
        ``stub``, if given), and the matches from ``start`` to ``stop``.

        A pattern of a method, a path and a status alone (the listings' filters) is matched on
        the kept rows, and only the page's requests are made ``RecordedRequest``s; any other is
        matched on each request made one in turn, let go unless it is on the page. Either way an
        answer holds one page of bodies, not the journal's.
        """
        by_route = pattern == RequestPattern(method=pattern.method, path=pattern.path, status=pattern.status)
        matched = 0
        page: list[RecordedRequest] = []
        for arrival in self._kept():
            if (fault is not None and arrival.fault != fault) or (stub is not None and arrival.stub != stub):
                continue
            if by_route:
                if not pattern.matches_route(arrival.method, arrival.path) or pattern.status not in (
                    None,
                    arrival.status,
                ):
                    continue
                request = arrival.recorded() if start <= matched < stop else None
            else:
                request = arrival.recorded()
                if not pattern.matches(request):
                    continue
            if request is not None and start <= matched < stop:
                page.append(request)
            matched += 1
        return matched, page

    def verify(self, verification: Verification, nearest: int = 3) -> VerificationResult:
        pattern = verification
        received = self.find()
        matched = [request for request in received if pattern.matches(request)]
        wanted = verification.count
        ok = len(matched) == wanted if wanted is not None else bool(matched)
        expectation = f"exactly {wanted}" if wanted is not None else "at least 1"
        message = (
            f"Expected {expectation} request(s) matching {pattern.describe()}; received {len(matched)} "
            f"of {len(received)} request(s) in all."
        )
        closest: list[RecordedRequest] = []
        if not ok:
            closest = _nearest(pattern, [r for r in received if r not in matched], nearest)
            lines = [
                f"  {r.method} {r.path} -> {r.status}: differs in {', '.join(pattern.differences(r))}"
                for r in closest
            ]
            if lines:
                message += " Nearest requests received:\n" + "\n".join(lines)
        return VerificationResult(
            ok=ok, count=len(matched), message=message, matched=tuple(matched), nearest=tuple(closest)
        )


def _nearest(
    pattern: RequestPattern, requests: Iterable[RecordedRequest], count: int
) -> list[RecordedRequest]:
    """The requests that fail the fewest criteria, ties broken by the path most like the pattern's."""

    def distance(request: RecordedRequest) -> tuple[int, float]:
        similarity = difflib.SequenceMatcher(None, pattern.path, request.path).ratio()
        return len(pattern.differences(request)), -similarity

    return sorted(requests, key=distance)[:count]


def fingerprint(authorization: str) -> str | None:
    """The first 8 hex digits of the SHA-256 of a bearer token: tells tokens apart, shows none."""
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return hashlib.sha256(token.strip().encode()).hexdigest()[:8]


def redacted(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers for the journal: every value whose name matches ``SECRET_NAME`` replaced (of the
    Authorization headers, the scheme kept)."""
    kept = {}
    for name, value in headers:
        if SECRET_NAME.search(name):
            lowered = name.lower()
            scheme, _, credentials = value.partition(" ")
            if lowered in ("authorization", "proxy-authorization") and credentials:
                value = f"{scheme} {REDACTED}"
            else:
                value = REDACTED
        kept[name] = value
    return kept
