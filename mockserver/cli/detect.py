"""Which model a captured record is, told apart by the keys each model's fields hold.

A record is read as the model whose fields hold its keys best: fewest keys the model does not
know, then fewest of the model's required fields missing, then most of them present (a
WrapupCode's ``name``), then most keys known. Its own keys
decide first; among models tied there, the keys of its nested objects (a participant's, an
entity's) decide. A Conversation's participants hold ``callbacks``; a CallbackConversation's hold
the callback's fields themselves, so the two are told apart one level down. Models still tied
(an empty listing is either listing) are all tried: the record is valid if any of them decodes
it, and otherwise the problems under each are reported. A record none of whose keys any model
knows is read as a Callback, the commonest capture.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import attrs

from contracts import (
    AssignedWrapupCode,
    BulkCallbackDisconnectRequest,
    BulkCallbackPatchRequest,
    BulkCallbackPatchResponse,
    Callback,
    CallbackConversation,
    CallbackConversationEntityListing,
    CallCommand,
    CampaignInteractions,
    Conversation,
    ConversationEntityListing,
    CreateCallbackCommand,
    CreateCallbackResponse,
    ErrorBody,
    MediaParticipantRequest,
    ParticipantAttributes,
    PatchCallbackRequest,
    SetRecordingState,
    TransferRequest,
    WrapupCode,
    WrapupInput,
    camel,
    unwrap_optional,
)

DEFAULT: type = Callback  # what a record no model knows a key of is read as
# The models detection chooses among, in the order ties are reported. A model with another's
# shape is left out and stands for it: CallbackBasic (Callback), ConversationBasic
# (Conversation), PatchCallbackResponse (CreateCallbackResponse), and
# CreateCallbackOnConversationCommand (CreateCallbackCommand).
DETECTED: tuple[type, ...] = (
    DEFAULT,
    Conversation,
    ConversationEntityListing,
    CampaignInteractions,
    CallbackConversation,
    CallbackConversationEntityListing,
    CreateCallbackResponse,
    BulkCallbackPatchResponse,
    ParticipantAttributes,
    AssignedWrapupCode,
    WrapupCode,
    ErrorBody,
    CreateCallbackCommand,
    PatchCallbackRequest,
    BulkCallbackPatchRequest,
    BulkCallbackDisconnectRequest,
    MediaParticipantRequest,
    WrapupInput,
    TransferRequest,
    SetRecordingState,
    CallCommand,
)

Misfit = tuple[int, int, int, int]
"""Keys the model does not know, its required fields missing, minus those present, minus the keys it knows."""


@attrs.frozen
class _Field:
    nested: type | None  # the model a JSON object (or each element of an array) here is read as
    required: bool


@cache
def _fields(model: type) -> dict[str, _Field]:
    """The wire names of ``model``'s fields, with the model each holds, if any."""
    fields = {}
    for attribute in attrs.fields(attrs.resolve_types(model)):
        inner = unwrap_optional(attribute.type)
        if getattr(inner, "__origin__", None) is tuple:
            inner = unwrap_optional(inner.__args__[0])
        nested = inner if isinstance(inner, type) and attrs.has(inner) else None
        fields[camel(attribute.name)] = _Field(nested, attribute.default is attrs.NOTHING)
    return fields


def misfit(model: type, value: dict[str, Any], *, deep: bool) -> Misfit:
    """How badly ``value``'s keys fit ``model``'s fields: its own keys, and with ``deep`` every nested object's."""
    fields = _fields(model)
    unknown = sum(key not in fields for key in value)
    required = [wire for wire, field in fields.items() if field.required]
    present = sum(wire in value for wire in required)
    missing = len(required) - present
    known = len(value) - unknown
    if deep:
        for key, inner in value.items():
            nested = fields[key].nested if key in fields else None
            if nested is None:
                continue
            for item in inner if isinstance(inner, list) else [inner]:
                if isinstance(item, dict):
                    u, m, p, k = misfit(nested, item, deep=True)
                    unknown, missing, present, known = unknown + u, missing + m, present - p, known - k
    return unknown, missing, -present, -known


def detect(value: Any) -> tuple[type, ...]:
    """The models a record's JSON is taken for (see the module docstring): one, unless several tie."""
    if not isinstance(value, dict):
        return (DEFAULT,)
    top = {model: misfit(model, value, deep=False) for model in DETECTED}
    if value and all(known == 0 for *_, known in top.values()):
        return (DEFAULT,)
    tied = _best(top)
    if len(tied) > 1:
        tied = _best({model: misfit(model, value, deep=True) for model in tied})
    return tied


def _best(scores: dict[type, Misfit]) -> tuple[type, ...]:
    least = min(scores.values())
    return tuple(model for model, score in scores.items() if score == least)
