"""The analytics queries' cost in process over a large store (by hand).

    python benchmarks/bench_analytics.py [--conversations 100000] [--active 10000] [--queues 100] [--rounds 200]

Fills a memory store with ``--conversations`` callback conversations (factory conversations of every
stage, copied under fresh ids and spread over the org's queues; ``--active`` of them not ended),
then times, in this process and with the store's entries as the server holds them:
the first details query (every conversation derived), then ``--rounds`` details queries with the
completed-callbacks module's filter (mediaType callback, one queue, conversationEnd exists, page of
25), p50 and p99 (target p99 < 50 ms); and ``--rounds`` queue observation queries (oWaiting,
oInteracting, oOnQueueUsers for mediaType callback) over ``--queues`` queues (target < 10 ms).
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from datetime import datetime, timedelta, timezone

import attrs

import contracts
from contracts import Conversation, ConversationQuery, PagingSpec, QueueObservationQuery
from factories import ConversationFactory
from mockserver.state.analytics_queries import AnalyticsCommands
from mockserver.state.routing import Routing, seeded_queue
from mockserver.store.memory import MemoryStore


def fill(store: MemoryStore, total: int, active: int, queue_ids: list[str], now: datetime) -> None:
    factory = ConversationFactory(7, now=now)
    built = [c for c in (factory.build(t) for t in factory.traits * 40) if isinstance(c, Conversation)]
    ended = [c for c in built if c.end_time is not None]
    live = [c for c in built if c.end_time is None]
    batch: list[Conversation] = []
    for index in range(total):
        template = (live if index < active else ended)[index % (len(live) if index < active else len(ended))]
        queue_id = queue_ids[index % len(queue_ids)]
        participants = tuple(
            attrs.evolve(p, queue_id=queue_id) if p.queue_id else p for p in template.participants or ()
        )
        batch.append(attrs.evolve(template, id=str(uuid.uuid4()), participants=participants))
        if len(batch) == 5000:
            store.put(batch)
            batch = []
    store.put(batch)


def timed(run: object, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(f"{name}: p50 {statistics.median(ordered):.2f} ms, p99 {p99:.2f} ms, max {ordered[-1]:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--active", type=int, default=10_000)
    parser.add_argument("--queues", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()

    org = ConversationFactory(7).org
    queues = [seeded_queue(str(uuid.uuid4()), f"Queue {n}", 30, False) for n in range(args.queues)]
    now = datetime.now(timezone.utc)
    routing = Routing(org.agents, queues, clock=lambda: now)
    store = MemoryStore()
    started = time.perf_counter()
    fill(store, args.conversations, args.active, [q.id or "" for q in queues], now)
    print(f"filled {store.count()} conversations in {time.perf_counter() - started:.1f} s")
    analytics = AnalyticsCommands(store.entries, lambda: store.active()[1], routing, lambda: now)
    query = contracts.structure(
        {
            "interval": f"{contracts.format_datetime(now - timedelta(days=2))}/{contracts.format_datetime(now)}",
            "order": "asc",
            "orderBy": "conversationStart",
            "segmentFilters": [
                {
                    "type": "and",
                    "predicates": [
                        {"dimension": "mediaType", "value": "callback"},
                        {"dimension": "queueId", "value": queues[0].id},
                    ],
                }
            ],
            "conversationFilters": [
                {"type": "and", "predicates": [{"dimension": "conversationEnd", "operator": "exists"}]}
            ],
        },
        ConversationQuery,
    )
    query = attrs.evolve(query, paging=PagingSpec(page_size=25, page_number=1))
    started = time.perf_counter()
    hits = analytics.query(query).total_hits
    print(
        f"first details query (derives every conversation): {time.perf_counter() - started:.1f} s, {hits} hits"
    )
    report(
        "details query, queue + mediaType + conversationEnd, page of 25",
        timed(lambda: analytics.query(query), args.rounds),
    )
    observation = contracts.structure(
        {
            "filter": {"type": "and", "predicates": [{"dimension": "mediaType", "value": "callback"}]},
            "metrics": ["oWaiting", "oInteracting", "oOnQueueUsers"],
        },
        QueueObservationQuery,
    )
    answer = analytics.observations(observation)
    print(f"observations: {len(answer.results or ())} queues")
    report(
        f"queue observations over {args.queues} queues",
        timed(lambda: analytics.observations(observation), args.rounds),
    )


if __name__ == "__main__":
    main()
