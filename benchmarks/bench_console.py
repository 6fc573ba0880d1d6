"""The console's first pages over a full server, in process (by hand).

    python benchmarks/bench_console.py [--conversations 10000] [--requests 10000] [--rounds 25] [--store memory]

Seeds ``--conversations`` conversations through the control API (``POST /seed``, 1,000 at a time)
and sends ``--requests`` API requests (GET-by-id, a conversation each, through the same WSGI
layers as serve: the fast path journals them) to fill the journal, then times, with Flask's
test client (the server's time: no socket, no browser), ``--rounds`` renders of:

- the console's conversation list, first page (25), against the API's listing of the same page
  (``GET /api/v2/conversations?pageSize=25``, the stored bodies spliced: the control API has no
  listing of conversations of its own);
- the console's journal, first page (25), against the control API's JSON page of it
  (``GET {prefix}/requests?pageSize=25``);
- and, for the record, a filtered list (``state=connected``) and a filtered journal (``status=404``).

Targets: each first page's median under 200 ms. Medians and ranges; ratios against the baselines
of the same run.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from flask.testing import FlaskClient

from mockserver import create_app
from mockserver.control.models import MAX_SEED
from mockserver.state.identity import ADMIN_PERMISSIONS, ADMIN_ROLE, ANY_CONVERSATION

TOKEN = "bench"
TARGET_MS = 200.0


def timed(get: Callable[[], object], rounds: int) -> list[float]:
    get()  # warm: templates compiled, caches filled
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        get()
        times.append((time.perf_counter() - start) * 1000)
    return times


def fetch(client: FlaskClient, path: str) -> Callable[[], object]:
    def get() -> object:
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.status_code, answer.data[:300])
        return answer.data

    return get


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--store", default="memory", help="memory, or a redis:// URL")
    args = parser.parse_args()

    app = create_app(
        {
            "TOKENS": (TOKEN,),
            "JOURNAL_LIMIT": max(args.requests, 1),
            "STORE": args.store,
            "NOW": "2030-01-15T12:00:00Z",
            "CLOCK_FROZEN": True,
        }
    )
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TOKEN}"
    client.post("/__admin/reset")
    # TOKEN's role names mock:conversation:any: the API's listing, the baseline, holds every conversation.
    every = {"permissions": [*ADMIN_PERMISSIONS, ANY_CONVERSATION]}
    assert client.put(f"/__admin/roles/{ADMIN_ROLE}", json=every).status_code == 200
    ids: list[str] = []
    started = time.perf_counter()
    while len(ids) < args.conversations:
        count = min(MAX_SEED, args.conversations - len(ids))
        answer = client.post("/__admin/seed", json={"count": count, "traits": ["connected"]})
        ids += answer.json["conversationIds"]  # type: ignore[index]
    for index in range(args.requests):
        client.get(f"/api/v2/conversations/{ids[index % len(ids)]}")
    journal = client.get("/__admin/requests?pageSize=1").json
    print(
        f"{len(ids)} conversations, {journal['total']} journal entries "  # type: ignore[index]
        f"(filled in {time.perf_counter() - started:.1f} s); {args.rounds} rounds each"
    )

    cases = [
        ("conversation list, first page", "/__admin/ui/conversations", "/api/v2/conversations?pageSize=25"),
        ("journal, first page", "/__admin/ui/journal", "/__admin/requests?pageSize=25"),
        ("conversation list, state=connected", "/__admin/ui/conversations?state=connected", None),
        ("journal, status=404", "/__admin/ui/journal?status=404", None),
    ]
    for name, page, baseline in cases:
        times = timed(fetch(client, page), args.rounds)
        median = statistics.median(times)
        line = f"{name}: median {median:.1f} ms (range {min(times):.1f}-{max(times):.1f})"
        if baseline is not None:
            base = statistics.median(timed(fetch(client, baseline), args.rounds))
            verdict = "within" if median < TARGET_MS else "OVER"
            line += f"; JSON listing {base:.1f} ms, ratio {median / base:.2f}; {verdict} the {TARGET_MS:.0f} ms target"
        print(line)


if __name__ == "__main__":
    main()
