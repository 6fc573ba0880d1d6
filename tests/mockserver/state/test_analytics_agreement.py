"""Analytics agree with REST at every step of a whole life (Hypothesis over the lifecycle's seeds).

At each clock step the test reads both answers over HTTP and checks the analytics details against
the REST conversation's own timestamps (its participants', callbacks' and after-call work's, not
only its segments): every session and segment boundary, and each metric's value and emit date.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import contracts
from contracts import Callback, Conversation, Participant, parse_datetime
from mockserver.state.clock import to_ms
from tests.support.control import AdminRoutes, control_path
from tests.support.seeded import QUEUE_ID

CREATE = {"callbackNumbers": ["+13175550100"], "queueId": QUEUE_ID}
STEPS = [2] * 20 + [30] * 20 + [600] * 12


def _ms(text: str | None) -> int | None:
    return None if text is None else to_ms(parse_datetime(text))


def _at(instant: datetime | None) -> int | None:
    return None if instant is None else to_ms(instant)


def metrics(session: dict[str, Any]) -> dict[str, list[tuple[int, int | None]]]:
    found: dict[str, list[tuple[int, int | None]]] = {}
    for metric in session.get("metrics", []):
        found.setdefault(metric["name"], []).append((metric["value"], _ms(metric["emitDate"])))
    return found


def check_callback(participant: Participant, callback: Callback, session: dict[str, Any], now: int) -> None:
    assert session["mediaType"] == "callback"
    assert (
        session.get("callbackNumbers") == list(callback.callback_numbers or ())
        or not callback.callback_numbers
    )
    assert _ms(session.get("callbackScheduledTime")) == _at(callback.callback_scheduled_time)
    segments = session["segments"]
    rest = list(callback.segments or ())
    # Each REST segment is an analytics segment with the same boundaries, in order.
    assert [(_ms(s["segmentStart"]), _ms(s.get("segmentEnd"))) for s in segments[: len(rest)]] == [
        (_at(s.start_time), _at(s.end_time)) for s in rest
    ]
    work = callback.after_call_work
    if len(segments) > len(rest):  # the after-call work, from the participant's own stamps
        (wrapup,) = segments[len(rest) :]
        assert wrapup["segmentType"] == "wrapup"
        assert _ms(wrapup["segmentStart"]) == _at(
            participant.start_acw_time or (work.start_time if work else None)
        )
        assert _ms(wrapup.get("segmentEnd")) == _at(
            participant.end_acw_time or (work.end_time if work else None)
        )
    elif participant.purpose == "agent":
        assert participant.start_acw_time is None or work is None
    found = metrics(session)
    assert all(at is not None and at <= now for values in found.values() for _, at in values)
    if participant.purpose == "agent" and callback.start_alerting_time is not None:
        answered, ended = _at(callback.connected_time), _at(callback.disconnected_time)
        alert_end = answered if answered is not None else ended
        if alert_end is not None:
            assert found["tAlert"] == [(alert_end - _at(callback.start_alerting_time), alert_end)]  # type: ignore[operator]
        else:
            assert "tAlert" not in found
        if answered is not None and ended is not None and callback.start_hold_time is None:
            talk = [value for value, _ in found["tTalk"]]
            held = [value for value, _ in found.get("tHeld", [])]
            assert sum(talk) + sum(held) == ended - answered
        if work is not None and work.end_time is not None:
            acw = _at(work.end_time) - _at(work.start_time or participant.start_acw_time)  # type: ignore[operator]
            assert found["tAcw"] == [(acw, _at(work.end_time))]
            parts = sum(value for name in ("tTalk", "tHeld", "tAcw") for value, _ in found.get(name, []))
            assert found["tHandle"] == [(parts, _at(work.end_time))]
        elif answered is not None:
            assert "tAcw" not in found
    if participant.purpose == "acd" and callback.disconnected_time is not None:
        start = _at(rest[0].start_time)
        assert found["tAcd"] == [(_at(callback.disconnected_time) - start, _at(callback.disconnected_time))]  # type: ignore[operator]


def agree(rest: Conversation, details: dict[str, Any], now: int) -> None:
    assert details["conversationId"] == rest.id
    assert _ms(details["conversationStart"]) == _at(rest.start_time)
    assert _ms(details.get("conversationEnd")) == _at(rest.end_time)
    participants = rest.participants or ()
    assert [p["participantId"] for p in details["participants"]] == [p.id for p in participants]
    for participant, analytic in zip(participants, details["participants"], strict=True):
        assert analytic["purpose"] == participant.purpose
        assert analytic.get("userId") == participant.user_id
        sessions = {s["sessionId"]: s for s in analytic["sessions"]}
        for callback in participant.callbacks or ():
            check_callback(participant, callback, sessions[callback.id], now)
        for call in participant.calls or ():
            assert [
                (_ms(s["segmentStart"]), _ms(s.get("segmentEnd"))) for s in sessions[call.id]["segments"]
            ] == [(_at(s.start_time), _at(s.end_time)) for s in call.segments or ()]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**31 - 1))
def test_analytics_agree_with_rest_at_every_step_of_a_whole_life(client: FlaskClient, seed: int) -> None:
    assert client.post(control_path(AdminRoutes.RESET)).status_code in (200, 204)
    lifecycle = {"mode": "auto", "seed": seed}
    assert client.put(control_path(AdminRoutes.SET_LIFECYCLE), json=lifecycle).status_code == 200
    created = []
    for _ in range(3):
        response = client.post("/api/v2/conversations/callbacks", json=CREATE)
        assert response.status_code == 200, response.json
        created.append(response.json["conversation"]["id"])  # type: ignore[index]
    seen_ends = set()
    for seconds in STEPS:
        clock = client.post(control_path(AdminRoutes.MOVE_CLOCK), json={"advanceSeconds": seconds}).json
        now = _ms(clock["now"])  # type: ignore[index]
        assert now is not None
        for conversation_id in created:
            rest = contracts.loads(client.get(f"/api/v2/conversations/{conversation_id}").data, Conversation)
            details = client.get(f"/api/v2/analytics/conversations/{conversation_id}/details").json
            assert details is not None
            agree(rest, details, now)
            if rest.end_time is not None:
                seen_ends.add(conversation_id)
    assert seen_ends == set(created)  # each lived its whole life
