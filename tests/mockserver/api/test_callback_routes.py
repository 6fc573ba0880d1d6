"""The rest of the callback API: a callback conversation's view, its participants' commands, bulk update."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import contracts
from contracts import (
    BulkCallbackPatchResponse,
    CallbackConversation,
    CallbackState,
    Conversation,
    MediaParticipantState,
)
from factories import check_conversation
from mockserver.web.current import backend_of
from tests.support.control import AdminRoutes, control_path
from tests.support.seeded import OTHER_QUEUE_ID, QUEUE_ID

CREATE = {"callbackNumbers": ["+13175550100"], "queueId": QUEUE_ID}
CALLBACKS = "/api/v2/conversations/callbacks"


class Life:
    """One created callback driven by a test client acting as its agent (manual mode)."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        assert client.put(control_path(AdminRoutes.SET_LIFECYCLE), json={"mode": "manual"}).status_code == 200
        created = client.post(CALLBACKS, json=CREATE).json
        self.id: str = created["conversation"]["id"]  # type: ignore[index]

    def conversation(self) -> Conversation:
        return contracts.loads(self.client.get(f"/api/v2/conversations/{self.id}").data, Conversation)

    def to(self, stage: str) -> Life:
        response = self.client.post(
            control_path(AdminRoutes.ADVANCE, conversation_id=self.id), json={"to": stage}
        )
        assert response.status_code == 200, response.json
        return self

    def participant(self, purpose: str) -> Any:
        return [p for p in self.conversation().participants or () if p.purpose == purpose][-1]

    def path(self, purpose: str, rest: str = "") -> str:
        return f"{CALLBACKS}/{self.id}/participants/{self.participant(purpose).id}{rest}"

    def communication(self, purpose: str, rest: str = "") -> str:
        callback = self.participant(purpose).callbacks[0]
        return self.path(purpose, f"/communications/{callback.id}{rest}")


def stored(app: Flask) -> dict[str, bytes]:
    return {entry.id: entry.body for entry in backend_of(app).entries()}


# The callback-only view


def test_a_callback_conversation_is_its_participants_flattened(client: FlaskClient) -> None:
    life = Life(client).to("connected")

    view = contracts.loads(client.get(f"{CALLBACKS}/{life.id}").data, CallbackConversation)

    assert view.self_uri == f"{CALLBACKS}/{life.id}"
    source = life.conversation().participants or ()
    assert [(p.id, p.purpose) for p in view.participants or ()] == [(p.id, p.purpose) for p in source]
    assert [p.state for p in view.participants or ()] == [
        MediaParticipantState.CONNECTED,
        MediaParticipantState.DISCONNECTED,
        MediaParticipantState.CONNECTED,
    ]


@pytest.mark.usefixtures("lists_every")
def test_the_callback_listing_holds_every_active_conversation(client: FlaskClient, app: Flask) -> None:
    listing = client.get(CALLBACKS).json
    assert listing is not None
    active = [entry.id for entry in backend_of(app).active()[1]]
    assert [c["id"] for c in listing["entities"]] == active
    assert (listing["total"], listing["pageCount"]) == (len(active), 1)


def test_an_unknown_callback_conversation_is_the_apis_404(client: FlaskClient) -> None:
    response = client.get(f"{CALLBACKS}/no-such-id")
    assert (response.status_code, response.json["code"]) == (404, "conversation.error.conversation.not.found")  # type: ignore[index]


# The agent's commands


def test_the_agent_answers_hangs_up_and_wraps_up(client: FlaskClient) -> None:
    life = Life(client).to("alerting")
    assert client.patch(life.path("agent"), json={"state": "connected"}).status_code == 202
    assert client.get(life.path("agent", "/wrapup")).json == {}
    assert client.patch(life.path("agent"), json={"state": "disconnected"}).status_code == 202
    agent = life.participant("agent")
    assert (agent.wrapup_required, agent.callbacks[0].after_call_work.state.value) == (True, "pending")

    codes = client.get(life.path("agent", "/wrapupcodes")).json
    assert codes is not None
    assert len(codes) > 1
    assert all(set(code) == {"id", "name", "selfUri"} for code in codes)
    wrapup = {"code": codes[0]["id"], "name": codes[0]["name"], "notes": "Called back", "tags": ["sale"]}
    response = client.post(life.communication("agent", "/wrapup"), json=wrapup)

    assert (response.status_code, response.data) == (202, b"")
    agent = life.participant("agent")
    assert agent.callbacks[0].after_call_work.state.value == "complete"
    assert agent.wrapup.code == codes[0]["id"]
    assigned = client.get(life.communication("agent", "/wrapup")).json
    assert assigned is not None
    assert (assigned["code"], assigned["notes"], assigned["tags"]) == (
        codes[0]["id"],
        "Called back",
        ["sale"],
    )
    assert check_conversation(life.conversation()) == []


def test_a_provisional_wrap_up_is_kept_apart_from_the_final_one(client: FlaskClient) -> None:
    life = Life(client).to("after_call_work")
    body = {"wrapup": {"code": "c-1", "notes": "draft", "provisional": True}}
    assert client.patch(life.path("agent"), json=body).status_code == 202

    assert client.get(life.path("agent", "/wrapup?provisional=true")).json == {
        "code": "c-1",
        "notes": "draft",
    }
    assert client.get(life.path("agent", "/wrapup")).json == {}
    assert life.participant("agent").callbacks[0].after_call_work.state.value == "pending"


def test_skipping_wrap_up_ends_after_call_work_skipped(client: FlaskClient) -> None:
    life = Life(client).to("after_call_work")
    assert client.patch(life.path("agent"), json={"wrapupSkipped": True}).status_code == 202
    assert life.participant("agent").callbacks[0].after_call_work.state.value == "skipped"


def test_disconnecting_a_communication_declines_an_offer(client: FlaskClient) -> None:
    life = Life(client).to("alerting")
    response = client.patch(life.communication("agent"), json={"state": "disconnected"})
    assert (response.status_code, response.json) == (200, {})
    callback = life.participant("agent").callbacks[0]
    assert (callback.state, callback.disconnect_type.value) == (CallbackState.DISCONNECTED, "client")


def test_attributes_are_merged_into_the_participants(client: FlaskClient) -> None:
    life = Life(client)
    first = client.patch(life.path("customer", "/attributes"), json={"attributes": {"a": "1", "b": "2"}})
    second = client.patch(life.path("customer", "/attributes"), json={"attributes": {"b": "3"}})

    assert (first.status_code, second.status_code) == (202, 202)
    assert second.json == {"attributes": {"a": "1", "b": "3"}}
    assert life.participant("customer").attributes == {"a": "1", "b": "3"}


def test_disconnecting_the_conversation_ends_every_leg(client: FlaskClient) -> None:
    life = Life(client).to("connected")
    response = client.patch(f"{CALLBACKS}/{life.id}", json={"state": "disconnected"})

    assert response.status_code == 200
    ended = contracts.loads(response.data, Conversation)
    assert ended == life.conversation()
    assert ended.end_time is not None
    assert {cb.state for p in ended.participants or () for cb in p.callbacks or ()} == {
        CallbackState.DISCONNECTED
    }
    assert check_conversation(ended) == []


def test_the_recording_state_is_set_and_answered_as_a_string(client: FlaskClient) -> None:
    life = Life(client)
    response = client.put(f"{CALLBACKS}/{life.id}/recordingstate", json={"recordingState": "PAUSED"})
    assert (response.status_code, response.json) == (200, "PAUSED")
    assert life.conversation().recording_state is contracts.RecordingState.PAUSED


def test_the_agent_places_the_call_and_hanging_up_ends_it(client: FlaskClient) -> None:
    life = Life(client).to("connected")
    response = client.post(f"/api/v2/conversations/calls/{life.id}", json={"callNumber": "+13175550100"})

    assert response.status_code == 200
    placed = contracts.loads(response.data, Conversation)
    agent_call = life.participant("agent").calls[0]
    dialled = [p for p in placed.participants or () if p.purpose == "external"]
    assert [p.address for p in dialled] == ["+13175550100"]
    assert (dialled[0].calls or ())[0].peer_id == agent_call.id
    assert agent_call.state is contracts.CallState.CONNECTED
    issued = client.post(
        control_path(AdminRoutes.ISSUE_TOKEN), json={"userId": life.participant("agent").user_id}
    )
    as_agent = {"Authorization": f"Bearer {issued.json['accessToken']}"}  # type: ignore[index]
    listing = client.get("/api/v2/conversations?communicationType=call", headers=as_agent).json
    assert [c["id"] for c in listing["entities"]] == [life.id]  # type: ignore[index]

    assert client.patch(life.path("agent"), json={"state": "disconnected"}).status_code == 202
    over = life.conversation()
    assert {call.state for p in over.participants or () for call in p.calls or ()} == {
        contracts.CallState.DISCONNECTED
    }
    assert check_conversation(over) == []


def test_a_new_callback_on_an_ended_conversation_is_scheduled_on_the_same_conversation(
    client: FlaskClient,
) -> None:
    life = Life(client).to("disconnected")
    customer = life.participant("customer")
    body = {**CREATE, "callbackScheduledTime": "2030-01-16T09:00:00Z"}

    response = client.post(f"/api/v2/conversations/{life.id}/participants/{customer.id}/callbacks", json=body)

    assert (response.status_code, response.data) == (201, b"")
    again = life.conversation()
    assert again.end_time is None
    assert [p.purpose for p in again.participants or ()][-2:] == ["customer", "acd"]
    assert life.participant("customer").callbacks[0].state is CallbackState.SCHEDULED
    assert check_conversation(again) == []
    life.to("connected")  # and the new callback lives its own life
    assert check_conversation(life.conversation()) == []


def test_bulk_update_answers_each_patch_on_its_own(client: FlaskClient) -> None:
    scheduled = Life(client)
    fired = Life(client).to("connected")
    body = {
        "patchCallbackRequests": [
            {"conversationId": scheduled.id, "callbackScheduledTime": "2030-01-20T10:00:00Z"},
            {"conversationId": fired.id, "callbackScheduledTime": "2030-01-20T10:00:00Z"},
            {"conversationId": "no-such-id", "callbackScheduledTime": "2030-01-20T10:00:00Z"},
        ]
    }

    response = client.post(f"{CALLBACKS}/bulk/update", json=body)

    assert response.status_code == 200
    answer = contracts.loads(response.data, BulkCallbackPatchResponse)
    assert (answer.error_count, answer.error_indexes) == (2, (1, 2))
    results = answer.results or ()
    assert results[0].entity is not None
    assert results[0].entity.conversation.id == scheduled.id  # type: ignore[union-attr]
    assert [r.error.code if r.error else None for r in results] == [
        None,
        "callback.error.already.triggered",
        "callback.error.callback.not.found",
    ]
    callback = scheduled.participant("customer").callbacks[0]
    assert contracts.format_datetime(callback.callback_scheduled_time) == "2030-01-20T10:00:00.000Z"


def test_a_transfer_to_a_user_offers_the_callback_to_them_at_once(client: FlaskClient, app: Flask) -> None:
    life = Life(client).to("connected")
    first = life.participant("agent")
    other_id, other_name = next(
        agent for agent in backend_of(app).factory.org.agents if agent[0] != first.user_id
    )

    response = client.post(life.path("agent", "/replace"), json={"userId": other_id})

    assert (response.status_code, response.data) == (202, b"")
    agents = [p for p in life.conversation().participants or () if p.purpose == "agent"]
    handed, offered = agents[-2], agents[-1]
    assert (handed.callbacks[0].state, handed.callbacks[0].disconnect_type.value) == (  # type: ignore[index,union-attr]
        CallbackState.DISCONNECTED,
        "transfer",
    )
    assert (offered.user_id, offered.name, offered.callbacks[0].state) == (  # type: ignore[index]
        other_id,
        other_name,
        CallbackState.ALERTING,
    )
    assert check_conversation(life.conversation()) == []


def test_a_transfer_to_a_queue_is_offered_again_later(client: FlaskClient) -> None:
    life = Life(client).to("connected")
    assert client.post(life.path("agent", "/replace"), json={"queueId": OTHER_QUEUE_ID}).status_code == 202
    assert life.participant("agent").callbacks[0].disconnect_type.value == "transfer"

    assert client.post(control_path(AdminRoutes.MOVE_CLOCK), json={"advanceSeconds": 3}).status_code == 200

    assert life.participant("agent").callbacks[0].state is CallbackState.ALERTING
    assert check_conversation(life.conversation()) == []


# Bad requests: the API's error, and nothing changes

BAD: list[tuple[str, str | None, str, str, Any, int, str, list[str]]] = [
    # (id, stage to reach first, method, path (of Life), body, status, code, field paths)
    ("answer-not-alerting", "connected", "PATCH", "agent", {"state": "connected"}, 400, "callback.error.answer.not.alerting", ["$.state"]),
    ("answer-customer", "alerting", "PATCH", "customer", {"state": "connected"}, 400, "callback.error.answer.not.alerting", ["$.state"]),
    ("hang-up-twice", "after_call_work", "PATCH", "agent", {"state": "disconnected"}, 400, "conversation.error.participant.no.active.conversations", ["$.state"]),
    ("state-alerting", "connected", "PATCH", "agent", {"state": "alerting"}, 400, "conversation.participant.update.invalid", ["$.state"]),
    ("state-unknown", "connected", "PATCH", "agent", {"state": "sleeping"}, 400, "invalid.value", ["$.state"]),
    ("mute", "connected", "PATCH", "agent", {"muted": True}, 400, "conversation.participant.update.invalid", ["$.muted"]),
    ("wrap-up-while-talking", "connected", "PATCH", "agent", {"wrapup": {"code": "c"}}, 400, "conversation.participant.update.invalid", ["$.wrapup"]),
    ("wrap-up-unanswered", "unanswered", "PATCH", "agent", {"wrapup": {"code": "c"}}, 400, "conversation.participant.update.invalid", ["$.wrapup"]),
    ("unknown-participant", "alerting", "PATCH", "nobody", {"state": "connected"}, 404, "conversation.error.not.conversation.participant", []),
    ("communication-connect", "alerting", "PATCH", "agent-communication", {"state": "connected"}, 400, "communication.state.required", ["$.state"]),
    ("unknown-communication", "alerting", "PATCH", "agent-no-communication", {"state": "disconnected"}, 404, "conversation.error.communication.not.found", []),
    ("wrap-up-unknown-communication", "after_call_work", "POST", "agent-no-communication-wrapup", {"code": "c"}, 404, "conversation.error.communication.not.found", []),
    ("attributes-not-strings", None, "PATCH", "customer-attributes", {"attributes": {"a": 1}}, 400, "invalid.value", ["$.attributes['a']"]),
    ("disconnect-connected-state", None, "PATCH", "conversation", {"state": "connected"}, 400, "invalid.value", ["$.state"]),
    ("disconnect-ended", "disconnected", "PATCH", "conversation", {"state": "disconnected"}, 400, "conversation.error.conversation.disconnected", ["$.state"]),
    ("recording-unknown", None, "PUT", "recordingstate", {"recordingState": "LOUD"}, 400, "invalid.value", ["$.recordingState"]),
    ("call-bad-number", "connected", "POST", "call", {"callNumber": "555"}, 400, "callback.error.parse.call.number", ["$.callNumber"]),
    ("call-without-agent", "alerting", "POST", "call", {"callNumber": "+13175550100"}, 400, "conversation.error.participant.no.active.conversations", ["$"]),
    ("callback-while-scheduled", None, "POST", "new-callback", CREATE, 400, "callback.error.scheduled.callback.already.exists", ["$"]),
    ("callback-while-routed", "connected", "POST", "new-callback", CREATE, 400, "callback.error.callback.already.being.routed", ["$"]),
    ("callback-on-acd", "disconnected", "POST", "new-callback-acd", CREATE, 400, "conversation.error.cannot.callback.acd", ["$"]),
    ("callback-without-queue", "disconnected", "POST", "new-callback", {"callbackNumbers": ["+13175550100"]}, 400, "conversation.error.queue.required", ["$.queueId"]),
    ("callback-too-far-ahead", "disconnected", "POST", "new-callback", {**CREATE, "callbackScheduledTime": "2030-03-01T00:00:00Z"}, 400, "callback.error.scheduled.time.too.far.in.future", ["$.callbackScheduledTime"]),
    ("bulk-too-many", None, "POST", "bulk", {"patchCallbackRequests": [{"conversationId": "x"}] * 101}, 400, "callback.error.too.many.entities", ["$.patchCallbackRequests"]),
    ("bulk-bad-number", None, "POST", "bulk", {"patchCallbackRequests": [{"conversationId": "x", "callbackNumbers": ["5"]}]}, 400, "callback.error.parse.call.number", ["$.patchCallbackRequests[0].callbackNumbers[0]"]),
    ("reschedule-too-far-ahead", None, "PATCH", "reschedule", {"callbackScheduledTime": "2030-03-01T00:00:00Z"}, 400, "callback.error.scheduled.time.too.far.in.future", ["$.callbackScheduledTime"]),
    ("transfer-nowhere", "connected", "POST", "agent-replace", {}, 400, "callback.error.user.id.queue.id", ["$.userId"]),
    ("transfer-both", "connected", "POST", "agent-replace", {"userId": "u", "queueId": QUEUE_ID}, 400, "callback.error.user.id.queue.id", ["$.userId"]),
    ("transfer-alerting", "alerting", "POST", "agent-replace", {"queueId": QUEUE_ID}, 400, "callback.error.transfer.not.connected", ["$"]),
    ("transfer-bad-type", "connected", "POST", "agent-replace", {"queueId": QUEUE_ID, "transferType": "Blind"}, 400, "invalid.value", ["$.transferType"]),
    ("transfer-unknown-queue", "connected", "POST", "agent-replace", {"queueId": "no-such-queue"}, 400, "conversations.error.queue.not.found", ["$.queueId"]),
    ("transfer-unknown-address", "connected", "POST", "agent-replace", {"address": "no-such-queue"}, 400, "conversations.error.queue.not.found", ["$.address"]),
    ("callback-unknown-queue", "disconnected", "POST", "new-callback", {**CREATE, "queueId": "no-such-queue"}, 400, "conversation.error.queue.required", ["$.queueId"]),
    ("callback-unknown-routing-queue", "disconnected", "POST", "new-callback", {"callbackNumbers": ["+13175550100"], "routingData": {"queueId": "no-such-queue"}}, 400, "conversation.error.queue.required", ["$.routingData.queueId"]),
    ("provisional-not-boolean", "after_call_work", "GET", "agent-wrapup-maybe", None, 400, "invalid.value", ["$.provisional"]),
]  # fmt: skip


def _target(life: Life, name: str) -> str:
    targets = {
        "agent": lambda: life.path("agent"),
        "customer": lambda: life.path("customer"),
        "nobody": lambda: f"{CALLBACKS}/{life.id}/participants/no-such-participant",
        "agent-communication": lambda: life.communication("agent"),
        "agent-no-communication": lambda: life.path("agent", "/communications/no-such-communication"),
        "agent-no-communication-wrapup": lambda: life.path("agent", "/communications/no-such/wrapup"),
        "agent-wrapup-maybe": lambda: life.path("agent", "/wrapup?provisional=maybe"),
        "agent-replace": lambda: life.path("agent", "/replace"),
        "customer-attributes": lambda: life.path("customer", "/attributes"),
        "conversation": lambda: f"{CALLBACKS}/{life.id}",
        "recordingstate": lambda: f"{CALLBACKS}/{life.id}/recordingstate",
        "call": lambda: f"/api/v2/conversations/calls/{life.id}",
        "new-callback": lambda: (
            f"/api/v2/conversations/{life.id}/participants/{life.participant('customer').id}/callbacks"
        ),
        "new-callback-acd": lambda: (
            f"/api/v2/conversations/{life.id}/participants/{life.participant('acd').id}/callbacks"
        ),
        "bulk": lambda: f"{CALLBACKS}/bulk/update",
        "reschedule": lambda: CALLBACKS,
    }
    return targets[name]()


@pytest.mark.parametrize(
    ("first", "method", "target", "body", "status", "code", "paths"),
    [row[1:] for row in BAD],
    ids=[row[0] for row in BAD],
)
def test_a_bad_command_gets_the_apis_error_and_changes_nothing(
    client: FlaskClient,
    app: Flask,
    first: str | None,
    method: str,
    target: str,
    body: Any,
    status: int,
    code: str,
    paths: list[str],
) -> None:
    life = Life(client)
    if first:
        life.to(first)
    if target == "reschedule":
        body = {**body, "conversationId": life.id}
    path = _target(life, target)
    before = stored(app)

    response = client.open(path, method=method, json=body)

    assert response.status_code == status, response.json
    error = response.json
    assert error is not None
    assert error["code"] == code
    assert [d["fieldName"] for d in error.get("details", []) if "fieldName" in d] == paths
    assert error["contextId"] == response.headers["ININ-Correlation-Id"]
    assert stored(app) == before
