"""The envelopes callbacks travel in: participants, conversations, listings, campaign interactions.

Only the fields a callback conversation uses are declared; each one matches the official SDK's
model of the same name. As with the callbacks, each full/basic pair shares one declaration.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs
from attrs import frozen

from contracts._fields import optional
from contracts._types import unwrap_optional
from contracts.entities import (
    AddressableEntityRef,
    ConversationDivisionMembership,
    DomainEntityRef,
    ScoredAgent,
)
from contracts.enums import (
    CallDisconnectType,
    CallState,
    Direction,
    MediaParticipantState,
    RecordingState,
    WrapupPrompt,
)
from contracts.media import (
    Cobrowsesession,
    ConversationChat,
    Email,
    InternalMessage,
    Message,
    ScreenMonitoring,
    Screenshare,
    SocialExpression,
    Video,
)
from contracts.models import Callback, CallbackBasic, Segment, Wrapup


@frozen(kw_only=True)
class ConversationRoutingData:
    """How a communication is routed to an agent."""

    queue: AddressableEntityRef | None = optional("The queue to use for routing decisions")
    language: AddressableEntityRef | None = optional("The language to use for routing decisions")
    priority: int | None = optional("The priority of the conversation to use for routing decisions")
    skills: tuple[AddressableEntityRef, ...] | None = optional("The skills to use for routing decisions")
    skill_expression: str | None = optional(
        "The string with skill expression requested by the caller for routing decisions"
    )
    skill_expression_id: str | None = optional(
        "The internal id of the skill expression, if any, that is currently in use for routing decisions"
    )
    scored_agents: tuple[ScoredAgent, ...] | None = optional(
        "A collection of agents and their assigned scores for this conversation (0 - 100, higher "
        "being better), for use in routing to preferred agents"
    )
    label: str | None = optional(
        "An optional label that categorizes the conversation.  Max-utilization settings can be "
        "configured at a per-label level"
    )


@frozen(kw_only=True)
class ParticipantFields:
    """The fields shared by ``Participant`` and ``ParticipantBasic``, less their callbacks."""

    id: str | None = optional("A globally unique identifier for this conversation.")
    start_time: datetime | None = optional("The timestamp when this participant joined the conversation.")
    end_time: datetime | None = optional(
        "The timestamp when this participant disconnected from the conversation."
    )
    connected_time: datetime | None = optional(
        "The timestamp when this participant was connected to the conversation."
    )
    name: str | None = optional("A human readable name identifying the participant.")
    user_uri: str | None = optional(
        "If this participant represents a user, then this will be an URI that can be used to fetch the user."
    )
    user_id: str | None = optional(
        "If this participant represents a user, then this will be the globally unique identifier for the user."
    )
    queue_id: str | None = optional("If present, the queue id that the communication channel came in on.")
    queue_name: str | None = optional("If present, the queue name that the communication channel came in on.")
    purpose: str | None = optional(
        "A well known string that specifies the purpose of this participant: customer, acd, agent, ..."
    )
    address: str | None = optional("The participant address.")
    wrapup_required: bool | None = optional(
        "True iff this participant is required to enter wrapup for this conversation."
    )
    wrapup_prompt: WrapupPrompt | None = optional(
        "This field controls how the UI prompts the agent for a wrapup."
    )
    wrapup: Wrapup | None = optional("Call wrap up or disposition data.")
    alerting_timeout_ms: int | None = optional(
        "Specifies how long the agent has to answer an interaction before being marked as not responding."
    )
    attributes: dict[str, str] | None = optional("Additional participant attributes")
    start_acw_time: datetime | None = optional("The timestamp when this participant started after-call work.")
    end_acw_time: datetime | None = optional("The timestamp when this participant ended after-call work.")
    conversation_routing_data: ConversationRoutingData | None = optional(
        "Information on how a communication should be routed to an agent."
    )


@frozen(kw_only=True)
class Call:
    """A voice call of a participant: the call an agent places as part of a callback conversation."""

    state: CallState | None = optional("The connection state of this communication.")
    id: str | None = optional("A globally unique identifier for this communication.")
    direction: Direction | None = optional("The direction of the call")
    held: bool | None = optional("True if this call is held and the person on this side hears silence.")
    segments: tuple[Segment, ...] | None = optional(
        "The time line of the participant's call, divided into activity segments."
    )
    disconnect_type: CallDisconnectType | None = optional(
        "System defined string indicating what caused the communication to disconnect. Will be null until the communication disconnects."
    )
    connected_time: datetime | None = optional(
        "The timestamp when this communication was connected in the cloud clock."
    )
    disconnected_time: datetime | None = optional(
        "The timestamp when this communication disconnected from the conversation in the provider clock."
    )
    provider: str | None = optional("The source provider for the call.")
    peer_id: str | None = optional(
        "The id of the peer communication corresponding to a matching leg for this communication."
    )


@frozen(kw_only=True)
class _OtherMedia(ParticipantFields):
    """The media lists a participant of either conversation model carries besides its calls and callbacks."""

    chats: tuple[ConversationChat, ...] | None = optional("The participant's chats.")
    cobrowsesessions: tuple[Cobrowsesession, ...] | None = optional("The participant's co-browse sessions.")
    emails: tuple[Email, ...] | None = optional("The participant's emails.")
    messages: tuple[Message, ...] | None = optional("The participant's messages.")
    internal_messages: tuple[InternalMessage, ...] | None = optional("The participant's internal messages.")
    screen_monitorings: tuple[ScreenMonitoring, ...] | None = optional(
        "The participant's screen monitoring sessions."
    )
    screenshares: tuple[Screenshare, ...] | None = optional("The participant's screen shares.")
    social_expressions: tuple[SocialExpression, ...] | None = optional(
        "The participant's social media expressions."
    )
    videos: tuple[Video, ...] | None = optional("The participant's videos.")


@frozen(kw_only=True)
class Participant(_OtherMedia):
    """A participant of a ``Conversation``."""

    calls: tuple[Call, ...] | None = optional("The participant's calls.")
    callbacks: tuple[Callback, ...] | None = optional("The participant's callbacks.")


@frozen(kw_only=True)
class ParticipantBasic(_OtherMedia):
    """A participant of a ``ConversationBasic``."""

    callbacks: tuple[CallbackBasic, ...] | None = optional("The participant's callbacks.")


def empty_media(model: type[Participant] | type[ParticipantBasic]) -> dict[str, Any]:
    """Each media list of ``model`` other than ``callbacks``, empty: ``{"calls": (), "chats": (), ...}``.

    A callback conversation's participants carry every other media list empty, as captured; the
    lists are ``model``'s fields holding ``Call`` or a ``contracts.media`` model.
    """
    lists = _EMPTY_MEDIA.get(model)
    if lists is None:
        lists = _EMPTY_MEDIA[model] = {
            field.name: ()
            for field in attrs.fields(attrs.resolve_types(model))
            if _held(field.type) is Call or getattr(_held(field.type), "__module__", None) == Video.__module__
        }
    return dict(lists)


_EMPTY_MEDIA: dict[type, dict[str, Any]] = {}


def _held(t: Any) -> Any:
    """``X`` of ``tuple[X, ...] | None``; None for any other type."""
    return getattr(unwrap_optional(t), "__args__", (None,))[0]


@frozen(kw_only=True)
class ConversationFields:
    """The fields shared by ``Conversation`` and ``ConversationBasic``, less their participants."""

    id: str | None = optional("The globally unique identifier for the object.")
    name: str | None = optional("The conversation's name.")
    external_tag: str | None = optional("The external tag associated with the conversation.")
    start_time: datetime | None = optional("The time when the conversation started.")
    end_time: datetime | None = optional("The time when the conversation ended.")
    divisions: tuple[ConversationDivisionMembership, ...] | None = optional(
        "Identifiers of divisions associated with this conversation."
    )
    self_uri: str | None = optional("The URI for this object")


@frozen(kw_only=True)
class Conversation(ConversationFields):
    """A conversation; its participants' callbacks are ``Callback``."""

    recording_state: RecordingState | None = optional("The current recording state of the conversation.")
    state: MediaParticipantState | None = optional(
        "The conversation's state. On update, 'disconnected' will disconnect the conversation. No other values are valid."
    )

    participants: tuple[Participant, ...] | None = optional(
        "The list of all participants in the conversation."
    )


@frozen(kw_only=True)
class ConversationBasic(ConversationFields):
    """A conversation in its basic form; its participants' callbacks are ``CallbackBasic``."""

    participants: tuple[ParticipantBasic, ...] | None = optional(
        "The list of all participants in the conversation."
    )


@frozen(kw_only=True)
class ListingFields:
    """The paging envelope shared by the entity listings, less their entities."""

    page_size: int | None = optional("The page size.")
    page_number: int | None = optional("The page number, from 1.")
    total: int | None = optional("The number of entities on all pages.")
    page_count: int | None = optional("The number of pages.")
    first_uri: str | None = optional("The relative URI of the first page.")
    self_uri: str | None = optional("The relative URI of this page.")
    last_uri: str | None = optional("The relative URI of the last page.")
    next_uri: str | None = optional("The relative URI of the next page; absent on the last page.")
    previous_uri: str | None = optional("The relative URI of the previous page; absent on the first page.")


@frozen(kw_only=True)
class ConversationEntityListing(ListingFields):
    """One page of conversations with the API's paging envelope."""

    entities: tuple[Conversation, ...] | None = optional("The conversations of this page.")


@frozen(kw_only=True)
class CampaignInteraction:
    """One interaction of an outbound campaign."""

    id: str | None = optional("The interaction id.")
    campaign: DomainEntityRef | None = optional("The campaign.")
    agent: DomainEntityRef | None = optional("The agent handling the interaction.")
    contact: DomainEntityRef | None = optional("The contact.")
    destination_address: str | None = optional("The address dialled.")
    creation_time: datetime | None = optional("When the interaction was created.")
    call_placed_time: datetime | None = optional("When the call was placed.")
    call_routed_time: datetime | None = optional("When the call was routed.")
    queue: DomainEntityRef | None = optional("The queue.")
    script: DomainEntityRef | None = optional("The script.")
    caller_name: str | None = optional("The caller name.")
    caller_address: str | None = optional("The caller address.")
    conversation: ConversationBasic | None = optional("The conversation of the interaction.")
    dialing_mode: str | None = optional("The dialing mode of the campaign.")


@frozen(kw_only=True)
class CampaignInteractions:
    """The interactions of an outbound campaign, by stage."""

    campaign: DomainEntityRef | None = optional("The campaign.")
    pending_interactions: tuple[CampaignInteraction, ...] | None = optional(
        "Interactions waiting to be placed."
    )
    proceeding_interactions: tuple[CampaignInteraction, ...] | None = optional("Interactions being placed.")
    previewing_interactions: tuple[CampaignInteraction, ...] | None = optional("Interactions in preview.")
    interacting_interactions: tuple[CampaignInteraction, ...] | None = optional("Interactions with an agent.")
    scheduled_interactions: tuple[CampaignInteraction, ...] | None = optional("Scheduled callbacks.")
