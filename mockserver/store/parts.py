"""What the stateful parts of a server ask of their store, so one server may run as several processes.

A store (``mockserver.store.MemoryStore`` in one process, ``mockserver.store.redis.RedisStore`` for
several on one Redis) keeps the conversations and hands each other stateful part what it needs:

- a ``Share`` for a ``Part``, state every process holds a copy of (the clock, the faults, the stubs,
  the lifecycle settings, the channels, the factory's random stream): its changes are made inside
  ``share.changing()``, which in one process is a lock of its own and across processes the
  store's transaction, at the end of which what changed reaches every process. A ``Tracked``
  part (the channels, the faults, the stubs: the parts that grow) also names the pieces it
  changes (``share.changed``), so a store on another server saves and loads those alone;
- a ``Log`` for what only grows (the notifications pushed), a ``Windows`` for the rate limit's
  counts, a ``Relay`` for what a socket must be told, wherever the socket is held.

Nothing here imports Flask.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from mockserver.state.lifecycle import Step


class OutOfDateError(Exception):
    """Another process changed the parts since this one last synced: sync, and answer on that state."""


ABSENT: Any = object()  # what a ``Tracked`` part's dump holds at a path where it holds nothing

Path = tuple[str, ...]  # a piece of a part's dump: the object members that lead to it


class Part(Protocol):
    """State that every process must see alike, as JSON-able data."""

    def dump(self) -> Any: ...

    def load(self, data: Any) -> None: ...


@runtime_checkable
class Tracked(Part, Protocol):
    """A part that names each piece of its dump it changes (``Share.changed``), so it is saved a piece at a time.

    Its dump is objects down to its pieces (``{"next": 3, "channels": {"<id>": {...}}}``), never
    relying on the order of an object's members. A store that keeps the part elsewhere saves the
    pieces it was told of (``dump_at``) and hands the part only what another process changed
    (``load_changed``): a change costs what it changed, not the part's size.
    """

    def dump_at(self, path: Path) -> Any:
        """What ``dump()`` holds at ``path`` (``ABSENT``: nothing), costing that piece alone.

        Asked of each path the part named, and of its ancestors when the store's copy of them is
        an empty object (or becomes one): an empty object is kept as one value, not as members.
        """
        ...

    def load_changed(self, data: Any, paths: Iterable[tuple[Any, ...]]) -> None:
        """Take ``data`` (as ``dump`` gives it), which differs from what was last taken only at or below ``paths``.

        ``data`` stays the store's, which changes it in place later: keep none of its objects but
        the values, as building the part's own objects from it does.
        """
        ...


class Share(Protocol):
    """A part's place in its store."""

    def changing(self) -> AbstractContextManager[None]:
        """Change the part inside this: exclusive, and the change is seen by every process after it."""
        ...

    def touch(self) -> None:
        """Say the part changed inside the store's current transaction (its own methods do not know)."""
        ...

    def changed(self, *path: str) -> None:
        """Say the piece of the part's dump at ``path`` changed (no path: any of it), inside ``changing()``.

        A ``Tracked`` part says so of every change it makes; a store that saves pieces saves
        these; one that keeps the part in its process ignores it.
        """
        ...

    def holds(self, part: Part) -> None:
        """The part this share is for (given once it is made, as the part is made with its share)."""
        ...


class Timetable(Protocol):
    """The lifecycle's schedule: each conversation's next step, taken in the order they fall due."""

    def plan(self, conversation_id: str, step: Step | None) -> None:
        """Make ``step`` the conversation's next (None: it has none), replacing any planned before."""
        ...

    def plan_all(self, steps: list[tuple[str, Step | None]]) -> None:
        """``plan`` each, at once."""
        ...

    def next_due(self) -> int | None:
        """When the earliest step is due (ms), or None; never later than the truth."""
        ...

    def pop_due(self, until: int) -> Iterator[tuple[int, str, str]]:
        """Take every step due by ``until``, earliest first (steps planned meanwhile too): (due, id, kind)."""
        ...

    def clear(self) -> None: ...

    def keep_as_baseline(self) -> None: ...

    def reset(self) -> None:
        """Back to the steps planned at ``keep_as_baseline``."""
        ...

    def __len__(self) -> int: ...


class Log(Protocol):
    """The newest ``limit`` JSON-able items appended, oldest first."""

    def append(self, item: Any) -> None: ...

    def items(self) -> list[Any]: ...

    def clear(self) -> None: ...


class Windows(Protocol):
    """Fixed rate-limit windows per token, on the server clock."""

    def take(self, token: str, now_ms: int, requests: int, window_ms: int) -> int | None:
        """Count one request of ``token``: None if within its window's budget, else the ms until the window ends."""
        ...

    def clear(self) -> None: ...


class Sink(Protocol):
    """Where the channels hand what a socket must be told (the stream, when one is running)."""

    def send(self, channel_id: str, text: str) -> None: ...

    def close(self, channel_id: str) -> None: ...


class Relay(Sink, Protocol):
    """A ``Sink`` that reaches the socket whichever process holds it; ``local`` is this process's stream."""

    local: Sink | None


class LocalShare:
    """A part alone in its process: a lock of its own; nothing to copy anywhere."""

    def __init__(self) -> None:
        self._lock = threading.RLock()

    @contextmanager
    def changing(self) -> Iterator[None]:
        with self._lock:
            yield

    def touch(self) -> None:
        pass

    def changed(self, *path: str) -> None:
        pass

    def holds(self, part: Part) -> None:
        pass


class MemoryLog:
    """A deque of the newest items, behind a lock."""

    def __init__(self, limit: int) -> None:
        self._lock = threading.Lock()
        self._items: deque[Any] = deque(maxlen=limit)

    def append(self, item: Any) -> None:
        with self._lock:
            self._items.append(item)

    def items(self) -> list[Any]:
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_SWEEP_MINIMUM = 1024


class MemoryWindows:
    """The windows in a dict: the first request opens a token's window, its budget resets when it ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[int, int]] = {}  # token -> (start ms, requests counted)
        self._sweep_at = _SWEEP_MINIMUM  # windows kept when the ended ones are next dropped

    def take(self, token: str, now_ms: int, requests: int, window_ms: int) -> int | None:
        with self._lock:
            start, count = self._windows.get(token, (now_ms, 0))
            if now_ms - start >= window_ms:
                start, count = now_ms, 0
            if count >= requests:
                return start + window_ms - now_ms
            self._windows[token] = (start, count + 1)
            if len(self._windows) >= self._sweep_at:
                self._sweep(now_ms, window_ms)
            return None

    def _sweep(self, now_ms: int, window_ms: int) -> None:
        """Drop the windows that have ended: a token seen once must not be kept forever.

        Run when the windows have doubled since the last sweep, so its cost is spread over the
        requests that opened them and the dict stays within twice the tokens of one window.
        """
        self._windows = {t: w for t, w in self._windows.items() if now_ms - w[0] < window_ms}
        self._sweep_at = max(_SWEEP_MINIMUM, 2 * len(self._windows))

    def clear(self) -> None:
        with self._lock:
            self._windows = {}
            self._sweep_at = _SWEEP_MINIMUM

    def __len__(self) -> int:
        return len(self._windows)


class LocalRelay:
    """In one process the stream is the only sink: hand it on, if it runs."""

    def __init__(self) -> None:
        self.local: Sink | None = None

    def send(self, channel_id: str, text: str) -> None:
        if self.local is not None:
            self.local.send(channel_id, text)

    def close(self, channel_id: str) -> None:
        if self.local is not None:
            self.local.close(channel_id)
