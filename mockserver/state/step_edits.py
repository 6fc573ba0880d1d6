"""A callback's life, step by step: the pure edit each step makes, stamped with the moment ``at``.

``lifecycle`` decides which step comes next and when (a ``lifecycle.Step``: a kind of step, due at a
time); each function here takes a conversation
and returns it changed as the real API changes it at that step (see the README's lifecycle table).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import attrs

from contracts import (
    AfterCallWork,
    AfterCallWorkState,
    Callback,
    CallbackState,
    CallDisconnectType,
    CallState,
    Conversation,
    ConversationDivisionMembership,
    DisconnectType,
    DivisionEntityRef,
    Participant,
    Segment,
    Wrapup,
    WrapupPrompt,
    empty_media,
)
from mockserver.state.edits import callbacks, with_participants

_ENDED = (CallbackState.DISCONNECTED, CallbackState.TERMINATED)


def started(conversation: Conversation, at: datetime) -> Conversation:
    """A just-created conversation whose every leg and first segment start at ``at``."""

    def start(participant: Participant) -> Participant:
        kept = tuple(_started_segments(cb, at) if cb.segments else cb for cb in participant.callbacks or ())
        return attrs.evolve(participant, start_time=at, callbacks=kept)

    return attrs.evolve(with_participants(conversation, start), start_time=at)


def _started_segments(callback: Callback, at: datetime) -> Callback:
    first, *rest = callback.segments or ()
    return attrs.evolve(callback, segments=(attrs.evolve(first, start_time=at), *rest))


def _close(
    segments: tuple[Segment, ...] | None, at: datetime, how: str, disconnect_type: str | None = None
) -> tuple[Segment, ...]:
    """``segments`` with the open last one ended at ``at``."""
    if not segments or segments[-1].end_time is not None:
        return segments or ()
    last = attrs.evolve(segments[-1], end_time=at, how_ended=how, disconnect_type=disconnect_type)
    return (*segments[:-1], last)


# A change of one leg: the participant's changed fields and its (first) callback, changed.
Change = Callable[[Participant, Callback], tuple[dict[str, Any], Callback]]


def _disconnect(kind: DisconnectType, at: datetime, *, how: str = "Disconnect", **also: Any) -> Change:
    """The change that disconnects a leg with ``kind`` at ``at``, its last segment closed ``how``;
    a leg already ended is left as it is. ``also``: more of the callback's fields to set."""

    def disconnect(participant: Participant, callback: Callback) -> tuple[dict[str, Any], Callback]:
        if callback.state in _ENDED:
            return {}, callback
        callback = attrs.evolve(
            callback,
            state=CallbackState.DISCONNECTED,
            disconnect_type=kind,
            disconnected_time=at,
            segments=_close(callback.segments, at, how, kind.value),
            **also,
        )
        return {"end_time": at}, callback

    return disconnect


def _change(conversation: Conversation, changes: dict[str | None, Change]) -> Conversation:
    """Each change applied to the participant with its id and that participant's first callback.

    One pass, one new conversation and one new participant per leg changed: a step runs by the
    ten thousand when the clock moves a day (benchmarks/bench_lifecycle.py).
    """

    def apply(participant: Participant) -> Participant:
        change = changes.get(participant.id)
        first, *rest = participant.callbacks or (None,)
        if change is None or first is None:
            return participant
        fields, callback = change(participant, first)
        if callback is first and not fields:
            return participant
        return attrs.evolve(participant, callbacks=(callback, *rest), **fields)

    return with_participants(conversation, apply)


def fired(
    conversation: Conversation, customer_id: str | None, acd_id: str | None, at: datetime
) -> Conversation:
    """The scheduled time came: the Scheduled segments end, Interact opens, the customer and acd legs connect."""

    def fire(participant: Participant, callback: Callback) -> tuple[dict[str, Any], Callback]:
        if callback.state is not CallbackState.SCHEDULED:
            return {}, callback
        segments = (*_close(callback.segments, at, "Interact"), Segment(start_time=at, type="Interact"))
        callback = attrs.evolve(callback, state=CallbackState.CONNECTED, connected_time=at, segments=segments)
        return {"connected_time": at}, callback

    return _change(conversation, {customer_id: fire, acd_id: fire})


def offered(conversation: Conversation, agent: Participant) -> Conversation:
    """A new agent participant (an offer) joins, alerting; its user joins the conversation's division."""
    return attrs.evolve(
        conversation,
        participants=(*(conversation.participants or ()), agent),
        divisions=_with_user(conversation.divisions, agent.user_id),
    )


def _with_user(
    divisions: tuple[ConversationDivisionMembership, ...] | None, user_id: str | None
) -> tuple[ConversationDivisionMembership, ...] | None:
    """``divisions`` with ``user_id`` among the first division's entities (as captured), once."""
    if not divisions or user_id is None:
        return divisions
    first, *rest = divisions
    entities = first.entities or ()
    if any(entity.id == user_id for entity in entities):
        return divisions
    user = DivisionEntityRef(id=user_id, self_uri=f"/api/v2/users/{user_id}")
    return (attrs.evolve(first, entities=(*entities, user)), *rest)


def offer(
    customer: Participant,
    customer_cb: Callback,
    *,
    participant_id: str,
    callback_id: str,
    user_id: str,
    user_name: str,
    queue_id: str | None,
    queue_name: str | None,
    timeout_ms: int,
    at: datetime,
) -> Participant:
    """The agent participant of an offer to ``user_id`` at ``at``: alerting, no segment yet."""
    callback = Callback(
        state=CallbackState.ALERTING,
        initial_state=CallbackState.ALERTING,
        id=callback_id,
        segments=(),
        direction=customer_cb.direction,
        held=False,
        callback_numbers=customer_cb.callback_numbers,
        callback_user_name=customer_cb.callback_user_name,
        script_id=customer_cb.script_id,
        external_campaign=customer_cb.external_campaign,
        skip_enabled=customer_cb.skip_enabled,
        timeout_seconds=customer_cb.timeout_seconds,
        start_alerting_time=at,
        callback_scheduled_time=customer_cb.callback_scheduled_time,
        provider=customer_cb.provider,
        peer_id=customer_cb.id,
        after_call_work_required=False,
        caller_id=customer_cb.caller_id,
        caller_id_name=customer_cb.caller_id_name,
        queue_media_settings=customer_cb.queue_media_settings,
        dialer_preview=customer_cb.dialer_preview,
        voicemail=customer_cb.voicemail,
    )
    return Participant(
        id=participant_id,
        start_time=at,
        name=user_name,
        user_uri=f"/api/v2/users/{user_id}",
        user_id=user_id,
        queue_id=queue_id,
        queue_name=queue_name,
        purpose="agent",
        wrapup_required=False,
        wrapup_prompt=WrapupPrompt.OPTIONAL,
        alerting_timeout_ms=timeout_ms,
        attributes=customer.attributes,
        callbacks=(callback,),
        **empty_media(Participant),
    )


def not_answered(
    conversation: Conversation, agent_id: str, at: datetime, disconnect_type: DisconnectType
) -> Conversation:
    """The offer ended unanswered: timed out (``system``) or declined (``client``); one Alert segment."""

    def end(participant: Participant, callback: Callback) -> tuple[dict[str, Any], Callback]:
        segment = Segment(
            start_time=callback.start_alerting_time or at,
            end_time=at,
            type="Alert",
            how_ended="Disconnect",
            disconnect_type=disconnect_type.value,
        )
        callback = attrs.evolve(
            callback,
            state=CallbackState.DISCONNECTED,
            disconnect_type=disconnect_type,
            disconnected_time=at,
            segments=(segment,),
        )
        return {"end_time": at}, callback

    return _change(conversation, {agent_id: end})


def answered(conversation: Conversation, agent_id: str, acd_id: str | None, at: datetime) -> Conversation:
    """The agent answered: its leg connects, and at the same instant the acd leg ends with ``transfer``."""

    def answer(participant: Participant, callback: Callback) -> tuple[dict[str, Any], Callback]:
        alert = Segment(
            start_time=callback.start_alerting_time or at, end_time=at, type="Alert", how_ended="Interact"
        )
        callback = attrs.evolve(
            callback,
            state=CallbackState.CONNECTED,
            connected_time=at,
            segments=(alert, Segment(start_time=at, type="Interact")),
        )
        return {"connected_time": at}, callback

    # (the acd leg may have ended already: the factories end it as they route the callback)
    return _change(conversation, {agent_id: answer, acd_id: _disconnect(DisconnectType.TRANSFER, at)})


def transferred(conversation: Conversation, agent_id: str, at: datetime) -> Conversation:
    """The agent handed the callback on (to a user or a queue): its leg ends with ``transfer``."""

    transfer = _disconnect(DisconnectType.TRANSFER, at, held=False, start_hold_time=None)
    return _change(conversation, {agent_id: transfer})


def hung_up(
    conversation: Conversation,
    agent_id: str,
    customer_id: str | None,
    at: datetime,
    wrapup_prompt: WrapupPrompt | None = None,
) -> Conversation:
    """The agent ended the callback: its after-call work starts; the customer's leg stays connected.

    As captured: the agent's callback disconnects (``client``) with ``afterCallWork`` pending and
    ``afterCallWorkRequired`` false, the participant gets ``wrapupRequired`` and ``startAcwTime``,
    and the customer's callback stays ``connected`` until the after-call work ends (``wrapped_up``).
    ``wrapup_prompt``: the queue's, if given; the offer's otherwise. ``customer_id`` is kept for
    the callers; the customer's leg is not changed here.
    """

    def hang_up(participant: Participant, callback: Callback) -> tuple[dict[str, Any], Callback]:
        callback = attrs.evolve(
            callback,
            state=CallbackState.DISCONNECTED,
            disconnect_type=DisconnectType.CLIENT,
            disconnected_time=at,
            held=False,
            start_hold_time=None,
            segments=_close(callback.segments, at, "Disconnect", "client"),
            after_call_work=AfterCallWork(state=AfterCallWorkState.PENDING, start_time=at),
        )
        fields = {"end_time": at, "wrapup_required": True, "start_acw_time": at}
        if wrapup_prompt is not None:
            fields["wrapup_prompt"] = wrapup_prompt
        return fields, callback

    updated = _change(conversation, {agent_id: hang_up})
    return ended_if_over(_calls_ended(updated, agent_id, at), at)


def _acw_over(conversation: Conversation, agent_id: str, at: datetime) -> Conversation:
    """The agent's after-call work is over: the customer's leg it served ends (``peer``), and with it
    the conversation once every leg has (inferred: the capture ends during after-call work)."""
    agent = next((p for p in conversation.participants or () if p.id == agent_id), None)
    peer_id = agent.callbacks[0].peer_id if agent is not None and agent.callbacks else None
    customer = next(
        (
            p.id
            for p in conversation.participants or ()
            if p.purpose == "customer" and p.callbacks and p.callbacks[0].id == peer_id
        ),
        None,
    )

    return ended_if_over(_change(conversation, {customer: _disconnect(DisconnectType.PEER, at)}), at)


def wrapped_up(conversation: Conversation, agent_id: str, wrapup: Wrapup, at: datetime) -> Conversation:
    """The agent's after-call work is done: its wrap-up recorded at ``at``."""

    def wrap(participant: Participant, callback: Callback) -> tuple[dict[str, Any], Callback]:
        acw = callback.after_call_work or AfterCallWork(start_time=callback.disconnected_time or at)
        start = acw.start_time or at
        code = attrs.evolve(
            wrapup, end_time=at, provisional=False, duration_seconds=(at - start) // timedelta(seconds=1)
        )
        callback = attrs.evolve(
            callback,
            after_call_work=attrs.evolve(acw, state=AfterCallWorkState.COMPLETE, end_time=at),
            wrapup=code,
        )
        return {"end_acw_time": at, "wrapup": code}, callback

    return _acw_over(_change(conversation, {agent_id: wrap}), agent_id, at)


def wrapup_skipped(conversation: Conversation, agent_id: str, at: datetime) -> Conversation:
    """The agent skipped its wrap-up: after-call work ends at ``at``, skipped."""

    def skip(participant: Participant, callback: Callback) -> tuple[dict[str, Any], Callback]:
        acw = callback.after_call_work or AfterCallWork(start_time=callback.disconnected_time or at)
        callback = attrs.evolve(
            callback, after_call_work=attrs.evolve(acw, state=AfterCallWorkState.SKIPPED, end_time=at)
        )
        return {"end_acw_time": at}, callback

    return _acw_over(_change(conversation, {agent_id: skip}), agent_id, at)


def _calls_ended(conversation: Conversation, agent_id: str, at: datetime) -> Conversation:
    """Every call the agent placed, and the leg it reached, disconnected at ``at``."""
    placed = {call.id for p in conversation.participants or () if p.id == agent_id for call in p.calls or ()}
    if not placed:
        return conversation

    def end(participant: Participant) -> Participant:
        calls = participant.calls or ()
        mine = participant.id == agent_id
        if not any(call.id in placed or call.peer_id in placed for call in calls):
            return participant
        ended = tuple(
            attrs.evolve(
                call,
                state=CallState.DISCONNECTED,
                disconnect_type=CallDisconnectType.CLIENT if mine else CallDisconnectType.PEER,
                disconnected_time=at,
                segments=_close(call.segments, at, "Disconnect", "client" if mine else "peer"),
            )
            if call.state is not CallState.DISCONNECTED
            else call
            for call in calls
        )
        return attrs.evolve(participant, calls=ended, end_time=participant.end_time if mine else at)

    return with_participants(conversation, end)


def ended_if_over(conversation: Conversation, at: datetime) -> Conversation:
    """The conversation ends at ``at`` once every leg has."""
    if conversation.end_time is None and all(
        cb.state in (CallbackState.DISCONNECTED, CallbackState.TERMINATED) for cb in callbacks(conversation)
    ):
        return attrs.evolve(conversation, end_time=at)
    return conversation


def reached(conversation: Conversation, customer_id: str | None, at: datetime) -> Conversation:
    """An automated callback reached the customer: the dialling leg connects."""

    def reach(participant: Participant, callback: Callback) -> tuple[dict[str, Any], Callback]:
        segments = (*_close(callback.segments, at, "Interact"), Segment(start_time=at, type="Interact"))
        callback = attrs.evolve(callback, state=CallbackState.CONNECTED, connected_time=at, segments=segments)
        return {"connected_time": at}, callback

    return _change(conversation, {customer_id: reach})


def finished(conversation: Conversation, customer_id: str | None, at: datetime) -> Conversation:
    """An automated callback's call is over: the customer hung up (``endpoint``)."""

    finish = _disconnect(DisconnectType.ENDPOINT, at)
    return ended_if_over(_change(conversation, {customer_id: finish}), at)


def dialled(conversation: Conversation, customer_id: str | None, at: datetime) -> Conversation:
    """A customer-first callback fired: its Scheduled segment ends and the customer's leg dials
    (a ``Dialing`` segment per attempt); the acd leg stays scheduled until the customer answers."""

    def dial(participant: Participant, callback: Callback) -> tuple[dict[str, Any], Callback]:
        segments = (*_close(callback.segments, at, "Dialing"), Segment(start_time=at, type="Dialing"))
        return {}, attrs.evolve(callback, state=CallbackState.DIALING, segments=segments)

    return _change(conversation, {customer_id: dial})


def redial_at(
    conversation: Conversation, customer_id: str | None, at: datetime, retry: datetime
) -> Conversation:
    """A customer-first attempt went unanswered: the customer's leg is scheduled again for ``retry``."""

    def again(participant: Participant, callback: Callback) -> tuple[dict[str, Any], Callback]:
        segments = (
            *_close(callback.segments, at, "Disconnect", "noAnswer"),
            Segment(start_time=at, type="Scheduled"),
        )
        callback = attrs.evolve(
            callback, state=CallbackState.SCHEDULED, callback_scheduled_time=retry, segments=segments
        )
        return {}, callback

    return _change(conversation, {customer_id: again})


def dial_ended(
    conversation: Conversation,
    customer_id: str | None,
    acd_id: str | None,
    at: datetime,
    disconnect_type: DisconnectType,
    how: str,
) -> Conversation:
    """A customer-first callback ends without an agent: its customer and acd legs disconnect with
    ``disconnect_type`` (the last dial's segment ending ``how``), and the conversation with them."""

    end = _disconnect(disconnect_type, at, how=how)
    return ended_if_over(_change(conversation, {customer_id: end, acd_id: end}), at)
