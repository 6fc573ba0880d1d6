"""Throughput, latency, start-up, reset and memory of the mock server (run by hand).

    python benchmarks/bench_server.py [--duration 10] [--wiremock-jar PATH]

Needs `wrk` (Debian: apt-get install wrk) on PATH; for the WireMock baseline, Java 17+ and the jar
of the npm package `wiremock` (npm install wiremock). Every server serves the same bytes for
`GET /api/v2/conversations/{id}` on 127.0.0.1, and all figures come from this one run, since the
machine is shared and noisy. The load generator shares the machine's cores with the server.
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
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

TOKEN = "bench-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}


def get(url: str) -> bytes:
    request = urllib.request.Request(url, headers=HEADERS)
    with urllib.request.urlopen(request, timeout=5) as response:
        body: bytes = response.read()
        return body


def wait_until_up(url: str, deadline: float = 60.0) -> float:
    """Seconds until ``url`` first answers 200; polls without sleeping more than 2 ms."""
    start = time.perf_counter()
    while time.perf_counter() - start < deadline:
        try:
            get(url)
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


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children (Granian serves from a child process)."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(c) for c in children.read_text().split()]
    for each in pids:
        status = Path(f"/proc/{each}/status").read_text()
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    return total / 1024


def median_us(fn: Callable[[], Any], repeat: int = 200) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument(
        "--wiremock-jar",
        default=os.environ.get(
            "WIREMOCK_JAR", "/tmp/wm/node_modules/wiremock/build/wiremock-standalone-3.13.2.jar"
        ),
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install wrk")
    serve = [sys.executable, "-c", "from mockserver.cli import main; main()", "serve", "--token", TOKEN]
    results: dict[str, dict[str, float]] = {}

    # The Granian-served app, as `serve` runs it; its start-up is measured to the first answer.
    port = free_port()
    listing_url = f"http://127.0.0.1:{port}/api/v2/conversations?pageSize=1"
    with process([*serve, "--port", str(port)], listing_url) as (proc, startup):
        conversation_id = json.loads(get(listing_url))["entities"][0]["id"]
        path = f"/api/v2/conversations/{conversation_id}"
        body = get(f"http://127.0.0.1:{port}{path}")
        print(f"serve start-up to first answer: {startup * 1000:.0f} ms; body {len(body)} bytes")
        for connections in (8, 32):
            results[f"serve (granian) c{connections}"] = wrk(
                f"http://127.0.0.1:{port}{path}", connections, args.duration
            )

    # Other WSGI servers over the same app, for the choice of server.
    app_env = {"CALLBACK_MOCK_TOKENS": json.dumps([TOKEN])}
    for name, command in [
        ("waitress", ["waitress-serve", "--threads=8", "--call", "--port={port}", "mockserver:create_app"]),
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
        if not shutil.which(command[0]):
            continue
        port = free_port()
        cmd = [part.format(port=port) for part in command]
        with process(cmd, f"http://127.0.0.1:{port}{path}", app_env):
            results[f"{name} c8"] = wrk(f"http://127.0.0.1:{port}{path}", 8, args.duration)

    # WireMock serving the very same bytes from a stub.
    if Path(args.wiremock_jar).exists() and shutil.which("java"):
        with tempfile.TemporaryDirectory() as root:
            mappings = Path(root, "mappings")
            mappings.mkdir()
            stub = {
                "request": {"method": "GET", "url": path},
                "response": {
                    "status": 200,
                    "body": body.decode(),
                    "headers": {"Content-Type": "application/json"},
                },
            }
            Path(mappings, "conversation.json").write_text(json.dumps(stub))
            port = free_port()
            java = [
                "java",
                "-jar",
                args.wiremock_jar,
                "--port",
                str(port),
                "--root-dir",
                root,
                "--disable-banner",
                "--no-request-journal",
            ]
            with process(java, f"http://127.0.0.1:{port}{path}"):
                for connections in (8, 32):
                    wrk(f"http://127.0.0.1:{port}{path}", connections, 3)  # JIT warm-up
                    results[f"wiremock c{connections}"] = wrk(
                        f"http://127.0.0.1:{port}{path}", connections, args.duration
                    )
    else:
        print("WireMock jar not found: no WireMock baseline")

    print(f"\n{'server':32} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for name, figures in results.items():
        print(f"{name:32} {figures['rps']:9.0f} {figures['p50_ms']:8.2f} {figures['p99_ms']:8.2f}")
    for connections in (8, 32):
        ours, theirs = results.get(f"serve (granian) c{connections}"), results.get(f"wiremock c{connections}")
        if ours and theirs:
            ratio = ours["rps"] / theirs["rps"]
            verdict = "PASS" if ratio >= 1 else "FAIL"
            print(f"c{connections}: serve / WireMock throughput = {ratio:.2f}x  [{verdict}: target >= 1x]")
    p99 = results["serve (granian) c8"]["p99_ms"]
    print(f"p99 at 8 connections: {p99:.2f} ms  [{'PASS' if p99 < 10 else 'FAIL'}: target < 10 ms]")

    # The in-process fixture: start to first answer, and the per-test reset.
    from mockserver.server import MockServer

    start = time.perf_counter()
    server = MockServer({"TOKENS": [TOKEN]}).start()
    fixture_startup = wait_until_up(f"{server.url}/api/v2/conversations?pageSize=1") + (
        time.perf_counter() - start
    )
    reset = median_us(server.reset, 2000)
    server.stop()
    print(
        f"fixture start-up to first answer: {fixture_startup * 1000:.0f} ms  [{'PASS' if fixture_startup < 0.2 else 'FAIL'}: target < 200 ms]"
    )
    print(f"reset (50 conversations): median {reset:.1f} us")
    big = MockServer({"CONVERSATIONS": 10_000}).state
    print(f"reset (10,000 conversations): median {median_us(big.reset, 200):.1f} us")

    # Resident memory of `serve` holding 10,000 seeded conversations.
    port = free_port()
    with process(
        [*serve, "--port", str(port), "--conversations", "10000"],
        f"http://127.0.0.1:{port}/api/v2/conversations?pageSize=1",
    ) as (proc, startup):
        rss = rss_mb(proc.pid)
    print(
        f"serve with 10,000 conversations: start-up {startup:.1f} s, resident memory {rss:.0f} MB  [{'PASS' if rss < 200 else 'FAIL'}: target < 200 MB]"
    )


if __name__ == "__main__":
    main()
