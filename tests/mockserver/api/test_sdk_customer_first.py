"""Customer-first callbacks: the official Python SDK creates callbacks on a queue whose callback mode
is ``CustomerFirst``; the customer is dialled first, and an agent is found only once they answer.

Each test gives itself a queue (``cf-q``) with ``agent:0`` its one idle member and the customer-first
settings it names, on each store, under the frozen clock.
"""

from __future__ import annotations

from datetime import timedelta
from types import ModuleType
from typing import Any

import pytest

from mockserver.testing.server import MockServer
from tests.support import NOW
from tests.support.live import call

QUEUE = "cf-q"


@pytest.fixture
def conversations(sdk: ModuleType, sdk_client: Any) -> Any:
    return sdk.ConversationsApi(sdk_client)


def queue(server: MockServer, **callback: Any) -> str:
    """``cf-q`` with the callback settings ``callback`` and agent:0 its one idle member (out of every
    other queue, through the control API); agent:0's id."""
    settings = {"callback": {"alertingTimeoutSeconds": 30, **callback}}
    server.put_queue(QUEUE, "Customer first", members=["agent:0"], exclusive=True, media_settings=settings)
    (member,) = call(server.url, "GET", f"/api/v2/routing/queues/{QUEUE}/members").json()["entities"]
    return str(member["id"])


def create(sdk: ModuleType, conversations: Any) -> str:
    command = sdk.CreateCallbackCommand()
    command.callback_numbers = ["+13175550100"]
    command.routing_data = sdk.RoutingData()
    command.routing_data.queue_id = QUEUE
    command.callback_scheduled_time = NOW + timedelta(seconds=10)
    conversation_id: str = conversations.post_conversations_callbacks(command).conversation.id
    return conversation_id


def legs(conversations: Any, conversation_id: str) -> tuple[Any, Any, list[Any]]:
    """The customer's callback, the acd leg's callback and the agent participants, as the SDK reads them."""
    conversation = conversations.get_conversation(conversation_id)
    by = {p.purpose: p for p in conversation.participants}
    agents = [p for p in conversation.participants if p.purpose == "agent"]
    return by["customer"].callbacks[0], by["acd"].callbacks[0], agents


def dials(callback: Any) -> int:
    return sum(1 for segment in callback.segments if segment.type == "Dialing")


def test_the_customer_is_dialled_first_and_an_agent_offered_once_they_answer(
    sdk: ModuleType, conversations: Any, callback_mock_server: MockServer
) -> None:
    server = callback_mock_server
    server.set_lifecycle(mode="manual")
    agent = queue(server, mode="CustomerFirst")
    conversation_id = create(sdk, conversations)

    server.clock.advance(seconds=12)  # fired: the customer is being dialled, nobody offered
    customer, acd, agents = legs(conversations, conversation_id)
    assert (customer.state, acd.state, agents) == ("dialing", "scheduled", [])
    server.clock.advance(seconds=5)  # still ringing, still no agent
    assert legs(conversations, conversation_id)[2] == []

    server.advance(conversation_id, "customer_answered")
    customer, acd, agents = legs(conversations, conversation_id)
    assert (customer.state, acd.state, agents) == ("connected", "connected", [])
    server.clock.advance(seconds=3)  # the offer: through the ACD, to the queue's one member
    customer, acd, agents = legs(conversations, conversation_id)
    assert [(p.user_id, p.callbacks[0].state) for p in agents] == [(agent, "alerting")]

    request = sdk.MediaParticipantRequest()
    request.state = "connected"
    conversations.patch_conversations_callback_participant(conversation_id, agents[0].id, request)
    customer, acd, agents = legs(conversations, conversation_id)
    assert (customer.state, acd.state, agents[0].callbacks[0].state) == (
        "connected",
        "disconnected",
        "connected",
    )
    assert dials(customer) == 1


@pytest.mark.parametrize(("retries", "delay"), [(0, 60), (2, 60), (3, 600)])
def test_no_answer_is_dialled_again_as_the_settings_say_then_ends(
    sdk: ModuleType, conversations: Any, callback_mock_server: MockServer, retries: int, delay: int
) -> None:
    server = callback_mock_server
    server.set_lifecycle(mode="manual")  # nobody answers a dial unless a test says so
    queue(server, mode="CustomerFirst", maxRetryCount=retries, retryDelaySeconds=delay)
    conversation_id = create(sdk, conversations)

    server.clock.advance(seconds=12 + 30 + 1)  # the first dial rings out
    customer, _, _ = legs(conversations, conversation_id)
    if retries:
        assert (customer.state, dials(customer)) == ("scheduled", 1)
        due = customer.callback_scheduled_time
        assert due is not None
        assert abs((due - (NOW + timedelta(seconds=42))).total_seconds() - delay) < 1.5
    server.clock.advance(hours=24)
    customer, acd, agents = legs(conversations, conversation_id)
    assert (customer.state, customer.disconnect_type, acd.state, agents) == (
        "disconnected",
        "system",
        "disconnected",
        [],
    )
    assert dials(customer) == retries + 1
    assert conversations.get_conversation(conversation_id).end_time is not None


@pytest.mark.parametrize(
    ("reaction", "offered", "ended"),
    [("HangUp", False, "system"), ("TransferToFlow", False, "transfer"), ("TransferToQueue", True, None)],
)
def test_a_machine_gets_the_reaction_the_settings_name(
    sdk: ModuleType,
    conversations: Any,
    callback_mock_server: MockServer,
    reaction: str,
    offered: bool,
    ended: str | None,
) -> None:
    server = callback_mock_server
    # auto: the simulated customer's line is always a machine, the agent never answers
    server.set_lifecycle(
        mode="auto",
        customerAnswerProbability=0,
        machineProbability=1,
        answerProbability=0,
        declineProbability=0,
    )
    agent = queue(server, mode="CustomerFirst", answeringMachineReactionType=reaction, maxRetryCount=3)
    conversation_id = create(sdk, conversations)

    server.clock.advance(seconds=12 + 30 + 5)
    customer, acd, agents = legs(conversations, conversation_id)
    assert dials(customer) == 1  # a machine answered: not dialled again
    assert [p.user_id for p in agents] == ([agent] if offered else [])
    assert customer.disconnect_type == ended
    assert (acd.state == "disconnected") is (ended is not None)


def test_a_live_voice_in_auto_mode_is_put_in_queue_and_an_agent_answers(
    sdk: ModuleType, conversations: Any, callback_mock_server: MockServer
) -> None:
    server = callback_mock_server
    server.set_lifecycle(mode="auto", customerAnswerProbability=1, answerProbability=1, declineProbability=0)
    agent = queue(server, mode="CustomerFirst")
    conversation_id = create(sdk, conversations)

    server.clock.advance(seconds=12 + 30 + 30)
    customer, acd, agents = legs(conversations, conversation_id)
    assert customer.connected_time >= acd.connected_time  # the acd leg fired when the customer answered
    assert agents[0].user_id == agent
    assert agents[0].callbacks[0].connected_time is not None
    assert agents[0].start_time >= customer.connected_time
    assert dials(customer) == 1


def test_agent_first_is_unchanged(
    sdk: ModuleType, conversations: Any, callback_mock_server: MockServer
) -> None:
    server = callback_mock_server
    server.set_lifecycle(mode="manual")
    agent = queue(server, mode="AgentFirst", maxRetryCount=3)
    conversation_id = create(sdk, conversations)

    server.clock.advance(seconds=12)
    customer, acd, _agents = legs(conversations, conversation_id)
    assert (customer.state, acd.state, dials(customer)) == ("connected", "connected", 0)
    server.clock.advance(seconds=3)
    assert [(p.user_id, p.callbacks[0].state) for p in legs(conversations, conversation_id)[2]] == [
        (agent, "alerting")
    ]
