"""Whether the server's costs stay flat as its store grows (run by hand).

    python benchmarks/bench_scaling.py [--duration 3] [--rounds 3] [--large 100000]

Two `serve` processes run at once, one holding 50 conversations and one ``--large`` (seeding
100,000 takes ~15 s), both with the lifecycle off so nothing moves but what the load asks. Each
is loaded in turn with wrk, round after round: create (POST .../callbacks), reschedule (PATCH
.../callbacks, one scheduled callback again and again) and GET-by-id; then the listing at the
large store for several page sizes and a deep page. Figures are medians over the rounds; the
target is create, reschedule and GET-by-id within 15% of the small store's, and the listing's cost
following its page size, not the store's size. Needs `wrk` on PATH.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench_server import (
    SERVE,
    TOKEN,
    call,
    free_port,
    list_every,
    process,
)  # the script's folder is on sys.path

CALLBACKS = "/api/v2/conversations/callbacks"
QUEUE = "bench-queue"  # added to each server first: a callback names one of its queues
CREATE = {"callbackNumbers": ["+13175550100"], "queueId": QUEUE}


def wrk_rps(url: str, duration: int, script: Path | None = None, connections: int = 16) -> float:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-H", f"Authorization: Bearer {TOKEN}"]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if failed:
        raise RuntimeError(f"{url}: {failed.group(1)} failed responses")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]


def lua(folder: Path, name: str, method: str, body: object) -> Path:
    path = folder / f"{name}.lua"
    text = json.dumps(json.dumps(body))  # a Lua string literal of the JSON text
    path.write_text(
        f'wrk.method = "{method}"\nwrk.body = {text}\nwrk.headers["Content-Type"] = "application/json"\n'
    )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=3, help="seconds of each wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--large", type=int, default=100_000, help="conversations in the large store")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install wrk")

    sizes = (50, args.large)
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bases: dict[int, str] = {}
        scripts: dict[tuple[int, str], Path | None] = {}
        for size in sizes:
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            command = [*SERVE, "--port", str(port), "--conversations", str(size), "--lifecycle", "off"]
            print(f"starting serve with {size:,} conversations ...", flush=True)
            stack.enter_context(process(command, base + "/api/v2/conversations?pageSize=1"))
            list_every(base)  # the listing measured below is a page of the whole store, as before
            call(base, "PUT", f"/__admin/queues/{QUEUE}", {"name": "Bench queue", "members": ["agent:0"]})
            created = call(base, "POST", CALLBACKS, CREATE)
            assert isinstance(created, dict)
            conversation_id = created["conversation"]["id"]
            when = (datetime.now(timezone.utc) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            patch = {"conversationId": conversation_id, "callbackScheduledTime": when}
            bases[size] = base
            scripts[(size, "create")] = lua(folder, f"create-{size}", "POST", CREATE)
            scripts[(size, "reschedule")] = lua(folder, f"patch-{size}", "PATCH", patch)
            scripts[(size, "get")] = None
            scripts[(size, "get-path")] = Path(f"/api/v2/conversations/{conversation_id}")

        paths = {"create": CALLBACKS, "reschedule": CALLBACKS}
        results: dict[tuple[int, str], list[float]] = {}
        for number in range(args.rounds):
            print(f"round {number + 1}/{args.rounds}", flush=True)
            for operation in ("create", "reschedule", "get"):
                for size in sizes:
                    path = paths.get(operation) or str(scripts[(size, "get-path")])
                    rate = wrk_rps(bases[size] + path, args.duration, scripts[(size, operation)])
                    results.setdefault((size, operation), []).append(rate)
        print(f"\nreq/s, median of {args.rounds} rounds of {args.duration} s (16 connections)")
        print(f"{'operation':<12}{'50':>10}{args.large:>12,}{'ratio':>8}  verdict (within 15%)")
        for operation in ("create", "reschedule", "get"):
            small = statistics.median(results[(50, operation)])
            large = statistics.median(results[(args.large, operation)])
            ratio = large / small
            verdict = "PASS" if ratio >= 0.85 else "FAIL"
            print(f"{operation:<12}{small:>10.0f}{large:>12.0f}{ratio:>8.2f}  {verdict}")

        base = bases[args.large]
        total = call(base, "GET", "/api/v2/conversations?pageSize=1")
        assert isinstance(total, dict)
        last = max(1, total["total"] // 100)
        listings = {
            "pageSize=1": "?pageSize=1",
            "pageSize=25": "?pageSize=25",
            "pageSize=100": "?pageSize=100",
            f"pageSize=100, page {last:,}": f"?pageSize=100&pageNumber={last}",
            "small store, pageSize=25": None,
        }
        print(f"\nthe listing at {total['total']:,} active conversations, req/s (median of {args.rounds})")
        for label, query in listings.items():
            url = (base if query else bases[50]) + "/api/v2/conversations" + (query or "?pageSize=25")
            rates = [wrk_rps(url, args.duration) for _ in range(args.rounds)]
            print(f"  {label:<28}{statistics.median(rates):>8.0f}")


if __name__ == "__main__":
    main()
