"""Detail events for the trigger tests: bodies built from the official SDK's event models, published
into a live server's hub as the derivation publishes them (under the store's lock). A workflow's URL
is ``mockserver.testing.event_bus.EventBus``'s."""

from __future__ import annotations

from typing import Any

from mockserver.state.backend import Backend

ACD_START = "v2.detail.events.conversation.{id}.acd.start"
ACW = "v2.detail.events.conversation.{id}.acw"


def event_body(sdk: Any, model: str, **fields: Any) -> dict[str, Any]:
    """The wire JSON of the SDK's event ``model`` (``AcdStartDetailEventTopicAcdStartEvent``) with ``fields``."""
    made = getattr(sdk, model)()
    for name, value in fields.items():
        setattr(made, name, value)
    body: dict[str, Any] = sdk.ApiClient().sanitize_for_serialization(made)
    return body


def acd_start(
    sdk: Any, conversation_id: str, media_type: str, at: int, queue_id: str = "q-1"
) -> dict[str, Any]:
    return event_body(
        sdk,
        "AcdStartDetailEventTopicAcdStartEvent",
        event_time=at,
        conversation_id=conversation_id,
        participant_id=f"{conversation_id}-acd",
        session_id=f"{conversation_id}-session",
        media_type=media_type,
        direction="OUTBOUND",
        queue_id=queue_id,
        callback_numbers=["+13175550100"],
        routing_priority=0,
    )


def acw(sdk: Any, conversation_id: str, wrapup_code: str, at: int, queue_id: str = "q-1") -> dict[str, Any]:
    return event_body(
        sdk,
        "AcwDetailEventTopicAfterCallWorkEvent",
        event_time=at,
        conversation_id=conversation_id,
        participant_id=f"{conversation_id}-agent",
        session_id=f"{conversation_id}-session",
        media_type="CALLBACK",
        direction="OUTBOUND",
        queue_id=queue_id,
        wrapup_code=wrapup_code,
        wrapup_duration_ms=1500,
    )


def publish(backend: Backend, template: str, body: dict[str, Any], at: int) -> None:
    """Publish ``body`` on ``template``'s topic with its conversation's id, as the derivation does."""
    with backend.store.transaction():
        backend.detail_events.publish(template.replace("{id}", body["conversationId"]), body, at)
