"""The closed value sets of the analytics detail events, as plain ``str`` enums (upper case, as the SDK allows).

Checked against the official SDK's setters by the parity tests.
"""

from __future__ import annotations

from contracts.enums import WireEnum


class DetailEventMediaType(WireEnum):
    """A detail event's media type (upper case, unlike analytics' and REST's lower case)."""

    UNKNOWN = "UNKNOWN"
    VOICE = "VOICE"
    CHAT = "CHAT"
    EMAIL = "EMAIL"
    CALLBACK = "CALLBACK"
    COBROWSE = "COBROWSE"
    VIDEO = "VIDEO"
    SCREENSHARE = "SCREENSHARE"
    MESSAGE = "MESSAGE"
    INTERNALMESSAGE = "INTERNALMESSAGE"
    SCREENMONITORING = "SCREENMONITORING"


class DetailEventDirection(WireEnum):
    """The session's direction."""

    UNKNOWN = "UNKNOWN"
    INBOUND = "INBOUND"
    OUTBOUND = "OUTBOUND"


class DetailEventMessageType(WireEnum):
    """A message session's platform (none on a callback or a call)."""

    UNKNOWN = "UNKNOWN"
    SMS = "SMS"
    TWITTER = "TWITTER"
    FACEBOOK = "FACEBOOK"
    LINE = "LINE"
    WHATSAPP = "WHATSAPP"
    WEBMESSAGING = "WEBMESSAGING"
    OPEN = "OPEN"
    INSTAGRAM = "INSTAGRAM"
    APPLE = "APPLE"
    LINKEDIN = "LINKEDIN"


class DetailEventDisconnectType(WireEnum):
    """Why a session ended (upper case with underscores, unlike REST's dotted lower case)."""

    UNKNOWN = "UNKNOWN"
    ENDPOINT = "ENDPOINT"
    CLIENT = "CLIENT"
    SYSTEM = "SYSTEM"
    TRANSFER = "TRANSFER"
    ERROR = "ERROR"
    PEER = "PEER"
    OTHER = "OTHER"
    SPAM = "SPAM"
    TIMEOUT = "TIMEOUT"
    TRANSPORT_FAILURE = "TRANSPORT_FAILURE"
    CONFERENCE_TRANSFER = "CONFERENCE_TRANSFER"
    CONSULT_TRANSFER = "CONSULT_TRANSFER"
    FORWARD_TRANSFER = "FORWARD_TRANSFER"
    NO_ANSWER_TRANSFER = "NO_ANSWER_TRANSFER"
    NOT_AVAILABLE_TRANSFER = "NOT_AVAILABLE_TRANSFER"
    UNCALLABLE = "UNCALLABLE"
    DND_ENDPOINT = "DND_ENDPOINT"
    DND_TRANSFER = "DND_TRANSFER"
    INACTIVITY = "INACTIVITY"
    SESSION_EXPIRED = "SESSION_EXPIRED"
    TAKEOVER = "TAKEOVER"


class AcdOutcome(WireEnum):
    """How a session's time in queue ended."""

    UNKNOWN = "UNKNOWN"
    ABANDON = "ABANDON"
    ANSWERED = "ANSWERED"
    FLOW_OUT = "FLOW_OUT"


class UsedRouting(WireEnum):
    """Which routing method found the agent."""

    UNKNOWN = "UNKNOWN"
    MANUAL = "MANUAL"
    PREDICTIVE = "PREDICTIVE"
    PREFERRED = "PREFERRED"
    LAST = "LAST"
    BULLSEYE = "BULLSEYE"
    STANDARD = "STANDARD"
    OTHER = "OTHER"
    CONDITIONAL = "CONDITIONAL"
    VIP = "VIP"
