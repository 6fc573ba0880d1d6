"""The analytics detail events a stored conversation implies, derived from its whole state.

Pure: ``implied(conversation)`` reads only the REST conversation (as the engine keeps it) and answers
every detail event its participants' sessions have given rise to so far, each with a stable key (the
participant, the session and the kind), so whoever publishes them publishes each once, however many
changes pass before it is seen. Each REST participant's callbacks (``CALLBACK``) and calls
(``VOICE``) are sessions: the customer's (and an external party's) give ``customer.start`` and
``.end``, the acd leg's ``acd.start`` and ``.end``, an agent's ``user.start`` and ``.end``; an agent's
after-call work ending gives ``acw``, a wrap-up code ``wrapup``, and a participant's attributes
``attributes`` (keyed by their content: a change gives a new event).

Inferred (no captured detail event of a callback; reference parts A and D): that a callback's
``acd.start`` is at its creation (its acd session's first segment, as analytics counts ``tAcd``
from there), ``acdOutcome`` (``ANSWERED`` when an agent connected, with ``usedRouting``
``STANDARD``; else ``ABANDON``), ``connectedDurationMs`` (the acd session's ``Interact`` time),
and the instant of ``acw`` (the end of after-call work) and ``wrapup`` (the wrap-up's ``endTime``).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

import attrs

import contracts
from contracts import (
    AcdEndDetailEventTopicAcdEndEvent,
    AcdOutcome,
    AcdStartDetailEventTopicAcdStartEvent,
    AcwDetailEventTopicAfterCallWorkEvent,
    AttributeDetailEventTopicAttributeUpdateEvent,
    AttributeDetailEventTopicCommunication,
    Call,
    Callback,
    Conversation,
    CustomerEndDetailEventTopicCustomerEndEvent,
    CustomerStartDetailEventTopicCustomerStartEvent,
    DetailEventDirection,
    DetailEventDisconnectType,
    DetailEventMediaType,
    Participant,
    Segment,
    UsedRouting,
    UserEndDetailEventTopicUserEndEvent,
    UserStartDetailEventTopicUserStartEvent,
    Wrapup,
    WrapupDetailEventTopicWrapupEvent,
)
from mockserver.state.clock import to_ms

PREFIX = "v2.detail.events.conversation."
# Which kind of event comes first among those of one instant: starts, then ends, the customer's last.
_ORDER = {
    "customer.start": 0,
    "acd.start": 1,
    "user.start": 2,
    "attributes": 3,
    "acd.end": 4,
    "user.end": 5,
    "acw": 6,
    "wrapup": 7,
    "customer.end": 8,
}
_PURPOSES = {"customer": "customer", "external": "customer", "acd": "acd", "agent": "user", "user": "user"}
# REST's dotted lower-case disconnect types as the events spell them; the rest are the word upper-cased.
_DISCONNECTS = {
    "transfer.conference": DetailEventDisconnectType.CONFERENCE_TRANSFER,
    "transfer.consult": DetailEventDisconnectType.CONSULT_TRANSFER,
    "transfer.forward": DetailEventDisconnectType.FORWARD_TRANSFER,
    "transfer.noanswer": DetailEventDisconnectType.NO_ANSWER_TRANSFER,
    "transfer.notavailable": DetailEventDisconnectType.NOT_AVAILABLE_TRANSFER,
    "transport.failure": DetailEventDisconnectType.TRANSPORT_FAILURE,
    "endpoint.donotdisturb": DetailEventDisconnectType.DND_ENDPOINT,
    "transfer.donotdisturb": DetailEventDisconnectType.DND_TRANSFER,
    "session.expired": DetailEventDisconnectType.SESSION_EXPIRED,
}
# Each role's start and end events.
_MODELS: dict[str, tuple[type, type]] = {
    "customer": (
        CustomerStartDetailEventTopicCustomerStartEvent,
        CustomerEndDetailEventTopicCustomerEndEvent,
    ),
    "acd": (AcdStartDetailEventTopicAcdStartEvent, AcdEndDetailEventTopicAcdEndEvent),
    "user": (UserStartDetailEventTopicUserStartEvent, UserEndDetailEventTopicUserEndEvent),
}
_DIRECTIONS = {"inbound": DetailEventDirection.INBOUND, "outbound": DetailEventDirection.OUTBOUND}
# Which duration of ``user.end`` each segment type adds to.
_DURATIONS = {
    "interact": "interacting_duration_ms",
    "hold": "held_duration_ms",
    "alert": "alerting_duration_ms",
    "contacting": "contacting_duration_ms",
    "dialing": "dialing_duration_ms",
    "callback": "callback_duration_ms",
}


@attrs.frozen
class Implied:
    """One detail event: its key (unique in its conversation), topic suffix, instant (ms) and what makes its body."""

    key: str
    kind: str
    at: int
    body: Callable[[], dict[str, Any]]

    def topic(self, conversation_id: str) -> str:
        return f"{PREFIX}{conversation_id}.{self.kind}"


def implied(conversation: Conversation, now: int) -> list[Implied]:
    """Every detail event ``conversation`` implies, in time order (``now``: the instant of those with none)."""
    found = list(_events(conversation, now))
    found.sort(key=lambda event: (event.at, _ORDER[event.kind]))
    return found


def _events(conversation: Conversation, now: int) -> Iterator[Implied]:
    participants = conversation.participants or ()
    division = _division(conversation)
    for participant in participants:
        role = _PURPOSES.get(participant.purpose or "")
        sessions: list[tuple[Callback | Call, DetailEventMediaType]] = [
            (callback, DetailEventMediaType.CALLBACK) for callback in participant.callbacks or ()
        ]
        sessions += [(call, DetailEventMediaType.VOICE) for call in participant.calls or ()]
        if role is not None:
            for session, media in sessions:
                yield from _session_events(conversation, participant, session, media, role, division)
        yield from _wrapping_up(conversation, participant)
        if participant.attributes:
            yield _attributes(conversation, participant, sessions, now)


def _session_events(
    conversation: Conversation,
    participant: Participant,
    session: Callback | Call,
    media: DetailEventMediaType,
    role: str,
    division: str | None,
) -> Iterator[Implied]:
    """The session's start, and its end if it ended; each body's fields read only if it is published."""
    segments = session.segments or ()
    start = _start(participant, session, segments)
    if start is None:
        return
    key = f"{participant.id}:{session.id}"
    queue_id = participant.queue_id
    end = _end(session, segments)

    def started() -> dict[str, Any]:
        fields = _common(conversation, participant, session, media)
        fields.update(event_time=start, division_id=division)
        if role == "acd":
            fields.update(queue_id=queue_id, **_routing(participant))
        elif role == "user":
            fields.update(user_id=participant.user_id, queue_id=queue_id)
        return fields

    def ended() -> dict[str, Any]:
        fields = _common(conversation, participant, session, media)
        fields.update(
            event_time=end, division_id=division, disconnect_type=_disconnect(session.disconnect_type)
        )
        if role == "customer":
            fields.update(interacting_duration_ms=_time_in(segments, "interact"))
        elif role == "acd":
            answered = None if end is None else _answered_by(conversation, queue_id, end)
            fields.update(
                queue_id=queue_id,
                acd_outcome=AcdOutcome.ANSWERED if answered else AcdOutcome.ABANDON,
                answered_user_id=answered,
                used_routing=UsedRouting.STANDARD if answered else None,
                connected_duration_ms=_time_in(segments, "interact"),
                **_routing(participant),
            )
        else:
            durations = {name: _time_in(segments, kind) for kind, name in _DURATIONS.items()}
            fields.update(user_id=participant.user_id, queue_id=queue_id)
            fields.update({name: value for name, value in durations.items() if value})
        return fields

    starts, ends = _MODELS[role]
    yield Implied(f"{key}:{role}.start", f"{role}.start", start, _later(starts, started))
    if end is not None:
        yield Implied(f"{key}:{role}.end", f"{role}.end", end, _later(ends, ended))


def _routing(participant: Participant) -> dict[str, Any]:
    """The acd leg's routing priority and requested skills."""
    routing = participant.conversation_routing_data
    if routing is None:
        return {}
    skills = tuple(s.id for s in routing.skills or () if s.id)
    return {"routing_priority": routing.priority, "requested_routing_skill_ids": skills or None}


def _wrapping_up(conversation: Conversation, participant: Participant) -> Iterator[Implied]:
    """``acw`` once an agent's after-call work ended, ``wrapup`` once a code is applied."""
    callbacks = participant.callbacks or ()
    session: Callback | Call | None = next((cb for cb in callbacks if cb.after_call_work is not None), None)
    if session is None:
        session = callbacks[-1] if callbacks else next(iter(participant.calls or ()), None)
    if session is None:
        return
    media = DetailEventMediaType.CALLBACK if isinstance(session, Callback) else DetailEventMediaType.VOICE
    work = session.after_call_work if isinstance(session, Callback) else None
    wrapup: Wrapup | None = (session.wrapup if isinstance(session, Callback) else None) or participant.wrapup
    acw_start = (work.start_time if work else None) or participant.start_acw_time
    acw_end = (work.end_time if work else None) or participant.end_acw_time
    common = functools.partial(_common, conversation, participant, session, media)
    code: dict[str, Any] = {
        "queue_id": participant.queue_id,
        "wrapup_code": wrapup.code if wrapup else None,
        "wrapup_notes": wrapup.notes if wrapup else None,
    }
    key = f"{participant.id}:{session.id}"
    if acw_start is not None and acw_end is not None:
        yield Implied(
            f"{key}:acw",
            "acw",
            to_ms(acw_end),
            _later(
                AcwDetailEventTopicAfterCallWorkEvent,
                event_time=to_ms(acw_end),
                user_id=participant.user_id,
                wrapup_duration_ms=to_ms(acw_end) - to_ms(acw_start),
                **code,
                common=common,
            ),
        )
    if wrapup is not None and wrapup.code and not wrapup.provisional:
        at = wrapup.end_time or acw_end
        if at is None:
            return
        seconds = wrapup.duration_seconds
        yield Implied(
            f"{key}:wrapup",
            "wrapup",
            to_ms(at),
            _later(
                WrapupDetailEventTopicWrapupEvent,
                event_time=to_ms(at),
                wrapup_duration_ms=None if seconds is None else seconds * 1000,
                **code,
                common=common,
            ),
        )


def _attributes(
    conversation: Conversation,
    participant: Participant,
    sessions: Sequence[tuple[Callback | Call, DetailEventMediaType]],
    now: int,
) -> Implied:
    """The participant's attributes as they are: keyed by their content, so each change is an event."""
    attributes = dict(participant.attributes or {})
    digest = hashlib.blake2b(contracts.dumps(sorted(attributes.items())).encode(), digest_size=8).hexdigest()
    return Implied(
        f"{participant.id}:attributes:{digest}",
        "attributes",
        now,
        _later(
            AttributeDetailEventTopicAttributeUpdateEvent,
            event_time=now,
            conversation_id=conversation.id,
            participant_id=participant.id,
            attributes=attributes,
            communications=tuple(
                AttributeDetailEventTopicCommunication(id=session.id, media_type=media)
                for session, media in sessions
            )
            or None,
            participant_start_time=_ms_or_none(participant.start_time),
        ),
    )


def _common(
    conversation: Conversation,
    participant: Participant,
    session: Callback | Call,
    media: DetailEventMediaType,
) -> dict[str, Any]:
    """The fields every session event of ``session`` carries."""
    fields: dict[str, Any] = {
        "conversation_id": conversation.id,
        "participant_id": participant.id,
        "session_id": session.id,
        "media_type": media,
        "provider": session.provider,
        "direction": _direction(session.direction),
    }
    if isinstance(session, Callback):
        fields["callback_user_name"] = session.callback_user_name
        fields["callback_numbers"] = session.callback_numbers or None
        fields["callback_scheduled_time"] = _ms_or_none(session.callback_scheduled_time)
    return fields


def _start(participant: Participant, session: Callback | Call, segments: Sequence[Segment]) -> int | None:
    """When the session began: its first segment, else (an offer not yet answered) its alerting."""
    if segments and segments[0].start_time is not None:
        return to_ms(segments[0].start_time)
    alerting = session.start_alerting_time if isinstance(session, Callback) else None
    begun = alerting or participant.start_time
    return None if begun is None else to_ms(begun)


def _end(session: Callback | Call, segments: Sequence[Segment]) -> int | None:
    """When the session ended, if it did."""
    if session.state is None or session.state.value not in ("disconnected", "terminated"):
        return None
    ended = session.disconnected_time or (segments[-1].end_time if segments else None)
    return None if ended is None else to_ms(ended)


def _answered_by(conversation: Conversation, queue_id: str | None, acd_end: int) -> str | None:
    """The agent whose session connected as the queue's ended (the ACD's transfer), if any."""
    for participant in conversation.participants or ():
        if _PURPOSES.get(participant.purpose or "") != "user" or participant.queue_id != queue_id:
            continue
        sessions: list[Callback | Call] = [*(participant.callbacks or ()), *(participant.calls or ())]
        for session in sessions:
            connected = session.connected_time
            if connected is not None and to_ms(connected) <= acd_end + 1:
                return participant.user_id
    return None


def _time_in(segments: Sequence[Segment], kind: str) -> int:
    return sum(
        to_ms(s.end_time) - to_ms(s.start_time)
        for s in segments
        if (s.type or "").lower() == kind and s.start_time is not None and s.end_time is not None
    )


def _disconnect(value: Any) -> DetailEventDisconnectType | None:
    if value is None:
        return None
    text = str(value)
    known = _DISCONNECTS.get(text)
    if known is not None:
        return known
    try:
        return DetailEventDisconnectType(text.upper())
    except ValueError:
        return DetailEventDisconnectType.OTHER


def _direction(value: Any) -> DetailEventDirection | None:
    return None if value is None else _DIRECTIONS.get(str(value), DetailEventDirection.UNKNOWN)


def _division(conversation: Conversation) -> str | None:
    for membership in conversation.divisions or ():
        if membership.division is not None and membership.division.id:
            return membership.division.id
    return None


def _ms_or_none(value: datetime | None) -> int | None:
    return None if value is None else to_ms(value)


def _later(
    model: type, common: Callable[[], dict[str, Any]] | None = None, **fields: Any
) -> Callable[[], dict[str, Any]]:
    """The event's body (``common``: the session's fields), made only if it is published (most implied
    events were, at an earlier change: deriving them costs their keys and instants alone)."""

    def body() -> dict[str, Any]:
        given = fields if common is None else {**fields, **common()}
        made: dict[str, Any] = contracts.unstructure(model(**given))
        return made

    return body
