"""What trigger matching costs an engine step (run by hand).

    python benchmarks/bench_triggers.py [--triggers 100] [--events 5000] [--rounds 7] [--conversations 2000]

Measured in one run, each a median of ``--rounds``:

1. An engine step: a frozen clock advanced 24 h over ``--conversations`` seeded conversations in
   auto mode (``bench_lifecycle``'s measurement), its time divided by the steps it ran.
2. Publishing a detail event into the hub (``DetailEvents.publish``, under the store's lock as the
   engine publishes) with ``--triggers`` triggers defined, against the same publish with none. The
   triggers are the worst case of one topic: all on ``….acd.start``, each the prioritization
   blueprint's ``mediaType == CALLBACK`` plus its own queue, so every event is checked against every
   trigger and one fires (its execution recorded). The matching cost is the difference.

The target (issue 24): matching costs an engine step less than 10%. A step emits at most a few
detail events (a callback's ``acd.start``, ``user.start`` ...): the ratio is given per event and for
``EVENTS_PER_STEP`` events a step.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_lifecycle import NOW, advance_a_day
from bench_lifecycle import backend as engine_backend

from contracts import (
    CreateTriggerRequest,
    MatchCriteria,
    MatchOperator,
    TriggerTarget,
    TriggerTargetType,
)
from mockserver.state.backend import Backend
from mockserver.store.memory import MemoryStore

TOPIC = "v2.detail.events.conversation.{id}.acd.start"
EVENTS_PER_STEP = 2  # an upper bound for a callback's step (inferred from the events a step derives)


def hub_backend(triggers: int) -> Backend:
    made = Backend(store=MemoryStore(), seed=1, conversations=0, now=NOW, frozen=True)
    for n in range(triggers):
        made.triggers.create(
            CreateTriggerRequest(
                name=f"Prioritize queue {n}",
                topic_name=TOPIC,
                enabled=True,
                target=TriggerTarget(type=TriggerTargetType.WORKFLOW, id=f"wf-{n}"),
                match_criteria=(
                    MatchCriteria(json_path="mediaType", operator=MatchOperator.EQUAL, value="CALLBACK"),
                    MatchCriteria(json_path="$.queueId", operator=MatchOperator.EQUAL, value=f"q-{n}"),
                ),
            )
        )
    return made


def publish_seconds(made: Backend, events: int, triggers: int) -> float:
    """Seconds per event to publish ``events`` acd.start events, each for one trigger's queue."""
    at = made.clock.ms()
    bodies = [
        (
            TOPIC.replace("{id}", f"c-{i}"),
            {
                "eventTime": at,
                "conversationId": f"c-{i}",
                "participantId": f"p-{i}",
                "sessionId": f"s-{i}",
                "mediaType": "CALLBACK",
                "direction": "OUTBOUND",
                "queueId": f"q-{i % max(triggers, 1)}",
                "callbackNumbers": ["+13175550100"],
                "routingPriority": 0,
            },
        )
        for i in range(events)
    ]
    hub, transaction = made.detail_events, made.store.transaction
    started = time.perf_counter()
    for topic, body in bodies:
        with transaction():
            hub.publish(topic, body, at)
    return (time.perf_counter() - started) / events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--triggers", type=int, default=100)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--conversations", type=int, default=2000)
    args = parser.parse_args()

    steps = [advance_a_day(engine_backend(args.conversations)) for _ in range(args.rounds)]
    step = statistics.median(seconds / count for seconds, count in steps)
    print(f"1. An engine step: {step * 1e6:.1f} us (median of {args.rounds}, {steps[0][1]:,} steps a round)")

    bare, armed = [], []
    for _ in range(args.rounds):
        bare.append(publish_seconds(hub_backend(0), args.events, 0))
        armed.append(publish_seconds(hub_backend(args.triggers), args.events, args.triggers))
    without, with_triggers = statistics.median(bare), statistics.median(armed)
    matching = with_triggers - without
    print(f"2. Publishing a detail event, median of {args.rounds} rounds of {args.events:,} events:")
    print(
        f"   no triggers: {without * 1e6:.1f} us; {args.triggers} triggers on its topic: {with_triggers * 1e6:.1f} us"
    )
    print(f"   matching: {matching * 1e6:.1f} us an event, {matching / step:.1%} of a step")
    share = EVENTS_PER_STEP * matching / step
    print(
        f"   for {EVENTS_PER_STEP} events a step: {share:.1%} of a step; target < 10%: {'PASS' if share < 0.1 else 'FAIL'}"
    )


if __name__ == "__main__":
    main()
