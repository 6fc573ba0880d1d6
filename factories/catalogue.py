"""Payload catalogues: ``coverage()`` for enum coverage, ``edge_cases()`` for robustness tests."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import attrs
import orjson
from attrs import frozen

import contracts
from contracts import AfterCallWorkState, CallbackState, Direction, DisconnectType, UploadStatus
from factories._seeding import to_datetime, to_ms
from factories.callbacks import CallbackFactory
from factories.invariants import check_callback

_LIVE_STATES = [
    state for state in CallbackState if state not in (CallbackState.DISCONNECTED, CallbackState.TERMINATED)
]


@frozen
class Case:
    """One labelled payload: whether the strict contract takes it, and whether its lifecycle holds."""

    label: str
    payload: dict[str, Any]
    strict: bool = True
    consistent: bool = True
    note: str = ""


def _wire(obj: Any) -> dict[str, Any]:
    payload: dict[str, Any] = orjson.loads(contracts.dumps(obj))
    return payload


def coverage(*, seed: int = 0, now: datetime | None = None) -> list[Case]:
    """The fewest Callback payloads in which every value of every enum appears, plus two more.

    One payload per ``DisconnectType`` (the largest enum; a callback carries one), the other
    enums spread over them: each ``CallbackState`` appears as ``state`` or ``initialState``,
    both directions, every voicemail ``uploadStatus`` and after-call work ``state``. Then a
    minimal payload (id only) and a maximal one with all 29 fields, which no consistent
    lifecycle allows (held while disconnected, voicemail and preview at once): it is strictly
    valid and flagged ``consistent=False``.
    """
    factory = CallbackFactory(seed, now=now)
    cases = []
    uploads, works = list(UploadStatus), list(AfterCallWorkState)
    for i, kind in enumerate(DisconnectType):
        overrides: dict[str, Any] = {
            "disconnect_type": kind,
            "initial_state": _LIVE_STATES[i % len(_LIVE_STATES)],
            "direction": list(Direction)[i % 2],
        }
        if i < len(uploads):
            overrides["voicemail"] = {"id": f"00000000-0000-4000-8000-{i:012d}", "upload_status": uploads[i]}
        work = works[i % len(works)]
        overrides["after_call_work"] = {"state": work}
        if work == AfterCallWorkState.PENDING:
            overrides["after_call_work"]["end_time"] = None
            overrides["wrapup"] = None
        trait = "terminated" if i == len(DisconnectType) - 1 else "disconnected"
        if trait == "terminated":
            overrides["after_call_work"] = overrides["wrapup"] = None
        label = f"disconnectType={kind.value}"
        cases.append(Case(label, _wire(factory.build(trait, **overrides))))
    cases.append(Case("minimal (id only)", {"id": factory.build().id}))
    cases.append(Case("maximal (all 29 fields)", _wire(maximal(factory)), consistent=False))
    return cases


def maximal(factory: CallbackFactory) -> contracts.Callback:
    """A strictly valid Callback with every field set; no real lifecycle produces it."""
    finished = factory.build(
        "disconnected", automated_callback_config_id="00000000-0000-4000-8000-00000000c0f1"
    )
    held = factory.build("held")
    preview = factory.build("preview")
    voicemail = factory.build("voicemail")
    return attrs.evolve(
        finished,
        held=True,
        start_hold_time=held.start_hold_time,
        dialer_preview=preview.dialer_preview,
        voicemail=voicemail.voicemail,
    )


def _retime(payload: dict[str, Any], replace: str | Callable[[re.Match[str]], str]) -> dict[str, Any]:
    text = re.sub(r'"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{3})Z"', replace, orjson.dumps(payload).decode())
    edited: dict[str, Any] = orjson.loads(text)
    return edited


def edge_cases(*, seed: int = 0, now: datetime | None = None) -> list[Case]:
    """A labelled catalogue of payloads that test a client's robustness.

    ``strict=False`` cases are only tolerant-valid: a client that follows the API's own
    robustness rules (ignore unknown fields, keep unknown enum values) reads them; the strict
    contract refuses them.
    """
    factory = CallbackFactory(seed, now=now)
    connected = _wire(factory.build("connected"))
    finished = _wire(factory.build("disconnected"))
    long_notes = ("Customer explained the issue at length. " * 250).strip()
    return [
        Case(
            "unknown extra field",
            {**finished, "callbackPriority": 5},
            strict=False,
            note="a field a newer API adds",
        ),
        Case(
            "unknown nested field",
            {**finished, "wrapup": {**finished["wrapup"], "sentiment": "positive"}},
            strict=False,
        ),
        Case("unknown future enum value", {**connected, "state": "parked"}, strict=False),
        Case("unknown disconnect type", {**finished, "disconnectType": "callback.expired"}, strict=False),
        Case(
            "null instead of absent",
            {**connected, "wrapup": None},
            strict=False,
            note="the SDK crashes on null enums",
        ),
        Case("empty segments", _wire(factory.build("alerting"))),
        Case("open segment", connected, note="the last segment has no endTime"),
        Case("whole-second timestamps", _retime(finished, r'"\1Z"')),
        Case("9-digit fractions", _retime(finished, r'"\1.\g<2>000000Z"')),
        Case(
            "microseconds and an offset",
            _retime(finished, r'"\1.\g<2>000+00:00"'),
            note="the Python SDK's isoformat",
        ),
        Case("lower-case t and z", _retime(connected, lambda m: f'"{m[1].lower()}.{m[2]}z"')),
        Case(
            "non-ASCII names",
            {
                **finished,
                "callbackUserName": "Zoë Ångström-Łukasiewicz 山田太郎",
                "callerIdName": "Café Ünïcode ☎",
            },
        ),
        Case("very long notes", {**finished, "wrapup": {**finished["wrapup"], "notes": long_notes}}),
        Case("many segments", _wire(_many_segments(factory, 200))),
        Case(
            "several callback numbers",
            {**finished, "callbackNumbers": ["+14155550101", "+442071234567", "+81312345678"]},
        ),
        Case("empty strings", {**finished, "callerIdName": "", "callbackUserName": ""}),
        Case("empty tags", {**finished, "wrapup": {**finished["wrapup"], "tags": []}}),
        Case(
            "largest 32-bit duration",
            {**finished, "wrapup": {**finished["wrapup"], "durationSeconds": 2**31 - 1}},
            consistent=False,
        ),
        Case(
            "scheduled far in the future",
            _wire(
                factory.build(
                    "scheduled", callback_scheduled_time=datetime(2099, 12, 31, 23, 59).astimezone()
                )
            ),
        ),
        Case("immediate callback (no scheduled time)", _wire(factory.build("voicemail"))),
        Case("minimal (id only)", {"id": finished["id"]}),
    ]


def _many_segments(factory: CallbackFactory, count: int) -> contracts.Callback:
    """A finished call put on hold and picked up again and again: ``count`` segments in all."""
    base = factory.build("disconnected")
    alert, talk = base.segments or ()
    assert talk.start_time is not None
    assert talk.end_time is not None
    start, end = to_ms(talk.start_time), to_ms(talk.end_time)
    marks = [to_datetime(start + (end - start) * i // (count - 1)) for i in range(count)]
    kinds = ["Interact" if i % 2 == 0 else "Hold" for i in range(count - 1)]
    middle = [
        contracts.Segment(start_time=marks[i], end_time=marks[i + 1], type=kinds[i], how_ended=kinds[i + 1])
        for i in range(count - 2)
    ]
    last = attrs.evolve(talk, start_time=marks[-2], type=kinds[-1])
    callback = attrs.evolve(base, segments=(alert, *middle, last))
    assert check_callback(callback) == []
    return callback
