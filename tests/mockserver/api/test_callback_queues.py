"""A callback's queue is one of the org's: its name and media settings come from the queue, an unknown one is refused."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.testing.server import MockServer
from tests.support.live import call
from tests.support.seeded import QUEUE_ID

CALLBACKS = "/api/v2/conversations/callbacks"
NUMBERS = {"callbackNumbers": ["+13175550100"]}
# Settings no seeded queue has: a callback carrying them took them from this queue.
MEDIA = {"alertingTimeoutSeconds": 47, "enableAutoAnswer": True, "manualAnswerAlertToneSeconds": 2.5}


def legs(server: MockServer, conversation_id: str) -> dict[str, Any]:
    """The conversation's customer and acd participants, by purpose (the last of each)."""
    conversation = call(server.url, "GET", f"/api/v2/conversations/{conversation_id}").json()
    return {p["purpose"]: p for p in conversation["participants"]}


def create(server: MockServer, body: dict[str, Any]) -> str:
    answer = call(server.url, "POST", CALLBACKS, {**NUMBERS, **body})
    assert answer.status == 200, answer.body
    conversation_id: str = answer.json()["conversation"]["id"]
    return conversation_id


@pytest.mark.parametrize("named", ["queueId", "routingData"])
def test_a_created_callback_carries_its_queue_s_name_and_callback_settings(
    callback_mock_server: MockServer, named: str
) -> None:
    callback_mock_server.put_queue("q-mine", "My callbacks", media_settings={"callback": MEDIA})
    body = {"queueId": "q-mine"} if named == "queueId" else {"routingData": {"queueId": "q-mine"}}

    found = legs(callback_mock_server, create(callback_mock_server, body))

    assert (found["acd"]["queueId"], found["acd"]["queueName"], found["acd"]["name"]) == (
        "q-mine",
        "My callbacks",
        "My callbacks",
    )
    for purpose in ("customer", "acd"):
        assert found[purpose]["callbacks"][0]["queueMediaSettings"] == MEDIA


def test_a_patch_to_another_queue_moves_its_name_and_settings_too(callback_mock_server: MockServer) -> None:
    callback_mock_server.put_queue("q-other", "Other callbacks", media_settings={"callback": MEDIA})
    seeded = callback_mock_server.put_queue("q-first", "First callbacks")
    conversation_id = create(callback_mock_server, {"queueId": "q-first"})
    assert legs(callback_mock_server, conversation_id)["acd"]["queueName"] == seeded["name"]

    answer = call(
        callback_mock_server.url,
        "PATCH",
        CALLBACKS,
        {"conversationId": conversation_id, "queueId": "q-other"},
    )

    assert answer.status == 200, answer.body
    found = legs(callback_mock_server, conversation_id)
    assert (found["acd"]["queueId"], found["acd"]["queueName"]) == ("q-other", "Other callbacks")
    for purpose in ("customer", "acd"):
        assert found[purpose]["callbacks"][0]["queueMediaSettings"] == MEDIA


def test_a_refused_queue_is_named_with_what_was_expected_and_what_arrived(
    callback_mock_server: MockServer,
) -> None:
    before = call(callback_mock_server.url, "GET", "/api/v2/conversations?pageSize=1").json()["total"]

    answer = call(callback_mock_server.url, "POST", CALLBACKS, {**NUMBERS, "queueId": "no-such-queue"})

    error = answer.json()
    assert (answer.status, error["code"], error["entityId"]) == (
        400,
        "callback.error.missing.queue.id",
        "no-such-queue",
    )
    assert error["message"] == (
        "$.queueId: expected the id of one of the org's queues (GET /api/v2/routing/queues); "
        "got 'no-such-queue'."
    )
    after = call(callback_mock_server.url, "GET", "/api/v2/conversations?pageSize=1").json()["total"]
    assert after == before


def test_a_bulk_update_refuses_an_unknown_queue_in_its_own_entry(callback_mock_server: MockServer) -> None:
    first = create(callback_mock_server, {"queueId": QUEUE_ID})
    second = create(callback_mock_server, {"queueId": QUEUE_ID})
    body = {
        "patchCallbackRequests": [
            {"conversationId": first, "callbackScheduledTime": "2030-01-20T10:00:00Z"},
            {"conversationId": second, "queueId": "no-such-queue"},
        ]
    }

    answer = call(callback_mock_server.url, "POST", f"{CALLBACKS}/bulk/update", body)

    assert answer.status == 200, answer.body
    result = answer.json()
    assert (result["errorCount"], result["errorIndexes"]) == (1, [1])
    refused = result["results"][1]["error"]
    assert refused["code"] == "callback.error.queue.not.found"
    assert refused["message"].startswith("$.patchCallbackRequests[1].queueId: expected the id of one of")
    assert legs(callback_mock_server, second)["acd"]["queueId"] == QUEUE_ID  # unchanged
