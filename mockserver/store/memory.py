"""The in-memory store: a server's state in this process, the default (``STORE=memory``).

``MemoryStore`` keeps the conversations; what it hands the other parts lives here too: a part's
``LocalPartShare`` (a lock of its own), the lifecycle's ``MemorySchedule``, the rate limit's
``MemoryWindows``, a ``MemoryLog`` and a ``LocalRelay``. The journal's in-memory form is
``mockserver.control.journal.Journal`` itself (the Redis journal is a subclass of it).
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from sortedcontainers import SortedList

from contracts import Conversation
from mockserver.control.journal import Journal, KeptRequest
from mockserver.store.base import Entry, Log, PartShare, Relay, SharedPart, Sink, Timetable, Windows

if TYPE_CHECKING:
    from mockserver.state.lifecycle import Step

_T = TypeVar("_T")


class MemoryStore:
    """Conversations in dicts changed in place under one lock for writers; readers never wait.

    A write costs what it changes: ``put`` sets the entries it was given in the dict of every
    entry and in the insertion-ordered dicts of the active ids (and of the active ids holding a
    call), so the listing reads a page without looking at the rest.

    The guarantee readers get: ``get`` is one dict lookup (CPython's GIL makes it atomic), so it
    sees an entry whole, before or after a put. A reader of several entries (``entries``,
    ``active``) sees every conversation of a put or none of them: writers bump ``_version`` to an
    odd number before changing the dicts and to the next even one after, and such a reader reads
    the version, copies what it needs, reads the version again, and retries if a put was under
    way or happened meanwhile (a seqlock). A copy is one C-level ``list(...)`` of a dict view, so
    a put between two of its items cannot make it fail; if one does begin during the copy, the
    ``RuntimeError`` CPython raises for a dict changed mid-iteration is only another retry.
    Readers never take the lock: they may retry, but never wait behind a writer's transaction,
    which holds the lock across its whole read-check-write sequence while the version stays odd
    only for the few dict stores of the put itself.
    """

    shared = False  # its state is this process's alone

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._version = 0  # odd while a put changes the dicts
        self._baseline: list[Entry] = []
        self._entries: dict[str, Entry] = {}
        self._active = _Ranked()  # the active ids, in the order they became active
        self._calling = _Ranked()  # the active ids whose conversation holds a call
        self._mine = _PerUser()  # each user's active ids (and those holding a call), in the same order
        self._queued = _Waiting()  # the ids whose callback waits for an agent, by since when

    def get(self, conversation_id: str) -> Entry | None:
        return self._entries.get(conversation_id)

    def entries(self) -> list[Entry]:
        """All conversations, in the order they were first stored."""
        return self._read(lambda: list(self._entries.values()))

    def count(self) -> int:
        return len(self._entries)

    def active(
        self, start: int = 0, stop: int | None = None, *, calls: bool = False, user_id: str | None = None
    ) -> tuple[int, list[Entry]]:
        """How many conversations are active (with a call, if ``calls``; with ``user_id`` among
        their participants, if given) and those from ``start`` to ``stop``.

        In the order they became active (a conversation ended and given a new callback comes
        after those that stayed active). Costs the page and a logarithm of the store.
        """

        def read() -> tuple[int, list[Entry]]:
            if user_id is not None:
                ids = self._mine.of(user_id, calls=calls)
            else:
                ids = self._calling if calls else self._active
            entries = self._entries
            return len(ids), [entries[key] for key in ids.page(start, stop)]

        return self._read(read)

    def queued(self, until: int) -> list[Entry]:
        """The entries whose callback has waited for an agent since ``until`` or before, earliest first."""

        def read() -> list[Entry]:
            entries = self._entries
            return [entries[key] for key in self._queued.until(until)]

        return self._read(read)

    def put(self, conversations: Iterable[Conversation]) -> None:
        """Store (or replace) conversations: a reader of several sees all of them or none."""
        self.put_entries([Entry.of(conversation) for conversation in conversations])

    def put_entries(self, entries: list[Entry]) -> None:
        with self._lock:
            self._version += 1
            try:
                for entry in entries:
                    self._set(entry)
            finally:
                self._version += 1

    def delete(self, conversation_id: str) -> bool:
        """Remove a conversation (and its place among the active ids); whether it was stored.

        Readers see it as they see a put: ``get`` finds it or not, a reader of several entries
        sees the store with it or without it.
        """
        with self._lock:
            if conversation_id not in self._entries:
                return False
            self._version += 1
            try:
                # The indexes first: a reader never finds an active id without its entry.
                self._active.discard(conversation_id)
                self._calling.discard(conversation_id)
                self._mine.remove(self._entries[conversation_id])
                self._queued.discard(conversation_id)
                del self._entries[conversation_id]
            finally:
                self._version += 1
        return True

    def _set(self, entry: Entry) -> None:
        key = entry.id
        old = self._entries.get(key)
        if old is not None:
            self._mine.remove(old)
        self._entries[key] = entry
        if entry.active:
            self._active.add(key)
        else:
            self._active.discard(key)
        if entry.active and entry.calls:
            self._calling.add(key)
        else:
            self._calling.discard(key)
        if entry.active:
            self._mine.add(entry, self._active.number(key))
        self._queued.set(key, entry.queued_at)

    def _read(self, read: Callable[[], _T]) -> _T:
        while True:
            version = self._version
            if not version & 1:
                try:
                    result = read()
                except (
                    RuntimeError,
                    KeyError,
                    IndexError,
                    ValueError,
                ):  # a put began mid-copy: the version says so
                    result = None
                if self._version == version and result is not None:
                    return result
            time.sleep(0)  # let the writer finish

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the writers' lock across a read-check-write sequence."""
        with self._lock:
            yield

    @contextmanager
    def seeding(self, fingerprint: str) -> Iterator[bool]:
        """Alone in its process, a store is always seeded by it."""
        with self._lock:
            yield True

    def sync(self) -> None:
        """Nothing to do: every part lives in this process."""

    def read_journaled(
        self, conversation_id: str, journal: Journal | None, draft: KeptRequest | None, now_ms: int
    ) -> bytes | None:
        """One dict lookup; the engine has run what ``now_ms`` made due (nothing is out of date here)."""
        entry = self._entries.get(conversation_id)
        if entry is None:
            return None
        if journal is not None and draft is not None:
            journal.record_read(draft, len(entry.body))
        return entry.body

    async def aread_journaled(
        self, conversation_id: str, journal: Journal | None, draft: KeptRequest | None, now_ms: int
    ) -> bytes | None:
        """Nothing to wait for: ``read_journaled`` itself."""
        return self.read_journaled(conversation_id, journal, draft, now_ms)

    def on_sync(self, listener: Callable[[], None]) -> None:
        """Nothing to listen to: ``sync`` never changes anything."""

    def part_share(self, name: str) -> PartShare:
        return LocalPartShare()

    def schedule(self) -> Timetable:
        return MemorySchedule()

    def journal(self, limit: int, max_bytes: int) -> Journal:
        return Journal(limit, max_bytes)

    def windows(self) -> Windows:
        return MemoryWindows()

    def log(self, name: str, limit: int) -> Log:
        return MemoryLog(limit)

    def relay(self) -> Relay:
        return LocalRelay()

    def close(self) -> None:
        """Nothing to let go of."""

    def seed(self, conversations: Iterable[Conversation]) -> None:
        """Make ``conversations`` the dataset that ``reset`` returns to, and reset."""
        baseline = [Entry.of(conversation) for conversation in conversations]
        with self._lock:
            self._baseline = baseline
            self.reset()

    def reset(self) -> None:
        """Back to the seeded dataset: new dicts, bodies shared."""
        with self._lock:
            self._version += 1
            try:
                self._entries, self._active, self._calling = {}, _Ranked(), _Ranked()
                self._mine = _PerUser()
                self._queued = _Waiting()
                for entry in self._baseline:
                    self._set(entry)
            finally:
                self._version += 1


class _Ranked:
    """Ids in the order they were added, read by rank: a page costs its length and a logarithm.

    A sorted list of (number, id), numbered as added (sortedcontainers' ``SortedList``: its
    ``islice`` finds a rank in O(log n)), and each id's number. Adding an id already there keeps
    its place; an id discarded and added again goes last.
    """

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}
        self._ranked: SortedList = SortedList()
        self._next = itertools.count()

    def add(self, key: str, number: int | None = None) -> None:
        """Add ``key`` last, or at ``number`` if given (its number in another ``_Ranked``: the same order)."""
        if key not in self._numbers:
            number = self._numbers[key] = next(self._next) if number is None else number
            self._ranked.add((number, key))

    def number(self, key: str) -> int:
        return self._numbers[key]

    def discard(self, key: str) -> None:
        number = self._numbers.pop(key, None)
        if number is not None:
            self._ranked.remove((number, key))

    def page(self, start: int, stop: int | None) -> list[str]:
        return [key for _, key in self._ranked.islice(start, stop)]

    def __len__(self) -> int:
        return len(self._numbers)


class _PerUser:
    """Each user's active ids (and those holding a call), ranked by their place among all the active ones."""

    def __init__(self) -> None:
        self._active: dict[str, _Ranked] = {}
        self._calling: dict[str, _Ranked] = {}

    def of(self, user_id: str, *, calls: bool) -> _Ranked:
        return (self._calling if calls else self._active).get(user_id, _NONE)

    def add(self, entry: Entry, number: int) -> None:
        for user_id in entry.user_ids:
            self._active.setdefault(user_id, _Ranked()).add(entry.id, number)
            if entry.calls:
                self._calling.setdefault(user_id, _Ranked()).add(entry.id, number)

    def remove(self, entry: Entry) -> None:
        """Take ``entry`` (as it was stored) out of its users' indexes; a user left with none is dropped."""
        for user_id in entry.user_ids:
            for indexes in (self._active, self._calling):
                ranked = indexes.get(user_id)
                if ranked is not None:
                    ranked.discard(entry.id)
                    if not len(ranked):
                        del indexes[user_id]


_NONE = _Ranked()  # the index of a user with no active conversation (never added to)


class _Waiting:
    """Ids by the time (ms) each began waiting: those up to a time cost their count and a logarithm."""

    def __init__(self) -> None:
        self._since: dict[str, int] = {}
        self._ranked: SortedList = SortedList()

    def set(self, key: str, since: int | None) -> None:
        old = self._since.get(key)
        if old == since:
            return
        if old is not None:
            self._ranked.remove((old, key))
            del self._since[key]
        if since is not None:
            self._since[key] = since
            self._ranked.add((since, key))

    def discard(self, key: str) -> None:
        self.set(key, None)

    def until(self, until: int) -> list[str]:
        """The ids waiting since ``until`` or before, earliest first (ties by id)."""
        return [key for _, key in self._ranked.irange(maximum=(until + 1,), inclusive=(True, False))]


class LocalPartShare:
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

    def holds(self, part: SharedPart) -> None:
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

    def send(self, channel_ids: Sequence[str], text: str) -> None:
        if self.local is not None:
            self.local.send(channel_ids, text)

    def close(self, channel_id: str) -> None:
        if self.local is not None:
            self.local.close(channel_id)


class MemorySchedule:
    """The next step of every conversation, in a heap ordered by due time.

    Planning a conversation again makes its earlier entry stale: each entry carries a token, and
    only the conversation's latest token counts when the entry comes up.
    """

    def __init__(self) -> None:
        self._heap: list[tuple[int, int, str, str]] = []  # (due, token, conversation id, kind)
        self._tokens: dict[str, int] = {}
        self._count = itertools.count()
        self._baseline: tuple[list[tuple[int, int, str, str]], dict[str, int]] = ([], {})

    def plan(self, conversation_id: str, step: Step | None) -> None:
        if step is None:
            self._tokens.pop(conversation_id, None)
            return
        token = next(self._count)
        self._tokens[conversation_id] = token
        heapq.heappush(self._heap, (step.due, token, conversation_id, step.kind))

    def plan_all(self, steps: list[tuple[str, Step | None]]) -> None:
        for conversation_id, step in steps:
            self.plan(conversation_id, step)

    def next_due(self) -> int | None:
        """When the earliest live step is due (ms), dropping stale entries on the way."""
        heap = self._heap
        while heap and self._tokens.get(heap[0][2]) != heap[0][1]:
            heapq.heappop(heap)
        return heap[0][0] if heap else None

    def pop_due(self, until: int) -> Iterator[tuple[int, str, str]]:
        """Take every step due at or before ``until``, earliest first: (due, conversation id, kind).

        Steps planned while iterating are taken too if they fall due in time.
        """
        while (due := self.next_due()) is not None and due <= until:
            _, _, conversation_id, kind = heapq.heappop(self._heap)
            del self._tokens[conversation_id]
            yield due, conversation_id, kind

    def listen(self, heard: Callable[[], None]) -> Callable[[], None]:
        """Nothing to hear: this process is the only one that plans (and ``refresh`` tells its waker)."""
        return _nothing

    def announce(self) -> None:
        """No other process to tell."""

    def clear(self) -> None:
        self._heap, self._tokens = [], {}

    def keep_as_baseline(self) -> None:
        """Make the steps planned now the ones ``reset`` returns to."""
        self._baseline = (list(self._heap), dict(self._tokens))

    def reset(self) -> None:
        """Back to the steps planned when ``keep_as_baseline`` was called (none if it never was)."""
        heap, tokens = self._baseline
        self._heap, self._tokens = list(heap), dict(tokens)

    def __len__(self) -> int:
        return len(self._tokens)


def _nothing() -> None:
    """Stops listening where nothing listens."""
