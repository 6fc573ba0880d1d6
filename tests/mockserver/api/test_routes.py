"""The routes answer with the real API's bodies, headers and paging."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient

import contracts
from contracts import CallbackState, Conversation, ConversationEntityListing, DisconnectType
from factories import check_conversation
from mockserver.web.current import backend_of
from tests.support.control import AdminRoutes, control_path
from tests.support.seeded import OTHER_QUEUE_ID, QUEUE_ID, first_customer_callback

CREATE = {"callbackNumbers": ["+13175550100"], "queueId": QUEUE_ID}


def conversation_of(client: FlaskClient, conversation_id: str) -> Conversation:
    response = client.get(f"/api/v2/conversations/{conversation_id}")
    assert response.status_code == 200
    return contracts.loads(response.data, Conversation)


def test_a_seeded_conversation_is_served_strictly_valid_and_consistent(
    client: FlaskClient, scheduled: Conversation
) -> None:
    response = client.get(f"/api/v2/conversations/{scheduled.id}")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    uuid.UUID(response.headers["ININ-Correlation-Id"])
    served = contracts.loads(response.data, Conversation)
    assert served == scheduled
    assert check_conversation(served) == []
    assert b"null" not in response.data


def test_each_response_has_its_own_correlation_id(client: FlaskClient, scheduled: Conversation) -> None:
    ids = {
        client.get(f"/api/v2/conversations/{scheduled.id}").headers["ININ-Correlation-Id"] for _ in range(3)
    }
    assert len(ids) == 3


@pytest.mark.usefixtures("lists_every")
def test_the_listing_pages_through_the_active_conversations(client: FlaskClient) -> None:
    first = contracts.loads(client.get("/api/v2/conversations?pageSize=4").data, ConversationEntityListing)
    assert first.page_number == 1
    assert first.page_size == 4
    assert first.total is not None
    assert first.total > 4
    assert first.page_count == -(-first.total // 4)
    assert first.previous_uri is None
    assert first.next_uri == "/api/v2/conversations?pageSize=4&pageNumber=2"
    assert first.first_uri == "/api/v2/conversations?pageSize=4&pageNumber=1"
    assert first.last_uri == f"/api/v2/conversations?pageSize=4&pageNumber={first.page_count}"

    seen: list[Conversation] = []
    uri: str | None = first.self_uri
    while uri:
        page = contracts.loads(client.get(uri).data, ConversationEntityListing)
        seen.extend(page.entities or ())
        uri = page.next_uri
    assert len(seen) == first.total
    assert len({c.id for c in seen}) == first.total
    assert all(c.end_time is None for c in seen)

    last = contracts.loads(client.get(first.last_uri).data, ConversationEntityListing)
    assert last.next_uri is None
    assert last.previous_uri == f"/api/v2/conversations?pageSize=4&pageNumber={first.page_count - 1}"


@pytest.mark.usefixtures("lists_every")
def test_without_paging_the_listing_holds_every_active_conversation(client: FlaskClient, app: Flask) -> None:
    """The SDKs send no paging parameters: the answer holds all, as the real API's for its caller."""
    assert (
        client.post(control_path(AdminRoutes.SEED), json={"count": 20, "traits": ["alerting"]}).status_code
        == 201
    )
    active = [entry.id for entry in backend_of(app).active()[1]]
    listing = contracts.loads(client.get("/api/v2/conversations").data, ConversationEntityListing)

    assert len(active) > 25
    assert [c.id for c in listing.entities or ()] == active
    assert (listing.total, listing.page_count, listing.page_size) == (len(active), 1, len(active))
    assert listing.next_uri is None


@pytest.mark.usefixtures("lists_every")
def test_asking_for_a_page_gives_pages_of_25(client: FlaskClient) -> None:
    assert (
        client.post(control_path(AdminRoutes.SEED), json={"count": 20, "traits": ["alerting"]}).status_code
        == 201
    )
    listing = client.get("/api/v2/conversations?pageNumber=1").json
    assert listing is not None
    assert (listing["pageSize"], listing["pageNumber"], len(listing["entities"])) == (25, 1, 25)
    assert listing["nextUri"] == "/api/v2/conversations?pageSize=25&pageNumber=2"


@pytest.mark.usefixtures("lists_every")
@pytest.mark.parametrize(
    ("communication_type", "holds"),
    [("callback", "all"), ("Callback", "all"), ("callbacks", "all"), ("call", "none"), ("chat", "none")],
)
def test_communication_type_filters_the_listing(
    client: FlaskClient, app: Flask, communication_type: str, holds: str
) -> None:
    listing = client.get(f"/api/v2/conversations?communicationType={communication_type}").json
    assert listing is not None
    expected = backend_of(app).active()[0] if holds == "all" else 0
    assert listing["total"] == len(listing["entities"]) == expected


def test_a_created_callback_is_a_scheduled_conversation_with_customer_and_acd_legs(
    client: FlaskClient,
) -> None:
    command = {
        **CREATE,
        "callbackUserName": "Zoë Ångström",
        "callbackScheduledTime": "2030-01-16T09:30:00+01:00",
        "data": {"orderId": "A-17"},
    }
    response = client.post("/api/v2/conversations/callbacks", json=command)

    assert response.status_code == 200
    created = contracts.loads(response.data, contracts.CreateCallbackResponse)
    assert created.conversation is not None
    assert created.conversation.id is not None
    assert created.conversation.self_uri == f"/api/v2/conversations/{created.conversation.id}"
    conversation = conversation_of(client, created.conversation.id)
    assert check_conversation(conversation) == []
    purposes = sorted(p.purpose or "" for p in conversation.participants or ())
    assert purposes == ["acd", "customer"]
    legs = {p.purpose: p for p in conversation.participants or ()}
    customer, acd = legs["customer"].callbacks[0], legs["acd"].callbacks[0]  # type: ignore[index]
    assert customer.state is CallbackState.SCHEDULED
    assert customer.callback_numbers == ("+13175550100",)
    assert customer.callback_user_name == "Zoë Ångström"
    assert contracts.dumps(customer).count('"callbackScheduledTime":"2030-01-16T08:30:00.000Z"') == 1
    assert acd.peer_id == customer.id
    assert legs["acd"].queue_id == CREATE["queueId"]
    assert legs["customer"].attributes == {"orderId": "A-17"}
    identifiers = {(i.type, i.id) for i in created.callback_identifiers or ()}
    assert identifiers == {("ACD", acd.id), ("EXTERNAL", customer.id)}


def test_routing_data_can_name_the_queue(client: FlaskClient) -> None:
    response = client.post(
        "/api/v2/conversations/callbacks",
        json={"callbackNumbers": ["+13175550100"], "routingData": {"queueId": QUEUE_ID}},
    )
    assert response.status_code == 200


def test_a_patch_reschedules_a_scheduled_callback(client: FlaskClient, scheduled: Conversation) -> None:
    patch = {
        "conversationId": scheduled.id,
        "callbackScheduledTime": "2030-02-01T10:00:00Z",
        "callbackNumbers": ["+13175550111"],
        "queueId": OTHER_QUEUE_ID,
    }
    response = client.patch("/api/v2/conversations/callbacks", json=patch)

    assert response.status_code == 200
    answer = contracts.loads(response.data, contracts.PatchCallbackResponse)
    assert answer.conversation is not None
    assert answer.conversation.id == scheduled.id
    after = conversation_of(client, scheduled.id or "")
    for participant in after.participants or ():
        for callback in participant.callbacks or ():
            if participant.purpose in ("customer", "acd"):
                assert callback.callback_numbers == ("+13175550111",)
                assert contracts.unstructure(callback)["callbackScheduledTime"] == "2030-02-01T10:00:00.000Z"
    assert next(p for p in after.participants or () if p.purpose == "acd").queue_id == OTHER_QUEUE_ID
    assert check_conversation(after) == []


def test_bulk_disconnect_ends_the_callbacks(client: FlaskClient, scheduled: Conversation) -> None:
    callback = first_customer_callback(scheduled)
    body = {"callbackDisconnectIdentifiers": [{"conversationId": scheduled.id, "callbackId": callback.id}]}

    response = client.post("/api/v2/conversations/callbacks/bulk/disconnect", json=body)

    assert response.status_code == 202
    assert response.data == b""
    assert "ININ-Correlation-Id" in response.headers
    ended = first_customer_callback(conversation_of(client, scheduled.id or ""))
    assert ended.state is CallbackState.DISCONNECTED
    assert ended.disconnect_type is DisconnectType.CLIENT
    assert ended.disconnected_time is not None
    assert all(segment.end_time is not None for segment in ended.segments or ())
    assert check_conversation(conversation_of(client, scheduled.id or "")) == []

    again = client.patch(
        "/api/v2/conversations/callbacks", json={"conversationId": scheduled.id, "queueId": "q-2"}
    )
    assert again.status_code == 412


def test_campaign_interactions_hold_basic_conversations(client: FlaskClient, app: Flask) -> None:
    from mockserver.web.current import backend_of

    campaign_ids = {
        cb.dialer_preview.campaign_id
        for entry in backend_of(app).store.entries()
        for p in entry.conversation.participants or ()
        for cb in p.callbacks or ()
        if cb.dialer_preview is not None
    }
    assert campaign_ids, "the seeded dataset should hold preview callbacks"
    campaign_id = sorted(c for c in campaign_ids if c)[0]

    response = client.get(f"/api/v2/outbound/campaigns/{campaign_id}/interactions")

    assert response.status_code == 200
    interactions = contracts.loads(response.data, contracts.CampaignInteractions)
    assert interactions.campaign is not None
    assert interactions.campaign.id == campaign_id
    stages = ("pending", "proceeding", "previewing", "interacting", "scheduled")
    for stage in stages:
        for interaction in getattr(interactions, f"{stage}_interactions"):
            assert isinstance(interaction.conversation, contracts.ConversationBasic)


@pytest.mark.parametrize("path", ["/api/v2/conversations", "/api/v2/conversations/x"])
def test_errors_are_json_with_the_correlation_id_as_context(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Authorization": ""})
    assert response.status_code == 401
    error = response.json
    assert error is not None
    assert error["contextId"] == response.headers["ININ-Correlation-Id"]
