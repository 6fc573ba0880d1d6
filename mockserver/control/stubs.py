"""Stubs: exact answers (status, headers, body bytes) that replace the API's for matching requests.

A stub matches requests by method and path pattern, as a fault does, and answers the next
``times`` of them (absent: every one) until removed. Stubs are tried by ``priority`` (lowest
first), the newest first among equals, as WireMock tries its mappings. Used-up stubs stay in the
listing, with their hit count, until a reset.
"""

from __future__ import annotations

import base64
import threading

import attrs

from mockserver.control.models import Stub, StubList
from mockserver.control.patterns import compile_path

DEFAULT_CONTENT_TYPE = "application/json"


class StubAnswer:
    """What a stub sends: its status line, headers and body, made once when the stub is added."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, stub: Stub) -> None:
        self.status = stub.status
        if stub.body_base64 is not None:
            self.body = base64.b64decode(stub.body_base64, validate=True)
        else:
            self.body = (stub.body or "").encode()
        given = dict(stub.headers or {})
        named = {name.lower() for name in given}
        headers = [(name, value) for name, value in given.items() if name.lower() != "content-length"]
        if "content-type" not in named:
            headers.insert(0, ("Content-Type", DEFAULT_CONTENT_TYPE))
        self.headers = [*headers, ("Content-Length", str(len(self.body)))]


class _Active:
    """A stub with its compiled pattern, its answer and its counts."""

    def __init__(self, stub: Stub, order: int) -> None:
        self.stub = stub
        self.order = order
        self.method = stub.method.upper()
        self.path = compile_path(stub.path)  # compiled once: every request tries every stub
        self.answer = StubAnswer(stub)
        self.left = stub.times
        self.hits = 0

    def listed(self) -> Stub:
        return attrs.evolve(self.stub, times=self.left, hits=self.hits, done=self.left == 0)


class Stubs:
    """The registered stubs; ``pick`` finds the one that answers a request, if any."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stubs: list[_Active] = []  # in the order tried
        self._done: list[_Active] = []
        self._ids = 0
        self.active = False  # whether any stub can still answer: every request reads it

    def add(self, stub: Stub) -> Stub:
        with self._lock:
            self._ids += 1
            added = _Active(attrs.evolve(stub, id=f"stub-{self._ids}"), self._ids)
            self._stubs.append(added)
            self._stubs.sort(key=lambda active: (active.stub.priority, -active.order))
            self.active = True
            return added.listed()

    def remove(self, stub_id: str) -> bool:
        with self._lock:
            before = len(self._stubs) + len(self._done)
            self._stubs = [active for active in self._stubs if active.stub.id != stub_id]
            self._done = [active for active in self._done if active.stub.id != stub_id]
            self.active = bool(self._stubs)
            return len(self._stubs) + len(self._done) < before

    def clear(self) -> None:
        with self._lock:
            self._stubs, self._done = [], []
            self.active = False

    def listing(self) -> StubList:
        with self._lock:
            return StubList(stubs=tuple(active.listed() for active in [*self._stubs, *self._done]))

    def pick(self, method: str, path: str) -> tuple[str, StubAnswer] | None:
        """The id and answer of the first stub that matches this request; counts the hit."""
        with self._lock:
            for active in self._stubs:
                if active.method != "*" and active.method != method:
                    continue
                if not active.path.match(path):
                    continue
                active.hits += 1
                if active.left is not None:
                    active.left -= 1
                    if active.left == 0:
                        self._stubs.remove(active)
                        self._done.append(active)
                        self.active = bool(self._stubs)
                return active.stub.id or "", active.answer
        return None
