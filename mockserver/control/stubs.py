"""Stubs: exact answers (status, headers, body bytes) that replace the API's for matching requests.

A stub matches requests by method and path pattern and its matchers (``matchers``), as a fault does, and answers the next
``times`` of them (absent: every one) until removed. Stubs are tried by ``priority`` (lowest
first), the newest first among equals, as WireMock tries its mappings. Used-up stubs stay in the
listing, with their hit count, until a reset.
"""

from __future__ import annotations

import base64
from typing import Any

import attrs

import contracts
from mockserver.control.matchers import Inbound
from mockserver.control.models import Stub, StubList
from mockserver.control.registry import Registered, Registry
from mockserver.store.base import PartShare

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


class _ActiveStub(Registered):
    """A stub with its answer and its hit count."""

    def __init__(self, stub: Stub, order: int) -> None:
        super().__init__(stub.id or "", stub.method, stub.path, stub.times, stub.match)
        self.stub = stub
        self.order = order
        self.answer = StubAnswer(stub)
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
    def load(cls, data: Any) -> _ActiveStub:
        active = cls(contracts.structure(data["stub"], Stub), data["order"])
        active.left, active.hits = data["left"], data["hits"]
        return active


def _tried(active: _ActiveStub) -> tuple[int, int]:
    """Lowest priority first, the newest first among equals."""
    return active.stub.priority, -active.order


class Stubs(Registry[_ActiveStub]):
    """The registered stubs; ``pick`` finds the one that answers a request, if any (a ``Registry``)."""

    def __init__(self, share: PartShare | None = None) -> None:
        super().__init__(share, load=_ActiveStub.load)

    def add(self, stub: Stub) -> Stub:
        with self._share.changing():
            made = self._add(
                lambda number: _ActiveStub(attrs.evolve(stub, id=f"stub-{number}"), number), _tried
            )
            return made.listed()

    def listing(self) -> StubList:
        return StubList(stubs=tuple(active.listed() for active in self._listed()))

    def pick(self, method: str, path: str, request: Inbound | None = None) -> tuple[str, StubAnswer] | None:
        """The id and answer of the first stub that matches this request; counts the hit.

        ``request`` is what a stub's matchers read (None: a stub with matchers matches nothing).
        """
        if next(self._matching(method, path, request), None) is None:
            return None  # nothing to count: no need to enter the share
        with self._share.changing():
            active = next(self._matching(method, path, request), None)
            if active is None:
                return None
            active.hits += 1
            self._use(active)
            return active.id, active.answer
