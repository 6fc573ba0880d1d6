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

from mockserver.state import StateError

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# The furthest from the clock the server stamps a time: a callback scheduled 30 days ahead (the
# API's limit, ``backend.MAX_SCHEDULE_AHEAD``), beyond a channel's 24-hour expiry and the
# factories' histories and schedules of two days; a day more for a running clock to run on.
REACH = timedelta(days=31)
# The clock stays where every stamp it leads to is a datetime: within REACH of datetime's ends.
EARLIEST = datetime.min.replace(tzinfo=timezone.utc) + REACH
LATEST = datetime.max.replace(microsecond=999_000, tzinfo=timezone.utc) - REACH


class ClockError(StateError, ValueError):
    """A move the clock refuses: backwards in time, or beyond ``EARLIEST``..``LATEST``.

    ``argument`` names what was refused: ``instant`` (a jump's target) or ``seconds`` (an advance).
    """

    def __init__(self, message: str, argument: str) -> None:
        super().__init__(message)
        self.argument = argument


def out_of_range(instant: datetime) -> str | None:
    """Why the clock cannot read ``instant`` (a naive one is UTC), or None if it can."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=timezone.utc)
    if EARLIEST <= instant <= LATEST:
        return None
    return f"a time from {iso(EARLIEST)} to {iso(LATEST)} (every time stamped from it must fit)"


def iso(instant: datetime) -> str:
    """``instant`` as the API writes times: milliseconds and Z."""
    return instant.isoformat(timespec="milliseconds").replace("+00:00", "Z")


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
        problem = None if start is None else out_of_range(start)
        if problem is not None:
            raise ClockError(f"the clock's start must be {problem}; got {start}", "instant")
        self._start = None if start is None else to_ms(start)
        self._offset = 0 if self._start is None else self._start - _real_ms()
        # Frozen, it stands at its start exactly: read from the real time, it would stand as many ms past
        # its start as elapsed since the offset was taken (22 on a loaded machine).
        self._frozen: int | None = None
        if frozen:
            self._frozen = self._start if self._start is not None else _real_ms()
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
        return self.move(instant=instant)

    def advance(self, seconds: float) -> int:
        """Move forward by ``seconds`` (0 or more); the new time in ms."""
        return self.move(seconds=seconds)

    def move(self, *, instant: datetime | None = None, seconds: float | None = None) -> int:
        """Jump to ``instant``, then advance by ``seconds``, in one move: all of it or, refused, none.

        Refused (``ClockError``) if it would go backwards or beyond ``EARLIEST``..``LATEST``.
        """
        with self._lock:
            current = self.ms()
            target = current
            if instant is not None:
                problem = out_of_range(instant)
                if problem is not None:
                    raise ClockError(f"the clock's time must be {problem}", "instant")
                target = to_ms(instant)
                if target < current:
                    already = iso(from_ms(current))
                    raise ClockError(f"the clock cannot move backwards: it is already {already}", "instant")
            if seconds is not None:
                if not 0 <= seconds <= (to_ms(LATEST) - target) / 1000:
                    latest = iso(LATEST)
                    raise ClockError(
                        f"the clock moves forward, to {latest} at the latest: 0 to "
                        f"{max(0, to_ms(LATEST) - target) / 1000} seconds from {iso(from_ms(target))}",
                        "seconds",
                    )
                target += round(seconds * 1000)
            return self._move(current, target)

    def _move(self, current: int, target: int) -> int:
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
            if self._start is None:  # the real time again, frozen at it if it started frozen
                self._offset = 0
                self._frozen = _real_ms() if self._frozen_at_start else None
            else:
                self._offset = self._start - _real_ms()
                self._frozen = self._start if self._frozen_at_start else None
            self._publish()


def _real_ms() -> int:
    return time_ns() // 1_000_000
