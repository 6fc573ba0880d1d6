"""What matchers cost a stubbed request: 100 stubs with a matcher each against the same 100 without (run by hand).

    python benchmarks/bench_matchers.py [--rounds 15] [--calls 2000]

The Python time of one stubbed request through the whole app (the control layer, the stubs, the
journal), in this process, free of the network. 100 stubs on 100 paths, the request's stub tried
last (the newest is tried first, and it was added first), with and without a matcher on every
stub: a query parameter's, a header's or a JSONPath into the body, in turn. The rounds of the two
alternate, so both see the same machine; the verdict compares their medians (target: < 0.2 ms
more). Then, for the record, the case matchers cannot skip by path: 100 stubs on one path told
apart by a JSONPath each, the request's tried last, so every matcher is evaluated.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from mockserver import create_app
from mockserver.control.route_table import ControlRoutes

TOKEN = "bench-token"
STUBS = 100
TARGET_MS = 0.2
BODY = json.dumps({"queueId": "q-0", "callbackNumbers": ["+13175550100"], "routingData": {"priority": 3}})


def _matcher(index: int) -> dict[str, Any]:
    """The matcher of stub ``index``: a query parameter's, a header's or a JSONPath's, in turn."""
    kind = index % 3
    if kind == 0:
        return {"query": {"tenant": {"equalTo": "acme"}}}
    if kind == 1:
        return {"headers": {"Content-Type": {"contains": "json"}}}
    return {"body": [{"jsonPath": "$.queueId", "equalTo": "q-0"}]}


def app_with(stubs: list[dict[str, Any]]) -> Any:
    app = create_app({"TOKENS": (TOKEN,), "CONVERSATIONS": 5})
    http = app.test_client()
    admin = app.config["ADMIN_PREFIX"].rstrip("/")
    for stub in stubs:
        answer = http.post(admin + ControlRoutes.ADD_STUB.url(), json=stub)
        assert answer.status_code == 201, answer.json
    return app


def request_time(app: Any, path: str, calls: int) -> float:
    """Milliseconds per POST of ``BODY`` to ``path?tenant=acme``, which a stub must answer 299."""
    body = BODY.encode()
    started_answer: list[str] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: object = None
    ) -> Callable[..., None]:
        started_answer.append(status)
        return lambda data: None

    def environ() -> dict[str, Any]:
        return {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "QUERY_STRING": "tenant=acme",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8080",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "HTTP_HOST": "127.0.0.1:8080",
            "HTTP_AUTHORIZATION": f"Bearer {TOKEN}",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
        }

    environs = [environ() for _ in range(calls)]
    started = time.perf_counter()
    for each in environs:
        b"".join(app(each, start_response))
    elapsed = time.perf_counter() - started
    assert all(status.startswith("299") for status in started_answer), started_answer[:3]
    return elapsed / calls * 1000


def compare(label: str, plain: Any, matched: Any, path: str, rounds: int, calls: int) -> tuple[float, float]:
    times: dict[str, list[float]] = {"plain": [], "matched": []}
    for _ in range(rounds):
        for name, app in (("plain", plain), ("matched", matched)):
            times[name].append(request_time(app, path, calls))
    medians = statistics.median(times["plain"]), statistics.median(times["matched"])
    print(
        f"{label}: without matchers {medians[0]:.4f} ms, with {medians[1]:.4f} ms, +{medians[1] - medians[0]:.4f} ms"
    )
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()

    paths = [f"/api/v2/stubbed/{index}" for index in range(STUBS)]
    plain_stubs = [{"method": "POST", "path": path, "status": 299, "body": "{}"} for path in paths]
    matched_stubs = [{**stub, "match": _matcher(index)} for index, stub in enumerate(plain_stubs)]
    # The request's stub (index 2: a JSONPath's) added first of all, so it is tried last.
    order = [2, *(index for index in range(STUBS) if index != 2)]
    plain = app_with([plain_stubs[index] for index in order])
    matched = app_with([matched_stubs[index] for index in order])
    baseline, with_matchers = compare(
        f"{STUBS} stubs on {STUBS} paths", plain, matched, paths[2], args.rounds, args.calls
    )

    # Every stub on one path, told apart by its JSONPath: each is evaluated until the last matches.
    one_path = "/api/v2/stubbed/one"
    crowded = [
        {
            "method": "POST",
            "path": one_path,
            "status": 299,
            "body": "{}",
            "match": {"body": [{"jsonPath": "$.queueId", "equalTo": f"q-{index}"}]},
        }
        for index in range(STUBS)
    ]
    plain_one = app_with([{"method": "POST", "path": one_path, "status": 299, "body": "{}"}])
    compare(
        f"{STUBS} stubs on one path, 1 without matchers",
        plain_one,
        app_with(crowded),
        one_path,
        args.rounds,
        args.calls,
    )

    extra = with_matchers - baseline
    verdict = "met" if extra < TARGET_MS else "MISSED"
    print(
        f"target: a matcher on every stub costs < {TARGET_MS} ms more with {STUBS} stubs: +{extra:.4f} ms, {verdict}"
    )
    sys.exit(0 if extra < TARGET_MS else 1)


if __name__ == "__main__":
    main()
