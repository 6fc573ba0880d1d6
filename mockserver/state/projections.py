"""The callback-only view of a stored conversation: what ``GET /api/v2/conversations/callbacks`` answer.

A stored ``Conversation`` holds ``Participant`` objects, each with ``callbacks[]``; the callback
routes answer ``CallbackConversation``, whose ``CallbackMediaParticipant`` carries its callback's
fields on itself. ``callback_conversation`` flattens each participant's first callback onto it;
a participant without a callback is left out. Pure functions of contract objects: no HTTP here.

Where each field comes from:

- From the participant: ``id`` (never the callback's), ``name``, ``address``, ``startTime``,
  ``purpose``, ``wrapupRequired``, ``wrapupPrompt`` (the enum's value: a free string here),
  ``attributes``, ``alertingTimeoutMs``, ``startAcwTime``, ``endAcwTime``; ``user`` from ``userId``,
  ``queue`` from ``queueId``/``queueName``, and, for the acd and agent legs with a queue,
  ``conversationRoutingData.queue``.
- From the callback: ``startAlertingTime``, ``connectedTime``, ``endTime`` (its
  ``disconnectedTime``: both describe "this media", and a participant's ``endTime`` waits for all of
  its callbacks), ``startHoldTime``, ``state``, ``direction``, ``disconnectType``, ``held``,
  ``provider``, ``peer`` (its ``peerId``), ``script`` (from ``scriptId``), ``outboundPreview`` (its
  ``dialerPreview``), ``voicemail``, ``callbackNumbers``, ``callbackUserName``, ``externalCampaign``,
  ``skipEnabled``, ``timeoutSeconds``, ``automatedCallbackConfigId``, ``callbackScheduledTime``.
- ``wrapup``: the participant's, else the callback's (communication-based after-call work records
  the code on the communication only).

Two value sets differ, and each has a table below:

1. ``state``: ``MediaParticipantState`` has no ``scheduled``, and the Python SDK reads a value it
   does not know as ``"outdated_sdk_version"``. A callback not yet fired is shown as ``none``: no
   source says what the REST view reports (the reference's open question 4); ``none`` claims no
   progress the callback has not made, where ``offering`` or ``connected`` would (once it fires,
   the customer leg really is ``connected``). Every other ``CallbackState`` keeps its value.
2. ``disconnectType``: ``MediaParticipantDisconnectType`` lacks ``timeout`` and ``uncallable``.
   ``timeout`` -> ``system``: the platform itself reports an offer that timed out as ``system`` (the
   captured REST and WebSocket payloads of an unanswered offer). ``uncallable`` -> ``other``: the
   number could not be dialled, which none of the media values (``error``, ``endpoint``,
   ``system``...) describes without claiming a cause. Every other ``DisconnectType`` keeps its
   value. The REST ``Callback`` has no do-not-disturb values at all, so the media enum's
   ``endpoint.donotdisturb``/``transfer.donotdisturb`` never arise from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TypeVar

from contracts import (
    AddressableEntityRef,
    Callback,
    CallbackConversation,
    CallbackConversationEntityListing,
    CallbackMediaParticipant,
    CallbackState,
    Conversation,
    ConversationRoutingData,
    DisconnectType,
    DomainEntityRef,
    MediaParticipantDisconnectType,
    MediaParticipantState,
    Participant,
    WireEnum,
)
from mockserver.state import paging

SELF_URI = "/api/v2/conversations/callbacks"
# The legs the queue routes; the customer's leg is not routed.
ROUTED_PURPOSES = frozenset({"acd", "agent"})

Source = TypeVar("Source", bound=WireEnum)
Target = TypeVar("Target", bound=WireEnum)


def _by_value(source: type[Source], target: type[Target], **exceptions: Target) -> Mapping[Source, Target]:
    """Each member of ``source`` to the ``target`` member of the same value, or to its exception.

    ``exceptions`` are keyed by member name. A member with neither is left out, so the table tests
    fail on it rather than the view inventing a value.
    """
    values = {member.value: member for member in target}
    table = {member: exceptions.get(member.name, values.get(member.value)) for member in source}
    return MappingProxyType({member: value for member, value in table.items() if value is not None})


STATES: Mapping[CallbackState, MediaParticipantState] = _by_value(
    CallbackState, MediaParticipantState, SCHEDULED=MediaParticipantState.NONE
)
DISCONNECT_TYPES: Mapping[DisconnectType, MediaParticipantDisconnectType] = _by_value(
    DisconnectType,
    MediaParticipantDisconnectType,
    TIMEOUT=MediaParticipantDisconnectType.SYSTEM,
    UNCALLABLE=MediaParticipantDisconnectType.OTHER,
)


def callback_conversation(conversation: Conversation) -> CallbackConversation:
    """``conversation`` as ``GET /api/v2/conversations/callbacks/{conversationId}`` answers it.

    Its participants holding a callback, in order, each flattened with its first callback.
    """
    return CallbackConversation(
        id=conversation.id,
        name=conversation.name,
        participants=tuple(
            media_participant(participant, participant.callbacks[0])
            for participant in conversation.participants or ()
            if participant.callbacks
        ),
        other_media_uris=(),
        recent_transfers=(),
        self_uri=f"{SELF_URI}/{conversation.id}",
    )


def media_participant(participant: Participant, callback: Callback) -> CallbackMediaParticipant:
    """``participant`` with ``callback``'s fields on itself, as the callback routes show it."""
    queue_id = participant.queue_id
    routing = participant.conversation_routing_data or (
        ConversationRoutingData(
            queue=AddressableEntityRef(id=queue_id, self_uri=f"/api/v2/routing/queues/{queue_id}")
        )
        if queue_id is not None and participant.purpose in ROUTED_PURPOSES
        else None
    )
    return CallbackMediaParticipant(
        id=participant.id,
        name=participant.name,
        address=participant.address,
        start_time=participant.start_time,
        start_alerting_time=callback.start_alerting_time,
        connected_time=callback.connected_time,
        end_time=callback.disconnected_time,
        start_hold_time=callback.start_hold_time,
        purpose=participant.purpose,
        state=None if callback.state is None else STATES[callback.state],
        direction=callback.direction,
        disconnect_type=None
        if callback.disconnect_type is None
        else DISCONNECT_TYPES[callback.disconnect_type],
        held=callback.held,
        wrapup_required=participant.wrapup_required,
        wrapup_prompt=None if participant.wrapup_prompt is None else participant.wrapup_prompt.value,
        user=_ref(participant.user_id, "/api/v2/users"),
        queue=_ref(queue_id, "/api/v2/routing/queues", participant.queue_name),
        attributes=participant.attributes,
        script=_ref(callback.script_id, "/api/v2/scripts"),
        alerting_timeout_ms=participant.alerting_timeout_ms,
        provider=callback.provider,
        wrapup=participant.wrapup if participant.wrapup is not None else callback.wrapup,
        peer=callback.peer_id,
        conversation_routing_data=routing,
        start_acw_time=participant.start_acw_time,
        end_acw_time=participant.end_acw_time,
        outbound_preview=callback.dialer_preview,
        voicemail=callback.voicemail,
        callback_numbers=callback.callback_numbers,
        callback_user_name=callback.callback_user_name,
        external_campaign=callback.external_campaign,
        skip_enabled=callback.skip_enabled,
        timeout_seconds=callback.timeout_seconds,
        automated_callback_config_id=callback.automated_callback_config_id,
        callback_scheduled_time=callback.callback_scheduled_time,
    )


def _ref(entity_id: str | None, collection: str, name: str | None = None) -> DomainEntityRef | None:
    """A reference to the entity ``entity_id`` of ``collection``, or nothing without an id."""
    if entity_id is None:
        return None
    return DomainEntityRef(id=entity_id, name=name, self_uri=f"{collection}/{entity_id}")


def callback_conversation_listing(
    page: Sequence[Conversation], *, page_size: int, page_number: int, total: int, uri: str = SELF_URI
) -> CallbackConversationEntityListing:
    """Page ``page_number`` of ``total`` conversations, ``page`` being that page's conversations.

    ``page_size`` and ``page_number`` are the request's, already checked (both at least 1); the
    paging URIs are ``uri`` with ``?pageSize=...&pageNumber=...``, as ``GET /api/v2/conversations``
    builds them. An empty listing still has one page.
    """
    return CallbackConversationEntityListing(
        entities=tuple(callback_conversation(conversation) for conversation in page),
        **paging.links(uri, page_size=page_size, page_number=page_number, total=total),
    )
