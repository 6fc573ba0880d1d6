"""Benchmark: ``generate`` and ``validate`` as real processes, against the factory's own cost (run by hand).

    python benchmarks/bench_cli.py [--count 100000] [--quick]

- ``generate --count N --format ndjson --output FILE``: wall time and peak RSS of the process,
  against N times the factory's per-payload cost (the median of ``CallbackFactory.payload``, as
  ``bench_factories.py`` measures it) taken in this same run. Target: at most 1.3x.
- Memory is flat when the peak RSS of a run of N/10 payloads and a run of N are about the same.
- ``validate FILE``: payloads per second, beside the in-process rate of ``contracts.structure``.

All figures come from this one run, since the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import orjson
from bench_factories import median_us  # the script's folder is on sys.path

import contracts
from factories import CallbackFactory

NOW = "2030-01-15T12:00:00.000Z"
TRAIT = "disconnected"  # the factory benchmark's payload: every field of a finished agent leg


def run(args: list[str]) -> tuple[float, int, int]:
    """Run the console script; its wall time (s), peak RSS (KiB) and exit status."""
    start = time.perf_counter()
    process = subprocess.Popen([executable(), *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, process.returncode


def executable() -> str:
    found = shutil.which("callback-contracts", path=sysconfig.get_path("scripts")) or shutil.which(
        "callback-contracts"
    )
    if found is None:
        sys.exit("the callback-contracts console script is not installed (pip install -e .)")
    return found


def generate_args(count: int, output: Path) -> list[str]:
    return [
        "generate",
        "--model",
        "Callback",
        "--trait",
        TRAIT,
        "--count",
        str(count),
        "--seed",
        "1",
        "--now",
        NOW,
        "--format",
        "ndjson",
        "--output",
        str(output),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="payloads generated and validated")
    parser.add_argument("--quick", action="store_true", help="10,000 payloads and fewer rounds")
    args = parser.parse_args()
    count = 10_000 if args.quick else args.count
    rounds = 500 if args.quick else 5000

    now = datetime(2030, 1, 15, 12, tzinfo=timezone.utc)
    factory = CallbackFactory(1, now=now)
    per_payload = median_us(lambda: factory.payload(TRAIT), rounds)
    startup, startup_rss, _ = run(["--help"])

    with tempfile.TemporaryDirectory() as tmp:
        small, big = Path(tmp) / "small.ndjson", Path(tmp) / "big.ndjson"
        small_time, small_rss, small_status = run(generate_args(count // 10, small))
        # Best of two, and the factory measured again after: the machine is shared.
        first, second = run(generate_args(count, big)), run(generate_args(count, big))
        if small_status or first[2] or second[2]:
            sys.exit("generate failed")
        big_time, big_rss = min(first[0], second[0]), max(first[1], second[1])
        per_payload = min(per_payload, median_us(lambda: factory.payload(TRAIT), rounds))
        print(f"CallbackFactory.payload        {per_payload:8.1f} us (median of {rounds}, best of two)")
        budget = per_payload * count / 1e6
        print(
            f"callback-contracts --help      {startup:8.2f} s, peak RSS {startup_rss / 1024:.0f} MiB (start-up)"
        )
        size = big.stat().st_size
        print(
            f"generate x {count:,} ndjson     {big_time:8.2f} s ({big_time / count * 1e6:.1f} us each, "
            f"{size / 2**20:.0f} MiB) -> {big_time / budget:.2f}x factory cost x {count:,} "
            f"({budget:.2f} s; target <= 1.3x; best of two)"
        )
        print(
            f"peak RSS                       {big_rss / 1024:8.0f} MiB at {count:,}, "
            f"{small_rss / 1024:.0f} MiB at {count // 10:,} ({small_time:.2f} s) -> "
            f"{big_rss / small_rss:.2f}x for 10x the payloads (flat: about 1x)"
        )

        check_time, _, check_status = run(["validate", str(big)])
        if check_status:
            sys.exit("validate found problems in generated payloads")
        lines = big.read_bytes().splitlines()
        sample = [orjson.loads(line) for line in lines[: min(len(lines), 20_000)]]
        start = time.perf_counter()
        for mapping in sample:
            contracts.structure(mapping, contracts.Callback)
        structure_rate = len(sample) / (time.perf_counter() - start)
        print(
            f"validate x {count:,}            {check_time:8.2f} s -> {count / check_time:,.0f} payloads/s "
            f"(contracts.structure in-process: {structure_rate:,.0f}/s; "
            f"the CLI keeps {count / check_time / structure_rate:.0%} of it)"
        )
    ok = big_time <= 1.3 * budget and big_rss <= 1.5 * small_rss
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
