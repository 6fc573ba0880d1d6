"""The analytics detail events: ``v2.detail.events.conversation.{id}.customer.start`` and its kin.

What the notification service, Process Automation triggers and the Amazon EventBridge partner source
carry for each step of a conversation's participants: a customer's session starting and ending, a
session entering and leaving the queue (``acd``), an agent's session starting and ending (``user``),
after-call work ending (``acw``), a wrap-up code applied, and a participant's attributes changing.
Each matches the official SDK's model field for field (times and durations in epoch milliseconds,
enums in upper case). The fields every session event carries are declared once, in ``_SessionEvent``.
"""

from __future__ import annotations

from attrs import frozen

from contracts._fields import optional
from contracts.detail_event_enums import (
    AcdOutcome,
    DetailEventDirection,
    DetailEventDisconnectType,
    DetailEventMediaType,
    DetailEventMessageType,
    UsedRouting,
)

_MS = "epoch milliseconds"


@frozen(kw_only=True)
class _SessionEvent:
    """The fields of every session's detail event (not itself an SDK model)."""

    event_time: int | None = optional(f"When the event happened ({_MS})")
    conversation_id: str | None = optional("The conversation's id")
    participant_id: str | None = optional("The participant's id")
    session_id: str | None = optional("The session's (communication's) id")
    media_type: DetailEventMediaType | None = optional("The session's media type")
    provider: str | None = optional("The session's provider")
    direction: DetailEventDirection | None = optional("The session's direction")
    ani: str | None = optional("The caller's address")
    dnis: str | None = optional("The dialled address")
    address_to: str | None = optional("The address the session went to")
    address_from: str | None = optional("The address the session came from")
    callback_user_name: str | None = optional("The callback's customer name")
    callback_numbers: tuple[str, ...] | None = optional("The callback's numbers")
    callback_scheduled_time: int | None = optional(f"When the callback was scheduled for ({_MS})")
    subject: str | None = optional("The session's subject")
    message_type: DetailEventMessageType | None = optional("A message session's platform")
    conversation_external_contact_ids: tuple[str, ...] | None = optional(
        "The conversation's external contacts"
    )
    conversation_external_organization_ids: tuple[str, ...] | None = optional(
        "The conversation's external organizations"
    )
    utilization_label: str | None = optional("The session's utilization label")


@frozen(kw_only=True)
class CustomerStartDetailEventTopicJourneyContext:
    """The journey action that started a customer's session."""

    session_id: str | None = optional("The journey session's id")
    session_id_type: str | None = optional("The journey session id's type")
    action_id: str | None = optional("The journey action's id")
    action_map_id: str | None = optional("The journey action map's id")


@frozen(kw_only=True)
class CustomerStartDetailEventTopicCustomerStartEvent(_SessionEvent):
    """``.customer.start``: a customer's (or external party's) session began."""

    external_organization_id: str | None = optional("The customer's external organization")
    external_contact_id: str | None = optional("The customer's external contact")
    journey_context: CustomerStartDetailEventTopicJourneyContext | None = optional("The journey context")
    division_id: str | None = optional("The conversation's division")


@frozen(kw_only=True)
class CustomerEndDetailEventTopicCustomerEndEvent(_SessionEvent):
    """``.customer.end``: a customer's session ended."""

    disconnect_type: DetailEventDisconnectType | None = optional("Why the session ended")
    external_organization_id: str | None = optional("The customer's external organization")
    external_contact_id: str | None = optional("The customer's external contact")
    interacting_duration_ms: int | None = optional("How long the customer interacted (ms)")
    division_id: str | None = optional("The conversation's division")


@frozen(kw_only=True)
class AcdStartDetailEventTopicAcdStartEvent(_SessionEvent):
    """``.acd.start``: a session entered a queue."""

    queue_id: str | None = optional("The queue's id")
    division_id: str | None = optional("The queue's division")
    routing_priority: int | None = optional("The routing priority")
    requested_routing_skill_ids: tuple[str, ...] | None = optional("The skills requested")
    skill_expression_applied: bool | None = optional("Whether a skill expression was applied")


@frozen(kw_only=True)
class AcdEndDetailEventTopicAcdEndEvent(_SessionEvent):
    """``.acd.end``: a session left a queue, answered, abandoned or flowed out."""

    disconnect_type: DetailEventDisconnectType | None = optional("Why the queue session ended")
    queue_id: str | None = optional("The queue's id")
    division_id: str | None = optional("The queue's division")
    acd_outcome: AcdOutcome | None = optional("How the time in queue ended")
    answered_user_id: str | None = optional("The agent who answered")
    requested_routings: tuple[str, ...] | None = optional("The routing methods requested")
    used_routing: UsedRouting | None = optional("The routing method used")
    requested_routing_skill_ids: tuple[str, ...] | None = optional("The skills requested")
    requested_skill_expression_ids: tuple[str, ...] | None = optional("The skill expressions requested")
    requested_language_id: str | None = optional("The language requested")
    requested_routing_user_ids: tuple[str, ...] | None = optional("The agents requested")
    routing_priority: int | None = optional("The routing priority")
    connected_duration_ms: int | None = optional("How long the session was in queue (ms)")
    flow_type: str | None = optional("The flow's type")


@frozen(kw_only=True)
class UserStartDetailEventTopicUserStartEvent(_SessionEvent):
    """``.user.start``: an agent's session began (offered)."""

    user_id: str | None = optional("The agent's id")
    division_id: str | None = optional("The conversation's division")
    queue_id: str | None = optional("The queue the session came from")


@frozen(kw_only=True)
class UserEndDetailEventTopicUserEndEvent(_SessionEvent):
    """``.user.end``: an agent's session ended."""

    disconnect_type: DetailEventDisconnectType | None = optional("Why the session ended")
    user_id: str | None = optional("The agent's id")
    division_id: str | None = optional("The conversation's division")
    queue_id: str | None = optional("The queue the session came from")
    interacting_duration_ms: int | None = optional("Time interacting (ms)")
    held_duration_ms: int | None = optional("Time held (ms)")
    alerting_duration_ms: int | None = optional("Time alerting (ms)")
    contacting_duration_ms: int | None = optional("Time contacting (ms)")
    dialing_duration_ms: int | None = optional("Time dialling (ms)")
    callback_duration_ms: int | None = optional("Time in callback segments (ms)")


@frozen(kw_only=True)
class AcwDetailEventTopicAfterCallWorkEvent(_SessionEvent):
    """``.acw``: an agent's after-call work ended."""

    user_id: str | None = optional("The agent's id")
    queue_id: str | None = optional("The queue the session came from")
    wrapup_code: str | None = optional("The wrap-up code's id")
    wrapup_notes: str | None = optional("The wrap-up notes")
    wrapup_duration_ms: int | None = optional("How long the after-call work took (ms)")


@frozen(kw_only=True)
class WrapupDetailEventTopicWrapupEvent(_SessionEvent):
    """``.wrapup``: a wrap-up code was applied to a session."""

    queue_id: str | None = optional("The queue the session came from")
    wrapup_code: str | None = optional("The wrap-up code's id")
    wrapup_notes: str | None = optional("The wrap-up notes")
    wrapup_duration_ms: int | None = optional("How long the wrap-up took (ms)")


@frozen(kw_only=True)
class AttributeDetailEventTopicCommunication:
    """One of the participant's sessions, in an attribute update."""

    id: str | None = optional("The session's id")
    media_type: DetailEventMediaType | None = optional("The session's media type")


@frozen(kw_only=True)
class AttributeDetailEventTopicAttributeUpdateEvent:
    """``.attributes``: a participant's attributes changed."""

    event_time: int | None = optional(f"When the event happened ({_MS})")
    conversation_id: str | None = optional("The conversation's id")
    participant_id: str | None = optional("The participant's id")
    attributes: dict[str, str] | None = optional("The participant's attributes, all of them")
    conversation_external_contact_ids: tuple[str, ...] | None = optional(
        "The conversation's external contacts"
    )
    conversation_external_organization_ids: tuple[str, ...] | None = optional(
        "The conversation's external organizations"
    )
    communications: tuple[AttributeDetailEventTopicCommunication, ...] | None = optional(
        "The participant's sessions"
    )
    participant_start_time: int | None = optional(f"When the participant started ({_MS})")


# Every detail event's model, by its topic's suffix (after ``v2.detail.events.conversation.{id}.``).
DETAIL_EVENT_MODELS: dict[str, type] = {
    "customer.start": CustomerStartDetailEventTopicCustomerStartEvent,
    "customer.end": CustomerEndDetailEventTopicCustomerEndEvent,
    "acd.start": AcdStartDetailEventTopicAcdStartEvent,
    "acd.end": AcdEndDetailEventTopicAcdEndEvent,
    "user.start": UserStartDetailEventTopicUserStartEvent,
    "user.end": UserEndDetailEventTopicUserEndEvent,
    "acw": AcwDetailEventTopicAfterCallWorkEvent,
    "wrapup": WrapupDetailEventTopicWrapupEvent,
    "attributes": AttributeDetailEventTopicAttributeUpdateEvent,
}
