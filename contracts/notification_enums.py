"""The closed value sets of the notification service and its event bodies, as plain ``str`` enums.

The event enums differ from their REST namesakes (``scheduled``, ``uploading``, the ``dnd`` spellings,
the order): the SDK checks each against its own list, so each is declared as the SDK has it.
"""

from __future__ import annotations

from contracts.enums import WireEnum


class EventAfterCallWorkState(WireEnum):
    """The state of a communication's after-call work, as the events spell it (another order than REST's)."""

    UNKNOWN = "unknown"
    SKIPPED = "skipped"
    PENDING = "pending"
    COMPLETE = "complete"
    NOT_APPLICABLE = "notApplicable"


class EventCallbackState(WireEnum):
    """A callback's state in the conversation topics: REST's values plus ``uploading``."""

    ALERTING = "alerting"
    DIALING = "dialing"
    CONTACTING = "contacting"
    OFFERING = "offering"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    TERMINATED = "terminated"
    SCHEDULED = "scheduled"
    UPLOADING = "uploading"
    NONE = "none"


class EventDisconnectType(WireEnum):
    """Why a callback ended, in the conversation topics: ``endpoint.dnd``/``transfer.dnd``, not REST's."""

    ENDPOINT = "endpoint"
    ENDPOINT_DND = "endpoint.dnd"
    CLIENT = "client"
    SYSTEM = "system"
    TIMEOUT = "timeout"
    TRANSFER = "transfer"
    TRANSFER_CONFERENCE = "transfer.conference"
    TRANSFER_CONSULT = "transfer.consult"
    TRANSFER_FORWARD = "transfer.forward"
    TRANSFER_NOANSWER = "transfer.noanswer"
    TRANSFER_NOTAVAILABLE = "transfer.notavailable"
    TRANSFER_DND = "transfer.dnd"
    TRANSPORT_FAILURE = "transport.failure"
    ERROR = "error"
    PEER = "peer"
    OTHER = "other"
    SPAM = "spam"
    UNCALLABLE = "uncallable"


class ScreenRecordingState(WireEnum):
    """The state of a participant's screen recording."""

    REQUESTED = "requested"
    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"
    ERROR = "error"
    TIMEOUT = "timeout"


class EventTransferState(WireEnum):
    """The state of a transfer, lower case in the events."""

    PENDING = "pending"
    ACTIVE = "active"
    COMPLETE = "complete"
    CANCELED = "canceled"
    FAILED = "failed"
    TIMEOUT = "timeout"
    UNKNOWN = "unknown"


class EventTransferType(WireEnum):
    """The type of a transfer, lower case in the events."""

    ATTENDED = "attended"
    UNATTENDED = "unattended"


class EventMediaParticipantState(WireEnum):
    """A flattened callback participant's state in the callback topics: unlike REST's, with ``scheduled``."""

    ALERTING = "alerting"
    DIALING = "dialing"
    CONTACTING = "contacting"
    OFFERING = "offering"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    TERMINATED = "terminated"
    CONVERTING = "converting"
    UPLOADING = "uploading"
    TRANSMITTING = "transmitting"
    SCHEDULED = "scheduled"
    PARKED = "parked"
    NONE = "none"


class EventMediaParticipantDisconnectType(WireEnum):
    """Why a flattened callback participant ended, in the callback topics (``dnd`` spellings, ``timeout``, ``uncallable``)."""

    ENDPOINT = "endpoint"
    ENDPOINT_DND = "endpoint.dnd"
    CLIENT = "client"
    SYSTEM = "system"
    TRANSFER = "transfer"
    TIMEOUT = "timeout"
    TRANSFER_CONFERENCE = "transfer.conference"
    TRANSFER_CONSULT = "transfer.consult"
    TRANSFER_FORWARD = "transfer.forward"
    TRANSFER_NOANSWER = "transfer.noanswer"
    TRANSFER_NOTAVAILABLE = "transfer.notavailable"
    TRANSFER_DND = "transfer.dnd"
    TRANSPORT_FAILURE = "transport.failure"
    ERROR = "error"
    PEER = "peer"
    OTHER = "other"
    SPAM = "spam"
    UNCALLABLE = "uncallable"
    INACTIVITY = "inactivity"
    SESSION_EXPIRED = "session.expired"
    TAKEOVER = "takeover"


class ChannelTopicState(WireEnum):
    """Whether a channel's subscription to a topic was permitted."""

    PERMITTED = "Permitted"
    REJECTED = "Rejected"


class PermissionType(WireEnum):
    """What kind of check a topic's permission is."""

    REQUIRES_CURRENT_USER = "requiresCurrentUser"
    REQUIRES_PERMISSIONS = "requiresPermissions"
    REQUIRES_DIVISION_PERMISSIONS = "requiresDivisionPermissions"
    REQUIRES_ANY_DIVISION_PERMISSIONS = "requiresAnyDivisionPermissions"
    REQUIRES_USER_BE_CONVERSATION_PARTICIPANT = "requiresUserBeConversationParticipant"


class TopicVisibility(WireEnum):
    """Whether a topic is public or in preview."""

    PUBLIC = "Public"
    PREVIEW = "Preview"


class UserState(WireEnum):
    """The state of a user."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    DELETED = "deleted"
