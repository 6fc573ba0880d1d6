"""The Redis store's cost against the memory store's, and how serve scales with workers on one Redis (by hand).

    python benchmarks/bench_store.py [--duration 5] [--rounds 3] [--connections 16]

Starts a redis-server of its own on a free port (no persistence), then, round after round and in
turn: serve on the memory store (the baseline), serve on Redis with 1, 2 and 4 workers, each
loaded with wrk on GET-by-id of one seeded conversation. Reports median req/s and p99 per setup,
the ratio of each to the memory store's in the same run (target: 1 worker on Redis at least 0.5),
and the cost per request of the Redis round trip: the difference of the two single-worker setups'
time per request, beside one bare round trip (a script call on a held connection) timed in this
process. Serve overlaps its round trips on the event loop, so the first is smaller than the second. Needs `wrk` and `redis-server` on PATH.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from typing import Any

import hiredis
import redis
from bench_server import HEADERS, SERVE, free_port, process, wrk  # the script's folder is on sys.path

SETUPS = {
    "memory": [],
    "redis, 1 worker": ["--workers", "1"],
    "redis, 2 workers": ["--workers", "2"],
    "redis, 4 workers": ["--workers", "4"],
}


def first_id(url: str) -> str:
    request = urllib.request.Request(url + "/api/v2/conversations?pageSize=1", headers=HEADERS)
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(json.loads(response.read())["entities"][0]["id"])


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
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
