"""Cancel is cancel: ending a callback that no agent has answered, by any of its ids, ends all of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

import contracts
from contracts import CallbackState, Conversation
from factories import check_conversation
from tests.mockserver.state.test_lifecycle import dedicated
from tests.support import NOW
from tests.support.control import AdminRoutes, control_path
from tests.support.seeded import QUEUE_ID

CALLBACKS = "/api/v2/conversations/callbacks"
# Every offer is answered 10 to 30 s after it starts ringing (the seeded conversations' lives end
# within the day); a callback that still fired or rang after a cancel would show in its participants.
# The callback goes to a queue of its own whose one member nothing else keeps busy, so it is offered
# when it is due and would be again at any time of the day after, were it not cancelled whole.
LIFECYCLE = {
    "mode": "auto",
    "fireDelaySeconds": 0,
    "offerDelaySeconds": 10,
    "answerProbability": 1,
    "declineProbability": 0,
    "ringSeconds": 20,
}
# How far the clock moves after the create to reach each stage (the callback is due 60 s after it).
STAGES = {"scheduled": 0, "queued": 61, "alerting": 75}
DAY = 24 * 3600


def _advance(client: FlaskClient, seconds: int) -> None:
    if seconds:
        response = client.post(control_path(AdminRoutes.MOVE_CLOCK), json={"advanceSeconds": seconds})
        assert response.status_code == 200, response.json


def _conversation(client: FlaskClient, conversation_id: str) -> Conversation:
    return contracts.loads(client.get(f"/api/v2/conversations/{conversation_id}").data, Conversation)


def _leg(conversation: Conversation, purpose: str) -> tuple[str, str]:
    """The (participant id, callback id) of the last participant with ``purpose``."""
    participant = [p for p in conversation.participants or () if p.purpose == purpose][-1]
    return participant.id or "", (participant.callbacks or ())[0].id or ""


def _cancel(client: FlaskClient, way: str, conversation: Conversation, ids: dict[str, str]) -> int:
    conversation_id = conversation.id or ""
    if way in ("EXTERNAL", "ACD"):
        body = {
            "callbackDisconnectIdentifiers": [{"conversationId": conversation_id, "callbackId": ids[way]}]
        }
        return client.post(f"{CALLBACKS}/bulk/disconnect", json=body).status_code
    if way == "conversation":
        return client.patch(f"{CALLBACKS}/{conversation_id}", json={"state": "disconnected"}).status_code
    participant, callback = _leg(conversation, "customer")
    path = f"{CALLBACKS}/{conversation_id}/participants/{participant}"
    if way == "customer-communication":
        path += f"/communications/{callback}"
    return client.patch(path, json={"state": "disconnected"}).status_code


@pytest.mark.parametrize("stage", list(STAGES))
@pytest.mark.parametrize(
    ("way", "status"),
    [
        ("EXTERNAL", 202),
        ("ACD", 202),
        ("conversation", 200),
        ("customer-participant", 202),
        ("customer-communication", 200),
    ],
)
def test_a_cancelled_callback_ends_whole_and_nothing_follows_in_a_day(
    client: FlaskClient, stage: str, way: str, status: int
) -> None:
    assert client.put(control_path(AdminRoutes.SET_LIFECYCLE), json=LIFECYCLE).status_code == 200
    queue_id = dedicated(client, ["agent:0"])
    due = (NOW + timedelta(seconds=60)).isoformat()
    created = client.post(
        CALLBACKS,
        json={"callbackNumbers": ["+13175550100"], "queueId": queue_id, "callbackScheduledTime": due},
    ).json
    assert created is not None
    conversation_id = created["conversation"]["id"]
    ids = {identifier["type"]: identifier["id"] for identifier in created["callbackIdentifiers"]}
    _advance(client, STAGES[stage])
    before = _conversation(client, conversation_id)
    expected_agents = 1 if stage == "alerting" else 0
    assert sum(p.purpose == "agent" for p in before.participants or ()) == expected_agents

    assert _cancel(client, way, before, ids) == status
    cancelled = _conversation(client, conversation_id)
    _advance(client, DAY)

    after = _conversation(client, conversation_id)
    assert after == cancelled  # nothing fired, offered or changed in the day after
    assert [p.id for p in after.participants or ()] == [p.id for p in before.participants or ()]
    assert after.end_time == NOW + timedelta(seconds=STAGES[stage])
    assert {cb.state for p in after.participants or () for cb in p.callbacks or ()} == {
        CallbackState.DISCONNECTED
    }
    assert all(p.end_time == after.end_time for p in after.participants or ())
    assert check_conversation(after) == []


def test_an_answered_callback_loses_only_the_leg_named(client: FlaskClient) -> None:
    """Once an agent answered, the callback is theirs: the customer's leg ends, the agent's goes on."""
    assert client.put(control_path(AdminRoutes.SET_LIFECYCLE), json={"mode": "manual"}).status_code == 200
    created = client.post(CALLBACKS, json={"callbackNumbers": ["+13175550100"], "queueId": QUEUE_ID}).json
    assert created is not None
    conversation_id = created["conversation"]["id"]
    advanced = client.post(
        control_path(AdminRoutes.ADVANCE, conversation_id=conversation_id), json={"to": "connected"}
    )
    assert advanced.status_code == 200
    _, customer_callback = _leg(_conversation(client, conversation_id), "customer")
    body = {
        "callbackDisconnectIdentifiers": [
            {"conversationId": conversation_id, "callbackId": customer_callback}
        ]
    }

    assert client.post(f"{CALLBACKS}/bulk/disconnect", json=body).status_code == 202

    after = _conversation(client, conversation_id)
    states = {p.purpose: (p.callbacks or ())[0].state for p in after.participants or ()}
    assert states["customer"] is CallbackState.DISCONNECTED
    assert states["agent"] is CallbackState.CONNECTED
    assert after.end_time is None
