"""What each store keeps for the other parts behaves alike on both: the schedule, the journal,
the rate-limit windows and the pushed log (``fresh`` is a store of each kind)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask

from mockserver import create_app
from mockserver.control.journal import KeptRequest
from mockserver.state.lifecycle import Step
from mockserver.store import is_shared
from mockserver.store.base import ConversationStore
from mockserver.web.current import backend_of
from tests.support import CONFIG, TOKEN
from tests.support.control import AdminRoutes, control_path
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


def arrival(path: str, body: bytes = b"", status: int = 200) -> KeptRequest:
    """A journal row, as the control layer records it."""
    return KeptRequest(
        id=0,
        time=1.5,
        method="POST",
        path=path,
        query_string="a=1",
        headers={"HTTP_AUTHORIZATION": "Bearer secret", "CONTENT_TYPE": "application/json"},
        body=body,
        status=status,
        correlation_id="cid",
        fault=None,
        duration_ms=2.0,
        stub=None,
        response_headers=(("X-Y", "z"),),
    )


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
        journal.record(arrival(f"/{index}", b"x" * 100)._replace(id=journal.next_id() or index + 1))
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
        assert http.post(control_path(AdminRoutes.ADD_STUB), json=stub).status_code == 201
        return _cost(client, lambda: http.get(f"/api/v2/stubbed/{size}", headers=auth))

    small, large = hit_cost(10), hit_cost(500_000)
    assert large < 2 * small, (small, large)


# What a change costs in time: this thread's CPU (``time.thread_time``), so the load other processes
# put on the machine counts little; the median of many, against the same change on little state.


def _cpu_ms(change: Callable[[], object], samples: int = 31, before: Callable[[], object] = list) -> float:
    """This thread's CPU time for ``change`` (ms), each time after ``before`` (not timed): the median."""
    times = []
    for _ in range(samples):
        before()
        started = time.thread_time()
        change()
        times.append((time.thread_time() - started) * 1000)
    return statistics.median(times)


def _grow(app: Flask, count: int) -> None:
    """``count`` channels more, each of a token of its own (none is over its token's limit)."""
    backend = backend_of(app)
    with backend.store.transaction():
        for index in range(count):
            backend.notifications.create(f"bulk-{count}-{index}", f"user-{index}")


def _create(app: Flask) -> Callable[[], None]:
    http = app.test_client()

    def create() -> None:
        answer = http.post("/api/v2/notifications/channels", headers={"Authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == 200

    return create


def test_a_channel_created_takes_the_same_time_at_4000_channels_as_at_10(
    on_redis: tuple[Flask, redis.Redis],
) -> None:
    # Saving the whole part took 14x as long at 4,000 channels; what is left grows as the memory
    # store's create does (the rules look over every channel for the expired ones).
    app, _ = on_redis
    _grow(app, 10)
    small = _cpu_ms(_create(app))
    _grow(app, 4000)
    large = _cpu_ms(_create(app))
    assert large < 3 * small, (small, large)


def test_a_stub_hit_takes_the_same_time_beside_4_mb_of_other_stubs_and_on_a_1_mb_stub(
    on_redis: tuple[Flask, redis.Redis],
) -> None:
    app, _ = on_redis
    http = app.test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}

    def add(name: str, size: int) -> Callable[[], object]:
        stub = {"method": "GET", "path": f"/api/v2/stubbed/{name}", "body": "x" * size, "times": 1000}
        assert http.post(control_path(AdminRoutes.ADD_STUB), json=stub).status_code == 201
        return lambda: http.get(f"/api/v2/stubbed/{name}", headers=auth)

    hit_small = add("small", 10)
    alone = _cpu_ms(hit_small)
    for index in range(4):
        add(f"other-{index}", 1_000_000)
    beside = _cpu_ms(hit_small)
    large = _cpu_ms(add("large", 1_000_000))
    assert beside < 2 * alone, (alone, beside)
    assert large < 2 * alone, (alone, large)


@pytest.fixture
def two_apps(tmp_path: Path) -> Iterator[tuple[Flask, Flask]]:
    """Two apps on one Redis under one prefix, as two processes of one server (the second joins the first)."""
    with dedicated_redis(tmp_path) as server:
        config = {**CONFIG, "CONVERSATIONS": 5, "STORE": server.url, "STORE_PREFIX": "two"}
        first, second = create_app(config), create_app(config)
        yield first, second
        backend_of(first).store.close()
        backend_of(second).store.close()


def test_loading_a_channel_another_process_made_takes_the_same_time_at_4000_channels_as_at_10(
    two_apps: tuple[Flask, Flask],
) -> None:
    # Loading the whole part took ~40x as long at 4,000 channels: now the channel made, alone.
    first, second = two_apps
    sync = backend_of(second).store.sync

    def loaded() -> float:
        return _cpu_ms(sync, before=_create(first))

    _grow(first, 10)
    sync()
    small = loaded()
    _grow(first, 4000)
    sync()
    large = loaded()
    assert large < 3 * small, (small, large)


def _seen(app: Flask) -> list[Any]:
    """What the app answers of the parts saved a piece at a time: the channels, stubs and faults."""
    http = app.test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    channels = http.get("/api/v2/notifications/channels", headers=auth).json
    assert channels is not None
    subscribed = [
        http.get(f"/api/v2/notifications/channels/{channel['id']}/subscriptions", headers=auth).json
        for channel in channels["entities"]
    ]
    return [
        channels,
        subscribed,
        http.get(control_path(AdminRoutes.STUBS)).json,
        http.get(control_path(AdminRoutes.FAULTS)).json,
    ]


def _faulted(apps: tuple[Flask, ...]) -> list[int]:
    """The statuses of 16 requests through ``apps`` in turn, under a fault of probability 0.5 added first."""
    clients = [app.test_client() for app in apps]
    fault = {"path": "/api/v2/faulty", "status": 503, "probability": 0.5, "seed": 3, "times": 6}
    assert clients[-1].post(control_path(AdminRoutes.ADD_FAULT), json=fault).status_code == 201
    auth = {"Authorization": f"Bearer {TOKEN}"}
    return [
        clients[index % len(clients)].get("/api/v2/faulty", headers=auth).status_code for index in range(16)
    ]


def test_what_one_process_changes_a_piece_at_a_time_another_sees_whole(two_apps: tuple[Flask, Flask]) -> None:
    first, second = two_apps
    http = {app: app.test_client() for app in two_apps}
    auth = {"Authorization": f"Bearer {TOKEN}"}
    made: list[str] = []

    def both_see_alike() -> None:
        seen = _seen(second)  # first the one that changed least: reading through one may save pieces
        assert _seen(first) == seen
        assert len(seen[0]["entities"]) == len(made)

    def create(app: Flask) -> str:
        answer = http[app].post("/api/v2/notifications/channels", headers=auth).json
        assert answer is not None
        made.append(answer["id"])
        return str(answer["id"])

    # Channels made through either, in turn: listed in the order made, by both.
    for index in range(12):
        channel_id = create(two_apps[index % 2])
        topic = {
            "id": f"v2.routing.queues.queue-{index}.conversations"
        }  # a user may take only its own user topics
        assert (
            http[first]
            .post(f"/api/v2/notifications/channels/{channel_id}/subscriptions", json=[topic], headers=auth)
            .status_code
            == 200
        )
    both_see_alike()
    # The token's 21st channel removes its oldest: a piece gone.
    for index in range(9):
        create(two_apps[index % 2])
    made.pop(0)
    both_see_alike()
    http[second].delete(f"/api/v2/notifications/channels/{made[3]}/subscriptions", headers=auth)
    both_see_alike()

    # Stubs tried by priority, used up into the done ones, removed; faults drawing from their stream.
    for priority, times in ((5, 1), (1, 2), (5, None)):
        stub = {"method": "GET", "path": "/api/v2/stubbed", "body": "x" * 1000, "priority": priority}
        answer = http[first].post(
            control_path(AdminRoutes.ADD_STUB), json={**stub, **({"times": times} if times else {})}
        )
        assert answer.status_code == 201
    for index in range(6):
        http[two_apps[index % 2]].get("/api/v2/stubbed", headers=auth)
    # A fault draws from its stream whether it applies or not: the draws go on from process to process.
    drawn = _faulted(two_apps)
    assert drawn == _faulted((create_app({**CONFIG, "CONVERSATIONS": 5}),))  # as one process draws them
    assert 0 < drawn.count(503) < len(drawn)
    both_see_alike()
    stubs = http[second].get(control_path(AdminRoutes.STUBS)).json
    assert stubs is not None
    # Tried: priority 1's twice (then done), then the newest of priority 5, which has no times.
    assert [(stub["id"], stub["done"]) for stub in stubs["stubs"]] == [
        ("stub-3", False),
        ("stub-1", False),
        ("stub-2", True),
    ]
    for stub_id in ("stub-2", "stub-3"):
        assert http[first].delete(control_path(AdminRoutes.REMOVE_STUB, stub_id=stub_id)).status_code == 204
        both_see_alike()

    # Emptied (one value), then filled again.
    assert http[second].post(control_path(AdminRoutes.RESET)).status_code in (200, 204)
    made.clear()
    both_see_alike()
    create(first)
    assert (
        http[second]
        .post(control_path(AdminRoutes.ADD_STUB), json={"path": "/api/v2/again", "body": "y"})
        .status_code
        == 201
    )
    both_see_alike()

    # A process that joins now loads every part whole, and sees the same.
    third = create_app({**CONFIG, "CONVERSATIONS": 5, "STORE": first.config["STORE"], "STORE_PREFIX": "two"})
    try:
        assert _seen(third) == _seen(first)
    finally:
        backend_of(third).store.close()


def test_a_store_says_it_is_shared_as_the_table_says_of_its_url(store: str, fresh: ConversationStore) -> None:
    assert fresh.shared is is_shared(store)
    assert fresh.shared is (store != "memory")  # several processes serve one state from Redis alone


def test_the_redis_journal_keeps_a_row_as_the_json_array_it_always_was(
    on_redis: tuple[Flask, redis.Redis],
) -> None:
    """Each row is its number, its size, then its fields but the number as a JSON array in field
    order (the body's bytes one character each): what the processes of a store share, so a
    process of an earlier build reads what this one writes, and the other way round."""
    app, client = on_redis
    store = backend_of(app).store
    journal = store.journal(10, 10**6)
    key = store.keys("journal")  # type: ignore[attr-defined]
    client.delete(key)
    journal.record(arrival("/new", b"\xff"))
    written = (
        b'1 67 [1.5,"POST","/new","a=1",{"HTTP_AUTHORIZATION":"Bearer secret","CONTENT_TYPE":'
        b'"application/json"},"\xc3\xbf",200,"cid",null,2.0,null,[["X-Y","z"]]]'
    )
    assert client.lrange(key, 0, -1) == [written]
    client.rpush(key, written.replace(b"1 67 ", b"7 67 ").replace(b"/new", b"/old"))

    old = journal.find()[1]

    assert (old.id, old.path, old.body, old.response_headers) == (7, "/old", "\ufffd", {"X-Y": "z"})


def test_a_stubs_and_a_faults_matchers_are_kept_in_the_store_and_match_in_another_process(
    two_apps: tuple[Flask, Flask],
) -> None:
    first, second = two_apps
    auth = {"Authorization": f"Bearer {TOKEN}"}
    match = {"query": {"tier": {"equalTo": "gold"}}, "body": [{"jsonPath": "$.queueId", "matches": "^q-"}]}
    stub = {"method": "POST", "path": "/api/v2/matched", "status": 299, "body": "gold", "match": match}
    fault = {"method": "POST", "path": "/api/v2/matched", "status": 503, "match": {"headers": {"X-Down": {}}}}
    for body, route in ((stub, AdminRoutes.ADD_STUB), (fault, AdminRoutes.ADD_FAULT)):
        assert first.test_client().post(control_path(route), json=body).status_code == 201
    http = second.test_client()

    def status(query: str, body: Any, **headers: str) -> int:
        return http.post(f"/api/v2/matched?{query}", json=body, headers={**auth, **headers}).status_code

    assert status("tier=gold", {"queueId": "q-1"}) == 299
    assert status("tier=gold", {"queueId": "x-1"}) != 299
    assert status("tier=silver", {"queueId": "q-1"}) != 299
    assert status("tier=gold", {"queueId": "q-1"}, **{"X-Down": ""}) == 503
    listed = first.test_client().get(control_path(AdminRoutes.STUBS)).json
    assert listed is not None
    assert [(s["match"], s["hits"]) for s in listed["stubs"]] == [(match, 1)]
