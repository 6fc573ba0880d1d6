"""The segments serve --read-workers shares between its processes: the journal's ring and the read gate."""

from __future__ import annotations

import math
import multiprocessing
import os
import secrets
import threading
from collections.abc import Iterator

import pytest

from mockserver.control.journal import KeptRequest
from mockserver.store.journal_ring import JournalRing, SharedJournal, inherited_lock, ring_lock
from mockserver.store.read_gate import GateState, ReadGate, digest


def _kept(path: str) -> KeptRequest:
    return KeptRequest(0, 1.5, "GET", path, "", {"HTTP_HOST": "h"}, b"", 200, "c", None, 0.1, None, ())


@pytest.fixture
def ring() -> Iterator[JournalRing]:
    made = JournalRing(f"test-ring-{secrets.token_hex(4)}", create=True, size=4096)
    yield made
    made.close()


def test_the_ring_numbers_from_the_counter_the_owner_numbers_from(ring: JournalRing) -> None:
    other = JournalRing(ring.name, create=False)  # a read worker's handle
    try:
        assert ring.next_id() == 1
        assert other.keep(_kept("/a")) == 2
        assert ring.next_id() == 3
        assert other.keep(_kept("/b")) == 4
        assert [(kept.id, kept.path) for kept in ring.drain()] == [(2, "/a"), (4, "/b")]
        assert ring.drain() == []
    finally:
        other.close()


def test_a_full_ring_refuses_an_entry_until_drained(ring: JournalRing) -> None:
    kept = 0
    while ring.keep(_kept("/x" * 50)) is not None:
        kept += 1
    assert 0 < kept < 4096 // 100
    assert len(ring.drain()) == kept
    assert ring.keep(_kept("/x")) is not None


def test_the_shared_journal_drains_the_ring_before_it_is_read(ring: JournalRing) -> None:
    journal = SharedJournal(ring, limit=10)
    journal.record(_kept("/owner")._replace(id=journal.next_id()))
    ring.keep(_kept("/reader"))
    assert [request.path for request in journal.find()] == ["/owner", "/reader"]
    assert len(journal) == 2
    ring.keep(_kept("/gone"))
    journal.clear()
    assert len(journal) == 0


def test_the_gate_is_closed_until_published_and_reads_what_was_published() -> None:
    gate = ReadGate(f"test-gate-{secrets.token_hex(4)}", create=True)
    reader = ReadGate(gate.name, create=False)
    try:
        assert not reader.state().open
        state = GateState(True, True, math.inf, -1, 250, {digest("Bearer t"): math.inf})
        gate.publish(state)
        assert reader.state() == state
        gate.publish(state._replace(open=False, tokens={}))
        assert not reader.state().open
        assert reader.state().tokens == {}
    finally:
        reader.close()
        gate.close()


def _keep_as_a_read_worker(name: str, who: str, count: int) -> None:
    """A forked process's keeps (its exit code says what went wrong: 2 no inherited lock, 3 a refusal)."""
    if not inherited_lock():
        os._exit(2)
    handle = JournalRing(name, create=False)
    for index in range(count):
        if handle.keep(_kept(f"/{who}/{index}")) is None:
            os._exit(3)
    os._exit(0)


def test_processes_forked_after_the_lock_number_one_sequence_between_them() -> None:
    # The ring's lock is a semaphore the processes inherit (no system call uncontended, as lockf
    # cost): two forked read workers keeping entries while the owner takes numbers share it, so
    # every number is given once, the entries are whole, and each process's are in its order.
    ring = JournalRing(f"test-ring-{secrets.token_hex(4)}", create=True, size=1024 * 1024)
    count = 1500
    try:
        assert not inherited_lock()  # made here, by ring_lock()
        fork = multiprocessing.get_context("fork")
        workers = [fork.Process(target=_keep_as_a_read_worker, args=(ring.name, who, count)) for who in "ab"]
        for worker in workers:
            worker.start()
        owner_numbers = [ring.next_id() for _ in range(count)]
        for worker in workers:
            worker.join(30)
        assert [worker.exitcode for worker in workers] == [0, 0]
        rows = ring.drain()
        numbers = [row.id for row in rows]
        assert numbers == sorted(numbers)  # kept in the order numbered
        assert sorted(numbers + owner_numbers) == list(range(1, 3 * count + 1))
        for who in "ab":
            assert [row.path for row in rows if row.path.startswith(f"/{who}/")] == [
                f"/{who}/{index}" for index in range(count)
            ]
    finally:
        ring.close()


def test_a_keep_that_cannot_take_the_lock_is_refused(ring: JournalRing) -> None:
    # A lock held past the wait (its holder stopped or gone): the read goes to the owner.
    waiting = JournalRing(ring.name, create=False, keep_wait=0.01)
    try:
        with ring_lock():
            assert waiting.keep(_kept("/held")) is None
        assert waiting.keep(_kept("/free")) == 1
        assert [kept.path for kept in ring.drain()] == ["/free"]
    finally:
        waiting.close()


def test_the_owner_takes_back_the_lock_from_a_process_that_died_holding_it(ring: JournalRing) -> None:
    """A read worker killed while it holds the ring's lock must not stop the owner for good: the
    owner finds the holder the ring names dead and gives the lock back for it."""
    other = JournalRing(ring.name, create=False)
    try:
        assert ring.next_id() == 1

        def die_holding() -> None:
            assert other.keep(_kept("/kept")) == 2
            other._hold()  # taken, and never given back: the process ends holding it
            os._exit(0)

        dying = multiprocessing.get_context("fork").Process(target=die_holding)
        dying.start()
        dying.join(10)
        assert dying.exitcode == 0
        assert other.keep(_kept("/refused")) is None  # a read worker's wait gives up: the lock is held
        numbered: list[int] = []  # the owner's wait ends when it finds the holder dead (else never)
        owner = threading.Thread(target=lambda: numbered.append(ring.next_id()), daemon=True)
        owner.start()
        owner.join(10)
        assert numbered == [3]
        assert [(kept.id, kept.path) for kept in ring.drain()] == [(2, "/kept")]
        assert other.keep(_kept("/after")) == 4  # the lock is free again for everyone
    finally:
        other.close()
