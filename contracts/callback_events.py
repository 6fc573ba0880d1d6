"""The event bodies of the ``.conversations.callbacks`` topics, users' and queues' alike.

A callback-only, flattened conversation: each participant carries its callback's fields itself, as
REST ``CallbackMediaParticipant`` does, but with the events' value sets (``scheduled``, the ``dnd``
spellings) and entity references without URIs. The queue topic's classes (``QueueConversation...``)
equal these but for the prefix; the queue topic's body is named after its own class.
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from contracts._fields import optional
from contracts.enums import Direction, FlaggedReason, UploadStatus
from contracts.notification_enums import EventMediaParticipantDisconnectType, EventMediaParticipantState


@frozen(kw_only=True)
class ConversationCallbackEventTopicUriReference:
    """A reference to an entity: its id and name, no URI."""

    id: str | None = optional("The ID of the resource.")
    name: str | None = optional("The name of the resource.")


@frozen(kw_only=True)
class ConversationCallbackEventTopicDetail:
    """One detail of an error."""

    error_code: str | None = optional("The error code.")
    field_name: str | None = optional("The field name.")
    entity_id: str | None = optional("The entity id.")
    entity_name: str | None = optional("The entity name.")


@frozen(kw_only=True)
class ConversationCallbackEventTopicErrorBody:
    """Why a participant's communication ended in error (the ``limit`` is not modelled)."""

    message: str | None = optional("The message.")
    code: str | None = optional("The code.")
    status: int | None = optional("The status.")
    entity_id: str | None = optional("The entity id.")
    entity_name: str | None = optional("The entity name.")
    message_with_params: str | None = optional("The message with params.")
    message_params: dict[str, str] | None = optional("The message params.")
    context_id: str | None = optional("The context id.")
    details: tuple[ConversationCallbackEventTopicDetail, ...] | None = optional("The details.")
    errors: tuple[ConversationCallbackEventTopicErrorBody, ...] | None = optional("The errors.")


@frozen(kw_only=True)
class ConversationCallbackEventTopicWrapup:
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
class ConversationCallbackEventTopicScoredAgent:
    """An agent with a score for routing to preferred agents."""

    agent: ConversationCallbackEventTopicUriReference | None = optional("A UriReference for a resource.")
    score: int | None = optional(
        "Agent's score for the current conversation, from 0 - 100, higher being better."
    )


@frozen(kw_only=True)
class ConversationCallbackEventTopicConversationRoutingData:
    """How a communication is routed to an agent."""

    queue: ConversationCallbackEventTopicUriReference | None = optional("A UriReference for a resource.")
    language: ConversationCallbackEventTopicUriReference | None = optional("A UriReference for a resource.")
    priority: int | None = optional("The priority of the conversation to use for routing decisions.")
    skills: tuple[ConversationCallbackEventTopicUriReference, ...] | None = optional(
        "The skills to use for routing decisions."
    )
    scored_agents: tuple[ConversationCallbackEventTopicScoredAgent, ...] | None = optional(
        "A collection of agents and their assigned scores for this conversation (0 - 100, higher being better), for use in routing to preferred agents."
    )
    skill_expression_id: str | None = optional(
        "The skill expression to use for routing decisions. If specified, it takes priority over skills."
    )


@frozen(kw_only=True)
class ConversationCallbackEventTopicJourneyCustomer:
    """The Journey System's customer, at a point in time."""

    id: str | None = optional(
        "An ID of a customer within the Journey System at a point-in-time.  Note that a customer entity can have multiple customerIds based on the stitching process.  Depending on the context within the PureCloud conversation, this may or may not be mutable."
    )
    id_type: str | None = optional("The type of the customerId within the Journey System (e.g. cookie).")


@frozen(kw_only=True)
class ConversationCallbackEventTopicJourneyCustomerSession:
    """The Journey System's tracked customer session, at a point in time."""

    id: str | None = optional(
        "An ID of a Customer/User's session within the Journey System at a point-in-time."
    )
    type: str | None = optional(
        "The type of the Customer/User's session within the Journey System (e.g. web, app)."
    )


@frozen(kw_only=True)
class ConversationCallbackEventTopicJourneyActionMap:
    """The Journey System action map that triggered an action."""

    id: str | None = optional("The ID of the actionMap in the Journey System which triggered this action.")
    version: int | None = optional(
        "The version number of the actionMap in the Journey System at the time this action was triggered."
    )


@frozen(kw_only=True)
class ConversationCallbackEventTopicJourneyAction:
    """The Journey System action relevant to a part of a conversation."""

    id: str | None = optional(
        "The ID of an action from the Journey System (an action is spawned from an actionMap)."
    )
    action_map: ConversationCallbackEventTopicJourneyActionMap | None = optional("The action map.")


@frozen(kw_only=True)
class ConversationCallbackEventTopicJourneyContext:
    """Journey System data applicable to a communication."""

    customer: ConversationCallbackEventTopicJourneyCustomer | None = optional("The customer.")
    customer_session: ConversationCallbackEventTopicJourneyCustomerSession | None = optional(
        "The customer session."
    )
    triggering_action: ConversationCallbackEventTopicJourneyAction | None = optional("The triggering action.")


@frozen(kw_only=True)
class ConversationCallbackEventTopicQueueMediaSettings:
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
class ConversationCallbackEventTopicPhoneNumberColumn:
    """A contact-list column that holds a phone number."""

    column_name: str | None = optional("The column name.")
    type: str | None = optional("The type.")


@frozen(kw_only=True)
class ConversationCallbackEventTopicDialerPreview:
    """The preview data of an outbound preview callback."""

    id: str | None = optional("The id.")
    contact_id: str | None = optional("The contact associated with this preview data pop.")
    contact_list_id: str | None = optional("The contactList associated with this preview data pop.")
    campaign_id: str | None = optional("The campaignId associated with this preview data pop.")
    phone_number_columns: tuple[ConversationCallbackEventTopicPhoneNumberColumn, ...] | None = optional(
        "The phone number columns associated with this campaign."
    )


@frozen(kw_only=True)
class ConversationCallbackEventTopicVoicemail:
    """The voicemail left on a callback."""

    id: str | None = optional("The voicemail id.")
    upload_status: UploadStatus | None = optional("current state of the voicemail upload.")


@frozen(kw_only=True)
class ConversationCallbackEventTopicCallbackMediaParticipant:
    """A participant with its callback's fields on itself."""

    id: str | None = optional("The id.")
    name: str | None = optional("The name.")
    address: str | None = optional("The address.")
    start_time: datetime | None = optional("The start time.")
    connected_time: datetime | None = optional("The connected time.")
    end_time: datetime | None = optional("The end time.")
    start_hold_time: datetime | None = optional("The start hold time.")
    purpose: str | None = optional("The purpose.")
    state: EventMediaParticipantState | None = optional("The state.")
    initial_state: EventMediaParticipantState | None = optional("The initial state.")
    direction: Direction | None = optional("The direction.")
    disconnect_type: EventMediaParticipantDisconnectType | None = optional("The disconnect type.")
    held: bool | None = optional("The held.")
    wrapup_required: bool | None = optional("The wrapup required.")
    wrapup_prompt: str | None = optional("The wrapup prompt.")
    user: ConversationCallbackEventTopicUriReference | None = optional("The user.")
    queue: ConversationCallbackEventTopicUriReference | None = optional("The queue.")
    team: ConversationCallbackEventTopicUriReference | None = optional("The team.")
    attributes: dict[str, str] | None = optional("The attributes.")
    error_info: ConversationCallbackEventTopicErrorBody | None = optional("The error info.")
    script: ConversationCallbackEventTopicUriReference | None = optional("The script.")
    wrapup_timeout_ms: int | None = optional("The wrapup timeout ms.")
    wrapup_skipped: bool | None = optional("The wrapup skipped.")
    alerting_timeout_ms: int | None = optional("The alerting timeout ms.")
    provider: str | None = optional("The provider.")
    external_contact: ConversationCallbackEventTopicUriReference | None = optional("The external contact.")
    external_contact_initial_division_id: str | None = optional("The external contact initial division id.")
    external_organization: ConversationCallbackEventTopicUriReference | None = optional(
        "The external organization."
    )
    wrapup: ConversationCallbackEventTopicWrapup | None = optional("The wrapup.")
    conversation_routing_data: ConversationCallbackEventTopicConversationRoutingData | None = optional(
        "The conversation routing data."
    )
    peer: str | None = optional("The peer.")
    screen_recording_state: str | None = optional("The screen recording state.")
    flagged_reason: FlaggedReason | None = optional("The flagged reason.")
    journey_context: ConversationCallbackEventTopicJourneyContext | None = optional("The journey context.")
    start_acw_time: datetime | None = optional("The start acw time.")
    end_acw_time: datetime | None = optional("The end acw time.")
    resume_time: datetime | None = optional("The resume time.")
    park_time: datetime | None = optional("The park time.")
    media_roles: tuple[str, ...] | None = optional("The media roles.")
    queue_media_settings: ConversationCallbackEventTopicQueueMediaSettings | None = optional(
        "The queue media settings."
    )
    outbound_preview: ConversationCallbackEventTopicDialerPreview | None = optional("The outbound preview.")
    voicemail: ConversationCallbackEventTopicVoicemail | None = optional("The voicemail.")
    callback_numbers: tuple[str, ...] | None = optional("The callback numbers.")
    callback_user_name: str | None = optional("The callback user name.")
    skip_enabled: bool | None = optional("The skip enabled.")
    external_campaign: bool | None = optional("The external campaign.")
    timeout_seconds: int | None = optional("The timeout seconds.")
    callback_scheduled_time: datetime | None = optional("The callback scheduled time.")
    automated_callback_config_id: str | None = optional("The automated callback config id.")


@frozen(kw_only=True)
class ConversationCallbackEventTopicDomainEntityRef:
    """A reference to another entity, with its id and name."""

    id: str | None = optional("The id.")
    self_uri: str | None = optional("The self uri.")


@frozen(kw_only=True)
class ConversationCallbackEventTopicDivisionEntityRef:
    """An entity of the conversation, in a division."""

    id: str | None = optional("The id.")
    self_uri: str | None = optional("The self uri.")
    date_division_updated: datetime | None = optional("The time the entity division was last updated.")


@frozen(kw_only=True)
class ConversationCallbackEventTopicConversationDivisionMembership:
    """A division of the conversation and its entities in it."""

    division: ConversationCallbackEventTopicDomainEntityRef | None = optional("The division.")
    entities: tuple[ConversationCallbackEventTopicDivisionEntityRef, ...] | None = optional("The entities.")


@frozen(kw_only=True)
class ConversationCallbackEventTopicCallbackConversation:
    """The event body of ``v2.users.{id}.conversations.callbacks``."""

    id: str | None = optional("The id.")
    name: str | None = optional("The name.")
    participants: tuple[ConversationCallbackEventTopicCallbackMediaParticipant, ...] | None = optional(
        "The participants."
    )
    other_media_uris: tuple[str, ...] | None = optional("The other media uris.")
    address: str | None = optional("The address.")
    utilization_label_id: str | None = optional("The utilization label id.")
    access_attributes: tuple[str, ...] | None = optional("The access attributes.")
    inactivity_timeout: datetime | None = optional("The inactivity timeout.")
    divisions: tuple[ConversationCallbackEventTopicConversationDivisionMembership, ...] | None = optional(
        "The divisions."
    )


@frozen(kw_only=True)
class QueueConversationCallbackEventTopicCallbackConversation(
    ConversationCallbackEventTopicCallbackConversation
):
    """The event body of ``v2.routing.queues.{id}.conversations.callbacks``: the user topic's, field for field."""
