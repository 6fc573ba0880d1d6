"""The engine running by itself, and what it costs (run by hand, loopback only).

    python benchmarks/bench_waking.py [--scheduled 10000] [--subscribers 100] [--manual 1000]
        [--sockets 10] [--advance-hours 24] [--large 100000] [--rounds 4] [--duration 3] [--skip a,b,c,d,e]
        [--baseline CHECKOUT]

Each part starts its own ``serve`` processes (the memory store) and reads them only through the
API, the control API and notification sockets (asyncio ``websockets`` clients in this process):

(a) Lateness: ``--scheduled`` callbacks are created, scheduled one after another over 20 s
    starting once all are made, with ``fireDelaySeconds`` 0 (offers an hour later, so firing is
    the only work). One socket subscribed to their queue stamps each firing's event as it
    arrives; lateness = arrival - scheduled time, so it includes the push (an upper bound of the
    step's own lateness). Median, p99, max. Target: p99 < 20 ms.
(b) Delivery: ``--subscribers`` sockets subscribed to one queue; 30 callbacks fire 200 ms apart;
    each (step, socket) arrival - due time. Target: p99 < 50 ms after the step.
(c) Manual mode, frozen clock, ``--manual`` seeded conversations: the wall time of one 24 h
    advance with ``--sockets`` sockets subscribed to every queue (reading all that is pushed), and
    with none, on two servers reset between rounds (a reset closes every channel: the sockets are
    opened after it). The advance runs the seeded conversations' due steps (fires, offers to the
    idle members, their timeouts, customer-first dials); each socket counts the events it read,
    one a step. Targets: < 2 s; sockets / none within 1.2x. ``--baseline``: the same two servers of an
    older checkout (its own code) too, in the same alternating rounds.
(d) The engine's cost with nothing due: two ``serve`` started alike with the lifecycle off (the
    same data), then one put in auto mode in real time (every step an hour or more away), at 50
    and ``--large`` conversations; wrk c8, paired rounds (every other in reverse order): creates
    (scheduled a day ahead), page-of-25 listings, GET by id; req/s and the server's CPU time a
    request. Target: auto / off >= 0.90 for each.
(e) The same three requests through two apps in this process (the whole WSGI stack, no Granian):
    the CPU time a request in auto mode with nothing due against off, in paired rounds, free of the
    noise between processes on a shared machine. Target: within 10%.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack, ExitStack, contextmanager
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any

import orjson
from bench_scaling import lua, wrk_rps
from bench_server import (
    EVERY_ROLE,
    SERVE,
    baseline_serve,
    call,
    cpu_seconds,
    free_port,
    list_every,
    process,
    send,
)
from websockets.asyncio.client import ClientConnection, connect

import contracts
from mockserver.control.models import Lifecycle
from mockserver.control.route_table import ControlRoutes

CALLBACKS = "/api/v2/conversations/callbacks"
RESET = "/__admin" + ControlRoutes.RESET.path
MOVE_CLOCK = "/__admin" + ControlRoutes.MOVE_CLOCK.path
LIFECYCLE = "/__admin" + ControlRoutes.SET_LIFECYCLE.path
PER_TOKEN = 20  # channels a token may hold
DEADLINE = 60.0


@contextmanager
def served(
    *options: str, conversations: int = 1, with_pid: bool = False, source: Path | None = None
) -> Iterator[Any]:
    """``serve`` on free ports (of the checkout at ``source``, else this one's): its base URL (and
    its process id, ``with_pid``)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # Any token: the sockets' channels need several (20 a token). The stream on a free port.
    start = SERVE if source is None else baseline_serve(source)
    command = [*start[: start.index("--token")], "--port", str(port), "--streaming-port", "0"]
    command += ["--conversations", str(conversations), *options]
    with process(command, base + "/api/v2/conversations?pageSize=1") as (started, _):
        list_every(base)  # the listings read and measured hold every conversation, as before
        yield (base, started.pid) if with_pid else base


def queues(base: str) -> list[str]:
    """The queues the seeded conversations name (the org's, as a client finds them)."""
    found: dict[str, None] = {}
    for number in range(1, 11):
        # The control API's listing: every user's, whatever a reset did to the roles.
        listing = call(base, "GET", f"/__admin/conversations?pageSize=100&pageNumber={number}")
        for conversation in listing["entities"]:
            for participant in conversation["participants"]:
                if participant.get("queueId"):
                    found[participant["queueId"]] = None
        if number * 100 >= listing["total"]:
            break
    return list(found)


def iso(seconds: float) -> str:
    return (
        datetime.fromtimestamp(seconds, timezone.utc)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def fired(body: dict[str, Any]) -> bool:
    """Whether a conversation event shows the callback fired (its acd leg no longer scheduled)."""
    return any(
        p.get("purpose") == "acd" and (p.get("callbacks") or [{}])[-1].get("state") not in (None, "scheduled")
        for p in body["participants"]
    )


class Socket:
    """A channel's socket; its reader stamps (time.time()) each conversation's first fired event."""

    def __init__(self, channel: dict[str, Any], token: str) -> None:
        self.channel, self.token = channel, token
        self.fired: dict[str, float] = {}
        self.events = 0
        self.pong: asyncio.Future[None] | None = None
        self.connection: ClientConnection | None = None

    async def open(self, stack: AsyncExitStack) -> None:
        connection: ClientConnection = await stack.enter_async_context(
            connect(self.channel["connectUri"], compression=None, max_size=None, ping_interval=None)
        )
        self.connection = connection
        reader = asyncio.create_task(self._read(connection))
        stack.callback(reader.cancel)
        await self.sync()

    async def sync(self) -> None:
        """Ping and wait for the pong: the stream sends it after whatever was pushed before."""
        assert self.connection is not None
        self.pong = asyncio.get_running_loop().create_future()
        await self.connection.send('{"message": "ping"}')
        await asyncio.wait_for(self.pong, DEADLINE)

    async def _read(self, connection: ClientConnection) -> None:
        async for text in connection:
            at = time.time()
            message = orjson.loads(text)
            if "version" in message:
                self.events += 1
                body = message["eventBody"]
                if body["id"] not in self.fired and fired(body):
                    self.fired[body["id"]] = at
            elif message.get("eventBody", {}).get("message") == "pong" and self.pong and not self.pong.done():
                self.pong.set_result(None)


async def sockets(base: str, count: int, topics: list[str], stack: AsyncExitStack) -> list[Socket]:
    opened = []
    for index in range(count):
        token = f"waking-{index // PER_TOKEN}"
        channel = await asyncio.to_thread(
            call, base, "POST", "/api/v2/notifications/channels", None, token=token
        )
        socket = Socket(channel, token)
        await socket.open(stack)
        path = f"/api/v2/notifications/channels/{channel['id']}/subscriptions"
        await asyncio.to_thread(call, base, "PUT", path, [{"id": t} for t in topics], token=token)
        opened.append(socket)
    return opened


def create_all(base: str, queue_id: str, times: Sequence[float]) -> dict[str, float]:
    """A callback on ``queue_id`` scheduled at each of ``times``: conversation id -> its due time."""

    def one(at: float) -> tuple[str, float]:
        body = {"callbackNumbers": ["+13175550100"], "queueId": queue_id, "callbackScheduledTime": iso(at)}
        return call(base, "POST", CALLBACKS, body)["conversation"]["id"], round(at, 3)

    with ThreadPoolExecutor(8) as pool:
        return dict(pool.map(one, times))


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return f"median {statistics.median(ordered):.1f} ms, p99 {p99:.1f} ms, max {ordered[-1]:.1f} ms"


async def wait_fired(subscribers: list[Socket], due: dict[str, float], until: float) -> None:
    while time.time() < until and any(len(s.fired.keys() & due.keys()) < len(due) for s in subscribers):
        await asyncio.sleep(0.2)


async def lateness(count: int) -> None:
    life = {"mode": "auto", "fireDelaySeconds": 0, "offerDelaySeconds": 3600}
    with served("--lifecycle", json.dumps(life)) as base:
        queue_id = queues(base)[0]
        async with AsyncExitStack() as stack:
            (listener,) = await sockets(base, 1, [f"v2.routing.queues.{queue_id}.conversations"], stack)
            # Made at ~1,000/s: the first due once all are made (estimated at 300/s, to be safe).
            start = time.time() + 5 + count / 300
            window = 20.0
            due = await asyncio.to_thread(
                create_all, base, queue_id, [start + window * i / count for i in range(count)]
            )
            spare = start - time.time()  # negative: some fell due while still being made
            await wait_fired([listener], due, start + window + DEADLINE)
        late = [(listener.fired[c] - at) * 1000 for c, at in due.items() if c in listener.fired]
        p99 = sorted(late)[int(0.99 * len(late))] if late else float("inf")
        print(
            f"(a) {count:,} callbacks due over {window:.0f} s (all made {spare:.1f} s before the first): "
            f"{len(late):,} fired events; lateness {percentiles(late)}  [{'PASS' if p99 < 20 else 'FAIL'}: p99 < 20 ms]"
        )


async def delivery(subscribers: int) -> None:
    life = {"mode": "auto", "fireDelaySeconds": 0, "offerDelaySeconds": 3600}
    with served("--lifecycle", json.dumps(life)) as base:
        queue_id = queues(base)[0]
        async with AsyncExitStack() as stack:
            held = await sockets(base, subscribers, [f"v2.routing.queues.{queue_id}.conversations"], stack)
            start = time.time() + 3
            due = await asyncio.to_thread(create_all, base, queue_id, [start + 0.2 * i for i in range(30)])
            await wait_fired(held, due, start + 6 + DEADLINE)
        late = [(s.fired[c] - at) * 1000 for s in held for c, at in due.items() if c in s.fired]
        p99 = sorted(late)[int(0.99 * len(late))] if late else float("inf")
        print(
            f"(b) 30 steps to {subscribers} subscribers: {len(late):,} arrivals; after the due time "
            f"{percentiles(late)}  [{'PASS' if p99 < 50 else 'FAIL'}: p99 < 50 ms]"
        )


async def manual(count: int, readers: int, rounds: int, hours: float, baseline: Path | None = None) -> None:
    # One start instant for all: the same data, and every reset returns the clock exactly there.
    options = ("--now", iso(time.time()), "--frozen", "--lifecycle", "manual")
    builds: dict[str, Path | None] = {"": None} if baseline is None else {"": None, "baseline ": baseline}
    with ExitStack() as running:
        servers = {
            (build, name): running.enter_context(
                served(*options, conversations=count, source=source, with_pid=True)
            )
            for build, source in builds.items()
            for name in ("sockets", "none")
        }
        topics = [f"v2.routing.queues.{q}.conversations" for q in queues(servers[("", "sockets")][0])]
        times: dict[tuple[str, str], list[float]] = {key: [] for key in servers}
        cpu: dict[tuple[str, str], list[float]] = {key: [] for key in servers}  # the server's, both threads
        read: dict[str, list[int]] = {build: [] for build in builds}  # every socket's events, every round
        backlog: dict[str, list[int]] = {build: [] for build in builds}  # and of the steps due at the start
        for number in range(rounds):
            order = list(servers.items())
            for (build, name), (base, pid) in order if number % 2 == 0 else reversed(order):
                # A reset closes every channel: the sockets are opened again after it, each round.
                await asyncio.to_thread(call, base, "POST", RESET)
                async with AsyncExitStack() as stack:
                    held = await sockets(base, readers, topics, stack) if name == "sockets" else []
                    # The seeded steps due at the start instant (some already run by the requests
                    # above): not the advance's work, run first on both servers.
                    await asyncio.to_thread(call, base, "POST", MOVE_CLOCK, {"advanceSeconds": 0})
                    for socket in held:
                        await socket.sync()  # a pong after every event pushed before it
                    before = [socket.events for socket in held]
                    started, spent = time.perf_counter(), cpu_seconds(pid)
                    await asyncio.to_thread(call, base, "POST", MOVE_CLOCK, {"advanceSeconds": hours * 3600})
                    times[(build, name)].append(time.perf_counter() - started)
                    # The writes after the answer are the advance's too: counted once every socket has them.
                    for socket in held:
                        await socket.sync()
                    cpu[(build, name)].append(cpu_seconds(pid) - spent)
                    for socket, already in zip(held, before, strict=True):
                        read[build].append(socket.events - already)
                        backlog[build].append(already)
            if number == 0:
                # The same seed, reset alike: every advance did the same work (the same states after).
                after = [await asyncio.to_thread(states, base) for base, _ in servers.values()]
                if any(state != after[0] for state in after):
                    raise RuntimeError("(c): the servers' advances ended in different states")
        for build in builds:
            with_, none = (
                statistics.median(times[(build, "sockets")]),
                statistics.median(times[(build, "none")]),
            )
            paired = statistics.median(
                w / n for w, n in zip(times[(build, "sockets")], times[(build, "none")], strict=True)
            )
            # The kernel counts CPU in ticks (10 ms, a tenth of an advance): the mean of the rounds.
            cpu_with, cpu_none = (
                statistics.mean(cpu[(build, "sockets")]),
                statistics.mean(cpu[(build, "none")]),
            )
            # A socket subscribed to every queue is pushed each step once (a seeded conversation has
            # one queue): the events it read are the steps the advance ran.
            print(
                f"(c) {build}manual mode, {count:,} conversations, advance {hours:g} h (median of {rounds}): {readers} "
                f"reading sockets {with_:.3f} s (events read a socket, i.e. steps run: {min(read[build]):,}-"
                f"{max(read[build]):,}, after {min(backlog[build]):,}-{max(backlog[build]):,} due at the start), none {none:.3f} s, ratio "
                f"{with_ / none:.2f} (of the rounds' pairs {paired:.2f}); serve's CPU until every socket had all (mean) {cpu_with:.3f} s "
                f"against {cpu_none:.3f} s, ratio {cpu_with / cpu_none:.2f}  [{'PASS' if max(with_, none) < 2 and min(read[build]) else 'FAIL'}: "
                f"< 2 s, events read; {'PASS' if with_ / none <= 1.2 else 'FAIL'}: within 1.2x]"
            )


def states(base: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Each active conversation's id and its participants' purposes and last callback states."""
    found = []
    for number in range(1, 10_000):
        # The control API's listing: every user's, whatever a reset did to the roles.
        listing = call(base, "GET", f"/__admin/conversations?pageSize=100&pageNumber={number}")
        for conversation in listing["entities"]:
            legs = [
                (p.get("purpose", ""), (p.get("callbacks") or [{}])[-1].get("state"))
                for p in conversation["participants"]
            ]
            found.append((conversation["id"], legs))
        if number * 100 >= listing["total"]:
            break
    return found


def cost(sizes: Sequence[int], rounds: int, duration: int) -> None:
    # Both servers start with the lifecycle off, so they hold the same data; then one lives in auto
    # mode with every step an hour or more away (planned from now: nothing is due).
    far = {
        "mode": "auto",
        "fireDelaySeconds": 3600,
        "offerDelaySeconds": 3600,
        "ringSeconds": 3600,
        "talkSeconds": 86_400,
        "wrapupSeconds": 86_400,
    }
    with ExitStack() as stack, tempfile.TemporaryDirectory() as folder:
        servers: dict[tuple[int, str], tuple[str, int]] = {}
        for size in sizes:
            for mode in ("auto", "off"):
                print(f"    starting serve, {mode}, {size:,} conversations ...", flush=True)
                servers[(size, mode)] = stack.enter_context(
                    served("--lifecycle", "off", conversations=size, with_pid=True)
                )
            # Planning every conversation again decodes each: minutes at 100,000 on a loaded machine.
            send(servers[(size, "auto")][0] + LIFECYCLE, "PUT", far, timeout=900)
        queue_id = queues(servers[(sizes[0], "off")][0])[0]
        when = iso(time.time() + 86_400)
        body = {"callbackNumbers": ["+13175550100"], "queueId": queue_id, "callbackScheduledTime": when}
        create = lua(Path(folder), "create", "POST", body)
        measured: dict[tuple[int, str, str], list[tuple[float, float]]] = {}
        for number in range(rounds):
            for size in sizes:
                listing = call(servers[(size, "off")][0], "GET", "/api/v2/conversations?pageSize=1")
                loads = {
                    "create": (CALLBACKS, create),
                    "list25": ("/api/v2/conversations?pageSize=25", None),
                    "get": (f"/api/v2/conversations/{listing['entities'][0]['id']}", None),
                }
                for operation, (path, script) in loads.items():
                    for mode in ("auto", "off") if number % 2 == 0 else ("off", "auto"):
                        base, pid = servers[(size, mode)]  # the same seed: the same ids on both
                        before = cpu_seconds(pid)
                        rate = wrk_rps(base + path, duration, script, connections=8)
                        cpu = (cpu_seconds(pid) - before) / (rate * duration) * 1e6
                        measured.setdefault((size, operation, mode), []).append((rate, cpu))
        print(
            f"(d) auto (nothing due) / lifecycle off, wrk c8, {rounds} paired rounds of {duration} s: "
            "req/s and the server's CPU us a request, medians; ratios the median of the rounds' pairs"
        )
        for size in sizes:
            for operation in ("create", "list25", "get"):
                auto, off = measured[(size, operation, "auto")], measured[(size, operation, "off")]
                rate_ratio = statistics.median(a[0] / o[0] for a, o in zip(auto, off, strict=True))
                cpu_ratio = statistics.median(a[1] / o[1] for a, o in zip(auto, off, strict=True))
                print(
                    f"    {size:>7,} {operation:<7} auto {statistics.median(a[0] for a in auto):8,.0f} req/s "
                    f"{statistics.median(a[1] for a in auto):6.0f} us, off {statistics.median(o[0] for o in off):8,.0f} "
                    f"req/s {statistics.median(o[1] for o in off):6.0f} us; auto/off req/s {rate_ratio:.3f}, "
                    f"CPU a request {cpu_ratio:.3f}  [{'PASS' if rate_ratio >= 0.9 else 'FAIL'}: req/s >= 0.90]"
                )


def in_process(sizes: Sequence[int], rounds: int) -> None:
    """(e) The same comparison without the machine's noise between processes: two apps in this
    process, called through their whole WSGI stack, CPU time a request, in paired rounds."""
    from mockserver.app import create_app
    from mockserver.web.current import backend_of

    far = {"mode": "auto", "fireDelaySeconds": 3600, "offerDelaySeconds": 3600, "ringSeconds": 3600}
    far |= {"talkSeconds": 86_400, "wrapupSeconds": 86_400}
    for size in sizes:
        apps = {
            mode: create_app({"CONVERSATIONS": size, "LIFECYCLE": {"mode": "off"}, "TOKENS": "bench"})
            for mode in ("auto", "off")
        }
        for app in apps.values():  # "Bearer bench" lists every conversation, as before
            assert app.test_client().put(EVERY_ROLE[0], json=EVERY_ROLE[1]).status_code == 200
        backend_of(apps["auto"]).set_lifecycle(
            contracts.structure(far, Lifecycle)
        )  # the same data, then auto
        entries = backend_of(apps["off"]).active(0, 25)[1]
        queue_id = next(p.queue_id for e in entries for p in e.conversation.participants or () if p.queue_id)
        body = json.dumps(
            {
                "callbackNumbers": ["+13175550100"],
                "queueId": queue_id,
                "callbackScheduledTime": iso(time.time() + 86_400),
            }
        ).encode()
        requests = {
            "create": partial(_environ, "POST", CALLBACKS, "", body),
            "list25": partial(_environ, "GET", "/api/v2/conversations", "pageSize=25", b""),
            "get": partial(_environ, "GET", f"/api/v2/conversations/{entries[0].id}", "", b""),
        }
        ratios: dict[str, list[float]] = {}
        for number in range(rounds):
            for operation, environ in requests.items():
                spent = {}
                for mode in ("auto", "off") if number % 2 == 0 else ("off", "auto"):
                    spent[mode] = _cpu_a_request(apps[mode], environ, 300)
                ratios.setdefault(operation, []).append(spent["auto"] / spent["off"])
                ratios.setdefault(operation + " us", []).append(spent["auto"])
        print(
            f"(e) in process, {size:,} conversations, {rounds} paired rounds of 300 requests, auto / off CPU a request:"
        )
        for operation in requests:
            ratio = statistics.median(ratios[operation])
            print(
                f"    {operation:<7} {statistics.median(ratios[operation + ' us']):6.0f} us auto, ratio {ratio:.3f} "
                f"(range {min(ratios[operation]):.2f}-{max(ratios[operation]):.2f})  [{'PASS' if ratio <= 1.1 else 'FAIL'}: <= 1.10]"
            )


def _environ(method: str, path: str, query: str, body: bytes) -> dict[str, Any]:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_AUTHORIZATION": "Bearer bench",
    }
    if body:
        environ |= {"CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body))}
    return environ


def _cpu_a_request(app: Any, environ: Any, count: int) -> float:
    statuses: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        statuses.append(status)

    started = time.process_time()
    for _ in range(count):
        b"".join(app(environ(), start_response))
    if not statuses[-1].startswith("200"):
        raise RuntimeError(f"{environ()['PATH_INFO']}: {statuses[-1]}")
    return (time.process_time() - started) / count * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scheduled", type=int, default=10_000)
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--manual", type=int, default=1000)
    parser.add_argument("--sockets", type=int, default=10)
    parser.add_argument("--advance-hours", type=float, default=24, help="(c): the advance's span")
    parser.add_argument("--large", type=int, default=100_000, help="(d): the large store; 0: 50 only")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--duration", type=int, default=3)
    parser.add_argument("--skip", default="", help="parts to leave out, e.g. a,d")
    parser.add_argument("--baseline", type=Path, help="(c): an older checkout to measure in the same rounds")
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    if "a" not in skip:
        asyncio.run(lateness(args.scheduled))
    if "b" not in skip:
        asyncio.run(delivery(args.subscribers))
    if "c" not in skip:
        asyncio.run(manual(args.manual, args.sockets, args.rounds, args.advance_hours, args.baseline))
    if "d" not in skip:
        cost((50, args.large) if args.large else (50,), args.rounds, args.duration)
    if "e" not in skip:
        in_process((50, args.large) if args.large else (50,), 2 * args.rounds)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
