"""An event bus for tests: a small local HTTP receiver the server POSTs JSON to.

It stands where Amazon EventBridge would for the event sink's detail events, and where a workflow's
URL would for the triggers' deliveries: every POSTed body (an EventBridge event whose ``detail``
holds the detail event; a workflow's input) is recorded with its headers, and ``wait_for`` returns
the first that matches as soon as it has arrived (nothing sleeps). ``answer`` sets the status it
replies with (a 500 to test retries); ``hold`` keeps every answer back until ``release`` (a receiver
that hangs, to test timeouts). Only the standard library.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

JSON = dict[str, Any]


class EventBus:
    """A receiver on ``host`` (a free port), recording the events POSTed to ``url``."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.received: list[JSON] = []  # every event, in the order it arrived
        self.headers: list[dict[str, str]] = []  # the headers each of them came with
        self.status = 200  # what it answers
        self._arrived = threading.Condition()
        self._released = threading.Event()
        self._released.set()
        bus = self

        class _Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status = bus.status
                if 200 <= status < 300:
                    with bus._arrived:
                        bus.received.append(json.loads(body))
                        bus.headers.append(dict(self.headers))
                        bus._arrived.notify_all()
                bus._released.wait(30)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: a failed test's report shows the events, not a line per POST."""

        self._server = ThreadingHTTPServer((host, 0), _Handler)
        self._server.daemon_threads = True
        self.url = f"http://{host}:{self._server.server_port}/events"
        self._thread = threading.Thread(target=self._server.serve_forever, name="event-bus", daemon=True)
        self._thread.start()

    def events(self, detail_type: str | None = None) -> list[JSON]:
        """The events received so far (of ``detail_type``, the topic's template), oldest first."""
        with self._arrived:
            return [e for e in self.received if detail_type in (None, e.get("detail-type"))]

    def wait_for(self, predicate: Callable[[JSON], bool] = lambda event: True, timeout: float = 5.0) -> JSON:
        """The first event ``predicate`` accepts; raises ``TimeoutError`` after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        seen = 0
        with self._arrived:
            while True:
                for event in self.received[seen:]:
                    if predicate(event):
                        return event
                seen = len(self.received)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(
                        f"no event matched within {timeout} s: {len(self.received)} arrived "
                        f"({sorted({str(e.get('detail-type')) for e in self.received})})"
                    )
                self._arrived.wait(left)

    def answer(self, status: int) -> None:
        """Reply ``status`` to every POST from now on (a non-2xx one records nothing)."""
        self.status = status

    def hold(self) -> None:
        """Answer no POST (after recording it) until ``release``: a receiver that hangs."""
        self._released.clear()

    def release(self) -> None:
        """Answer the POSTs held, and every one from now on."""
        self._released.set()

    def close(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> EventBus:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
