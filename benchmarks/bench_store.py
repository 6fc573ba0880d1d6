"""The Redis store's cost against the memory store's, and how serve scales with workers on one Redis (by hand).

    python benchmarks/bench_store.py [--duration 5] [--rounds 3] [--connections 16] [--costs-only]
        [--baseline CHECKOUT]

Starts a redis-server of its own on a free port (no persistence), then, round after round and in
turn: serve on the memory store (the baseline), serve on Redis with 1, 2 and 4 workers, each
loaded with wrk on GET-by-id of one seeded conversation. Reports median req/s and p99 per setup,
the ratio of each to the memory store's in the same run (target: 1 worker on Redis at least 0.5),
and the cost per request of the Redis round trip: the difference of the two single-worker setups'
time per request, beside one bare round trip (a script call on a held connection) timed in this
process. Serve overlaps its round trips on the event loop, so the first is smaller than the second. Needs `wrk` and `redis-server` on PATH.

Then, in this process (``--costs-only``: these alone): how long a write waits for the lock of a
holder SIGKILLed while holding it (the take-over), and what a change to a part costs in bytes sent
to Redis and in time, medians of 21: a channel created at 10 and at 4,000 channels, a hit on a stub
with ``times`` whose body is 10 bytes and 500 KB, and another process's load of a channel created
at 10 and 4,000, with their ratios; beside them the same changes' time on the memory store, and
with ``--baseline`` the same figures of an older checkout's code (in a process of its own, on
another Redis database of the same server).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import hiredis
import redis
from bench_server import EVERY, SERVE, call, free_port, process, wrk  # the script's folder is on sys.path

SETUPS = {
    "memory": [],
    "redis, 1 worker": ["--workers", "1"],
    "redis, 2 workers": ["--workers", "2"],
    "redis, 4 workers": ["--workers", "4"],
}


def first_id(url: str) -> str:
    return str(call(url, "GET", EVERY)["entities"][0]["id"])


def round_trip_us(url: str, samples: int = 5000) -> float:
    """One round trip as the fast read makes it, in this process: a script call on a held connection."""
    client = redis.Redis.from_url(url)
    sha = client.script_load("return redis.call('incr', KEYS[1])")
    connection: Any = client.connection_pool.make_connection()
    command: tuple[Any, ...] = ("EVALSHA", sha, 1, "bench:counter")
    packed = [hiredis.pack_command(command)]
    started = time.perf_counter()
    for _ in range(samples):
        connection.send_packed_command(packed)
        connection.read_response()
    elapsed = (time.perf_counter() - started) / samples * 1e6
    connection.disconnect()
    return elapsed


HOLDER = """
import sys, time
from mockserver.store.redis import RedisStore
with RedisStore(sys.argv[1], prefix=sys.argv[2]).transaction():
    print("held", flush=True)
    time.sleep(600)
"""


def take_over_ms(url: str, rounds: int = 3) -> float:
    """How long a transaction waits for the lock of a holder killed while holding it: the median."""
    from mockserver.store.redis import RedisStore

    waits = []
    for number in range(rounds):
        prefix = f"bench-take-over-{number}"
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER, url, prefix], stdout=subprocess.PIPE, text=True
        )
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        holder.kill()
        holder.wait()
        store = RedisStore(url, prefix=prefix)
        started = time.perf_counter()
        with store.transaction():
            waits.append((time.perf_counter() - started) * 1000)
        store.close()
    return statistics.median(waits)


Cost = tuple[int, float]  # bytes Redis received, ms


def change_cost(
    client: redis.Redis | None,
    change: Callable[[], object],
    samples: int = 21,
    before: Callable[[], object] = list,
) -> Cost:
    """Bytes Redis received for ``change`` (INFO stats; 0 without a client) and its time (ms), each after
    ``before`` (neither counted): the medians."""
    sizes, times = [], []
    for _ in range(samples):
        before()
        received = int(client.info("stats")["total_net_input_bytes"]) if client else 0
        started = time.perf_counter()
        change()
        times.append((time.perf_counter() - started) * 1000)
        sizes.append(int(client.info("stats")["total_net_input_bytes"]) - received if client else 0)
    return int(statistics.median(sizes)), statistics.median(times)


def part_costs(url: str) -> list[tuple[str, Cost, Cost]]:
    """A channel created at 10 and 4,000 channels; a hit on a stub of 10 bytes and of 500 KB; a channel
    created by another process loaded, at 10 and 4,000 (on Redis). ``url`` "memory": the memory store."""
    from mockserver import create_app
    from mockserver.web.current import backend_of

    # A token for each channel created: none is over its token's 20, which would remove its oldest.
    tokens = [f"t{index}" for index in range(200)]
    config: dict[str, Any] = {"CONVERSATIONS": 5, "TOKENS": tuple(tokens)}
    if url != "memory":
        config.update(STORE=url, STORE_PREFIX="bench-parts")
    app = create_app(config)
    other = None if url == "memory" else create_app(config)  # another process of the same server
    backend, http = backend_of(app), app.test_client()
    client = None if url == "memory" else redis.Redis.from_url(url)
    auth = {"Authorization": "Bearer t0"}

    def grow(count: int) -> None:
        with backend.store.transaction():
            for index in range(count):
                backend.notifications.create(f"bulk-{count}-{index}", f"user-{index}")

    def create() -> None:
        http.post("/api/v2/notifications/channels", headers={"Authorization": f"Bearer {tokens.pop()}"})

    def loaded() -> Cost:
        assert other is not None
        sync = backend_of(other).store.sync
        sync()
        return change_cost(client, sync, before=create)

    grow(10)
    few = change_cost(client, create)
    few_loaded = loaded() if other else (0, 0.0)
    grow(4000)
    many = change_cost(client, create)
    many_loaded = loaded() if other else (0, 0.0)

    def hit(size: int) -> Cost:
        stub = {"method": "GET", "path": f"/api/v2/stubbed/{size}", "body": "x" * size, "times": 1000}
        http.post("/__admin/stubs", json=stub)
        return change_cost(client, lambda: http.get(f"/api/v2/stubbed/{size}", headers=auth))

    small, large = hit(10), hit(500_000)
    for each in (app, other):
        if each is not None and client is not None:
            backend_of(each).store.close()
    if client is not None:
        client.close()
    return [
        ("channel create, 10 -> 4,000 channels", few, many),
        ("stub hit, 10 B -> 500 KB body", small, large),
        ("another process loads a channel made", few_loaded, many_loaded),
    ]


def baseline_costs(checkout: str, url: str) -> dict[str, tuple[Cost, Cost]]:
    """``part_costs`` (this one) on an older checkout's code, in a process of its own."""
    code = "import json, sys; from bench_store import part_costs; print(json.dumps(part_costs(sys.argv[1])))"
    path = os.pathsep.join([os.path.abspath(checkout), os.path.dirname(os.path.abspath(__file__))])
    found = subprocess.run(
        [sys.executable, "-c", code, url],
        env={**os.environ, "PYTHONPATH": path},
        cwd=checkout,
        capture_output=True,
        text=True,
        check=True,
    )
    return {name: ((few[0], few[1]), (many[0], many[1])) for name, few, many in json.loads(found.stdout)}


def report_costs(url: str, baseline: str | None = None) -> None:
    print(f"lock take-over after its holder was SIGKILLed: {take_over_ms(url):.0f} ms (median of 3)")
    memory = {name: (few[1], many[1]) for name, few, many in part_costs("memory")}
    before = {} if baseline is None else baseline_costs(baseline, url.rsplit("/", 1)[0] + "/1")
    print(f"{'change':<38} {'bytes':>15} {'ratio':>6} {'ms':>13} {'ratio':>6} {'memory ms':>13}")
    for name, (few, few_ms), (many, many_ms) in part_costs(url):
        in_memory = f"{memory[name][0]:>5.2f} -> {memory[name][1]:>5.2f}" if memory[name][0] else ""
        print(
            f"{name:<38} {few:>6,} -> {many:>6,} {many / max(few, 1):>6.2f} {few_ms:>5.2f} -> {many_ms:>5.2f} "
            f"{many_ms / few_ms:>6.2f} {in_memory:>13}"
        )
        if name in before:
            (old, old_ms), (old_many, old_many_ms) = before[name]
            print(
                f"{'  before (--baseline)':<38} {old:>6,} -> {old_many:>6,} {old_many / max(old, 1):>6.2f} "
                f"{old_ms:>5.2f} -> {old_many_ms:>5.2f} {old_many_ms / old_ms:>6.2f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--costs-only", action="store_true", help="only the take-over and the parts' costs")
    parser.add_argument("--baseline", help="an older checkout whose parts' costs to show beside these")
    args = parser.parse_args()
    if args.costs_only:
        with tempfile.TemporaryDirectory() as folder:
            port = free_port()
            server = subprocess.Popen(
                ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", folder],
                stdout=subprocess.DEVNULL,
            )
            try:
                time.sleep(0.3)
                report_costs(f"redis://127.0.0.1:{port}/0", args.baseline)
            finally:
                server.terminate()
                server.wait(timeout=10)
        return
    for tool in ("wrk", "redis-server"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not on PATH")
    with tempfile.TemporaryDirectory() as folder:
        redis_port = free_port()
        server = subprocess.Popen(
            ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no", "--dir", folder],
            stdout=subprocess.DEVNULL,
        )
        store = f"redis://127.0.0.1:{redis_port}/0"
        try:
            time.sleep(0.3)
            results: dict[str, list[dict[str, float]]] = {name: [] for name in SETUPS}
            for number in range(args.rounds):
                for name, options in SETUPS.items():
                    port = free_port()
                    url = f"http://127.0.0.1:{port}"
                    shared = (
                        []
                        if name == "memory"
                        else ["--store", store, "--store-prefix", f"bench-{number}-{port}"]
                    )
                    command = [
                        *SERVE,
                        "--port",
                        str(port),
                        "--streaming-port",
                        "0",
                        "--lifecycle",
                        "off",
                        *shared,
                        *options,
                    ]
                    with process(command, url + "/openapi.json"):
                        target = f"{url}/api/v2/conversations/{first_id(url)}"
                        wrk(target, args.connections, 1)  # warm up
                        results[name].append(wrk(target, args.connections, args.duration))
                    print(
                        f"round {number + 1} {name}: {results[name][-1]['rps']:,.0f} req/s", file=sys.stderr
                    )
            trip = round_trip_us(store)
            report_costs(store, args.baseline)
        finally:
            server.terminate()
            server.wait(timeout=10)
    baseline = statistics.median(r["rps"] for r in results["memory"])
    print(f"GET-by-id, c{args.connections}, {args.rounds} rounds of {args.duration} s (medians)")
    print(f"{'setup':<18} {'req/s':>9} {'p99 ms':>8} {'/ memory':>9}")
    for name, runs in results.items():
        rps = statistics.median(r["rps"] for r in runs)
        p99 = statistics.median(r["p99_ms"] for r in runs)
        print(f"{name:<18} {rps:>9,.0f} {p99:>8.2f} {rps / baseline:>9.2f}")
    single = statistics.median(r["rps"] for r in results["redis, 1 worker"])
    print(f"Redis's cost per request (1 worker): {(1 / single - 1 / baseline) * 1e6:.0f} us")
    print(f"one bare round trip (a script call on a held connection), in this process: {trip:.0f} us")


if __name__ == "__main__":
    main()
