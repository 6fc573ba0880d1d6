"""The analytics routes' commands: the details query, a conversation's details, queue observations.

``AnalyticsCommands`` is the backend's (``Backend.analytics``). Every answer is derived from the
stored conversations and the routing state as they are now (``analytics.details``); a query's
filters are checked first, and a predicate, dimension, operator or metric the mock does not
evaluate is the API's 400 naming its JSON path, never a silently wrong result.

Speed: each stored conversation's details and the rows its segment filters test are derived once
and kept until its stored body changes; an inverted index of the rows' values narrows an ``and``
filter's candidates before each is tested exactly. Nothing here imports Flask.
"""

from __future__ import annotations

import operator
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs

from contracts import (
    AnalyticsConversationQueryResponse,
    AnalyticsConversationWithoutAttributes,
    CallbackState,
    ConversationDetailQueryFilter,
    ConversationDetailQueryPredicate,
    ConversationQuery,
    FilterType,
    ObservationMetricData,
    PredicateOperator,
    PredicateType,
    QueryOrder,
    QueryOrderBy,
    QueueObservationDataContainer,
    QueueObservationQuery,
    QueueObservationQueryPredicate,
    QueueObservationQueryResponse,
    RoutingStatusType,
    SegmentDetailQueryFilter,
    SegmentDetailQueryPredicate,
    StatisticalSummary,
    parse_datetime,
)
from mockserver.state.analytics import details
from mockserver.state.clock import iso, to_ms
from mockserver.state.errors import ApiError
from mockserver.state.routing import Routing
from mockserver.store.base import Entry

MAX_PAGE_SIZE = 100  # the API's bound on a details query's page (PagingSpec)
DEFAULT_PAGE_SIZE = 25
MAX_INTERVAL = timedelta(days=31)  # inferred: the API refuses longer intervals
# The dimensions the mock evaluates (the others answer 400): a segment row's, a conversation's.
SEGMENT_DIMENSIONS = (
    "mediaType",
    "segmentType",
    "queueId",
    "userId",
    "purpose",
    "direction",
    "disconnectType",
    "wrapUpCode",
    "wrapUpNote",
    "callbackNumber",
    "callbackScheduledTime",
    "scriptId",
    "provider",
    "participantName",
    "outboundCampaignId",
    "segmentEnd",
)
CONVERSATION_DIMENSIONS = (
    "conversationId",
    "conversationEnd",
    "conversationStart",
    "externalTag",
    "originatingDirection",
)
# The observation metrics the mock derives; the SDK's others (presences, longest waits) answer 400.
OBSERVATION_METRICS = (
    "oWaiting",
    "oInteracting",
    "oAlerting",
    "oOnQueueUsers",
    "oOffQueueUsers",
    "oMemberUsers",
    "oActiveUsers",
    "oUserRoutingStatuses",
)
_ENDED = {CallbackState.DISCONNECTED, CallbackState.TERMINATED}

Row = dict[str, str | tuple[str, ...]]
Predicate = ConversationDetailQueryPredicate | SegmentDetailQueryPredicate | QueueObservationQueryPredicate


@attrs.frozen
class _Derived:
    """A stored conversation's details, the rows its segment filters test, its conversation dimensions."""

    entry: Entry
    details: AnalyticsConversationWithoutAttributes
    rows: tuple[Row, ...]
    dims: Row
    start: int
    end: int | None

    def index_keys(self) -> set[tuple[str, str]]:
        return {(dim, v) for row in self.rows for dim, value in row.items() for v in _values(value)}


class AnalyticsCommands:
    """The analytics reads, derived from the stored conversations and the routing state."""

    def __init__(
        self,
        entries: Callable[[], list[Entry]],
        active: Callable[[], list[Entry]],
        routing: Routing,
        now: Callable[[], datetime],
    ) -> None:
        """``entries``: every stored conversation; ``active``: those not ended."""
        self._entries = entries
        self._active = active
        self._tallies: dict[str, tuple[bytes, tuple[tuple[str, int, int | None], ...]]] = {}
        self._routing = routing
        self._now = now
        self._derived: dict[str, _Derived] = {}
        self._index: dict[tuple[str, str], set[str]] = {}
        self._last: list[Entry] = []  # the store's entries at the last refresh
        self._lock = threading.Lock()  # the cache and index are this process's; requests share them

    # Conversation details

    def conversation(self, entry: Entry) -> AnalyticsConversationWithoutAttributes:
        with self._lock:
            return self._derive(entry).details

    def query(self, query: ConversationQuery) -> AnalyticsConversationQueryResponse:
        start, end = _interval(query.interval)
        conversation_filters = query.conversation_filters or ()
        segment_filters = query.segment_filters or ()
        for index, conversation_filter in enumerate(conversation_filters):
            _check_filter(conversation_filter, f"$.conversationFilters[{index}]", CONVERSATION_DIMENSIONS)
        for index, segment_filter in enumerate(segment_filters):
            _check_filter(segment_filter, f"$.segmentFilters[{index}]", SEGMENT_DIMENSIONS)
        size, number = _paging(query)
        with self._lock:
            hits = self._hits(start, end, conversation_filters, segment_filters)
        _order(hits, query.order, query.order_by)
        page = hits[(number - 1) * size : number * size]
        return AnalyticsConversationQueryResponse(
            conversations=tuple(d.details for d in page) or None, total_hits=len(hits)
        )

    def _hits(
        self,
        start: int,
        end: int,
        conversation_filters: Sequence[ConversationDetailQueryFilter],
        segment_filters: Sequence[SegmentDetailQueryFilter],
    ) -> list[_Derived]:
        self._refresh()
        candidates: Iterable[str] = self._derived
        for segment_filter in segment_filters:
            narrowed = self._candidates(segment_filter)
            if narrowed is not None:
                candidates = narrowed if candidates is self._derived else set(candidates) & narrowed
        first_day, last_day = _day(start), _day(end - 1)
        hits = []
        for conversation_id in candidates:
            derived = self._derived[conversation_id]
            if not first_day <= _day(derived.start) <= last_day:
                continue
            if all(_matches(f, (derived.dims,)) for f in conversation_filters) and all(
                _matches(f, derived.rows) for f in segment_filters
            ):
                hits.append(derived)
        return hits

    # Queue observations

    def observations(self, query: QueueObservationQuery) -> QueueObservationQueryResponse:
        metrics = query.metrics or ()
        if not metrics:
            raise ApiError.invalid(
                "invalid.value", "$.metrics", "$.metrics is required: at least one metric."
            )
        for index, metric in enumerate(metrics):
            if metric not in OBSERVATION_METRICS:
                raise ApiError.invalid(
                    "invalid.value",
                    f"$.metrics[{index}]",
                    f"$.metrics[{index}]: expected one of the metrics the mock observes ("
                    + ", ".join(OBSERVATION_METRICS)
                    + f"); got {metric!r}.",
                )
        if query.detail_metrics:
            raise _unsupported("$.detailMetrics", "detailed observations", "none")
        if query.filter is None:
            raise ApiError.invalid(
                "invalid.value", "$.filter", "$.filter is required: the queues to observe."
            )
        _check_filter(query.filter, "$.filter", ("queueId", "mediaType"))
        media = {
            v for p in _predicates(query.filter) if p.dimension == "mediaType" and p.value for v in [p.value]
        }
        groups: list[Row] = []
        for queue in self._routing.queues():
            for medium in sorted(media) or [None]:
                row: Row = {"queueId": queue.id or ""}
                if medium is not None:
                    row["mediaType"] = medium
                if _matches(query.filter, (row,)):
                    groups.append(row)
        counts = self._queue_counts({str(g["queueId"]) for g in groups}) if groups else {}
        status_of = {
            user_id: self._routing.status(user_id).status or RoutingStatusType.OFF_QUEUE
            for user_id, _ in self._routing.users()
        }
        results = []
        for group in groups:
            queue_id, medium = str(group["queueId"]), group.get("mediaType")
            waiting, alerting, interacting = (
                counts.get(queue_id, (0, 0, 0)) if medium in (None, "callback") else (0, 0, 0)
            )
            data = []
            for metric in metrics:
                data += self._observed(
                    metric,
                    queue_id,
                    status_of,
                    waiting=waiting,
                    alerting=alerting,
                    interacting=interacting,
                )
            results.append(
                QueueObservationDataContainer(group={k: str(v) for k, v in group.items()}, data=tuple(data))
            )
        return QueueObservationQueryResponse(results=tuple(results))

    def _observed(
        self,
        metric: str,
        queue_id: str,
        status_of: dict[str, RoutingStatusType],
        *,
        waiting: int,
        alerting: int,
        interacting: int,
    ) -> list[ObservationMetricData]:
        conversations = {"oWaiting": waiting, "oAlerting": alerting, "oInteracting": interacting}
        if metric in conversations:
            return [
                ObservationMetricData(metric=metric, stats=StatisticalSummary(count=conversations[metric]))
            ]
        statuses = [status_of[user_id] for user_id in self._routing.member_ids(queue_id)]
        if metric in ("oMemberUsers", "oActiveUsers"):
            return [ObservationMetricData(metric=metric, stats=StatisticalSummary(count=len(statuses)))]
        if metric == "oOffQueueUsers":
            off = sum(1 for s in statuses if s is RoutingStatusType.OFF_QUEUE)
            return [ObservationMetricData(metric=metric, stats=StatisticalSummary(count=off))]
        # Counted by qualifier (a routing status): on-queue users (every status but OFF_QUEUE), or all.
        wanted = [
            s
            for s in RoutingStatusType
            if metric == "oUserRoutingStatuses" or s is not RoutingStatusType.OFF_QUEUE
        ]
        return [
            ObservationMetricData(
                metric=metric, qualifier=status.value, stats=StatisticalSummary(count=count)
            )
            for status in wanted
            if (count := sum(1 for s in statuses if s is status))
        ]

    def _queue_counts(self, queue_ids: set[str]) -> dict[str, tuple[int, int, int]]:
        """Per queue, its callbacks waiting (the acd leg up, its scheduled time reached), alerting an
        agent, and with an agent (connected, before after-call work): the active conversations' tallies."""
        now = to_ms(self._now())
        counts: dict[str, list[int]] = {}
        with self._lock:
            tallies = [self._tally(entry) for entry in self._active()]
        for tally in tallies:
            for queue_id, kind, due in tally:
                if queue_id in queue_ids and (due is None or due <= now):
                    counts.setdefault(queue_id, [0, 0, 0])[kind] += 1
        return {key: (a, b, c) for key, (a, b, c) in counts.items()}

    def _tally(self, entry: Entry) -> tuple[tuple[str, int, int | None], ...]:
        """What an active conversation counts for, per queue: (queue, 0 waiting / 1 alerting / 2
        interacting, when it starts to count); kept until its stored body changes."""
        held = self._tallies.get(entry.id)
        if held is not None and (held[0] is entry.body or held[0] == entry.body):
            return held[1]
        tally: list[tuple[str, int, int | None]] = []
        for participant in entry.conversation.participants or ():
            for callback in participant.callbacks or ():
                if participant.queue_id is None or callback.state in _ENDED or callback.state is None:
                    continue
                if participant.purpose == "acd":
                    scheduled = callback.callback_scheduled_time
                    tally.append((participant.queue_id, 0, None if scheduled is None else to_ms(scheduled)))
                elif participant.purpose == "agent":
                    if callback.state is CallbackState.ALERTING:
                        tally.append((participant.queue_id, 1, None))
                    elif callback.after_call_work is None:
                        tally.append((participant.queue_id, 2, None))
        if len(self._tallies) > 4 * len(self._derived) + 100_000:
            self._tallies.clear()  # ended conversations' tallies, never read again
        self._tallies[entry.id] = (entry.body, tuple(tally))
        return self._tallies[entry.id][1]

    # Inside

    def _refresh(self) -> None:
        """The derived details brought up to the store: a changed body derived again, a deleted one forgotten.

        While the store hands back the very entries of last time, in the same order (the memory
        store keeps an entry until its conversation changes), one identity comparison at C speed
        says nothing changed. Otherwise one pass, building a set of the ids only when some
        conversation was deleted.
        """
        entries = self._entries()
        last = self._last
        if len(entries) == len(last) and all(map(operator.is_, entries, last)):
            return
        derived = self._derived
        for entry in entries:
            held = derived.get(entry.id)
            if held is None or (held.entry is not entry and held.entry.body != entry.body):
                self._derive(entry)
            elif held.entry is not entry:
                derived[entry.id] = attrs.evolve(held, entry=entry)  # the same body, a new entry
        if len(derived) != len(entries):
            for gone in set(derived) - {entry.id for entry in entries}:
                self._forget(gone)
        self._last = entries

    def _derive(self, entry: Entry) -> _Derived:
        held = self._derived.get(entry.id)
        if held is not None and (held.entry is entry or held.entry.body == entry.body):
            return held
        self._forget(entry.id)
        made = _derived(entry)
        self._derived[entry.id] = made
        for key in made.index_keys():
            self._index.setdefault(key, set()).add(entry.id)
        return made

    def _forget(self, conversation_id: str) -> None:
        held = self._derived.pop(conversation_id, None)
        if held is not None:
            for key in held.index_keys():
                self._index.get(key, set()).discard(conversation_id)

    def _candidates(self, filter_: SegmentDetailQueryFilter) -> set[str] | None:
        """The conversations an ``and`` filter's top-level ``matches`` predicates allow (None: no narrowing)."""
        if filter_.type is FilterType.OR:
            return None
        keys = [
            (p.dimension.value, p.value)
            for p in filter_.predicates or ()
            if p.dimension and p.value is not None and _operator(p) is PredicateOperator.MATCHES
        ]
        if not keys:
            return None
        sets = sorted((self._index.get(key, set()) for key in keys), key=len)
        return set(sets[0]).intersection(*sets[1:])


def _derived(entry: Entry) -> _Derived:
    conversation = entry.conversation
    made = details(conversation)
    rows: list[Row] = []
    for participant in made.participants or ():
        for session in participant.sessions or ():
            base: Row = _row(
                mediaType=session.media_type,
                userId=participant.user_id,
                purpose=participant.purpose,
                direction=session.direction,
                scriptId=session.script_id,
                provider=session.provider,
                participantName=participant.participant_name,
                outboundCampaignId=session.outbound_campaign_id,
                callbackScheduledTime=iso(session.callback_scheduled_time)
                if session.callback_scheduled_time
                else None,
            )
            if session.callback_numbers:
                base["callbackNumber"] = tuple(session.callback_numbers)
            for segment in session.segments or ():
                rows.append(
                    {
                        **base,
                        **_row(
                            segmentType=segment.segment_type,
                            queueId=segment.queue_id,
                            disconnectType=segment.disconnect_type,
                            wrapUpCode=segment.wrap_up_code,
                            wrapUpNote=segment.wrap_up_note,
                            segmentEnd=iso(segment.segment_end) if segment.segment_end else None,
                        ),
                    }
                )
    dims = _row(
        conversationId=made.conversation_id,
        conversationStart=iso(made.conversation_start) if made.conversation_start else None,
        conversationEnd=iso(made.conversation_end) if made.conversation_end else None,
        externalTag=made.external_tag,
        originatingDirection=made.originating_direction,
    )
    start = to_ms(made.conversation_start) if made.conversation_start else 0
    end = to_ms(made.conversation_end) if made.conversation_end else None
    return _Derived(entry, made, tuple(rows), dims, start, end)


def _row(**values: Any) -> Row:
    return {key: str(value) for key, value in values.items() if value is not None}


def _values(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def _predicates(filter_: Any) -> list[Any]:
    return [
        *(filter_.predicates or ()),
        *(p for clause in filter_.clauses or () for p in clause.predicates or ()),
    ]


def _operator(predicate: Predicate) -> PredicateOperator:
    return predicate.operator or PredicateOperator.MATCHES


def _check_filter(filter_: Any, path: str, dimensions: Sequence[str]) -> None:
    """Refuse what the mock cannot evaluate: a predicate not on a dimension, an unknown one, a missing value."""
    if not filter_.predicates and not filter_.clauses:
        raise ApiError.invalid(
            "invalid.value", path, f"{path}: a filter needs predicates or clauses; got neither."
        )
    places = [(f"{path}.predicates[{i}]", p) for i, p in enumerate(filter_.predicates or ())]
    for c, clause in enumerate(filter_.clauses or ()):
        if not clause.predicates:
            raise ApiError.invalid(
                "invalid.value",
                f"{path}.clauses[{c}].predicates",
                f"{path}.clauses[{c}].predicates: a clause needs predicates; got none.",
            )
        places += [(f"{path}.clauses[{c}].predicates[{i}]", p) for i, p in enumerate(clause.predicates)]
    for where, predicate in places:
        if predicate.type not in (None, PredicateType.DIMENSION):
            raise _unsupported(f"{where}.type", f"{predicate.type.value} predicates", "dimension")
        if predicate.dimension is None:
            raise ApiError.invalid(
                "invalid.value",
                f"{where}.dimension",
                f"{where}.dimension is required for a dimension predicate.",
            )
        if predicate.dimension.value not in dimensions:
            raise _unsupported(
                f"{where}.dimension", f"the dimension {predicate.dimension.value!r}", ", ".join(dimensions)
            )
        if _operator(predicate) is PredicateOperator.MATCHES and predicate.value is None:
            raise ApiError.invalid(
                "invalid.value",
                f"{where}.value",
                f"{where}.value is required with the operator matches; got null.",
            )


def _unsupported(path: str, what: str, supported: str) -> ApiError:
    return ApiError.invalid(
        "invalid.value",
        path,
        f"{path}: the mock does not evaluate {what} (it evaluates: {supported}); the query is refused rather than answered wrongly.",
    )


def _holds(predicate: Predicate, row: Row) -> bool:
    assert predicate.dimension is not None  # checked
    value = row.get(predicate.dimension.value)
    operator = _operator(predicate)
    if operator is PredicateOperator.EXISTS:
        return value is not None
    if operator is PredicateOperator.NOT_EXISTS:
        return value is None
    return value is not None and predicate.value in _values(value)


def _matches(filter_: Any, rows: Sequence[Row]) -> bool:
    """Whether one of ``rows`` satisfies the filter (its predicates and clauses, combined by its type)."""
    either = filter_.type is FilterType.OR
    combine = any if either else all
    for row in rows:
        parts = [_holds(p, row) for p in filter_.predicates or ()]
        for clause in filter_.clauses or ():
            inner = any if clause.type is FilterType.OR else all
            parts.append(inner(_holds(p, row) for p in clause.predicates or ()))
        if combine(parts):
            return True
    return False


def _interval(interval: str | None) -> tuple[int, int]:
    """The interval's start and end in ms; 400 if missing, malformed, backwards or too long."""
    if not interval:
        raise ApiError.invalid("invalid.value", "$.interval", "$.interval is required: start/end, ISO-8601.")
    parts = interval.split("/")
    try:
        if len(parts) != 2:
            raise ValueError
        start, end = (_instant(part) for part in parts)
    except ValueError:
        raise ApiError.invalid(
            "invalid.value",
            "$.interval",
            f"$.interval: expected start/end as ISO-8601 date-times; got {interval!r}.",
        ) from None
    if end <= start or end - start > MAX_INTERVAL:
        raise ApiError.invalid(
            "invalid.value",
            "$.interval",
            f"$.interval: expected an end after its start, at most 31 days on; got {interval!r}.",
        )
    return to_ms(start), to_ms(end)


def _instant(text: str) -> datetime:
    parsed = parse_datetime(text)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)


def _day(ms: int) -> int:
    return ms // 86_400_000


def _paging(query: ConversationQuery) -> tuple[int, int]:
    paging = query.paging
    size = (paging.page_size if paging else None) or DEFAULT_PAGE_SIZE
    number = (paging.page_number if paging else None) or 1
    if size > MAX_PAGE_SIZE:
        raise ApiError.invalid(
            "invalid.value",
            "$.paging.pageSize",
            f"$.paging.pageSize: expected at most {MAX_PAGE_SIZE}; got {size}.",
        )
    return size, number


def _order(hits: list[_Derived], order: QueryOrder | None, order_by: QueryOrderBy | None) -> None:
    if order is QueryOrder.UNORDERED:
        return
    if order_by not in (None, QueryOrderBy.CONVERSATION_START, QueryOrderBy.CONVERSATION_END):
        raise _unsupported(
            "$.orderBy", f"ordering by {order_by.value!r}", "conversationStart, conversationEnd"
        )
    if order_by is QueryOrderBy.CONVERSATION_END:
        hits.sort(
            key=lambda d: (d.end is None, d.end or 0, d.details.conversation_id or ""),
            reverse=order is QueryOrder.DESC,
        )
    else:
        hits.sort(key=lambda d: (d.start, d.details.conversation_id or ""), reverse=order is QueryOrder.DESC)
