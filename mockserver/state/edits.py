"""Pure edits of a conversation: each takes a ``Conversation`` and returns a changed copy.

The backend decides what to change and stores the result; nothing here reads or writes state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import attrs

from contracts import (
    Callback,
    CallbackIdentifier,
    CallbackIdentifierType,
    CallbackState,
    Conversation,
    ConversationQueueMediaSettings,
    DisconnectType,
    DomainEntityRef,
    Participant,
    Segment,
)


def callbacks(conversation: Conversation) -> Iterator[Callback]:
    """Every callback of every participant, in order."""
    for participant in conversation.participants or ():
        yield from participant.callbacks or ()


def current_callback(conversation: Conversation) -> Callback | None:
    """The callback of the current customer leg, or None: the one whose state is the callback's for its client.

    A conversation that was given a new callback holds one customer leg per callback: the last is
    the current one.
    """
    found = None
    for participant in conversation.participants or ():
        if participant.purpose == "customer" and participant.callbacks:
            found = participant.callbacks[0]
    return found


def previewed(conversation: Conversation, campaign_id: str) -> Callback | None:
    """The callback of ``conversation`` that previews a contact of the campaign, if any."""
    for callback in callbacks(conversation):
        if callback.dialer_preview is not None and callback.dialer_preview.campaign_id == campaign_id:
            return callback
    return None


def with_participants(
    conversation: Conversation, change: Callable[[Participant], Participant]
) -> Conversation:
    """``conversation`` with ``change`` applied to each participant."""
    return attrs.evolve(conversation, participants=tuple(change(p) for p in conversation.participants or ()))


def rescheduled(conversation: Conversation, *, queue: QueueRef | None, **changes: Any) -> Conversation:
    """The current callback's legs changed by ``changes`` (absent values left out); moved to ``queue`` if given.

    What a leg shows of the callback follows it: the customer's address is its first number, and
    each leg that names a queue (the acd leg; the customer's where it carries one) names the new one
    (``queued``).
    """
    changes = {key: value for key, value in changes.items() if value is not None}
    current = current_callback(conversation)
    own = current.id if current is not None else None
    numbers = changes.get("callback_numbers")

    def reschedule(participant: Participant) -> Participant:
        if own is None or not any(cb.id == own or cb.peer_id == own for cb in participant.callbacks or ()):
            return participant  # another round's leg: that callback is over
        moved = tuple(attrs.evolve(cb, **changes) for cb in participant.callbacks or ())
        fields: dict[str, Any] = {"callbacks": moved}
        if participant.purpose == "customer" and numbers:
            fields["address"] = numbers[0]
        participant = attrs.evolve(participant, **fields)
        return participant if queue is None else _moved_to(participant, queue)

    return with_participants(conversation, reschedule)


@attrs.frozen
class QueueRef:
    """What a callback carries of its queue: the id, the name and the callback media settings."""

    id: str
    name: str | None
    media: ConversationQueueMediaSettings


def queued(conversation: Conversation, queue: QueueRef) -> Conversation:
    """Every leg moved to ``queue`` (``_moved_to``): a created callback's."""
    return with_participants(conversation, lambda participant: _moved_to(participant, queue))


def _moved_to(participant: Participant, queue: QueueRef) -> Participant:
    """``participant`` routed on ``queue``: its callbacks with the queue's media settings, and, if it
    names a queue (the acd leg; the customer's where it carries one), naming this one; an acd leg is
    named after its queue."""
    moved = tuple(attrs.evolve(cb, queue_media_settings=queue.media) for cb in participant.callbacks or ())
    fields: dict[str, Any] = {"callbacks": moved}
    if participant.purpose == "acd" or participant.queue_id is not None:
        fields.update(queue_id=queue.id, queue_name=queue.name)
        if participant.purpose == "acd":
            fields["name"] = queue.name
    return attrs.evolve(participant, **fields)


def with_callback(conversation: Conversation, participant_id: str, callback: Callback) -> Conversation | None:
    """``callback`` put in place of the participant's callback with its id (or added); None: no such participant."""
    if not any(p.id == participant_id for p in conversation.participants or ()):
        return None

    def put(participant: Participant) -> Participant:
        if participant.id != participant_id:
            return participant
        kept = list(participant.callbacks or ())
        positions = [i for i, existing in enumerate(kept) if existing.id == callback.id]
        if positions:
            kept[positions[0]] = callback
        else:
            kept.append(callback)
        return attrs.evolve(participant, callbacks=tuple(kept))

    return with_participants(conversation, put)


def disconnected(conversation: Conversation, callback_id: str, now: datetime) -> Conversation:
    """The callback ended by its client at ``now``; its leg and the conversation end once all is over.

    Cancel is cancel: ending the customer's or the acd leg of a callback no agent has answered yet
    (scheduled, waiting in queue, or alerting an agent) ends every leg of it, the offer too, so
    nothing fires or is offered afterwards. Once an agent has answered, only the named leg ends.
    """
    ending = cancelled_legs(conversation, callback_id) or {callback_id}

    def ended(participant: Participant) -> Participant:
        kept = tuple(
            _disconnect_callback(cb, now) if cb.id in ending else cb for cb in participant.callbacks or ()
        )
        participant = attrs.evolve(participant, callbacks=kept)
        if participant.end_time is None and all(cb.disconnected_time for cb in kept):
            participant = attrs.evolve(participant, end_time=now)
        return participant

    updated = with_participants(conversation, ended)
    if updated.end_time is None and all(p.end_time for p in updated.participants or ()):
        updated = attrs.evolve(updated, end_time=now)
    return updated


def cancelled_legs(conversation: Conversation, callback_id: str) -> set[str] | None:
    """The ids of every leg that ending ``callback_id`` cancels, or None if it ends only itself.

    A customer's callback and the acd leg whose peerId names it are one callback, with the agent
    offers that name it too; it is cancelled whole while none of those offers was answered.
    """
    named = next((p for p in conversation.participants or () if _first_id(p) == callback_id), None)
    if named is None or named.purpose not in ("customer", "acd"):
        return None
    first = (named.callbacks or ())[0]
    own = first.id if named.purpose == "customer" else first.peer_id
    legs = [
        (participant.purpose, callback)
        for participant in conversation.participants or ()
        for callback in (participant.callbacks or ())[:1]
        if callback.id == own or (own is not None and callback.peer_id == own)
    ]
    if any(purpose == "agent" and callback.connected_time is not None for purpose, callback in legs):
        return None  # an agent answered: the callback is theirs to end
    return {callback.id for _, callback in legs if callback.id is not None}


def _first_id(participant: Participant) -> str | None:
    return participant.callbacks[0].id if participant.callbacks else None


def _disconnect_callback(callback: Callback, now: datetime) -> Callback:
    if callback.state in (CallbackState.DISCONNECTED, CallbackState.TERMINATED):
        return callback  # already over: disconnecting again changes nothing
    segments = tuple(
        attrs.evolve(segment, end_time=now, how_ended="Disconnect", disconnect_type="client")
        if segment.end_time is None
        else segment
        for segment in callback.segments or ()
    )
    return attrs.evolve(
        callback,
        state=CallbackState.DISCONNECTED,
        disconnect_type=DisconnectType.CLIENT,
        disconnected_time=now,
        held=False if callback.held else callback.held,
        start_hold_time=None,
        segments=segments or _alert_segment(callback, now),
    )


def _alert_segment(callback: Callback, now: datetime) -> tuple[Segment, ...] | None:
    """An alerting callback has no segment yet; ending it leaves the one its alert made."""
    if callback.start_alerting_time is None:
        return callback.segments
    return (
        Segment(
            start_time=callback.start_alerting_time,
            end_time=now,
            type="Alert",
            how_ended="Disconnect",
            disconnect_type="client",
        ),
    )


def ref(conversation: Conversation) -> DomainEntityRef:
    return DomainEntityRef(id=conversation.id, self_uri=conversation.self_uri)


def identifiers(conversation: Conversation) -> tuple[CallbackIdentifier, ...]:
    """The create and patch responses' ids: the acd leg's callback (ACD) and the customer's (EXTERNAL)."""
    kinds = {"acd": CallbackIdentifierType.ACD, "customer": CallbackIdentifierType.EXTERNAL}
    return tuple(
        CallbackIdentifier(type=kinds[participant.purpose], id=callback.id)
        for participant in conversation.participants or ()
        if participant.purpose in kinds
        for callback in participant.callbacks or ()
        if callback.id is not None
    )
