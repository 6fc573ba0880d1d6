"""A stored conversation as each notification topic's event body; pure functions, no HTTP.

The event models share most field names with REST, so each part is the REST object's wire mapping
projected onto the event model (``_project``: the keys the event model lacks left behind, at every
depth, by the contract's ``wire_fields``) rather than copied field by field, and without building
contract objects on the way: a body is built for every change a channel hears (benchmarks/README.md).
What differs is set explicitly:

- ``v2.users.{id}.conversations`` / ``v2.routing.queues.{id}.conversations``
  (``ConversationEventTopicConversation``): participants with ``callbacks[]`` only, no segments
  and no ``startAlertingTime`` (events never carry them, reference A7); ``recordingState`` is a free
  string, lower case as captured (``"none"``); the routed legs (acd, agent) carry
  ``conversationRoutingData.queue``. The callback values need no table: every REST
  ``CallbackState`` and ``DisconnectType`` is also an event value.
- the ``.callbacks`` topics (``ConversationCallbackEventTopicCallbackConversation``): the REST
  flattening (``projections.media_participant``), with the event's own value sets: ``state`` and
  ``initialState`` straight from the callback (``scheduled`` exists here, unlike REST, where
  ``projections`` shows it as ``none``) and ``disconnectType`` too (``timeout`` and ``uncallable``
  exist here; REST maps them to ``system``/``other``). Entity references lose their URIs.

The queue topics' bodies equal the user topics' (the SDK's ``QueueConversation...`` classes are the
same shape), so one body serves both; ``queue_body`` names it after the queue topic's class.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import contracts
from contracts import (
    Callback,
    Conversation,
    ConversationCallbackEventTopicCallbackConversation,
    ConversationCallbackEventTopicCallbackMediaParticipant,
    ConversationEventTopicCallback,
    ConversationEventTopicConversation,
    ConversationEventTopicConversationRoutingData,
    ConversationEventTopicParticipant,
    Participant,
)
from mockserver.state import projections

JSON = dict[str, Any]
_LEFT_OUT: Any = None  # an override of None leaves the key out, as an absent field is


def _project(mapping: Mapping[str, Any], model: type, **overrides: Any) -> JSON:
    """``mapping`` (another model's wire form) read as ``model``'s wire form: the keys ``model`` lacks
    left behind at every depth, in ``model``'s field order; ``overrides`` (wire keys) set instead."""
    projected: JSON = {}
    for key, nested in contracts.wire_fields(model):
        if key in overrides:
            value = overrides[key]
        elif key in mapping:
            value = mapping[key]
            if nested is not None:
                value = (
                    [_project(item, nested) for item in value]
                    if isinstance(value, list)
                    else _project(value, nested)
                )
        else:
            continue
        if value is not None:
            projected[key] = value
    return projected


def conversation_event(conversation: Conversation) -> JSON:
    """``conversation`` as ``v2.users.{id}.conversations`` and the queue topic carry it (wire form)."""
    wire = contracts.unstructure(conversation)
    recording = conversation.recording_state
    participants = [
        _participant(participant, mapping)
        for participant, mapping in zip(
            conversation.participants or (), wire.get("participants", ()), strict=True
        )
    ]
    return _project(
        {},
        ConversationEventTopicConversation,
        id=conversation.id,
        participants=participants,
        recordingState=None if recording is None else recording.value.lower(),
    )


def _participant(participant: Participant, mapping: JSON) -> JSON:
    queue_id = participant.queue_id
    routed = queue_id is not None and participant.purpose in projections.ROUTED_PURPOSES
    routing = mapping.get("conversationRoutingData")
    return _project(
        mapping,
        ConversationEventTopicParticipant,
        conversationRoutingData=_project(routing, ConversationEventTopicConversationRoutingData)
        if routing is not None
        else {"queue": {"id": queue_id}}
        if routed
        else None,
        wrapupExpected=participant.purpose == "agent",
        callbacks=[_callback(callback) for callback in mapping.get("callbacks", ())],
    )


def _callback(mapping: JSON) -> JSON:
    return _project(
        mapping,
        ConversationEventTopicCallback,
        segments=_LEFT_OUT,
        startAlertingTime=_LEFT_OUT,
        direction=_LEFT_OUT,
    )


def callback_conversation_event(conversation: Conversation) -> JSON:
    """``conversation`` as the ``.conversations.callbacks`` topics carry it: participants flattened."""
    return _project(
        {},
        ConversationCallbackEventTopicCallbackConversation,
        id=conversation.id,
        name=conversation.name,
        participants=[
            _media_participant(participant, participant.callbacks[0])
            for participant in conversation.participants or ()
            if participant.callbacks
        ],
        otherMediaUris=[],
    )


def _media_participant(participant: Participant, callback: Callback) -> JSON:
    flattened = contracts.unstructure(projections.media_participant(participant, callback))
    return _project(
        flattened,
        ConversationCallbackEventTopicCallbackMediaParticipant,
        startAlertingTime=_LEFT_OUT,
        # the event's own value sets, straight from the callback (REST maps some of them)
        state=None if callback.state is None else callback.state.value,
        initialState=None if callback.initial_state is None else callback.initial_state.value,
        disconnectType=None if callback.disconnect_type is None else callback.disconnect_type.value,
    )
