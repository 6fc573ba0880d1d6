"""The official Python SDK, pointed at the live server, cannot tell it from Genesys Cloud."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

from contracts import CallbackState
from mockserver.testing.server import MockServer
from tests.support.control import a_user_taking_part
from tests.support.sdk import client_on
from tests.support.seeded import OTHER_QUEUE_ID, QUEUE_ID


@pytest.fixture
def conversations(sdk: ModuleType, sdk_client: Any) -> Any:
    return sdk.ConversationsApi(sdk_client)


def walk(value: Any) -> Iterator[Any]:
    """Every value inside an SDK model, depth first."""
    yield value
    if hasattr(value, "swagger_types"):
        for name in value.swagger_types:
            yield from walk(getattr(value, name))
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def assert_current(model: Any) -> None:
    assert "outdated_sdk_version" not in [v for v in walk(model) if isinstance(v, str)]


def test_get_conversation_gives_typed_callbacks(
    sdk: ModuleType, sdk_client: Any, conversations: Any, callback_mock_server: MockServer
) -> None:
    stored = callback_mock_server.backend.store.entries()[0]
    conversation = conversations.get_conversation(stored.conversation.id)

    assert conversation.id == stored.conversation.id
    callbacks = [cb for p in conversation.participants for cb in p.callbacks or []]
    assert callbacks
    assert all(isinstance(cb, sdk.Callback) for cb in callbacks)
    assert_current(conversation)
    sent = json.loads(stored.body)
    assert (
        sdk_client.sanitize_for_serialization(conversation)["participants"][0]["callbacks"][0]["id"]
        == (sent["participants"][0]["callbacks"][0]["id"])
    )


def test_every_callback_field_reaches_the_sdk(
    sdk: ModuleType, conversations: Any, callback_mock_server: MockServer
) -> None:
    """Across the seeded dataset, each of the 29 callback fields arrives set somewhere."""
    seen: set[str] = set()
    for entry in callback_mock_server.backend.store.entries():
        conversation = conversations.get_conversation(entry.conversation.id)
        assert_current(conversation)
        for participant in conversation.participants:
            for callback in participant.callbacks or []:
                seen.update(name for name in callback.swagger_types if getattr(callback, name) is not None)
    assert seen == set(sdk.Callback().swagger_types)


def test_get_conversations_pages(sdk: ModuleType, callback_mock_server: MockServer) -> None:
    """Listed as an agent taking part in some (a user lists its own active conversations)."""
    agent = a_user_taking_part(callback_mock_server.conversations(page_size=100))
    token = callback_mock_server.issue_token(user_id=agent)
    listing = sdk.ConversationsApi(client_on(sdk, callback_mock_server.url, token=token)).get_conversations()
    assert isinstance(listing, sdk.ConversationEntityListing)
    assert listing.page_number == 1
    assert listing.entities
    assert_current(listing)


def test_create_patch_and_disconnect_through_the_sdk(sdk: ModuleType, conversations: Any) -> None:
    command = sdk.CreateCallbackCommand()
    command.callback_numbers = ["+13175550100"]
    command.queue_id = QUEUE_ID
    command.callback_user_name = "Ana Díaz"
    created = conversations.post_conversations_callbacks(command)
    conversation_id = created.conversation.id
    assert {i.type for i in created.callback_identifiers} == {"ACD", "EXTERNAL"}

    patch = sdk.PatchCallbackRequest()
    patch.conversation_id = conversation_id
    patch.callback_numbers = ["+13175550123"]
    patched = conversations.patch_conversations_callbacks(patch)
    assert patched.conversation.id == conversation_id

    customer_id = next(i.id for i in created.callback_identifiers if i.type == "EXTERNAL")
    identifier = sdk.CallbackDisconnectIdentifier()
    identifier.conversation_id = conversation_id
    identifier.callback_id = customer_id
    bulk = sdk.BulkCallbackDisconnectRequest()
    bulk.callback_disconnect_identifiers = [identifier]
    assert conversations.post_conversations_callbacks_bulk_disconnect(bulk) is None

    after = conversations.get_conversation(conversation_id)
    customer = next(cb for p in after.participants for cb in p.callbacks or [] if cb.id == customer_id)
    assert customer.state == CallbackState.DISCONNECTED.value
    assert customer.callback_numbers == ["+13175550123"]
    assert customer.disconnected_time is not None
    assert_current(after)


def test_the_official_tutorials_callback_is_taken_and_cancelled_through_the_sdk(
    sdk: ModuleType, conversations: Any
) -> None:
    """The Python callback tutorial's request as it sends it: a national number, no country code."""
    command = sdk.CreateCallbackCommand()
    command.callback_numbers = ["3172222222"]
    command.queue_id = QUEUE_ID
    command.callback_user_name = "Tutorial Callback"
    command.callback_scheduled_time = "2030-01-16T12:00:00.000Z"
    created = conversations.post_conversations_callbacks(command)
    conversation_id = created.conversation.id

    customer = next(
        p for p in conversations.get_conversation(conversation_id).participants if p.purpose == "customer"
    )
    assert customer.callbacks[0].callback_numbers == ["+13172222222"]
    assert customer.address == "+13172222222"

    acd_id = next(i.id for i in created.callback_identifiers if i.type == "ACD")
    identifier = sdk.CallbackDisconnectIdentifier()
    identifier.conversation_id = conversation_id
    identifier.callback_id = acd_id
    bulk = sdk.BulkCallbackDisconnectRequest()
    bulk.callback_disconnect_identifiers = [identifier]
    conversations.post_conversations_callbacks_bulk_disconnect(bulk)

    after = conversations.get_conversation(conversation_id)
    assert after.end_time is not None
    assert {cb.state for p in after.participants for cb in p.callbacks or []} == {"disconnected"}
    assert_current(after)


def test_campaign_interactions_through_the_sdk(
    sdk: ModuleType, sdk_client: Any, callback_mock_server: MockServer
) -> None:
    campaign_id = next(
        cb.dialer_preview.campaign_id
        for entry in callback_mock_server.backend.store.entries()
        for p in entry.conversation.participants or ()
        for cb in p.callbacks or ()
        if cb.dialer_preview is not None and cb.dialer_preview.campaign_id
    )
    interactions = sdk.OutboundApi(sdk_client).get_outbound_campaign_interactions(campaign_id)
    assert interactions.campaign.id == campaign_id
    assert_current(interactions)
    for stage in ("pending", "proceeding", "previewing", "interacting", "scheduled"):
        for interaction in getattr(interactions, f"{stage}_interactions") or []:
            assert isinstance(interaction.conversation, sdk.ConversationBasic)


@pytest.mark.parametrize(
    ("call", "status", "code"),
    [
        (lambda api, sdk: api.get_conversation("00000000-0000-0000-0000-000000000000"), 404, "not.found"),
        (
            lambda api, sdk: api.post_conversations_callbacks(_create_without_queue(sdk)),
            400,
            "constraint.validation",
        ),
        (
            lambda api, sdk: api.patch_conversations_callbacks(
                _patch(sdk, "00000000-0000-0000-0000-000000000000")
            ),
            404,
            "callback.error.callback.not.found",
        ),
        (
            lambda api, sdk: api.post_conversations_callbacks(sdk.CreateCallbackCommand()),
            400,
            "callback.error.missing.callback.numbers",
        ),
    ],
    ids=["unknown-conversation", "create-without-queue", "patch-unknown", "create-without-numbers"],
)
def test_errors_raise_api_exception_with_a_parseable_error_body(
    sdk: ModuleType, conversations: Any, call: Callable[[Any, ModuleType], Any], status: int, code: str
) -> None:
    with pytest.raises(sdk.rest.ApiException) as raised:
        call(conversations, sdk)

    assert raised.value.status == status
    body = json.loads(raised.value.body)
    assert body["code"] == code
    assert body["status"] == status
    assert body["contextId"] == raised.value.headers["ININ-Correlation-Id"]


def test_a_wrong_token_is_refused(sdk: ModuleType, callback_mock_server: MockServer) -> None:
    client = client_on(sdk, callback_mock_server.url, token="not-the-token")
    with pytest.raises(sdk.rest.ApiException) as raised:
        sdk.ConversationsApi(client).get_conversations()
    assert raised.value.status == 401
    assert json.loads(raised.value.body)["code"] == "bad.credentials"


def _patch(sdk: ModuleType, conversation_id: str) -> Any:
    patch = sdk.PatchCallbackRequest()
    patch.conversation_id = conversation_id
    patch.queue_id = OTHER_QUEUE_ID
    return patch


def _create_without_queue(sdk: ModuleType) -> Any:
    command = sdk.CreateCallbackCommand()
    command.callback_numbers = ["+13175550100"]
    return command


def test_the_sdk_retries_a_429_with_retry_after_and_creates_one_callback(
    sdk: ModuleType, conversations: Any, callback_mock_server: MockServer
) -> None:
    callback_mock_server.fault("POST", "/api/v2/conversations/callbacks", status=429, retry_after=0, times=2)
    before = len(callback_mock_server.backend.store.entries())

    command = sdk.CreateCallbackCommand()
    command.callback_numbers = ["+13175550100"]
    command.queue_id = QUEUE_ID
    created = conversations.post_conversations_callbacks(command)

    assert created.conversation.id
    sent = callback_mock_server.requests(path="/api/v2/conversations/callbacks")
    assert [r["status"] for r in sent] == [429, 429, 200]
    assert len({r["correlationId"] for r in sent}) == 3
    assert len(callback_mock_server.backend.store.entries()) == before + 1


def test_the_sdk_gives_up_after_ten_retries(conversations: Any, callback_mock_server: MockServer) -> None:
    callback_mock_server.fault("GET", "/api/v2/conversations/{id}", status=429, retry_after=0)

    with pytest.raises(Exception, match=r"429|retries") as caught:
        conversations.get_conversation("any")

    assert len(callback_mock_server.requests()) == 11
    assert caught.type.__name__ in {"ApiException", "MaxRetryError"}
