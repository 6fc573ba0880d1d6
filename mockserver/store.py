"""The server's state: conversations by id, each kept as its serialized body.

A conversation's JSON is computed once when it is stored and served as bytes until it changes.
Only the bytes are kept, with the few facts the views look up in every entry; the contract
object, twice the size, is decoded again from the bytes by whoever needs it (a command
changing one conversation). ``ConversationStore`` is the interface the views use; ``MemoryStore``
is the in-memory backend.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

import orjson
from attrs import frozen

import contracts
from contracts import Conversation


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
    """What the views need of a backend; every method is safe to call from any thread."""

    def get(self, conversation_id: str) -> Entry | None: ...

    def entries(self) -> list[Entry]: ...

    def put(self, conversations: Iterable[Conversation]) -> None: ...

    def transaction(self) -> AbstractContextManager[None]: ...

    def seed(self, conversations: Iterable[Conversation]) -> None: ...

    def reset(self) -> None: ...


class MemoryStore:
    """Conversations in a dict, guarded by one lock for writers; readers never wait."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._baseline: dict[str, Entry] = {}
        self._entries: dict[str, Entry] = {}

    def get(self, conversation_id: str) -> Entry | None:
        return self._entries.get(conversation_id)

    def entries(self) -> list[Entry]:
        """All conversations, in the order they were first stored."""
        return list(self._entries.values())

    def put(self, conversations: Iterable[Conversation]) -> None:
        """Store (or replace) conversations, all at once."""
        entries = [Entry.of(conversation) for conversation in conversations]
        with self._lock:
            updated = dict(self._entries)
            updated.update((entry.id, entry) for entry in entries)
            # One assignment publishes the new state: a reader sees all of it or none.
            self._entries = updated

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the writers' lock across a read-check-write sequence."""
        with self._lock:
            yield

    def seed(self, conversations: Iterable[Conversation]) -> None:
        """Make ``conversations`` the dataset that ``reset`` returns to, and reset."""
        baseline = {entry.id: entry for entry in map(Entry.of, conversations)}
        with self._lock:
            self._baseline = baseline
            self._entries = dict(baseline)

    def reset(self) -> None:
        """Back to the seeded dataset: one dict copy, bodies shared."""
        with self._lock:
            self._entries = dict(self._baseline)


def _id_of(conversation: Conversation) -> str:
    if conversation.id is None:
        raise ValueError("a stored conversation needs an id")
    return conversation.id
