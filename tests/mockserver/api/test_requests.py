"""Requests as Genesys takes them: what its own tutorials and blueprints send, and what a patch changes."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import contracts
from contracts import Conversation, Participant
from factories import check_conversation
from mockserver.web.current import backend_of

CALLBACKS = "/api/v2/conversations/callbacks"


def _create(client: FlaskClient, **body: Any) -> str:
    response = client.post(CALLBACKS, json={"queueId": "q-1", **body})
    assert response.status_code == 200, response.json
    return str(response.json["conversation"]["id"])  # type: ignore[index]


def _conversation(client: FlaskClient, conversation_id: str) -> Conversation:
    return contracts.loads(client.get(f"/api/v2/conversations/{conversation_id}").data, Conversation)


def _leg(conversation: Conversation, purpose: str) -> Participant:
    return next(p for p in conversation.participants or () if p.purpose == purpose)


# What a patch changes, the legs show


def test_a_patch_of_the_numbers_moves_the_customers_address(client: FlaskClient) -> None:
    conversation_id = _create(client, callbackNumbers=["+13175550100"])

    patch = {"conversationId": conversation_id, "callbackNumbers": ["+13175550199", "+13175550198"]}
    assert client.patch(CALLBACKS, json=patch).status_code == 200

    customer = _leg(_conversation(client, conversation_id), "customer")
    assert customer.address == "+13175550199"
    assert (customer.callbacks or ())[0].callback_numbers == ("+13175550199", "+13175550198")


def test_a_patch_of_the_queue_moves_its_name(client: FlaskClient, app: Flask) -> None:
    first, second = backend_of(app).factory.org.queues[:2]
    conversation_id = _create(client, callbackNumbers=["+13175550100"], queueId=first.id)
    assert _leg(_conversation(client, conversation_id), "acd").queue_name == first.name

    assert (
        client.patch(CALLBACKS, json={"conversationId": conversation_id, "queueId": second.id}).status_code
        == 200
    )

    acd = _leg(_conversation(client, conversation_id), "acd")
    assert (acd.queue_id, acd.queue_name, acd.name) == (second.id, second.name, second.name)
    assert check_conversation(_conversation(client, conversation_id)) == []


@pytest.mark.parametrize("body", [{"callbackNumbers": ["+13175550199"]}, {"queueId": "q-2"}])
def test_a_patch_leaves_an_ended_rounds_legs_as_they_were(client: FlaskClient, body: dict[str, Any]) -> None:
    """A conversation given a new callback keeps the first one's legs as they ended."""
    conversation_id = _create(client, callbackNumbers=["+13175550100"])
    assert client.patch(f"{CALLBACKS}/{conversation_id}", json={"state": "disconnected"}).status_code == 200
    customer = _leg(_conversation(client, conversation_id), "customer")
    again = client.post(
        f"/api/v2/conversations/{conversation_id}/participants/{customer.id}/callbacks",
        json={"callbackNumbers": ["+13175550100"], "queueId": "q-1"},
    )
    assert again.status_code == 201, again.json
    before = _conversation(client, conversation_id)

    assert client.patch(CALLBACKS, json={"conversationId": conversation_id, **body}).status_code == 200

    after = _conversation(client, conversation_id)
    assert (after.participants or ())[:2] == (before.participants or ())[:2]
