"""Granian servers that ``bench_server.py`` compares ``serve`` with (run by it, not by hand).

    python benchmarks/granian_baselines.py {wsgi,constant-rsgi,constant-wsgi} PORT [SOURCE]

- ``wsgi``: the app of the checkout at SOURCE (default: this one) on Granian's WSGI interface with
  2 blocking threads, as ``serve`` ran it before it moved to RSGI: configured by the same
  ``CALLBACK_MOCK_*`` variables, the collector paused while it loads, then frozen.
- ``constant-rsgi``, ``constant-wsgi``: an app that answers every request with the same 2,000 bytes
  and the three headers of the API's JSON answers, on each interface, each as serve sets it up:
  what the interface alone costs a request, with no app to speak of.
"""

from __future__ import annotations

import gc
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
    }[kind]
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
        workers=1,
        log_level=LogLevels.warning,
        **options,
    ).serve()


if __name__ == "__main__":
    main()
