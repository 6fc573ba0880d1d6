"""The server's one clock: every time the server stamps (a conversation, a step, a journal entry,
a rate-limit window) is read from it.

Real time by default. Started at a given instant it runs on from there; frozen, it stands still
until it is set or advanced. It never moves backwards. Times are whole milliseconds, the API's
precision, so what the server stamps is exactly what it later reads back from the wire.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from functools import partial
from time import time, time_ns
from typing import Any

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class ClockError(ValueError):
    """A move the clock refuses: backwards in time."""


def to_ms(instant: datetime) -> int:
    """``instant`` as milliseconds since the epoch (a naive datetime is UTC)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=timezone.utc)
    return (instant - EPOCH) // timedelta(milliseconds=1)


def from_ms(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


class Clock:
    """Now, in milliseconds since the epoch: the real time shifted by an offset, or a frozen instant."""

    def __init__(self, start: datetime | None = None, *, frozen: bool = False) -> None:
        self._lock = threading.Lock()
        self._start = None if start is None else to_ms(start)
        self._offset = 0 if self._start is None else self._start - _real_ms()
        self._frozen: int | None = None
        if frozen:
            self._frozen = self.ms()
        self._frozen_at_start = frozen
        self._publish()

    def _publish(self) -> None:
        """Make ``seconds`` read the clock as cheaply as its state allows (it stamps every request).

        Running on the real time, it is ``time.time`` itself; frozen, a constant; otherwise the
        real time plus the offset.
        """
        frozen, offset = self._frozen, self._offset / 1000
        self.seconds: Callable[[], float]
        if frozen is not None:
            self.seconds = partial(float, frozen / 1000)
        elif offset == 0:
            self.seconds = time
        else:
            self.seconds = lambda: time() + offset

    def ms(self) -> int:
        frozen = self._frozen
        return frozen if frozen is not None else time_ns() // 1_000_000 + self._offset

    def when(self, ms: float) -> float:
        """The real time (``time.time()``'s seconds) at which the clock will read ``ms``; inf if frozen.

        A request compares this with ``time.time()``, which costs less than reading the clock.
        """
        if self._frozen is not None or ms == math.inf:
            return math.inf
        return (ms - self._offset) / 1000

    def now(self) -> datetime:
        return from_ms(self.ms())

    @property
    def frozen(self) -> bool:
        return self._frozen is not None

    def set(self, instant: datetime) -> int:
        """Jump to ``instant`` (not before now); the new time in ms."""
        return self._to(to_ms(instant))

    def advance(self, seconds: float) -> int:
        """Move forward by ``seconds`` (0 or more); the new time in ms."""
        if seconds < 0:
            raise ClockError(f"the clock cannot move backwards ({seconds} s)")
        with self._lock:
            return self._move(self.ms() + round(seconds * 1000))

    def _to(self, target: int) -> int:
        with self._lock:
            return self._move(target)

    def _move(self, target: int) -> int:
        current = self.ms()
        if target < current:
            raise ClockError(f"the clock cannot move backwards: it is already {from_ms(current).isoformat()}")
        if self._frozen is not None:
            self._frozen = target
        else:
            self._offset += target - current
        self._publish()
        return target

    def freeze(self, frozen: bool = True) -> None:
        """Stop the clock where it is (``frozen``), or let it run on from there."""
        with self._lock:
            if frozen and self._frozen is None:
                self._frozen = self.ms()
            elif not frozen and self._frozen is not None:
                self._offset = self._frozen - _real_ms()
                self._frozen = None
            self._publish()

    def dump(self) -> Any:
        """The clock as data: its offset from the real time (ms) and the instant it is frozen at, if any.

        The same on every machine whose real time agrees, so processes on several read one clock.
        """
        return {"offset": self._offset, "frozen": self._frozen}

    def load(self, data: Any) -> None:
        with self._lock:
            self._offset, self._frozen = data["offset"], data["frozen"]
            self._publish()

    def reset(self) -> None:
        """Back to how it started: its start instant (if it had one) and its frozen state."""
        with self._lock:
            if self._start is None:
                self._offset, self._frozen = 0, None
            else:
                self._offset = self._start - _real_ms()
                self._frozen = self._start if self._frozen_at_start else None
            self._publish()


def _real_ms() -> int:
    return time_ns() // 1_000_000
