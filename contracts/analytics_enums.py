"""The closed value sets of the analytics routes, as plain ``str`` enums (the SDK's allowed values).

Generated once from the official SDK's setters and checked against them by the parity tests.
"""

from __future__ import annotations

from contracts.enums import WireEnum


class AnalyticsMediaType(WireEnum):
    """A session's media type (lower case, unlike the events' upper case)."""

    CALLBACK = "callback"
    CHAT = "chat"
    COBROWSE = "cobrowse"
    EMAIL = "email"
    INTERNALMESSAGE = "internalmessage"
    MESSAGE = "message"
    SCREENMONITORING = "screenmonitoring"
    SCREENSHARE = "screenshare"
    UNKNOWN = "unknown"
    VIDEO = "video"
    VOICE = "voice"


class SegmentType(WireEnum):
    """What a participant's session was doing during an analytics segment."""

    ALERT = "alert"
    BARGING = "barging"
    CALLBACK = "callback"
    COACHING = "coaching"
    CONTACTING = "contacting"
    CONVERTING = "converting"
    DELAY = "delay"
    DIALING = "dialing"
    HOLD = "hold"
    INTERACT = "interact"
    IVR = "ivr"
    MONITORING = "monitoring"
    PARKED = "parked"
    SCHEDULED = "scheduled"
    SCREENMONITORING = "screenmonitoring"
    SHARING = "sharing"
    SYSTEM = "system"
    TRANSMITTING = "transmitting"
    UNKNOWN = "unknown"
    UPLOADING = "uploading"
    VOICEMAIL = "voicemail"
    WRAPUP = "wrapup"


class AnalyticsDisconnectType(WireEnum):
    """Why an analytics segment's session disconnected (camelCase, unlike REST's dotted names)."""

    CLIENT = "client"
    CONFERENCE_TRANSFER = "conferenceTransfer"
    CONSULT_TRANSFER = "consultTransfer"
    DND_ENDPOINT = "dndEndpoint"
    DND_TRANSFER = "dndTransfer"
    ENDPOINT = "endpoint"
    ERROR = "error"
    FORWARD_TRANSFER = "forwardTransfer"
    INACTIVITY = "inactivity"
    NO_ANSWER_TRANSFER = "noAnswerTransfer"
    NOT_AVAILABLE_TRANSFER = "notAvailableTransfer"
    OTHER = "other"
    PEER = "peer"
    SESSION_EXPIRED = "sessionExpired"
    SPAM = "spam"
    SYSTEM = "system"
    TAKEOVER = "takeover"
    TIMEOUT = "timeout"
    TRANSFER = "transfer"
    TRANSPORT_FAILURE = "transportFailure"
    UNCALLABLE = "uncallable"


class AnalyticsPurpose(WireEnum):
    """An analytics participant's purpose (and a conversation's initiator)."""

    ACD = "acd"
    AGENT = "agent"
    API = "api"
    BOTFLOW = "botflow"
    CAMPAIGN = "campaign"
    CUSTOMER = "customer"
    DIALER = "dialer"
    EXTERNAL = "external"
    FAX = "fax"
    GROUP = "group"
    INBOUND = "inbound"
    IVR = "ivr"
    MANUAL = "manual"
    OUTBOUND = "outbound"
    STATION = "station"
    USER = "user"
    VOICEMAIL = "voicemail"
    VOICESURVEYFLOW = "voicesurveyflow"
    WORKFLOW = "workflow"


class FilterType(WireEnum):
    """How a filter or clause combines its predicates and clauses."""

    AND = "and"
    OR = "or"


class PredicateType(WireEnum):
    """What a query predicate tests: a dimension, a property or a metric."""

    DIMENSION = "dimension"
    PROPERTY = "property"
    METRIC = "metric"


class PredicateOperator(WireEnum):
    """How a query predicate compares: equal to its value, or present or absent."""

    MATCHES = "matches"
    EXISTS = "exists"
    NOT_EXISTS = "notExists"


class ConversationDimension(WireEnum):
    """A conversation-level dimension a details query filters on."""

    ACCESS_ATTRIBUTE = "accessAttribute"
    CONVERSATION_END = "conversationEnd"
    CONVERSATION_ID = "conversationId"
    CONVERSATION_INITIATOR = "conversationInitiator"
    CONVERSATION_START = "conversationStart"
    CUSTOMER_PARTICIPATION = "customerParticipation"
    DIVISION_ID = "divisionId"
    EXTERNAL_TAG = "externalTag"
    MEDIA_STATS_MIN_CONVERSATION_MOS = "mediaStatsMinConversationMos"
    ORIGINATING_DIRECTION = "originatingDirection"
    ORIGINATING_SOCIAL_MEDIA_PUBLIC = "originatingSocialMediaPublic"


class SegmentDimension(WireEnum):
    """A segment-level dimension a details query filters on (session and participant fields too)."""

    ADDRESS_FROM = "addressFrom"
    ADDRESS_TO = "addressTo"
    AGENT_ASSISTANT_ID = "agentAssistantId"
    AGENT_OWNED = "agentOwned"
    ANI = "ani"
    AUTHENTICATED = "authenticated"
    BARGED_PARTICIPANT_ID = "bargedParticipantId"
    CALLBACK_NUMBER = "callbackNumber"
    CALLBACK_SCHEDULED_TIME = "callbackScheduledTime"
    CANONICAL_EXTERNAL_CONTACT_ID = "canonicalExternalContactId"
    CLEARED = "cleared"
    COACHED_PARTICIPANT_ID = "coachedParticipantId"
    CONFERENCE = "conference"
    DELIVERY_PUSHED = "deliveryPushed"
    DELIVERY_STATUS = "deliveryStatus"
    DESTINATION_ADDRESS = "destinationAddress"
    DESTINATION_CONVERSATION_ID = "destinationConversationId"
    DETECTED_SPEECH_END = "detectedSpeechEnd"
    DETECTED_SPEECH_START = "detectedSpeechStart"
    DIRECTION = "direction"
    DISCONNECT_TYPE = "disconnectType"
    DNIS = "dnis"
    EDGE_ID = "edgeId"
    ENGAGEMENT_SOURCE = "engagementSource"
    ERROR_CODE = "errorCode"
    EXIT_REASON = "exitReason"
    EXTENDED_DELIVERY_STATUS = "extendedDeliveryStatus"
    EXTERNAL_CONTACT_ID = "externalContactId"
    EXTERNAL_ORGANIZATION_ID = "externalOrganizationId"
    FLAGGED_REASON = "flaggedReason"
    FLOW_ID = "flowId"
    FLOW_NAME = "flowName"
    FLOW_OUT_TYPE = "flowOutType"
    FLOW_OUTCOME = "flowOutcome"
    FLOW_OUTCOME_ID = "flowOutcomeId"
    FLOW_OUTCOME_VALUE = "flowOutcomeValue"
    FLOW_VERSION = "flowVersion"
    GROUP_ID = "groupId"
    JOURNEY_ACTION_ID = "journeyActionId"
    JOURNEY_ACTION_MAP_ID = "journeyActionMapId"
    JOURNEY_CUSTOMER_ID = "journeyCustomerId"
    JOURNEY_CUSTOMER_ID_TYPE = "journeyCustomerIdType"
    JOURNEY_CUSTOMER_SESSION_ID = "journeyCustomerSessionId"
    MEDIA_COUNT = "mediaCount"
    MEDIA_TYPE = "mediaType"
    MESSAGE_TYPE = "messageType"
    MONITORED_PARTICIPANT_ID = "monitoredParticipantId"
    OUTBOUND_CAMPAIGN_ID = "outboundCampaignId"
    OUTBOUND_CONTACT_ID = "outboundContactId"
    OUTBOUND_CONTACT_LIST_ID = "outboundContactListId"
    PARTICIPANT_NAME = "participantName"
    PROTOCOL_CALL_ID = "protocolCallId"
    PROVIDER = "provider"
    PURPOSE = "purpose"
    QUEUE_ID = "queueId"
    RECORDING = "recording"
    REMOTE = "remote"
    REMOTE_NAME_DISPLAYABLE = "remoteNameDisplayable"
    REQUESTED_LANGUAGE_ID = "requestedLanguageId"
    REQUESTED_ROUTING = "requestedRouting"
    REQUESTED_ROUTING_SKILL_ID = "requestedRoutingSkillId"
    SCORED_AGENT_ID = "scoredAgentId"
    SCREEN_MONITORED_USER_ID = "screenMonitoredUserId"
    SCREEN_RECORDING = "screenRecording"
    SCRIPT_ID = "scriptId"
    SEGMENT_END = "segmentEnd"
    SEGMENT_TYPE = "segmentType"
    SESSION_DNIS = "sessionDnis"
    SIP_RESPONSE_CODE = "sipResponseCode"
    SKILL_EXPRESSION_ID = "skillExpressionId"
    SNIPPET_RECORDING = "snippetRecording"
    SUBJECT = "subject"
    TEAM_ID = "teamId"
    TRANSFER_TARGET_ADDRESS = "transferTargetAddress"
    TRANSFER_TARGET_NAME = "transferTargetName"
    TRANSFER_TYPE = "transferType"
    USED_ROUTING = "usedRouting"
    USER_ID = "userId"
    WRAP_UP_CODE = "wrapUpCode"
    WRAP_UP_NOTE = "wrapUpNote"


class QueueObservationDimension(WireEnum):
    """What a queue observation query filters on."""

    MEDIA_TYPE = "mediaType"
    QUEUE_ID = "queueId"


class QueryOrder(WireEnum):
    """The order of a details query's conversations."""

    ASC = "asc"
    DESC = "desc"
    UNORDERED = "unordered"


class QueryOrderBy(WireEnum):
    """What a details query's conversations are ordered by."""

    CONVERSATION_START = "conversationStart"
    CONVERSATION_END = "conversationEnd"
    SEGMENT_START = "segmentStart"
    SEGMENT_END = "segmentEnd"
