"""Callbacks that live: the clock, the engine's steps and their stamps, the modes, advance and reset."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import contracts
from contracts import CallbackState, Conversation, DisconnectType
from factories import ConversationFactory, check_conversation
from mockserver.state.clock import Clock, ClockError
from mockserver.state.lifecycle import CUSTOMER_FIRST_STAGES, PATHS, Step
from mockserver.store.memory import MemorySchedule
from mockserver.web.current import backend_of
from tests.support import NOW
from tests.support.control import AdminRoutes, control_path
from tests.support.seeded import QUEUE_ID

CREATE = {"callbackNumbers": ["+13175550100"], "queueId": QUEUE_ID}


def create(client: FlaskClient, **fields: Any) -> str:
    response = client.post("/api/v2/conversations/callbacks", json={**CREATE, **fields})
    assert response.status_code == 200, response.json
    conversation_id: str = response.json["conversation"]["id"]  # type: ignore[index]
    return conversation_id


def conversation(client: FlaskClient, conversation_id: str) -> Conversation:
    response = client.get(f"/api/v2/conversations/{conversation_id}")
    assert response.status_code == 200
    return contracts.loads(response.data, Conversation)


def advance(client: FlaskClient, seconds: float) -> dict[str, Any]:
    response = client.post(control_path(AdminRoutes.MOVE_CLOCK), json={"advanceSeconds": seconds})
    assert response.status_code == 200, response.json
    state: dict[str, Any] = response.json  # type: ignore[assignment]
    return state


def legs(conversation: Conversation) -> list[tuple[str, CallbackState | None]]:
    return [
        (p.purpose or "", p.callbacks[0].state if p.callbacks else None)
        for p in conversation.participants or ()
    ]


def manual(client: FlaskClient, **settings: Any) -> None:
    assert (
        client.put(control_path(AdminRoutes.SET_LIFECYCLE), json={"mode": "manual", **settings}).status_code
        == 200
    )


def dedicated(client: FlaskClient, members: list[str]) -> str:
    """A queue of its own whose members are ``members`` alone, exclusively (taken out of every other
    queue, so the seeded conversations' offers never keep them busy). Its id."""
    put = client.put(
        control_path(AdminRoutes.PUT_QUEUE, queue_id="dedicated"),
        json={"name": "Dedicated", "members": members, "exclusive": True},
    )
    assert put.status_code in (200, 201), put.json
    return "dedicated"


# The clock


def test_the_clock_starts_at_now_frozen_and_moves_only_forward(client: FlaskClient) -> None:
    assert client.get(control_path(AdminRoutes.CLOCK)).json == {
        "now": "2030-01-15T12:00:00.000Z",
        "frozen": True,
    }
    assert advance(client, 90.5) == {"now": "2030-01-15T12:01:30.500Z", "frozen": True}
    jumped = client.post(control_path(AdminRoutes.MOVE_CLOCK), json={"now": "2030-01-16T00:00:00Z"}).json
    assert jumped == {"now": "2030-01-16T00:00:00.000Z", "frozen": True}

    back = client.post(control_path(AdminRoutes.MOVE_CLOCK), json={"now": "2030-01-15T00:00:00Z"})

    assert back.status_code == 400
    assert back.json["details"][0]["fieldName"] == "$.now"  # type: ignore[index]
    assert client.get(control_path(AdminRoutes.CLOCK)).json == jumped


@pytest.mark.parametrize(
    ("body", "code", "path"),
    [
        ({"advanceSeconds": -1}, "invalid.value", "$.advanceSeconds"),
        ({"advanceSeconds": "5"}, "invalid.value", "$.advanceSeconds"),
        ({"now": "yesterday"}, "invalid.date", "$.now"),
        ({"frozen": "yes"}, "invalid.value", "$.frozen"),
        ({"advance": 5}, "invalid.property", "$.advance"),
        ({"now": "2029-01-01T00:00:00Z"}, "invalid.value", "$.now"),
    ],
)
def test_bad_clock_moves_are_refused_and_move_nothing(
    client: FlaskClient, body: dict[str, Any], code: str, path: str
) -> None:
    response = client.post(control_path(AdminRoutes.MOVE_CLOCK), json=body)

    assert response.status_code == 400
    assert response.json["code"] == code  # type: ignore[index]
    assert [d["fieldName"] for d in response.json["details"]] == [path]  # type: ignore[index]
    assert client.get(control_path(AdminRoutes.CLOCK)).json == {
        "now": "2030-01-15T12:00:00.000Z",
        "frozen": True,
    }


def test_a_thawed_clock_runs_on_from_where_it_stood() -> None:
    clock = Clock(NOW, frozen=True)
    clock.advance(60)
    clock.freeze(False)
    assert clock.ms() >= clock.ms() - 1  # it runs
    assert clock.now() >= NOW + timedelta(seconds=60)
    with pytest.raises(ClockError):
        clock.set(NOW)
    clock.reset()
    assert (clock.now(), clock.frozen) == (NOW, True)


def test_a_clock_started_frozen_at_the_real_time_is_frozen_again_after_a_reset() -> None:
    clock = Clock(frozen=True)
    clock.freeze(False)
    clock.advance(3600)
    clock.reset()
    assert clock.frozen
    assert abs(clock.seconds() - time.time()) < 60  # back at the real time, an hour behind the move


# The engine, step by step


def test_a_callback_created_for_two_seconds_ahead_has_fired_four_seconds_later(client: FlaskClient) -> None:
    conversation_id = create(client, callbackScheduledTime="2030-01-15T12:00:02Z")
    assert legs(conversation(client, conversation_id))[0] == ("customer", CallbackState.SCHEDULED)

    advance(client, 4)

    fired = conversation(client, conversation_id)
    customer = (fired.participants or ())[0].callbacks[0]  # type: ignore[index]
    assert customer.state is CallbackState.CONNECTED
    # It fired fireDelaySeconds (1) after its time, and that is the moment every stamp says.
    at = NOW + timedelta(seconds=3)
    assert customer.connected_time == at
    assert [(s.type, s.start_time, s.end_time, s.how_ended) for s in customer.segments or ()] == [
        ("Scheduled", NOW, at, "Interact"),
        ("Interact", at, None, None),
    ]
    assert check_conversation(fired) == []


def test_a_created_conversation_starts_now(client: FlaskClient) -> None:
    advance(client, 30)
    created = conversation(client, create(client))
    assert created.start_time == NOW + timedelta(seconds=30)
    assert {p.start_time for p in created.participants or ()} == {NOW + timedelta(seconds=30)}


def test_manual_mode_offers_then_times_out_and_offers_again(client: FlaskClient) -> None:
    manual(client)
    # Two agents of their own queue: the one who lets it ring out is NOT_RESPONDING, the other is offered.
    conversation_id = create(client, queueId=dedicated(client, ["agent:0", "agent:1"]))

    advance(client, 3)  # fired at +1 s, offered at +3 s
    offered = conversation(client, conversation_id)
    assert legs(offered) == [
        ("customer", CallbackState.CONNECTED),
        ("acd", CallbackState.CONNECTED),
        ("agent", CallbackState.ALERTING),
    ]
    agent = (offered.participants or ())[2]
    media = agent.callbacks[0].queue_media_settings  # type: ignore[index]
    timeout = (media.alerting_timeout_seconds if media else None) or 30  # the queue's alerting timeout
    assert (agent.alerting_timeout_ms, agent.callbacks[0].segments) == (timeout * 1000, ())  # type: ignore[index]
    assert agent.callbacks[0].start_alerting_time == NOW + timedelta(seconds=3)  # type: ignore[index]

    advance(client, timeout + 2)  # nobody answers: it times out at 3 s + the timeout, the next offer 2 s on

    timed_out = conversation(client, conversation_id)
    assert legs(timed_out)[2:] == [("agent", CallbackState.DISCONNECTED), ("agent", CallbackState.ALERTING)]
    ended = (timed_out.participants or ())[2].callbacks[0]  # type: ignore[index]
    assert (ended.disconnect_type, ended.disconnected_time) == (
        DisconnectType.SYSTEM,
        NOW + timedelta(seconds=3 + timeout),
    )
    assert [(s.type, s.how_ended, s.disconnect_type) for s in ended.segments or ()] == [
        ("Alert", "Disconnect", "system")
    ]
    assert check_conversation(timed_out) == []


def test_answering_ends_the_acd_leg_with_transfer_at_the_same_instant(client: FlaskClient) -> None:
    manual(client)
    conversation_id = create(client)
    advance(client, 3)
    agent = (conversation(client, conversation_id).participants or ())[2]
    advance(client, 2)

    answered = client.patch(
        f"/api/v2/conversations/callbacks/{conversation_id}/participants/{agent.id}",
        json={"state": "connected"},
    )

    assert (answered.status_code, answered.data) == (202, b"")
    now = conversation(client, conversation_id)
    acd, answering = (now.participants or ())[1].callbacks[0], (now.participants or ())[2].callbacks[0]  # type: ignore[index]
    assert answering.state is CallbackState.CONNECTED
    assert (acd.state, acd.disconnect_type) == (CallbackState.DISCONNECTED, DisconnectType.TRANSFER)
    assert acd.disconnected_time == answering.connected_time == NOW + timedelta(seconds=5)
    assert check_conversation(now) == []


@pytest.mark.parametrize("seed", range(6))
def test_in_auto_mode_every_conversation_lives_to_its_end_and_holds_its_invariants(
    client: FlaskClient, app: Flask, seed: int
) -> None:
    assert (
        client.put(control_path(AdminRoutes.SET_LIFECYCLE), json={"mode": "auto", "seed": seed}).status_code
        == 200
    )
    created = [create(client) for _ in range(4)]
    seen: list[list[Any]] = []
    for seconds in [2] * 30 + [60] * 30 + [3600] * 30:
        advance(client, seconds)
        for entry in backend_of(app).entries():
            assert check_conversation(entry.conversation) == [], entry.id
        seen.append([legs(conversation(client, c)) for c in created])
    for conversation_id in created:
        over = conversation(client, conversation_id)
        assert over.end_time is not None
        last_agent = [p for p in over.participants or () if p.purpose == "agent"][-1].callbacks[0]  # type: ignore[index]
        assert last_agent.after_call_work is not None
        assert last_agent.after_call_work.state is contracts.AfterCallWorkState.COMPLETE
    assert len({str(states) for states in seen}) > 3  # it moved through stages, not straight to the end


def test_the_seeded_dataset_lives_too_but_nothing_is_due_at_the_start(
    client: FlaskClient, app: Flask
) -> None:
    before = {entry.id: entry.body for entry in backend_of(app).entries()}
    assert client.get("/api/v2/conversations").status_code == 200
    assert {entry.id: entry.body for entry in backend_of(app).entries()} == before

    advance(client, 86_400)

    after = {entry.id: entry.conversation for entry in backend_of(app).entries()}
    assert sum(before[cid] != contracts.dumps(c).encode() for cid, c in after.items()) > len(after) // 2
    assert all(check_conversation(c) == [] for c in after.values())


def test_off_mode_keeps_todays_still_photograph(client: FlaskClient, app: Flask) -> None:
    assert client.put(control_path(AdminRoutes.SET_LIFECYCLE), json={"mode": "off"}).status_code == 200
    conversation_id = create(client)
    before = {entry.id: entry.body for entry in backend_of(app).entries()}
    advance(client, 86_400)
    assert {entry.id: entry.body for entry in backend_of(app).entries()} == before
    assert legs(conversation(client, conversation_id))[0] == ("customer", CallbackState.SCHEDULED)


def test_reads_mode_moves_a_conversation_a_step_every_n_reads(client: FlaskClient) -> None:
    settings = {"mode": "auto", "advanceOn": "reads", "readsPerStep": 2, "answerProbability": 1}
    assert client.put(control_path(AdminRoutes.SET_LIFECYCLE), json=settings).status_code == 200
    conversation_id = create(client)
    states = [legs(conversation(client, conversation_id)) for _ in range(12)]

    customer = [s[0][1] for s in states]
    assert customer[0] is CallbackState.SCHEDULED
    assert customer[-1] is CallbackState.DISCONNECTED
    assert [len(s) for s in states] == [2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3]  # fired, then an offer
    assert states[0] != states[1]
    assert states[1] == states[2]


# advance, reset


@pytest.mark.parametrize("stage", [stage for stage in PATHS if stage not in CUSTOMER_FIRST_STAGES])
def test_advance_moves_a_conversation_to_a_stage_keeping_its_ids(client: FlaskClient, stage: str) -> None:
    manual(client)
    conversation_id = create(client)
    before = conversation(client, conversation_id)

    response = client.post(
        control_path(AdminRoutes.ADVANCE, conversation_id=conversation_id), json={"to": stage}
    )

    assert response.status_code == 200, response.json
    moved = conversation(client, conversation_id)
    assert contracts.loads(response.data, Conversation) == moved
    assert [p.id for p in moved.participants or ()][:2] == [p.id for p in before.participants or ()]
    assert check_conversation(moved) == []
    factory_stage = ConversationFactory(1).build(stage)
    assert [p.purpose for p in moved.participants or ()] == [
        p.purpose for p in factory_stage.participants or ()
    ]
    assert [cb.state for p in moved.participants or () for cb in p.callbacks or ()][2:] == [
        cb.state for p in factory_stage.participants or () for cb in p.callbacks or ()
    ][2:]


@pytest.mark.parametrize(
    ("first", "then", "status", "code"),
    [
        (None, "held", 400, "invalid.value"),
        (None, "nowhere", 400, "invalid.value"),
        ("connected", "alerting", 409, "conflict"),
        ("declined", "connected", 409, "conflict"),
        ("unanswered", "declined", 409, "conflict"),
        ("after_call_work", "reoffered", 409, "conflict"),
    ],
)
def test_advance_refuses_a_stage_it_cannot_reach_and_changes_nothing(
    client: FlaskClient, first: str | None, then: str, status: int, code: str
) -> None:
    manual(client)
    conversation_id = create(client)
    if first:
        assert (
            client.post(
                control_path(AdminRoutes.ADVANCE, conversation_id=conversation_id), json={"to": first}
            ).status_code
            == 200
        )
    before = conversation(client, conversation_id)

    response = client.post(
        control_path(AdminRoutes.ADVANCE, conversation_id=conversation_id), json={"to": then}
    )

    assert (response.status_code, response.json["code"]) == (status, code)  # type: ignore[index]
    assert response.json["details"][0]["fieldName"] == "$.to"  # type: ignore[index]
    assert conversation(client, conversation_id) == before


def test_reset_rewinds_the_clock_the_lifecycle_and_the_data(client: FlaskClient, app: Flask) -> None:
    baseline = {entry.id: entry.body for entry in backend_of(app).entries()}
    manual(client)
    create(client)
    advance(client, 3600)

    assert client.post(control_path(AdminRoutes.RESET)).status_code == 204

    assert client.get(control_path(AdminRoutes.CLOCK)).json == {
        "now": "2030-01-15T12:00:00.000Z",
        "frozen": True,
    }
    assert client.get(control_path(AdminRoutes.LIFECYCLE)).json["mode"] == "auto"  # type: ignore[index]
    assert {entry.id: entry.body for entry in backend_of(app).entries()} == baseline
    created = create(client)
    advance(client, 3600)  # and it lives the same life again, a created callback included
    again = {entry.id: entry.body for entry in backend_of(app).entries()}
    assert client.post(control_path(AdminRoutes.RESET)).status_code == 204
    assert create(client) == created
    advance(client, 3600)
    assert {entry.id: entry.body for entry in backend_of(app).entries()} == again


@pytest.mark.parametrize(
    ("body", "code", "path"),
    [
        ({"mode": "sometimes"}, "invalid.value", "$.mode"),
        ({"advanceOn": "ticks"}, "invalid.value", "$.advanceOn"),
        ({"readsPerStep": 0}, "invalid.value", "$.readsPerStep"),
        ({"answerProbability": 1.5}, "invalid.value", "$.answerProbability"),
        ({"talkSeconds": -1}, "invalid.value", "$.talkSeconds"),
        ({"seed": "7"}, "invalid.value", "$.seed"),
        ({"speed": 2}, "invalid.property", "$.speed"),
    ],
)
def test_bad_lifecycle_settings_are_refused_and_change_nothing(
    client: FlaskClient, body: dict[str, Any], code: str, path: str
) -> None:
    before = client.get(control_path(AdminRoutes.LIFECYCLE)).json

    response = client.put(control_path(AdminRoutes.SET_LIFECYCLE), json=body)

    assert (response.status_code, response.json["code"]) == (400, code)  # type: ignore[index]
    assert [d["fieldName"] for d in response.json["details"]] == [path]  # type: ignore[index]
    assert client.get(control_path(AdminRoutes.LIFECYCLE)).json == before


def test_the_lifecycle_answer_names_every_setting(client: FlaskClient) -> None:
    settings = client.get(control_path(AdminRoutes.LIFECYCLE)).json
    assert settings == {
        "mode": "auto",
        "advanceOn": "clock",
        "readsPerStep": 1,
        "fireDelaySeconds": 1.0,
        "offerDelaySeconds": 2.0,
        "answerProbability": 0.8,
        "declineProbability": 0.1,
        "customerAnswerProbability": 0.8,
        "machineProbability": 0.1,
        "ringSeconds": 5.0,
        "talkSeconds": 120.0,
        "wrapupSeconds": 20.0,
        "seed": 0,
    }


# The schedule


def test_the_schedule_runs_due_steps_in_time_order_and_forgets_replanned_ones() -> None:
    schedule = MemorySchedule()
    plan: list[tuple[str, Step | None]] = [
        ("a", Step(30, "fire")),
        ("b", Step(10, "fire")),
        ("c", Step(20, "offer")),
        ("a", Step(5, "offer")),  # a is planned again: its step at 30 is stale
        ("c", None),  # c has nothing left to do
    ]
    for conversation_id, step in plan:
        schedule.plan(conversation_id, step)

    assert list(schedule.pop_due(25)) == [(5, "a", "offer"), (10, "b", "fire")]
    assert schedule.next_due() is None
    assert len(schedule) == 0
