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

import attrs
from attrs import frozen

from contracts.enums import WireEnum
from mockserver.journal import PATH_PATTERN, RequestPattern
from mockserver.models import described


class FaultKind(WireEnum):
    """What a fault does to a request it matches."""

    STATUS = "status"  # answer this status with the API's error body instead of the API
    LATENCY = "latency"  # only wait, then answer as usual
    DROP = "drop"  # close the connection without an answer
    TRUNCATE = "truncate"  # answer as usual, but close the connection halfway through the body


class Distribution(WireEnum):
    """How a delay is drawn."""

    FIXED = "fixed"  # always ms
    UNIFORM = "uniform"  # between minMs and maxMs
    LOGNORMAL = "lognormal"  # median ms, shape sigma: mostly near ms, with a long tail


@frozen
class Delay:
    """Latency added before a request is answered."""

    distribution: Distribution = described("How the delay is drawn.", Distribution.FIXED)
    ms: float | None = described("fixed: the delay; lognormal: its median.", None, minimum=0, maximum=60_000)
    min_ms: float | None = described("uniform: the shortest delay.", None, minimum=0, maximum=60_000)
    max_ms: float | None = described("uniform: the longest delay.", None, minimum=0, maximum=60_000)
    sigma: float | None = described(
        "lognormal: the shape (0.5 is a moderate tail).", None, minimum=0, maximum=3
    )

    def missing(self) -> list[str]:
        """The fields this distribution needs that are absent, as wire names."""
        needs = {
            Distribution.FIXED: {"ms": self.ms},
            Distribution.UNIFORM: {"minMs": self.min_ms, "maxMs": self.max_ms},
            Distribution.LOGNORMAL: {"ms": self.ms, "sigma": self.sigma},
        }[self.distribution]
        return [name for name, value in needs.items() if value is None]

    def seconds(self, rng: random.Random) -> float:
        """A delay drawn from ``rng`` (the fields ``missing`` names were checked on the way in)."""
        if self.distribution is Distribution.UNIFORM:
            ms = rng.uniform(self.min_ms or 0.0, self.max_ms or 0.0)
        elif self.distribution is Distribution.LOGNORMAL:
            ms = min((self.ms or 0.0) * math.exp(rng.gauss(0.0, self.sigma or 0.0)), 60_000.0)
        else:
            ms = self.ms or 0.0
        return ms / 1000


@frozen
class Fault:
    """A fault to inject into the requests that match its method and path."""

    method: str = described("An HTTP method, or * for any.", "*")
    path: str = described(
        "A path pattern: {name} or * is one segment's text, ** is anything.", "**", pattern=PATH_PATTERN
    )
    kind: FaultKind = described("What the fault does.", FaultKind.STATUS)
    status: int | None = described("kind status: the status to answer.", None, minimum=400, maximum=599)
    retry_after: int | None = described(
        "Seconds sent in Retry-After (a 429 always sends one, 1 unless given).", None, minimum=0, maximum=3600
    )
    delay: Delay | None = described("Latency before the fault acts (the only effect of kind latency).", None)
    times: int | None = described(
        "Apply to the next this many matching requests; absent: until removed.", None, minimum=1
    )
    probability: float = described(
        "Apply to each matching request with this probability.", 1.0, minimum=0, maximum=1
    )
    seed: int | None = described("Seed of the probability and delay draws, for repeatable runs.", None)
    id: str | None = described("Assigned by the server.", None)
    applied: int = described("How many requests the fault has answered so far.", 0)


@frozen
class FaultList:
    """The active faults, in the order they are tried."""

    faults: tuple[Fault, ...] = described("The faults.")


@frozen
class RateLimit:
    """A budget of requests per bearer token per window, as the real API enforces."""

    requests: int = described("Requests allowed per token in each window.", minimum=1)
    window_seconds: int = described("The window's length in seconds.", 60, minimum=1, maximum=86_400)


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

    def __init__(self, limit: RateLimit | None = None) -> None:
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
        now = time.monotonic() if now is None else now
        with self._lock:
            start, count = self._windows.get(token, (now, 0))
            if now - start >= limit.window_seconds:
                start, count = now, 0
            if count >= limit.requests:
                return max(1, math.ceil(start + limit.window_seconds - now))
            self._windows[token] = (start, count + 1)
            return None
