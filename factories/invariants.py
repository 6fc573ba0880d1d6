"""The lifecycle invariants of callbacks and conversations, as two functions anyone can call.

``check_callback(payload)`` and ``check_conversation(payload)`` take a wire dict or a contract
object and return the broken invariants as ``"$.path: expected ..., got ..."`` messages; an empty
list means the payload is one a real org could send. Payloads are read in tolerant mode, so a
value from a newer API is judged by its lifecycle rather than refused.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

import orjson

from contracts import E164 as E164  # still imported from here by mockserver
from contracts import (
    AfterCallWorkState,
    Callback,
    CallbackFields,
    CallbackState,
    ContractError,
    Conversation,
    format_datetime,
    structure,
)
from contracts.conversations import ConversationFields

M = TypeVar("M")
_ENDED = (CallbackState.DISCONNECTED, CallbackState.TERMINATED)


def check_callback(callback: Mapping[str, Any] | CallbackFields) -> list[str]:
    """The lifecycle invariants ``callback`` breaks (a wire dict or a model); empty when none."""
    return _check(callback, Callback, lambda read: callback_problems(read, "$"))


def check_conversation(conversation: Mapping[str, Any] | ConversationFields) -> list[str]:
    """The invariants a callback conversation breaks, its callbacks' included; empty when none."""
    return _check(conversation, Conversation, conversation_problems)


def _check(payload: Mapping[str, Any] | M, model: type[M], problems: Callable[[M], list[str]]) -> list[str]:
    """``problems(payload)``; a wire dict is read as ``model`` first, and what fails to read is the answer."""
    if not isinstance(payload, Mapping):
        return problems(payload)
    # A dict built in Python may hold tuples or enum members where JSON has arrays and strings;
    # the converter takes only exact JSON types, so the dict goes through JSON once.
    wire = orjson.loads(orjson.dumps(payload))
    try:
        read = structure(wire, model, strict=False)
    except ContractError as exc:
        return list(exc.errors)
    return problems(read)


def _show(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, datetime):
        return format_datetime(value)  # as the wire spells it: milliseconds, in UTC, with "Z"
    return repr(getattr(value, "value", value))


class _Report:
    def __init__(self, at: str) -> None:
        self.at = at
        self.problems: list[str] = []

    def expect(self, field: str, expected: str, got: object) -> None:
        self.problems.append(f"{self.at}.{field}: expected {expected}, got {_show(got)}")

    def order(self, earlier: tuple[str, datetime | None], later: tuple[str, datetime | None]) -> None:
        (first, start), (second, end) = earlier, later
        if start is not None and end is not None and end < start:
            self.expect(second, f"a time at or after {first} ({_show(start)})", end)


def callback_problems(cb: CallbackFields, at: str, *, values: bool = True) -> list[str]:
    """The broken invariants of one callback; paths start at ``at``.

    ``values=False`` leaves out the rules of single values (``value_problems``), keeping those of
    the lifecycle: what the callback's state, times, segments and after-call work say together.
    """
    report = _Report(at)
    state = cb.state
    ended = state in _ENDED
    _check_state(report, cb, ended)
    report.order(("startAlertingTime", cb.start_alerting_time), ("connectedTime", cb.connected_time))
    report.order(("connectedTime", cb.connected_time), ("startHoldTime", cb.start_hold_time))
    report.order(("startAlertingTime", cb.start_alerting_time), ("disconnectedTime", cb.disconnected_time))
    report.order(("connectedTime", cb.connected_time), ("disconnectedTime", cb.disconnected_time))
    _check_segments(report, cb, ended)
    _check_after_call_work(report, cb, ended)
    if values:
        report.problems.extend(value_problems(cb, at))
    if cb.voicemail is not None and cb.dialer_preview is not None:
        report.expect("dialerPreview", "nothing on an ACD voicemail callback", "a dialer preview")
    return report.problems


def value_problems(cb: CallbackFields, at: str) -> list[str]:
    """The values of one callback that no org sends, each on its own: numbers, bounds."""
    report = _Report(at)
    for i, number in enumerate(cb.callback_numbers or ()):
        if not E164.fullmatch(number):
            report.expect(f"callbackNumbers[{i}]", "an E.164 number such as '+14155550123'", number)
    if cb.callback_numbers is not None and not cb.callback_numbers:
        report.expect("callbackNumbers", "at least one number", [])
    if cb.caller_id is not None and not E164.fullmatch(cb.caller_id):
        report.expect("callerId", "an E.164 number", cb.caller_id)
    if cb.timeout_seconds is not None and cb.timeout_seconds < 0:
        report.expect("timeoutSeconds", "0 or more", cb.timeout_seconds)
    if cb.wrapup is not None and cb.wrapup.duration_seconds is not None and cb.wrapup.duration_seconds < 0:
        report.expect("wrapup.durationSeconds", "0 or more", cb.wrapup.duration_seconds)
    return report.problems


def _check_state(report: _Report, cb: CallbackFields, ended: bool) -> None:
    state = _show(cb.state)
    if cb.initial_state in _ENDED:
        report.expect("initialState", "a state a callback can start in", cb.initial_state)
    if ended:
        if cb.disconnect_type is None:
            report.expect("disconnectType", f"a value when state is {state}", None)
        if cb.disconnected_time is None:
            report.expect("disconnectedTime", f"a value when state is {state}", None)
    else:
        if cb.disconnect_type is not None:
            report.expect("disconnectType", f"nothing while state is {state}", cb.disconnect_type)
        if cb.disconnected_time is not None:
            report.expect("disconnectedTime", f"nothing while state is {state}", cb.disconnected_time)
    if cb.held and cb.start_hold_time is None:
        report.expect("startHoldTime", "a value when held is true", None)
    if cb.start_hold_time is not None and not cb.held:
        report.expect("startHoldTime", "nothing unless held is true", cb.start_hold_time)
    if cb.held and cb.state != CallbackState.CONNECTED:
        report.expect("held", f"false while state is {state}", True)
    if cb.state == CallbackState.CONNECTED and cb.connected_time is None:
        report.expect("connectedTime", "a value when state is 'connected'", None)
    if cb.state in (CallbackState.ALERTING, CallbackState.SCHEDULED) and cb.connected_time is not None:
        report.expect("connectedTime", f"nothing while state is {state}", cb.connected_time)
    if cb.state == CallbackState.ALERTING and cb.start_alerting_time is None:
        report.expect("startAlertingTime", "a value when state is 'alerting'", None)


def _check_segments(report: _Report, cb: CallbackFields, ended: bool) -> None:
    segments = cb.segments or ()
    if cb.state == CallbackState.ALERTING and segments:
        report.expect("segments", "[] while state is 'alerting'", f"{len(segments)} segment(s)")
        return
    last = len(segments) - 1
    for i, segment in enumerate(segments):
        if segment.start_time is None:
            report.expect(f"segments[{i}].startTime", "a value", None)
            continue
        if segment.end_time is None:
            if i < last:
                report.expect(f"segments[{i}].endTime", "a value: only the last segment may be open", None)
        elif segment.end_time < segment.start_time:
            report.expect(
                f"segments[{i}].endTime",
                f"a time at or after its startTime ({_show(segment.start_time)})",
                segment.end_time,
            )
        if i < last and segment.end_time is not None:
            following = segments[i + 1].start_time
            if following is not None and following != segment.end_time:
                what = "a gap" if following > segment.end_time else "an overlap"
                report.expect(
                    f"segments[{i + 1}].startTime",
                    f"the end of segments[{i}] ({_show(segment.end_time)}), not {what}",
                    following,
                )
    if not segments:
        if cb.state == CallbackState.CONNECTED:
            report.expect("segments", "an open segment while state is 'connected'", [])
        return
    final = segments[-1]
    if ended:
        if final.end_time is None:
            report.expect(f"segments[{last}].endTime", f"a value when state is {_show(cb.state)}", None)
        elif cb.disconnected_time is not None and final.end_time != cb.disconnected_time:
            report.expect(
                f"segments[{last}].endTime",
                f"the disconnectedTime ({_show(cb.disconnected_time)})",
                final.end_time,
            )
    elif cb.state in (CallbackState.CONNECTED, CallbackState.SCHEDULED):
        if final.end_time is not None:
            report.expect(
                f"segments[{last}].endTime", f"nothing while state is {_show(cb.state)}", final.end_time
            )
        if cb.state == CallbackState.CONNECTED:
            report.order(
                ("connectedTime", cb.connected_time), (f"segments[{last}].startTime", final.start_time)
            )


def _check_after_call_work(report: _Report, cb: CallbackFields, ended: bool) -> None:
    acw = cb.after_call_work
    if acw is not None:
        if not ended and acw.state in (AfterCallWorkState.PENDING, AfterCallWorkState.COMPLETE):
            report.expect("afterCallWork", f"nothing while state is {_show(cb.state)}", _show(acw.state))
        report.order(("disconnectedTime", cb.disconnected_time), ("afterCallWork.startTime", acw.start_time))
        report.order(("afterCallWork.startTime", acw.start_time), ("afterCallWork.endTime", acw.end_time))
        if acw.state == AfterCallWorkState.PENDING and acw.end_time is not None:
            report.expect("afterCallWork.endTime", "nothing while afterCallWork is pending", acw.end_time)
        if acw.state == AfterCallWorkState.COMPLETE and acw.end_time is None:
            report.expect("afterCallWork.endTime", "a value when afterCallWork is complete", None)
    wrapup = cb.wrapup
    if wrapup is None:
        return
    if not ended and not wrapup.provisional:
        report.expect("wrapup.provisional", f"true while state is {_show(cb.state)}", wrapup.provisional)
    report.order(("disconnectedTime", cb.disconnected_time), ("wrapup.endTime", wrapup.end_time))
    if acw is not None and acw.end_time is not None and acw.start_time is not None:
        if wrapup.end_time is not None and wrapup.end_time != acw.end_time:
            report.expect(
                "wrapup.endTime", f"the afterCallWork.endTime ({_show(acw.end_time)})", wrapup.end_time
            )
        seconds = (acw.end_time - acw.start_time) // timedelta(seconds=1)
        if wrapup.duration_seconds is not None and wrapup.duration_seconds != seconds:
            report.expect(
                "wrapup.durationSeconds",
                f"{seconds}, the length of the after-call work",
                wrapup.duration_seconds,
            )


def conversation_value_problems(conversation: ConversationFields) -> list[str]:
    """``value_problems`` of each callback of ``conversation``, with its path."""
    return [
        problem
        for i, participant in enumerate(getattr(conversation, "participants", None) or ())
        for j, callback in enumerate(participant.callbacks or ())
        for problem in value_problems(callback, f"$.participants[{i}].callbacks[{j}]")
    ]


def conversation_problems(conversation: ConversationFields, *, values: bool = True) -> list[str]:
    """The broken invariants of a callback conversation and of each of its callbacks.

    ``values=False`` leaves out the callbacks' ``value_problems``, as ``callback_problems`` does.
    """
    report = _Report("$")
    cid = conversation.id
    if (
        cid is not None
        and conversation.self_uri is not None
        and conversation.self_uri != f"/api/v2/conversations/{cid}"
    ):
        report.expect("selfUri", f"'/api/v2/conversations/{cid}'", conversation.self_uri)
    participants = getattr(conversation, "participants", None) or ()
    legs: list[tuple[str, Any, CallbackFields]] = []
    for i, participant in enumerate(participants):
        callbacks = participant.callbacks or ()
        for j, callback in enumerate(callbacks):
            at = f"$.participants[{i}].callbacks[{j}]"
            report.problems.extend(callback_problems(callback, at, values=values))
            legs.append((at, participant, callback))
        if participant.purpose == "agent" and len(callbacks) != 1:
            report.expect(f"participants[{i}].callbacks", "one callback per agent offer", f"{len(callbacks)}")
        report.order(
            (f"participants[{i}].startTime", participant.start_time),
            (f"participants[{i}].endTime", participant.end_time),
        )
        report.order(
            ("startTime", conversation.start_time), (f"participants[{i}].startTime", participant.start_time)
        )
    customers = [leg for leg in legs if leg[1].purpose == "customer"]
    if not customers:
        report.expect("participants", "a customer participant with a callback", 0)
        return report.problems
    # One round per customer callback (a conversation given a new callback holds several): the
    # other legs belong to the round whose customer callback their peerId names, else the last.
    ids = {cb.id for _, _, cb in customers}
    for at, _, callback in customers[:-1]:
        if callback.state not in _ENDED:
            report.problems.append(
                f"{at}: expected one callback at a time, got a later one while this is {_show(callback.state)}"
            )
    for _, _, customer in customers:
        last = customer is customers[-1][2]
        round_legs = [
            leg
            for leg in legs
            if leg[1].purpose != "customer"
            and (leg[2].peer_id == customer.id or (last and leg[2].peer_id not in ids))
        ]
        _check_agreement(report, customer, round_legs)
        _check_offers(report, round_legs)
    if conversation.end_time is not None and any(cb.state not in _ENDED for _, _, cb in legs):
        report.expect("endTime", "nothing while a callback is still live", conversation.end_time)
    attributes = {repr(sorted(p.attributes.items())) for p in participants if p.attributes is not None}
    if len(attributes) > 1:
        report.expect(
            "participants", "the same attributes on every participant", f"{len(attributes)} different sets"
        )
    return report.problems


def _check_agreement(
    report: _Report, customer: CallbackFields, legs: list[tuple[str, Any, CallbackFields]]
) -> None:
    for at, participant, callback in legs:
        if callback is customer:
            continue
        if callback.peer_id != customer.id:
            report.problems.append(
                f"{at}.peerId: expected the customer's callback id {customer.id!r}, got {callback.peer_id!r}"
            )
        for field, wire in (
            ("callback_numbers", "callbackNumbers"),
            ("callback_scheduled_time", "callbackScheduledTime"),
        ):
            mine, theirs = getattr(callback, field), getattr(customer, field)
            if mine is not None and theirs is not None and mine != theirs:
                report.problems.append(
                    f"{at}.{wire}: expected the customer's {_show(theirs)}, got {_show(mine)}"
                )
        acw = callback.after_call_work
        if (
            participant.purpose == "agent"
            and acw is not None
            and acw.state == AfterCallWorkState.PENDING
            and participant.wrapup_required is not True
        ):
            report.problems.append(
                f"{at}: expected the participant's wrapupRequired true while after-call work is pending, got {participant.wrapup_required!r}"
            )


def _check_offers(report: _Report, legs: list[tuple[str, Any, CallbackFields]]) -> None:
    # The moment the acd leg routed the callback: when it connected (it then ends when an agent
    # answers, as the real service does), or, for a leg that never connected, when it ended.
    moments = (cb.connected_time or cb.disconnected_time for _, p, cb in legs if p.purpose == "acd")
    routed = [moment for moment in moments if moment is not None]
    offers = sorted(
        (
            (cb.start_alerting_time, at, cb)
            for at, p, cb in legs
            if p.purpose == "agent" and cb.start_alerting_time is not None
        ),
        key=lambda offer: offer[0],
    )
    previous: CallbackFields | None = None
    for alerting, at, callback in offers:
        if routed and alerting < routed[0]:
            report.problems.append(
                f"{at}.startAlertingTime: expected a time at or after the acd leg was routed ({_show(routed[0])}), got {_show(alerting)}"
            )
        if previous is not None:
            if previous.state not in _ENDED:
                report.problems.append(
                    f"{at}: expected one agent offer at a time, got a new offer while an earlier one is {_show(previous.state)}"
                )
            elif previous.disconnected_time is not None and alerting < previous.disconnected_time:
                report.problems.append(
                    f"{at}.startAlertingTime: expected a time after the previous offer ended ({_show(previous.disconnected_time)}), got {_show(alerting)}"
                )
        previous = callback
