"""A conversation's routing, changed while it waits, and a queue's estimated wait time.

``PATCH /api/v2/routing/conversations/{conversationId}`` takes a
``RoutingConversationAttributesRequest`` and answers a ``RoutingConversationAttributesResponse``
(declared in part: its skills, language and label are whole routing entities the mock does not
hold); ``GET /api/v2/routing/queues/{queueId}/estimatedwaittime`` answers
``EstimatedWaitTimePredictions``.
"""

from __future__ import annotations

from attrs import frozen

from contracts._fields import optional
from contracts.entities import AddressableEntityRef, ScoredAgent
from contracts.enums import WaitTimeFormula, WaitTimeIntent


@frozen(kw_only=True)
class RequestScoredAgent:
    """An agent and their score, as a routing change names them."""

    id: str | None = optional("Agent's user ID")
    score: int | None = optional(
        "Agent's score for the current conversation, from 0 - 100, higher being better"
    )


@frozen(kw_only=True)
class RoutingConversationAttributesRequest:
    """The body of ``PATCH /api/v2/routing/conversations/{conversationId}``."""

    priority: int | None = optional(
        "Priority for the conversation.  Each point of priority is equivalent to one minute of time in queue.  Range:[-25000000, 25000000].  To reset, specify 0."
    )
    skill_ids: tuple[str, ...] | None = optional(
        "Skill requirements for the conversation.  To remove all skill requirements, specify an empty list, i.e. []."
    )
    skill_expression: str | None = optional(
        'Skill requirements in form of expression for the conversation.  To remove the skill expression, specify an empty string, i.e., "".'
    )
    language_id: str | None = optional(
        'Language requirement for the conversation.  To remove the language requirement, specify an empty string, i.e., "".'
    )
    label_id: str | None = optional(
        'Label requirement for the conversation.  To remove the label requirement (setting it to System Default Label), specify an empty string, i.e., "".'
    )
    request_scored_agents: tuple[RequestScoredAgent, ...] | None = optional(
        "The agents to prefer, each with a score from 0 to 100."
    )


@frozen(kw_only=True)
class RoutingConversationAttributesResponse:
    """The answer to ``PATCH /api/v2/routing/conversations/{conversationId}``: the routing now."""

    priority: int | None = optional(
        "Current priority value on in-queue conversation. Range:[-25000000, 25000000]"
    )
    scored_agents: tuple[ScoredAgent, ...] | None = optional("Current scored agents on in-queue conversation")
    skill_expression: str | None = optional("Current skill expression on in-queue conversation")


@frozen(kw_only=True)
class PredictionResults:
    """One estimated wait time: for which media, by which formula, in seconds."""

    intent: WaitTimeIntent | None = optional("Indicates the media type scope of this estimated wait time")
    formula: WaitTimeFormula | None = optional("Indicates the estimated wait time Formula")
    estimated_wait_time_seconds: int | None = optional("Estimated wait time in seconds")
    label: AddressableEntityRef | None = optional(
        "This specifies the interaction label scoped to this estimated wait time calculation"
    )


@frozen(kw_only=True)
class EstimatedWaitTimePredictions:
    """The answer to ``GET /api/v2/routing/queues/{queueId}/estimatedwaittime``."""

    results: tuple[PredictionResults, ...] | None = optional(
        "Returned upon a successful estimated wait time request."
    )
