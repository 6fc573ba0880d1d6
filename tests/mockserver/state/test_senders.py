"""The background senders (the event sink's and the workflows') live through what goes wrong and end when asked.

Live servers on real sockets, real threads, real HTTP receivers and a Redis of the test's own to kill:
an attempt that raises, a store that goes away mid-delivery, a reset racing the sender's reads, a
stop with a full queue and a sink that never answers, a server started again, a proxy in the
environment, and a reset on one replica while another's attempt is in flight.
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from mockserver.notifications.event_sink import QUEUE_LIMIT, TIMEOUT_SECONDS
from mockserver.state.clock import from_ms, to_ms
from mockserver.state.triggers import Triggers
from mockserver.state.workflows import Execution, ExecutionStatus
from mockserver.store.errors import StoreUnavailableError
from mockserver.testing.event_bus import EventBus
from mockserver.testing.server import MockServer
from mockserver.testing.triggers import TriggerExecutions
from tests.support import NOW, TOKEN
from tests.support.live import call
from tests.support.ports import free_port
from tests.support.redis import dedicated_redis, forget, fresh_prefix
from tests.support.serve import serving
from tests.support.trigger_events import ACD_START, acd_start, publish

TRIGGERS = "/api/v2/processautomation/triggers"
WORKFLOW = "wf-prioritize"
CONFIG = {"CLOCK_FROZEN": True, "NOW": NOW, "CONVERSATIONS": 5}
BOUND = 5.0  # seconds: every wait on a condition ends by then


def _trigger(server: MockServer, **extra: Any) -> str:
    body = {
        "name": "Callback Prioritization Trigger",
        "enabled": True,
        "topicName": ACD_START,
        "target": {"type": "Workflow", "id": WORKFLOW},
        **extra,
    }
    answer = call(server.url, "POST", TRIGGERS, body, token=TOKEN)
    assert answer.status == 200, answer.body
    made: str = answer.json()["id"]
    return made


def _event(server: MockServer, sdk: ModuleType, conversation_id: str) -> None:
    at = to_ms(server.clock.now())
    publish(server.backend, ACD_START, acd_start(sdk, conversation_id, "CALLBACK", at), at)


def _thread(name: str) -> threading.Thread | None:
    return next((t for t in threading.enumerate() if t.name == name), None)


def _until(condition: Any, what: str) -> None:
    deadline = time.monotonic() + BOUND
    while not condition():
        assert time.monotonic() < deadline, f"not within {BOUND} s: {what}"
        time.sleep(0.01)


def _reset(server: MockServer) -> bool:
    try:
        server.reset()
    except StoreUnavailableError:
        return False
    return True


@pytest.fixture
def server() -> Iterator[MockServer]:
    with MockServer(CONFIG) as started:
        yield started


# The workflows' sender


def test_an_attempt_that_raises_is_journaled_and_the_sender_delivers_the_next(
    server: MockServer, sdk: ModuleType
) -> None:
    # urllib raises ValueError (no OSError) on this URL, which the workflow's pattern admits
    trigger_id = _trigger(server)
    server.put_workflow(WORKFLOW, "http://[::1/workflow")
    _event(server, sdk, "c-1")
    executions = TriggerExecutions(server)
    (failed,) = executions.wait_for(trigger_id=trigger_id, predicate=lambda e: bool(e["attempts"]))
    assert failed["attempts"][0]["error"] == "no answer: Invalid IPv6 URL"

    with EventBus() as hook:
        server.put_workflow(WORKFLOW, hook.url)
        _event(server, sdk, "c-2")
        (delivered,) = executions.wait_for(trigger_id=trigger_id, status="Delivered")
    assert delivered["input"]["conversationId"] == "c-2"


def test_a_store_outage_mid_delivery_is_logged_and_the_sender_goes_on_once_it_is_back(
    tmp_path: Path, sdk: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    with dedicated_redis(tmp_path) as redis:
        config = {**CONFIG, "STORE": redis.url, "STORE_PREFIX": "senders", "STORE_TIMEOUT": 1.0}
        with MockServer(config) as server, EventBus() as hook:
            trigger_id = _trigger(server)
            server.put_workflow(WORKFLOW, hook.url)
            hook.hold()
            _event(server, sdk, "c-1")
            hook.wait_for(timeout=BOUND)  # in flight: its outcome is journaled once answered
            redis.kill()
            hook.release()  # answered: the journal meets the outage
            _until(
                lambda: any(r.name == "mockserver.state.delivery" for r in caplog.records),
                "the sender logs the journal it could not write",
            )

            redis.start()  # empty: a reset seeds it again
            _until(lambda: _reset(server), "the store is back")
            trigger_id = _trigger(server)
            server.put_workflow(WORKFLOW, hook.url)
            _event(server, sdk, "c-2")
            (delivered,) = TriggerExecutions(server).wait_for(trigger_id=trigger_id, status="Delivered")
            assert delivered["input"]["conversationId"] == "c-2"


def test_the_senders_reads_never_meet_a_reset_half_placed() -> None:
    # The sender's thread looks at what waits while tests reset: the look must never fail.
    state = Triggers()
    delayed = Execution(
        id="00000000-0000-4000-8000-000000000001",
        trigger_id="t",
        workflow_id=WORKFLOW,
        topic_name="topic",
        fired_at=from_ms(0),
        due_at=from_ms(0) + timedelta(hours=1),
        status=ExecutionStatus.DELAYED,
        input={},
    )
    failures: list[BaseException] = []
    done = threading.Event()

    def look() -> None:
        while not done.is_set():
            try:
                state.waiting()
            except KeyError as error:  # the failure this test is about
                failures.append(error)
                return

    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch as often as they can: the race shows at once
    reader = threading.Thread(target=look)
    reader.start()
    try:
        deadline = time.monotonic() + 0.5  # the old code failed within 35 ms (5 runs)
        while not failures and time.monotonic() < deadline:
            with state.changing():
                state.put_execution(delayed)
            state.reset()
    finally:
        done.set()
        reader.join()
        sys.setswitchinterval(switching)
    assert failures == []


def test_stop_ends_the_workflow_senders_thread_while_a_retry_waits(
    server: MockServer, sdk: ModuleType
) -> None:
    trigger_id = _trigger(server)
    server.put_workflow(WORKFLOW, f"http://127.0.0.1:{free_port()}/workflow")  # refused
    _event(server, sdk, "c-1")
    TriggerExecutions(server).wait_for(trigger_id=trigger_id, predicate=lambda e: bool(e["attempts"]))
    sender = _thread("workflow-sender")
    assert sender is not None  # it looks at the clock for the retry (1 s away on a frozen clock)

    server.stop()
    sender.join(BOUND)
    assert not sender.is_alive()


# The event sink's sender


@pytest.fixture
def silent() -> Iterator[tuple[str, list[socket.socket]]]:
    """A sink URL that accepts each connection and never answers, and the connections it accepted."""
    accepted: list[socket.socket] = []
    with socket.create_server(("127.0.0.1", 0)) as listening:
        listening.settimeout(0.05)
        done = threading.Event()

        def accept() -> None:
            while not done.is_set():
                try:
                    accepted.append(listening.accept()[0])
                except TimeoutError:
                    continue

        acceptor = threading.Thread(target=accept, daemon=True)
        acceptor.start()
        try:
            yield f"http://127.0.0.1:{listening.getsockname()[1]}/events", accepted
        finally:
            done.set()
            acceptor.join()
            for connection in accepted:
                connection.close()


def test_stop_with_a_full_queue_and_a_sink_that_never_answers_returns_at_once_and_sends_no_more(
    sdk: ModuleType, silent: tuple[str, list[socket.socket]]
) -> None:
    url, accepted = silent
    server = MockServer(CONFIG).start()
    try:
        server.set_event_sink(url)
        for number in range(QUEUE_LIMIT + 5):  # the first is in flight, the rest fill the queue
            _event(server, sdk, f"c-{number}")
        _until(lambda: accepted, "the first POST connects")
        assert any(d.get("error", "").startswith("dropped") for d in server.event_sink_deliveries())
        sender = _thread("event-sink")
        assert sender is not None
        connected = len(accepted)
    finally:
        stopping = threading.Thread(target=server.stop, daemon=True)
        started = time.monotonic()
        stopping.start()
        stopping.join(BOUND)
    assert not stopping.is_alive()
    assert time.monotonic() - started < TIMEOUT_SECONDS  # not one attempt's timeout per queued event
    sender.join(TIMEOUT_SECONDS * 2)  # the attempt in flight times out; nothing queued is tried
    assert not sender.is_alive()
    assert len(accepted) <= connected + 1  # one that connected as stop began, at most


def test_a_server_started_again_sends_to_its_sink_again(sdk: ModuleType) -> None:
    server = MockServer(CONFIG)
    with EventBus() as bus:
        for conversation_id in ("c-1", "c-2"):
            with server:
                server.set_event_sink(bus.url)
                _event(server, sdk, conversation_id)
                bus.wait_for(_on(f"v2.detail.events.conversation.{conversation_id}.acd.start"), timeout=BOUND)


def test_the_sink_ignores_a_proxy_in_the_environment(sdk: ModuleType) -> None:
    # A proxy that is not there: an event sent through it never arrives
    refusing = f"http://127.0.0.1:{free_port()}"
    env = {"HTTP_PROXY": refusing, "http_proxy": refusing, "NO_PROXY": "", "no_proxy": ""}
    with EventBus() as bus, serving("--conversations", "5", "--event-sink", bus.url, env=env) as served:
        create = {"callbackNumbers": ["+13175550100"], "queueId": _queue_id(served.url)}
        answer = call(served.url, "POST", "/api/v2/conversations/callbacks", create, token=TOKEN)
        assert answer.status == 200, answer.body
        bus.wait_for(timeout=BOUND)


def _on(topic: str) -> Callable[[Any], bool]:
    return lambda event: bool(event["detail"]["topicName"] == topic)


def _queue_id(url: str) -> str:
    queues = call(url, "GET", "/api/v2/routing/queues", token=TOKEN).json()["entities"]
    found: str = queues[0]["id"]
    return found


def test_a_reset_on_one_replica_forgets_the_attempt_another_has_in_flight(
    redis_url: str, sdk: ModuleType
) -> None:
    prefix = fresh_prefix()
    config = {**CONFIG, "STORE": redis_url, "STORE_PREFIX": prefix}
    try:
        with MockServer(config) as a, MockServer(config) as b, EventBus() as hook:
            a.set_event_sink(hook.url)
            hook.hold()
            _event(b, sdk, "c-1")
            hook.wait_for(timeout=BOUND)  # b's attempt is in flight
            a.reset()  # the sink's target is gone, and the deliveries with it
            b.set_event_sink(hook.url)
            hook.release()
            _event(b, sdk, "c-2")  # sent after c-1's attempt: once it is recorded, c-1's is done
            _until(lambda: a.event_sink_deliveries(), "c-2's delivery is recorded")
            topics = [d["topicName"] for d in a.event_sink_deliveries()]
            assert len(hook.received) == 2
            assert [t.split(".")[4] for t in topics] == ["c-2"]
    finally:
        forget(redis_url, prefix)
