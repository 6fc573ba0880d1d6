"""The request journal: what clients sent, kept for tests to inspect and verify.

Every request to the API (not to the control API) is recorded with the status it got, its
correlation id and the fault applied to it, if any. ``RequestPattern`` selects requests, here and
for faults: a method and a path pattern where ``{name}`` or ``*`` stands for one path segment's
text and ``**`` for anything.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections import deque
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import parse_qs

from attrs import frozen

from mockserver.models import described

REDACTED = "[redacted]"
PATH_PATTERN = "^[/*]"  # what a path pattern starts with (JSON Schema, for the document)


@frozen
class RecordedRequest:
    """One request as the server received it, and how it answered."""

    id: int = described("Position in the journal, from 1.")
    time: datetime = described("When the request arrived.")
    method: str = described("The HTTP method.")
    path: str = described("The path, without the query.")
    query: dict[str, tuple[str, ...]] = described("The query parameters, each with its values.")
    headers: dict[str, str] = described("The request headers; the Authorization credentials redacted.")
    body: str = described("The request body as text (empty if none).")
    status: int | None = described("The status answered; absent if the connection was dropped.", None)
    correlation_id: str | None = described("The ININ-Correlation-Id answered.", None)
    fault: str | None = described("The id of the fault that answered instead of the API, if any.", None)
    duration_ms: float = described("Milliseconds from arrival to the response's status line.", 0.0)


@frozen
class RequestPattern:
    """Which requests to select: every given criterion must hold."""

    method: str = described("An HTTP method, or * for any.", "*")
    path: str = described(
        "A path pattern: {name} or * is one segment's text, ** is anything.", "**", pattern=PATH_PATTERN
    )
    query: dict[str, str] | None = described("Query parameters that must have these values.", None)
    headers: dict[str, str] | None = described(
        "Headers that must have these values (names in any case).", None
    )
    body_contains: str | None = described("Text the body must contain.", None)
    status: int | None = described("The status the request got.", None)

    def matches(self, request: RecordedRequest) -> bool:
        return not self.differences(request)

    def matches_route(self, method: str, path: str) -> bool:
        """Whether a request line matches the method and path (all faults look at)."""
        return not self._route_differences(method, path)

    def differences(self, request: RecordedRequest) -> list[str]:
        """What keeps ``request`` from matching, one phrase per criterion; empty if it matches."""
        differences = self._route_differences(request.method, request.path)
        for name, value in (self.query or {}).items():
            if value not in request.query.get(name, ()):
                differences.append(f"query {name}={list(request.query.get(name, ()))}")
        headers = {name.lower(): value for name, value in request.headers.items()}
        for name, value in (self.headers or {}).items():
            if headers.get(name.lower()) != value:
                differences.append(f"header {name}: {headers.get(name.lower())!r}")
        if self.body_contains is not None and self.body_contains not in request.body:
            differences.append(f"body without {self.body_contains!r}")
        if self.status is not None and self.status != request.status:
            differences.append(f"status {request.status}")
        return differences

    def _route_differences(self, method: str, path: str) -> list[str]:
        differences = []
        if self.method != "*" and self.method.upper() != method:
            differences.append(f"method {method}")
        if not _path_regex(self.path).match(path):
            differences.append(f"path {path}")
        return differences

    def describe(self) -> str:
        criteria = [f"{self.method} {self.path}"]
        criteria += [f"query {name}={value}" for name, value in (self.query or {}).items()]
        criteria += [f"header {name}: {value}" for name, value in (self.headers or {}).items()]
        if self.body_contains is not None:
            criteria.append(f"body containing {self.body_contains!r}")
        if self.status is not None:
            criteria.append(f"status {self.status}")
        return ", ".join(criteria)


@frozen
class Verification(RequestPattern):
    """A request pattern and how many requests should match it."""

    count: int | None = described(
        "Exactly how many should match; absent means at least one.", None, minimum=0
    )


@frozen
class VerificationResult:
    """The outcome of a verification."""

    ok: bool = described("Whether the count matched.")
    count: int = described("How many requests matched.")
    message: str = described("What was expected and what arrived, with the nearest requests on a mismatch.")
    matched: tuple[RecordedRequest, ...] = described("The matching requests.")
    nearest: tuple[RecordedRequest, ...] = described(
        "On a mismatch, the received requests closest to the pattern."
    )


@frozen
class RequestList:
    """Requests from the journal, oldest first."""

    requests: tuple[RecordedRequest, ...] = described("The requests.")
    total: int = described("How many requests the journal holds (before filtering).")


class Arrival(NamedTuple):
    """What the middleware keeps of a request, made a ``RecordedRequest`` when read.

    Only strings, numbers and bytes (its header dict holds strings alone), so CPython's garbage
    collector soon stops tracking it: a full journal costs the collector nothing.
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

    def recorded(self) -> RecordedRequest:
        headers = (
            (key.removeprefix("HTTP_").replace("_", "-").title(), v) for key, v in self.headers.items()
        )
        return RecordedRequest(
            id=self.id,
            time=datetime.fromtimestamp(self.time, timezone.utc),
            method=self.method,
            path=self.path,
            query={name: tuple(values) for name, values in parse_qs(self.query_string).items()},
            headers=redacted(sorted(headers)),
            body=self.body.decode("utf-8", "replace"),
            status=self.status,
            correlation_id=self.correlation_id,
            fault=self.fault,
            duration_ms=round(self.duration_ms, 3),
        )


def _first(fields: tuple[Any, ...]) -> Any:
    return fields[0]


class Journal:
    """The last ``limit`` requests, in arrival order; safe to use from any thread.

    Recording is on every request's path, so it keeps raw ``Arrival`` tuples; reading builds the
    ``RecordedRequest`` objects.
    """

    def __init__(self, limit: int) -> None:
        self._arrivals: deque[tuple[Any, ...]] = deque(maxlen=limit)  # Arrival's fields
        # Both are called on every request: bound C methods, no Python frame between.
        self.next_id: Callable[[], int] = itertools.count(1).__next__
        self.record: Callable[[tuple[Any, ...]], None] = self._arrivals.append
        """Keep a request: its argument holds an ``Arrival``'s fields in order."""

    def clear(self) -> None:
        self._arrivals.clear()

    def __len__(self) -> int:
        return len(self._arrivals)

    def find(self, pattern: RequestPattern | None = None) -> list[RecordedRequest]:
        requests = [Arrival._make(fields).recorded() for fields in sorted(self._arrivals, key=_first)]
        return requests if pattern is None else [r for r in requests if pattern.matches(r)]

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


@lru_cache(maxsize=256)
def _path_regex(pattern: str) -> re.Pattern[str]:
    parts = re.split(r"(\*\*|\*|\{[^}/]*\})", pattern)
    wildcards = {"**": ".*", "*": "[^/]*"}
    regex = "".join(
        wildcards.get(part, "[^/]+" if part.startswith("{") else re.escape(part)) for part in parts
    )
    return re.compile(regex + r"\Z")


def path_error(pattern: str) -> str | None:
    """Why ``pattern`` is no path pattern, or None if it is one."""
    if not re.match(PATH_PATTERN, pattern):
        return "a path pattern starts with / (or a wildcard)"
    return None


def redacted(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers for the journal: the Authorization credentials replaced, the scheme kept."""
    kept = {}
    for name, value in headers:
        if name.lower() == "authorization":
            scheme, _, credentials = value.partition(" ")
            value = f"{scheme} {REDACTED}" if credentials else REDACTED
        kept[name] = value
    return kept
