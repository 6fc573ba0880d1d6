"""Two costs issue 26's profile of one serve worker found on GET by id, in process (by hand).

    python benchmarks/bench_hot_path.py [--conversations 10000] [--repeat 7] [--redis URL]
        [--baseline CHECKOUT]

(a) The permission check a fast-path read makes (``auth.permitted``: the token's principal, the
route's permissions), microseconds a call, for a token of its own, ``agent:0`` and a token the
server issued. (b) A wake of the ACD (``Engine.wake``, what the lifecycle's thread runs each time a
step frees a member) on an app holding ``--conversations`` conversations (the lifecycle on auto,
its delays far off, so the wake assigns nothing and the figure is the reading of what waits),
milliseconds to read what waits (``Engine.waiting``) and a wake (the first offers what waits to
whoever is available; the median is of the wakes after), on the memory store and, with ``--redis``, on that Redis under a fresh prefix.

``--baseline CHECKOUT``: the same figures of an older checkout's code first (this script run again
with ``PYTHONPATH=CHECKOUT``), so both come from one run on the same machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable

FAR = {"mode": "auto", "fireDelaySeconds": 3600, "offerDelaySeconds": 3600, "ringSeconds": 3600}
FAR |= {"talkSeconds": 86_400, "wrapupSeconds": 86_400}
RULE = "/api/v2/conversations/<conversation_id>"


def per_call(action: Callable[[], object], count: int, repeat: int) -> float:
    """The median over ``repeat`` rounds of one call's time (seconds), ``count`` calls a round."""
    rounds = []
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(count):
            action()
        rounds.append((time.perf_counter() - started) / count)
    return statistics.median(rounds)


def permission(repeat: int) -> None:
    from mockserver.app import create_app
    from mockserver.state.identity import USER
    from mockserver.web.auth import permitted
    from mockserver.web.current import backend_of

    backend = backend_of(create_app({"CONVERSATIONS": 1, "LIFECYCLE": {"mode": "off"}}))
    identity = backend.identity
    with backend.store.transaction():
        issued = identity.issue(USER, identity.users()[0][0]).token
    for name, token in (("own token", "a-token-of-its-own"), ("agent:0", "agent:0"), ("issued", issued)):
        assert permitted(identity, token, "GET", RULE)
        spent = per_call(lambda token=token: permitted(identity, token, "GET", RULE), 20_000, repeat)  # type: ignore[misc]
        print(f"    (a) permitted, {name:<9} {spent * 1e6:7.2f} us a call")


def wake(conversations: int, repeat: int, store: str) -> None:
    import contracts
    from mockserver.app import create_app
    from mockserver.control.models import Lifecycle
    from mockserver.web.current import backend_of

    settings: dict[str, object] = {"CONVERSATIONS": conversations, "LIFECYCLE": {"mode": "off"}}
    if store != "memory":
        settings |= {"STORE": store, "STORE_PREFIX": f"bench-{uuid.uuid4().hex[:8]}"}
    backend = backend_of(create_app(settings))
    backend.set_lifecycle(contracts.structure(FAR, Lifecycle))
    engine = backend.engine

    def waiting() -> int:
        return sum(len(items) for items in engine.waiting(backend.clock.ms()).values())

    before = waiting()
    reading = per_call(waiting, 3, repeat)
    kind = "memory" if store == "memory" else "redis"
    print(
        f"    (b) {kind:<6} {conversations:,} stored, {before} waiting: {reading * 1e3:8.2f} ms to read them"
    )
    spent = per_call(engine.wake, 3, repeat)  # the first offers them to whoever is available
    print(
        f"    (b) {kind:<6} {conversations:,} stored, then {waiting()} waiting: {spent * 1e3:8.2f} ms a wake"
    )


def measure(args: argparse.Namespace) -> None:
    permission(args.repeat)
    wake(args.conversations, args.repeat, "memory")
    if args.redis:
        wake(args.conversations, args.repeat, args.redis)
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--redis", default="", help="a Redis URL: (b) on it too")
    parser.add_argument("--baseline", default="", help="an older checkout: its figures first")
    args = parser.parse_args()
    if args.baseline:
        print(f"baseline ({args.baseline}):", flush=True)
        command = [sys.executable, __file__, "--conversations", str(args.conversations)]
        command += ["--repeat", str(args.repeat), "--redis", args.redis]
        subprocess.run(command, check=True, env={**os.environ, "PYTHONPATH": args.baseline})
        print("this checkout:")
    measure(args)


if __name__ == "__main__":
    main()
