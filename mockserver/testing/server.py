"""The mock server on a real socket in a daemon thread of the test process."""

from __future__ import annotations

import select
import socket
import threading
import time
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from mockserver.app import create_app
from mockserver.control.client import AdminClient
from mockserver.control.recording import CLIENT_GONE
from mockserver.notifications.stream import Stream
from mockserver.state.backend import Backend
from mockserver.state.waking import Waker
from mockserver.web.current import backend_of

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# How often the serving thread looks whether stop() asked it to end: socketserver's shutdown() waits
# for that look, and its default of 0.5 s made every stop (each marker test's own server) cost 500 ms.
POLL_SECONDS = 0.01


class MockServer(AdminClient):
    """The mock server in a daemon thread of this process, on a port the OS picks.

    The control API's methods (``seed``, ``put_conversation``, ``requests``, ``verify``, ``fault``,
    ``rate_limit``, ...) come from ``AdminClient``; ``reset`` goes straight to the backend.
    Requests are not logged one line each (the journal has them all) unless ``log_requests``:
    then Werkzeug logs each at INFO on the ``werkzeug`` logger. Errors are logged either way.
    """

    def __init__(
        self,
        config: dict[str, Any] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        log_requests: bool = False,
    ) -> None:
        self.app: Flask = create_app(config)
        self.log_requests = log_requests
        self.admin_prefix = self.app.config["ADMIN_PREFIX"].rstrip("/")
        self.admin_token = self.app.config["ADMIN_TOKEN"]
        self.host = host
        self.port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.stream = Stream.from_config(self.backend.notifications, self.app.config)
        self.waker = Waker(self.backend.engine)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def backend(self) -> Backend:
        return backend_of(self.app)

    def start(self) -> MockServer:
        """Bind (port 0 picks a free port, read back into ``port``) and serve in a daemon thread.

        The notification stream starts too, on ``STREAMING_PORT`` (0: a free one; ``stream.url``),
        and the lifecycle's waker, which runs each step at its due time (``stop`` ends both).
        """
        self.stream.start(self.app.config["STREAMING_HOST"], int(self.app.config["STREAMING_PORT"]))
        handler = WSGIRequestHandler if self.log_requests else _QuietRequestHandler
        self._server = make_server(
            self.host, self.port, _telling_when_gone(self.app), threaded=True, request_handler=handler
        )
        self.port = self._server.server_port
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(POLL_SECONDS,), name="callback-mock", daemon=True
        )
        self._thread.start()
        self.waker.start()  # the lifecycle's steps run at their due time, with or without requests
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread to end."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None
        self.waker.stop()
        self.stream.stop()
        self.backend.close_senders()  # the event sink's and the workflows': what waits is dropped

    def reset(self) -> None:
        """Back to the seeded dataset, with the journal cleared and no faults or rate limit."""
        self.backend.reset()

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _telling_when_gone(app: WSGIApplication) -> WSGIApplication:
    """``app`` with ``CLIENT_GONE`` in each environ: a wait that ends early if the client closes its connection."""

    def served(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        connection = environ.get("werkzeug.socket")
        if connection is not None:
            environ[CLIENT_GONE] = partial(_wait_unless_gone, connection)
        return app(environ, start_response)

    return served


def _wait_unless_gone(connection: socket.socket, seconds: float) -> bool:
    """Wait ``seconds``; True as soon as the client closes ``connection`` (it reads as ended)."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        readable, _, _ = select.select([connection], [], [], left)
        if not readable:
            return False
        try:
            if connection.recv(1, socket.MSG_PEEK) == b"":
                return True
        except OSError:  # reset by the client
            return True
        time.sleep(left)  # the client sent more (a pipelined request): it is still there
        return False
    return False


class _QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler without its line per request, which would flood a failed test's report."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Nothing: the journal (``requests()``) keeps every request, and errors are still logged."""
