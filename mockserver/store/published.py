"""The memory store, its answers mirrored into a ``SharedAnswers`` table as it stores them.

The owner's half of issue 26's read workers (``serve --read-workers N``): the process that owns the
memory store publishes each conversation's bytes in the same step that stores them (under the
store's lock), so a process reading the table sees every write the store has finished. Its
journal is a ``SharedJournal``: numbered from the counter the read workers share, their entries
drained into it before it is read. An answer the table cannot hold (it is full) is removed from
it: a read worker then finds none and hands the read to the owner, which has it.
"""

from __future__ import annotations

from mockserver.control.journal import Journal
from mockserver.store.base import Entry
from mockserver.store.journal_ring import JournalRing, SharedJournal
from mockserver.store.memory import MemoryStore
from mockserver.store.shared_answers import AnswerTableError, SharedAnswers

# The table's size: answers, and bytes of them (a conversation's is 2-3 KB). Pages of /dev/shm are
# taken as they are first written, so the bytes not yet used cost nothing.
TABLE_ANSWERS = 32_768
TABLE_BYTES = 256 * 1024 * 1024


class PublishedMemoryStore(MemoryStore):
    """A ``MemoryStore`` whose every change is published in ``answers`` before it returns."""

    def __init__(self, answers: SharedAnswers, ring: JournalRing | None = None) -> None:
        super().__init__()
        self.answers = answers
        self.ring = ring

    @classmethod
    def open(cls, prefix: str) -> PublishedMemoryStore:
        """The owner's store under ``serve --read-workers``: its table ``{prefix}-answers`` and its
        journal's ring ``{prefix}-ring``, both made here."""
        answers = SharedAnswers.create(
            answers=TABLE_ANSWERS, data_bytes=TABLE_BYTES, name=f"{prefix}-answers"
        )
        return cls(answers, JournalRing(f"{prefix}-ring", create=True))

    def put_entries(self, entries: list[Entry]) -> None:
        with self._lock:
            super().put_entries(entries)
            for entry in entries:
                self._publish(entry)

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
                self._publish(entry)

    def journal(self, limit: int, max_bytes: int) -> Journal:
        if self.ring is None:
            return super().journal(limit, max_bytes)
        return SharedJournal(self.ring, limit, max_bytes)

    def close(self) -> None:
        super().close()
        self.answers.close()
        if self.ring is not None:
            self.ring.close()

    def _publish(self, entry: Entry) -> None:
        try:
            self.answers.publish(entry.id, entry.body)
        except AnswerTableError:
            self.answers.remove(entry.id)  # read through the owner, which holds it
