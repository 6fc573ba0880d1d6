"""The callback-only view of a conversation: ``CallbackConversation`` and its participants.

``GET /api/v2/conversations/callbacks[/{conversationId}]`` answer with this shape. Each
``CallbackMediaParticipant`` carries its callback's fields itself, flattened, where a
``Participant`` holds ``callbacks[]``. Both are declared in full, with every model they hold, as
clients deserialize them.
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from contracts._fields import optional
from contracts.conversations import ConversationRoutingData, ListingFields
from contracts.entities import (
    AddressableEntityRef,
    ConversationDivisionMembership,
    DomainEntityRef,
)
from contracts.enums import (
    Direction,
    FlaggedReason,
    MediaParticipantDisconnectType,
    MediaParticipantState,
    TransferState,
    TransferType,
)
from contracts.media import JourneyContext
from contracts.models import DialerPreview, Voicemail, Wrapup

_TIMESTAMP = "Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"


@frozen(kw_only=True)
class ErrorInfo:
    """Why a participant's conversation ended in error."""

    message: str | None = optional("The error message.")
    code: str | None = optional("The error code.")


@frozen(kw_only=True)
class CallbackMediaParticipant:
    """A participant of a ``CallbackConversation``, its callback's fields on itself."""

    id: str | None = optional("The unique participant ID.")
    name: str | None = optional("The display friendly name of the participant.")
    address: str | None = optional("The participant address.")
    start_time: datetime | None = optional(
        f"The time when this participant first joined the conversation. {_TIMESTAMP}"
    )
    start_alerting_time: datetime | None = optional(
        f"The timestamp when it is first put into an alerting state. {_TIMESTAMP}"
    )
    connected_time: datetime | None = optional(
        "The time when this participant went connected for this media (eg: video connected time). "
        f"{_TIMESTAMP}"
    )
    end_time: datetime | None = optional(
        "The time when this participant went disconnected for this media (eg: video disconnected "
        f"time). {_TIMESTAMP}"
    )
    start_hold_time: datetime | None = optional(
        f"The time when this participant's hold started. {_TIMESTAMP}"
    )
    purpose: str | None = optional(
        "The participant's purpose.  Values can be: 'agent', 'user', 'customer', 'external', 'acd', 'ivr"
    )
    state: MediaParticipantState | None = optional("The participant's state.")
    direction: Direction | None = optional(
        "The participant's direction.  Values can be: 'inbound' or 'outbound'"
    )
    disconnect_type: MediaParticipantDisconnectType | None = optional(
        "The reason the participant was disconnected from the conversation."
    )
    held: bool | None = optional("Value is true when the participant is on hold.")
    wrapup_required: bool | None = optional("Value is true when the participant requires wrap-up.")
    wrapup_prompt: str | None = optional("The wrap-up prompt indicating the type of wrap-up to be performed.")
    media_roles: tuple[str, ...] | None = optional(
        "List of roles this participant's media has had on the conversation, ie monitor, coach, etc"
    )
    user: DomainEntityRef | None = optional("The PureCloud user for this participant.")
    queue: DomainEntityRef | None = optional(
        "The PureCloud queue for this participant. Id and selfUri will be populated, name is optional."
    )
    team: DomainEntityRef | None = optional("The PureCloud team for this participant.")
    attributes: dict[str, str] | None = optional("A list of ad-hoc attributes for the participant.")
    error_info: ErrorInfo | None = optional(
        "If the conversation ends in error, contains additional error details."
    )
    script: DomainEntityRef | None = optional("The Engage script that should be used by this participant.")
    wrapup_timeout_ms: int | None = optional("The amount of time the participant has to complete wrap-up.")
    wrapup_skipped: bool | None = optional("Value is true when the participant has skipped wrap-up.")
    alerting_timeout_ms: int | None = optional(
        "Specifies how long the agent has to answer an interaction before being marked as not responding."
    )
    provider: str | None = optional("The source provider for the communication.")
    external_contact: DomainEntityRef | None = optional(
        "If this participant represents an external contact, then this will be the reference for "
        "the external contact."
    )
    external_contact_initial_division_id: str | None = optional(
        "If this participant represents an external contact, then this will be the initial "
        "division for the external contact. This value will not be updated if the external contact "
        "is reassigned."
    )
    external_organization: DomainEntityRef | None = optional(
        "If this participant represents an external org, then this will be the reference for the external org."
    )
    wrapup: Wrapup | None = optional("Wrapup for this participant, if it has been applied.")
    peer: str | None = optional(
        "The peer communication corresponding to a matching leg for this communication."
    )
    flagged_reason: FlaggedReason | None = optional(
        "The reason specifying why participant flagged the conversation."
    )
    journey_context: JourneyContext | None = optional(
        "Journey System data/context that is applicable to this communication.  When used for "
        "historical purposes, the context should be immutable.  When null, there is no applicable "
        "Journey System context."
    )
    conversation_routing_data: ConversationRoutingData | None = optional(
        "Information on how a communication should be routed to an agent."
    )
    start_acw_time: datetime | None = optional(
        f"The timestamp when this participant started after-call work. {_TIMESTAMP}"
    )
    end_acw_time: datetime | None = optional(
        f"The timestamp when this participant ended after-call work. {_TIMESTAMP}"
    )
    park_time: datetime | None = optional(
        "The time when this participant's communication was last parked.  Does not reset on "
        f"resume. {_TIMESTAMP}"
    )
    resume_time: datetime | None = optional(
        f"The time when this participant's communications will resume. {_TIMESTAMP}"
    )
    outbound_preview: DialerPreview | None = optional("The outbound preview associated with this callback.")
    voicemail: Voicemail | None = optional("The voicemail associated with this callback.")
    callback_numbers: tuple[str, ...] | None = optional("The list of phone number to use for this callback.")
    callback_user_name: str | None = optional("The name of the callback target.")
    external_campaign: bool | None = optional("True if the call for the callback uses external dialing.")
    skip_enabled: bool | None = optional("If true, the callback can be skipped.")
    timeout_seconds: int | None = optional("Duration in seconds before the callback will be auto-dialed.")
    automated_callback_config_id: str | None = optional(
        "The id of the config for automatically placing the callback (and handling the "
        "disposition). If absent, the callback will not be placed automatically but routed to an "
        "agent as per normal."
    )
    callback_scheduled_time: datetime | None = optional(
        f"The time the callback is scheduled for. {_TIMESTAMP}"
    )


@frozen(kw_only=True)
class TransferInitiator:
    """Who initiated a transfer command."""

    user_id: str | None = optional(
        "The id of the user who initiated the command if it was initiated by a user."
    )


@frozen(kw_only=True)
class TransferResponseModifiedBy(AddressableEntityRef):
    """The user or entity that modified a transfer command."""


@frozen(kw_only=True)
class TransferDestination:
    """Where a transfer command sends the communication."""

    user_id: str | None = optional("The id of the user if the command destination is a user.")
    address: str | None = optional("The destination address if the command destination is an endpoint.")


@frozen(kw_only=True)
class TransferResponse:
    """A transfer command applied to a conversation."""

    id: str | None = optional("The id of the command.")
    state: TransferState | None = optional("The state of the command.")
    date_issued: datetime | None = optional(f"The date/time that this command was issued. {_TIMESTAMP}")
    initiator: TransferInitiator | None = optional("The initiator of the command.")
    modified_by: TransferResponseModifiedBy | None = optional("The user or entity that modified the command.")
    destination: TransferDestination | None = optional("The destination of the command.")
    transfer_type: TransferType | None = optional("The type of transfer to perform.")


@frozen(kw_only=True)
class CallbackConversation:
    """A conversation as the callback routes show it: participants with their callback flattened in."""

    id: str | None = optional("The globally unique identifier for the object.")
    name: str | None = optional("The conversation's name.")
    participants: tuple[CallbackMediaParticipant, ...] | None = optional(
        "The list of participants involved in the conversation."
    )
    other_media_uris: tuple[str, ...] | None = optional(
        "The list of other media channels involved in the conversation."
    )
    recent_transfers: tuple[TransferResponse, ...] | None = optional(
        "The list of the most recent 20 transfer commands applied to this conversation."
    )
    utilization_label_id: str | None = optional(
        "An optional label that categorizes the conversation.  Max-utilization settings can be "
        "configured at a per-label level"
    )
    inactivity_timeout: datetime | None = optional(
        f"The time in the future, after which this conversation would be considered inactive. {_TIMESTAMP}"
    )
    divisions: tuple[ConversationDivisionMembership, ...] | None = optional(
        "Identifiers of divisions associated with this conversation."
    )
    self_uri: str | None = optional("The URI for this object")


@frozen(kw_only=True)
class CallbackConversationEntityListing(ListingFields):
    """One page of callback conversations with the API's paging envelope."""

    entities: tuple[CallbackConversation, ...] | None = optional("The callback conversations of this page.")
