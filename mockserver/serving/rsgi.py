"""The WSGI app on Granian's RSGI interface: Granian reads each body, the app's threads never wait.

Under Granian's WSGI interface the app's own thread reads ``wsgi.input``, blocking inside Granian
until the client has sent what it announced: Granian has no body read timeout (its maintainers
declined one, emmett-framework/granian#728), so two clients that announce a ``Content-Length``
and stall hold both threads, and the API, for as long as they keep their connections open, and
shutdown waits for them. Reading the body from another thread does not help: a request whose
thread returns while its body is still being read holds the interpreter lock until the read ends.

Here Granian reads the body on its event loop, asynchronously, within ``body_timeout`` seconds
and ``max_body`` bytes, and only a complete body reaches the app. The app then runs on the event
loop itself while ``inline()`` says so (no fault is set: nothing in it waits), since handing each
request to a thread and back cost most of the throughput (benchmarks/README.md); while a fault
may sleep or cut a connection, it runs on one of ``threads`` threads, so a delayed request holds
up no other. A write to the control API (``slow_prefix``) runs on a thread too: an advance of the clock may
run many steps. With a shared store (``writes_off_loop``) a request that may write runs on a thread
too: a write may wait for the store's lock, which another replica holds, and that wait must not
hold up the reads this event loop answers. On the event loop a request without a body is first offered to ``bodyless`` (the
control middleware's ``answer_bodyless``), which answers the busiest one, GET by id, from the
request's headers alone: building its WSGI environ was a fifth of the time the event loop spent
on it (benchmarks/README.md).
A client too slow gets 408 ``client.timeout``; a body over the limit, announced or found while
reading a chunked one, gets 413: both in the API's ErrorBody, and neither costs a thread.
"""

from __future__ import annotations

import asyncio
import io
import logging
import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import contracts
from mockserver.config_parsers import ascii_int
from mockserver.control.recording import CLIENT_GONE
from mockserver.errors import MockServerError
from mockserver.state.errors import ApiError, http_error
from mockserver.web import sockets
from mockserver.web.auth import correlation_id
from mockserver.web.wire import Bodyless, json_headers

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication, WSGIEnvironment

_BASE_ENVIRON: dict[str, Any] = {
    "GATEWAY_INTERFACE": "CGI/1.1",
    "SCRIPT_NAME": "",
    "SERVER_SOFTWARE": "callback-contracts (Granian RSGI)",
    "wsgi.version": (1, 0),
    "wsgi.errors": sys.stderr,
    "wsgi.multithread": True,
    "wsgi.multiprocess": False,
    "wsgi.run_once": False,
    "wsgi.input_terminated": True,  # the body is all there: Werkzeug reads a chunked one too
}


class _TooLargeError(MockServerError):
    """A request body over the size limit (``__rsgi__`` answers it with a 413)."""


_RESET = ConnectionResetError("reset")  # what _run answers when the app reset the connection
_log = logging.getLogger("mockserver.faults")


class InjectedFault(MockServerError, ConnectionAbortedError):
    """What ``__rsgi__`` raises to make Granian abort a connection that a fault cut, on purpose.

    Granian logs an app's error as an ERROR with its traceback; serve's logging leaves this one out
    (by its class's name), and its one INFO line is logged here instead.
    """

    def __init__(self, fault: str, method: str, path: str) -> None:
        super().__init__(f"a {fault} fault cut the answer to {method} {path}")
        self.fault = fault


# Methods that change nothing: a shared store's lock is never waited for to answer them.
_READS = frozenset(("GET", "HEAD", "OPTIONS"))


class RsgiBridge:
    """An RSGI app that reads each body in full, in bounds, then runs ``app``.

    ``app`` runs on the event loop while ``inline()`` (a write only unless ``writes_off_loop``),
    else on a thread pool. There, before any environ is built, ``bodyless`` may answer a request
    without a body. ``on_close`` runs when Granian ends the worker's serving (``__rsgi_del__``).
    """

    def __init__(
        self,
        app: WSGIApplication,
        *,
        threads: int,
        max_body: int,
        body_timeout: float,
        inline: Callable[[], bool] = lambda: False,
        bodyless: Bodyless | None = None,
        writes_off_loop: bool = False,
        slow_prefix: str | None = None,
        on_close: Callable[[], None] = lambda: None,
    ) -> None:
        self.app = app
        self.on_close = on_close
        self.inline = inline
        self.writes_off_loop = writes_off_loop
        # Writes under this prefix (the control API's) may run long (an advance of the clock runs
        # every step it makes due): they run on a thread, and the event loop answers the rest meanwhile.
        self.slow_prefix = "\0" if slow_prefix is None else slow_prefix
        self.bodyless = bodyless
        self.max_body = max_body
        self.body_timeout = body_timeout
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="callback-mock")

    def __rsgi_del__(self, loop: Any) -> None:
        """Granian's word that the worker stopped serving (a graceful stop)."""
        self.on_close()

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        if scope.proto != "http":  # websockets: the API has none
            return
        headers = scope.headers
        length_header = headers.get("content-length")
        if length_header is not None:
            length = ascii_int(length_header)
            if length is None:
                return _error(protocol, http_error(400))
            if length > self.max_body:
                return _error(protocol, http_error(413))  # not read: the connection closes
        entries = _header_entries(headers)
        path = scope.path
        if not path.isascii():  # PEP 3333: the path's bytes as latin-1 (RSGI decodes it as UTF-8)
            path = path.encode("utf-8", "surrogateescape").decode("latin-1")
        if length_header is None and "transfer-encoding" not in headers:
            # HTTP/1.1: no Content-Length and no chunks, no body (most requests: GETs)
            if self.bodyless is not None and self.inline():
                answer = await self.bodyless(scope.method, path, scope.query_string, entries)
                if answer is not None:
                    protocol.response_bytes(200, *answer)
                    return
            body = b""
        else:
            try:
                # wait_for makes a task and a timer: paid only by a request that has a body.
                body = await asyncio.wait_for(self._read(protocol), self.body_timeout)
            except _TooLargeError:
                return _error(protocol, http_error(413))
            except TimeoutError:
                return _error(protocol, http_error(408))
        environ = _environ(scope, path, entries, body)
        if self.inline() and not (
            scope.method not in _READS and (self.writes_off_loop or path.startswith(self.slow_prefix))
        ):
            status, response_headers, chunks, aborted = self._run(environ)
        else:
            loop = asyncio.get_running_loop()
            # On a thread a latency fault may wait: it waits on ``went``, set if the client goes.
            went = threading.Event()
            environ[CLIENT_GONE] = went.wait
            watching = loop.create_task(_watch(protocol, went))
            try:
                status, response_headers, chunks, aborted = await loop.run_in_executor(
                    self._pool, self._run, environ
                )
            finally:
                watching.cancel()
            if went.is_set():
                return  # nobody to answer
        if aborted is None:
            protocol.response_bytes(status, response_headers, b"".join(chunks))
            return
        if aborted is _RESET:
            # A reset fault: Granian keeps the socket from the app, so it is found by its addresses.
            # (A request forwarded by a read worker names this connection's ends ``local`` and ``peer``.)
            local, peer = getattr(scope, "local", scope.server), getattr(scope, "peer", scope.client)
            descriptor = sockets.find(_address(local), _address(peer))
            if descriptor is not None:
                sockets.reset(descriptor)
                raise _fault("reset", scope)
        # The app cut its answer short on purpose (a drop or truncate fault): send what it yielded
        # and end the stream unfinished, short of the Content-Length it announced.
        transport = protocol.response_stream(status, response_headers)
        for chunk in chunks:
            await transport.send_bytes(chunk)
        # Raised at once, Granian may still replace the answer with a complete 500: a moment
        # lets the status line (and what was yielded) reach the client first.
        await asyncio.sleep(0.05)
        raise _fault("truncate" if any(chunks) else "drop", scope)

    async def _read(self, protocol: Any) -> bytes:
        received = bytearray()
        async for chunk in protocol:
            received += chunk
            if len(received) > self.max_body:
                raise _TooLargeError
        return bytes(received)

    def _run(
        self, environ: WSGIEnvironment
    ) -> tuple[int, list[tuple[str, str]], list[bytes], BaseException | None]:
        """The app's answer: status, headers, body chunks, and the error that aborted it, if any."""
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            started[:] = [int(status[:3]), headers]
            return lambda data: None

        chunks: list[bytes] = []
        try:
            result: Iterable[bytes] = self.app(environ, start_response)
            try:
                chunks.extend(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except ConnectionError as error:  # a fault closing the connection (drop, reset, truncate)
            if not started:
                started[:] = [200, [("Content-Length", "1")]]
            return (
                started[0],
                started[1],
                chunks,
                _RESET if isinstance(error, ConnectionResetError) else error,
            )
        return started[0], started[1], chunks, None


async def _watch(protocol: Any, went: threading.Event) -> None:
    """Set ``went`` when the client closes its connection (RSGI's ``client_disconnect``)."""
    await protocol.client_disconnect()
    went.set()


def _fault(kind: str, scope: Any) -> InjectedFault:
    fault = InjectedFault(kind, scope.method, scope.path)
    _log.info("%s", fault)
    return fault


def _address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)


def _error(protocol: Any, error: ApiError) -> None:
    """The API's ErrorBody, closing the connection: what the client may still send is unread."""
    answered_id = correlation_id()
    body = contracts.dumps(error.body(answered_id)).encode()
    headers = [*json_headers(body, answered_id), ("Connection", "close")]
    protocol.response_bytes(error.status, headers, body)


def _environ(scope: Any, path: str, entries: dict[str, str], body: bytes) -> dict[str, Any]:
    """The WSGI environ of an RSGI scope, its header ``entries`` last (as Granian's WSGI puts them)."""
    server, _, server_port = scope.server.rpartition(":")
    client, _, _ = scope.client.rpartition(":")
    environ = dict(_BASE_ENVIRON)
    environ.update(
        {
            "REQUEST_METHOD": scope.method,
            "PATH_INFO": path,
            "QUERY_STRING": scope.query_string,
            "SERVER_NAME": server.strip("[]"),
            "SERVER_PORT": server_port,
            "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
            "REMOTE_ADDR": client.strip("[]"),
            "wsgi.url_scheme": scope.scheme,
            "wsgi.input": io.BytesIO(body),
        }
    )
    environ.update(entries)
    return environ


def _header_entries(headers: Any) -> dict[str, str]:
    """The environ entries of RSGI ``headers`` (``HTTP_X_API_KEY``, ``CONTENT_TYPE``), in their order.

    A name's values are joined (cookies' with ``;``) but for those that are not visible ASCII (a
    name with none left has an empty entry), and of two names with one key (``X-Key``, ``X_Key``)
    the later wins.
    """
    entries: dict[str, str] = {}
    # items() gives every value, a name's repeats together, in one call; it leaves out what is
    # not visible ASCII, and joins two names that share a key: those few take the long way.
    for name, value in headers.items():
        key, separator = _environ_key(name)
        if key in entries:
            entries[key] = f"{entries[key]}{separator}{value}"
        else:
            entries[key] = value
    if len(entries) == len(headers):
        return entries
    entries.clear()
    for name in headers.keys():  # noqa: SIM118 - RSGIHeaders iterates, but keys() is its documented API
        key, separator = _environ_key(name)
        entries[key] = separator.join(headers.get_all(name))
    return entries


@lru_cache(maxsize=1024)
def _environ_key(name: str) -> tuple[str, str]:
    """The environ key of a header (``HTTP_X_API_KEY``, ``CONTENT_TYPE``) and how its repeats join."""
    key = name.upper().replace("-", "_")
    separator = ";" if key == "COOKIE" else ","
    return (key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"), separator
