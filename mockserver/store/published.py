"""The memory store, its answers mirrored into a ``SharedAnswers`` table as it stores them.

The owner's half of issue 26's read workers: the process that owns the memory store publishes
each conversation's bytes in the same step that stores them (under the store's lock), so a
process reading the table sees every write the store has finished. The read workers' half (serve
answering GET by id from the table in other processes, with the journal, faults, stubs, the rate
limit and ``advanceOn: reads`` kept as one process keeps them) is not built: docs/server.md says
what it would take.
"""

from __future__ import annotations

from mockserver.store.base import Entry
from mockserver.store.memory import MemoryStore
from mockserver.store.shared_answers import SharedAnswers


class PublishedMemoryStore(MemoryStore):
    """A ``MemoryStore`` whose every change is published in ``answers`` before it returns."""

    def __init__(self, answers: SharedAnswers) -> None:
        super().__init__()
        self.answers = answers

    def put_entries(self, entries: list[Entry]) -> None:
        with self._lock:
            super().put_entries(entries)
            for entry in entries:
                self.answers.publish(entry.id, entry.body)

    def delete(self, conversation_id: str) -> bool:
        with self._lock:
            removed = super().delete(conversation_id)
            if removed:
                self.answers.remove(conversation_id)
            return removed

    def reset(self) -> None:
        with self._lock:
            super().reset()
            self.answers.clear()
            for entry in self.entries():
                self.answers.publish(entry.id, entry.body)
