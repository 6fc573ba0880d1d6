"""A stored conversation as each notification topic's event body; pure functions, no HTTP.

The event models share most field names with REST, so each part is the REST object written as the
event model (``contracts.projector``: the fields both have, at every depth, by a function cattrs
generates for the pair) rather than copied field by field, and without building the REST wire form
or contract objects of the event on the way: a body is built for every change a channel hears
(benchmarks/README.md, bench_waking (c)). What differs is set explicitly:

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
same shape), so one body serves both.
"""

from __future__ import annotations

from typing import Any

import contracts
from contracts import (
    Callback,
    CallbackMediaParticipant,
    Conversation,
    ConversationCallbackEventTopicCallbackMediaParticipant,
    ConversationEventTopicParticipant,
    Participant,
)
from mockserver.state import projections

JSON = dict[str, Any]
# Each written straight from the contract object by a function cattrs generates for the pair (only
# the fields the event model has, at every depth): a body is built for every change a channel
# hears, and a 24 h advance makes thousands (benchmarks/README.md, bench_waking (c)).
_PARTICIPANT = contracts.projector(
    Participant, ConversationEventTopicParticipant, frozenset({(Callback, "direction")})
)
_MEDIA_PARTICIPANT = contracts.projector(
    CallbackMediaParticipant,
    ConversationCallbackEventTopicCallbackMediaParticipant,
    frozenset({(CallbackMediaParticipant, "start_alerting_time")}),
)


def conversation_event(conversation: Conversation) -> JSON:
    """``conversation`` as ``v2.users.{id}.conversations`` and the queue topic carry it (wire form)."""
    body: JSON = {} if conversation.id is None else {"id": conversation.id}
    body["participants"] = [_participant(participant) for participant in conversation.participants or ()]
    if conversation.recording_state is not None:
        body["recordingState"] = conversation.recording_state.value.lower()
    return body


def _participant(participant: Participant) -> JSON:
    body = _PARTICIPANT(participant)
    if (
        "conversationRoutingData" not in body
        and participant.queue_id is not None
        and participant.purpose in projections.ROUTED_PURPOSES
    ):
        body["conversationRoutingData"] = {"queue": {"id": participant.queue_id}}
    body["wrapupExpected"] = participant.purpose == "agent"
    body.setdefault("callbacks", [])
    return body


def callback_conversation_event(conversation: Conversation) -> JSON:
    """``conversation`` as the ``.conversations.callbacks`` topics carry it: participants flattened."""
    body: JSON = {} if conversation.id is None else {"id": conversation.id}
    if conversation.name is not None:
        body["name"] = conversation.name
    body["participants"] = [
        _media_participant(participant, participant.callbacks[0])
        for participant in conversation.participants or ()
        if participant.callbacks
    ]
    body["otherMediaUris"] = []
    return body


def _media_participant(participant: Participant, callback: Callback) -> JSON:
    body = _MEDIA_PARTICIPANT(projections.media_participant(participant, callback))
    # the event's own value sets, straight from the callback (REST maps some of them)
    for key, value in (
        ("state", callback.state),
        ("initialState", callback.initial_state),
        ("disconnectType", callback.disconnect_type),
    ):
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value.value
    return body
