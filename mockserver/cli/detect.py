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

from functools import cache, lru_cache
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
class _Shape:
    """A model's wire field names, the required ones, and the model each field holds, if any."""

    names: frozenset[str]
    required: frozenset[str]
    nested: dict[str, type]  # the model a JSON object (or each element of an array) there is read as


@cache
def _shape(model: type) -> _Shape:
    names, required, nested = set(), set(), {}
    for attribute in attrs.fields(attrs.resolve_types(model)):
        wire = camel(attribute.name)
        names.add(wire)
        if attribute.default is attrs.NOTHING:
            required.add(wire)
        inner = unwrap_optional(attribute.type)
        if getattr(inner, "__origin__", None) is tuple:
            inner = unwrap_optional(inner.__args__[0])
        if isinstance(inner, type) and attrs.has(inner):
            nested[wire] = inner
    return _Shape(frozenset(names), frozenset(required), nested)


def misfit(model: type, value: dict[str, Any], *, deep: bool) -> Misfit:
    """How badly ``value``'s keys fit ``model``'s fields: its own keys, and with ``deep`` every nested object's."""
    shape = _shape(model)
    keys = value.keys()
    unknown = len(keys - shape.names)  # set operations: detection runs on every record
    present = len(shape.required & keys)
    missing = len(shape.required) - present
    known = len(value) - unknown
    if deep:
        for key, nested in shape.nested.items():
            inner = value.get(key)
            for item in inner if isinstance(inner, list) else [inner]:
                if isinstance(item, dict):
                    u, m, p, k = misfit(nested, item, deep=True)
                    unknown, missing, present, known = unknown + u, missing + m, present - p, known - k
    return unknown, missing, -present, -known


def detect(value: Any) -> tuple[type, ...]:
    """The models a record's JSON is taken for (see the module docstring): one, unless several tie."""
    if not isinstance(value, dict):
        return (DEFAULT,)
    tied = _by_own_keys(frozenset(value))
    if len(tied) > 1:
        tied = _best({model: misfit(model, value, deep=True) for model in tied})
    return tied


@lru_cache(maxsize=4096)  # bounded: a capture of varied records holds many key sets
def _by_own_keys(keys: frozenset[str]) -> tuple[type, ...]:
    """The models that fit a record with these keys best, by its own keys alone.

    Cached: the records of one capture mostly share their keys, and this runs on every record.
    """
    top = {model: misfit(model, dict.fromkeys(keys), deep=False) for model in DETECTED}
    if keys and all(known == 0 for *_, known in top.values()):
        return (DEFAULT,)
    return _best(top)


def _best(scores: dict[type, Misfit]) -> tuple[type, ...]:
    least = min(scores.values())
    return tuple(model for model, score in scores.items() if score == least)
