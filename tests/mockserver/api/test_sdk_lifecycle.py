"""The official Python SDK drives a callback's whole life on the live server, moving its clock.

Every stage is read through ``get_conversations_callback`` and ``get_conversation``, and each
answer must come through the SDK whole: what it writes back out reads as the same contract
object as the server's raw JSON, and no enum degraded to ``outdated_sdk_version``.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import timedelta
from types import ModuleType
from typing import Any

import pytest

import contracts
from factories import check_conversation
from mockserver.testing.server import MockServer
from tests.support import NOW
from tests.support.live import call
from tests.support.seeded import QUEUE_ID

PURPOSES = ("customer", "acd", "agent")


@pytest.fixture
def server(callback_mock_server: MockServer) -> MockServer:
    return callback_mock_server


@pytest.fixture
def conversations(sdk: ModuleType, sdk_client: Any) -> Any:
    return sdk.ConversationsApi(sdk_client)


def create(sdk: ModuleType, conversations: Any, *, after: timedelta | None = None) -> str:
    """A new callback (due now, or ``after`` from the server's start); its conversation id."""
    command = sdk.CreateCallbackCommand()
    command.callback_numbers = ["+13175550100"]
    command.queue_id = QUEUE_ID
    if after is not None:
        command.callback_scheduled_time = NOW + after
    conversation_id: str = conversations.post_conversations_callbacks(command).conversation.id
    return conversation_id


def raw(server: MockServer, path: str) -> bytes:
    answer = call(server.url, "GET", path)
    assert answer.status == 200, answer.body
    return answer.body


def whole(sdk: ModuleType, model: Any, body: bytes, contract: type[Any]) -> None:
    """The SDK's ``model`` holds everything the server sent in ``body``, and nothing outdated."""
    written = sdk.ApiClient().sanitize_for_serialization(model)
    assert contracts.structure(written, contract) == contracts.loads(body, contract)
    assert "outdated_sdk_version" not in str(model)


class Stage:
    """Both SDK views of one conversation at one moment, checked whole, with each leg by purpose."""

    def __init__(self, sdk: ModuleType, conversations: Any, server: MockServer, conversation_id: str) -> None:
        self.flat = conversations.get_conversations_callback(conversation_id)
        self.full = conversations.get_conversation(conversation_id)
        whole(
            sdk,
            self.flat,
            raw(server, f"/api/v2/conversations/callbacks/{conversation_id}"),
            contracts.CallbackConversation,
        )
        whole(sdk, self.full, raw(server, f"/api/v2/conversations/{conversation_id}"), contracts.Conversation)
        assert self.flat.id == self.full.id == conversation_id
        # Every participant carries the other media lists, as captured: a client iterates them.
        for participant in self.full.participants:
            for media in contracts.empty_media(contracts.Participant):
                assert list(getattr(participant, media)) == [], media  # iterating None would raise

    def media(self, purpose: str) -> Any:
        """The last CallbackMediaParticipant of ``purpose`` (getConversationsCallback)."""
        return [p for p in self.flat.participants or [] if p.purpose == purpose][-1]

    def participant(self, purpose: str) -> Any:
        return [p for p in self.full.participants or [] if p.purpose == purpose][-1]

    def callback(self, purpose: str) -> Any:
        """The first Callback of the last Participant of ``purpose`` (getConversation)."""
        return self.participant(purpose).callbacks[0]

    def states(self) -> dict[str, str]:
        """Each leg's callback state (getConversation), which getConversationsCallback shows too."""
        found: dict[str, str] = {}
        for purpose in PURPOSES:
            media = [p.state for p in self.flat.participants or [] if p.purpose == purpose]
            legs = [p.callbacks[0].state for p in self.full.participants or [] if p.purpose == purpose]
            # MediaParticipantState has no scheduled: a callback not yet fired shows as none there.
            shown = ["none" if state == "scheduled" else state for state in legs]
            assert media == shown, f"{purpose}: getConversationsCallback {media}, getConversation {legs}"
            if legs:
                found[purpose] = legs[-1]
        return found


def media_request(sdk: ModuleType, state: str) -> Any:
    request = sdk.MediaParticipantRequest()
    request.state = state
    return request


def test_the_python_sdk_drives_a_callbacks_whole_life(
    sdk: ModuleType, conversations: Any, server: MockServer
) -> None:
    conversation_id = create(sdk, conversations)
    server.set_lifecycle(mode="manual")
    assert Stage(sdk, conversations, server, conversation_id).states() == {
        "customer": "scheduled",
        "acd": "scheduled",
    }

    server.clock.advance(seconds=5)  # fires a second after its time, the offer two seconds later
    offered = Stage(sdk, conversations, server, conversation_id)
    assert offered.states() == {"customer": "connected", "acd": "connected", "agent": "alerting"}
    agent_id = offered.participant("agent").id
    communication_id = offered.callback("agent").id
    assert offered.media("agent").id == agent_id

    conversations.patch_conversations_callback_participant(
        conversation_id, agent_id, media_request(sdk, "connected")
    )
    answered = Stage(sdk, conversations, server, conversation_id)
    assert answered.states() == {"customer": "connected", "acd": "disconnected", "agent": "connected"}
    acd, agent = answered.callback("acd"), answered.callback("agent")
    assert (acd.disconnect_type, answered.media("acd").disconnect_type) == ("transfer", "transfer")
    assert acd.disconnected_time == agent.connected_time is not None
    assert answered.media("acd").end_time == answered.media("agent").connected_time

    server.clock.advance(seconds=60)
    conversations.patch_conversations_callback_participant(
        conversation_id, agent_id, media_request(sdk, "disconnected")
    )
    hung_up = Stage(sdk, conversations, server, conversation_id)
    # As captured: the customer's leg stays connected through the agent's after-call work.
    assert hung_up.states() == {"customer": "connected", "acd": "disconnected", "agent": "disconnected"}
    assert hung_up.callback("agent").after_call_work.state == "pending"
    assert hung_up.callback("agent").after_call_work_required is False
    assert hung_up.participant("agent").wrapup_required is True
    assert hung_up.full.end_time is None

    server.clock.advance(seconds=15)
    wrapup = sdk.WrapupInput()
    wrapup.code, wrapup.notes = "py-resolved", "Called back from the Python SDK."
    conversations.post_conversations_callback_participant_communication_wrapup(
        conversation_id, agent_id, communication_id, body=wrapup
    )
    done = Stage(sdk, conversations, server, conversation_id)
    # The after-call work over, the customer's leg ends with it (inferred), and the conversation.
    assert done.states() == {"customer": "disconnected", "acd": "disconnected", "agent": "disconnected"}
    assert done.callback("customer").disconnect_type == "peer"
    assert done.callback("agent").after_call_work.state == "complete"
    assert (done.callback("agent").wrapup.code, done.callback("agent").wrapup.notes) == (
        wrapup.code,
        wrapup.notes,
    )
    assert done.media("agent").wrapup.code == wrapup.code
    assert done.full.end_time is not None

    participant = f"/api/v2/conversations/callbacks/{conversation_id}/participants/{agent_id}"
    server.verify("PATCH", participant, count=2, status=202)
    server.verify("POST", f"{participant}/communications/{communication_id}/wrapup", count=1, status=202)


# Each bad transition: the stage to bring the conversation to (by the control API), then the
# SDK call that the API refuses, with its status and code.
Transition = Callable[[ModuleType, Any, str, Stage], Any]
BAD_TRANSITIONS: list[Any] = [
    pytest.param(
        "connected",
        lambda sdk, api, cid, now: api.patch_conversations_callback_participant(
            cid, now.participant("agent").id, media_request(sdk, "connected")
        ),
        400,
        "callback.error.answer.not.alerting",
        id="answer-an-agent-already-connected",
    ),
    pytest.param(
        "alerting",
        lambda sdk, api, cid, now: api.patch_conversations_callback_participant(
            cid, now.participant("customer").id, media_request(sdk, "connected")
        ),
        400,
        "callback.error.answer.not.alerting",
        id="answer-the-customer",
    ),
    pytest.param(
        "alerting",
        lambda sdk, api, cid, now: api.patch_conversations_callbacks(_reschedule(sdk, cid)),
        412,
        "callback.error.already.triggered",
        id="reschedule-after-firing",
    ),
    pytest.param(
        "alerting",
        lambda sdk, api, cid, now: api.patch_conversations_callback_participant(
            cid, "00000000-0000-0000-0000-000000000000", media_request(sdk, "connected")
        ),
        404,
        "conversation.error.not.conversation.participant",
        id="unknown-participant",
    ),
]


def _reschedule(sdk: ModuleType, conversation_id: str) -> Any:
    patch = sdk.PatchCallbackRequest()
    patch.conversation_id = conversation_id
    patch.callback_scheduled_time = NOW + timedelta(days=1)
    return patch


def snapshot(server: MockServer, conversation_id: str) -> list[Any]:
    """The conversation's raw JSON in both views, to compare before and after a request."""
    return [
        json.loads(raw(server, f"{path}/{conversation_id}"))
        for path in ("/api/v2/conversations", "/api/v2/conversations/callbacks")
    ]


@pytest.mark.parametrize(("stage", "transition", "status", "code"), BAD_TRANSITIONS)
def test_a_bad_transition_is_refused_and_changes_nothing(
    sdk: ModuleType,
    conversations: Any,
    server: MockServer,
    stage: str,
    transition: Transition,
    status: int,
    code: str,
) -> None:
    conversation_id = create(sdk, conversations)
    server.set_lifecycle(mode="manual")
    server.advance(conversation_id, stage)
    before = snapshot(server, conversation_id)
    now = Stage(sdk, conversations, server, conversation_id)

    with pytest.raises(sdk.rest.ApiException) as raised:
        transition(sdk, conversations, conversation_id, now)

    body = json.loads(raised.value.body)
    assert (raised.value.status, body["status"], body["code"]) == (status, status, code)
    assert body["contextId"] == raised.value.headers["ININ-Correlation-Id"]
    assert snapshot(server, conversation_id) == before


# The clock's steps over a day: every 30 s for five minutes, every five to the hour, then hourly.
DAY = [30.0] * 10 + [300.0] * 11 + [3600.0] * 23
assert sum(DAY) == 24 * 3600


def wire_problems(server: MockServer) -> dict[str, list[str]]:
    """Every stored conversation's broken invariants, by id; empty when all hold."""
    found = {}
    for entry in server.backend.store.entries():
        problems = check_conversation(json.loads(entry.body))
        if problems:
            found[entry.conversation.id or ""] = problems
    return found


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_auto_mode_keeps_every_conversation_consistent_through_a_day(
    sdk: ModuleType, conversations: Any, server: MockServer, seed: int
) -> None:
    server.set_lifecycle(mode="auto", seed=seed)
    created = [
        create(sdk, conversations, after=timedelta(seconds=offset)) for offset in (0, 0, 45, 600, 2 * 3600)
    ]
    assert wire_problems(server) == {}

    for seconds in DAY:
        now = server.clock.advance(seconds=seconds)
        assert wire_problems(server) == {}, f"at {contracts.format_datetime(now)}"

    for conversation_id in created:
        conversation = contracts.loads(
            raw(server, f"/api/v2/conversations/{conversation_id}"), contracts.Conversation
        )
        assert conversation.end_time is not None, conversation_id
        answered = [
            cb
            for p in conversation.participants or ()
            if p.purpose == "agent"
            for cb in p.callbacks or ()
            if cb.connected_time is not None
        ]
        assert len(answered) == 1, conversation_id
        assert answered[0].after_call_work is not None
        assert answered[0].after_call_work.state is contracts.AfterCallWorkState.COMPLETE


def test_reads_mode_moves_a_polled_callback_a_step_a_read(
    sdk: ModuleType, conversations: Any, server: MockServer
) -> None:
    conversation_id = create(sdk, conversations)
    path = f"/api/v2/conversations/{conversation_id}"
    seen = [json.loads(raw(server, path))]  # the clock is frozen: this read moves nothing
    server.set_lifecycle(mode="auto", advance_on="reads", reads_per_step=1)

    while not _over(seen[-1]):
        assert len(seen) < 50, "the callback never ended"
        seen.append(json.loads(raw(server, path)))

    customer = [_callback(body, "customer")["state"] for body in seen]
    assert _runs(customer) == ["scheduled", "connected", "disconnected"]
    # Each read took exactly one step: no two reads in a row saw the same conversation.
    assert all(a != b for a, b in itertools.pairwise(seen))
    agents = [_callback(body, "agent") for body in seen if _callback(body, "agent")]
    assert agents[0]["state"] == "alerting"
    assert [cb["afterCallWork"]["state"] for cb in agents if "afterCallWork" in cb][-1] == "complete"
    broken = {read: problems for read, body in enumerate(seen) if (problems := check_conversation(body))}
    assert broken == {}


def _callback(body: dict[str, Any], purpose: str) -> dict[str, Any]:
    """The first callback of the last participant of ``purpose``, or {} if there is none."""
    legs = [p for p in body.get("participants", []) if p.get("purpose") == purpose and p.get("callbacks")]
    return dict(legs[-1]["callbacks"][0]) if legs else {}


def _over(body: dict[str, Any]) -> bool:
    agent = _callback(body, "agent")
    return "endTime" in body and agent.get("afterCallWork", {}).get("state") == "complete"


def _runs(values: list[str]) -> list[str]:
    """``values`` with each run of equal values as one."""
    return [value for i, value in enumerate(values) if i == 0 or values[i - 1] != value]
