"""Requests as Genesys takes them: what its own tutorials and blueprints send, and what a patch changes."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import contracts
from contracts import AfterCallWorkState, Conversation, Participant
from factories import check_conversation
from mockserver.web.current import backend_of
from tests.mockserver.api.test_callback_routes import Life
from tests.support.seeded import OTHER_QUEUE_ID, QUEUE_ID

CALLBACKS = "/api/v2/conversations/callbacks"


def _create(client: FlaskClient, **body: Any) -> str:
    response = client.post(CALLBACKS, json={"queueId": QUEUE_ID, **body})
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


@pytest.mark.parametrize("body", [{"callbackNumbers": ["+13175550199"]}, {"queueId": OTHER_QUEUE_ID}])
def test_a_patch_leaves_an_ended_rounds_legs_as_they_were(client: FlaskClient, body: dict[str, Any]) -> None:
    """A conversation given a new callback keeps the first one's legs as they ended."""
    conversation_id = _create(client, callbackNumbers=["+13175550100"])
    assert client.patch(f"{CALLBACKS}/{conversation_id}", json={"state": "disconnected"}).status_code == 200
    customer = _leg(_conversation(client, conversation_id), "customer")
    again = client.post(
        f"/api/v2/conversations/{conversation_id}/participants/{customer.id}/callbacks",
        json={"callbackNumbers": ["+13175550100"], "queueId": QUEUE_ID},
    )
    assert again.status_code == 201, again.json
    before = _conversation(client, conversation_id)

    assert client.patch(CALLBACKS, json={"conversationId": conversation_id, **body}).status_code == 200

    after = _conversation(client, conversation_id)
    assert (after.participants or ())[:2] == (before.participants or ())[:2]


# Callback numbers as clients send them


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ({"callbackNumbers": ["3172222222"]}, ("+13172222222",)),  # the official Python tutorial's
        ({"callbackNumbers": [3172222222]}, ("+13172222222",)),  # the automated-callback blueprint's
        ({"callbackNumbers": ["+1 (317) 555-0100"]}, ("+13175550100",)),
        ({"callbackNumbers": ["07700 900123"], "countryCode": "44"}, ("+447700900123",)),
        ({"callbackNumbers": ["07700 900123"], "countryCode": "+44"}, ("+447700900123",)),
        ({"callbackNumbers": ["+13175550100"], "countryCode": "44"}, ("+13175550100",)),
        ({"callbackNumbers": ["3175550100"], "countryCode": "US"}, ("+13175550100",)),
        ({"callbackNumbers": ["07700 900123"], "validateCallbackNumbers": False}, ("07700 900123",)),
        ({"callbackNumbers": [7700900123, "x"], "validateCallbackNumbers": False}, ("7700900123", "x")),
        ({"callbackNumbers": ["3172222222"], "validateCallbackNumbers": True}, ("+13172222222",)),
    ],
)
def test_a_number_is_stored_as_the_api_reads_it(
    client: FlaskClient, sent: dict[str, Any], stored: tuple[str, ...]
) -> None:
    conversation_id = _create(client, **sent)

    customer = _leg(_conversation(client, conversation_id), "customer")
    assert (customer.callbacks or ())[0].callback_numbers == stored
    assert customer.address == stored[0]


def test_a_patch_reads_its_numbers_as_a_create_does(client: FlaskClient) -> None:
    conversation_id = _create(client, callbackNumbers=["+13175550100"])
    patch = {"conversationId": conversation_id, "callbackNumbers": [3172222222]}

    assert client.patch(CALLBACKS, json=patch).status_code == 200

    assert _leg(_conversation(client, conversation_id), "customer").address == "+13172222222"


BAD_NUMBERS: list[tuple[str, dict[str, Any], str, str]] = [
    # (id, body beside the queue, code, field path)
    ("missing", {}, "callback.error.missing.callback.numbers", "$.callbackNumbers"),
    ("empty", {"callbackNumbers": []}, "callback.error.missing.callback.numbers", "$.callbackNumbers"),
    (
        "too-short",
        {"callbackNumbers": ["555-0100"]},
        "callback.error.parse.call.number",
        "$.callbackNumbers[0]",
    ),
    (
        "letters",
        {"callbackNumbers": ["+1", "call me"]},
        "callback.error.parse.call.number",
        "$.callbackNumbers[0]",
    ),
    (
        "national-no-country",
        {"callbackNumbers": ["07700900123"]},
        "callback.error.parse.call.number",
        "$.callbackNumbers[0]",
    ),
    (
        "plus-zero",
        {"callbackNumbers": ["+0123456"]},
        "callback.error.parse.call.number",
        "$.callbackNumbers[0]",
    ),
    (
        "too-long",
        {"callbackNumbers": ["1234567890123456"], "countryCode": "44"},
        "callback.error.parse.call.number",
        "$.callbackNumbers[0]",
    ),
    (
        "unvalidated-blank",
        {"callbackNumbers": ["+13175550100", " "], "validateCallbackNumbers": False},
        "callback.error.parse.call.number",
        "$.callbackNumbers[1]",
    ),
    ("negative", {"callbackNumbers": [-3172222222]}, "invalid.value", "$.callbackNumbers[0]"),
    ("fraction", {"callbackNumbers": [3172222222.5]}, "invalid.value", "$.callbackNumbers[0]"),
    ("bool", {"callbackNumbers": [True]}, "invalid.value", "$.callbackNumbers[0]"),
    ("object", {"callbackNumbers": [{"number": "+13175550100"}]}, "invalid.value", "$.callbackNumbers[0]"),
    (
        "caller-id-national",
        {"callbackNumbers": ["+13175550100"], "callerId": "3172222222"},
        "invalid.value",
        "$.callerId",
    ),
]


@pytest.mark.parametrize(
    ("body", "code", "path"), [row[1:] for row in BAD_NUMBERS], ids=[row[0] for row in BAD_NUMBERS]
)
def test_a_number_the_api_cannot_read_is_refused_with_its_path(
    client: FlaskClient, app: Flask, body: dict[str, Any], code: str, path: str
) -> None:
    before = {entry.id: entry.body for entry in backend_of(app).entries()}
    for route in (CALLBACKS, "participant"):
        url = CALLBACKS if route == CALLBACKS else _ended_participant_url(client)
        before = {entry.id: entry.body for entry in backend_of(app).entries()}

        response = client.post(url, json={"queueId": QUEUE_ID, **body})

        assert (response.status_code, response.json["code"]) == (400, code), response.json  # type: ignore[index]
        assert [d["fieldName"] for d in response.json["details"]] == [path]  # type: ignore[index]
        assert {entry.id: entry.body for entry in backend_of(app).entries()} == before


def _ended_participant_url(client: FlaskClient) -> str:
    """The callbacks route of the customer of a callback just cancelled (where a new one may go)."""
    conversation_id = _create(client, callbackNumbers=["+13175550100"])
    assert client.patch(f"{CALLBACKS}/{conversation_id}", json={"state": "disconnected"}).status_code == 200
    customer = _leg(_conversation(client, conversation_id), "customer")
    return f"/api/v2/conversations/{conversation_id}/participants/{customer.id}/callbacks"


@pytest.mark.parametrize(
    ("body", "code", "path"),
    [
        ({"callbackNumbers": ["call me"]}, "callback.error.parse.call.number", "$.callbackNumbers[0]"),
        ({"callbackNumbers": []}, "callback.error.missing.callback.numbers", "$.callbackNumbers"),
        ({"countryCode": "44"}, "callback.error.missing.required.information.for.patch.request", "$"),
        ({}, "callback.error.missing.required.information.for.patch.request", "$"),
    ],
)
def test_a_patch_the_api_refuses_is_refused_alone_and_in_bulk(
    client: FlaskClient, body: dict[str, Any], code: str, path: str
) -> None:
    conversation_id = _create(client, callbackNumbers=["+13175550100"])
    before = _conversation(client, conversation_id)

    alone = client.patch(CALLBACKS, json={"conversationId": conversation_id, **body})
    bulk = client.post(
        f"{CALLBACKS}/bulk/update",
        json={"patchCallbackRequests": [{"conversationId": conversation_id, **body}]},
    )

    assert (alone.status_code, alone.json["code"]) == (400, code)  # type: ignore[index]
    assert [d["fieldName"] for d in alone.json["details"]] == [path]  # type: ignore[index]
    if "callbackNumbers" in body:  # read before the patches apply: the whole request is refused
        assert (bulk.status_code, bulk.json["code"]) == (400, code)  # type: ignore[index]
    else:
        assert bulk.status_code == 200
        assert bulk.json["results"][0]["error"]["code"] == code  # type: ignore[index]
    assert _conversation(client, conversation_id) == before


# Optional bodies, and the routes' own codes


def test_a_new_callback_without_a_body_makes_the_last_one_again(client: FlaskClient) -> None:
    conversation_id = _create(client, callbackNumbers=["+13175550100"], callbackUserName="Ana")
    assert client.patch(f"{CALLBACKS}/{conversation_id}", json={"state": "disconnected"}).status_code == 200
    first = _conversation(client, conversation_id)
    customer = _leg(first, "customer")
    url = f"/api/v2/conversations/{conversation_id}/participants/{customer.id}/callbacks"

    assert client.post(url).status_code == 201

    after = _conversation(client, conversation_id)
    customers = [p for p in after.participants or () if p.purpose == "customer"]
    acds = [p for p in after.participants or () if p.purpose == "acd"]
    assert len(customers) == len(acds) == 2
    again = (customers[1].callbacks or ())[0]
    assert again.state is contracts.CallbackState.SCHEDULED
    assert again.callback_numbers == ("+13175550100",)
    assert again.callback_user_name == "Ana"
    assert acds[1].queue_id == acds[0].queue_id
    assert after.end_time is None
    assert check_conversation(after) == []


def test_a_wrap_up_without_a_body_ends_after_call_work(client: FlaskClient) -> None:
    life = Life(client).to("after_call_work")

    assert client.post(life.communication("agent", "/wrapup")).status_code == 202

    agent: Participant = life.participant("agent")
    callback = (agent.callbacks or ())[0]
    assert callback.after_call_work is not None
    assert callback.after_call_work.state is AfterCallWorkState.COMPLETE
    assert agent.end_acw_time is not None


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PATCH", f"{CALLBACKS}/no-such-conversation", {"state": "disconnected"}),
        ("POST", "/api/v2/conversations/no-such-conversation/participants/p/callbacks", None),
        ("GET", f"{CALLBACKS}/no-such-conversation", None),
    ],
)
def test_an_unknown_conversation_is_the_routes_own_404(
    client: FlaskClient, method: str, path: str, body: dict[str, Any] | None
) -> None:
    response = client.open(path, method=method, json=body)

    assert (response.status_code, response.json["code"]) == (404, "conversation.error.conversation.not.found")  # type: ignore[index]
