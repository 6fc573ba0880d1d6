"""The closed value sets of the callback API, as plain ``str`` enums.

Each member's value is its wire spelling, so a member compares equal to the string the API sends.
"""

from __future__ import annotations

from enum import Enum


class WireEnum(str, Enum):
    """Base of the contract's enums: a member is the string the API sends."""

    # In messages and f-strings too: Enum's own str() ("CallbackState.DISCONNECTED") would put a
    # Python name in an API error where the API says "disconnected".
    def __str__(self) -> str:
        return str.__str__(self)

    def __format__(self, format_spec: str) -> str:
        return str.__format__(self, format_spec)


class CallbackState(WireEnum):
    """The connection state of a callback (``state`` and ``initialState``)."""

    ALERTING = "alerting"
    DIALING = "dialing"
    CONTACTING = "contacting"
    OFFERING = "offering"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    TERMINATED = "terminated"
    SCHEDULED = "scheduled"
    NONE = "none"


class Direction(WireEnum):
    """The direction of the call."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


class DisconnectType(WireEnum):
    """What caused the communication to disconnect."""

    ENDPOINT = "endpoint"
    CLIENT = "client"
    SYSTEM = "system"
    TIMEOUT = "timeout"
    TRANSFER = "transfer"
    TRANSFER_CONFERENCE = "transfer.conference"
    TRANSFER_CONSULT = "transfer.consult"
    TRANSFER_FORWARD = "transfer.forward"
    TRANSFER_NOANSWER = "transfer.noanswer"
    TRANSFER_NOTAVAILABLE = "transfer.notavailable"
    TRANSPORT_FAILURE = "transport.failure"
    ERROR = "error"
    PEER = "peer"
    OTHER = "other"
    SPAM = "spam"
    UNCALLABLE = "uncallable"


class UploadStatus(WireEnum):
    """The upload status of an ACD voicemail."""

    PENDING = "pending"
    COMPLETE = "complete"
    FAILED = "failed"
    TIMEOUT = "timeout"
    NONE = "none"


class AfterCallWorkState(WireEnum):
    """The state of the after-call work of a communication."""

    UNKNOWN = "unknown"
    NOT_APPLICABLE = "notApplicable"
    SKIPPED = "skipped"
    PENDING = "pending"
    COMPLETE = "complete"


class WrapupPrompt(WireEnum):
    """How a participant is prompted for wrap-up."""

    MANDATORY = "mandatory"
    OPTIONAL = "optional"
    AGENT_REQUESTED = "agentRequested"
    TIMEOUT = "timeout"
    FORCED_TIMEOUT = "forcedTimeout"


class CallbackIdentifierType(WireEnum):
    """The kind of id a callback is known by after it is created."""

    ACD = "ACD"
    EXTERNAL = "EXTERNAL"
    DIALER = "DIALER"


class DeliveryMode(WireEnum):
    """``customerFirstCallbackDeliveryMode`` of a create or patch request."""

    USE_QUEUE_SETTING = "UseQueueSetting"
    USE_AGENT_RESERVATION = "UseAgentReservation"
    NO_AGENT_RESERVATION = "NoAgentReservation"


class MediaParticipantState(WireEnum):
    """The state of a ``CallbackMediaParticipant``, and the state a ``MediaParticipantRequest`` sets.

    Unlike ``CallbackState`` it has no ``scheduled``.
    """

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
    PARKED = "parked"
    NONE = "none"


class MediaParticipantDisconnectType(WireEnum):
    """Why a ``CallbackMediaParticipant`` was disconnected; not the same set as ``DisconnectType``."""

    ENDPOINT = "endpoint"
    ENDPOINT_DONOTDISTURB = "endpoint.donotdisturb"
    CLIENT = "client"
    SYSTEM = "system"
    TRANSFER = "transfer"
    TRANSFER_CONFERENCE = "transfer.conference"
    TRANSFER_CONSULT = "transfer.consult"
    TRANSFER_DONOTDISTURB = "transfer.donotdisturb"
    TRANSFER_FORWARD = "transfer.forward"
    TRANSFER_NOANSWER = "transfer.noanswer"
    TRANSFER_NOTAVAILABLE = "transfer.notavailable"
    TRANSPORT_FAILURE = "transport.failure"
    ERROR = "error"
    PEER = "peer"
    OTHER = "other"
    SPAM = "spam"
    INACTIVITY = "inactivity"
    SESSION_EXPIRED = "session.expired"
    TAKEOVER = "takeover"


class FlaggedReason(WireEnum):
    """Why a participant flagged the conversation."""

    GENERAL = "general"


class TransferState(WireEnum):
    """The state of a transfer command."""

    PENDING = "Pending"
    ACTIVE = "Active"
    COMPLETE = "Complete"
    CANCELED = "Canceled"
    FAILED = "Failed"
    TIMEOUT = "Timeout"
    UNKNOWN = "Unknown"


class TransferType(WireEnum):
    """The kind of a transfer."""

    ATTENDED = "Attended"
    UNATTENDED = "Unattended"


class RecordingState(WireEnum):
    """The recording state of a conversation, as ``SetRecordingState`` sets it."""

    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    NONE = "NONE"


class CallState(WireEnum):
    """The state of a voice call a callback's agent places (``Call.state``)."""

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
    NONE = "none"


class CallDisconnectType(WireEnum):
    """What caused a voice call to disconnect (``Call.disconnectType``)."""

    ENDPOINT = "endpoint"
    ENDPOINT_DONOTDISTURB = "endpoint.donotdisturb"
    CLIENT = "client"
    SYSTEM = "system"
    TIMEOUT = "timeout"
    TRANSFER = "transfer"
    TRANSFER_CONFERENCE = "transfer.conference"
    TRANSFER_CONSULT = "transfer.consult"
    TRANSFER_DONOTDISTURB = "transfer.donotdisturb"
    TRANSFER_FORWARD = "transfer.forward"
    TRANSFER_NOANSWER = "transfer.noanswer"
    TRANSFER_NOTAVAILABLE = "transfer.notavailable"
    TRANSPORT_FAILURE = "transport.failure"
    ERROR = "error"
    PEER = "peer"
    OTHER = "other"
    SPAM = "spam"
    UNCALLABLE = "uncallable"


class RoutingStatusType(WireEnum):
    """A user's routing status (``RoutingStatus.status``): whether the ACD may offer them work."""

    OFF_QUEUE = "OFF_QUEUE"
    IDLE = "IDLE"
    INTERACTING = "INTERACTING"
    NOT_RESPONDING = "NOT_RESPONDING"
    COMMUNICATING = "COMMUNICATING"


class CallbackMode(WireEnum):
    """A queue's callback mode: an agent is found first, or the customer is dialled first."""

    AGENT_FIRST = "AgentFirst"
    CUSTOMER_FIRST = "CustomerFirst"


class CallbackReactionType(WireEnum):
    """What a customer-first callback does when a live voice or an answering machine answers."""

    HANG_UP = "HangUp"
    TRANSFER_TO_QUEUE = "TransferToQueue"
    TRANSFER_TO_FLOW = "TransferToFlow"


class SkillEvaluationMethod(WireEnum):
    """Which of an agent's skills routing weighs: none, the best match, or all."""

    NONE = "NONE"
    BEST = "BEST"
    ALL = "ALL"


class ScoringMethod(WireEnum):
    """How a queue orders its waiting work: by time in queue and priority, or by priority alone."""

    TIMESTAMP_AND_PRIORITY = "TimestampAndPriority"
    PRIORITY_ONLY = "PriorityOnly"


class LastAgentRoutingMode(WireEnum):
    """Whether a returning customer's last agent is preferred: not at all, among the queue's members, or anyone."""

    DISABLED = "Disabled"
    QUEUE_MEMBERS_ONLY = "QueueMembersOnly"
    ANY_AGENT = "AnyAgent"


class AcwWrapupPrompt(WireEnum):
    """A queue's after-call-work wrap-up prompt (``AcwSettings.wrapupPrompt``)."""

    MANDATORY = "MANDATORY"
    OPTIONAL = "OPTIONAL"
    MANDATORY_TIMEOUT = "MANDATORY_TIMEOUT"
    MANDATORY_FORCED_TIMEOUT = "MANDATORY_FORCED_TIMEOUT"
    AGENT_REQUESTED = "AGENT_REQUESTED"


class WaitTimeIntent(WireEnum):
    """The media an estimated wait time is for (``PredictionResults.intent``)."""

    ALL = "ALL"
    CALL = "CALL"
    CALLBACK = "CALLBACK"
    CHAT = "CHAT"
    EMAIL = "EMAIL"
    SOCIALEXPRESSION = "SOCIALEXPRESSION"
    VIDEOCOMM = "VIDEOCOMM"
    MESSAGE = "MESSAGE"


class WaitTimeFormula(WireEnum):
    """How an estimated wait time was computed (``PredictionResults.formula``)."""

    BEST = "BEST"
    SIMPLE = "SIMPLE"
    ABANDON = "ABANDON"
    PATIENCE_ABANDON = "PATIENCE_ABANDON"
    AI_ADJUSTED_AHT = "AI-ADJUSTED-AHT"
    POSITION_IN_QUEUE = "POSITION-IN-QUEUE"
