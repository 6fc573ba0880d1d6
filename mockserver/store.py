"""The server's state: conversations by id, each kept with its serialized body.

Conversations are immutable contract objects, so each one's JSON is computed once when it is
stored and served as bytes until it changes. ``ConversationStore`` is the interface the views use;
``MemoryStore`` is the in-memory backend.
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
    """A stored conversation and its wire JSON."""

    conversation: Conversation
    body: bytes

    @classmethod
    def of(cls, conversation: Conversation) -> Entry:
        return cls(conversation, orjson.dumps(contracts.unstructure(conversation)))


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
            updated.update((_id_of(entry.conversation), entry) for entry in entries)
            # One assignment publishes the new state: a reader sees all of it or none.
            self._entries = updated

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the writers' lock across a read-check-write sequence."""
        with self._lock:
            yield

    def seed(self, conversations: Iterable[Conversation]) -> None:
        """Make ``conversations`` the dataset that ``reset`` returns to, and reset."""
        baseline = {_id_of(c): Entry.of(c) for c in conversations}
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
