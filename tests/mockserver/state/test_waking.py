"""The engine runs by itself: each due step at its due time, with no request to run it, its events
pushed at once; under a frozen clock nothing moves until the clock does; a long advance holds up
no other request.

Each server is real: the in-process ``MockServer``, ``serve`` on the memory store, and two
``serve`` replicas on one Redis. The notification client subscribes, the callback is created,
and from then on nothing sends an HTTP request until the whole life has arrived on the socket.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Iterator

import attrs
import pytest

import contracts
from contracts import Conversation, CreateCallbackCommand
from mockserver.control.models import Lifecycle
from mockserver.state.backend import Backend
from mockserver.store.base import ConversationStore, Entry
from mockserver.testing.notifications import JSON, NotificationChannel
from mockserver.testing.remote import RemoteMockServer
from mockserver.testing.server import MockServer
from tests.support import NOW
from tests.support.control import AdminRoutes, a_user_taking_part, control_path
from tests.support.live import call
from tests.support.redis import forget, fresh_prefix
from tests.support.serve import serving

CREATE = "/api/v2/conversations/callbacks"
# A short life that always ends the same way: fired, offered, answered, hung up, wrapped up.
LIFE = {
    "mode": "auto",
    "fireDelaySeconds": 0.5,
    "offerDelaySeconds": 0.3,
    "ringSeconds": 0.3,
    "talkSeconds": 0.3,
    "wrapupSeconds": 0.3,
    "answerProbability": 1,
    "declineProbability": 0,
}
STAGES = ("scheduled", "fired", "offered", "answered", "hung up", "wrapped up")
WAIT = 30.0  # seconds: generous; how late a step is belongs to benchmarks/bench_waking.py


def stage(body: JSON) -> str:
    """How far the conversation of a conversation event has come, read off its acd and agent legs."""
    legs = {p["purpose"]: (p.get("callbacks") or [{}])[-1] for p in body["participants"]}
    agent = legs.get("agent")
    if agent is None:
        return "scheduled" if legs["acd"].get("state") == "scheduled" else "fired"
    if agent.get("state") == "alerting":
        return "offered"
    if agent.get("state") == "connected":
        return "answered"
    acw = agent.get("afterCallWork") or {}
    return "wrapped up" if acw.get("state") == "complete" else "hung up"


def queue_of(url: str) -> str:
    """A queue of the org, as a client finds one: named by a seeded conversation."""
    listing = call(url, "GET", control_path(AdminRoutes.CONVERSATIONS, "pageSize=25")).json()  # every user's
    for conversation in listing["entities"]:
        for participant in conversation["participants"]:
            if participant.get("queueId"):
                return str(participant["queueId"])
    raise AssertionError("no seeded conversation names a queue")


def subscribed(url: str, queue_id: str) -> NotificationChannel:
    channel = NotificationChannel(url)
    channel.subscribe([f"v2.routing.queues.{queue_id}.conversations"])
    return channel


def create(url: str, queue_id: str) -> str:
    answer = call(url, "POST", CREATE, {"callbackNumbers": ["+13175550100"], "queueId": queue_id})
    assert answer.status == 200, answer.body
    return str(answer.json()["conversation"]["id"])


def life_of(channel: NotificationChannel, conversation_id: str) -> list[str]:
    """The stages the conversation's events showed, in the order they arrived, once wrapped up."""
    channel.wait_for(
        predicate=lambda m: (
            m["eventBody"].get("id") == conversation_id and stage(m["eventBody"]) == "wrapped up"
        ),
        timeout=WAIT,
    )
    shown = [stage(m["eventBody"]) for m in channel.events() if m["eventBody"]["id"] == conversation_id]
    return [s for i, s in enumerate(shown) if i == 0 or shown[i - 1] != s]


def test_an_auto_life_reaches_a_socket_with_no_request_in_process() -> None:
    with MockServer({"CONVERSATIONS": 2, "LIFECYCLE": LIFE}) as server:
        queue_id = queue_of(server.url)
        with subscribed(server.url, queue_id) as channel:
            conversation_id = create(server.url, queue_id)
            assert life_of(channel, conversation_id) == list(STAGES)


def test_an_auto_life_reaches_a_socket_with_no_request_under_serve() -> None:
    with serving("--conversations", "2", "--lifecycle", json.dumps(LIFE)) as served:
        queue_id = queue_of(served.url)
        with subscribed(served.url, queue_id) as channel:
            conversation_id = create(served.url, queue_id)
            assert life_of(channel, conversation_id) == list(STAGES)


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    name = fresh_prefix()
    yield name
    forget(redis_url, name)


def replica_options(redis_url: str, prefix: str) -> tuple[str, ...]:
    return (
        "--conversations",
        "2",
        "--lifecycle",
        json.dumps(LIFE),
        "--store",
        redis_url,
        "--store-prefix",
        prefix,
    )


def test_every_replica_wakes_for_a_step_another_planned(redis_url: str, prefix: str) -> None:
    """The socket on b, the callback created on a, then a stopped: b alone takes every step, having
    heard of the plan from Redis (it had no request since)."""
    options = replica_options(redis_url, prefix)
    with serving(*options) as a, serving(*options) as b:
        queue_id = queue_of(a.url)
        with subscribed(b.url, queue_id) as channel:
            conversation_id = create(a.url, queue_id)
            a.process.send_signal(signal.SIGSTOP)
            try:
                assert life_of(channel, conversation_id) == list(STAGES)
            finally:
                a.process.send_signal(signal.SIGCONT)


def test_an_auto_life_reaches_a_socket_on_the_replica_that_did_not_take_the_steps(
    redis_url: str, prefix: str
) -> None:
    """The socket on b, which is stopped while a takes every step; b, continued, pushes them all,
    in order (heard from a through Redis). A socket on a sees the life as it happens."""
    options = replica_options(redis_url, prefix)
    with serving(*options) as a, serving(*options) as b:
        queue_id = queue_of(a.url)
        with subscribed(b.url, queue_id) as far, subscribed(a.url, queue_id) as near:
            conversation_id = create(a.url, queue_id)
            b.process.send_signal(signal.SIGSTOP)
            try:
                assert life_of(near, conversation_id) == list(STAGES)
            finally:
                b.process.send_signal(signal.SIGCONT)
            assert life_of(far, conversation_id) == list(STAGES)


def test_both_replicas_awake_push_a_whole_life_to_either_socket(redis_url: str, prefix: str) -> None:
    """Both replicas wake for every step and one takes it: each socket gets each step once, in order."""
    options = replica_options(redis_url, prefix)
    with serving(*options) as a, serving(*options) as b:
        queue_id = queue_of(a.url)
        with subscribed(b.url, queue_id) as on_b, subscribed(a.url, queue_id) as on_a:
            conversation_id = create(a.url, queue_id)
            assert life_of(on_b, conversation_id) == list(STAGES)
            assert life_of(on_a, conversation_id) == list(STAGES)
            for channel in (on_a, on_b):
                ids = [
                    m["metadata"]["CorrelationId"]
                    for m in channel.events()
                    if m["eventBody"]["id"] == conversation_id
                ]
                assert len(ids) == len(set(ids))  # each step told once, not once per replica


def test_under_a_frozen_clock_nothing_moves_until_the_clock_does() -> None:
    with MockServer({"CONVERSATIONS": 2, "LIFECYCLE": LIFE, "NOW": NOW, "CLOCK_FROZEN": True}) as server:
        queue_id = queue_of(server.url)
        with subscribed(server.url, queue_id) as channel:
            conversation_id = create(server.url, queue_id)
            time.sleep(3)  # the life's steps would all have fallen due under a running clock
            assert [stage(m["eventBody"]) for m in channel.events()] == ["scheduled"]
            assert server.backend.engine.next_due <= server.backend.clock.ms() + 1000  # planned, not run
            server.clock.advance(seconds=3600)
            assert life_of(channel, conversation_id) == list(STAGES)


def test_a_read_is_answered_while_a_long_advance_runs() -> None:
    """10,000 conversations advanced 30 days under serve: GETs by id and listings sent meanwhile are
    answered within a second each, before the advance ends."""
    with serving(
        "--conversations", "10000", "--now", NOW.isoformat(), "--frozen", "--lifecycle", "auto"
    ) as s:
        server = RemoteMockServer(s.url)
        every = server.conversations(page_size=100)
        conversation_id = every["entities"][0]["id"]
        # Lists the conversations it is in (a token issued would expire in the 30 days advanced).
        agent = f"agent:{a_user_taking_part(every)}"
        advancing = threading.Thread(target=server.clock.advance, kwargs={"hours": 24 * 30})
        advancing.start()
        answered: list[tuple[float, int, bool]] = []
        try:
            time.sleep(0.2)
            while advancing.is_alive():
                for path in (f"/api/v2/conversations/{conversation_id}", "/api/v2/conversations?pageSize=25"):
                    started = time.monotonic()
                    status = call(s.url, "GET", path, token=agent).status
                    answered.append((time.monotonic() - started, status, advancing.is_alive()))
        finally:
            advancing.join()
        during = [a for a in answered if a[2]]
        assert len(during) >= 2, answered
        assert all(status == 200 for _, status, _ in answered)
        assert max(took for took, _, _ in answered) < 1.0, answered


def test_a_chunk_decodes_again_what_a_request_rewrote_since_the_last_chunk(fresh: ConversationStore) -> None:
    """An advance keeps what each chunk stored decoded for the next ones, unless the store's bytes
    changed in between: a write made between chunks is the base of the next steps, not lost."""
    backend = Backend(
        store=fresh,
        seed=1,
        conversations=0,
        now=NOW,
        frozen=True,
        lifecycle=contracts.structure(LIFE, Lifecycle),
    )
    queue_id = str(backend.factory.org.queues[0].id)
    created = backend.create(CreateCallbackCommand(callback_numbers=("+13175550100",), queue_id=queue_id))
    conversation_id = str(created.conversation.id if created.conversation else "")
    kept: dict[str, tuple[bytes, Conversation]] = {}
    start = backend.clock.ms()

    backend.engine.run_due(start + 600, kept=kept)  # fired (at +0.5 s), and kept decoded
    assert conversation_id in kept
    with backend.store.transaction():
        renamed = attrs.evolve(backend.conversation(conversation_id), name="renamed between chunks")
        backend.put([renamed])
    backend.engine.run_due(start + 3_600_000, kept=kept)

    stored = backend.conversation(conversation_id)
    assert stored.name == "renamed between chunks"
    assert [stage(json.loads(contracts.dumps(stored)))] == ["wrapped up"]


def test_a_wake_reads_the_callbacks_waiting_for_an_agent_and_no_other_conversation(
    fresh: ConversationStore,
) -> None:
    """A member freed wakes the ACD, which reads what waits for an agent (the store's index), never
    the rest of the store: an entry that waits for nobody is not even decoded, so one whose bytes
    are no conversation at all changes nothing (a scan of the store fails on it)."""
    backend = Backend(
        store=fresh,
        seed=1,
        conversations=50,
        now=NOW,
        frozen=True,
        lifecycle=contracts.structure(LIFE, Lifecycle),
    )
    later = backend.clock.ms() + 86_400_000
    waiting = backend.engine.waiting(later)
    assert waiting  # the seeded callbacks left unanswered wait, their offer due by then
    with backend.store.transaction():
        backend.store.put_entries([Entry("not-a-conversation", b"not json", active=False, campaign_ids=())])

    assert backend.engine.waiting(later) == waiting
    backend.engine.wake()
