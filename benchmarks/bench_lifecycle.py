"""What the lifecycle engine costs (run by hand).

    python benchmarks/bench_lifecycle.py [--conversations 10000] [--rounds 6] [--duration 3]
                                         [--baseline PATH_OF_AN_OLDER_CHECKOUT]

Two measurements, each against its baseline in the same run:

1. Advancing a frozen clock by 24 h over ``--conversations`` seeded conversations in auto mode:
   the wall time of the one ``move_clock`` call, the steps it ran, and the time per step. The
   same advance over the same live conversations plus ten times as many ended ones (which have
   nothing due) shows whether a step's cost is the work due or a scan of the store.
2. GET-by-id throughput of ``serve`` with the engine running in real time (auto, the default)
   against ``serve`` with ``--lifecycle off``-equivalent settings (``CALLBACK_MOCK_LIFECYCLE``
   ``{"mode": "off"}``), or against the ``serve`` of ``--baseline`` (a checkout from before the
   engine, run with its own code), in interleaved rounds of wrk: medians and the ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_server import EVERY, SERVE, call, free_port, process, wrk

from mockserver.control.models import ClockChange, Lifecycle, LifecycleMode
from mockserver.state.backend import Backend
from mockserver.store.memory import MemoryStore

NOW = datetime(2030, 1, 15, 12, tzinfo=timezone.utc)
DAY = 86_400


def backend(conversations: int, ended: int = 0) -> Backend:
    """A frozen-clock backend in auto mode holding ``conversations`` seeded ones, plus ``ended`` over ones."""
    made = Backend(
        store=MemoryStore(),
        seed=1,
        conversations=conversations,
        now=NOW,
        frozen=True,
        lifecycle=Lifecycle(mode=LifecycleMode.AUTO),
    )
    if ended:
        made.seed(ended, ["disconnected"], seed=2)
    return made


def advance_a_day(made: Backend) -> tuple[float, int]:
    """Seconds taken by one 24 h advance, and the steps it ran."""
    steps = 0

    def count(conversation: object, cause: object, at: object) -> None:
        nonlocal steps
        steps += 1

    made.changes.listen(count)
    started = time.perf_counter()
    made.move_clock(ClockChange(advance_seconds=DAY))
    return time.perf_counter() - started, steps


def engine(conversations: int, rounds: int) -> None:
    print(f"1. Advancing the clock by 24 h, auto mode, {conversations:,} seeded conversations")
    plain, padded = [], []
    for _ in range(rounds):
        plain.append(advance_a_day(backend(conversations)))
        padded.append(advance_a_day(backend(conversations, ended=10 * conversations)))
    seconds = statistics.median(s for s, _ in plain)
    steps = plain[0][1]
    padded_seconds = statistics.median(s for s, _ in padded)
    print(
        f"   {steps:,} steps in {seconds:.2f} s (median of {rounds}): {seconds / steps * 1e6:.1f} us a step"
    )
    print(f"   target < 2 s: {'PASS' if seconds < 2 else 'FAIL'}")
    print(
        f"   with {10 * conversations:,} ended conversations more: {padded[0][1]:,} steps in "
        f"{padded_seconds:.2f} s, {padded_seconds / seconds:.2f}x (the work due, not the store's size)"
    )


def throughput(rounds: int, duration: int, baseline: Path | None) -> None:
    print("2. GET by id with the engine running in real time (serve, 8 connections, wrk)")
    with ExitStack() as stack:
        servers = {}
        for name, source, env in (
            ("engine (auto, real time)", None, {}),
            (
                "baseline" if baseline else "lifecycle off",
                baseline,
                {} if baseline else {"CALLBACK_MOCK_LIFECYCLE": json.dumps({"mode": "off"})},
            ),
        ):
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            command = [*SERVE, "--port", str(port), "--streaming-port", "0"]
            if source is not None:
                # Its own code first: `python -c` puts the working directory (this checkout) ahead
                # of PYTHONPATH, so the baseline's path goes in front explicitly.
                start = f"import sys; sys.path.insert(0, {str(source)!r}); from mockserver.cli import main; main()"
                command = [sys.executable, "-c", start, *SERVE[3:], "--port", str(port)]
                env = {**env, "PYTHONPATH": str(source)}
            stack.enter_context(process(command, url + "/api/v2/conversations?pageSize=1", env))
            conversation_id = call(url, "GET", EVERY)["entities"][0]["id"]
            servers[name] = f"{url}/api/v2/conversations/{conversation_id}"
        results: dict[str, list[float]] = {name: [] for name in servers}
        ratios = []
        for index in range(rounds):
            order = list(servers) if index % 2 == 0 else list(reversed(servers))
            measured = {name: wrk(servers[name], 8, duration)["rps"] for name in order}
            for name, rps in measured.items():
                results[name].append(rps)
            engine_name, other = list(servers)
            ratios.append(measured[engine_name] / measured[other])
    for name, values in results.items():
        print(
            f"   {name:26} {statistics.median(values):9,.0f} req/s (range {min(values):,.0f}-{max(values):,.0f})"
        )
    ratio = statistics.median(ratios)
    print(
        f"   engine / {list(servers)[1]}: {ratio:.3f} (median of {rounds} paired rounds); target >= 0.90: "
        f"{'PASS' if ratio >= 0.9 else 'FAIL'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--duration", type=int, default=3)
    parser.add_argument("--baseline", type=Path, default=None, help="an older checkout to compare serve with")
    parser.add_argument("--skip-engine", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    if not args.skip_engine:
        engine(args.conversations, max(1, args.rounds // 2))
    if not args.skip_throughput:
        throughput(args.rounds, args.duration, args.baseline)


if __name__ == "__main__":
    main()
