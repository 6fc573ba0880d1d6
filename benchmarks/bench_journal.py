"""What the request journal costs `serve`: throughput with the journal on and off (run by hand).

    python benchmarks/bench_journal.py [--pairs 2] [--rounds 8] [--duration 3]
    python benchmarks/bench_journal.py --python


Two `serve` processes of one build can differ by several percent for no reason of their own
(where the OS places them), so one on/off pair is not enough: this starts ``--pairs`` pairs of
fresh processes and loads them in rounds with wrk (8 and 32 connections, the same
`GET /api/v2/conversations/{id}` as bench_server). The two servers of a pair run one right after
the other, in alternating order, so each round gives one off/on ratio measured under the same load
from the rest of the machine; the verdict is the median of those ratios. Pooled medians are shown
too.

``--python`` measures instead the Python time of one such request in this process, through
Granian's own WSGI runner with a Granian-shaped environ: what recording adds to each request, free
of the network and of the noise of a loaded machine.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_server import EVERY, HEADERS, SERVE, TOKEN, call, free_port, wait_until_up

LISTING = "/api/v2/conversations?pageSize=1"


def rate(url: str, connections: int, duration: int) -> float:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-H", f"Authorization: Bearer {TOKEN}", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert found, out
    return float(found.group(1))


def python_time(rounds: int = 15, calls: int = 20_000) -> None:
    """Microseconds of Python per GET-by-id under Granian's runner, journal on and off."""
    import gc
    import io

    from granian.wsgi import _callback_wrapper  # the function Granian calls for each request

    from mockserver import create_app

    class Protocol:  # where Granian's runner hands the response
        def response_bytes(self, status: int, headers: object, body: bytes) -> None:
            pass

    runners, environs = {}, {}
    for label, journal in (("on", True), ("off", False)):
        app = create_app({"JOURNAL": journal, "TOKENS": (TOKEN,)})
        gc.freeze()
        runners[label] = _callback_wrapper(app, {})
        listing = app.test_client().get(EVERY).get_json()  # every user's: the control API's
        environs[label] = {  # what Granian puts after its copy of os.environ
            "SERVER_PROTOCOL": "HTTP/1.1",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8080",
            "REMOTE_ADDR": "127.0.0.1",
            "REQUEST_METHOD": "GET",
            "PATH_INFO": f"/api/v2/conversations/{listing['entities'][0]['id']}",
            "QUERY_STRING": "",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "HTTP_HOST": "127.0.0.1:8080",
            "HTTP_AUTHORIZATION": HEADERS["Authorization"],
        }
    protocol = Protocol()
    times: dict[str, list[float]] = {"on": [], "off": []}
    for _ in range(rounds):
        for label, runner in runners.items():
            scope = environs[label]
            start = time.perf_counter()
            for _ in range(calls):
                runner(protocol, scope.copy())
            times[label].append((time.perf_counter() - start) / calls * 1e6)
    on, off = statistics.median(times["on"]), statistics.median(times["off"])
    print(f"Python per request: journal on {on:.2f} us, off {off:.2f} us; recording adds {on - off:.2f} us")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=2, help="on/off pairs of fresh serve processes")
    parser.add_argument("--rounds", type=int, default=8, help="interleaved rounds")
    parser.add_argument("--duration", type=int, default=3, help="seconds of each wrk run")
    parser.add_argument("--python", action="store_true", help="time the Python of one request instead")
    args = parser.parse_args()
    if args.python:
        python_time()
        return
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install wrk")
    servers: list[tuple[str, subprocess.Popen[bytes], str]] = []
    try:
        for _ in range(args.pairs):
            for label, extra in (("on", {}), ("off", {"CALLBACK_MOCK_JOURNAL": "false"})):
                port = free_port()
                process = subprocess.Popen(
                    [*SERVE, "--port", str(port)],
                    env={**os.environ, **extra},
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                base = f"http://127.0.0.1:{port}"
                wait_until_up(base + LISTING)
                servers.append((label, process, base))
        conversation_id = call(servers[0][2], "GET", EVERY)["entities"][0]["id"]
        path = f"/api/v2/conversations/{conversation_id}"
        pairs = [servers[i : i + 2] for i in range(0, len(servers), 2)]
        for connections in (8, 32):
            runs: dict[str, list[float]] = {"on": [], "off": []}
            ratios = []  # off/on of the two servers of a pair, loaded one right after the other
            for round_ in range(args.rounds):
                for pair in pairs:
                    rates = {}
                    for label, _process, base in pair if round_ % 2 else reversed(pair):
                        rates[label] = rate(base + path, connections, args.duration)
                        runs[label].append(rates[label])
                    ratios.append(rates["off"] / rates["on"])
            on, off = statistics.median(runs["on"]), statistics.median(runs["off"])
            ratio = statistics.median(ratios)
            low, _, high = statistics.quantiles(ratios, n=4)
            verdict = "PASS" if ratio < 1.10 else "FAIL"
            print(
                f"c{connections}: journal on {on:.0f} req/s ({min(runs['on']):.0f}-{max(runs['on']):.0f}), "
                f"off {off:.0f} ({min(runs['off']):.0f}-{max(runs['off']):.0f}); off/on of medians "
                f"{off / on:.3f}; paired off/on median {ratio:.3f} (quartiles {low:.3f}-{high:.3f}) "
                f"[{verdict}: target < 1.10]"
            )
    finally:
        for _label, process, _base in servers:
            process.send_signal(signal.SIGTERM)
        time.sleep(0.5)


if __name__ == "__main__":
    main()
