"""The stream: the WebSocket side of the channels, on a port of its own, in a thread of its own.

``ws://HOST:PORT/channels/{channelId}``, no token on the socket (as the real service). One socket
per channel: a second connection closes the first. The server answers ``{"message": "ping"}``
with a ``pong`` on ``channel.metadata``, sends a ``WebSocket Heartbeat`` there every
``heartbeat`` seconds of **real** time (a keepalive is about the socket, which lives in real time,
not about the conversations' clock, which tests move by hours), and takes
``{"message": "subscribe"|"unsubscribe", "topics": [...], "correlationId": ...}`` as the REST routes.

The library is ``websockets`` (asyncio), chosen by measurement against picows: the same fan-out
latency to 100 sockets, less memory for 1,000 held sockets, and the one package the Python proof
client needs anyway (see the commit and ``benchmarks/bench_notifications.py``). Nothing here
imports Flask; the channels' lock is the only state shared with the API's threads, and what they
hand over (``send``, ``close``) is scheduled on this loop, never awaited by them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from mockserver.errors import ApiError
from mockserver.notifications.channels import Channels

_PREFIX = "/channels/"
_PONG = json.dumps({"topicName": "channel.metadata", "eventBody": {"message": "pong"}})
_HEARTBEAT = json.dumps({"topicName": "channel.metadata", "eventBody": {"message": "WebSocket Heartbeat"}})


class Stream:
    """The WebSocket server of ``channels``, started in a daemon thread (``start``/``stop``)."""

    def __init__(self, channels: Channels, *, heartbeat: float = 30.0) -> None:
        self.channels = channels
        self.heartbeat = heartbeat
        self.host = "127.0.0.1"
        self.port = 0
        self._sockets: dict[str, _Socket] = {}
        self._closing: set[asyncio.Future[None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    def start(self, host: str = "127.0.0.1", port: int = 0, *, reuse_port: bool = False) -> Stream:
        """Bind (port 0 picks one, read back into ``port``), serve in a daemon thread, become the sink.

        ``reuse_port``: several worker processes bind the one port, and the kernel spreads the
        sockets over them (their store's relay reaches each socket wherever it is held).
        """
        self.host = host
        loop = self._loop = asyncio.new_event_loop()

        async def bind() -> Server:
            server: Server = await serve(
                self._connection,
                host,
                port,
                ping_interval=None,
                compression=None,
                max_queue=None,
                reuse_port=reuse_port or None,
            )
            return server

        self._server = loop.run_until_complete(bind())
        self.port = self._server.sockets[0].getsockname()[1]
        self._thread = threading.Thread(target=loop.run_forever, name="callback-mock-stream", daemon=True)
        self._thread.start()
        self.channels.connect_base = self.url
        self.channels.sink = self
        return self

    def stop(self) -> None:
        """Close every socket, stop the loop and wait for the thread to end."""
        loop, server = self._loop, self._server
        if loop is None or server is None:
            return
        self.channels.sink = None

        async def shut() -> None:
            server.close()
            await server.wait_closed()

        asyncio.run_coroutine_threadsafe(shut(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join()
        loop.close()
        self._loop = self._server = self._thread = None

    # The sink: called from the API's threads, under the channels' lock

    def send(self, channel_id: str, text: str) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._send, channel_id, text)

    def close(self, channel_id: str) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._close, channel_id)

    def _send(self, channel_id: str, text: str) -> None:
        socket = self._sockets.get(channel_id)
        if socket is not None:
            socket.outbox.put_nowait(text)

    def _close(self, channel_id: str) -> None:
        socket = self._sockets.pop(channel_id, None)
        if socket is not None:
            task = asyncio.ensure_future(socket.connection.close(1000, "channel removed"))
            self._closing.add(task)  # held until done: the loop keeps only weak references
            task.add_done_callback(self._closing.discard)

    # The sockets

    async def _connection(self, connection: ServerConnection) -> None:
        path = connection.request.path if connection.request is not None else ""
        channel_id = path[len(_PREFIX) :] if path.startswith(_PREFIX) else ""
        if not channel_id or not self.channels.attach(channel_id):
            await connection.close(4004, "no such channel")  # the service's answer to a gone channel
            return
        socket = _Socket(connection)
        previous = self._sockets.get(channel_id)
        self._sockets[channel_id] = socket
        if previous is not None:
            await previous.connection.close(1000, "another socket connected to this channel")
        tasks = [asyncio.ensure_future(socket.write()), asyncio.ensure_future(self._heartbeats(socket))]
        try:
            async for message in connection:
                reply = self._answer(channel_id, message)
                if reply is not None:
                    socket.outbox.put_nowait(reply)
        except ConnectionClosed:
            pass
        finally:
            for task in tasks:
                task.cancel()
            if self._sockets.get(channel_id) is socket:
                del self._sockets[channel_id]
                self.channels.detach(channel_id)

    async def _heartbeats(self, socket: _Socket) -> None:
        while True:
            await asyncio.sleep(self.heartbeat)
            socket.outbox.put_nowait(_HEARTBEAT)

    def _answer(self, channel_id: str, message: str | bytes) -> str | None:
        try:
            request: Any = json.loads(message)
        except ValueError:
            return json.dumps({"result": "400", "status": "error", "message": "The message is not JSON."})
        kind = request.get("message") if isinstance(request, dict) else None
        if kind == "ping":
            return _PONG
        if kind not in ("subscribe", "unsubscribe"):
            return json.dumps({"result": "400", "status": "error", "message": f"Unknown message {kind!r}."})
        wanted = request.get("topics")
        correlation = request.get("correlationId")
        if not isinstance(wanted, list) or not all(isinstance(topic, str) for topic in wanted):
            return json.dumps(
                {
                    "result": "400",
                    "status": "error",
                    "correlationId": correlation,
                    "message": "topics must be a list of strings.",
                }
            )
        try:
            if kind == "subscribe":
                self.channels.subscribe(channel_id, wanted, replace=False, ignore_errors=False)
            else:
                self.channels.unsubscribe(channel_id, wanted)
        except ApiError as error:
            result = "404" if error.status == 404 else "400"
            return json.dumps(
                {
                    "result": result,
                    "status": "failure",
                    "correlationId": correlation,
                    "code": error.code,
                    "message": error.message,
                }
            )
        status = "subscribed" if kind == "subscribe" else "unsubscribed"
        return json.dumps({"result": "200", "status": status, "correlationId": correlation})


class _Socket:
    """A connection and its outbox: one writer sends every message in the order it was queued."""

    def __init__(self, connection: ServerConnection) -> None:
        self.connection = connection
        self.outbox: asyncio.Queue[str] = asyncio.Queue()

    async def write(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            while True:
                await self.connection.send(await self.outbox.get())
