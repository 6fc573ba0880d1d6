"""What each store keeps for the other parts behaves alike on both: the schedule, the journal,
the rate-limit windows and the pushed log (``fresh`` is a store of each kind)."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask

from mockserver import create_app
from mockserver.extension import backend_of
from mockserver.lifecycle import Step
from mockserver.store import ConversationStore
from tests.support import CONFIG, TOKEN
from tests.support.redis import dedicated_redis


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


def _bytes_in(client: redis.Redis) -> int:
    """What Redis has received on every connection so far (INFO stats)."""
    return int(client.info("stats")["total_net_input_bytes"])


def _cost(client: redis.Redis, change: Callable[[], object]) -> int:
    """The bytes Redis received for ``change``: the median of three."""
    costs = []
    for _ in range(3):
        before = _bytes_in(client)
        change()
        costs.append(_bytes_in(client) - before)
    return int(statistics.median(costs))


@pytest.fixture
def on_redis(tmp_path: Path) -> Iterator[tuple[Flask, redis.Redis]]:
    """An app on a Redis of its own (nothing else talks to it), and a client of that Redis."""
    with dedicated_redis(tmp_path) as server:
        app = create_app({**CONFIG, "CONVERSATIONS": 5, "STORE": server.url, "STORE_PREFIX": "fields"})
        client = redis.Redis.from_url(server.url)
        yield app, client
        client.close()
        backend_of(app).store.close()


def test_a_channel_created_costs_the_same_at_4000_channels_as_at_10(
    on_redis: tuple[Flask, redis.Redis],
) -> None:
    app, client = on_redis
    backend = backend_of(app)
    http = app.test_client()

    def create() -> None:
        assert (
            http.post(
                "/api/v2/notifications/channels", headers={"Authorization": f"Bearer {TOKEN}"}
            ).status_code
            == 200
        )

    def grow(count: int) -> None:
        with backend.store.transaction():  # one token each: none is over its own limit
            for index in range(count):
                backend.notifications.create(f"bulk-{count}-{index}", f"user-{index}")

    grow(10)
    small = _cost(client, create)
    grow(4000)
    large = _cost(client, create)
    assert large < 2 * small, (small, large)


def test_a_hit_on_a_large_stub_costs_what_a_hit_on_a_small_one_does(
    on_redis: tuple[Flask, redis.Redis],
) -> None:
    app, client = on_redis
    http = app.test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}

    def hit_cost(size: int) -> int:
        stub = {"method": "GET", "path": f"/api/v2/stubbed/{size}", "body": "x" * size, "times": 100}
        assert http.post("/__admin/stubs", json=stub).status_code == 201
        return _cost(client, lambda: http.get(f"/api/v2/stubbed/{size}", headers=auth))

    small, large = hit_cost(10), hit_cost(500_000)
    assert large < 2 * small, (small, large)
