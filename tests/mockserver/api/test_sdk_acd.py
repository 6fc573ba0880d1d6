"""The ACD a test steers: the official Python SDK creates callbacks and plays the agent; offers follow the queue.

Each test gives itself a queue (``acd-q``) whose members it chooses, takes those members out of the
seeded queues (so the seeded conversations' traffic does not reach them) and sets their routing
statuses; then it creates callbacks through the SDK and moves the frozen clock.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from types import ModuleType
from typing import Any

import pytest

from contracts import RoutingStatusType
from mockserver.testing.server import MockServer
from tests.support import NOW
from tests.support.live import call

QUEUE = "acd-q"


@pytest.fixture
def server(callback_mock_server: MockServer) -> MockServer:
    callback_mock_server.set_lifecycle(mode="manual")
    return callback_mock_server


@pytest.fixture
def conversations(sdk: ModuleType, sdk_client: Any) -> Any:
    return sdk.ConversationsApi(sdk_client)


@pytest.fixture
def agents(server: MockServer) -> list[str]:
    """The org's agents' user ids (``agent:<n>`` is the n-th)."""
    return [user_id for user_id, _ in server.backend.routing.users()]


def steer(server: MockServer, members: list[str], **statuses: RoutingStatusType) -> None:
    """``acd-q`` with ``members`` alone (out of every other queue), each IDLE unless ``statuses`` says:
    the control API's exclusive queue, then each other status through the API, as a client sets it."""
    callback = {"callback": {"alertingTimeoutSeconds": 30}}
    server.put_queue(QUEUE, "ACD proof", members=members, exclusive=True, media_settings=callback)
    for user_id, status in statuses.items():
        path = f"/api/v2/users/{user_id}/routingstatus"
        assert call(server.url, "PUT", path, {"status": status.value}).status == 200


SetStatus = Callable[[str, RoutingStatusType], None]


@pytest.fixture
def set_status(sdk: ModuleType, sdk_client: Any) -> SetStatus:
    """Set a user's routing status through the API (``PUT /api/v2/users/{userId}/routingstatus``)."""
    users = sdk.UsersApi(sdk_client)

    def put(user_id: str, status: RoutingStatusType) -> None:
        body = sdk.RoutingStatus()
        body.status = status.value
        assert users.put_user_routingstatus(user_id, body).status == status.value

    return put


def create(sdk: ModuleType, conversations: Any, *, after: float = 0, **routing: Any) -> str:
    command = sdk.CreateCallbackCommand()
    command.callback_numbers = ["+13175550100"]
    command.routing_data = sdk.RoutingData()
    command.routing_data.queue_id = QUEUE
    for name, value in routing.items():
        setattr(command.routing_data, name, value)
    command.callback_scheduled_time = NOW + timedelta(seconds=after)
    conversation_id: str = conversations.post_conversations_callbacks(command).conversation.id
    return conversation_id


def offers(conversations: Any, conversation_id: str) -> list[tuple[str, str]]:
    """The conversation's agent offers: (user id, state), in order."""
    conversation = conversations.get_conversation(conversation_id)
    return [(p.user_id, p.callbacks[0].state) for p in conversation.participants if p.purpose == "agent"]


def alerting(conversations: Any, conversation_ids: list[str]) -> list[tuple[str, Any]]:
    """Which of the conversations has an alerting offer, with that agent participant."""
    found = []
    for conversation_id in conversation_ids:
        for participant in conversations.get_conversation(conversation_id).participants:
            if participant.purpose == "agent" and participant.callbacks[0].state == "alerting":
                found.append((conversation_id, participant))
    return found


def handle(sdk: ModuleType, conversations: Any, conversation_id: str, participant: Any) -> None:
    """Answer, hang up and wrap up the offer, as the agent's desktop would."""
    for state in ("connected", "disconnected"):
        request = sdk.MediaParticipantRequest()
        request.state = state
        conversations.patch_conversations_callback_participant(conversation_id, participant.id, request)
    wrapup = sdk.WrapupInput()
    wrapup.code = "done"
    conversations.post_conversations_callback_participant_communication_wrapup(
        conversation_id, participant.id, participant.callbacks[0].id, body=wrapup
    )


def test_with_only_agent_0_on_queue_every_offer_reaches_agent_0_in_order(
    sdk: ModuleType, conversations: Any, server: MockServer, agents: list[str]
) -> None:
    steer(server, [agents[0]])
    created = [create(sdk, conversations, after=index / 20) for index in range(20)]
    server.clock.advance(seconds=4)  # all fired (one a 50 ms after another); one offered, the others wait

    served = []
    for _ in range(20):
        now = alerting(conversations, created)
        assert len(now) == 1  # one agent: one offer at a time
        conversation_id, participant = now[0]
        assert participant.user_id == agents[0]
        served.append(conversation_id)
        handle(sdk, conversations, conversation_id, participant)  # IDLE again: the next is offered

    assert served == created  # oldest first
    assert all(len(offers(conversations, c)) == 1 for c in created)
    assert server.backend.routing.status(agents[0]).status is RoutingStatusType.IDLE


def test_off_queue_the_callback_waits_and_is_offered_when_its_agent_comes_back(
    sdk: ModuleType,
    conversations: Any,
    server: MockServer,
    agents: list[str],
    set_status: SetStatus,
) -> None:
    steer(server, [agents[0]], **{agents[0]: RoutingStatusType.OFF_QUEUE})
    conversation_id = create(sdk, conversations)

    server.clock.advance(hours=2)
    assert offers(conversations, conversation_id) == []

    set_status(agents[0], RoutingStatusType.IDLE)
    assert offers(conversations, conversation_id) == [(agents[0], "alerting")]
    assert server.backend.routing.status(agents[0]).status is RoutingStatusType.INTERACTING


def test_an_unanswered_offer_makes_the_agent_not_responding_and_the_callback_wait(
    sdk: ModuleType,
    conversations: Any,
    server: MockServer,
    agents: list[str],
    set_status: SetStatus,
) -> None:
    steer(server, [agents[0]])
    conversation_id = create(sdk, conversations)

    server.clock.advance(hours=24)  # nobody answers, all day long

    assert offers(conversations, conversation_id) == [(agents[0], "disconnected")]
    assert server.backend.routing.status(agents[0]).status is RoutingStatusType.NOT_RESPONDING
    assert len(conversations.get_conversation(conversation_id).participants) == 3
    set_status(agents[0], RoutingStatusType.IDLE)  # set back on queue: offered again
    assert offers(conversations, conversation_id)[-1] == (agents[0], "alerting")


def test_a_day_with_nobody_answering_leaves_a_bounded_conversation_with_every_agent_a_member(
    sdk: ModuleType, conversations: Any, server: MockServer, agents: list[str]
) -> None:
    steer(server, agents)  # all 12 agents idle on the queue, none of them answering
    conversation_id = create(sdk, conversations)

    server.clock.advance(hours=24)

    # Each agent who lets it ring out is NOT_RESPONDING: offered once at most, so 12 offers at most.
    assert 1 <= len(offers(conversations, conversation_id)) <= len(agents)


def test_a_preferred_agent_is_offered_before_one_idle_longer(
    sdk: ModuleType,
    conversations: Any,
    server: MockServer,
    agents: list[str],
    set_status: SetStatus,
) -> None:
    steer(server, [agents[0], agents[1]])
    set_status(agents[1], RoutingStatusType.OFF_QUEUE)
    server.clock.advance(seconds=10)
    set_status(agents[1], RoutingStatusType.IDLE)  # agents[0] has been idle longer
    plain = create(sdk, conversations, after=10)
    server.clock.advance(seconds=5)
    assert offers(conversations, plain) == [(agents[0], "alerting")]

    steer(server, [agents[0], agents[1]])
    preferred = create(sdk, conversations, after=15, preferred_agent_ids=[agents[1]])
    server.clock.advance(seconds=5)
    assert offers(conversations, preferred) == [(agents[1], "alerting")]


def test_an_agent_owned_callback_waits_for_its_owner(
    sdk: ModuleType,
    conversations: Any,
    server: MockServer,
    agents: list[str],
    set_status: SetStatus,
) -> None:
    owner, other = agents[1], agents[0]
    steer(server, [other, owner], **{owner: RoutingStatusType.OFF_QUEUE})
    scored = sdk.ScoredAgent()
    scored.agent, scored.score = sdk.DomainEntityRef(), 100
    scored.agent.id = owner
    owned = create(sdk, conversations, routing_flags=["AGENT_OWNED_CALLBACK"], scored_agents=[scored])

    server.clock.advance(minutes=10)
    assert offers(conversations, owned) == []  # the other member is idle, but it is not theirs

    set_status(owner, RoutingStatusType.IDLE)
    assert offers(conversations, owned) == [(owner, "alerting")]


def test_priority_moves_a_callback_ahead_of_older_ones(
    sdk: ModuleType,
    conversations: Any,
    server: MockServer,
    agents: list[str],
    set_status: SetStatus,
) -> None:
    steer(server, [agents[0]], **{agents[0]: RoutingStatusType.OFF_QUEUE})
    older = create(sdk, conversations)
    newer = create(sdk, conversations, after=60, priority=5)  # five minutes' worth of waiting
    server.clock.advance(minutes=3)

    set_status(agents[0], RoutingStatusType.IDLE)
    assert (offers(conversations, newer), offers(conversations, older)) == ([(agents[0], "alerting")], [])


@pytest.fixture
def routing_api(sdk: ModuleType, sdk_client: Any) -> Any:
    return sdk.RoutingApi(sdk_client)


def test_a_priority_raise_moves_a_waiting_callback_ahead_of_older_ones(
    sdk: ModuleType,
    conversations: Any,
    routing_api: Any,
    server: MockServer,
    agents: list[str],
    set_status: SetStatus,
) -> None:
    steer(server, [agents[0]], **{agents[0]: RoutingStatusType.OFF_QUEUE})
    older = create(sdk, conversations)
    newer = create(sdk, conversations, after=60)
    server.clock.advance(minutes=3)

    change = sdk.RoutingConversationAttributesRequest()
    change.priority = 2  # two minutes' worth of waiting: more than the minute between them
    assert routing_api.patch_routing_conversation(newer, change).priority == 2
    acd_leg = next(p for p in conversations.get_conversation(newer).participants if p.purpose == "acd")
    assert acd_leg.conversation_routing_data.priority == 2

    set_status(agents[0], RoutingStatusType.IDLE)
    assert (offers(conversations, newer), offers(conversations, older)) == ([(agents[0], "alerting")], [])


def estimate(routing_api: Any) -> int:
    (result,) = routing_api.get_routing_queue_estimatedwaittime(QUEUE).results
    assert (result.intent, result.formula) == ("CALLBACK", "SIMPLE")
    seconds: int = result.estimated_wait_time_seconds
    return seconds


def test_with_its_agent_off_queue_the_estimated_wait_grows_with_the_callbacks_waiting(
    sdk: ModuleType,
    conversations: Any,
    routing_api: Any,
    server: MockServer,
    agents: list[str],
    set_status: SetStatus,
) -> None:
    steer(server, [agents[0]])
    assert estimate(routing_api) == 0  # an idle member: no wait
    set_status(agents[0], RoutingStatusType.OFF_QUEUE)

    seen = [estimate(routing_api)]
    for _ in range(3):
        create(sdk, conversations)
        server.clock.advance(seconds=10)
        seen.append(estimate(routing_api))

    assert seen == sorted(seen)
    assert len(set(seen)) == 4  # each callback waiting adds a handle time


# The field each refusal names, by its code (a missing entity names none).
FIELDS = {
    "invalid.value": ["$.priority"],
    "invalid.property": ["$.color"],
    "conversation.error.not.in.queue": ["$"],
}


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("GET", "/api/v2/routing/queues/no-such-queue/estimatedwaittime", None, 404, "not.found"),
        ("PATCH", "/api/v2/routing/conversations/no-such-conversation", {"priority": 1}, 404, "not.found"),
        ("PATCH", "/api/v2/routing/conversations/{scheduled}", {"priority": "high"}, 400, "invalid.value"),
        (
            "PATCH",
            "/api/v2/routing/conversations/{scheduled}",
            {"priority": 1, "color": "red"},
            400,
            "invalid.property",
        ),
        (
            "PATCH",
            "/api/v2/routing/conversations/{answered}",
            {"priority": 1},
            400,
            "conversation.error.not.in.queue",
        ),
    ],
    ids=["unknown-queue", "unknown-conversation", "priority-not-an-integer", "unknown-field", "not-in-queue"],
)
def test_the_acd_routes_refuse_what_does_not_fit(
    sdk: ModuleType,
    conversations: Any,
    server: MockServer,
    agents: list[str],
    method: str,
    path: str,
    body: Any,
    status: int,
    code: str,
) -> None:
    steer(server, [agents[0]])
    scheduled = create(sdk, conversations, after=3600)
    answered = create(sdk, conversations)
    server.advance(answered, "connected")

    answer = call(server.url, method, path.format(scheduled=scheduled, answered=answered), body)

    assert answer.status == status, answer.body
    error = json.loads(answer.body)
    assert error["code"] == code
    assert [detail.get("fieldName") for detail in error["details"]] == FIELDS.get(code, [])
