"""Routing: queues, their media settings and members, and a user's routing status.

What ``/api/v2/routing/queues`` and ``/api/v2/users/{userId}/routingstatus`` carry. The settings
models (``ServiceLevel``, ``MediaSettings``, ``CallbackMediaSettings``, ``AcwSettings``,
``AgentOwnedRouting``), ``RoutingStatus``, the listings and ``WritableEntity`` match the official
SDK's models of the same names field for field; ``Queue``, its request bodies,
``QueueMediaSettings`` and ``QueueMember`` declare the fields a callback queue uses (no division,
flows, prompts or member groups; no chat, email or message settings beyond ``chat``; a member
without its expanded ``user``). The three queue bodies share one declaration.
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from contracts._fields import optional
from contracts.entities import DomainEntityRef
from contracts.enums import (
    AcwWrapupPrompt,
    CallbackMode,
    CallbackReactionType,
    LastAgentRoutingMode,
    RoutingStatusType,
    ScoringMethod,
    SkillEvaluationMethod,
)


@frozen(kw_only=True)
class ServiceLevel:
    """A queue's service-level target: ``percentage`` of interactions answered within ``durationMs``."""

    percentage: float | None = optional("The desired Service Level. A value between 0 and 1.")
    duration_ms: int | None = optional("Service Level target in milliseconds. Must be >= 1000")


@frozen(kw_only=True)
class MediaSettingsFields:
    """The settings every media type of a queue has (``MediaSettings``' fields)."""

    enable_auto_answer: bool | None = optional(
        "Indicates if auto-answer is enabled for the given media type or subtype"
    )
    alerting_timeout_seconds: int | None = optional("The alerting timeout in seconds")
    service_level: ServiceLevel | None = optional("The service level target of the media type.")
    auto_answer_alert_tone_seconds: float | None = optional(
        "How long to play the alerting tone for an auto-answer interaction"
    )
    manual_answer_alert_tone_seconds: float | None = optional(
        "How long to play the alerting tone for a manual-answer interaction"
    )


@frozen(kw_only=True)
class MediaSettings(MediaSettingsFields):
    """A queue's settings of one media type (calls, chats)."""


@frozen(kw_only=True)
class CallbackMediaSettings(MediaSettingsFields):
    """A queue's callback settings: the common ones, its mode, and what customer-first callbacks do."""

    mode: CallbackMode | None = optional(
        "The mode callbacks will use on this queue: AgentFirst finds an agent, then dials the customer; "
        "CustomerFirst dials the customer, then finds an agent."
    )
    enable_auto_dial_and_end: bool | None = optional(
        "Flag to enable Auto-Dial and Auto-End automation for callbacks on this queue."
    )
    auto_dial_delay_seconds: int | None = optional(
        "Time in seconds after agent connects to callback before outgoing call is auto-dialed."
    )
    auto_end_delay_seconds: int | None = optional(
        "Time in seconds after agent disconnects from the outgoing call before the encasing callback is auto-ended.",
    )
    pacing_modifier: float | None = optional(
        "Controls the maximum number of outbound calls at one time when mode is CustomerFirst."
    )
    max_retry_count: int | None = optional(
        "Maximum number of retries that should be attempted to try and connect a customer first callback to a customer when the initial callback attempt did not connect.",
    )
    retry_delay_seconds: int | None = optional(
        "Delay in seconds between each retry of a customer first callback."
    )
    live_voice_reaction_type: CallbackReactionType | None = optional(
        "The action to take if a live voice is detected during the outbound call of a customer first callback."
    )
    live_voice_flow: DomainEntityRef | None = optional(
        "The inbound flow to transfer to if a live voice is detected during the outbound call of a customer first callback."
    )
    answering_machine_reaction_type: CallbackReactionType | None = optional(
        "The action to take if an answering machine is detected during the outbound call of a customer first callback."
    )
    answering_machine_flow: DomainEntityRef | None = optional(
        "The inbound flow to transfer to if an answering machine is detected during the outbound call of a customer first callback."
    )
    edge_group: DomainEntityRef | None = optional(
        "The edge group of the customer first callbacks' outbound calls."
    )
    site: DomainEntityRef | None = optional("The site of the customer first callbacks' outbound calls.")


@frozen(kw_only=True)
class QueueMediaSettings:
    """A queue's settings per media type."""

    call: MediaSettings | None = optional("The queue media settings for call interactions.")
    callback: CallbackMediaSettings | None = optional("The queue media settings for callback interactions.")
    chat: MediaSettings | None = optional("The queue media settings for chat interactions.")


@frozen(kw_only=True)
class AcwSettings:
    """A queue's after-call work: how wrap-up is prompted and its timeout."""

    wrapup_prompt: AcwWrapupPrompt | None = optional(
        "This field controls how the UI prompts the agent for a wrapup."
    )
    timeout_ms: int | None = optional(
        "The amount of time the agent can stay in ACW (Min: 1 sec, Max: 1 day).  Can only be used when ACW "
        "is MANDATORY_TIMEOUT, MANDATORY_FORCED_TIMEOUT or AGENT_REQUESTED."
    )


@frozen(kw_only=True)
class AgentOwnedRouting:
    """Whether agents may own callbacks on a queue, and for how long."""

    enable_agent_owned_callbacks: bool | None = optional(
        "Mark whether agent owned callbacks are allowed or not"
    )
    max_owned_callback_hours: int | None = optional("Auto-Answer for digital channels(Email, Message)")
    max_owned_callback_delay_hours: int | None = optional("Max Owned Call Back Delay Hours >= 7")


@frozen(kw_only=True)
class QueueFields:
    """A queue's fields, shared by ``Queue`` and the bodies that create and replace one."""

    id: str | None = optional("The globally unique identifier for the object.")
    name: str | None = optional("The queue name")
    description: str | None = optional("The queue description.")
    date_created: datetime | None = optional("The date the queue was created.")
    date_modified: datetime | None = optional("The date of the last modification to the queue.")
    modified_by: str | None = optional("The ID of the user that last modified the queue.")
    created_by: str | None = optional("The ID of the user that created the queue.")
    member_count: int | None = optional("The total number of members in the queue.")
    user_member_count: int | None = optional(
        "The number of user members (i.e., direct membership) in the queue."
    )
    joined_member_count: int | None = optional("The number of joined members in the queue.")
    media_settings: QueueMediaSettings | None = optional("The media settings for the queue.")
    scoring_method: ScoringMethod | None = optional(
        "The Scoring Method for the queue: TimestampAndPriority or PriorityOnly."
    )
    last_agent_routing_mode: LastAgentRoutingMode | None = optional(
        "The Last Agent Routing Mode for the queue."
    )
    acw_settings: AcwSettings | None = optional("The ACW settings for the queue.")
    skill_evaluation_method: SkillEvaluationMethod | None = optional(
        "The skill evaluation method to use when routing conversations."
    )
    auto_answer_only: bool | None = optional(
        "Specifies whether the configured whisper should play for all ACD calls, or only for those which are auto-answered."
    )
    enable_transcription: bool | None = optional(
        "Indicates whether voice transcription is enabled for this queue."
    )
    enable_audio_monitoring: bool | None = optional(
        "Indicates whether audio monitoring is enabled for this queue."
    )
    enable_manual_assignment: bool | None = optional(
        "Indicates whether manual assignment is enabled for this queue."
    )
    agent_owned_routing: AgentOwnedRouting | None = optional("The Agent Owned Routing settings for the queue")
    calling_party_name: str | None = optional(
        "The name to use for caller identification for outbound calls from this queue."
    )
    calling_party_number: str | None = optional(
        "The phone number to use for caller identification for outbound calls from this queue."
    )
    peer_id: str | None = optional("The ID of an associated external queue.")
    suppress_in_queue_call_recording: bool | None = optional(
        "Indicates whether recording in-queue calls is suppressed for this queue."
    )
    self_uri: str | None = optional("The URI for this object")


@frozen(kw_only=True)
class Queue(QueueFields):
    """A routing queue, as ``GET /api/v2/routing/queues/{queueId}`` answers it."""


@frozen(kw_only=True)
class QueueRequest(QueueFields):
    """The body of ``PUT /api/v2/routing/queues/{queueId}``: the queue's new settings, whole."""


@frozen(kw_only=True)
class CreateQueueRequest(QueueFields):
    """The body of ``POST /api/v2/routing/queues``."""


@frozen(kw_only=True)
class QueueEntityListing:
    """One page of queues with the API's paging envelope."""

    entities: tuple[Queue, ...] | None = optional("The queues of this page.")
    page_size: int | None = optional("The page size.")
    page_number: int | None = optional("The page number, from 1.")
    total: int | None = optional("The number of entities on all pages.")
    last_uri: str | None = optional("The relative URI of the last page.")
    first_uri: str | None = optional("The relative URI of the first page.")
    self_uri: str | None = optional("The relative URI of this page.")
    next_uri: str | None = optional("The relative URI of the next page; absent on the last page.")
    previous_uri: str | None = optional("The relative URI of the previous page; absent on the first page.")
    page_count: int | None = optional("The number of pages.")


@frozen(kw_only=True)
class RoutingStatus:
    """A user's routing status and since when they have had it."""

    user_id: str | None = optional("The userId of the agent")
    status: RoutingStatusType | None = optional("Indicates the Routing State of the agent.")
    start_time: datetime | None = optional("The timestamp when the agent went into this state.")


@frozen(kw_only=True)
class QueueMember:
    """A user's membership of a queue, with their routing status."""

    id: str | None = optional("The queue member's id (the user's).")
    name: str | None = optional("The queue member's name.")
    ring_number: int | None = optional("The bullseye ring the member is in.")
    joined: bool | None = optional("Whether the member is joined to the queue (offered its work).")
    member_by: str | None = optional("How the user is a member: user (directly) or a group.")
    routing_status: RoutingStatus | None = optional("The member's routing status.")
    self_uri: str | None = optional("The URI for this object")


@frozen(kw_only=True)
class QueueMemberEntityListing:
    """One page of a queue's members."""

    entities: tuple[QueueMember, ...] | None = optional("The members of this page.")
    page_number: int | None = optional("The page number, from 1.")
    page_size: int | None = optional("The page size.")
    first_uri: str | None = optional("The relative URI of the first page.")
    self_uri: str | None = optional("The relative URI of this page.")
    next_uri: str | None = optional("The relative URI of the next page; absent on the last page.")
    previous_uri: str | None = optional("The relative URI of the previous page; absent on the first page.")


@frozen(kw_only=True)
class WritableEntity:
    """An entity named by its id alone (a member to add or remove)."""

    id: str | None = optional("The globally unique identifier for the object.")
