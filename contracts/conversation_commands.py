"""Request and response bodies of the routes on one callback conversation and its participants.

Answering, disconnecting and wrapping up a participant, its attributes and wrap-up codes, the
conversation's recording state, and the call an agent places for a callback.
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from contracts._fields import one_of_required, optional, required
from contracts.entities import DomainEntityRef
from contracts.enums import MediaParticipantState, RecordingState, TransferType
from contracts.models import Wrapup
from contracts.phone import E164_PATTERN

_TIMESTAMP = "Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"


@frozen(kw_only=True)
class WrapupInput(Wrapup):
    """A wrap-up to assign: a ``Wrapup`` and whether its end time may still move."""

    disable_end_time_updates: bool | None = optional("Prevent updates to wrapup end time when set to true.")


@frozen(kw_only=True)
class MediaParticipantRequest:
    """The body of ``PATCH .../participants/{participantId}`` and of its communications."""

    wrapup: WrapupInput | None = optional("Wrap-up to assign to this participant.")
    state: MediaParticipantState | None = optional(
        "The state to update to set for this participant's communications.  Possible values are: "
        "'connected' and 'disconnected'."
    )
    recording: bool | None = optional(
        "True to enable ad-hoc recording of this participant, otherwise false to disable recording."
    )
    muted: bool | None = optional("True to mute this conversation participant.")
    confined: bool | None = optional(
        "True to confine this conversation participant.  Should only be used for ad-hoc conferences"
    )
    held: bool | None = optional("True to hold this conversation participant.")
    wrapup_skipped: bool | None = optional("True to skip wrap-up for this participant.")
    resume_time: datetime | None = optional(f"Time to resume parked communication. {_TIMESTAMP}")


@frozen(kw_only=True)
class ParticipantAttributes:
    """The body and the answer of ``PATCH .../participants/{participantId}/attributes``."""

    attributes: dict[str, str] | None = optional("The map of attribute keys to values.")


@frozen(kw_only=True)
class AssignedWrapupCode:
    """The wrap-up assigned to a participant or communication."""

    code: str | None = optional("The user configured wrap up code id.")
    notes: str | None = optional("Text entered by the agent to describe the call or disposition.")
    tags: tuple[str, ...] | None = optional(
        "List of tags selected by the agent to describe the call or disposition."
    )
    duration_seconds: int | None = optional("The duration in seconds of the wrap-up segment.")
    end_time: datetime | None = optional(f"The timestamp when the wrap-up segment ended. {_TIMESTAMP}")


@frozen(kw_only=True)
class StarrableDivision(DomainEntityRef):
    """The division an entity belongs to."""


@frozen(kw_only=True)
class WrapupCode:
    """A wrap-up code a participant may choose."""

    # Required first, as the converter writes it first.
    name: str = required("The wrap-up code name.")
    id: str | None = optional("The globally unique identifier for the object.")
    division: StarrableDivision | None = optional("The division to which this entity belongs.")
    description: str | None = optional("The wrap-up code description.")
    date_created: datetime | None = optional(f"Date when the wrap-up code was created. {_TIMESTAMP}")
    date_modified: datetime | None = optional(f"Date when the wrap-up code was last modified. {_TIMESTAMP}")
    created_by: str | None = optional("The ID of the user that created the wrap-up code.")
    modified_by: str | None = optional("The ID of the user that modified the wrap-up code.")
    self_uri: str | None = optional("The URI for this object")


@one_of_required("recordingState")
@frozen(kw_only=True)
class SetRecordingState:
    """The body of ``PUT /api/v2/conversations/callbacks/{conversationId}/recordingstate``."""

    recording_state: RecordingState | None = optional(
        "On update, 'paused' initiates a secure pause, 'active' resumes any paused recordings."
    )


# The target named once: by userId, by queueId, or by an address that is either (the server's rule is
# "exactly one of userId or queueId", an address counting as the one it names).
@one_of_required("userId", "queueId", "address", exclusive=True)
@frozen(kw_only=True)
class TransferRequest:
    """The body of ``POST .../callbacks/{conversationId}/participants/{participantId}/replace``."""

    transfer_type: TransferType | None = optional(
        "The type of transfer to perform. Attended, where the initiating agent maintains ownership of the "
        "conversation until the target accepts the transfer, or Unattended, where the initiating agent "
        "immediately leaves the conversation. Default is Unattended."
    )
    keep_internal_message_alive: bool | None = optional(
        "If true, the digital internal message will NOT be terminated."
    )
    user_id: str | None = optional("The user that will replace this participant.")
    address: str | None = optional(
        "The user ID or queue ID of the transfer target. Address like a phone number can not be used for callbacks"
    )
    user_name: str | None = optional("The name of the user that will replace this participant.")
    queue_id: str | None = optional("The user ID or queue ID of the transfer target.")
    voicemail: bool | None = optional(
        "If true, transfer to the voicemail inbox of the participant that is being replaced."
    )


@frozen(kw_only=True)
class CallCommand:
    """The body of ``POST /api/v2/conversations/calls/{conversationId}``: a call for a callback."""

    call_number: str = required("The phone number to dial for this call.", pattern=E164_PATTERN)
    phone_column: str | None = optional(
        "For a dialer preview or scheduled callback, the phone column associated with the phone number"
    )


@frozen(kw_only=True)
class Empty:
    """An empty object: the answer of ``PATCH .../participants/{participantId}/communications/{id}``."""


@frozen(kw_only=True)
class ConversationTagsUpdate:
    """The body of ``PUT /api/v2/conversations/{conversationId}/tags``: the conversation's external tag."""

    external_tag: str | None = optional("The external tag for the conversation.")
