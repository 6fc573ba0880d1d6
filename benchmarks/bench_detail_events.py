"""The engine's cost with and without the detail events' derivation, in process (by hand).

    python benchmarks/bench_detail_events.py [--conversations 2000] [--rounds 3]

Two servers in this process, alike (same seed, ``auto`` lifecycle, a frozen clock), ``--conversations``
callbacks created on each so every one lives a whole life; then the clock is advanced 24 hours on
each, in alternating rounds, and the advance timed (every step runs before it returns). In one the
detail publisher listens to the changes (every step derives its conversation's events and publishes
the new ones, with no listener beyond the channels); in the other it is taken off the changes. The
figure is the engine's cost a change with derivation, and the ratio to the one without.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime, timezone

from mockserver.app import create_app
from mockserver.control.models import ClockChange
from mockserver.state.backend import Backend
from mockserver.web.current import backend_of

NOW = datetime(2030, 1, 15, 12, tzinfo=timezone.utc)


def server(conversations: int, *, derive: bool) -> tuple[Backend, list[int]]:
    """A fresh server with ``conversations`` new callbacks; the count of changes it will publish."""
    app = create_app({"CONVERSATIONS": 0, "SEED": 1, "NOW": NOW, "CLOCK_FROZEN": True, "LIFECYCLE": "auto"})
    backend = backend_of(app)
    if not derive:
        backend.changes._listeners.remove(backend.detail_publisher.on_change)  # the bench's one reach inside
    changes = [0]
    backend.changes.listen(lambda conversation, cause, at: changes.__setitem__(0, changes[0] + 1))
    client = app.test_client()
    queues = [q.id for q in backend.factory.org.queues]
    for index in range(conversations):
        body = {"callbackNumbers": ["+13175550100"], "queueId": queues[index % len(queues)]}
        answer = client.post(
            "/api/v2/conversations/callbacks", json=body, headers={"Authorization": "Bearer t"}
        )
        assert answer.status_code == 200, answer.data
    return backend, changes


class _Counter:
    """A detail-event listener that counts what it hears."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, topic: str, body: object, at: int) -> None:
        self.count += 1


def advance(backend: Backend) -> float:
    started = time.perf_counter()
    backend.move_clock(ClockChange(advance_seconds=86_400))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    timings: dict[bool, list[float]] = {True: [], False: []}
    per_change: dict[bool, list[float]] = {True: [], False: []}
    published: list[int] = []
    for _ in range(args.rounds):
        for derive in (True, False):
            backend, changes = server(args.conversations, derive=derive)
            counted = _Counter()
            backend.detail_events.listen(counted)
            before = changes[0]
            took = advance(backend)
            timings[derive].append(took)
            per_change[derive].append(took / max(1, changes[0] - before) * 1e6)
            if derive:
                published.append(counted.count)
    on, off = statistics.median(timings[True]), statistics.median(timings[False])
    print(f"{args.conversations} callbacks, 24 h advance, median of {args.rounds} rounds")
    print(f"  with derivation:    {on:.3f} s ({statistics.median(per_change[True]):.0f} us a change)")
    print(f"  without derivation: {off:.3f} s ({statistics.median(per_change[False]):.0f} us a change)")
    print(f"  ratio {on / off:.2f}; events published {statistics.median(published):.0f}")


if __name__ == "__main__":
    main()
