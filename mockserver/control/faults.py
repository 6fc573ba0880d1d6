"""Faults to inject and the rate limiter: how a test makes the server fail like the real one.

A fault matches requests by method and path pattern and its matchers (``matchers``), and applies to the next ``times`` of them, or
to each with a seeded ``probability``. It answers an error status with the API's body, adds
latency, drops the connection or truncates the body. The rate limiter counts requests per bearer
token in fixed windows and answers 429 with ``Retry-After`` once a window's budget is spent.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from typing import Any

import attrs

import contracts
from mockserver.control.matchers import Inbound
from mockserver.control.models import Distribution, Fault, FaultList, RateLimit
from mockserver.control.registry import Registered, Registry
from mockserver.store.base import PartShare, Windows
from mockserver.store.memory import LocalPartShare, MemoryWindows


class _ActiveFault(Registered):
    """A fault with its own random stream and what it has done."""

    def __init__(self, fault: Fault) -> None:
        super().__init__(fault.id or "", fault.method, fault.path, fault.times, fault.match)
        self.fault = fault
        self.rng = random.Random(fault.seed)
        self.applied = 0

    @property
    def draws(self) -> bool:
        """Whether the fault draws from its random stream (a probability, a delay not fixed)."""
        delay = self.fault.delay
        return self.fault.probability < 1.0 or (
            delay is not None and delay.distribution is not Distribution.FIXED
        )

    def dump(self) -> Any:
        state = self.rng.getstate() if self.draws else None
        return {
            "fault": contracts.unstructure(self.fault),
            "left": self.left,
            "applied": self.applied,
            "rng": None if state is None else [state[0], list(state[1]), state[2]],
        }

    @classmethod
    def load(cls, data: Any) -> _ActiveFault:
        active = cls(contracts.structure(data["fault"], Fault))
        active.left, active.applied = data["left"], data["applied"]
        if data["rng"] is not None:
            version, internal, gauss = data["rng"]
            active.rng.setstate((version, tuple(internal), gauss))
        return active


class Faults(Registry[_ActiveFault]):
    """The registered faults; ``pick`` finds the one that answers a request, if any (a ``Registry``)."""

    def __init__(self, share: PartShare | None = None) -> None:
        super().__init__(share, load=_ActiveFault.load)

    def add(self, fault: Fault) -> Fault:
        with self._share.changing():
            return self._add(lambda number: _ActiveFault(attrs.evolve(fault, id=f"fault-{number}"))).fault

    def listing(self) -> FaultList:
        return FaultList(
            faults=tuple(
                attrs.evolve(active.fault, times=active.left, applied=active.applied, done=active.left == 0)
                for active in self._listed()
            )
        )

    def pick(self, method: str, path: str, request: Inbound | None = None) -> tuple[Fault, float] | None:
        """The first fault that applies to this request and its delay in seconds; uses it up.

        ``request`` is what a fault's matchers read (None: a fault with matchers matches nothing).
        """
        if not any(self._matching(method, path, request)):
            return None  # nothing to count: no need to enter the share
        with self._share.changing():
            for active in self._matching(method, path, request):
                fault = active.fault
                if fault.probability < 1.0 and active.rng.random() >= fault.probability:
                    continue
                active.applied += 1
                self._use(active)
                delay = fault.delay.seconds(active.rng) if fault.delay else 0.0
                return fault, delay
        return None


class RateLimiter:
    """Fixed windows per token: the first request opens a window, the budget resets when it ends.

    The limit is a ``SharedPart`` of the server (every process applies the same one); the counts are the
    store's ``Windows``, so a budget is spent once across processes.
    """

    def __init__(
        self,
        limit: RateLimit | None = None,
        *,
        clock: Callable[[], int] | None = None,
        windows: Windows | None = None,
        share: PartShare | None = None,
    ) -> None:
        # The server clock in ms (windows open and end on it); the real time without one.
        self._clock = clock or (lambda: time.time_ns() // 1_000_000)
        self._windows = MemoryWindows() if windows is None else windows
        self._share = LocalPartShare() if share is None else share
        self.limit = limit

    def set(self, limit: RateLimit | None) -> None:
        with self._share.changing():
            self.limit = limit
            self._windows.clear()

    def wait(self, token: str, now: float | None = None) -> int | None:
        """Seconds until ``token`` may send again if this request is over budget, else None."""
        limit = self.limit
        if limit is None:
            return None
        now_ms = self._clock() if now is None else round(now * 1000)
        left = self._windows.take(token, now_ms, limit.requests, limit.window_seconds * 1000)
        return None if left is None else max(1, math.ceil(left / 1000))

    def dump(self) -> Any:
        return None if self.limit is None else contracts.unstructure(self.limit)

    def load(self, data: Any) -> None:
        self.limit = None if data is None else contracts.structure(data, RateLimit)
