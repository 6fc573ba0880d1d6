"""Stubs: exact answers (status, headers, body bytes) that replace the API's for matching requests.

A stub matches requests by method and path pattern, as a fault does, and answers the next
``times`` of them (absent: every one) until removed. Stubs are tried by ``priority`` (lowest
first), the newest first among equals, as WireMock tries its mappings. Used-up stubs stay in the
listing, with their hit count, until a reset.
"""

from __future__ import annotations

import base64
from typing import Any

import attrs

import contracts
from mockserver.control.models import Stub, StubList
from mockserver.control.patterns import compile_path
from mockserver.shared import LocalShare, Share

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

    def dump(self) -> Any:
        return {
            "stub": contracts.unstructure(self.stub),
            "order": self.order,
            "left": self.left,
            "hits": self.hits,
        }

    @classmethod
    def load(cls, data: Any) -> _Active:
        active = cls(contracts.structure(data["stub"], Stub), data["order"])
        active.left, active.hits = data["left"], data["hits"]
        return active


class Stubs:
    """The registered stubs; ``pick`` finds the one that answers a request, if any.

    A ``Part`` of the server, changed (hit counts included) inside its share's ``changing()``.
    """

    def __init__(self, share: Share | None = None) -> None:
        self._share = LocalShare() if share is None else share
        self._stubs: list[_Active] = []  # in the order tried
        self._done: list[_Active] = []
        self._ids = 0
        self.active = False  # whether any stub can still answer: every request reads it

    def add(self, stub: Stub) -> Stub:
        with self._share.changing():
            self._ids += 1
            added = _Active(attrs.evolve(stub, id=f"stub-{self._ids}"), self._ids)
            self._stubs = sorted(
                [*self._stubs, added], key=lambda active: (active.stub.priority, -active.order)
            )
            self.active = True
            return added.listed()

    def remove(self, stub_id: str) -> bool:
        with self._share.changing():
            before = len(self._stubs) + len(self._done)
            self._stubs = [active for active in self._stubs if active.stub.id != stub_id]
            self._done = [active for active in self._done if active.stub.id != stub_id]
            self.active = bool(self._stubs)
            return len(self._stubs) + len(self._done) < before

    def clear(self) -> None:
        with self._share.changing():
            self._stubs, self._done = [], []
            self.active = False

    def listing(self) -> StubList:
        stubs, done = self._stubs, self._done
        return StubList(stubs=tuple(active.listed() for active in [*stubs, *done]))

    def pick(self, method: str, path: str) -> tuple[str, StubAnswer] | None:
        """The id and answer of the first stub that matches this request; counts the hit."""
        if self._first(method, path) is None:
            return None  # nothing to count: no need to enter the share
        with self._share.changing():
            active = self._first(method, path)
            if active is None:
                return None
            active.hits += 1
            if active.left is not None:
                active.left -= 1
                if active.left == 0:
                    self._stubs = [other for other in self._stubs if other is not active]
                    self._done.append(active)
                    self.active = bool(self._stubs)
            return active.stub.id or "", active.answer

    def _first(self, method: str, path: str) -> _Active | None:
        for active in self._stubs:
            if (active.method == "*" or active.method == method) and active.path.match(path):
                return active
        return None

    def dump(self) -> Any:
        return {
            "ids": self._ids,
            "stubs": [active.dump() for active in self._stubs],
            "done": [active.dump() for active in self._done],
        }

    def load(self, data: Any) -> None:
        self._ids = data["ids"]
        self._stubs = [_Active.load(item) for item in data["stubs"]]
        self._done = [_Active.load(item) for item in data["done"]]
        self.active = bool(self._stubs)
