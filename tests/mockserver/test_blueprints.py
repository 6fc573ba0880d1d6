"""Genesys's published callback solutions, run against the mock as they are published.

The triggers are the blueprints' own (their Terraform's topic, match criteria, TTL and data format),
created through ``POST /api/v2/processautomation/triggers``; the events come from callbacks that live
their lives on the server's clock (no event is made up here); the workflow's reads and writes are the
blueprint's requests with its own JSONPath. Sources: ``GenesysCloudBlueprints/callback-prioritization``,
``sms-followup-on-missed-callback-blueprint`` and ``automatic-offer-callback-for-disconnected-call``.
A live server on a real socket, both stores.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonpath
import pytest

from mockserver.testing.server import MockServer
from tests.support import NOW
from tests.support.live import call
from tests.support.redis import on_store

TRIGGERS = "/api/v2/processautomation/triggers"
TOPIC = "v2.detail.events.conversation.{id}"
# Agents who answer every offer quickly: each callback's life is over well within the tests' advances.
LIFE = {"mode": "auto", "ring_seconds": 2, "talk_seconds": 30, "wrapup_seconds": 5, "answer_probability": 1}


@pytest.fixture(scope="module")
def blueprint_server(store: str) -> Iterator[MockServer]:
    with (
        on_store(store, {"CLOCK_FROZEN": True, "NOW": NOW, "CONVERSATIONS": 0}) as config,
        MockServer(config) as server,
    ):
        yield server


@pytest.fixture
def server(blueprint_server: MockServer) -> MockServer:
    blueprint_server.reset()
    blueprint_server.set_lifecycle(**LIFE)
    return blueprint_server


def api(server: MockServer, method: str, path: str, body: Any = None) -> Any:
    answer = call(server.url, method, path, body)
    assert answer.status < 300, (method, path, answer.status, answer.body)
    return answer.json() if answer.body else None


def trigger(server: MockServer, **body: Any) -> str:
    made = api(server, "POST", TRIGGERS, {"enabled": True, **body})
    return str(made["id"])


def queue(server: MockServer, queue_id: str, members: list[str], **settings: Any) -> str:
    """A queue of the test's own, its members out of every other queue and idle."""
    server.put_queue(queue_id, members=members, exclusive=True, **settings)
    return queue_id


def create(server: MockServer, queue_id: str) -> str:
    body = {"queueId": queue_id, "callbackNumbers": ["+13175550100"], "callbackUserName": "Bo"}
    return str(api(server, "POST", "/api/v2/conversations/callbacks", body)["conversation"]["id"])


def started_for(server: MockServer, trigger_id: str) -> list[str]:
    """The conversations of the executions the trigger started, in order."""
    return [e["input"]["conversationId"] for e in server.executions(trigger_id=trigger_id)]


def test_the_prioritization_workflow_raises_each_callbacks_priority_once_it_is_in_queue(
    server: MockServer,
) -> None:
    # callback-prioritization: the trigger, as its Terraform declares it (TopLevelPrimitives by default)
    prioritize = trigger(
        server,
        name="Callback Prioritization Trigger",
        topicName=f"{TOPIC}.acd.start",
        target={"type": "Workflow", "id": "callback-prioritization"},
        matchCriteria=[{"jsonPath": "mediaType", "operator": "Equal", "value": "CALLBACK"}],
    )
    # No member yet: the callbacks wait in queue, as the blueprint's do when calls are reprioritised.
    waiting = queue(server, "prioritized", [])
    first, second = create(server, waiting), create(server, waiting)
    server.clock.advance(minutes=1)

    assert started_for(server, prioritize) == [first, second]
    for conversation_id in (first, second):
        # The workflow: read the acd participant's priority, raise it, read the answer's priority.
        read = api(server, "GET", f"/api/v2/conversations/callbacks/{conversation_id}")
        (priority,) = jsonpath.findall(
            "$.participants[?(@.purpose=='acd')].conversationRoutingData.priority", read
        )
        assert isinstance(priority, int)
        patched = api(
            server, "PATCH", f"/api/v2/routing/conversations/{conversation_id}", {"priority": priority + 10}
        )
        assert jsonpath.findall("$.priority", patched) == [priority + 10]
        again = api(server, "GET", f"/api/v2/conversations/callbacks/{conversation_id}")
        assert jsonpath.findall(
            "$.participants[?(@.purpose=='acd')].conversationRoutingData.priority", again
        ) == [priority + 10]

    queue(server, waiting, ["agent:0"])
    server.clock.advance(hours=2)  # offered, answered, wrapped up: acd.start never comes again
    ended = [api(server, "GET", f"/api/v2/conversations/{c}") for c in (first, second)]
    assert all(conversation.get("endTime") for conversation in ended)
    assert started_for(server, prioritize) == [first, second]


def wrapup_codes(server: MockServer, conversation_ids: list[str]) -> dict[str, str]:
    """Each ended conversation's agent wrap-up code, as REST shows it."""
    codes: dict[str, str] = {}
    for conversation_id in conversation_ids:
        conversation = api(server, "GET", f"/api/v2/conversations/{conversation_id}")
        (code,) = jsonpath.findall(
            "$.participants[?(@.purpose=='agent' && @.wrapup)].wrapup.code", conversation
        )
        codes[conversation_id] = str(code)
    return codes


def test_the_missed_callback_sms_fires_on_the_wrapup_code_it_names_and_not_on_another(
    server: MockServer,
) -> None:
    served = queue(server, "sms-followup", ["agent:0", "agent:1"])
    callbacks = [create(server, served) for _ in range(8)]
    org_codes = [code for code, _ in server.backend.factory.org.wrapups]
    # sms-followup-on-missed-callback: the queue, the wrap-up code ("customer unavailable") and the
    # media type, TTL 60 s, the event as the workflow's JSON input; one trigger per code the org has.
    triggers = {
        code: trigger(
            server,
            name=f"Missed callback SMS ({code})",
            topicName=f"{TOPIC}.acw",
            target={
                "type": "Workflow",
                "id": "sms-followup",
                "workflowTargetSettings": {"dataFormat": "Json"},
            },
            matchCriteria=[
                {"jsonPath": "queueId", "operator": "Equal", "value": served},
                {"jsonPath": "wrapupCode", "operator": "Equal", "value": code},
                {"jsonPath": "mediaType", "operator": "Equal", "value": "CALLBACK"},
            ],
            eventTTLSeconds=60,
        )
        for code in org_codes
    }
    server.clock.advance(hours=3)

    codes = wrapup_codes(server, callbacks)
    assert len(set(codes.values())) > 1  # the proof needs callbacks wrapped up with different codes
    for code, trigger_id in triggers.items():
        executions = server.executions(trigger_id=trigger_id)
        assert sorted(e["input"]["jsonData"]["conversationId"] for e in executions) == sorted(
            c for c, wrapped in codes.items() if wrapped == code
        )
        assert all(e["input"]["jsonData"]["wrapupCode"] == code for e in executions)


def test_the_disconnected_call_offer_fires_on_an_abnormal_customer_end_and_not_on_a_served_one(
    server: MockServer,
) -> None:
    # automatic-offer-callback-for-disconnected-call: customer.end with an abnormal disconnect type.
    abnormal = ["UNKNOWN", "SYSTEM", "ERROR", "OTHER", "TIMEOUT", "TRANSPORT_FAILURE", "UNCALLABLE"]
    offer = trigger(
        server,
        name="Offer a callback after a dropped call",
        topicName=f"{TOPIC}.customer.end",
        target={"type": "Workflow", "id": "offer-callback"},
        matchCriteria=[{"jsonPath": "disconnectType", "operator": "In", "values": abnormal}],
    )
    served = queue(server, "served", ["agent:0"])
    # A customer-first queue whose customer never answers: its dials end the callback (``system``).
    unreachable = queue(
        server,
        "unreachable",
        ["agent:1"],
        media_settings={"callback": {"mode": "CustomerFirst", "maxRetryCount": 0}},
    )
    server.set_lifecycle(**LIFE, customer_answer_probability=0, machine_probability=0)
    answered, dropped = create(server, served), create(server, unreachable)
    server.clock.advance(hours=2)

    ends = {}
    for conversation_id in (answered, dropped):
        conversation = api(server, "GET", f"/api/v2/conversations/{conversation_id}")
        (kind,) = jsonpath.findall(
            "$.participants[?(@.purpose=='customer')].callbacks[0].disconnectType", conversation
        )
        ends[conversation_id] = kind
    assert ends == {answered: "peer", dropped: "system"}
    assert started_for(server, offer) == [dropped]
    (execution,) = server.executions(trigger_id=offer)
    assert execution["input"]["disconnectType"] == "SYSTEM"  # TopLevelPrimitives: the event's own fields
