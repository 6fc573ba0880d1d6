"""A stored conversation as each notification topic's event body; pure functions, no HTTP.

The event models share most field names with REST, so each part is recast through the tolerant
contract (``_recast``: the wire mapping of a REST object read as the event model, the fields the
event lacks left behind) rather than copied field by field. What differs is set explicitly:

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

from typing import Any, TypeVar

import attrs

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
    ConversationEventTopicUriReference,
    EventMediaParticipantDisconnectType,
    EventMediaParticipantState,
    Participant,
    QueueConversationCallbackEventTopicCallbackConversation,
    QueueConversationEventTopicConversation,
)
from mockserver.state import projections

T = TypeVar("T")


def _recast(obj: Any, model: type[T], **fields: Any) -> T:
    """``obj``'s wire mapping read as ``model`` (keys ``model`` lacks dropped), then ``fields`` set."""
    return attrs.evolve(contracts.structure(contracts.unstructure(obj), model, strict=False), **fields)  # type: ignore[misc]


def conversation_event(conversation: Conversation) -> ConversationEventTopicConversation:
    """``conversation`` as ``v2.users.{id}.conversations`` and the queue topic carry it."""
    recording = conversation.recording_state
    return ConversationEventTopicConversation(
        id=conversation.id,
        participants=tuple(_participant(participant) for participant in conversation.participants or ()),
        recording_state=None if recording is None else recording.value.lower(),
    )


def _participant(participant: Participant) -> ConversationEventTopicParticipant:
    queue_id = participant.queue_id
    routed = queue_id is not None and participant.purpose in projections.ROUTED_PURPOSES
    return _recast(
        attrs.evolve(participant, calls=None, callbacks=None),
        ConversationEventTopicParticipant,
        conversation_routing_data=_recast(
            participant.conversation_routing_data, ConversationEventTopicConversationRoutingData
        )
        if participant.conversation_routing_data is not None
        else ConversationEventTopicConversationRoutingData(
            queue=ConversationEventTopicUriReference(id=queue_id)
        )
        if routed
        else None,
        wrapup_expected=participant.purpose == "agent",
        callbacks=tuple(_callback(callback) for callback in participant.callbacks or ()),
    )


def _callback(callback: Callback) -> ConversationEventTopicCallback:
    return _recast(
        attrs.evolve(callback, segments=None, start_alerting_time=None, direction=None),
        ConversationEventTopicCallback,
    )


def callback_conversation_event(
    conversation: Conversation,
) -> ConversationCallbackEventTopicCallbackConversation:
    """``conversation`` as the ``.conversations.callbacks`` topics carry it: participants flattened."""
    return ConversationCallbackEventTopicCallbackConversation(
        id=conversation.id,
        name=conversation.name,
        participants=tuple(
            _media_participant(participant, participant.callbacks[0])
            for participant in conversation.participants or ()
            if participant.callbacks
        ),
        other_media_uris=(),
    )


def _media_participant(
    participant: Participant, callback: Callback
) -> ConversationCallbackEventTopicCallbackMediaParticipant:
    flattened = attrs.evolve(projections.media_participant(participant, callback), start_alerting_time=None)
    return _recast(
        flattened,
        ConversationCallbackEventTopicCallbackMediaParticipant,
        state=None if callback.state is None else EventMediaParticipantState(callback.state.value),
        initial_state=None
        if callback.initial_state is None
        else EventMediaParticipantState(callback.initial_state.value),
        disconnect_type=None
        if callback.disconnect_type is None
        else EventMediaParticipantDisconnectType(callback.disconnect_type.value),
    )


def queue_body(body: Any) -> Any:
    """A user topic's body as the queue topic's class: the same fields under the SDK's other name."""
    named = {
        ConversationEventTopicConversation: QueueConversationEventTopicConversation,
        ConversationCallbackEventTopicCallbackConversation: QueueConversationCallbackEventTopicCallbackConversation,
    }[type(body)]
    return named(**{field.name: getattr(body, field.name) for field in attrs.fields(type(body))})
