"""The Genesys Cloud callback contract: models, wire converter and JSON Schema."""

from __future__ import annotations

from contracts._converter import camel
from contracts._datetimes import format_datetime, parse_datetime
from contracts._fields import check_bounds, described
from contracts._types import unwrap_optional
from contracts.commands import (
    BulkCallbackDisconnectRequest,
    CallbackDisconnectIdentifier,
    CallbackIdentifier,
    CreateCallbackCommand,
    CreateCallbackResponse,
    Detail,
    ErrorBody,
    PatchCallbackRequest,
    PatchCallbackResponse,
    RoutingData,
)
from contracts.conversations import (
    CampaignInteraction,
    CampaignInteractions,
    Conversation,
    ConversationBasic,
    ConversationEntityListing,
    DomainEntityRef,
    Participant,
    ParticipantBasic,
)
from contracts.enums import (
    AfterCallWorkState,
    CallbackIdentifierType,
    CallbackState,
    DeliveryMode,
    Direction,
    DisconnectType,
    UploadStatus,
    WireEnum,
    WrapupPrompt,
)
from contracts.errors import ContractError, Problem, ProblemKind
from contracts.models import (
    AfterCallWork,
    Callback,
    CallbackBasic,
    CallbackFields,
    ConversationQueueMediaSettings,
    DialerPreview,
    PhoneNumberColumn,
    Segment,
    Voicemail,
    Wrapup,
)
from contracts.phone import E164
from contracts.schema import definitions_for, json_schema
from contracts.wire import dumps, loads, structure, unstructure

__all__ = [
    "E164",
    "AfterCallWork",
    "AfterCallWorkState",
    "BulkCallbackDisconnectRequest",
    "Callback",
    "CallbackBasic",
    "CallbackDisconnectIdentifier",
    "CallbackFields",
    "CallbackIdentifier",
    "CallbackIdentifierType",
    "CallbackState",
    "CampaignInteraction",
    "CampaignInteractions",
    "ContractError",
    "Conversation",
    "ConversationBasic",
    "ConversationEntityListing",
    "ConversationQueueMediaSettings",
    "CreateCallbackCommand",
    "CreateCallbackResponse",
    "DeliveryMode",
    "Detail",
    "DialerPreview",
    "Direction",
    "DisconnectType",
    "DomainEntityRef",
    "ErrorBody",
    "Participant",
    "ParticipantBasic",
    "PatchCallbackRequest",
    "PatchCallbackResponse",
    "PhoneNumberColumn",
    "Problem",
    "ProblemKind",
    "RoutingData",
    "Segment",
    "UploadStatus",
    "Voicemail",
    "WireEnum",
    "Wrapup",
    "WrapupPrompt",
    "camel",
    "check_bounds",
    "definitions_for",
    "described",
    "dumps",
    "format_datetime",
    "json_schema",
    "loads",
    "parse_datetime",
    "structure",
    "unstructure",
    "unwrap_optional",
]
