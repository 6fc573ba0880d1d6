"""The closed value sets of the media communications other than callbacks (``contracts.media``).

Each list is the official SDK's ``allowed_values`` for the field named in its docstring, in the
SDK's order; the parity tests compare them value by value.
"""

from __future__ import annotations

from contracts.enums import WireEnum


class MessageContentType(WireEnum):
    """The values of ``ConversationMessageMetadataContent.content_type``."""

    REACTIONS = "Reactions"
    ATTACHMENT = "Attachment"
    LOCATION = "Location"
    QUICK_REPLY = "QuickReply"
    NOTIFICATION = "Notification"
    BUTTON_RESPONSE = "ButtonResponse"
    STORY = "Story"
    MENTION = "Mention"
    CARD = "Card"
    CAROUSEL = "Carousel"
    TEXT = "Text"
    QUICK_REPLY_V2 = "QuickReplyV2"
    DATE_PICKER = "DatePicker"
    INTERACTIVE_APPLICATION = "InteractiveApplication"
    LIST_PICKER = "ListPicker"
    PAYMENT_REQUEST = "PaymentRequest"
    PAYMENT_RESPONSE = "PaymentResponse"
    PUSH = "Push"
    FORM = "Form"
    ROADSIDE_ASSISTANCE = "RoadsideAssistance"
    RICH_LINK = "RichLink"
    NOTIFICATION_RESPONSE = "NotificationResponse"
    UNKNOWN = "Unknown"


class MessageContentSubType(WireEnum):
    """The values of ``ConversationMessageMetadataContent.sub_type``."""

    IMAGE = "Image"
    VIDEO = "Video"
    AUDIO = "Audio"
    FILE = "File"
    LINK = "Link"
    MENTION = "Mention"
    REPLY = "Reply"
    BUTTON = "Button"
    QUICK_REPLY = "QuickReply"
    POSTBACK = "Postback"
    UNKNOWN = "Unknown"


class MessageEventType(WireEnum):
    """The values of ``ConversationMessageMetadataEvent.event_type``."""

    CO_BROWSE = "CoBrowse"
    TYPING = "Typing"
    PRESENCE = "Presence"
    VIDEO = "Video"
    UNKNOWN = "Unknown"


class MessageEventSubType(WireEnum):
    """The values of ``ConversationMessageMetadataEvent.sub_type``."""

    ON = "On"
    JOIN = "Join"
    OFFERING = "Offering"
    OFFERING_EXPIRED = "OfferingExpired"
    OFFERING_ACCEPTED = "OfferingAccepted"
    OFFERING_REJECTED = "OfferingRejected"
    DISCONNECT = "Disconnect"
    CLEAR = "Clear"
    SIGN_IN = "SignIn"
    SESSION_EXPIRED = "SessionExpired"
    AUTHENTICATE = "Authenticate"
    AUTHENTICATE_FAILURE = "AuthenticateFailure"
    AUTHENTICATE_CANCEL = "AuthenticateCancel"
    UNKNOWN = "Unknown"


class MessageMetadataType(WireEnum):
    """The values of ``ConversationMessageMetadata.type``."""

    TEXT = "Text"
    STRUCTURED = "Structured"
    RECEIPT = "Receipt"
    EVENT = "Event"
    MESSAGE = "Message"
    UNKNOWN = "Unknown"


class MessageStatus(WireEnum):
    """The values of ``MessageDetails.message_status``."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    RECEIVED = "received"
    DELIVERY_SUCCESS = "delivery-success"
    DELIVERY_FAILED = "delivery-failed"
    READ = "read"
    REMOVED = "removed"
    PUBLISHED = "published"


class SocialVisibility(WireEnum):
    """The values of ``MessageDetails.social_visibility``."""

    PRIVATE = "private"
    PUBLIC = "public"


class MediaState(WireEnum):
    """The values of ``ConversationChat.state``."""

    ALERTING = "alerting"
    DIALING = "dialing"
    CONTACTING = "contacting"
    OFFERING = "offering"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    TERMINATED = "terminated"
    NONE = "none"


class ChatDisconnectType(WireEnum):
    """The values of ``ConversationChat.disconnect_type``."""

    ENDPOINT = "endpoint"
    CLIENT = "client"
    SYSTEM = "system"
    TRANSFER = "transfer"
    TRANSFER_CONFERENCE = "transfer.conference"
    TRANSFER_CONSULT = "transfer.consult"
    TRANSFER_FORWARD = "transfer.forward"
    ERROR = "error"
    PEER = "peer"
    OTHER = "other"
    UNCALLABLE = "uncallable"
    TIMEOUT = "timeout"


class CobrowseDisconnectType(WireEnum):
    """The values of ``Cobrowsesession.disconnect_type``."""

    ENDPOINT = "endpoint"
    CLIENT = "client"
    SYSTEM = "system"
    TIMEOUT = "timeout"
    TRANSFER = "transfer"
    TRANSFER_CONFERENCE = "transfer.conference"
    TRANSFER_CONSULT = "transfer.consult"
    TRANSFER_FORWARD = "transfer.forward"
    TRANSPORT_FAILURE = "transport.failure"
    ERROR = "error"
    PEER = "peer"
    OTHER = "other"
    SPAM = "spam"
    UNCALLABLE = "uncallable"


class EmailState(WireEnum):
    """The values of ``Email.state``."""

    ALERTING = "alerting"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    NONE = "none"
    PARKED = "parked"
    TRANSMITTING = "transmitting"


class MessageState(WireEnum):
    """The values of ``Message.state``."""

    ALERTING = "alerting"
    CONNECTED = "connected"
    PARKED = "parked"
    DISCONNECTED = "disconnected"


class MessageDisconnectType(WireEnum):
    """The values of ``Message.disconnect_type``."""

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
    INACTIVITY = "inactivity"
    SESSION_EXPIRED = "session.expired"
    TAKEOVER = "takeover"


class MessageType(WireEnum):
    """The values of ``Message.type``."""

    APPLE = "apple"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    KAKAO = "kakao"
    LINE = "line"
    OPEN = "open"
    SMS = "sms"
    TELEGRAM = "telegram"
    TWITTER = "twitter"
    WEBMESSAGING = "webmessaging"
    WHATSAPP = "whatsapp"
    UNKNOWN = "unknown"


class EngagementSource(WireEnum):
    """The values of ``Message.engagement_source``."""

    APPLE_MESSAGES_FOR_BUSINESS = "AppleMessagesForBusiness"
    DISCORD = "Discord"
    EMAIL = "Email"
    FACEBOOK = "Facebook"
    FACEBOOK_MESSENGER = "FacebookMessenger"
    GLASSDOOR = "Glassdoor"
    GOOGLE_BUSINESS_PROFILE = "GoogleBusinessProfile"
    INSTAGRAM = "Instagram"
    KAKAO_TALK = "KakaoTalk"
    LINE = "Line"
    LINKED_IN = "LinkedIn"
    MICROSOFT_TEAMS = "MicrosoftTeams"
    MOBILE_CHAT = "MobileChat"
    OTHER = "Other"
    QQ = "QQ"
    REDDIT = "Reddit"
    SERVICE_NOW = "ServiceNow"
    SFDC = "SFDC"
    SMS = "SMS"
    SNAPCHAT = "Snapchat"
    TELEGRAM = "Telegram"
    THREADS = "Threads"
    TRUSTPILOT = "Trustpilot"
    UNSPECIFIED = "Unspecified"
    VIBER = "Viber"
    WEB_CHAT = "WebChat"
    WE_CHAT = "WeChat"
    WEIBO = "Weibo"
    WHATS_APP = "WhatsApp"
    X = "X"
    YELP = "Yelp"
    YOU_TUBE = "YouTube"
    ZENDESK = "Zendesk"
    OPEN_MESSAGING = "OpenMessaging"


class InternalMessageState(WireEnum):
    """The values of ``InternalMessage.state``."""

    ALERTING = "alerting"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"


class InternalMessageDisconnectType(WireEnum):
    """The values of ``InternalMessage.disconnect_type``."""

    CLIENT = "client"
    SYSTEM = "system"
    PEER = "peer"
    TRANSFER = "transfer"


class ScreenMonitoringState(WireEnum):
    """The values of ``ScreenMonitoring.initial_state``."""

    NONE = "none"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"


class ScreenMonitoringDisconnectType(WireEnum):
    """The values of ``ScreenMonitoring.disconnect_type``."""

    SYSTEM = "system"


class MonitoringType(WireEnum):
    """The values of ``ScreenMonitoring.monitoring_type``."""

    UNKNOWN = "Unknown"
    AGENT_LEVEL = "AgentLevel"
    CONVERSATION_LEVEL = "ConversationLevel"


class LimitNamespace(WireEnum):
    """The values of ``Limit.namespace``."""

    USERS_RULES = "users.rules"
    VOICE_TRANSCRIPTION = "voice.transcription"
    AGENT_ASSISTANT = "agent.assistant"
    AGENTIC_VIRTUAL_AGENTS = "agentic.virtual.agents"
    ANALYTICS_AGENTS = "analytics.agents"
    ANALYTICS_ALERTING = "analytics.alerting"
    ANALYTICS_DATA_EXTRACTION = "analytics.data.extraction"
    ANALYTICS = "analytics"
    ANALYTICS_REALTIME = "analytics.realtime"
    ANALYTICS_REPORTING_SETTINGS = "analytics.reporting.settings"
    ANOMALY_DETECTION = "anomaly.detection"
    ARCHITECT = "architect"
    AUDIOHOOK = "audiohook"
    AUDIOHOOK_MONITOR = "audiohook.monitor"
    AUDIT = "audit"
    AUTH_API = "auth.api"
    AUTHORIZATION = "authorization"
    AUTOMATION_TESTING = "automation.testing"
    BOTS = "bots"
    BOTS_VOICE = "bots.voice"
    BUSINESS_RULES = "business.rules"
    CALLBACK = "callback"
    CASE_MANAGEMENT = "case.management"
    COBROWSE = "cobrowse"
    CONTENT_MANAGEMENT = "content.management"
    CONVERSATION = "conversation"
    COPILOT = "copilot"
    DATAACTIONS = "dataactions"
    DATATABLES = "datatables"
    DIRECTORY = "directory"
    DSAR = "dsar"
    EMAIL = "email"
    EMPLOYEE_ENGAGEMENT = "employee.engagement"
    EVENT_ORCHESTRATION = "event.orchestration"
    EXTERNAL_CONTACTS = "external.contacts"
    EXTERNAL_EVENTS_DATA_INGESTION = "external.events.data.ingestion"
    GAMIFICATION = "gamification"
    GCV = "gcv"
    GDPR = "gdpr"
    GROUPS = "groups"
    GUIDES = "guides"
    HISTORICAL_ADHERENCE = "historical.adherence"
    INFRASTRUCTUREASCODE = "infrastructureascode"
    INTEGRATIONS = "integrations"
    INTENT_MINER = "intent.miner"
    INTERNAL_MESSAGING = "internal.messaging"
    JOURNEY = "journey"
    KNOWLEDGE = "knowledge"
    LANGUAGE_UNDERSTANDING = "language.understanding"
    LEARNING = "learning"
    LIMIT_REGISTRY = "limit.registry"
    MARKETPLACE = "marketplace"
    MCP_ANALYTICS_AGGREGATES = "mcp.analytics.aggregates"
    MCP = "mcp"
    MEDIA_COMMUNICATIONS = "media.communications"
    MESSAGING = "messaging"
    MICRO_FRONTEND = "micro.frontend"
    MULTI_ORG = "multi.org"
    NOTIFICATIONS = "notifications"
    ONBOARDING = "onboarding"
    ORGANIZATION_NOTICE = "organization.notice"
    OUTBOUND = "outbound"
    PLATFORM_API = "platform.api"
    PREDICTIVE_ROUTING = "predictive.routing"
    PRESENCE = "presence"
    QUALITY = "quality"
    RECORDING = "recording"
    RESPONSE_MANAGEMENT = "response.management"
    ROUTING = "routing"
    SCIM = "scim"
    SCREEN_MONITORING = "screen.monitoring"
    SDA = "sda"
    SEARCH = "search"
    SECONDARY_AUTOMATION_TESTING = "secondary.automation.testing"
    SKILLS = "skills"
    SOCIAL_MEDIA = "social.media"
    SPEECH_AND_TEXT_ANALYTICS = "speech.and.text.analytics"
    SPEECH_INTEGRATION = "speech.integration"
    SUPPORTABILITY = "supportability"
    TASK_MANAGEMENT = "task.management"
    TELEPHONY_CONFIGURATION = "telephony.configuration"
    USAGE = "usage"
    USERS = "users"
    WEB_DEPLOYMENTS = "web.deployments"
    WEB_MESSAGING = "web.messaging"
    WEBCHAT = "webchat"
    WEBHOOKS = "webhooks"
    WORKFORCE_MANAGEMENT_ADHERENCE = "workforce.management.adherence"
    WORKFORCE_MANAGEMENT_AGENT_AVAILABILITY = "workforce.management.agent.availability"
    WORKFORCE_MANAGEMENT_FORECAST = "workforce.management.forecast"
    WORKFORCE_MANAGEMENT = "workforce.management"
    WORKFORCE_MANAGEMENT_SCHEDULING_PREFERENCES = "workforce.management.scheduling.preferences"
    WORKFORCE_MANAGEMENT_SELF_SCHEDULE = "workforce.management.self.schedule"
    WORKFORCE_MANAGEMENT_SHIFT_TRADING = "workforce.management.shift.trading"
    SYSTEM = "system"
