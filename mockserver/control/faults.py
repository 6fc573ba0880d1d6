"""Faults to inject and the rate limiter: how a test makes the server fail like the real one.

A fault matches requests by method and path pattern and applies to the next ``times`` of them, or
to each with a seeded ``probability``. It answers an error status with the API's body, adds
latency, drops the connection or truncates the body. The rate limiter counts requests per bearer
token in fixed windows and answers 429 with ``Retry-After`` once a window's budget is spent.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable

import attrs

from mockserver.control.models import Fault, FaultList, RateLimit, RequestPattern


class _Active:
    """A fault with its own random stream and a count of what is left."""

    def __init__(self, fault: Fault) -> None:
        self.fault = fault
        self.route = RequestPattern(method=fault.method, path=fault.path)
        self.rng = random.Random(fault.seed)
        self.left = fault.times
        self.applied = 0


class Faults:
    """The registered faults; ``pick`` finds the one that answers a request, if any."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[_Active] = []
        self._ids = 0
        self.active = False  # whether any fault is registered: every request reads it, so no property

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._ids += 1
            active = _Active(attrs.evolve(fault, id=f"fault-{self._ids}"))
            self._faults.append(active)
            self.active = True
            return active.fault

    def remove(self, fault_id: str) -> bool:
        with self._lock:
            kept = [active for active in self._faults if active.fault.id != fault_id]
            removed = len(kept) < len(self._faults)
            self._faults = kept
            self.active = bool(kept)
            return removed

    def clear(self) -> None:
        with self._lock:
            self._faults = []
            self.active = False

    def listing(self) -> FaultList:
        with self._lock:
            return FaultList(
                faults=tuple(
                    attrs.evolve(active.fault, times=active.left, applied=active.applied)
                    for active in self._faults
                )
            )

    def pick(self, method: str, path: str) -> tuple[Fault, float] | None:
        """The first fault that applies to this request and its delay in seconds; uses it up."""
        with self._lock:
            for active in self._faults:
                fault = active.fault
                if not active.route.matches_route(method, path):
                    continue
                if fault.probability < 1.0 and active.rng.random() >= fault.probability:
                    continue
                active.applied += 1
                if active.left is not None:
                    active.left -= 1
                    if active.left == 0:
                        self._faults.remove(active)
                        self.active = bool(self._faults)
                delay = fault.delay.seconds(active.rng) if fault.delay else 0.0
                return fault, delay
        return None


class RateLimiter:
    """Fixed windows per token: the first request opens a window, the budget resets when it ends."""

    def __init__(self, limit: RateLimit | None = None, *, clock: Callable[[], int] | None = None) -> None:
        # The server clock in ms (windows open and end on it); the real time without one.
        self._clock = clock or (lambda: time.time_ns() // 1_000_000)
        self._lock = threading.Lock()
        self.limit = limit
        self._windows: dict[str, tuple[float, int]] = {}

    def set(self, limit: RateLimit | None) -> None:
        with self._lock:
            self.limit = limit
            self._windows = {}

    def wait(self, token: str, now: float | None = None) -> int | None:
        """Seconds until ``token`` may send again if this request is over budget, else None."""
        limit = self.limit
        if limit is None:
            return None
        now = self._clock() / 1000 if now is None else now
        with self._lock:
            start, count = self._windows.get(token, (now, 0))
            if now - start >= limit.window_seconds:
                start, count = now, 0
            if count >= limit.requests:
                return max(1, math.ceil(start + limit.window_seconds - now))
            self._windows[token] = (start, count + 1)
            return None
