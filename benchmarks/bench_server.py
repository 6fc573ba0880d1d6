"""Throughput, latency, start-up, reset and memory of the mock server (run by hand).

    python benchmarks/bench_server.py [--duration 5] [--rounds 3] [--wiremock-jar PATH]
                                      [--baseline PATH_OF_AN_OLDER_CHECKOUT] [--throughput-only]
                                      [--loop-path DIR_WITH_UVLOOP_OR_RLOOP ...] [--only 'ROW;ROW']

Needs `wrk` (Debian: apt-get install wrk) on PATH; for the WireMock baseline, Java 17+ and the jar
of the npm package `wiremock` (npm install wiremock). Every server serves the same bytes for
`GET /api/v2/conversations/{id}` on 127.0.0.1. The machine is shared and noisy, so all servers run
at once and are loaded in turn, round after round (every other round in reverse order): each
figure is the median over the rounds and every comparison is within this one run. The load
generator shares the machine's cores with the server, so beside req/s each row has the CPU time
the server's processes spent a request (all their threads), which the noise moves less.

Besides serve: `serve --read-workers 2` (issue 26: the owner and two read workers); serve of `--baseline` (an older checkout, run with its own code); this checkout's
app on Granian's WSGI interface, as serve ran it before it moved to RSGI (`granian_baselines.py`);
Granian answering a constant 2,000 bytes on each interface, what the interface alone costs; and
with `--loop-path`, serve and that constant RSGI app on another event loop.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

TOKEN = "bench-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}
LISTING = "/api/v2/conversations?pageSize=1"
EVERY = "/__admin/conversations?pageSize=1"  # the control API's listing: every user's conversations
# The default role (TOKEN's, a token of its own's) naming the mock's own ``mock:conversation:any``:
# TOKEN then lists every active conversation, as every token did before listings were per caller,
# so a benchmark of the listing measures a page of the same store as its earlier figures.
EVERY_ROLE = (
    "/__admin/roles/admin",
    {"permissions": ["*:*:*", "mock:participant:any", "mock:conversation:any"]},
)
# The stream on a free port: the default, the API's port + 1, may be another's (then serve never starts).
SERVE = [
    *(sys.executable, "-c", "from mockserver.cli import main; main()", "serve"),
    *("--token", TOKEN, "--streaming-port", "0"),
]
JOURNAL_OFF = {"CALLBACK_MOCK_JOURNAL": "false"}
SHARED = "2 read workers, shared memory"  # the row of granian_baselines.py's shared-rsgi-2
READERS = "serve --read-workers 2"


def send(
    url: str, method: str = "GET", body: Any = None, *, token: str = TOKEN, timeout: float = 10
) -> bytes:
    """One request (``body`` as JSON), the benchmarks' only way to send one: the answer's body; an HTTP error raises."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {token}"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        answer: bytes = response.read()
        return answer


def call(base: str, method: str, path: str, body: Any = None, *, token: str = TOKEN) -> Any:
    """``send`` to ``base`` + ``path``: the JSON answer, None if it is empty."""
    text = send(base + path, method, body, token=token)
    return json.loads(text) if text else None


def list_every(base: str) -> None:
    """Let TOKEN (and any token of its own) list every user's conversations on the server at ``base``."""
    call(base, "PUT", EVERY_ROLE[0], EVERY_ROLE[1])


def wait_until_up(url: str, deadline: float = 60.0) -> float:
    """Seconds until ``url`` first answers 200; polls without sleeping more than 2 ms."""
    start = time.perf_counter()
    while time.perf_counter() - start < deadline:
        try:
            send(url)
            return time.perf_counter() - start
        except OSError:
            time.sleep(0.002)
    raise TimeoutError(url)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def process(
    command: list[str], url: str, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], float]]:
    started = time.perf_counter()
    proc = subprocess.Popen(
        command, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_until_up(url)
        yield proc, time.perf_counter() - started
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def wrk(url: str, connections: int, duration: int) -> dict[str, float]:
    header = f"Authorization: Bearer {TOKEN}"
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-H", header, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"{url}: {non2xx.group(1)} failed responses")

    def percentile(p: str) -> float:
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return {"rps": rate, "p50_ms": percentile("50"), "p99_ms": percentile("99")}


def memory_mb(pid: int) -> tuple[float, float]:
    """Resident and proportional set size of ``pid`` and its children (Granian serves from a child).

    RSS counts the pages a forked child shares with its parent twice; PSS splits them.
    """
    rss = pss = 0
    pids, pending = [], [pid]
    while pending:  # its descendants: serve --read-workers' owner worker is a grandchild
        each = pending.pop()
        pids.append(each)
        children = Path(f"/proc/{each}/task/{each}/children")
        if children.exists():
            pending += [int(c) for c in children.read_text().split()]
    for each in pids:
        status = Path(f"/proc/{each}/status").read_text()
        rss += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        rollup = Path(f"/proc/{each}/smaps_rollup").read_text()
        pss += int(re.search(r"Pss:\s+(\d+)", rollup).group(1))  # type: ignore[union-attr]
    return rss / 1024, pss / 1024


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system, every thread) of ``pid`` and its descendants so far."""
    total, pending = 0, [pid]
    while pending:
        each = pending.pop()
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{each}/task/{each}/children").read_text().split()
        except OSError:  # gone
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
        pending += [int(child) for child in children]
    return total / os.sysconf("SC_CLK_TCK")


def baseline_serve(source: Path) -> list[str]:
    """serve of the checkout at ``source``, with its own code (not this checkout's)."""
    # `python -c` puts the working directory (this checkout) ahead of PYTHONPATH.
    start = f"import sys; sys.path.insert(0, {str(source)!r}); from mockserver.cli import main; main()"
    return [sys.executable, "-c", start, *SERVE[3:]]


def median_us(fn: Callable[[], Any], repeat: int = 200) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def serve_startups(count: int, *, bytecode: bool) -> list[float]:
    """Seconds from process start to the first answer of ``serve``, ``count`` fresh processes.

    With ``bytecode``, modules load from cached bytecode as an installed package's do: caches in a
    temporary directory (PYTHONPYCACHEPREFIX), written by a first, untimed start. Without it,
    PYTHONDONTWRITEBYTECODE=1 makes each start compile the project's modules from source.
    """
    env = {"PYTHONDONTWRITEBYTECODE": "1"}
    with tempfile.TemporaryDirectory() as cache:
        if bytecode:
            env = {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": cache}
        startups = []
        for _ in range(count + bytecode):
            port = free_port()
            command = [*SERVE, "--port", str(port)]
            with process(command, f"http://127.0.0.1:{port}{LISTING}", env) as (_, startup):
                startups.append(startup)
    return startups[bytecode:]


def wiremock(stack: ExitStack, jar: str, path: str, body: bytes) -> tuple[str, int]:
    """Start WireMock serving ``body`` at ``path`` from a stub; its base URL and process id."""
    root = stack.enter_context(tempfile.TemporaryDirectory())
    mappings = Path(root, "mappings")
    mappings.mkdir()
    stub = {
        "request": {"method": "GET", "url": path},
        "response": {"status": 200, "body": body.decode(), "headers": {"Content-Type": "application/json"}},
    }
    Path(mappings, "conversation.json").write_text(json.dumps(stub))
    port = free_port()
    java = ["java", "-jar", jar, "--port", str(port), "--root-dir", root, "--disable-banner"]
    proc, _ = stack.enter_context(process([*java, "--no-request-journal"], f"http://127.0.0.1:{port}{path}"))
    return f"http://127.0.0.1:{port}", proc.pid


def copy_figures(body: bytes) -> None:
    """The store's read in process: a dict lookup, against the copy out of a shared-memory table."""
    from mockserver.store.shared_answers import SharedAnswers

    key = "6a563801-8deb-4117-81f4-f124f5dfe736"
    answers = {key: body}
    table = SharedAnswers.create(answers=1024, data_bytes=1024 * len(body))
    try:
        table.publish(key, body)
        reader = SharedAnswers.attach(table.name)
        try:
            dict_us, shared_us, publish_us = (
                statistics.median(timeit.repeat(read, number=20_000, repeat=5)) / 20_000 * 1e6
                for read in (
                    lambda: answers.get(key),
                    lambda: reader.get(key),
                    lambda: table.publish(key, body),
                )
            )
        finally:
            reader.close()
    finally:
        table.close()
    print(
        f"a read of {len(body)} bytes: dict {dict_us:.2f} us, shared-memory table {shared_us:.2f} us;"
        f" a publish {publish_us:.2f} us"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each row, interleaved")
    parser.add_argument("--startups", type=int, default=5, help="fresh serve processes timed")
    parser.add_argument(
        "--wiremock-jar",
        default=os.environ.get(
            "WIREMOCK_JAR", "/tmp/wm/node_modules/wiremock/build/wiremock-standalone-3.13.2.jar"
        ),
    )
    parser.add_argument(
        "--baseline", type=Path, default=None, help="an older checkout whose serve to load too"
    )
    parser.add_argument(
        "--throughput-only", action="store_true", help="skip start-up, reset and memory figures"
    )
    parser.add_argument(
        "--connections",
        type=lambda text: tuple(int(n) for n in text.split(",")),
        default=(8, 32),
        help="wrk's connection counts, comma-separated (fewer make shorter rounds) [default: 8,32]",
    )
    parser.add_argument(
        "--loop-path",
        type=Path,
        action="append",
        default=[],
        help="a folder holding uvloop or rloop (pip install --target DIR uvloop): rows of serve and"
        " of the constant RSGI app with it on PYTHONPATH, where Granian's default loop (auto) finds it",
    )
    parser.add_argument(
        "--only",
        type=lambda text: tuple(text.split(";")),
        default=(),
        help="the rows to load, by name, separated by ; (the others start but are not measured)",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install wrk")

    if not args.throughput_only:
        startups = serve_startups(args.startups, bytecode=True)
        source_startups = serve_startups(args.startups, bytecode=False)
    # (row name, base URL, pid, connection counts), loaded in turn every round.
    rows: list[tuple[str, str, int, tuple[int, ...]]] = []
    here = str(Path(__file__).resolve().parents[1])
    with ExitStack() as stack:
        # serve as users run it (the journal on), then with the journal switched off.
        serves = [
            ("serve, journal on", SERVE, {}),
            ("serve, journal off", SERVE, JOURNAL_OFF),
            (READERS, [*SERVE, "--read-workers", "2"], {}),  # issue 26's mode, the journal on
            (f"{READERS}, journal off", [*SERVE, "--read-workers", "2"], JOURNAL_OFF),
        ]
        if args.baseline is not None:
            serves.append(
                ("baseline serve", baseline_serve(args.baseline), {"PYTHONPATH": str(args.baseline)})
            )
        for loops in args.loop_path:
            serves.append((f"serve, loop from {loops.name}", SERVE, {"PYTHONPATH": str(loops)}))
        for label, command, env in serves:
            port = free_port()
            proc, _ = stack.enter_context(
                process([*command, "--port", str(port)], f"http://127.0.0.1:{port}{LISTING}", env)
            )
            rows.append((label, f"http://127.0.0.1:{port}", proc.pid, args.connections))
        conversation_id = json.loads(send(rows[0][1] + EVERY))["entities"][0]["id"]
        path = f"/api/v2/conversations/{conversation_id}"
        body = send(rows[0][1] + path)
        # The same conversation; its times follow each server's clock at start.
        assert all(len(send(base + path)) == len(body) for _, base, _, _ in rows)

        # This app on Granian's WSGI interface, and Granian answering a constant on each interface.
        app_env = {"CALLBACK_MOCK_TOKENS": json.dumps([TOKEN]), "PYTHONPATH": here}
        helper = str(Path(__file__).with_name("granian_baselines.py"))
        # Issue 26's ceilings on both cores: Granian's constant in 2 workers, and 2 workers answering
        # the same bytes from a shared-memory table (granian_baselines.py says what they do and skip).
        body_file = stack.enter_context(tempfile.NamedTemporaryFile(suffix=".json"))
        body_file.write(body)
        body_file.flush()
        helpers = [
            ("serve's app on WSGI", "wsgi", path, here),
            ("constant, Granian RSGI", "constant-rsgi", "/", here),
            ("constant, Granian WSGI", "constant-wsgi", "/", here),
            ("constant, Granian RSGI, 2 workers", "constant-rsgi-2", "/", here),
            (SHARED, "shared-rsgi-2", path, here),
        ]
        for loops in args.loop_path:
            name = f"constant, Granian RSGI, loop from {loops.name}"
            helpers.append((name, "constant-rsgi", "/", os.pathsep.join((here, str(loops)))))
        for name, kind, probe, pythonpath in helpers:
            port = free_port()
            proc, _ = stack.enter_context(
                process(
                    [sys.executable, helper, kind, str(port), here, body_file.name, conversation_id],
                    f"http://127.0.0.1:{port}{probe}",
                    {**app_env, "PYTHONPATH": pythonpath},
                )
            )
            rows.append((name, f"http://127.0.0.1:{port}", proc.pid, args.connections))
            if kind == "wsgi":
                assert len(send(rows[-1][1] + path)) == len(body)  # the same conversation under WSGI

        # Other WSGI servers over the same app, for the choice of server.
        for name, command in [
            (
                "waitress",
                ["waitress-serve", "--threads=8", "--call", "--port={port}", "mockserver:create_app"],
            ),
            (
                "gunicorn gthread 1 worker",
                [
                    "gunicorn",
                    "-k",
                    "gthread",
                    "--threads",
                    "8",
                    "-b",
                    "127.0.0.1:{port}",
                    "mockserver:create_app()",
                ],
            ),
        ]:
            if shutil.which(command[0]):
                port = free_port()
                cmd = [part.format(port=port) for part in command]
                proc, _ = stack.enter_context(process(cmd, f"http://127.0.0.1:{port}{path}", app_env))
                rows.append((name, f"http://127.0.0.1:{port}", proc.pid, args.connections[:1]))

        # WireMock serving the very same bytes from a stub.
        if Path(args.wiremock_jar).exists() and shutil.which("java"):
            base, pid = wiremock(stack, args.wiremock_jar, path, body)
            assert send(base + path) == body
            for connections in args.connections:
                wrk(base + path, connections, 3)  # JIT warm-up
            rows.append(("wiremock", base, pid, args.connections))
        else:
            print("WireMock jar not found: no WireMock baseline")

        if args.only:
            rows = [row for row in rows if any(row[0] == name for name in args.only)]
        runs: dict[str, list[dict[str, float]]] = {}
        print(f"load average at the start: {os.getloadavg()}")
        for index in range(args.rounds):
            for name, base, pid, connection_counts in rows if index % 2 == 0 else rows[::-1]:
                target = path if not name.startswith("constant") else "/"
                for connections in connection_counts:
                    before = cpu_seconds(pid)
                    run = wrk(base + target, connections, args.duration)
                    run["cpu_us"] = (cpu_seconds(pid) - before) / (run["rps"] * args.duration) * 1e6
                    runs.setdefault(f"{name} c{connections}", []).append(run)

    print(f"load average at the end: {os.getloadavg()}")

    def median(row: str, figure: str) -> float:
        return statistics.median(run[figure] for run in runs[row])

    print(
        f"body {len(body)} bytes; {args.rounds} rounds of {args.duration} s; medians, req/s range in brackets;"
        " cpu: the server's CPU time a request (us)"
    )
    width = max(map(len, runs))
    print(
        f"\n{'server':{width}} {'req/s':>8} {'(range)':>15} {'p50 ms':>7} {'p99 ms':>7} {'(max)':>7} {'cpu':>6}"
    )
    for row, figures in runs.items():
        rates = [run["rps"] for run in figures]
        spread = f"({min(rates):.0f}-{max(rates):.0f})"
        worst = max(run["p99_ms"] for run in figures)
        print(
            f"{row:{width}} {median(row, 'rps'):8.0f} {spread:>15} {median(row, 'p50_ms'):7.2f}"
            f" {median(row, 'p99_ms'):7.2f} {worst:7.2f} {median(row, 'cpu_us'):6.1f}"
        )
    print()

    def compare(ours: str, theirs: str, what: str) -> float | None:
        """Print the ratio of two rows' throughput (and of their CPU a request); None if either is absent."""
        if ours not in runs or theirs not in runs:
            return None
        ratio = median(ours, "rps") / median(theirs, "rps")
        per_round = [a["rps"] / b["rps"] for a, b in zip(runs[ours], runs[theirs], strict=True)]
        cpu = median(ours, "cpu_us") / median(theirs, "cpu_us")
        print(
            f"{what}: {ratio:.2f}x throughput (paired rounds: median {statistics.median(per_round):.2f},"
            f" {min(per_round):.2f}-{max(per_round):.2f}); {cpu:.2f}x the CPU a request"
        )
        return ratio

    for connections in args.connections:
        c = f"c{connections}"
        ours = f"serve, journal on {c}"
        wiremock_ratio = compare(ours, f"wiremock {c}", f"{c}: serve / WireMock")
        if wiremock_ratio is not None:
            print(f"   [{verdict(wiremock_ratio >= 1)}: target >= 1x]")
        compare(f"serve, journal off {c}", ours, f"{c}: serve journal off / journal on")
        compare(ours, f"baseline serve {c}", f"{c}: serve / baseline serve")
        wsgi_ratio = compare(ours, f"serve's app on WSGI {c}", f"{c}: serve / serve's app on WSGI")
        if wsgi_ratio is not None:
            print(f"   [{verdict(wsgi_ratio >= 1)}: target >= 1x]")
        compare(
            f"baseline serve {c}", f"serve's app on WSGI {c}", f"{c}: baseline serve / serve's app on WSGI"
        )
        # The floor: Granian's RSGI with nothing behind it, against the whole app on WSGI.
        compare(
            f"constant, Granian RSGI {c}",
            f"serve's app on WSGI {c}",
            f"{c}: constant RSGI / serve's app on WSGI",
        )
        compare(
            f"constant, Granian RSGI {c}",
            f"constant, Granian WSGI {c}",
            f"{c}: constant RSGI / constant WSGI",
        )
        readers_ratio = compare(f"{READERS} {c}", f"wiremock {c}", f"{c}: {READERS} / WireMock")
        if readers_ratio is not None:
            print(f"   [{verdict(readers_ratio >= 1)}: target >= 1x]")
        if f"{READERS} {c}" in runs:
            p99 = median(f"{READERS} {c}", "p99_ms")
            print(f"{c}: {READERS} p99 {p99:.2f} ms  [{verdict(p99 < 2)}: target < 2 ms]")
        compare(f"{READERS} {c}", ours, f"{c}: {READERS} / serve")
        compare(f"{READERS}, journal off {c}", f"{READERS} {c}", f"{c}: {READERS} journal off / on")
        compare(f"{READERS} {c}", f"{SHARED} {c}", f"{c}: {READERS} / its ceiling ({SHARED})")
        compare(f"{SHARED} {c}", f"wiremock {c}", f"{c}: {SHARED} / WireMock")
        compare(f"{SHARED} {c}", ours, f"{c}: {SHARED} / serve")
        compare(
            f"constant, Granian RSGI, 2 workers {c}",
            f"constant, Granian RSGI {c}",
            f"{c}: constant RSGI, 2 workers / 1 worker",
        )
        for loops in args.loop_path:
            for row in (f"serve, loop from {loops.name}", f"constant, Granian RSGI, loop from {loops.name}"):
                compare(f"{row} {c}", f"serve's app on WSGI {c}", f"{c}: {row} / serve's app on WSGI")
    copy_figures(body)
    if args.throughput_only:
        return
    if "serve, journal on c8" in runs:
        p99 = median("serve, journal on c8", "p99_ms")
        print(f"p99 at 8 connections: {p99:.2f} ms  [{verdict(p99 < 10)}: target < 10 ms]")
    startup, from_source = statistics.median(startups), statistics.median(source_startups)
    print(
        f"serve start-up to first answer: median {startup * 1000:.0f} ms"
        f" ({min(startups) * 1000:.0f}-{max(startups) * 1000:.0f}) from bytecode, as installed;"
        f" {from_source * 1000:.0f} ms compiling from source  [{verdict(startup < 0.2)}: target < 200 ms]"
    )

    # The in-process fixture: start to first answer, and the per-test reset.
    from mockserver.testing.server import MockServer

    fixture_startups = []
    for _ in range(args.startups):
        start = time.perf_counter()
        server = MockServer({"TOKENS": [TOKEN]}).start()
        wait_until_up(server.url + LISTING)
        fixture_startups.append(time.perf_counter() - start)
        server.stop()
    first, fixture_startup = fixture_startups[0], statistics.median(fixture_startups)
    print(
        f"fixture start-up to first answer: first {first * 1000:.0f} ms, median {fixture_startup * 1000:.0f} ms"
        f"  [{verdict(max(first, fixture_startup) < 0.2)}: target < 200 ms]"
    )
    print(f"reset (50 conversations): median {median_us(MockServer().backend.reset, 2000):.1f} us")
    big = MockServer({"CONVERSATIONS": 10_000}).backend
    print(f"reset (10,000 conversations): median {median_us(big.reset, 200):.1f} us")

    # Resident memory of `serve` holding 10,000 seeded conversations.
    port = free_port()
    with process(
        [*SERVE, "--port", str(port), "--conversations", "10000"], f"http://127.0.0.1:{port}{LISTING}"
    ) as (proc, startup):
        rss, pss = memory_mb(proc.pid)
    print(
        f"serve with 10,000 conversations: start-up {startup:.1f} s, resident memory {rss:.0f} MB"
        f" (PSS {pss:.0f} MB)  [{verdict(rss < 200)}: target < 200 MB]"
    )
    port = free_port()
    command = [*SERVE, "--port", str(port), "--conversations", "10000", "--read-workers", "2"]
    with process(command, f"http://127.0.0.1:{port}{LISTING}") as (proc, startup):
        rss, pss = memory_mb(proc.pid)
    print(
        f"{READERS} with 10,000 conversations: start-up {startup:.1f} s, resident memory {rss:.0f} MB"
        f" (PSS {pss:.0f} MB, the shared table counted once)"
    )


if __name__ == "__main__":
    main()
