"""Analytics: the conversation details query and its answer, and the queue observations query.

What ``/api/v2/analytics/conversations/details/query``, ``.../conversations/{id}/details`` and
``/api/v2/analytics/queues/observations/query`` carry. ``PagingSpec``, ``AnalyticsSessionMetric``,
the observation query and answer (``QueueObservationQuery`` and its filter, clause and predicate,
``QueueObservationQueryResponse``, ``QueueObservationDataContainer``, ``StatisticalSummary``) and
the filters and clauses match the official SDK's models field for field. The others are partial, and
say so: the details query has no evaluation, survey or resolution filters and no aggregations; a
predicate tests a dimension (no metric, property or range); the answer's conversation, participant,
session and segment carry the fields a callback conversation has, and an observation no
``observations`` list. A request that uses what is left out is refused by the strict decoder (the
API's 400 naming the field), never answered wrongly.
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from contracts._fields import optional
from contracts.analytics_enums import (
    AnalyticsDisconnectType,
    AnalyticsMediaType,
    AnalyticsPurpose,
    ConversationDimension,
    FilterType,
    PredicateOperator,
    PredicateType,
    QueryOrder,
    QueryOrderBy,
    QueueObservationDimension,
    SegmentDimension,
    SegmentType,
)
from contracts.enums import Direction

_PREDICATE_TYPE = "Optional type, can usually be inferred"
_OPERATOR = "Optional operator, default is matches"
_VALUE = "Value to match (the filter's value for the dimension)"


@frozen(kw_only=True)
class PagingSpec:
    """Which page of a query's results: its size and number."""

    page_size: int | None = optional("Page size; must be greater than 0", minimum=1)
    page_number: int | None = optional("Page number; must be greater than 0", minimum=1)


# Conversation details query


@frozen(kw_only=True)
class ConversationDetailQueryPredicate:
    """A test of a conversation-level dimension (partial: no metric, no range)."""

    type: PredicateType | None = optional(_PREDICATE_TYPE)
    dimension: ConversationDimension | None = optional("Left hand side for dimension predicates")
    operator: PredicateOperator | None = optional(_OPERATOR)
    value: str | None = optional(_VALUE)


@frozen(kw_only=True)
class ConversationDetailQueryClause:
    """Predicates combined by ``type``."""

    type: FilterType | None = optional("Boolean operation to apply to the provided predicates")
    predicates: tuple[ConversationDetailQueryPredicate, ...] | None = optional(
        "Like a three-word sentence: (attribute-name) (operator) (target-value)."
    )


@frozen(kw_only=True)
class ConversationDetailQueryFilter:
    """A conversation filter: clauses and predicates combined by ``type``."""

    type: FilterType | None = optional("Boolean operation to apply to the provided predicates and clauses")
    clauses: tuple[ConversationDetailQueryClause, ...] | None = optional(
        "Boolean 'and/or' logic with up to two-levels of nesting"
    )
    predicates: tuple[ConversationDetailQueryPredicate, ...] | None = optional(
        "Like a three-word sentence: (attribute-name) (operator) (target-value)."
    )


@frozen(kw_only=True)
class SegmentDetailQueryPredicate:
    """A test of a segment-level dimension (partial: no metric, property or range)."""

    type: PredicateType | None = optional(_PREDICATE_TYPE)
    dimension: SegmentDimension | None = optional("Left hand side for dimension predicates")
    operator: PredicateOperator | None = optional(_OPERATOR)
    value: str | None = optional(_VALUE)


@frozen(kw_only=True)
class SegmentDetailQueryClause:
    """Predicates combined by ``type``."""

    type: FilterType | None = optional("Boolean operation to apply to the provided predicates")
    predicates: tuple[SegmentDetailQueryPredicate, ...] | None = optional(
        "Like a three-word sentence: (attribute-name) (operator) (target-value)."
    )


@frozen(kw_only=True)
class SegmentDetailQueryFilter:
    """A segment filter: a conversation matches if one of its segments does."""

    type: FilterType | None = optional("Boolean operation to apply to the provided predicates and clauses")
    clauses: tuple[SegmentDetailQueryClause, ...] | None = optional(
        "Boolean 'and/or' logic with up to two-levels of nesting"
    )
    predicates: tuple[SegmentDetailQueryPredicate, ...] | None = optional(
        "Like a three-word sentence: (attribute-name) (operator) (target-value)."
    )


@frozen(kw_only=True)
class ConversationQuery:
    """A details query (partial: no evaluation, survey or resolution filters, no aggregations)."""

    conversation_filters: tuple[ConversationDetailQueryFilter, ...] | None = optional(
        "Filters that target conversation-level data"
    )
    segment_filters: tuple[SegmentDetailQueryFilter, ...] | None = optional(
        "Filters that target individual segments within a conversation"
    )
    order: QueryOrder | None = optional(
        "Sort the result set in ascending/descending order. Default is ascending"
    )
    order_by: QueryOrderBy | None = optional(
        "Specify which data element within the result set to use for sorting"
    )
    interval: str | None = optional(
        "Specifies the date and time range of data being queried. Results will only include conversations that "
        "started on a day touched by the interval. Intervals are represented as an ISO-8601 string. "
        "For example: YYYY-MM-DDThh:mm:ss/YYYY-MM-DDThh:mm:ss"
    )
    paging: PagingSpec | None = optional(
        "Page size and number to control iterating through large result sets"
    )


# Conversation details


@frozen(kw_only=True)
class AnalyticsSessionMetric:
    """A metric of a session: its name, value and when it was emitted."""

    emit_date: datetime | None = optional("Metric emission date.")
    name: str | None = optional("Unique name of this metric")
    value: int | None = optional("The metric value")


@frozen(kw_only=True)
class AnalyticsConversationSegment:
    """A span of a session's timeline (partial: the fields a callback's segments carry)."""

    disconnect_type: AnalyticsDisconnectType | None = optional("The session disconnect type")
    queue_id: str | None = optional("Queue identifier")
    segment_end: datetime | None = optional("The end time of a segment")
    segment_start: datetime | None = optional("The start time of a segment")
    segment_type: SegmentType | None = optional(
        "The activity that takes place in the segment, such as hold or interact"
    )
    wrap_up_code: str | None = optional("Wrap up code")
    wrap_up_note: str | None = optional("Wrap up note")
    wrap_up_tags: tuple[str, ...] | None = optional("Wrap up tags")


@frozen(kw_only=True)
class AnalyticsSession:
    """One media session of a participant (partial: the fields a callback or its call carries)."""

    agent_owned: bool | None = optional("Flag indicating an agent-owned callback")
    callback_numbers: tuple[str, ...] | None = optional("Callback phone number(s)")
    callback_scheduled_time: datetime | None = optional("Scheduled callback date/time.")
    callback_user_name: str | None = optional("The name of the user requesting a call back")
    direction: Direction | None = optional("The direction of the communication")
    media_type: AnalyticsMediaType | None = optional("The session media type")
    outbound_campaign_id: str | None = optional("(Dialer) Unique identifier of the outbound campaign")
    peer_id: str | None = optional("This identifies pairs of related sessions on a conversation.")
    provider: str | None = optional("The source provider for the communication.")
    script_id: str | None = optional("A unique identifier for a script")
    session_id: str | None = optional("The unique identifier of this session")
    skip_enabled: bool | None = optional("(Dialer) Whether the agent can skip the dialer contact")
    timeout_seconds: int | None = optional(
        "The number of seconds before Genesys Cloud begins the call for a call back (0 disables automatic calling)"
    )
    metrics: tuple[AnalyticsSessionMetric, ...] | None = optional("List of session metrics")
    segments: tuple[AnalyticsConversationSegment, ...] | None = optional("List of segments for this session")


@frozen(kw_only=True)
class AnalyticsParticipantWithoutAttributes:
    """A participant of a conversation's details (partial: no team, external contact or flags)."""

    participant_id: str | None = optional("Unique identifier for the participant")
    participant_name: str | None = optional("A human readable name identifying the participant")
    purpose: AnalyticsPurpose | None = optional("The participant's purpose")
    user_id: str | None = optional("Unique identifier for the user")
    sessions: tuple[AnalyticsSession, ...] | None = optional(
        "List of sessions associated to this participant"
    )


@frozen(kw_only=True)
class AnalyticsConversationWithoutAttributes:
    """A conversation's details (partial: no evaluations, surveys, resolutions or media statistics)."""

    conversation_end: datetime | None = optional("The end time of a conversation")
    conversation_id: str | None = optional("Unique identifier for the conversation")
    conversation_initiator: AnalyticsPurpose | None = optional(
        "Indicates the participant purpose of the participant initiating a message conversation"
    )
    conversation_start: datetime | None = optional("The start time of a conversation")
    customer_participation: bool | None = optional(
        "Indicates a messaging conversation in which the customer participated by sending at least one message"
    )
    external_tag: str | None = optional("External tag for the conversation")
    originating_direction: Direction | None = optional("The original direction of the conversation")
    participants: tuple[AnalyticsParticipantWithoutAttributes, ...] | None = optional(
        "Participants in the conversation"
    )


@frozen(kw_only=True)
class AnalyticsConversationQueryResponse:
    """A page of a details query's conversations and how many matched (partial: no aggregations)."""

    conversations: tuple[AnalyticsConversationWithoutAttributes, ...] | None = optional(
        "The conversations of this page"
    )
    total_hits: int | None = optional("The number of conversations that matched, on every page")


# Queue observations


@frozen(kw_only=True)
class QueueObservationQueryPredicate:
    """A test of a queue observation dimension (partial: no range)."""

    type: PredicateType | None = optional(_PREDICATE_TYPE)
    dimension: QueueObservationDimension | None = optional("Left hand side for dimension predicates")
    operator: PredicateOperator | None = optional(_OPERATOR)
    value: str | None = optional(_VALUE)


@frozen(kw_only=True)
class QueueObservationQueryClause:
    """Predicates combined by ``type``."""

    type: FilterType | None = optional("Boolean operation to apply to the provided predicates")
    predicates: tuple[QueueObservationQueryPredicate, ...] | None = optional(
        "Like a three-word sentence: (attribute-name) (operator) (target-value)."
    )


@frozen(kw_only=True)
class QueueObservationQueryFilter:
    """Which queues and media types to observe."""

    type: FilterType | None = optional("Boolean operation to apply to the provided predicates and clauses")
    clauses: tuple[QueueObservationQueryClause, ...] | None = optional(
        "Boolean 'and/or' logic with up to two-levels of nesting"
    )
    predicates: tuple[QueueObservationQueryPredicate, ...] | None = optional(
        "Like a three-word sentence: (attribute-name) (operator) (target-value)."
    )


@frozen(kw_only=True)
class QueueObservationQuery:
    """An observation query: its filter and the metrics to observe."""

    filter: QueueObservationQueryFilter | None = optional("Filter to return a subset of observations.")
    metrics: tuple[str, ...] | None = optional(
        "Behaves like a SQL SELECT clause. Only named metrics will be retrieved."
    )
    detail_metrics: tuple[str, ...] | None = optional(
        "Metrics for which to include additional detailed observations"
    )


@frozen(kw_only=True)
class StatisticalSummary:
    """A metric's statistics; an observation carries ``count``."""

    max: float | None = optional("Maximum")
    min: float | None = optional("Minimum")
    count: int | None = optional("Count")
    count_negative: int | None = optional("Negative count")
    count_positive: int | None = optional("Positive count")
    sum: float | None = optional("Sum")
    current: float | None = optional("Current")
    ratio: float | None = optional("Ratio")
    numerator: float | None = optional("Numerator")
    denominator: float | None = optional("Denominator")
    target: float | None = optional("Target")
    p95: int | None = optional("95th percentile")
    p99: int | None = optional("99th percentile")
    calculated_metric_value: int | None = optional("Calculated metric value")


@frozen(kw_only=True)
class ObservationMetricData:
    """One metric of a group, with its qualifier (partial: no detailed observations)."""

    metric: str | None = optional("The metric")
    qualifier: str | None = optional(
        "What the count is of, for metrics counted by a qualifier (a routing status)"
    )
    stats: StatisticalSummary | None = optional("The metric's statistics")
    truncated: bool | None = optional("Flag for a truncated list of observations")


@frozen(kw_only=True)
class QueueObservationDataContainer:
    """The observations of one group (a queue and a media type)."""

    group: dict[str, str] | None = optional("The group's dimensions and their values")
    data: tuple[ObservationMetricData, ...] | None = optional("The group's metrics")


@frozen(kw_only=True)
class QueueObservationQueryResponse:
    """The answer of an observation query: a container per queue and media type."""

    system_to_organization_mappings: dict[str, tuple[str, ...]] | None = optional(
        "A mapping from system presence to a list of organization presence ids"
    )
    results: tuple[QueueObservationDataContainer, ...] | None = optional("The groups observed")
