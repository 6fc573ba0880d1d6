"""The ACD's routes: a waiting callback's routing changed, and a queue's estimated wait time.

``AcdCommands`` is the backend's (``Backend.acd``). A change of routing (``PATCH
/api/v2/routing/conversations/{conversationId}``) rewrites the acd leg's
``conversationRoutingData``, which the ACD reads the next time it chooses (``acd.order``: a point
of priority is a minute of waiting). The estimated wait time is the mock's own (``acd.estimated_wait_ms``)
from the queue's waiting callbacks, its members' statuses and the lifecycle's mean ring, talk and
wrap-up times. Nothing here imports Flask.
"""

from __future__ import annotations

from typing import Any, Protocol

import attrs

from contracts import (
    AddressableEntityRef,
    CallbackState,
    Conversation,
    ConversationRoutingData,
    DomainEntityRef,
    EstimatedWaitTimePredictions,
    PredictionResults,
    RoutingConversationAttributesRequest,
    RoutingConversationAttributesResponse,
    RoutingStatusType,
    ScoredAgent,
    WaitTimeFormula,
    WaitTimeIntent,
)
from mockserver.state import acd, lifecycle
from mockserver.state.clock import Clock
from mockserver.state.engine import Engine
from mockserver.state.errors import ApiError
from mockserver.state.routing import Routing
from mockserver.store.base import ConversationStore

_LIVE = (CallbackState.SCHEDULED, CallbackState.CONNECTED)


class Host(Protocol):
    """What these commands need of the backend that holds them (``backend.Backend``)."""

    store: ConversationStore
    engine: Engine
    clock: Clock
    routing: Routing

    def conversation(self, conversation_id: str) -> Conversation: ...

    def put(self, conversations: list[Conversation]) -> None: ...


class AcdCommands:
    """The routing routes that read or change the ACD's work rather than its queues."""

    def __init__(self, backend: Host) -> None:
        self._backend = backend

    def change(
        self, conversation_id: str, request: RoutingConversationAttributesRequest
    ) -> RoutingConversationAttributesResponse:
        """The waiting callback's routing changed as ``request`` says; what it is now."""
        backend = self._backend
        with backend.store.transaction():
            conversation = backend.conversation(conversation_id)
            legs = lifecycle.legs_of(conversation)
            acd_leg = legs.acd if legs is not None else None
            callback = (acd_leg.callbacks or (None,))[0] if acd_leg is not None else None
            if acd_leg is None or callback is None or callback.state not in _LIVE:
                # Inferred: the API names no code for a conversation no longer in queue.
                raise ApiError.invalid(
                    "conversation.error.not.in.queue",
                    "$",
                    f"The conversation {conversation_id} has no callback waiting in a queue to route.",
                )
            data = _changed(acd_leg.conversation_routing_data or ConversationRoutingData(), request)
            changed = attrs.evolve(
                conversation,
                participants=tuple(
                    attrs.evolve(p, conversation_routing_data=data) if p is acd_leg else p
                    for p in conversation.participants or ()
                ),
            )
            backend.put([changed])
        return RoutingConversationAttributesResponse(
            priority=data.priority, scored_agents=data.scored_agents, skill_expression=data.skill_expression
        )

    def estimated_wait(self, queue_id: str, conversation_id: str | None) -> EstimatedWaitTimePredictions:
        """The mock's estimate for a callback joining ``queue_id`` now (or for ``conversation_id`` in it)."""
        backend = self._backend
        if backend.routing.queue(queue_id) is None:
            raise ApiError.not_found(queue_id)
        engine = backend.engine
        with backend.store.transaction():
            waiting = acd.order(engine.waiting(backend.clock.ms()).get(queue_id, []))
            members = engine.members(queue_id)
        ids = [item.conversation_id for item in waiting]
        position = ids.index(conversation_id) if conversation_id in ids else len(ids)
        available = sum(1 for member in members if member.available)
        staffed = sum(1 for member in members if member.status is not RoutingStatusType.OFF_QUEUE)
        settings = engine.settings
        handle_ms = round((settings.ring_seconds + settings.talk_seconds + settings.wrapup_seconds) * 1000)
        wait_ms = acd.estimated_wait_ms(position, available, staffed, handle_ms)
        return EstimatedWaitTimePredictions(
            results=(
                PredictionResults(
                    intent=WaitTimeIntent.CALLBACK,
                    formula=WaitTimeFormula.SIMPLE,
                    estimated_wait_time_seconds=-(-wait_ms // 1000),
                ),
            )
        )


def _changed(
    data: ConversationRoutingData, request: RoutingConversationAttributesRequest
) -> ConversationRoutingData:
    """``data`` with each field ``request`` gives replaced (an empty list or string removes it)."""
    changes: dict[str, Any] = {}
    if request.priority is not None:
        changes["priority"] = request.priority
    if request.skill_ids is not None:
        changes["skills"] = tuple(
            AddressableEntityRef(id=skill, self_uri=f"/api/v2/routing/skills/{skill}")
            for skill in request.skill_ids
        )
    if request.skill_expression is not None:
        changes["skill_expression"] = request.skill_expression or None
    if request.language_id is not None:
        language = request.language_id
        changes["language"] = (
            AddressableEntityRef(id=language, self_uri=f"/api/v2/routing/languages/{language}")
            if language
            else None
        )
    if request.label_id is not None:
        changes["label"] = request.label_id or None
    if request.request_scored_agents is not None:
        changes["scored_agents"] = tuple(
            ScoredAgent(
                agent=DomainEntityRef(id=agent.id, self_uri=f"/api/v2/users/{agent.id}"), score=agent.score
            )
            for agent in request.request_scored_agents
        )
    return attrs.evolve(data, **changes)
