"""A conversation as the analytics API details it, derived from the stored REST conversation.

Pure: ``details(conversation)`` reads only the conversation (the state at the clock's current time,
as the engine keeps it), so whatever changes the conversation's shape (its participants, their
callbacks' and calls' segments and timestamps) flows through. Each REST participant is an analytics
participant; each callback a ``callback`` session, each call a ``voice`` session, carrying the
callback's fields; each REST segment an analytics segment (its type and disconnect type in the
analytics spelling, the participant's queue on an acd or agent leg); after-call work a ``wrapup``
segment with the wrap-up code. Metrics are emitted when what they measure has ended.

Inferred (no captured analytics payload): which participant carries which metric, the queue on the
segments, and the metric rules of ``METRICS`` in the docs (docs/server.md, "Analytics").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from contracts import (
    AnalyticsConversationSegment,
    AnalyticsConversationWithoutAttributes,
    AnalyticsDisconnectType,
    AnalyticsMediaType,
    AnalyticsParticipantWithoutAttributes,
    AnalyticsPurpose,
    AnalyticsSession,
    AnalyticsSessionMetric,
    Call,
    Callback,
    Conversation,
    Participant,
    Segment,
    SegmentType,
    Wrapup,
)
from mockserver.state.clock import to_ms

# REST's dotted disconnect types as analytics spells them; the rest are the same word.
_DISCONNECTS = {
    "transfer.conference": AnalyticsDisconnectType.CONFERENCE_TRANSFER,
    "transfer.consult": AnalyticsDisconnectType.CONSULT_TRANSFER,
    "transfer.forward": AnalyticsDisconnectType.FORWARD_TRANSFER,
    "transfer.noanswer": AnalyticsDisconnectType.NO_ANSWER_TRANSFER,
    "transfer.notavailable": AnalyticsDisconnectType.NOT_AVAILABLE_TRANSFER,
    "transport.failure": AnalyticsDisconnectType.TRANSPORT_FAILURE,
    "endpoint.donotdisturb": AnalyticsDisconnectType.DND_ENDPOINT,
    "transfer.donotdisturb": AnalyticsDisconnectType.DND_TRANSFER,
}
_SEGMENT_TYPES = {member.value: member for member in SegmentType}
_PURPOSES = {member.value: member for member in AnalyticsPurpose}
_QUEUED = {"acd", "agent"}  # the legs whose segments carry the queue
_TIMED = {SegmentType.INTERACT: "tTalk", SegmentType.HOLD: "tHeld", SegmentType.WRAPUP: "tAcw"}


def details(conversation: Conversation) -> AnalyticsConversationWithoutAttributes:
    """``conversation`` as ``GET /api/v2/analytics/conversations/{id}/details`` answers it."""
    participants = tuple(_participant(p) for p in conversation.participants or ())
    first = _earliest(participants)
    return AnalyticsConversationWithoutAttributes(
        conversation_id=conversation.id,
        conversation_start=conversation.start_time,
        conversation_end=conversation.end_time,
        external_tag=conversation.external_tag,
        originating_direction=first.direction if first is not None else None,
        participants=participants,
    )


def _earliest(participants: Sequence[AnalyticsParticipantWithoutAttributes]) -> AnalyticsSession | None:
    """The session with the earliest segment: the one that originated the conversation."""
    sessions = [
        (session.segments[0].segment_start, index, session)
        for index, session in enumerate(s for p in participants for s in p.sessions or ())
        if session.segments and session.segments[0].segment_start is not None
    ]
    return min(sessions, key=lambda item: (item[0], item[1]))[2] if sessions else None


def _participant(participant: Participant) -> AnalyticsParticipantWithoutAttributes:
    queue_id = participant.queue_id if participant.purpose in _QUEUED else None
    callbacks = participant.callbacks or ()
    # After-call work is the participant's: it closes the session it followed (the one with
    # ``afterCallWork``, else the participant's last callback).
    acw_at = next((i for i, cb in enumerate(callbacks) if cb.after_call_work is not None), None)
    if acw_at is None and participant.start_acw_time is not None and callbacks:
        acw_at = len(callbacks) - 1
    sessions = [
        _callback_session(participant, callback, queue_id, with_acw=index == acw_at)
        for index, callback in enumerate(callbacks)
    ]
    sessions += [_call_session(participant, call, queue_id) for call in participant.calls or ()]
    return AnalyticsParticipantWithoutAttributes(
        participant_id=participant.id,
        participant_name=participant.name,
        purpose=_PURPOSES.get(participant.purpose or ""),
        user_id=participant.user_id,
        sessions=tuple(sessions),
    )


def _callback_session(
    participant: Participant, callback: Callback, queue_id: str | None, *, with_acw: bool
) -> AnalyticsSession:
    segments = [_segment(s, queue_id) for s in callback.segments or ()]
    if with_acw and not any(s.segment_type is SegmentType.WRAPUP for s in segments):
        segments += _wrapup(participant, callback, queue_id)
    return AnalyticsSession(
        media_type=AnalyticsMediaType.CALLBACK,
        session_id=callback.id,
        direction=callback.direction,
        peer_id=callback.peer_id,
        provider=callback.provider,
        script_id=callback.script_id,
        callback_numbers=callback.callback_numbers,
        callback_user_name=callback.callback_user_name,
        callback_scheduled_time=callback.callback_scheduled_time,
        skip_enabled=callback.skip_enabled,
        timeout_seconds=callback.timeout_seconds,
        outbound_campaign_id=callback.dialer_preview.campaign_id if callback.dialer_preview else None,
        metrics=_metrics(participant.purpose, segments) or None,
        segments=tuple(segments),
    )


def _call_session(participant: Participant, call: Call, queue_id: str | None) -> AnalyticsSession:
    segments = [_segment(s, queue_id) for s in call.segments or ()]
    return AnalyticsSession(
        media_type=AnalyticsMediaType.VOICE,
        session_id=call.id,
        direction=call.direction,
        peer_id=call.peer_id,
        provider=call.provider,
        metrics=_metrics(participant.purpose, segments) or None,
        segments=tuple(segments),
    )


def _segment(segment: Segment, queue_id: str | None) -> AnalyticsConversationSegment:
    disconnect = segment.disconnect_type
    return AnalyticsConversationSegment(
        segment_type=_SEGMENT_TYPES.get((segment.type or "").lower(), SegmentType.UNKNOWN),
        segment_start=segment.start_time,
        segment_end=segment.end_time,
        disconnect_type=None if disconnect is None else _disconnect(disconnect),
        queue_id=queue_id,
    )


def _disconnect(value: str) -> AnalyticsDisconnectType:
    known = _DISCONNECTS.get(value)
    if known is not None:
        return known
    try:
        return AnalyticsDisconnectType(value)
    except ValueError:
        return AnalyticsDisconnectType.OTHER


def _wrapup(
    participant: Participant, callback: Callback, queue_id: str | None
) -> list[AnalyticsConversationSegment]:
    """The after-call work as a ``wrapup`` segment: from its start to its end (open while pending)."""
    work = callback.after_call_work
    start = (work.start_time if work else None) or participant.start_acw_time
    if start is None:
        return []
    end = (work.end_time if work else None) or participant.end_acw_time
    wrapup: Wrapup | None = callback.wrapup or participant.wrapup
    return [
        AnalyticsConversationSegment(
            segment_type=SegmentType.WRAPUP,
            segment_start=start,
            segment_end=end,
            queue_id=queue_id,
            wrap_up_code=wrapup.code if wrapup else None,
            wrap_up_note=wrapup.notes if wrapup else None,
            wrap_up_tags=wrapup.tags if wrapup and wrapup.tags else None,
        )
    ]


# Metrics: (name, value in ms or a count, emitted at). Each is emitted once what it measures ended.


def _metrics(
    purpose: str | None, segments: Sequence[AnalyticsConversationSegment]
) -> tuple[AnalyticsSessionMetric, ...]:
    return tuple(
        AnalyticsSessionMetric(name=name, value=value, emit_date=at)
        for name, value, at in sorted(_emitted(purpose, segments), key=lambda m: (m[2], m[0]))
    )


def _emitted(
    purpose: str | None, segments: Sequence[AnalyticsConversationSegment]
) -> Iterator[tuple[str, int, datetime]]:
    if not segments or segments[0].segment_start is None:
        return
    start = segments[0].segment_start
    if purpose == "customer" and segments[0].segment_type is SegmentType.SCHEDULED:
        yield "nCallbackScheduled", 1, start
    if purpose == "acd":
        yield "nOffered", 1, start
        closed = segments[-1].segment_end
        if closed is not None:
            yield "tAcd", _ms(start, closed), closed
    if purpose != "agent":
        return
    totals = {"tTalk": 0, "tHeld": 0, "tAcw": 0}
    for index, segment in enumerate(segments):
        begun, over, kind = segment.segment_start, segment.segment_end, segment.segment_type
        if begun is None or over is None:
            continue
        duration = _ms(begun, over)
        if kind is SegmentType.ALERT:
            yield "tAlert", duration, over
            following = segments[index + 1] if index + 1 < len(segments) else None
            if following is not None and following.segment_type is SegmentType.INTERACT:
                yield "nConnected", 1, over
                yield "tAnswered", _ms(start, over), over
        elif kind in (SegmentType.DIALING, SegmentType.CONTACTING):
            yield f"t{kind.value.capitalize()}", duration, over
        elif kind in _TIMED:
            name = _TIMED[kind]
            yield name, duration, over
            totals[name] += duration
    last = segments[-1]
    handled = any(s.segment_type is SegmentType.INTERACT for s in segments)
    if handled and last.segment_end is not None and last.segment_type is not SegmentType.ALERT:
        yield "tHandle", sum(totals.values()), last.segment_end


def _ms(start: datetime, end: datetime) -> int:
    return to_ms(end) - to_ms(start)
