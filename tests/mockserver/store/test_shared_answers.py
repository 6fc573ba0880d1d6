"""The answers' table in shared memory: written by one process, read whole and fresh by every other."""

from __future__ import annotations

import multiprocessing
import re
import time
from collections.abc import Callable, Iterator
from multiprocessing import resource_tracker
from multiprocessing.sharedctypes import Synchronized, SynchronizedArray
from typing import Any

import pytest

from mockserver.store.base import ConversationStore, Entry
from mockserver.store.published import PublishedMemoryStore
from mockserver.store.shared_answers import KEY_BYTES, AnswerTableError, SharedAnswers

# The memory store's contract tests, run here on a store that publishes its answers (``fresh``
# below): each must pass as it does on the memory store, and leave the table holding the store.
from tests.mockserver.store.test_store import (  # noqa: F401 - collected here, with their fixture
    conversations,
    test_a_reader_of_several_entries_sees_all_of_a_put_or_none,
    test_a_reader_sees_a_deleted_conversation_whole_or_not_at_all,
    test_delete_removes_an_entry_and_its_place_among_the_active_ids,
    test_put_entries_stores_the_entries_as_put_stores_their_conversations,
    test_reset_restores_the_seeded_entries,
    test_the_active_listing_reads_its_page_in_the_order_conversations_became_active,
)

ROUNDS = 1_000
READERS = 2
KEY = "6a563801-8deb-4117-81f4-f124f5dfe736"


@pytest.fixture(scope="module", autouse=True)
def _resource_tracker() -> Iterator[None]:
    """Stops the process the standard library starts to track shared memory (the first table made
    starts it), which would otherwise outlive the session (tests.support.leaks)."""
    yield
    resource_tracker._resource_tracker._stop()  # type: ignore[attr-defined]


class _Checked(PublishedMemoryStore):
    """A publishing store that checks, after each change, that another handle on the table reads
    what the store now holds: the bytes of what was put, none of what was deleted, all of a reset."""

    def __init__(self, answers: SharedAnswers) -> None:
        super().__init__(answers)
        self.reader = SharedAnswers.attach(answers.name)

    def put_entries(self, entries: list[Entry]) -> None:
        super().put_entries(entries)
        assert [self.reader.get(entry.id) for entry in entries] == [entry.body for entry in entries]

    def delete(self, conversation_id: str) -> bool:
        removed = super().delete(conversation_id)
        assert self.reader.get(conversation_id) is None
        return removed

    def reset(self) -> None:
        super().reset()
        self.check()

    def check(self) -> None:
        entries = self.entries()
        assert [self.reader.get(entry.id) for entry in entries] == [entry.body for entry in entries]
        assert len(self.answers) == len(entries)


@pytest.fixture
def fresh() -> Iterator[ConversationStore]:
    """An empty memory store that publishes its answers, checked after each change and at the end."""
    store = _Checked(SharedAnswers.create(answers=4096, data_bytes=8 << 20))
    yield store
    try:
        store.check()
    finally:
        store.reader.close()
        store.answers.close()


@pytest.fixture
def table() -> Iterator[SharedAnswers]:
    made = SharedAnswers.create(answers=8, data_bytes=4096)
    yield made
    made.close()


def answer(round_number: int) -> bytes:
    """Round ``round_number``'s answer: its number, then a length and a filler that follow from it,
    so a reader can tell a whole answer from one torn between two rounds."""
    filler = str(round_number % 10).encode() * (500 + (round_number * 37) % 2500)
    return b"%d:%d:" % (round_number, len(filler)) + filler


def round_of(body: bytes) -> int:
    """The round a whole ``answer`` was made in; a torn one raises ValueError."""
    number, length, filler = body.split(b":", 2)
    if int(length) != len(filler) or filler != number[-1:] * len(filler):
        raise ValueError(f"torn answer: {body[:40]!r}")
    return int(number)


def read_while_written(
    name: str, committed: Synchronized[int], seen: SynchronizedArray[int], me: int, report: Any
) -> None:
    """Reader ``me``: read ``KEY`` until the last round is committed, saying in ``seen`` which
    commit each read followed; report how many reads found an older round, and how many a torn answer."""
    table = SharedAnswers.attach(name)
    stale = torn = 0
    while True:
        floor = committed.value  # a round whose publish has returned: no read after may be older
        body = table.get(KEY)
        try:
            if (0 if body is None else round_of(body)) < floor:
                stale += 1
        except ValueError:
            torn += 1
        seen[me] = floor
        if floor == ROUNDS:
            break
    table.close()
    report.put((stale, torn))


def test_a_write_is_seen_by_the_next_read_of_every_reading_process() -> None:
    # Two reader processes read all along; each round is published, then committed, and the next
    # round waits until every reader has read after that commit (so each reads in every round, while
    # the next one is written). A read that follows a commit must find that round or a later one.
    # The table is small, so it compacts every few rounds.
    context = multiprocessing.get_context("spawn")
    table = SharedAnswers.create(answers=4, data_bytes=16_384)
    committed: Synchronized[int] = context.Value("q", 0, lock=False)
    seen: SynchronizedArray[int] = context.Array("q", READERS, lock=False)
    report = context.Queue()
    readers = [
        context.Process(target=read_while_written, args=(table.name, committed, seen, me, report))
        for me in range(READERS)
    ]
    try:
        for reader in readers:
            reader.start()
        for round_number in range(1, ROUNDS + 1):
            table.publish(KEY, answer(round_number))
            table.publish(f"other-{round_number % 3}", answer(round_number + 1))  # moves the bytes
            committed.value = round_number
            deadline = time.monotonic() + 60
            while min(seen[:]) < round_number - 1 and time.monotonic() < deadline:
                time.sleep(0)
        results = [report.get(timeout=60) for _ in readers]
        written = table.sequence
    finally:
        for reader in readers:
            reader.join(timeout=10)
            if reader.is_alive():
                reader.kill()
        table.close()
    assert results == [(0, 0)] * READERS
    assert written == 4 * ROUNDS  # even: two writes a round, each odd, then even again


def test_an_answer_replaced_removed_and_cleared(table: SharedAnswers) -> None:
    reader = SharedAnswers.attach(table.name)
    try:
        assert reader.get(KEY) is None
        table.publish(KEY, b'{"id": 1}')
        table.publish("other", b"x" * 100)
        assert reader.get(KEY) == b'{"id": 1}'
        table.publish(KEY, b'{"id": 2, "longer": true}')
        assert reader.get(KEY) == b'{"id": 2, "longer": true}'
        assert table.remove(KEY) is True
        assert table.remove(KEY) is False
        assert reader.get(KEY) is None
        assert reader.get("other") == b"x" * 100  # found past the removed slot
        table.clear()
        assert reader.get("other") is None
    finally:
        reader.close()


def test_a_full_data_area_is_compacted_and_keeps_every_live_answer(table: SharedAnswers) -> None:
    for repeat in range(50):  # 50 x 3 x ~400 bytes through 4,096: compacted many times
        for key in ("a", "b", "c"):
            table.publish(key, key.encode() * (300 + repeat))
    assert [table.get(key) for key in ("a", "b", "c")] == [key.encode() * 349 for key in ("a", "b", "c")]
    table.publish("b", b"b" * (4096 - 2 * 349))  # every byte the other two leave
    assert table.get("b") == b"b" * (4096 - 2 * 349)


def _too_many(table: SharedAnswers) -> None:
    for number in range(9):
        table.publish(f"k{number}", b"{}")


def _attached(table: SharedAnswers) -> None:
    reader = SharedAnswers.attach(table.name)
    try:
        reader.publish(KEY, b"{}")
    finally:
        reader.close()


@pytest.mark.parametrize(
    ("write", "message"),
    [
        (lambda t: t.publish("", b"{}"), "a key is 1-47 ASCII characters: got ''"),
        (lambda t: t.publish("k" * (KEY_BYTES + 1), b"{}"), f"got '{'k' * 48}'"),
        (lambda t: t.publish("caf\u00e9", b"{}"), "a key is 1-47 ASCII characters: got 'caf\u00e9'"),
        (lambda t: t.publish(KEY, b"x" * 4097), "an answer of 4097 bytes does not fit a table of 4096"),
        (
            lambda t: [t.publish("a", b"x" * 3000), t.publish("b", b"x" * 1097)],
            "the table's 4096 data bytes cannot hold 1097 more beside the 3000 it holds",
        ),
        (_too_many, "the table holds 8 answers: 'k8' is one more"),
        (_attached, "only the process that created the table writes to it"),
        (lambda t: SharedAnswers.create(answers=0, data_bytes=10), "answers is 0, data_bytes is 10"),
    ],
)
def test_what_the_table_cannot_hold_is_refused_by_name(
    table: SharedAnswers, write: Callable[[SharedAnswers], Any], message: str
) -> None:
    with pytest.raises(AnswerTableError, match=re.escape(message)):
        write(table)
