"""The official Python SDK creates callbacks with routing data and reads it back as the capture shows it."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

from mockserver.testing.server import MockServer
from tests.support.seeded import QUEUE_ID


@pytest.fixture
def server(callback_mock_server: MockServer) -> MockServer:
    return callback_mock_server


@pytest.fixture
def conversations(sdk: ModuleType, sdk_client: Any) -> Any:
    return sdk.ConversationsApi(sdk_client)


def scored(sdk: ModuleType, user_id: str, score: int) -> Any:
    agent = sdk.ScoredAgent()
    agent.agent, agent.score = sdk.DomainEntityRef(), score
    agent.agent.id = user_id
    return agent


def create(sdk: ModuleType, conversations: Any, routing: Any) -> str:
    command = sdk.CreateCallbackCommand()
    command.callback_numbers = ["+13175550100"]
    command.routing_data = routing
    conversation_id: str = conversations.post_conversations_callbacks(command).conversation.id
    return conversation_id


def leg(conversation: Any, purpose: str) -> Any:
    return [p for p in conversation.participants if p.purpose == purpose][-1]


def test_the_routing_data_rides_on_the_acd_leg_and_each_offer(
    sdk: ModuleType, conversations: Any, server: MockServer
) -> None:
    routing = sdk.RoutingData()
    routing.queue_id, routing.priority, routing.label = QUEUE_ID, 7, "gold"
    routing.skill_ids, routing.language_id = ["skill-a", "skill-b"], "lang-1"
    routing.preferred_agent_ids = ["user-p"]
    routing.scored_agents = [scored(sdk, "user-s", 40)]
    server.set_lifecycle(mode="manual")
    conversation_id = create(sdk, conversations, routing)

    data = leg(conversations.get_conversation(conversation_id), "acd").conversation_routing_data
    assert (data.queue.id, data.priority, data.label, data.language.id) == (QUEUE_ID, 7, "gold", "lang-1")
    assert [skill.id for skill in data.skills] == ["skill-a", "skill-b"]
    assert [(a.agent.id, a.score) for a in data.scored_agents] == [("user-p", 100), ("user-s", 40)]
    assert leg(conversations.get_conversation(conversation_id), "customer").conversation_routing_data is None
    flat = leg(conversations.get_conversations_callback(conversation_id), "acd").conversation_routing_data
    assert (flat.priority, [a.score for a in flat.scored_agents]) == (7, [100, 40])

    server.clock.advance(seconds=5)  # fired and offered
    offered = leg(conversations.get_conversation(conversation_id), "agent").conversation_routing_data
    assert (offered.queue.id, offered.priority, [s.id for s in offered.skills]) == (
        QUEUE_ID,
        7,
        ["skill-a", "skill-b"],
    )


def test_an_agent_owned_callback_names_its_owner_on_the_acd_leg(
    sdk: ModuleType, conversations: Any, server: MockServer
) -> None:
    routing = sdk.RoutingData()
    routing.queue_id, routing.routing_flags = QUEUE_ID, ["AGENT_OWNED_CALLBACK"]
    routing.scored_agents = [scored(sdk, "user-owner", 100)]
    conversation_id = create(sdk, conversations, routing)

    acd = leg(conversations.get_conversation(conversation_id), "acd")
    assert (acd.user_id, acd.user_uri) == ("user-owner", "/api/v2/users/user-owner")
    assert [(a.agent.id, a.score) for a in acd.conversation_routing_data.scored_agents] == [
        ("user-owner", 100)
    ]
