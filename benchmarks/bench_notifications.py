"""The notification stream under load: 1,000 held sockets, fan-out latency to 100, GET-by-id beside idle sockets.

    python benchmarks/bench_notifications.py [--sockets 1000] [--subscribers 100] [--changes 30]
        [--idle 100] [--duration 3] [--rounds 6]

Run by hand, loopback only. The server is one ``serve`` process (Granian's supervisor and its
worker, which holds the app and the stream); the clients are asyncio ``websockets`` clients in
this process, so the server's memory is its own. Nothing moves by itself: the lifecycle is off, so
the only changes are the ones this script makes. Every wait has a deadline, and the whole run
takes about ``2 * rounds * duration`` seconds plus ~20.

(a) ``--sockets`` channels (20 per token, as the service allows) are created over REST and each
    gets a socket, confirmed by a ping answered; the server's RSS (and PSS) before and after.
(b) ``--subscribers`` of those sockets subscribe to one queue's topic; ``--changes`` callbacks are
    created on that queue one after another, and each socket's receipt of each create is timed
    from the moment before the create request is sent: median and p99 over every (change,
    socket) pair. The 1,000 sockets stay open meanwhile. Target: p99 < 50 ms.
(c) ``wrk`` loads ``GET /api/v2/conversations/{id}`` with 8 connections, with ``--idle`` sockets
    open (subscribed, told nothing) and with none, in alternating rounds on the same process:
    medians of each, and the ratio idle/none: the median of each round's pair (adjacent in time,
    so the machine's drift mostly cancels) and the ratio of the medians. Target: within 10%.

Output, one line each (the last wrapped here; the figures are placeholders)::

    serve pid P: RSS R0 MB (PSS S0 MB) with no sockets
    (a) N sockets held (opened in T s): RSS R1 MB (PSS S1 MB), +D KB a socket  [PASS|FAIL: all held]
    (b) one change to M subscribers, C changes: median X ms, p99 Y ms, max Z ms  [PASS|FAIL: p99 < 50 ms]
    (c) GET-by-id c8, K rounds of W s: none Q0 req/s (range), I idle sockets Q1 req/s (range),
        idle/none: median of the rounds Q (lo-hi), of the medians Q1/Q0  [PASS|FAIL: within 10%]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import shutil
import statistics
import sys
import time
from collections.abc import Sequence
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import orjson
from bench_server import EVERY, SERVE, call, free_port, memory_mb, process, verdict, wrk
from websockets.asyncio.client import ClientConnection, connect

QUEUE = "bench-queue"  # added to the server first: a callback names one of its queues
PER_TOKEN = 20  # channels a token may hold (the 21st removes its oldest)
DEADLINE = 30.0  # seconds any one wait may take


class Arrivals:
    """When each socket received each conversation's first event; a future per awaited conversation."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self._waiting: dict[str, tuple[int, asyncio.Future[None]]] = {}

    def expect(self, conversation_id: str, count: int) -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting[conversation_id] = (count, future)
        self._check(conversation_id)
        return future

    def arrived(self, conversation_id: str, at: float) -> None:
        self.times.setdefault(conversation_id, []).append(at)
        self._check(conversation_id)

    def _check(self, conversation_id: str) -> None:
        waiting = self._waiting.get(conversation_id)
        if waiting is not None and len(self.times.get(conversation_id, ())) >= waiting[0]:
            del self._waiting[conversation_id]
            waiting[1].set_result(None)


class Client:
    """One channel and its socket; its reader stamps each conversation event as it arrives."""

    def __init__(self, channel: dict[str, Any], token: str, arrivals: Arrivals) -> None:
        self.channel = channel
        self.token = token
        self.arrivals = arrivals
        self.pong: asyncio.Future[None] | None = None
        self.connection: ClientConnection | None = None
        self.reader: asyncio.Task[None] | None = None

    async def open(self, stack: AsyncExitStack) -> None:
        """Connect and wait until the server holds the socket (it answered a ping)."""
        self.connection = await stack.enter_async_context(
            connect(self.channel["connectUri"], compression=None, max_size=None, ping_interval=None)
        )
        self.pong = asyncio.get_running_loop().create_future()
        self.reader = asyncio.create_task(self._read(self.connection))
        await self.connection.send('{"message": "ping"}')
        await asyncio.wait_for(self.pong, DEADLINE)

    async def _read(self, connection: ClientConnection) -> None:
        async for text in connection:
            at = time.perf_counter()
            message = orjson.loads(text)
            if "version" in message:
                self.arrivals.arrived(message["eventBody"]["id"], at)
            elif message.get("eventBody", {}).get("message") == "pong" and self.pong and not self.pong.done():
                self.pong.set_result(None)


async def open_clients(
    base: str, count: int, arrivals: Arrivals, stack: AsyncExitStack, *, prefix: str
) -> list[Client]:
    """``count`` channels over REST (``PER_TOKEN`` a token), each with its socket held, 50 at a time."""
    clients = []
    for index in range(count):
        token = f"{prefix}-{index // PER_TOKEN}"
        channel = await asyncio.to_thread(
            call, base, "POST", "/api/v2/notifications/channels", None, token=token
        )
        clients.append(Client(channel, token, arrivals))
    for start in range(0, count, 50):
        await asyncio.gather(*(client.open(stack) for client in clients[start : start + 50]))
    return clients


async def subscribe(base: str, clients: Sequence[Client]) -> None:
    body = [{"id": f"v2.routing.queues.{QUEUE}.conversations"}]
    for client in clients:
        path = f"/api/v2/notifications/channels/{client.channel['id']}/subscriptions"
        await asyncio.to_thread(call, base, "PUT", path, body, token=client.token)


async def fan_out(base: str, clients: Sequence[Client], arrivals: Arrivals, changes: int) -> list[float]:
    """Milliseconds from before each create request to each subscriber's receipt of its event."""
    await subscribe(base, clients)
    latencies: list[float] = []
    body = {"callbackNumbers": ["+13175550100"], "queueId": QUEUE}
    for index in range(changes + 1):  # the first one warms up and is not counted
        start = time.perf_counter()
        created = await asyncio.to_thread(call, base, "POST", "/api/v2/conversations/callbacks", body)
        conversation_id = created["conversation"]["id"]
        await asyncio.wait_for(arrivals.expect(conversation_id, len(clients)), DEADLINE)
        if index:
            latencies += [(at - start) * 1000 for at in arrivals.times[conversation_id]]
    return latencies


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def throughput(
    base: str, path: str, idle: int, rounds: int, duration: int
) -> dict[str, list[dict[str, float]]]:
    """wrk runs of ``path``, alternating none and ``idle`` sockets open, which goes first alternating too."""
    runs: dict[str, list[dict[str, float]]] = {"none": [], "idle": []}
    for round_ in range(rounds):
        for kind in ("none", "idle") if round_ % 2 == 0 else ("idle", "none"):
            async with AsyncExitStack() as stack:
                if kind == "idle":
                    clients = await open_clients(base, idle, Arrivals(), stack, prefix=f"idle{round_}")
                    await subscribe(base, clients)
                runs[kind].append(await asyncio.to_thread(wrk, base + path, 8, duration))
    return runs


async def bench(args: argparse.Namespace) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [*SERVE[: SERVE.index("--token")], "--port", str(port), "--streaming-port", "0"]
    # The checkout's own mockserver, whichever one the environment has installed.
    env = {"PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    with process(command, base + "/api/v2/conversations?pageSize=1", env) as (proc, _):
        call(base, "PUT", "/__admin/lifecycle", {"mode": "off"})
        call(base, "POST", "/__admin/clock", {"frozen": True})
        call(base, "PUT", f"/__admin/queues/{QUEUE}", {"name": "Bench queue", "members": ["agent:0"]})
        conversation_id = call(base, "GET", EVERY)["entities"][0]["id"]
        rss0, pss0 = memory_mb(proc.pid)
        print(f"serve pid {proc.pid}: RSS {rss0:.0f} MB (PSS {pss0:.0f} MB) with no sockets")

        arrivals = Arrivals()
        async with AsyncExitStack() as stack:
            start = time.perf_counter()
            clients = await open_clients(base, args.sockets, arrivals, stack, prefix="held")
            opened = time.perf_counter() - start
            rss1, pss1 = memory_mb(proc.pid)
            per_socket = (rss1 - rss0) * 1024 / max(1, len(clients))
            alive = all(
                c.connection is not None and c.reader is not None and not c.reader.done() for c in clients
            )
            print(
                f"(a) {len(clients)} sockets held (opened in {opened:.1f} s): RSS {rss1:.0f} MB"
                f" (PSS {pss1:.0f} MB), +{per_socket:.0f} KB a socket  [{verdict(alive)}: all held]"
            )
            latencies = await fan_out(base, clients[: args.subscribers], arrivals, args.changes)
            p50, p99 = statistics.median(latencies), percentile(latencies, 0.99)
            print(
                f"(b) one change to {args.subscribers} subscribers, {args.changes} changes:"
                f" median {p50:.1f} ms, p99 {p99:.1f} ms, max {max(latencies):.1f} ms"
                f"  [{verdict(p99 < 50)}: p99 < 50 ms]"
            )

        path = f"/api/v2/conversations/{conversation_id}"
        runs = await throughput(base, path, args.idle, args.rounds, args.duration)
    none = statistics.median(run["rps"] for run in runs["none"])
    idle = statistics.median(run["rps"] for run in runs["idle"])

    def spread(kind: str) -> str:
        rates = [run["rps"] for run in runs[kind]]
        return f"({min(rates):.0f}-{max(rates):.0f})"

    # Each round's two runs are adjacent in time: their ratio cancels most of the machine's drift.
    per_round = [a["rps"] / b["rps"] for a, b in zip(runs["idle"], runs["none"], strict=True)]
    ratio = statistics.median(per_round)
    print(
        f"(c) GET-by-id c8, {args.rounds} rounds of {args.duration} s: none {none:.0f} req/s {spread('none')},"
        f" {args.idle} idle sockets {idle:.0f} req/s {spread('idle')}; idle/none: median of the rounds"
        f" {ratio:.2f} ({min(per_round):.2f}-{max(per_round):.2f}), of the medians {idle / none:.2f}"
        f"  [{verdict(abs(ratio - 1) <= 0.10)}: within 10%]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=1000, help="sockets held at once, for (a)")
    parser.add_argument("--subscribers", type=int, default=100, help="of those, subscribed for (b)")
    parser.add_argument("--changes", type=int, default=30, help="changes timed in (b)")
    parser.add_argument("--idle", type=int, default=100, help="idle sockets open beside wrk in (c)")
    parser.add_argument("--duration", type=int, default=3, help="seconds of each wrk run in (c)")
    parser.add_argument("--rounds", type=int, default=6, help="wrk runs of each kind in (c), alternating")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install wrk")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = args.sockets + args.idle + 256
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
    asyncio.run(bench(args))


if __name__ == "__main__":
    main()
