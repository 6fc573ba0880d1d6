"""What each store keeps for the other parts behaves alike on both: the schedule, the journal,
the rate-limit windows and the pushed log (``fresh`` is a store of each kind)."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.lifecycle import Step
from mockserver.store import ConversationStore


def test_the_schedule_takes_due_steps_earliest_first_and_ties_in_the_order_planned(
    fresh: ConversationStore,
) -> None:
    schedule = fresh.schedule()
    schedule.plan_all([("a", Step(30, "fire")), ("b", Step(10, "offer")), ("c", Step(20, "answer"))])
    schedule.plan("a", Step(5, "fire"))  # planned again: the earlier entry no longer counts
    schedule.plan("c", None)  # nothing next
    schedule.plan_all([("d", Step(10, "decline")), ("e", Step(10, "timeout"))])
    assert len(schedule) == 4
    due = schedule.next_due()
    assert due is not None
    assert due <= 5  # never later than the truth

    taken = list(schedule.pop_due(10))

    assert taken == [(5, "a", "fire"), (10, "b", "offer"), (10, "d", "decline"), (10, "e", "timeout")]
    assert list(schedule.pop_due(100)) == []
    assert schedule.next_due() is None


def test_a_step_planned_while_taking_is_taken_if_it_falls_due(fresh: ConversationStore) -> None:
    schedule = fresh.schedule()
    schedule.plan("a", Step(1, "fire"))
    taken = []
    for due, conversation_id, kind in schedule.pop_due(10):
        taken.append((due, kind))
        if kind == "fire":
            schedule.plan(conversation_id, Step(due + 2, "offer"))
            schedule.plan("later", Step(50, "offer"))
    assert taken == [(1, "fire"), (3, "offer")]
    assert len(schedule) == 1


def test_the_schedule_resets_to_its_baseline(fresh: ConversationStore) -> None:
    schedule = fresh.schedule()
    schedule.plan_all([("a", Step(10, "fire")), ("b", Step(20, "fire"))])
    schedule.keep_as_baseline()
    list(schedule.pop_due(15))
    schedule.plan("c", Step(1, "fire"))
    schedule.reset()
    assert list(schedule.pop_due(100)) == [(10, "a", "fire"), (20, "b", "fire")]
    schedule.reset()
    schedule.clear()
    assert len(schedule) == 0
    assert list(schedule.pop_due(100)) == []


def arrival(path: str, body: bytes = b"", status: int = 200) -> tuple[Any, ...]:
    """An ``Arrival``'s fields, as the middleware records them."""
    headers = {"HTTP_AUTHORIZATION": "Bearer secret", "CONTENT_TYPE": "application/json"}
    return (0, 1.5, "POST", path, "a=1", headers, body, status, "cid", None, 2.0, None, (("X-Y", "z"),))


@pytest.mark.parametrize(
    ("limit", "max_bytes", "kept"),
    [
        (10, 10**9, ["/0", "/1", "/2", "/3", "/4"]),
        (3, 10**9, ["/2", "/3", "/4"]),
        (10, 2 * (100 + 2 + 3 + 18 + 13 + 12 + 16), ["/3", "/4"]),  # two entries' body, path, query, headers
        (10, 1, ["/4"]),  # the newest is always kept
    ],
)
def test_the_journal_keeps_the_newest_within_its_bounds(
    fresh: ConversationStore, limit: int, max_bytes: int, kept: list[str]
) -> None:
    journal = fresh.journal(limit, max_bytes)
    for index in range(5):
        fields = arrival(f"/{index}", b"x" * 100)
        journal.record((journal.next_id() or index + 1, *fields[1:]))
    found = journal.find()
    assert [r.path for r in found] == kept
    assert len(journal) == len(kept)
    first = found[0]
    assert (first.body, first.status, first.response_headers) == ("x" * 100, 200, {"X-Y": "z"})
    assert first.headers["Authorization"] == "Bearer [redacted]"
    assert [r.id for r in found] == sorted(r.id for r in found)
    journal.clear()
    assert journal.find() == []


def test_the_journal_keeps_bodies_byte_for_byte(fresh: ConversationStore) -> None:
    journal = fresh.journal(10, 10**6)
    raw = bytes(range(256))
    journal.record(arrival("/raw", raw))
    (recorded,) = journal.find()
    assert recorded.body == raw.decode("utf-8", "replace")


def test_a_window_spends_its_budget_then_opens_again_on_the_server_clock(fresh: ConversationStore) -> None:
    windows = fresh.windows()
    assert [windows.take("t", 1_000, 2, 60_000) for _ in range(3)] == [None, None, 60_000]
    assert windows.take("other", 1_000, 2, 60_000) is None  # each token its own window
    assert windows.take("t", 31_000, 2, 60_000) == 30_000
    assert windows.take("t", 61_000, 2, 60_000) is None  # the window ended
    windows.clear()
    assert [windows.take("t", 61_000, 1, 60_000) for _ in range(2)] == [None, 60_000]


def test_the_log_keeps_the_newest(fresh: ConversationStore) -> None:
    log = fresh.log("pushed", 3)
    for index in range(5):
        log.append({"n": index})
    assert log.items() == [{"n": 2}, {"n": 3}, {"n": 4}]
    log.clear()
    assert log.items() == []
