"""The callback models: ``Callback``, ``CallbackBasic`` and the models nested in them.

The 29 callback fields are declared once, on ``CallbackFields``; ``Callback`` and
``CallbackBasic`` are distinct types over that one declaration, as the API has two names for
the same shape. Classes hold data only: the wire format lives in the converter.
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from contracts._fields import optional
from contracts.enums import (
    AfterCallWorkState,
    CallbackState,
    Direction,
    DisconnectType,
    UploadStatus,
)

_TIMESTAMP = "Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss.SSSZ"


@frozen(kw_only=True)
class Segment:
    """One activity segment of a communication's timeline."""

    start_time: datetime | None = optional(f"The timestamp when the segment began. {_TIMESTAMP}")
    end_time: datetime | None = optional(
        f"The timestamp when the segment ended; absent while it is in progress. {_TIMESTAMP}"
    )
    type: str | None = optional("The activity taking place for the participant in the segment.")
    how_ended: str | None = optional("The reason the segment ended.")
    disconnect_type: str | None = optional("The reason for a disconnect, if any.")


@frozen(kw_only=True)
class PhoneNumberColumn:
    """A contact-list column that holds a phone number."""

    column_name: str | None = optional("The name of the column.")
    type: str | None = optional("The type of the phone number in the column.")
    callable_time_column_name: str | None = optional(
        "The name of the column holding the callable time for the number."
    )


@frozen(kw_only=True)
class DialerPreview:
    """The preview data of an outbound preview callback."""

    id: str | None = optional("The id of the preview.")
    contact_id: str | None = optional("The contact associated with this preview data pop.")
    contact_list_id: str | None = optional("The contactList associated with this preview data pop.")
    campaign_id: str | None = optional("The campaignId associated with this preview data pop.")
    phone_number_columns: tuple[PhoneNumberColumn, ...] | None = optional(
        "The phone number columns associated with this campaign."
    )
    callback_auto_answer: bool | None = optional(
        "The override setting for the callback auto answer of the campaign."
    )


@frozen(kw_only=True)
class Voicemail:
    """The voicemail of an ACD voicemail callback."""

    id: str | None = optional("The voicemail id.")
    upload_status: UploadStatus | None = optional("The status of the voicemail upload.")


@frozen(kw_only=True)
class Wrapup:
    """Call wrap-up or disposition data."""

    code: str | None = optional("The user configured wrap up code id.")
    name: str | None = optional("The user configured wrap up code name.")
    notes: str | None = optional("Text entered by the agent to describe the call or disposition.")
    tags: tuple[str, ...] | None = optional("List of tags selected by the agent to describe the call.")
    duration_seconds: int | None = optional(
        "The length of time in seconds that the agent spent doing after call work."
    )
    end_time: datetime | None = optional(f"The timestamp when the wrapup was finished. {_TIMESTAMP}")
    provisional: bool | None = optional(
        "Indicates if this is a pending save and should not require a code to be specified."
    )


@frozen(kw_only=True)
class AfterCallWork:
    """The after-call work of a communication."""

    start_time: datetime | None = optional(
        f"The timestamp when this communication started after-call work. {_TIMESTAMP}"
    )
    end_time: datetime | None = optional(
        f"The timestamp when this communication ended after-call work. {_TIMESTAMP}"
    )
    state: AfterCallWorkState | None = optional("The state of the after-call work.")


@frozen(kw_only=True)
class ConversationQueueMediaSettings:
    """The queue's media settings for this communication."""

    alerting_timeout_seconds: int | None = optional("The queue alerting timeout in seconds.")
    auto_answer_alert_tone_seconds: float | None = optional(
        "How long to play the alerting tone for an auto-answer interaction, in seconds."
    )
    manual_answer_alert_tone_seconds: float | None = optional(
        "How long to play the alerting tone for a manual-answer interaction, in seconds."
    )
    enable_auto_answer: bool | None = optional("Auto-answer for digital channels (email, message).")


@frozen(kw_only=True)
class CallbackFields:
    """The 29 fields shared by ``Callback`` and ``CallbackBasic``; not a wire type of its own."""

    state: CallbackState | None = optional("The connection state of this communication.")
    initial_state: CallbackState | None = optional("The initial connection state of this communication.")
    id: str | None = optional("A globally unique identifier for this communication.")
    segments: tuple[Segment, ...] | None = optional(
        "The time line of the participant's callback, divided into activity segments."
    )
    direction: Direction | None = optional("The direction of the call")
    held: bool | None = optional("True if this call is held and the person on this side hears silence.")
    disconnect_type: DisconnectType | None = optional(
        "System defined string indicating what caused the communication to disconnect. "
        "Will be null until the communication disconnects."
    )
    start_hold_time: datetime | None = optional(
        "The timestamp the callback was placed on hold in the cloud clock if the callback is "
        f"currently on hold. {_TIMESTAMP}"
    )
    dialer_preview: DialerPreview | None = optional(
        "The preview data to be used when this callback is a Preview."
    )
    voicemail: Voicemail | None = optional(
        "The voicemail data to be used when this callback is an ACD voicemail."
    )
    callback_numbers: tuple[str, ...] | None = optional("The phone number(s) to use to place the callback.")
    callback_user_name: str | None = optional("The name of the user requesting a callback.")
    script_id: str | None = optional("The UUID of the script to use.")
    external_campaign: bool | None = optional("True if the call for the callback uses external dialing.")
    skip_enabled: bool | None = optional("True if the ability to skip a callback should be enabled.")
    timeout_seconds: int | None = optional(
        "The number of seconds before the system automatically places a call for a callback. "
        "0 means the automatic placement is disabled."
    )
    start_alerting_time: datetime | None = optional(
        f"The timestamp the communication has when it is first put into an alerting state. {_TIMESTAMP}"
    )
    connected_time: datetime | None = optional(
        f"The timestamp when this communication was connected in the cloud clock. {_TIMESTAMP}"
    )
    disconnected_time: datetime | None = optional(
        "The timestamp when this communication disconnected from the conversation in the "
        f"provider clock. {_TIMESTAMP}"
    )
    callback_scheduled_time: datetime | None = optional(
        "The timestamp when this communication is scheduled in the provider clock. If this value "
        f"is missing it indicates the callback will be placed immediately. {_TIMESTAMP}"
    )
    automated_callback_config_id: str | None = optional(
        "The id of the config for automatically placing the callback (and handling the "
        "disposition). If null, the callback will not be placed automatically but routed to an "
        "agent as per normal."
    )
    provider: str | None = optional("The source provider for the callback.")
    peer_id: str | None = optional(
        "The id of the peer communication corresponding to a matching leg for this communication."
    )
    wrapup: Wrapup | None = optional("Call wrap up or disposition data.")
    after_call_work: AfterCallWork | None = optional("After-call work for the communication.")
    after_call_work_required: bool | None = optional(
        "Indicates if after-call work is required for a communication. Only used when the ACW "
        "Setting is Agent Requested."
    )
    caller_id: str | None = optional("The phone number displayed to recipients of the phone call.")
    caller_id_name: str | None = optional("The name displayed to recipients of the phone call.")
    queue_media_settings: ConversationQueueMediaSettings | None = optional(
        "Represents the queue setting for this media."
    )


@frozen(kw_only=True)
class Callback(CallbackFields):
    """A callback communication, as in a ``Conversation``'s participants."""


@frozen(kw_only=True)
class CallbackBasic(CallbackFields):
    """A callback communication, as in a ``ConversationBasic``'s participants."""
