"""Triggers fire on the detail events a live server's hub publishes: matching, data formats, the
clock's TTL and delay, and deliveries to a workflow's URL with their retries, on both stores."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest
from flask.testing import FlaskClient

from mockserver.state.clock import to_ms
from mockserver.testing.event_bus import EventBus
from mockserver.testing.server import MockServer
from mockserver.testing.triggers import TriggerExecutions
from tests.support import TOKEN
from tests.support.ports import free_port
from tests.support.trigger_events import ACD_START, ACW, acd_start, acw, publish

TRIGGERS = "/api/v2/processautomation/triggers"
PRIORITIZE = "wf-prioritize"
SMS = "wf-sms"
UNAVAILABLE = "7fb334b0-0e9e-11e4-9191-0800200c9a66"  # the wrap-up code the SMS blueprint names
QUEUE = "5f6a3b1e-queue-callbacks"


@pytest.fixture
def api(callback_mock_server: MockServer) -> FlaskClient:
    client = callback_mock_server.app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TOKEN}"
    return client


@pytest.fixture
def executions(callback_mock_server: MockServer) -> TriggerExecutions:
    return TriggerExecutions(callback_mock_server)


def _trigger(api: FlaskClient, **body: Any) -> dict[str, Any]:
    answer = api.post(TRIGGERS, json={"enabled": True, **body})
    assert answer.status_code == 200, answer.json
    made: dict[str, Any] = answer.json  # type: ignore[assignment]
    return made


def _prioritization(api: FlaskClient) -> dict[str, Any]:
    """The callback-prioritization blueprint's trigger, as its Terraform declares it."""
    return _trigger(
        api,
        name="Callback Prioritization Trigger",
        topicName=ACD_START,
        target={"type": "Workflow", "id": PRIORITIZE},
        matchCriteria=[{"jsonPath": "mediaType", "operator": "Equal", "value": "CALLBACK"}],
    )


def _sms_followup(api: FlaskClient, **extra: Any) -> dict[str, Any]:
    """The SMS follow-up blueprint's trigger: the queue, the wrap-up code and the media type, TTL 60 s."""
    body = {
        "name": "Missed callback SMS",
        "topicName": ACW,
        "target": {"type": "Workflow", "id": SMS, "workflowTargetSettings": {"dataFormat": "Json"}},
        "matchCriteria": [
            {"jsonPath": "$.queueId", "operator": "Equal", "value": QUEUE},
            {"jsonPath": "$.wrapupCode", "operator": "Equal", "value": UNAVAILABLE},
            {"jsonPath": "$.mediaType", "operator": "Equal", "value": "CALLBACK"},
        ],
        "eventTTLSeconds": 60,
        **extra,
    }
    return _trigger(api, **body)


def _now(server: MockServer) -> int:
    return to_ms(server.clock.now())


def test_the_prioritization_trigger_fires_once_per_callback_acd_start_and_never_on_voice(
    callback_mock_server: MockServer, api: FlaskClient, executions: TriggerExecutions, sdk: ModuleType
) -> None:
    trigger = _prioritization(api)
    at = _now(callback_mock_server)
    for conversation_id, media in (("c-1", "CALLBACK"), ("c-2", "VOICE"), ("c-3", "CALLBACK")):
        publish(callback_mock_server.backend, ACD_START, acd_start(sdk, conversation_id, media, at), at)

    started = executions.all(trigger_id=trigger["id"])
    assert [(e["input"]["conversationId"], e["status"]) for e in started] == [
        ("c-1", "Started"),
        ("c-3", "Started"),
    ]
    # TopLevelPrimitives (the default): the event's strings and numbers, not its lists
    first = started[0]
    assert first["input"]["mediaType"] == "CALLBACK"
    assert first["input"]["eventTime"] == at
    assert "callbackNumbers" not in first["input"]
    assert (first["workflowId"], first["topicName"]) == (
        PRIORITIZE,
        "v2.detail.events.conversation.c-1.acd.start",
    )


def test_the_sms_followup_trigger_fires_on_its_wrapup_code_alone_with_the_event_as_json_data(
    callback_mock_server: MockServer, api: FlaskClient, executions: TriggerExecutions, sdk: ModuleType
) -> None:
    trigger = _sms_followup(api)
    at = _now(callback_mock_server)
    fired = acw(sdk, "c-1", UNAVAILABLE, at, queue_id=QUEUE)
    for body in (
        fired,
        acw(sdk, "c-2", "another-code", at, queue_id=QUEUE),
        acw(sdk, "c-3", UNAVAILABLE, at, queue_id="another-queue"),
    ):
        publish(callback_mock_server.backend, ACW, body, at)

    started = executions.all(trigger_id=trigger["id"])
    assert [e["input"] for e in started] == [{"jsonData": fired}]


def test_an_event_older_than_the_ttl_when_it_comes_is_dropped_and_recorded_expired(
    callback_mock_server: MockServer, api: FlaskClient, executions: TriggerExecutions, sdk: ModuleType
) -> None:
    trigger = _sms_followup(api)
    now = _now(callback_mock_server)
    # Events come late when the clock jumps past the steps that emit them: 61 s and 59 s late here.
    for conversation_id, late in (("c-old", 61_000), ("c-fresh", 59_000)):
        at = now - late
        publish(
            callback_mock_server.backend, ACW, acw(sdk, conversation_id, UNAVAILABLE, at, queue_id=QUEUE), at
        )

    started = executions.all(trigger_id=trigger["id"])
    assert [(e["input"]["jsonData"]["conversationId"], e["status"]) for e in started] == [
        ("c-old", "Expired"),
        ("c-fresh", "Started"),
    ]


def test_a_delayed_trigger_starts_its_workflow_when_the_clock_reaches_the_delay(
    callback_mock_server: MockServer, api: FlaskClient, executions: TriggerExecutions, sdk: ModuleType
) -> None:
    trigger = _trigger(
        api,
        name="Later",
        topicName=ACD_START,
        target={"type": "Workflow", "id": PRIORITIZE},
        delayBySeconds=60,
    )
    at = _now(callback_mock_server)
    publish(callback_mock_server.backend, ACD_START, acd_start(sdk, "c-1", "CALLBACK", at), at)

    assert [e["status"] for e in executions.all(trigger_id=trigger["id"])] == ["Delayed"]
    callback_mock_server.clock.advance(59)
    assert [e["status"] for e in executions.all(trigger_id=trigger["id"])] == ["Delayed"]
    callback_mock_server.clock.advance(1)
    assert [e["status"] for e in executions.all(trigger_id=trigger["id"])] == ["Started"]


def test_a_disabled_trigger_fires_once_enabled_and_a_deleted_one_never(
    callback_mock_server: MockServer, api: FlaskClient, executions: TriggerExecutions, sdk: ModuleType
) -> None:
    trigger = _prioritization(api)
    body = {k: v for k, v in trigger.items() if k not in ("id", "selfUri")}
    answer = api.put(f"{TRIGGERS}/{trigger['id']}", json={**body, "enabled": False})
    assert answer.status_code == 200, answer.json
    at = _now(callback_mock_server)
    publish(callback_mock_server.backend, ACD_START, acd_start(sdk, "c-1", "CALLBACK", at), at)
    assert executions.all() == []

    answer = api.put(f"{TRIGGERS}/{trigger['id']}", json={**body, "version": 2, "enabled": True})
    assert answer.status_code == 200, answer.json
    publish(callback_mock_server.backend, ACD_START, acd_start(sdk, "c-2", "CALLBACK", at), at)
    assert [e["input"]["conversationId"] for e in executions.all()] == ["c-2"]

    assert api.delete(f"{TRIGGERS}/{trigger['id']}").status_code == 204
    publish(callback_mock_server.backend, ACD_START, acd_start(sdk, "c-3", "CALLBACK", at), at)
    assert [e["input"]["conversationId"] for e in executions.all()] == ["c-2"]


def test_a_workflow_url_receives_the_input_once_and_the_delivery_is_journaled(
    callback_mock_server: MockServer, api: FlaskClient, executions: TriggerExecutions, sdk: ModuleType
) -> None:
    trigger = _prioritization(api)
    with EventBus() as receiver:
        callback_mock_server.put_workflow(PRIORITIZE, receiver.url)
        at = _now(callback_mock_server)
        publish(callback_mock_server.backend, ACD_START, acd_start(sdk, "c-1", "CALLBACK", at), at)

        (delivered,) = executions.wait_for(trigger_id=trigger["id"], status="Delivered")
    assert receiver.received == [delivered["input"]]
    headers = receiver.headers[0]
    assert headers["X-Callback-Mock-Execution-Id"] == delivered["id"]
    assert [(a["number"], a["status"], a.get("error")) for a in delivered["attempts"]] == [(1, 200, None)]
    # nothing left to deliver: the sender's thread ends
    sender = callback_mock_server.backend.trigger_runs.sender
    deadline = time.monotonic() + 5
    while sender.running and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not sender.running


@pytest.fixture(params=["refused", "500", "timeout"])
def failing_url(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """A workflow URL that fails as named, and the error each attempt journals."""
    if request.param == "refused":
        yield f"http://127.0.0.1:{free_port()}/workflow", "no answer: "
        return
    with EventBus() as receiver:
        receiver.answer(500)
        if request.param == "timeout":
            receiver.hold()  # never answers within the workflow's timeout
            yield receiver.url, "timed out after 0.2 s"
        else:
            yield receiver.url, "answered 500"


def test_a_failing_url_is_retried_on_the_clock_as_documented_and_each_attempt_journaled(
    callback_mock_server: MockServer,
    api: FlaskClient,
    executions: TriggerExecutions,
    sdk: ModuleType,
    failing_url: tuple[str, str],
) -> None:
    url, error = failing_url
    trigger = _prioritization(api)
    callback_mock_server.put_workflow(PRIORITIZE, url, timeout_seconds=0.2)
    at = _now(callback_mock_server)
    publish(callback_mock_server.backend, ACD_START, acd_start(sdk, "c-1", "CALLBACK", at), at)

    # 4 attempts: at once, then 1 s, 2 s and 4 s later on the mock's clock
    for made, wait in ((1, 1), (2, 2), (3, 4), (4, None)):
        (execution,) = executions.wait_for(trigger_id=trigger["id"], predicate=_attempts(made))
        assert execution["attempts"][-1]["error"].startswith(error)
        if wait is None:
            break
        assert execution["status"] == "Sending"
        assert execution["nextAttemptAt"] == _iso(at + sum_before(made) * 1000)
        callback_mock_server.clock.advance(wait - 0.001)
        assert len(executions.all()[0]["attempts"]) == made  # not before its time
        callback_mock_server.clock.advance(0.001)
    assert execution["status"] == "Failed"
    assert "nextAttemptAt" not in execution
    assert [a["number"] for a in execution["attempts"]] == [1, 2, 3, 4]


def _attempts(made: int) -> Callable[[dict[str, Any]], bool]:
    return lambda execution: len(execution["attempts"]) == made


def sum_before(made: int) -> int:
    """When the retry after ``made`` failed attempts is due, in seconds after the event: 1, 3, 7."""
    return sum(2**n for n in range(made))


def _iso(ms: int) -> str:
    from mockserver.state.clock import from_ms, iso

    return iso(from_ms(ms))


def test_a_url_that_hangs_blocks_neither_the_engine_nor_the_routes_nor_other_events(
    callback_mock_server: MockServer, api: FlaskClient, executions: TriggerExecutions, sdk: ModuleType
) -> None:
    trigger = _prioritization(api)
    with EventBus() as receiver:
        receiver.hold()
        callback_mock_server.put_workflow(PRIORITIZE, receiver.url, timeout_seconds=30)
        at = _now(callback_mock_server)
        publish(callback_mock_server.backend, ACD_START, acd_start(sdk, "c-1", "CALLBACK", at), at)
        receiver.wait_for(timeout=10)  # the delivery is in flight, its answer held

        # While it hangs: a clock move (the engine runs its steps), an API read, another event
        callback_mock_server.clock.advance(30)
        assert api.get("/api/v2/conversations/callbacks").status_code == 200
        publish(callback_mock_server.backend, ACD_START, acd_start(sdk, "c-2", "CALLBACK", at), at)
        listed = executions.all(trigger_id=trigger["id"])
        assert [(e["input"]["conversationId"], len(e["attempts"])) for e in listed] == [
            ("c-1", 0),
            ("c-2", 0),
        ]

        receiver.release()
        delivered = executions.wait_for(trigger_id=trigger["id"], status="Delivered", count=2)
    assert sorted(e["input"]["conversationId"] for e in delivered) == ["c-1", "c-2"]
