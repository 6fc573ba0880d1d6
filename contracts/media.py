"""The media lists of a participant other than its callbacks: chats, emails, messages, videos, ...

A callback conversation's participants carry each list empty (``"chats": []``), as the captured
conversation does; each model is declared in full, as the official SDK models it, so a conversation
that does carry one (or a client that iterates them) reads as it would against Genesys. Also the
Journey System context shared by chats, messages and callback participants.
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from contracts._fields import optional, required
from contracts.commands import ErrorBody
from contracts.entities import AddressableEntityRef
from contracts.enums import CallbackState, Direction, DisconnectType
from contracts.media_enums import (
    ChatDisconnectType,
    CobrowseDisconnectType,
    EmailState,
    EngagementSource,
    InternalMessageDisconnectType,
    InternalMessageState,
    MediaState,
    MessageContentSubType,
    MessageContentType,
    MessageDisconnectType,
    MessageEventSubType,
    MessageEventType,
    MessageMetadataType,
    MessageState,
    MessageStatus,
    MessageType,
    MonitoringType,
    ScreenMonitoringDisconnectType,
    ScreenMonitoringState,
    SocialVisibility,
)
from contracts.models import AfterCallWork, ConversationQueueMediaSettings, Segment, Wrapup


@frozen(kw_only=True)
class JourneyCustomer:
    """The Journey System's customer, at a point in time."""

    id: str = required("An ID of a customer within the Journey System at a point-in-time.")
    id_type: str = required("The type of the customerId within the Journey System (e.g. cookie).")


@frozen(kw_only=True)
class JourneyCustomerSession:
    """The Journey System's tracked customer session, at a point in time."""

    id: str = required("An ID of a Customer/User's session within the Journey System at a point-in-time")
    type: str = required("The type of the Customer/User's session within the Journey System (e.g. web, app)")


@frozen(kw_only=True)
class JourneyActionMap:
    """The Journey System action map that triggered an action."""

    id: str = required("The ID of the actionMap in the Journey System which triggered this action")
    version: int = required(
        "The version number of the actionMap in the Journey System at the time this action was triggered"
    )


@frozen(kw_only=True)
class JourneyAction:
    """The Journey System action relevant to a part of a conversation."""

    id: str = required("The ID of an action from the Journey System (an action is spawned from an actionMap)")
    action_map: JourneyActionMap = required(
        "Details about the action map from the Journey System which triggered this action"
    )


@frozen(kw_only=True)
class JourneyContext:
    """Journey System data applicable to a communication."""

    customer: JourneyCustomer = required(
        "A subset of the Journey System's customer data at a point-in-time (for external linkage "
        "and internal usage/context)"
    )
    customer_session: JourneyCustomerSession | None = optional(
        "A subset of the Journey System's tracked customer session data at a point-in-time (for "
        "external linkage and internal usage/context)"
    )
    triggering_action: JourneyAction | None = optional(
        "A subset of the Journey System's action data relevant to a part of a conversation (for "
        "external linkage and internal usage/context)"
    )


@frozen(kw_only=True)
class Address:
    """An address of a communication's party: its name and number or URI."""

    name: str | None = optional(
        "This will be nameRaw if present, or a locality lookup of the address field otherwise."
    )
    name_raw: str | None = optional("The name as close to the bits on the wire as possible.")
    address_normalized: str | None = optional(
        "The normalized address. This field is acquired from the Address Normalization Table.  The addressRaw could have gone through some transformations, such as only using the numeric portion, before being run through the Address Normalization Table."
    )
    address_raw: str | None = optional("The address as close to the bits on the wire as possible.")
    address_displayable: str | None = optional(
        "The displayable address. This field is acquired from the Address Normalization Table.  The addressRaw could have gone through some transformations, such as only using the numeric portion, before being run through the Address Normalization Table."
    )


@frozen(kw_only=True)
class Attachment:
    """A file attached to an email or a message."""

    attachment_id: str | None = optional("The unique identifier for the attachment.")
    name: str | None = optional("The name of the attachment.")
    content_uri: str | None = optional(
        "The content uri of the attachment. If set, this is commonly a public api download location."
    )
    content_type: str | None = optional("The type of file the attachment is.")
    content_length: int | None = optional("The length of the attachment file.")
    inline_image: bool | None = optional("Whether or not the attachment was attached inline.,")


@frozen(kw_only=True)
class MessageMedia:
    """A media item of a message."""

    url: str | None = optional("The location of the media, useful for retrieving it")
    media_type: str | None = optional(
        "The optional internet media type of the the media object.  If null then the media type should be dictated by the url"
    )
    content_length_bytes: int | None = optional(
        "The optional content length of the the media object, in bytes."
    )
    name: str | None = optional("The optional name of the the media object.")
    id: str | None = optional("The optional id of the the media object.")


@frozen(kw_only=True)
class MessageSticker:
    """A sticker sent in a message."""

    url: str | None = optional("The location of the sticker, useful for retrieving it")
    id: str | None = optional("The unique id of the the sticker object.")


@frozen(kw_only=True)
class ConversationMessageMetadataContent:
    """What one content item of a message holds."""

    content_type: MessageContentType | None = optional("Type of this content element.")
    sub_type: MessageContentSubType | None = optional("Content subtype")


@frozen(kw_only=True)
class ConversationMessageMetadataEvent:
    """What one event of a message is."""

    event_type: MessageEventType | None = optional("Type of this event element")
    sub_type: MessageEventSubType | None = optional("Event subtype")


@frozen(kw_only=True)
class ConversationMessageMetadata:
    """The type, contents and events of a message."""

    type: MessageMetadataType | None = optional("Message type.")
    events: tuple[ConversationMessageMetadataEvent, ...] | None = optional("List of events metadata")
    content: tuple[ConversationMessageMetadataContent, ...] | None = optional("List of message content")


@frozen(kw_only=True)
class MessageDetails:
    """One message of a messaging communication."""

    message_id: str | None = optional("UUID identifying the message media.")
    message_u_r_i: str | None = optional("A URI for this message entity.")
    message_status: MessageStatus | None = optional("Indicates the delivery status of the message.")
    message_segment_count: int | None = optional(
        "The message segment count, greater than 1 if the message content was split into multiple parts for this message type, e.g. SMS character limits."
    )
    message_time: datetime | None = optional(
        "The time when the message was sent or received. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    media: tuple[MessageMedia, ...] | None = optional(
        "Deprecated: Use the API /api/v2/conversations/messages/{conversationId}/messages/{messageId} to get the associated media."
    )
    stickers: tuple[MessageSticker, ...] | None = optional(
        "Deprecated: This attribute is no longer used. Messages have not included associated stickers for a long time."
    )
    message_metadata: ConversationMessageMetadata | None = optional(
        "Information that describes the content of the message, if any"
    )
    social_visibility: SocialVisibility | None = optional(
        "For social media messages, the visibility of the message in the originating social platform"
    )
    error_info: ErrorBody | None = optional("Provider specific error information for a communication.")


@frozen(kw_only=True)
class InternalMessageDetails:
    """One message of an internal messaging communication."""

    message_id: str | None = optional("UUID identifying the internal message media.")
    message_time: datetime | None = optional(
        "The time when the message was sent or received. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )


@frozen(kw_only=True)
class ConversationChat:
    """A chat communication of a participant."""

    state: MediaState | None = optional("The connection state of this communication.")
    initial_state: MediaState | None = optional("The initial connection state of this communication.")
    id: str | None = optional("A globally unique identifier for this communication.")
    room_id: str | None = optional("The room id for the chat.")
    recording_id: str | None = optional(
        "A globally unique identifier for the recording associated with this chat."
    )
    segments: tuple[Segment, ...] | None = optional(
        "The time line of the participant's chat, divided into activity segments."
    )
    held: bool | None = optional("True if this call is held and the person on this side hears silence.")
    direction: Direction | None = optional("The direction of the chat")
    disconnect_type: ChatDisconnectType | None = optional(
        "System defined string indicating what caused the communication to disconnect. Will be null until the communication disconnects."
    )
    start_hold_time: datetime | None = optional(
        "The timestamp the chat was placed on hold in the cloud clock if the chat is currently on hold. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    start_alerting_time: datetime | None = optional(
        "The timestamp the communication has when it is first put into an alerting state. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    connected_time: datetime | None = optional(
        "The timestamp when this communication was connected in the cloud clock. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    disconnected_time: datetime | None = optional(
        "The timestamp when this communication disconnected from the conversation in the provider clock. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    provider: str | None = optional("The source provider for the email.")
    script_id: str | None = optional("The UUID of the script to use.")
    peer_id: str | None = optional(
        "The id of the peer communication corresponding to a matching leg for this communication."
    )
    avatar_image_url: str | None = optional(
        "If available, the URI to the avatar image of this communication."
    )
    journey_context: JourneyContext | None = optional(
        "A subset of the Journey System's data relevant to a part of a conversation (for external linkage and internal usage/context)."
    )
    wrapup: Wrapup | None = optional("Call wrap up or disposition data.")
    after_call_work: AfterCallWork | None = optional("After-call work for the communication.")
    after_call_work_required: bool | None = optional(
        "Indicates if after-call work is required for a communication. Only used when the ACW Setting is Agent Requested."
    )
    queue_media_settings: ConversationQueueMediaSettings | None = optional(
        "Represents the queue settings for this media type."
    )


@frozen(kw_only=True)
class Cobrowsesession:
    """A co-browse session of a participant."""

    state: CallbackState | None = optional("The connection state of this communication.")
    initial_state: CallbackState | None = optional("The initial connection state of this communication.")
    id: str | None = optional("A globally unique identifier for this communication.")
    disconnect_type: CobrowseDisconnectType | None = optional(
        "System defined string indicating what caused the communication to disconnect. Will be null until the communication disconnects."
    )
    self_: Address | None = optional("Address and name data for a call endpoint.")
    cobrowse_session_id: str | None = optional("The co-browse session ID.")
    cobrowse_role: str | None = optional(
        "This value identifies the role of the co-browse client within the co-browse session (a client is a sharer or a viewer)."
    )
    controlling: tuple[str, ...] | None = optional(
        "ID of co-browse participants for which this client has been granted control (list is empty if this client cannot control any shared pages)."
    )
    viewer_url: str | None = optional("The URL that can be used to open co-browse session in web browser.")
    provider_event_time: datetime | None = optional(
        "The time when the provider event which triggered this conversation update happened in the corrected provider clock (milliseconds since 1970-01-01 00:00:00 UTC). Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    start_alerting_time: datetime | None = optional(
        "The timestamp the communication has when it is first put into an alerting state. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    connected_time: datetime | None = optional(
        "The timestamp when this communication was connected in the cloud clock. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    disconnected_time: datetime | None = optional(
        "The timestamp when this communication disconnected from the conversation in the provider clock. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    provider: str | None = optional("The source provider for the co-browse session.")
    peer_id: str | None = optional(
        "The id of the peer communication corresponding to a matching leg for this communication."
    )
    segments: tuple[Segment, ...] | None = optional(
        "The time line of the participant's call, divided into activity segments."
    )
    wrapup: Wrapup | None = optional("Call wrap up or disposition data.")
    after_call_work: AfterCallWork | None = optional("After-call work for the communication.")
    after_call_work_required: bool | None = optional(
        "Indicates if after-call work is required for a communication. Only used when the ACW Setting is Agent Requested."
    )


@frozen(kw_only=True)
class Email:
    """An email communication of a participant."""

    state: EmailState | None = optional("The connection state of this communication.")
    initial_state: EmailState | None = optional("The initial connection state of this communication.")
    id: str | None = optional("A globally unique identifier for this communication.")
    held: bool | None = optional("True if this call is held and the person on this side hears silence.")
    subject: str | None = optional("The subject for the initial email that started this conversation.")
    messages_sent: int | None = optional("The number of email messages sent by this participant.")
    segments: tuple[Segment, ...] | None = optional(
        "The time line of the participant's email, divided into activity segments."
    )
    direction: Direction | None = optional("The direction of the email")
    recording_id: str | None = optional(
        "A globally unique identifier for the recording associated with this call."
    )
    error_info: ErrorBody | None = optional("The error_info of this Email.")
    disconnect_type: DisconnectType | None = optional(
        "System defined string indicating what caused the communication to disconnect. Will be null until the communication disconnects."
    )
    start_hold_time: datetime | None = optional(
        "The timestamp the email was placed on hold in the cloud clock if the email is currently on hold. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    start_alerting_time: datetime | None = optional(
        "The timestamp the communication has when it is first put into an alerting state. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    connected_time: datetime | None = optional(
        "The timestamp when this communication was connected in the cloud clock. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    disconnected_time: datetime | None = optional(
        "The timestamp when this communication disconnected from the conversation in the provider clock. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    auto_generated: bool | None = optional(
        "Indicates that the email was auto-generated like an Out of Office reply."
    )
    provider: str | None = optional("The source provider for the email.")
    script_id: str | None = optional("The UUID of the script to use.")
    peer_id: str | None = optional(
        "The id of the peer communication corresponding to a matching leg for this communication."
    )
    message_id: str | None = optional(
        "A globally unique identifier for the stored content of this communication."
    )
    draft_attachments: tuple[Attachment, ...] | None = optional(
        "A list of uploaded attachments on the email draft."
    )
    spam: bool | None = optional("Indicates if the inbound email was marked as spam.")
    wrapup: Wrapup | None = optional("Call wrap up or disposition data.")
    after_call_work: AfterCallWork | None = optional("After-call work for the communication.")
    after_call_work_required: bool | None = optional(
        "Indicates if after-call work is required for a communication. Only used when the ACW Setting is Agent Requested."
    )
    queue_media_settings: ConversationQueueMediaSettings | None = optional(
        "Represents the queue settings for this media type."
    )
    park_time: datetime | None = optional(
        "Represents the time when an email was put into parked state. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )


@frozen(kw_only=True)
class Message:
    """A messaging communication of a participant (SMS, web messaging, social channels)."""

    state: MessageState | None = optional("The connection state of this communication.")
    initial_state: MessageState | None = optional("The initial connection state of this communication.")
    id: str | None = optional("A globally unique identifier for this communication.")
    held: bool | None = optional("True if this call is held and the person on this side hears silence.")
    segments: tuple[Segment, ...] | None = optional(
        "The time line of the participant's message, divided into activity segments."
    )
    direction: Direction | None = optional("The direction of the message.")
    recording_id: str | None = optional(
        "A globally unique identifier for the recording associated with this message."
    )
    error_info: ErrorBody | None = optional("The error_info of this Message.")
    disconnect_type: MessageDisconnectType | None = optional(
        "System defined string indicating what caused the communication to disconnect. Will be null until the communication disconnects."
    )
    start_hold_time: datetime | None = optional(
        "The timestamp the message was placed on hold in the cloud clock if the message is currently on hold. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    start_alerting_time: datetime | None = optional(
        "The timestamp the communication has when it is first put into an alerting state. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    connected_time: datetime | None = optional(
        "The timestamp when this communication was connected in the cloud clock. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    disconnected_time: datetime | None = optional(
        "The timestamp when this communication disconnected from the conversation in the provider clock. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    provider: str | None = optional("The source provider for the message.")
    authenticated: bool | None = optional("If true, the participant member is authenticated.")
    type: MessageType | None = optional(
        "Indicates the type of message platform from which the message originated."
    )
    recipient_country: str | None = optional(
        "Indicates the country where the recipient is associated in ISO 3166-1 alpha-2 format."
    )
    recipient_type: str | None = optional(
        "The type of the recipient. Eg: Provisioned phoneNumber is the recipient for sms message type."
    )
    script_id: str | None = optional("The UUID of the script to use.")
    peer_id: str | None = optional(
        "The id of the peer communication corresponding to a matching leg for this communication."
    )
    to_address: Address | None = optional("Address and name data for a call endpoint.")
    from_address: Address | None = optional("Address and name data for a call endpoint.")
    messages: tuple[MessageDetails, ...] | None = optional("The messages sent on this communication channel.")
    journey_context: JourneyContext | None = optional(
        "A subset of the Journey System's data relevant to a part of a conversation (for external linkage and internal usage/context)."
    )
    wrapup: Wrapup | None = optional("Call wrap up or disposition data.")
    after_call_work: AfterCallWork | None = optional("After-call work for the communication.")
    after_call_work_required: bool | None = optional(
        "Indicates if after-call work is required for a communication. Only used when the ACW Setting is Agent Requested."
    )
    agent_assistant_id: str | None = optional(
        "UUID of virtual agent assistant that provide suggestions to the agent participant during the conversation."
    )
    byo_sms_integration_id: str | None = optional(
        "The internal id representing the customer supplied sms integration message."
    )
    queue_media_settings: ConversationQueueMediaSettings | None = optional(
        "Represents the queue settings for this media type."
    )
    engagement_source: EngagementSource | None = optional("The engagement_source of this Message.")
    resume_time: datetime | None = optional(
        "Represents the time when a parked message will resume. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    park_time: datetime | None = optional(
        "Represents the time when an message was put into parked state. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )


@frozen(kw_only=True)
class InternalMessage:
    """An internal messaging communication of a participant."""

    state: InternalMessageState | None = optional("The connection state of this communication.")
    initial_state: InternalMessageState | None = optional(
        "The initial connection state of this communication."
    )
    id: str | None = optional("A globally unique identifier for this communication.")
    segments: tuple[Segment, ...] | None = optional(
        "The time line of the participant's internal message, divided into activity segments."
    )
    disconnect_type: InternalMessageDisconnectType | None = optional(
        "System defined string indicating what caused the communication to disconnect. Will be null until the communication disconnects."
    )
    start_alerting_time: datetime | None = optional(
        "The timestamp the communication has when it is first put into an alerting state. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    connected_time: datetime | None = optional(
        "The timestamp when this communication was connected in the cloud clock. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    disconnected_time: datetime | None = optional(
        "The timestamp when this communication disconnected from the conversation in the provider clock. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    provider: str | None = optional("The source provider for the message.")
    peer_id: str | None = optional(
        "The id of the peer communication corresponding to a matching leg for this communication."
    )
    target_user_id: str | None = optional(
        "The user ID for the participant on receiving side of the internal message conversation."
    )
    source_user_id: str | None = optional(
        "The user ID for the participant on sending side of the internal message conversation."
    )
    to_address: Address | None = optional(
        "Address for the participant on receiving side of the internal message communication."
    )
    from_address: Address | None = optional(
        "Address for the participant on the sending side of the internal message communication."
    )
    messages: tuple[InternalMessageDetails, ...] | None = optional(
        "The messages sent on this communication channel."
    )


@frozen(kw_only=True)
class ScreenMonitoring:
    """A screen monitoring session of a participant."""

    id: str | None = optional("A globally unique identifier for this communication.")
    initial_state: ScreenMonitoringState | None = optional(
        "The initial connection state of this communication."
    )
    state: ScreenMonitoringState | None = optional("The connection state of this communication.")
    segments: tuple[Segment, ...] | None = optional(
        "The time line of the participant's Screen Monitoring media, divided into activity segments."
    )
    disconnect_type: ScreenMonitoringDisconnectType | None = optional(
        "System defined string indicating what caused the communication to disconnect. Will be null until the communication disconnects."
    )
    provider: str | None = optional("The source provider of Screen Monitoring media.")
    target_user: AddressableEntityRef | None = optional("The user participant who is being screen monitored.")
    screen_monitoring: AddressableEntityRef | None = optional(
        "Screen Monitoring identifier unique to the sourceUserId-targetUserId pair."
    )
    monitoring_type: MonitoringType | None = optional("The screen monitoring type.")
    count: int | None = optional("Number of Screen Monitoring sessions the targetUserId is involved in.")
    connected_time: datetime | None = optional(
        "The timestamp when this communication was connected in the cloud clock. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    disconnected_time: datetime | None = optional(
        "The timestamp when this communication disconnected from the conversation in the provider clock. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )


@frozen(kw_only=True)
class Screenshare:
    """A screen share of a participant."""

    state: MediaState | None = optional("The connection state of this communication.")
    initial_state: MediaState | None = optional("The initial connection state of this communication.")
    id: str | None = optional("A globally unique identifier for this communication.")
    context: str | None = optional("The room id context (xmpp jid) for the conference session.")
    sharing: bool | None = optional("Indicates whether this participant is sharing their screen.")
    peer_count: int | None = optional(
        "The number of peer participants from the perspective of the participant in the conference."
    )
    disconnect_type: DisconnectType | None = optional(
        "System defined string indicating what caused the communication to disconnect. Will be null until the communication disconnects."
    )
    start_alerting_time: datetime | None = optional(
        "The timestamp the communication has when it is first put into an alerting state. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    connected_time: datetime | None = optional(
        "The timestamp when this communication was connected in the cloud clock. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    disconnected_time: datetime | None = optional(
        "The timestamp when this communication disconnected from the conversation in the provider clock. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    provider: str | None = optional("The source provider for the screen share.")
    peer_id: str | None = optional(
        "The id of the peer communication corresponding to a matching leg for this communication."
    )
    segments: tuple[Segment, ...] | None = optional(
        "The time line of the participant's call, divided into activity segments."
    )
    wrapup: Wrapup | None = optional("Call wrap up or disposition data.")
    after_call_work: AfterCallWork | None = optional("After-call work for the communication.")
    after_call_work_required: bool | None = optional(
        "Indicates if after-call work is required for a communication. Only used when the ACW Setting is Agent Requested."
    )


@frozen(kw_only=True)
class SocialExpression:
    """A social media expression (a post or comment) of a participant."""

    state: MediaState | None = optional("The connection state of this communication.")
    id: str | None = optional("A globally unique identifier for this communication.")
    social_media_id: str | None = optional("A globally unique identifier for the social media.")
    social_media_hub: str | None = optional("The social network of the communication")
    social_user_name: str | None = optional("The user name for the communication.")
    preview_text: str | None = optional("The text preview of the communication contents")
    recording_id: str | None = optional(
        "A globally unique identifier for the recording associated with this chat."
    )
    segments: tuple[Segment, ...] | None = optional(
        "The time line of the participant's chat, divided into activity segments."
    )
    held: bool | None = optional("True if this call is held and the person on this side hears silence.")
    disconnect_type: DisconnectType | None = optional(
        "System defined string indicating what caused the communication to disconnect. Will be null until the communication disconnects."
    )
    start_hold_time: datetime | None = optional(
        "The timestamp the chat was placed on hold in the cloud clock if the chat is currently on hold. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    start_alerting_time: datetime | None = optional(
        "The timestamp the communication has when it is first put into an alerting state. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    connected_time: datetime | None = optional(
        "The timestamp when this communication was connected in the cloud clock. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    disconnected_time: datetime | None = optional(
        "The timestamp when this communication disconnected from the conversation in the provider clock. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    provider: str | None = optional("The source provider for the social expression.")
    script_id: str | None = optional("The UUID of the script to use.")
    peer_id: str | None = optional(
        "The id of the peer communication corresponding to a matching leg for this communication."
    )
    wrapup: Wrapup | None = optional("Call wrap up or disposition data.")
    after_call_work: AfterCallWork | None = optional("After-call work for the communication.")
    after_call_work_required: bool | None = optional(
        "Indicates if after-call work is required for a communication. Only used when the ACW Setting is Agent Requested."
    )


@frozen(kw_only=True)
class Video:
    """A video communication of a participant."""

    state: MediaState | None = optional("The connection state of this communication.")
    initial_state: MediaState | None = optional("The initial connection state of this communication.")
    id: str | None = optional("A globally unique identifier for this communication.")
    context: str | None = optional("The room id context (xmpp jid) for the conference session.")
    audio_muted: bool | None = optional("Indicates whether this participant has muted their outgoing audio.")
    video_muted: bool | None = optional(
        "Indicates whether this participant has muted/paused their outgoing video."
    )
    sharing_screen: bool | None = optional(
        "Indicates whether this participant is sharing their screen to the session."
    )
    peer_count: int | None = optional(
        "The number of peer participants from the perspective of the participant in the conference."
    )
    disconnect_type: DisconnectType | None = optional(
        "System defined string indicating what caused the communication to disconnect. Will be null until the communication disconnects."
    )
    start_alerting_time: datetime | None = optional(
        "The timestamp the communication has when it is first put into an alerting state. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    connected_time: datetime | None = optional(
        "The timestamp when this communication was connected in the cloud clock. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    disconnected_time: datetime | None = optional(
        "The timestamp when this communication disconnected from the conversation in the provider clock. Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
    )
    provider: str | None = optional("The source provider for the video.")
    peer_id: str | None = optional(
        "The id of the peer communication corresponding to a matching leg for this communication."
    )
    msids: tuple[str, ...] | None = optional("List of media stream ids")
    self_: Address | None = optional("Address and name data for a call endpoint.")
    wrapup: Wrapup | None = optional("Call wrap up or disposition data.")
    after_call_work: AfterCallWork | None = optional("After-call work for the communication.")
    after_call_work_required: bool | None = optional(
        "Indicates if after-call work is required for a communication. Only used when the ACW Setting is Agent Requested."
    )
