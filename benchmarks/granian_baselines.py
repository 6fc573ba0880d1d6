"""Granian servers that ``bench_server.py`` compares ``serve`` with (run by it, not by hand).

    python benchmarks/granian_baselines.py {wsgi,constant-rsgi,constant-wsgi} PORT [SOURCE]
    python benchmarks/granian_baselines.py {constant-rsgi-2,shared-rsgi-2} PORT SOURCE [BODY_FILE KEY]

- ``wsgi``: the app of the checkout at SOURCE (default: this one) on Granian's WSGI interface with
  2 blocking threads, as ``serve`` ran it before it moved to RSGI: configured by the same
  ``CALLBACK_MOCK_*`` variables, the collector paused while it loads, then frozen.
- ``constant-rsgi``, ``constant-wsgi``: an app that answers every request with the same 2,000 bytes
  and the three headers of the API's JSON answers, on each interface, each as serve sets it up:
  what the interface alone costs a request, with no app to speak of.
- ``constant-rsgi-2``: the constant RSGI app in 2 worker processes: Granian's ceiling on every core.
- ``shared-rsgi-2``: 2 worker processes answering ``GET /api/v2/conversations/KEY`` with the bytes
  of BODY_FILE, which this process publishes in a ``SharedAnswers`` table before the workers
  start; each checks the bearer token and gives a fresh correlation id, as serve's fast path does,
  and journals nothing: the ceiling of read workers that answer from shared memory (issue 26).
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

BODY = b"{" + b" " * 1998 + b"}"
HEADERS = [
    ("Content-Type", "application/json"),
    ("Content-Length", str(len(BODY))),
    ("ININ-Correlation-Id", "00000000-0000-4000-8000-000000000000"),
]


def wsgi_app() -> Any:
    """The checkout's Flask app, loaded as the WSGI serve's worker loaded it."""
    gc.disable()
    try:
        from mockserver.app import create_app

        app = create_app()
    finally:
        gc.enable()
    gc.freeze()
    return app


class _Constant:
    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        protocol.response_bytes(200, HEADERS, BODY)


def constant_rsgi() -> _Constant:
    return _Constant()


def constant_wsgi() -> Callable[[dict[str, Any], Any], Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        start_response("200 OK", HEADERS)
        return [BODY]

    return app


class _SharedReads:
    """Answers GET by id from the shared table, as a read worker would (no journal, no faults)."""

    def __init__(self) -> None:
        import json

        from mockserver.store.shared_answers import SharedAnswers
        from mockserver.web.auth import correlation_id, is_authorized
        from mockserver.web.wire import json_headers

        self.table = SharedAnswers.attach(os.environ["CALLBACK_BENCH_TABLE"])
        self.tokens = frozenset(json.loads(os.environ["CALLBACK_MOCK_TOKENS"]))
        self.authorized, self.headers, self.correlation_id = is_authorized, json_headers, correlation_id

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        path = scope.path
        if (
            scope.method == "GET"
            and path.startswith(_PREFIX)
            and self.authorized(scope.headers.get("authorization", ""), self.tokens)
        ):
            body = self.table.get(path[len(_PREFIX) :])
            if body is not None:
                protocol.response_bytes(200, self.headers(body, self.correlation_id()), body)
                return
        protocol.response_bytes(404, [("Content-Length", "0")], b"")


_PREFIX = "/api/v2/conversations/"


def shared_rsgi() -> _SharedReads:
    return _SharedReads()


def main() -> None:
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    kind, port = sys.argv[1], int(sys.argv[2])
    # The checkout's mockserver, ahead of any other (an installed one, or PYTHONPATH's).
    sys.path.insert(0, sys.argv[3] if len(sys.argv) > 3 else str(Path(__file__).resolve().parents[1]))
    target, interface = {
        "wsgi": ("wsgi_app", Interfaces.WSGI),
        "constant-rsgi": ("constant_rsgi", Interfaces.RSGI),
        "constant-wsgi": ("constant_wsgi", Interfaces.WSGI),
        "constant-rsgi-2": ("constant_rsgi", Interfaces.RSGI),
        "shared-rsgi-2": ("shared_rsgi", Interfaces.RSGI),
    }[kind]
    table = None
    if kind == "shared-rsgi-2":
        from mockserver.store.shared_answers import SharedAnswers

        body = Path(sys.argv[4]).read_bytes()
        table = SharedAnswers.create(answers=16, data_bytes=16 * len(body))
        table.publish(sys.argv[5], body)
        os.environ["CALLBACK_BENCH_TABLE"] = table.name  # the workers attach it by name
    # Granian forks its worker from this process, which imports the target by name.
    options: dict[str, Any] = (
        {"blocking_threads": 2} if interface is Interfaces.WSGI else {"websockets": False}
    )
    Granian(
        f"granian_baselines:{target}",
        address="127.0.0.1",
        port=port,
        interface=interface,
        factory=True,
        workers=2 if kind.endswith("-2") else 1,
        log_level=LogLevels.warning,
        **options,
    ).serve()
    if table is not None:
        table.close()


if __name__ == "__main__":
    main()
