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

from mockserver.control.models import Fault, FaultList, RateLimit
from mockserver.control.patterns import compile_path


class _Active:
    """A fault with its own random stream and a count of what is left."""

    def __init__(self, fault: Fault) -> None:
        self.fault = fault
        # Compiled once, here: a request tries every fault's pattern, and a shared cache of
        # regexes fell off a cliff once the faults outnumbered it.
        self.method = fault.method.upper()
        self.path = compile_path(fault.path)
        self.rng = random.Random(fault.seed)
        self.left = fault.times
        self.applied = 0


class Faults:
    """The registered faults; ``pick`` finds the one that answers a request, if any."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[_Active] = []
        self._done: list[_Active] = []  # used up: listed with their counts until a reset
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
            before = len(self._faults) + len(self._done)
            self._faults = [active for active in self._faults if active.fault.id != fault_id]
            self._done = [active for active in self._done if active.fault.id != fault_id]
            self.active = bool(self._faults)
            return len(self._faults) + len(self._done) < before

    def clear(self) -> None:
        with self._lock:
            self._faults, self._done = [], []
            self.active = False

    def listing(self) -> FaultList:
        with self._lock:
            return FaultList(
                faults=tuple(
                    attrs.evolve(
                        active.fault, times=active.left, applied=active.applied, done=active.left == 0
                    )
                    for active in [*self._faults, *self._done]
                )
            )

    def pick(self, method: str, path: str) -> tuple[Fault, float] | None:
        """The first fault that applies to this request and its delay in seconds; uses it up."""
        with self._lock:
            for active in self._faults:
                fault = active.fault
                if active.method != "*" and active.method != method:
                    continue
                if not active.path.match(path):
                    continue
                if fault.probability < 1.0 and active.rng.random() >= fault.probability:
                    continue
                active.applied += 1
                if active.left is not None:
                    active.left -= 1
                    if active.left == 0:
                        self._faults.remove(active)
                        self._done.append(active)
                        self.active = bool(self._faults)
                delay = fault.delay.seconds(active.rng) if fault.delay else 0.0
                return fault, delay
        return None


_SWEEP_MINIMUM = 1024


class RateLimiter:
    """Fixed windows per token: the first request opens a window, the budget resets when it ends."""

    def __init__(self, limit: RateLimit | None = None, *, clock: Callable[[], int] | None = None) -> None:
        # The server clock in ms (windows open and end on it); the real time without one.
        self._clock = clock or (lambda: time.time_ns() // 1_000_000)
        self._lock = threading.Lock()
        self.limit = limit
        self._windows: dict[str, tuple[float, int]] = {}
        self._sweep_at = _SWEEP_MINIMUM  # windows kept when the ended ones are next dropped

    def set(self, limit: RateLimit | None) -> None:
        with self._lock:
            self.limit = limit
            self._windows = {}
            self._sweep_at = _SWEEP_MINIMUM

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
            if len(self._windows) >= self._sweep_at:
                self._sweep(now, limit.window_seconds)
            return None

    def _sweep(self, now: float, window: float) -> None:
        """Drop the windows that have ended: a token seen once must not be kept forever.

        Run when the windows have doubled since the last sweep, so its cost is spread over the
        requests that opened them and the dict stays within twice the tokens of one window.
        """
        self._windows = {t: w for t, w in self._windows.items() if now - w[0] < window}
        self._sweep_at = max(_SWEEP_MINIMUM, 2 * len(self._windows))
