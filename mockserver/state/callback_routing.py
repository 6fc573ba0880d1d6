"""A callback's routing request as the conversation keeps it, and read back for the ACD.

A create's ``routingData`` is kept on the acd leg as its ``conversationRoutingData`` (queue,
priority, language, label, skills, skill expression and scored agents, where the request's
``preferredAgentIds`` join as agents scored 100); an agent-owned callback's owner is the acd leg's
``userId`` (inferred: the API shows the owner nowhere else). Each offer copies the acd leg's routing
data, as the captured agent participants carry it.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from contracts import (
    AddressableEntityRef,
    Conversation,
    ConversationRoutingData,
    DomainEntityRef,
    Participant,
    RoutingData,
    ScoredAgent,
)
from mockserver.state import acd
from mockserver.state.clock import to_ms

AGENT_OWNED = "AGENT_OWNED_CALLBACK"
QUEUES = "/api/v2/routing/queues"


def routing_data(queue_id: str | None, request: RoutingData | None) -> ConversationRoutingData:
    """The ``conversationRoutingData`` a callback created with ``request`` on ``queue_id`` carries."""
    request = request or RoutingData()
    scored = [
        ScoredAgent(
            agent=DomainEntityRef(id=user, self_uri=f"/api/v2/users/{user}"), score=acd.PREFERRED_SCORE
        )
        for user in request.preferred_agent_ids or ()
    ]
    given = {agent.agent.id for agent in scored if agent.agent is not None}
    scored += [agent for agent in request.scored_agents or () if agent.agent and agent.agent.id not in given]
    return ConversationRoutingData(
        queue=None
        if queue_id is None
        else AddressableEntityRef(id=queue_id, self_uri=f"{QUEUES}/{queue_id}"),
        language=None
        if request.language_id is None
        else AddressableEntityRef(
            id=request.language_id, self_uri=f"/api/v2/routing/languages/{request.language_id}"
        ),
        priority=request.priority or 0,
        skills=tuple(
            AddressableEntityRef(id=skill, self_uri=f"/api/v2/routing/skills/{skill}")
            for skill in request.skill_ids or ()
        ),
        skill_expression=request.skill_expression,
        scored_agents=tuple(scored),
        label=request.label,
    )


def owner(request: RoutingData | None) -> str | None:
    """An agent-owned callback's owner: its one scored (else preferred) agent; None if not agent-owned."""
    if request is None or AGENT_OWNED not in (request.routing_flags or ()):
        return None
    scored = [agent.agent.id for agent in request.scored_agents or () if agent.agent and agent.agent.id]
    return next(iter([*scored, *(request.preferred_agent_ids or ())]), None)


def routed(acd_leg: Participant, data: ConversationRoutingData, owned_by: str | None) -> Participant:
    """The acd leg carrying ``data``, and its owner for an agent-owned callback."""
    if owned_by is None:
        return attrs.evolve(acd_leg, conversation_routing_data=data)
    return attrs.evolve(
        acd_leg, conversation_routing_data=data, user_id=owned_by, user_uri=f"/api/v2/users/{owned_by}"
    )


def with_priority(conversation: Conversation, priority: int) -> Conversation:
    """``conversation`` with every routed leg's priority set (``PATCH /api/v2/routing/conversations/{id}``)."""

    def raised(participant: Participant) -> Participant:
        data = participant.conversation_routing_data
        if participant.purpose not in ("acd", "agent") or data is None:
            return participant
        return attrs.evolve(participant, conversation_routing_data=attrs.evolve(data, priority=priority))

    return attrs.evolve(conversation, participants=tuple(map(raised, conversation.participants or ())))


def waiting(
    conversation_id: str, acd_leg: Participant, entered: datetime, excluded: frozenset[str]
) -> acd.Waiting:
    """The acd leg's callback as the ACD sees it while it waits in its queue."""
    data = acd_leg.conversation_routing_data or ConversationRoutingData()
    return acd.Waiting(
        conversation_id=conversation_id,
        entered=to_ms(entered),
        priority=data.priority or 0,
        scored_agents=tuple(
            (agent.agent.id, agent.score if agent.score is not None else acd.PREFERRED_SCORE)
            for agent in data.scored_agents or ()
            if agent.agent is not None and agent.agent.id is not None
        ),
        owner=acd_leg.user_id,
        skills=frozenset(skill.id for skill in data.skills or () if skill.id is not None),
        excluded=excluded,
    )
