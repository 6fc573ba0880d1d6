"""The server's state: conversations by id, each kept as its serialized body.

A conversation's JSON is computed once when it is stored and served as bytes until it changes.
Only the bytes are kept, with the few facts the views look up in every entry; the contract
object, twice the size, is decoded again from the bytes by whoever needs it (a command
changing one conversation). ``ConversationStore`` is the interface the views use; ``MemoryStore``
is the in-memory backend.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol, TypeVar

import orjson
from attrs import frozen
from sortedcontainers import SortedList

import contracts
from contracts import Conversation
from mockserver.control.journal import Arrival, Journal
from mockserver.state.lifecycle import Schedule
from mockserver.store.parts import (
    LocalRelay,
    LocalShare,
    Log,
    MemoryLog,
    MemoryWindows,
    Relay,
    Share,
    Timetable,
    Windows,
)

_T = TypeVar("_T")


@frozen
class Entry:
    """A stored conversation: its wire JSON and what the views ask of every entry."""

    id: str
    body: bytes
    active: bool  # not ended: the listing shows it
    campaign_ids: tuple[str, ...]  # the campaigns whose contacts its callbacks preview
    calls: bool = False  # whether a participant holds a call (placed as part of the callback)

    @classmethod
    def of(cls, conversation: Conversation) -> Entry:
        callbacks = [cb for p in conversation.participants or () for cb in p.callbacks or ()]
        return cls(
            id=_id_of(conversation),
            # orjson hands back its working buffer, several times the text's size: keep a copy.
            body=memoryview(orjson.dumps(contracts.unstructure(conversation))).tobytes(),
            active=conversation.end_time is None,
            campaign_ids=tuple(
                cb.dialer_preview.campaign_id
                for cb in callbacks
                if cb.dialer_preview is not None and cb.dialer_preview.campaign_id is not None
            ),
            calls=any(p.calls for p in conversation.participants or ()),
        )

    @property
    def conversation(self) -> Conversation:
        """The stored conversation, decoded from its wire JSON (which it round-trips exactly)."""
        return contracts.loads(self.body, Conversation)


class ConversationStore(Protocol):
    """Where a server's state lives; every method is safe to call from any thread.

    The conversations themselves, the transaction every read-check-write runs in, and what the
    other stateful parts keep here (``mockserver.store.parts``): each part's ``Share``, the lifecycle's
    schedule, the journal, the rate limit's windows, the pushed notifications and the relay to the
    sockets. ``MemoryStore`` keeps it all in this process; ``mockserver.store.redis.RedisStore`` on a
    Redis server that any number of processes share. Nothing outside the two knows which is used.
    """

    def get(self, conversation_id: str) -> Entry | None: ...

    def entries(self) -> list[Entry]: ...

    def count(self) -> int:
        """How many conversations are stored, at the cost of one read (a bound on them checks it)."""
        ...

    def active(
        self, start: int = 0, stop: int | None = None, *, calls: bool = False
    ) -> tuple[int, list[Entry]]: ...

    def put(self, conversations: Iterable[Conversation]) -> None: ...

    def delete(self, conversation_id: str) -> bool: ...

    def transaction(self) -> AbstractContextManager[None]:
        """Exclusive (reentrant) across every process of the server: a read-check-write sequence."""
        ...

    def seed(self, conversations: Iterable[Conversation]) -> None: ...

    def reset(self) -> None: ...

    def seeding(self, fingerprint: str) -> AbstractContextManager[bool]:
        """A transaction in which to seed the dataset: True if this process must (no other has)."""
        ...

    def sync(self) -> None:
        """Bring every part up to date with the other processes' changes (as each request begins)."""
        ...

    def read_journaled(
        self, conversation_id: str, journal: Journal | None, draft: Arrival | None, now_ms: int
    ) -> bytes | None:
        """A stored conversation's body, its read journaled in the same step (``draft``, made by
        ``control.journal.read_entry``, is kept only if the conversation is stored).

        Raises ``OutOfDateError`` (nothing read, nothing kept) if another process changed the parts
        since this one synced, or a step is due by ``now_ms`` (the server clock): the caller syncs
        and answers the general way.
        """
        ...

    async def aread_journaled(
        self, conversation_id: str, journal: Journal | None, draft: Arrival | None, now_ms: int
    ) -> bytes | None:
        """``read_journaled`` on an event loop, which serves other requests while this one waits."""
        ...

    def on_sync(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after each ``sync`` (the engine notes when its next step is due)."""
        ...

    def share(self, name: str) -> Share:
        """The share of the part called ``name`` (the part is handed to ``Share.holds``)."""
        ...

    def schedule(self) -> Timetable: ...

    def journal(self, limit: int, max_bytes: int) -> Journal: ...

    def windows(self) -> Windows: ...

    def log(self, name: str, limit: int) -> Log: ...

    def relay(self) -> Relay: ...

    def close(self) -> None: ...


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

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._version = 0  # odd while a put changes the dicts
        self._baseline: list[Entry] = []
        self._entries: dict[str, Entry] = {}
        self._active = _Ranked()  # the active ids, in the order they became active
        self._calling = _Ranked()  # the active ids whose conversation holds a call

    def get(self, conversation_id: str) -> Entry | None:
        return self._entries.get(conversation_id)

    def entries(self) -> list[Entry]:
        """All conversations, in the order they were first stored."""
        return self._read(lambda: list(self._entries.values()))

    def count(self) -> int:
        return len(self._entries)

    def active(
        self, start: int = 0, stop: int | None = None, *, calls: bool = False
    ) -> tuple[int, list[Entry]]:
        """How many conversations are active (with a call, if ``calls``) and those from ``start`` to ``stop``.

        In the order they became active (a conversation ended and given a new callback comes
        after those that stayed active). Costs the page and a logarithm of the store.
        """

        def read() -> tuple[int, list[Entry]]:
            ids = self._calling if calls else self._active
            entries = self._entries
            return len(ids), [entries[key] for key in ids.page(start, stop)]

        return self._read(read)

    def put(self, conversations: Iterable[Conversation]) -> None:
        """Store (or replace) conversations: a reader of several sees all of them or none."""
        entries = [Entry.of(conversation) for conversation in conversations]
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
                del self._entries[conversation_id]
            finally:
                self._version += 1
        return True

    def _set(self, entry: Entry) -> None:
        key = entry.id
        self._entries[key] = entry
        if entry.active:
            self._active.add(key)
        else:
            self._active.discard(key)
        if entry.active and entry.calls:
            self._calling.add(key)
        else:
            self._calling.discard(key)

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
        self, conversation_id: str, journal: Journal | None, draft: Arrival | None, now_ms: int
    ) -> bytes | None:
        """One dict lookup; the engine has run what ``now_ms`` made due (nothing is out of date here)."""
        entry = self._entries.get(conversation_id)
        if entry is None:
            return None
        if journal is not None and draft is not None:
            journal.record_read(draft, len(entry.body))
        return entry.body

    async def aread_journaled(
        self, conversation_id: str, journal: Journal | None, draft: Arrival | None, now_ms: int
    ) -> bytes | None:
        """Nothing to wait for: ``read_journaled`` itself."""
        return self.read_journaled(conversation_id, journal, draft, now_ms)

    def on_sync(self, listener: Callable[[], None]) -> None:
        """Nothing to listen to: ``sync`` never changes anything."""

    def share(self, name: str) -> Share:
        return LocalShare()

    def schedule(self) -> Timetable:
        return Schedule()

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

    def add(self, key: str) -> None:
        if key not in self._numbers:
            number = self._numbers[key] = next(self._next)
            self._ranked.add((number, key))

    def discard(self, key: str) -> None:
        number = self._numbers.pop(key, None)
        if number is not None:
            self._ranked.remove((number, key))

    def page(self, start: int, stop: int | None) -> list[str]:
        return [key for _, key in self._ranked.islice(start, stop)]

    def __len__(self) -> int:
        return len(self._numbers)


def _id_of(conversation: Conversation) -> str:
    if conversation.id is None:
        raise ValueError("a stored conversation needs an id")
    return conversation.id


def open_store(url: str | None, *, prefix: str, timeout: float = 3.0) -> ConversationStore:
    """The store a ``STORE`` setting names: None or ``memory`` this process's, ``redis://...`` a Redis server's.

    ``timeout``: how long a shared store's command may take (s) before the store counts as down.
    """
    if url is None or url == "memory":
        return MemoryStore()
    from mockserver.store.redis import RedisStore  # redis-py is needed only here (the redis extra)

    return RedisStore(url, prefix=prefix, timeout=timeout)


class StoreError(RuntimeError):
    """The store cannot do what was asked: unreachable, seeded otherwise, or its lock lost."""


class StoreUnavailableError(StoreError):
    """The store cannot answer now (unreachable, silent past its timeout, its lock not freed in time):
    the server answers 503, telling the client to retry after ``retry_after`` seconds."""

    def __init__(self, message: str, *, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after
