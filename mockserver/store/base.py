"""What a store is: every interface the server asks of one, the value it keeps, and its errors.

A store (``mockserver.store.memory.MemoryStore`` in one process, ``mockserver.store.redis.RedisStore``
for several on one Redis) does four jobs, one Protocol each, which ``ConversationStore`` combines:

- ``Conversations``: the conversations by id, each kept as an ``Entry`` (its wire JSON), and the
  busiest read, a body read and journaled in one step (``read_journaled``);
- ``Transactions``: the transaction every read-check-write runs in, the seeded dataset a reset
  returns to, and the sync that brings this process up to date with the others;
- ``PartShares``: a ``PartShare`` for each ``SharedPart``, state every process holds a copy of
  (the clock, the faults, the stubs, the lifecycle settings, the channels, the factory's random
  stream): its changes are made inside ``share.changing()``, which in one process is a lock of
  its own and across processes the store's transaction, at the end of which what changed reaches
  every process. A ``Tracked`` part (the channels, the faults, the stubs: the parts that grow)
  also names the pieces it changes (``share.changed``), so a store on another server saves and
  loads those alone;
- ``PartMakers``: what the other parts keep in the store: the lifecycle's ``Timetable``, the
  journal, a ``Windows`` for the rate limit's counts, a ``Log`` for what only grows (the
  notifications pushed), a ``Relay`` for what a socket must be told, wherever the socket is held.

Nothing here imports Flask, nor any store's implementation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import orjson
from attrs import frozen

import contracts
from contracts import CallbackState, Conversation, DisconnectType

if TYPE_CHECKING:
    from mockserver.control.journal import Journal, KeptRequest
    from mockserver.state.lifecycle import Step


ABSENT: Any = object()  # what a ``Tracked`` part's dump holds at a path where it holds nothing

Path = tuple[str, ...]  # a piece of a part's dump: the object members that lead to it


class SharedPart(Protocol):
    """State that every process must see alike, as JSON-able data."""

    def dump(self) -> Any: ...

    def load(self, data: Any) -> None: ...


@runtime_checkable
class Tracked(SharedPart, Protocol):
    """A part that names each piece of its dump it changes (``PartShare.changed``), so it is saved a piece at a time.

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


class PartShare(Protocol):
    """A ``SharedPart``'s place in its store: the lock its changes are made under, and what changed."""

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

    def holds(self, part: SharedPart) -> None:
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

    def listen(self, heard: Callable[[], None]) -> Callable[[], None]:
        """Call ``heard`` (on a thread of its own) whenever another process tells of a change
        (``announce``, or a step planned sooner than any); the function that stops listening."""
        ...

    def announce(self) -> None:
        """Tell every process listening that the schedule or the clock changed: they look again."""
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

    def send(self, channel_ids: Sequence[str], text: str) -> None:
        """Hand ``text`` to the socket of each of these channels (one message, many sockets)."""
        ...

    def close(self, channel_id: str) -> None: ...


@runtime_checkable
class Holding(Protocol):
    """A sink that can hold what it is handed, to take it all at once when the hold ends."""

    def holding(self) -> AbstractContextManager[None]: ...


class Relay(Sink, Protocol):
    """A ``Sink`` that reaches the socket whichever process holds it; ``local`` is this process's stream."""

    local: Sink | None


# What a shared store keeps for each entry and its indexes; part of the fingerprint a store is seeded
# with, so a process of another layout refuses a prefix rather than misreading it. Raise it with any
# change to what the store holds (2: an entry's users and since when it waits, beside its body; 3: the
# pushed notifications logged a step at a time, and the seeded admin role's own permissions).
LAYOUT = 3


@frozen
class Entry:
    """A stored conversation: its wire JSON and what the views ask of every entry."""

    id: str
    body: bytes
    active: bool  # not ended: the listing shows it
    campaign_ids: tuple[str, ...]  # the campaigns whose contacts its callbacks preview
    calls: bool = False  # whether a participant holds a call (placed as part of the callback)
    # The users among its participants (their ``userId``s, each once): whose listings show it.
    user_ids: tuple[str, ...] = ()
    # Since when (ms) its callback has waited in queue for an agent (``waiting_since``); None: it does not.
    queued_at: int | None = None

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
            user_ids=tuple(dict.fromkeys(p.user_id for p in conversation.participants or () if p.user_id)),
            queued_at=_ms(waiting_since(conversation)),
        )

    @property
    def conversation(self) -> Conversation:
        """The stored conversation, decoded from its wire JSON (which it round-trips exactly)."""
        return contracts.loads(self.body, Conversation)


_ENDED = (CallbackState.DISCONNECTED, CallbackState.TERMINATED)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def waiting_since(conversation: Conversation) -> datetime | None:
    """Since when the conversation's callback waits for an agent's offer; None if it does not.

    It waits when the current customer callback (the last customer leg's) is connected and no
    agent leg of it was offered it (since the customer connected), or the last one's offer ended
    unanswered or was transferred away (since that leg disconnected): the lifecycle's rule for an
    ``offer`` step (``lifecycle.next_step``), due ``offerDelaySeconds`` after this instant, read
    from the wire fields alone. The stores index these (``Conversations.queued``) so the ACD, woken
    when a member is freed, reads the ones whose offer is due and never the rest of the store.
    """
    participants = conversation.participants or ()
    customers = [p for p in participants if p.purpose == "customer" and p.callbacks]
    if not customers:
        return None
    current = (customers[-1].callbacks or ())[0]
    if current.state is not CallbackState.CONNECTED:
        return None
    offers = [
        callbacks[0]
        for p in participants
        if p.purpose == "agent" and (callbacks := p.callbacks) and callbacks[0].peer_id == current.id
    ]
    if not offers:
        return current.connected_time
    last = offers[-1]
    if last.state in _ENDED and (
        last.connected_time is None or last.disconnect_type is DisconnectType.TRANSFER
    ):
        return last.disconnected_time
    return None


def _ms(instant: datetime | None) -> int | None:
    """``instant`` in ms since the epoch (naive: UTC), as the server clock counts (``clock.to_ms``)."""
    if instant is None:
        return None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=timezone.utc)
    return (instant - _EPOCH) // timedelta(milliseconds=1)


def _id_of(conversation: Conversation) -> str:
    if conversation.id is None:
        raise ValueError("a stored conversation needs an id")
    return conversation.id


class Conversations(Protocol):
    """The conversations by id, each kept as its serialized body (an ``Entry``)."""

    def get(self, conversation_id: str) -> Entry | None: ...

    def entries(self) -> list[Entry]: ...

    def count(self) -> int:
        """How many conversations are stored, at the cost of one read (a bound on them checks it)."""
        ...

    def active(
        self, start: int = 0, stop: int | None = None, *, calls: bool = False, user_id: str | None = None
    ) -> tuple[int, list[Entry]]:
        """How many conversations are active (holding a call, if ``calls``; with ``user_id`` among
        their participants, if given) and those from ``start`` to ``stop``, in the order they
        became active: each user has an index of its own, so a page costs the page, not the store."""
        ...

    def put(self, conversations: Iterable[Conversation]) -> None: ...

    def put_entries(self, entries: list[Entry]) -> None:
        """``put`` of conversations already encoded (``Entry.of``): the caller keeps what it stored."""
        ...

    def delete(self, conversation_id: str) -> bool: ...

    def queued(self, until: int) -> list[Entry]:
        """The entries whose callback has waited for an agent since ``until`` (ms) or before
        (``Entry.queued_at``), earliest first: one consistent read, costing those, not the store."""
        ...

    def read_journaled(
        self, conversation_id: str, journal: Journal | None, draft: KeptRequest | None, now_ms: int
    ) -> bytes | None:
        """A stored conversation's body, its read journaled in the same step (``draft``, made by
        ``control.journal.fast_read_fields``, is kept only if the conversation is stored).

        Raises ``OutOfDateError`` (nothing read, nothing kept) if another process changed the parts
        since this one synced, or a step is due by ``now_ms`` (the server clock): the caller syncs
        and answers the general way.
        """
        ...

    async def aread_journaled(
        self, conversation_id: str, journal: Journal | None, draft: KeptRequest | None, now_ms: int
    ) -> bytes | None:
        """``read_journaled`` on an event loop, which serves other requests while this one waits."""
        ...


class Transactions(Protocol):
    """The read-check-write sequences, the seeded dataset, and this process kept up to date."""

    def transaction(self) -> AbstractContextManager[None]:
        """Exclusive (reentrant) across every process of the server: a read-check-write sequence."""
        ...

    def seeding(self, fingerprint: str) -> AbstractContextManager[bool]:
        """A transaction in which to seed the dataset: True if this process must (no other has)."""
        ...

    def seed(self, conversations: Iterable[Conversation]) -> None: ...

    def reset(self) -> None: ...

    def sync(self) -> None:
        """Bring every part up to date with the other processes' changes (as each request begins)."""
        ...

    def on_sync(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after each ``sync`` (the engine notes when its next step is due)."""
        ...


class PartShares(Protocol):
    """Where each ``SharedPart`` of the server is kept."""

    def part_share(self, name: str) -> PartShare:
        """The share of the part called ``name`` (the part is handed to ``PartShare.holds``)."""
        ...


class PartMakers(Protocol):
    """What the other stateful parts keep in the store, each made for the part that keeps it."""

    def schedule(self) -> Timetable: ...

    def journal(self, limit: int, max_bytes: int) -> Journal: ...

    def windows(self) -> Windows: ...

    def log(self, name: str, limit: int) -> Log: ...

    def relay(self) -> Relay: ...


class ConversationStore(Conversations, Transactions, PartShares, PartMakers, Protocol):
    """Where a server's state lives; every method is safe to call from any thread.

    ``MemoryStore`` keeps it all in this process; ``RedisStore`` on a Redis server that any number
    of processes share (``shared``: whether several processes may serve one state from it). Nothing
    outside the store package knows which is used.
    """

    @property
    def shared(self) -> bool: ...

    def close(self) -> None: ...
