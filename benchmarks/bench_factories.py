"""Benchmark: one fully populated, consistent Callback wire dict, against two baselines.

Run: ``python benchmarks/bench_factories.py [--quick]``. Measured in one run:

- ``CallbackFactory.payload("disconnected")``: a finished, wrapped-up agent leg with every field
  its state allows (25 of the 29; held legs, voicemail and preview callbacks carry the other ones);
- a generator of the same shape using ``random.Random`` only: no realism, no consistency;
- polyfactory's ``AttrsFactory`` over the same attrs classes, every optional field filled, turned
  into the same wire dict;
- ``stream(wire=True)`` over 100,000 payloads: time and peak memory (tracemalloc).

Targets: the factory's median at most 2x the random-only one, at least 15x faster than polyfactory.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from random import Random
from typing import Any

import contracts
from factories import CallbackFactory

NOW = datetime(2030, 1, 15, 12, 0, tzinfo=timezone.utc)
NAMES = ("Ann Lee", "Bo Chen", "Cy Diaz", "Di Evans")


def random_only(rng: Random) -> Callable[[], dict[str, Any]]:
    """The same wire shape from ``random.Random`` alone: the floor any generator pays."""

    def uid() -> str:
        h = f"{rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def stamp(t: datetime) -> str:
        return t.isoformat(timespec="milliseconds")[:-6] + "Z"

    def make() -> dict[str, Any]:
        alert = NOW - timedelta(milliseconds=rng.randrange(3_600_000))
        conn = alert + timedelta(milliseconds=rng.randrange(15_000))
        disc = conn + timedelta(milliseconds=rng.randrange(900_000))
        end = disc + timedelta(milliseconds=rng.randrange(180_000))
        number = "+1" + str(rng.randrange(2_000_000_000, 9_999_999_999))
        kind = rng.choice(("client", "peer"))
        return {
            "state": "disconnected",
            "initialState": "alerting",
            "id": uid(),
            "segments": [
                {"startTime": stamp(alert), "endTime": stamp(conn), "type": "Alert", "howEnded": "Interact"},
                {
                    "startTime": stamp(conn),
                    "endTime": stamp(disc),
                    "type": "Interact",
                    "howEnded": "Disconnect",
                    "disconnectType": kind,
                },
            ],
            "direction": "outbound",
            "held": False,
            "disconnectType": kind,
            "callbackNumbers": [number],
            "callbackUserName": rng.choice(NAMES),
            "scriptId": uid(),
            "externalCampaign": False,
            "skipEnabled": True,
            "timeoutSeconds": 0,
            "startAlertingTime": stamp(alert),
            "connectedTime": stamp(conn),
            "disconnectedTime": stamp(disc),
            "callbackScheduledTime": stamp(alert - timedelta(minutes=rng.randrange(60))),
            "provider": "PureCloud Callback",
            "peerId": uid(),
            "wrapup": {
                "code": uid(),
                "name": rng.choice(("Resolved", "Sale Made")),
                "notes": rng.choice(NAMES),
                "tags": rng.sample(("vip", "billing", "refund"), rng.randrange(3)),
                "durationSeconds": (end - disc) // timedelta(seconds=1),
                "endTime": stamp(end),
                "provisional": False,
            },
            "afterCallWork": {"startTime": stamp(disc), "endTime": stamp(end), "state": "complete"},
            "afterCallWorkRequired": True,
            "callerId": number,
            "callerIdName": rng.choice(NAMES),
            "queueMediaSettings": {
                "alertingTimeoutSeconds": rng.choice((15, 30)),
                "autoAnswerAlertToneSeconds": 0.0,
                "manualAnswerAlertToneSeconds": 1.0,
                "enableAutoAnswer": False,
            },
        }

    return make


def polyfactory_payload() -> Callable[[], dict[str, Any]]:
    """polyfactory's ``AttrsFactory`` over the contract's classes, every optional filled."""
    from polyfactory.factories.attrs_factory import AttrsFactory

    class PolyCallback(AttrsFactory[contracts.Callback]):
        __model__ = contracts.Callback
        __allow_none_optionals__ = False
        __random_seed__ = 1

    return lambda: contracts.unstructure(PolyCallback.build())


def median_us(make: Callable[[], object], rounds: int) -> float:
    make()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        make()
        samples.append(time.perf_counter_ns() - start)
    return statistics.median(samples) / 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and a 10,000 payload stream")
    args = parser.parse_args()
    rounds, poly_rounds, streamed = (500, 50, 10_000) if args.quick else (5000, 300, 100_000)

    factory = CallbackFactory(1, now=NOW)
    ours = median_us(lambda: factory.payload("disconnected"), rounds)
    floor = median_us(random_only(Random(1)), rounds)
    poly = median_us(polyfactory_payload(), poly_rounds)
    print(f"CallbackFactory.payload    {ours:9.1f} us  (median of {rounds})")
    print(
        f"random.Random only         {floor:9.1f} us  -> ours / random = {ours / floor:.2f}x (target <= 2x)"
    )
    print(
        f"polyfactory AttrsFactory   {poly:9.1f} us  -> polyfactory / ours = {poly / ours:.1f}x (target >= 15x)"
    )

    stream = CallbackFactory(2, now=NOW).stream("disconnected", wire=True)
    start = time.perf_counter()
    for _ in itertools.islice(stream, streamed):
        pass
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    for _ in itertools.islice(CallbackFactory(3, now=NOW).stream("disconnected", wire=True), streamed):
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"stream(wire=True) x {streamed:,}  {elapsed:6.2f} s ({elapsed / streamed * 1e6:.1f} us each), "
        f"peak traced memory {peak / 1024:.0f} KiB"
    )
    ok = ours <= 2 * floor and poly >= 15 * ours
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
