"""The event bodies of ``v2.users.{id}.conversations`` and ``v2.routing.queues.{id}.conversations``.

The SDK has one family of classes per topic, ``ConversationEventTopic*`` and
``QueueConversationEventTopic*``, identical but for the prefix (the parity tests check it class by
class); the contract declares the first and names the queue topic's body after its own class, so a
field is declared once. A participant carries ``callbacks[]`` and none of the other media lists, and
an event callback has no ``segments`` and no ``startAlertingTime`` (reference A7).
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from contracts._fields import optional
from contracts.enums import Direction, UploadStatus
from contracts.notification_enums import (
    EventAfterCallWorkState,
    EventCallbackState,
    EventDisconnectType,
    EventTransferState,
    EventTransferType,
    ScreenRecordingState,
)


@frozen(kw_only=True)
class ConversationEventTopicWrapup:
    """The wrap-up recorded for a communication."""

    code: str | None = optional("The user configured wrap up code name.")
    notes: str | None = optional("Text entered by the agent to describe the call or disposition.")
    tags: tuple[str, ...] | None = optional(
        "List of tags selected by the agent to describe the call or disposition."
    )
    duration_seconds: int | None = optional(
        "The length of time in seconds that the agent spent doing after call work.."
    )
    end_time: datetime | None = optional("The timestamp when the wrapup was finished.")


@frozen(kw_only=True)
class ConversationEventTopicUriReference:
    """A reference to an entity: its id and name, no URI."""

    id: str | None = optional("The ID of the resource.")
    name: str | None = optional("The name of the resource.")


@frozen(kw_only=True)
class ConversationEventTopicScoredAgent:
    """An agent with a score for routing to preferred agents."""

    agent: ConversationEventTopicUriReference | None = optional("A UriReference for a resource.")
    score: int | None = optional(
        "Agent's score for the current conversation, from 0 - 100, higher being better."
    )


@frozen(kw_only=True)
class ConversationEventTopicConversationRoutingData:
    """How a communication is routed to an agent."""

    queue: ConversationEventTopicUriReference | None = optional("The queue.")
    language: ConversationEventTopicUriReference | None = optional("A UriReference for a resource.")
    priority: int | None = optional("The priority of the conversation to use for routing decisions.")
    skills: tuple[ConversationEventTopicUriReference, ...] | None = optional(
        "The skills to use for routing decisions."
    )
    scored_agents: tuple[ConversationEventTopicScoredAgent, ...] | None = optional(
        "A collection of agents and their assigned scores for this conversation (0 - 100, higher being better), for use in routing to preferred agents."
    )
    skill_expression_id: str | None = optional(
        "The skill expression to use for routing decisions. If specified, it takes priority over skills."
    )


@frozen(kw_only=True)
class ConversationEventTopicPhoneNumberColumn:
    """A contact-list column that holds a phone number."""

    column_name: str | None = optional("The column name.")
    type: str | None = optional("The type.")


@frozen(kw_only=True)
class ConversationEventTopicDialerPreview:
    """The preview data of an outbound preview callback."""

    id: str | None = optional("The id.")
    contact_id: str | None = optional("The contact associated with this preview data pop.")
    contact_list_id: str | None = optional("The contactList associated with this preview data pop.")
    campaign_id: str | None = optional("The campaignId associated with this preview data pop.")
    phone_number_columns: tuple[ConversationEventTopicPhoneNumberColumn, ...] | None = optional(
        "The phone number columns associated with this campaign."
    )


@frozen(kw_only=True)
class ConversationEventTopicVoicemail:
    """The voicemail left on a callback."""

    id: str | None = optional("The voicemail id.")
    upload_status: UploadStatus | None = optional("current state of the voicemail upload.")


@frozen(kw_only=True)
class ConversationEventTopicAfterCallWork:
    """The after-call work of a communication."""

    state: EventAfterCallWorkState | None = optional("The communication's after-call work state.")
    start_time: datetime | None = optional(
        "The timestamp when this communication started after-call work in the cloud clock."
    )
    end_time: datetime | None = optional(
        "The timestamp when this communication ended after-call work in the cloud clock."
    )


@frozen(kw_only=True)
class ConversationEventTopicQueueMediaSettings:
    """The queue's media settings for a communication."""

    alerting_timeout_seconds: int | None = optional(
        "Specifies how long the agent has to answer an interaction before being marked as not responding."
    )
    auto_answer_alert_tone_seconds: float | None = optional(
        "Specifies the duration of the alerting sound to be played for auto answered interactions."
    )
    manual_answer_alert_tone_seconds: float | None = optional(
        "Specifies the duration of the alerting sound to be played for manually answered interactions."
    )
    enable_auto_answer: bool | None = optional(
        "Flag to indicate if auto answer is enabled for the given media type or media subtype."
    )


@frozen(kw_only=True)
class ConversationEventTopicCallback:
    """One callback of a participant (no segments: events never carry them)."""

    state: EventCallbackState | None = optional("The state.")
    initial_state: EventCallbackState | None = optional("The initial state.")
    id: str | None = optional("A globally unique identifier for this communication.")
    direction: Direction | None = optional("The direction of the call.")
    held: bool | None = optional("True if this call is held and the person on this side hears silence.")
    disconnect_type: EventDisconnectType | None = optional(
        "System defined string indicating what caused the communication to disconnect. Will be null until the communication disconnects."
    )
    start_hold_time: datetime | None = optional(
        "The timestamp the callback was placed on hold in the cloud clock if the callback is currently on hold."
    )
    dialer_preview: ConversationEventTopicDialerPreview | None = optional("The dialer preview.")
    voicemail: ConversationEventTopicVoicemail | None = optional("The voicemail.")
    callback_numbers: tuple[str, ...] | None = optional("The phone number(s) to use to place the callback.")
    callback_user_name: str | None = optional("The name of the user requesting a callback.")
    script_id: str | None = optional("The UUID of the script to use.")
    peer_id: str | None = optional(
        "The id of the peer communication corresponding to a matching leg for this communication."
    )
    external_campaign: bool | None = optional("True if the call for the callback uses external dialing.")
    skip_enabled: bool | None = optional("True if the ability to skip a callback should be enabled.")
    provider: str | None = optional("The source provider of the callback.")
    timeout_seconds: int | None = optional(
        "The number of seconds before the system automatically places a call for a callback.  0 means the automatic placement is disabled."
    )
    connected_time: datetime | None = optional(
        "The timestamp when this communication was connected in the cloud clock."
    )
    disconnected_time: datetime | None = optional(
        "The timestamp when this communication disconnected from the conversation in the provider clock."
    )
    callback_scheduled_time: datetime | None = optional(
        "The timestamp when this communication is scheduled in the provider clock. If this value is missing it indicates the callback will be placed immediately."
    )
    automated_callback_config_id: str | None = optional(
        "The id of the config for automatically placing the callback (and handling the disposition). If null, the callback will not be placed automatically but routed to an agent as per normal."
    )
    wrapup: ConversationEventTopicWrapup | None = optional("Call wrap up or disposition data.")
    after_call_work: ConversationEventTopicAfterCallWork | None = optional(
        "A communication's after-call work data."
    )
    after_call_work_required: bool | None = optional(
        "Indicates if after-call is required for a communication. Only used when the ACW Setting is Agent Requested."
    )
    caller_id: str | None = optional(
        "The phone number displayed to recipients of the phone call. The value should conform to the E164 format."
    )
    caller_id_name: str | None = optional("The name displayed to recipients of the phone call.")
    queue_media_settings: ConversationEventTopicQueueMediaSettings | None = optional(
        "Represents the queue setting for this media."
    )


@frozen(kw_only=True)
class ConversationEventTopicParticipant:
    """A participant, with its callbacks (the other media lists are not modelled)."""

    id: str | None = optional("A globally unique identifier for this conversation.")
    connected_time: datetime | None = optional(
        "The timestamp when this participant was connected to the conversation in the provider clock."
    )
    end_time: datetime | None = optional(
        "The timestamp when this participant disconnected from the conversation in the provider clock."
    )
    user_id: str | None = optional(
        "If this participant represents a user, then this will be the globally unique identifier for the user."
    )
    external_contact_id: str | None = optional(
        "If this participant represents an external contact, then this will be the globally unique identifier for the external contact."
    )
    external_contact_initial_division_id: str | None = optional(
        "If this participant represents an external contact, then this will be the initial division for the external contact. This value will not be updated if the external contact is reassigned."
    )
    external_organization_id: str | None = optional(
        "If this participant represents an external org, then this will be the globally unique identifier for the external org."
    )
    name: str | None = optional("A human readable name identifying the participant.")
    queue_id: str | None = optional("If present, the queue id that the communication channel came in on.")
    group_id: str | None = optional("If present, the group id that the participant represents.")
    team_id: str | None = optional(
        "The team id that this participant is a member of when added to the conversation."
    )
    purpose: str | None = optional(
        "A well known string that specifies the purpose or type of this participant."
    )
    consult_participant_id: str | None = optional(
        "If this participant is part of a consult transfer, then this will be the participant id of the participant being transferred."
    )
    address: str | None = optional(
        "The address for the this participant. For a phone call this will be the ANI."
    )
    wrapup_required: bool | None = optional(
        "True iff this participant is required to enter wrapup for this conversation."
    )
    wrapup_expected: bool | None = optional(
        "True when a participant is expected to enter a wrapup code once the call connects."
    )
    wrapup_prompt: str | None = optional("This field controls how the UI prompts the agent for a wrapup.")
    wrapup_timeout_ms: int | None = optional("Specifies how long a timed ACW session will last.")
    wrapup: ConversationEventTopicWrapup | None = optional("The wrapup.")
    start_acw_time: datetime | None = optional("The timestamp when this participant started after-call work.")
    end_acw_time: datetime | None = optional("The timestamp when this participant ended after-call work.")
    conversation_routing_data: ConversationEventTopicConversationRoutingData | None = optional(
        "The conversation routing data."
    )
    alerting_timeout_ms: int | None = optional(
        "Specifies how long the agent has to answer an interaction before being marked as not responding."
    )
    monitored_participant_id: str | None = optional(
        "If this participant is a monitor, then this will be the id of the participant that is being monitored."
    )
    screen_monitored_participant_id: str | None = optional(
        "If this participant is a screen monitor, then this will be the id of the participant that is being screen monitored."
    )
    coached_participant_id: str | None = optional(
        "If this participant is a coach, then this will be the id of the participant that is being coached."
    )
    barged_participant_id: str | None = optional(
        "If this participant created a barge in conference, then this will be the id of the participant that is barged in."
    )
    media_roles: tuple[str, ...] | None = optional(
        "List of roles this participant's media has had on the conversation, ie monitor, coach, etc."
    )
    screen_recording_state: ScreenRecordingState | None = optional(
        "The current screen recording state for this participant."
    )
    flagged_reason: str | None = optional(
        "If this participant has flagged the conversation, the reason code given."
    )
    attributes: dict[str, str] | None = optional("Additional participant attributes.")
    callbacks: tuple[ConversationEventTopicCallback, ...] | None = optional("The callbacks.")


@frozen(kw_only=True)
class ConversationEventTopicTransferInitiator:
    """Who started a transfer."""

    user_id: str | None = optional(
        "The id of the user who initiated the command if it was initiated by a user."
    )


@frozen(kw_only=True)
class ConversationEventTopicTransferModifedBy:
    """Who last changed a transfer (the SDK's spelling)."""

    id: str | None = optional("The id of the user if the updater is an internal user.")
    self_uri: str | None = optional("The URI for the user if the updater is an internal user.")


@frozen(kw_only=True)
class ConversationEventTopicTransferDestination:
    """Where a transfer goes."""

    user_id: str | None = optional("The id of the user if the command destination is a user.")
    address: str | None = optional("The destination address if the command destination is an endpoint.")


@frozen(kw_only=True)
class ConversationEventTopicTransferResponse:
    """A transfer command on the conversation."""

    id: str | None = optional("The id of the command.")
    state: EventTransferState | None = optional("The state.")
    date_issued: datetime | None = optional("The date/time that this command was issued.")
    initiator: ConversationEventTopicTransferInitiator | None = optional("The initiator.")
    modified_by: ConversationEventTopicTransferModifedBy | None = optional("The modified by.")
    destination: ConversationEventTopicTransferDestination | None = optional("The destination.")
    transfer_type: EventTransferType | None = optional("The type of transfer to perform.")


@frozen(kw_only=True)
class ConversationEventTopicDomainEntityRef:
    """A reference to another entity, with its id and name."""

    id: str | None = optional("The id.")
    self_uri: str | None = optional("The self uri.")


@frozen(kw_only=True)
class ConversationEventTopicDivisionEntityRef:
    """An entity of the conversation, in a division."""

    id: str | None = optional("The id.")
    self_uri: str | None = optional("The self uri.")
    date_division_updated: datetime | None = optional("The time the entity division was last updated.")


@frozen(kw_only=True)
class ConversationEventTopicConversationDivisionMembership:
    """A division of the conversation and its entities in it."""

    division: ConversationEventTopicDomainEntityRef | None = optional("A reference to another domain entity.")
    entities: tuple[ConversationEventTopicDivisionEntityRef, ...] | None = optional("The entities.")


@frozen(kw_only=True)
class ConversationEventTopicConversation:
    """The event body of ``v2.users.{id}.conversations``."""

    id: str | None = optional("The id.")
    max_participants: int | None = optional("The max participants.")
    participants: tuple[ConversationEventTopicParticipant, ...] | None = optional("The participants.")
    recent_transfers: tuple[ConversationEventTopicTransferResponse, ...] | None = optional(
        "The recent transfers."
    )
    recording_state: str | None = optional("The recording state.")
    address: str | None = optional("The address.")
    external_tag: str | None = optional("The external tag.")
    utilization_label_id: str | None = optional("The utilization label id.")
    access_attributes: tuple[str, ...] | None = optional("The access attributes.")
    secure_pause: bool | None = optional("The secure pause.")
    inactivity_timeout: datetime | None = optional("The inactivity timeout.")
    associated_conversation: ConversationEventTopicDomainEntityRef | None = optional(
        "The associated conversation."
    )
    consultation_conversations: tuple[ConversationEventTopicDomainEntityRef, ...] | None = optional(
        "The consultation conversations."
    )
    divisions: tuple[ConversationEventTopicConversationDivisionMembership, ...] | None = optional(
        "The divisions."
    )


@frozen(kw_only=True)
class QueueConversationEventTopicConversation(ConversationEventTopicConversation):
    """The event body of ``v2.routing.queues.{id}.conversations``: the user topic's, field for field."""
