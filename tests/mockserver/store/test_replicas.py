"""Several ``serve`` processes on one Redis answer as one server; another prefix is another server.

Each replica is a real ``callback-contracts serve --store redis://...`` process on its own ports,
and the Redis server is the session's own (``tests/support/redis.py``).
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from websockets.sync.client import connect

import contracts
from contracts import Conversation
from factories import check_conversation
from tests.support import NOW
from tests.support.control import AdminRoutes, control_path
from tests.support.leaks import alive, descendants
from tests.support.live import Answer, call
from tests.support.redis import forget, fresh_prefix
from tests.support.seeded import SERVE_QUEUE_ID
from tests.support.serve import COMMAND, ROOT, Served, serving

CREATE = "/api/v2/conversations/callbacks"


class Replica:
    """One ``serve`` process: its API's and its stream's URLs."""

    def __init__(self, served: Served) -> None:
        self.process, self.url, self.stream = served.process, served.url, served.stream

    def __call__(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Answer:
        return call(self.url, method, path, body, **kwargs)


@contextmanager
def replica(store: str, prefix: str, *options: str) -> Iterator[Replica]:
    """``serve`` on free ports, on ``store`` under ``prefix``, frozen at NOW, 10 conversations."""
    shared = ("--store", store, "--store-prefix", prefix)
    with serving("--conversations", "10", "--now", NOW.isoformat(), "--frozen", *shared, *options) as served:
        yield Replica(served)


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    name = fresh_prefix()
    yield name
    forget(redis_url, name)


@pytest.fixture
def pair(redis_url: str, prefix: str) -> Iterator[tuple[Replica, Replica]]:
    with replica(redis_url, prefix) as a, replica(redis_url, prefix) as b:
        yield a, b


def create(on: Replica, **extra: Any) -> Conversation:
    answer = on("POST", CREATE, {"callbackNumbers": ["+13175550100"], "queueId": SERVE_QUEUE_ID, **extra})
    assert answer.status == 200, answer.body
    return read(on, answer.json()["conversation"]["id"])


def read(on: Replica, conversation_id: str) -> Conversation:
    answer = on("GET", f"/api/v2/conversations/{conversation_id}")
    assert answer.status == 200, answer.body
    return contracts.loads(answer.body, Conversation)


def scheduled_time(conversation: Conversation) -> str:
    customer = (conversation.participants or ())[0]
    callback = (customer.callbacks or ())[0]
    assert callback.callback_scheduled_time is not None
    return contracts.format_datetime(callback.callback_scheduled_time)


def test_what_one_replica_stores_the_other_reads_at_once(pair: tuple[Replica, Replica]) -> None:
    a, b = pair
    assert a("GET", "/api/v2/conversations").json() == b("GET", "/api/v2/conversations").json()
    made = create(a)
    assert read(b, made.id or "") == made


@pytest.mark.slow  # 18 s: a long proof (the other replica tests show each write crosses)
def test_concurrent_writes_over_both_replicas_lose_nothing(pair: tuple[Replica, Replica]) -> None:
    """16 threads x 300 writes (creates, reschedules, disconnects) spread over both replicas: the
    final state is what the answers said."""
    replicas = list(pair)
    lock = threading.Lock()
    said: dict[str, str | None] = {}  # conversation -> its last acknowledged time (None: disconnected)

    def work(worker: int) -> None:
        rng = random.Random(worker)
        mine: list[tuple[str, str]] = []  # (conversation id, callback id)
        for step in range(300):
            on = replicas[rng.randrange(2)]
            if not mine or rng.random() < 0.3:
                answer = on("POST", CREATE, {"callbackNumbers": ["+13175550100"], "queueId": SERVE_QUEUE_ID})
                assert answer.status == 200, answer.body
                created = answer.json()
                ids = {i["type"]: i["id"] for i in created["callbackIdentifiers"]}
                mine.append((created["conversation"]["id"], ids["EXTERNAL"]))
                with lock:
                    said[mine[-1][0]] = "created"
            elif rng.random() < 0.9:
                conversation_id, _ = rng.choice(mine)
                when = contracts.format_datetime(NOW + timedelta(days=1, minutes=worker * 1000 + step))
                answer = on(
                    "PATCH", CREATE, {"conversationId": conversation_id, "callbackScheduledTime": when}
                )
                if answer.status == 200:
                    with lock:
                        said[conversation_id] = when
                else:
                    assert answer.status == 412, answer.body  # disconnected meanwhile
            else:
                conversation_id, callback_id = mine.pop(rng.randrange(len(mine)))
                body = {
                    "callbackDisconnectIdentifiers": [
                        {"conversationId": conversation_id, "callbackId": callback_id}
                    ]
                }
                assert on("POST", CREATE + "/bulk/disconnect", body).status == 202
                with lock:
                    said[conversation_id] = None

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(work, range(16)))
    for index, (conversation_id, expected) in enumerate(said.items()):
        conversation = read(replicas[index % 2], conversation_id)
        callback = ((conversation.participants or ())[0].callbacks or ())[0]
        if expected is None:
            assert callback.state is contracts.CallbackState.DISCONNECTED
        elif expected != "created":
            assert scheduled_time(conversation) == expected


def test_a_fault_set_on_one_replica_is_counted_once_across_both(pair: tuple[Replica, Replica]) -> None:
    a, b = pair
    assert (
        a("POST", control_path(AdminRoutes.ADD_FAULT), {"status": 503, "times": 3}, token=None).status == 201
    )
    statuses = [(a if i % 2 else b)("GET", "/api/v2/conversations").status for i in range(10)]
    assert statuses.count(503) == 3
    assert b("GET", control_path(AdminRoutes.FAULTS), token=None).json()["faults"][0]["applied"] == 3


def test_a_rate_limit_budget_is_spent_once_across_both(pair: tuple[Replica, Replica]) -> None:
    a, b = pair
    assert (
        a(
            "PUT", control_path(AdminRoutes.SET_RATE_LIMIT), {"requests": 5, "windowSeconds": 60}, token=None
        ).status
        == 200
    )
    statuses = [(a if i % 2 else b)("GET", "/api/v2/conversations").status for i in range(10)]
    assert statuses.count(200) == 5
    assert statuses.count(429) == 5


def test_the_journal_read_on_one_replica_lists_the_others_requests(pair: tuple[Replica, Replica]) -> None:
    a, b = pair
    made = create(b)
    paths = [r["path"] for r in a("GET", control_path(AdminRoutes.REQUESTS), token=None).json()["requests"]]
    assert paths == [CREATE, f"/api/v2/conversations/{made.id}"]


def test_advancing_the_clock_on_one_replica_moves_the_others_conversations(
    pair: tuple[Replica, Replica],
) -> None:
    a, b = pair
    made = create(b)
    assert (
        a("POST", control_path(AdminRoutes.MOVE_CLOCK), {"advanceSeconds": 3 * 3600}, token=None).status
        == 200
    )
    assert b("GET", control_path(AdminRoutes.CLOCK), token=None).json()["now"] == contracts.format_datetime(
        NOW + timedelta(hours=3)
    )
    moved = read(b, made.id or "")
    assert moved != made
    assert moved.end_time is not None  # its whole life happened, on replica a's step
    check_conversation(moved)


def test_a_due_step_is_taken_once_however_many_replicas_notice_it(pair: tuple[Replica, Replica]) -> None:
    """The clock thawed: both replicas poll while the steps fall due; each step happens once."""
    a, b = pair
    made = create(a)
    assert a("POST", control_path(AdminRoutes.MOVE_CLOCK), {"frozen": False}, token=None).status == 200
    assert (
        a("POST", control_path(AdminRoutes.MOVE_CLOCK), {"advanceSeconds": 0.5}, token=None).status == 200
    )  # fired at +1 s
    deadline = time.monotonic() + 4
    with ThreadPoolExecutor(4) as pool:
        while time.monotonic() < deadline:
            list(pool.map(lambda on: on("GET", f"/api/v2/conversations/{made.id}").status, [a, b, a, b]))
    conversation = read(a, made.id or "")
    check_conversation(conversation)
    callback = ((conversation.participants or ())[0].callbacks or ())[0]
    interacts = [s for s in callback.segments or () if s.type == "Interact"]
    assert len(interacts) == 1  # fired once
    agents = [p for p in conversation.participants or () if p.purpose == "agent"]
    assert len(agents) <= 1  # offered at most once in the time given, not once per replica


def test_a_reset_on_one_replica_resets_the_other(pair: tuple[Replica, Replica]) -> None:
    a, b = pair
    before = b("GET", "/api/v2/conversations").json()
    made = create(b)
    a("POST", control_path(AdminRoutes.ADD_FAULT), {"status": 500}, token=None)
    assert a("POST", control_path(AdminRoutes.RESET), token=None).status in (200, 204)
    assert b("GET", f"/api/v2/conversations/{made.id}").status == 404
    assert b("GET", "/api/v2/conversations").json() == before
    assert b("GET", control_path(AdminRoutes.FAULTS), token=None).json() == {"faults": []}


def test_another_prefix_on_the_same_redis_is_another_server(
    pair: tuple[Replica, Replica], redis_url: str
) -> None:
    a, b = pair
    other = fresh_prefix()
    try:
        with replica(redis_url, other) as c:
            before = c("GET", "/api/v2/conversations").json()
            create(a)
            a("POST", control_path(AdminRoutes.ADD_FAULT), {"status": 500}, token=None)
            a("POST", control_path(AdminRoutes.MOVE_CLOCK), {"advanceSeconds": 3600}, token=None)
            a("POST", control_path(AdminRoutes.RESET), token=None)
            create(b)
            assert c("GET", "/api/v2/conversations").json() == before
            assert c("GET", control_path(AdminRoutes.FAULTS), token=None).json() == {"faults": []}
            assert c("GET", control_path(AdminRoutes.CLOCK), token=None).json()[
                "now"
            ] == contracts.format_datetime(NOW)
            journal = c("GET", control_path(AdminRoutes.REQUESTS), token=None).json()["requests"]
            assert [r["path"] for r in journal] == ["/api/v2/conversations"] * 2  # its own two reads
    finally:
        forget(redis_url, other)


def test_killing_a_replica_loses_nothing_the_other_cannot_serve(redis_url: str, prefix: str) -> None:
    with replica(redis_url, prefix) as b:
        with replica(redis_url, prefix) as a:
            made = [create(a) for _ in range(5)]
            workers = descendants(a.process.pid)
            a.process.send_signal(signal.SIGKILL)
            a.process.wait(timeout=10)
            assert alive(workers, within=5) == []  # its worker dies with it, and is reaped
        for conversation in made:
            assert read(b, conversation.id or "") == conversation


def test_a_change_through_one_replica_reaches_a_socket_held_by_the_other(
    pair: tuple[Replica, Replica],
) -> None:
    a, b = pair
    token = "agent:0"
    channel = a("POST", "/api/v2/notifications/channels", token=token).json()
    user = a("GET", "/api/v2/users/me", token=token).json()
    topic = f"v2.users.{user['id']}.conversations.callbacks"
    # The socket on replica b's stream, for the channel replica a made.
    with connect(f"{b.stream}/channels/{channel['id']}", compression=None, open_timeout=10) as socket:
        subscribed = a(
            "PUT",
            f"/api/v2/notifications/channels/{channel['id']}/subscriptions",
            [{"id": topic}],
            token=token,
        )
        assert subscribed.status == 200, subscribed.body
        # A queue whose one member is agent:0, so the offer is agent:0's (the ACD offers members only).
        solo = a(
            "PUT", control_path(AdminRoutes.PUT_QUEUE, queue_id="solo"), {"name": "Solo", "members": [token]}
        )
        assert solo.status == 201, solo.body
        created = create(a, callbackUserName="x", queueId="solo")
        advance = control_path(AdminRoutes.ADVANCE, conversation_id=created.id or "")
        a("POST", advance, {"to": "alerting"}, token=None)
        deadline = time.monotonic() + 10
        while True:
            message = json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message["topicName"] == topic and message["eventBody"]["id"] == created.id:
                break


def test_workers_answer_from_the_one_store(redis_url: str, prefix: str) -> None:
    with replica(redis_url, prefix, "--workers", "2") as served:
        made = create(served)
        for _ in range(20):  # on new connections, spread over both workers
            assert read(served, made.id or "") == made


def test_several_workers_need_a_shared_store() -> None:
    done = subprocess.run(
        [*COMMAND, "serve", "--workers", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--workers above 1 needs a shared --store" in done.stderr


# A process of the store's own that takes the lock and holds it (its watchdog renewing the lease).
HOLDER = """
import sys, time
from mockserver.store.redis import RedisStore
with RedisStore(sys.argv[1], prefix=sys.argv[2]).transaction():
    print("held", flush=True)
    time.sleep(600)
"""


def test_a_lock_whose_holder_was_killed_is_taken_over_well_within_the_old_lease(
    redis_url: str, prefix: str
) -> None:
    """The holder SIGKILLed while holding the lock: the other replica's reads answer throughout, and
    its write goes through once the dead holder's short lease runs out (it was 30 s), on a thread,
    so its event loop goes on answering reads."""
    with replica(redis_url, prefix) as b:
        made = create(b)
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER, redis_url, prefix], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        time.sleep(0.6)  # past a renewal of its lease
        holder.kill()
        holder.wait(timeout=10)
        reads: list[float] = []
        with ThreadPoolExecutor(1) as pool:
            started = time.monotonic()
            write = pool.submit(create, b)
            while not write.done():
                before = time.monotonic()
                assert read(b, made.id or "") == made
                reads.append(time.monotonic() - before)
            wrote = time.monotonic() - started
            write.result()
        assert wrote < 8, wrote  # the dead holder's 4 s lease, not the 30 s it was
        # The write waits on a thread: the same replica's event loop answers reads meanwhile (on it,
        # each read waited out the rest of the dead holder's lease, 1.4 s of a 1.5 s one here).
        assert max(reads) < 0.7, reads
