"""The stream: the WebSocket side of the channels, on a port of its own, in a thread of its own.

``ws://HOST:PORT/channels/{channelId}``, no token on the socket (as the real service). One socket
per channel: a second connection closes the first. The server answers ``{"message": "ping"}``
with a ``pong`` on ``channel.metadata``, sends a ``WebSocket Heartbeat`` there every
``heartbeat`` seconds of **real** time (a keepalive is about the socket, which lives in real time,
not about the conversations' clock, which tests move by hours), and takes
``{"message": "subscribe"|"unsubscribe", "topics": [...], "correlationId": ...}`` as the REST routes.
A message it cannot take (not JSON, nested past orjson's 1,024 levels as the REST side reads it,
a field of the wrong type) is answered with a ``400`` naming the field, and the socket stays open.

Each socket's unsent messages are bounded (``outbox_bytes``): a client that reads more slowly than
its channel is told things falls behind, and is closed with 1008 rather than held in memory, as a
socket that never completes its opening handshake is closed after ``idle`` seconds.

The library is ``websockets`` (asyncio), chosen by measurement against picows: the same fan-out
latency to 100 sockets, less memory for 1,000 held sockets, and the one package the Python proof
client needs anyway (see the commit and ``benchmarks/bench_notifications.py``). Nothing here
imports Flask; the channels' lock is the only state shared with the API's threads, and what they
hand over (``send``, ``close``) is scheduled on this loop, never awaited by them.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from socket import SO_SNDBUF, SOL_SOCKET
from typing import Any, NamedTuple

import orjson
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode

from mockserver.config import DEFAULTS
from mockserver.notifications.channels import Channels
from mockserver.state.errors import ApiError

_PREFIX = "/channels/"
_PONG = orjson.dumps({"topicName": "channel.metadata", "eventBody": {"message": "pong"}})
_HEARTBEAT_TEXT = orjson.dumps(
    {"topicName": "channel.metadata", "eventBody": {"message": "WebSocket Heartbeat"}}
)
_KINDS = ("ping", "subscribe", "unsubscribe")


class _Message(NamedTuple):
    """A text message framed for any of the stream's connections, and its UTF-8 size (what a
    socket's outbox bound counts). The stream negotiates no extension (``compression=None``), so a
    frame's bytes are the same on every connection: a step's event to ten sockets is framed once,
    by websockets' own ``Frame`` (a server never masks)."""

    frame: bytes
    size: int

    @classmethod
    def of(cls, data: bytes) -> _Message:
        return cls(Frame(Opcode.TEXT, data).serialize(mask=False), len(data))


_HEARTBEAT = _Message.of(_HEARTBEAT_TEXT)
# Inferred (the service's documents say nothing of slow readers): 1008, as the client broke the
# stream's rule of reading what it is sent; it may connect again to the same channel.
_TOO_SLOW = 1008
# What the kernel holds for a socket (Linux doubles it): without a size, it grows to 4 MB for a
# client that does not read, beside the outbox. 128 KiB in flight keeps a reader at 100 ms fed at 1 MB/s.
_SEND_BUFFER = 128 * 1024
# Seconds a client has to take the close frame before its connection is cut: websockets' close()
# waits for the frame to be written first, which a client that does not read never lets happen.
_CLOSE_SECONDS = 5.0
# The most a batch hands the connection in one write: websockets' default write limit (the bytes its
# transport holds before ``send`` waits), so a batch holds no more than one ``send`` at a time did.
_BATCH_BYTES = 32 * 1024
# How long the loop lets handed messages gather after a wake before it takes them: a 24 h advance
# hands ~3,000 in 0.1 s, and taking each step's alone made the loop contend for the interpreter with
# the engine's thread at every step (benchmarks/README.md, bench_waking (c): 0 s, 2 ms and 5 ms measured).
_GATHER_SECONDS = 0.002
# The longest a hold (``Stream.holding``: the engine's run of steps up to an instant) keeps what it is
# handed from the sockets: a long advance still reaches them in batches while it runs.
HOLD_SECONDS = 0.25


class Stream:
    """The WebSocket server of ``channels``, started in a daemon thread (``start``/``stop``).

    ``idle``: seconds a connection has to complete its opening handshake (websockets'
    ``open_timeout``). ``outbox_bytes``: the most a socket's unsent messages may hold (UTF-8);
    a message that would pass it closes the socket (1008) and drops what was waiting.
    """

    def __init__(
        self,
        channels: Channels,
        *,
        heartbeat: float = DEFAULTS["HEARTBEAT_SECONDS"],
        idle: float = DEFAULTS["IDLE_SECONDS"],
        outbox_bytes: int = DEFAULTS["STREAM_OUTBOX_BYTES"],
    ) -> None:
        self.channels = channels
        self.heartbeat = heartbeat
        self.idle = idle
        self.outbox_bytes = outbox_bytes
        self.host = DEFAULTS["STREAMING_HOST"]
        self.port = 0
        self._sockets: dict[str, _Socket] = {}
        self._closing: set[asyncio.Future[None]] = set()
        # Every connection until it has closed, its close frame taken or not (websockets'
        # ``Server.connections`` lists only open ones).
        self._connected: set[ServerConnection] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        # What the API's threads hand the loop, in order (a text for some channels, or None: close a
        # channel), and whether the loop has been woken for it: one wake hands over every message a
        # step or a chunk pushed.
        self._handed: list[tuple[Sequence[str] | str, str | None]] = []
        self._handed_lock = threading.Lock()
        self._woken = False
        self._holders = 0  # the holds in force (``holding``), and since when what waits has been held
        self._held_since = 0.0

    @classmethod
    def from_config(cls, channels: Channels, config: Mapping[str, Any]) -> Stream:
        """The stream as the server's settings say (``HEARTBEAT_SECONDS``, ``IDLE_SECONDS``, ...)."""
        return cls(
            channels,
            heartbeat=float(config.get("HEARTBEAT_SECONDS", DEFAULTS["HEARTBEAT_SECONDS"])),
            idle=float(config.get("IDLE_SECONDS", DEFAULTS["IDLE_SECONDS"])),
            outbox_bytes=int(config.get("STREAM_OUTBOX_BYTES", DEFAULTS["STREAM_OUTBOX_BYTES"])),
        )

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    def pending(self, channel_id: str) -> int:
        """Bytes of messages waiting to be sent on the channel's socket (0 without one)."""
        socket = self._sockets.get(channel_id)
        return 0 if socket is None else socket.pending

    def start(
        self,
        host: str = DEFAULTS["STREAMING_HOST"],
        port: int = DEFAULTS["STREAMING_PORT"],
        *,
        reuse_port: bool = False,
    ) -> Stream:
        """Bind (port 0 picks one, read back into ``port``), serve in a daemon thread, become the sink.

        ``reuse_port``: several worker processes bind the one port, and the kernel spreads the
        sockets over them (their store's relay reaches each socket wherever it is held).
        """
        self.host = host
        with self._handed_lock:  # a stream started again starts with nothing handed over
            self._handed, self._woken = [], False
        loop = self._loop = asyncio.new_event_loop()

        async def bind() -> Server:
            server: Server = await serve(
                self._connection,
                host,
                port,
                ping_interval=None,
                compression=None,
                open_timeout=self.idle,
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
            try:
                await asyncio.wait_for(server.wait_closed(), _CLOSE_SECONDS)
            except asyncio.TimeoutError:
                for connection in list(self._connected):  # clients that did not take their close frame
                    connection.transport.abort()
                await server.wait_closed()

        asyncio.run_coroutine_threadsafe(shut(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join()
        loop.close()
        self._loop = self._server = self._thread = None

    # The sink: called from the API's threads, under the channels' lock

    def send(self, channel_ids: Sequence[str], text: str) -> None:
        self._hand(channel_ids, text)

    def close(self, channel_id: str) -> None:
        self._hand(channel_id, None)

    @contextmanager
    def holding(self) -> Iterator[None]:
        """What is handed meanwhile waits, the loop not woken for it, until the last hold ends (then
        ``_GATHER_SECONDS`` later, as any wake: the request that held it answers first) or has held it
        ``HOLD_SECONDS``: the loop's turns would contend for the interpreter with the thread running
        the steps, a switch each (benchmarks/README.md, bench_waking (c))."""
        with self._handed_lock:
            if not self._holders:
                self._held_since = time.monotonic()
            self._holders += 1
        try:
            yield
        finally:
            with self._handed_lock:
                self._holders -= 1
                wake = not self._holders and bool(self._handed) and not self._woken
                self._woken = self._woken or wake
            loop = self._loop
            if wake and loop is not None:
                loop.call_soon_threadsafe(loop.call_later, _GATHER_SECONDS, self._take)

    def _hand(self, channel: Sequence[str] | str, text: str | None) -> None:
        """Hand the loop a message (or a close), in order; wake it only if it is not woken already
        nor held: each wake costs the loop a turn and the engine's thread a switch. A woken loop takes
        what was handed ``_GATHER_SECONDS`` later, so a run of steps reaches each socket in a few
        writes; a client's ping takes it at once (its pong follows what came before)."""
        loop = self._loop
        if loop is None:
            return
        with self._handed_lock:
            self._handed.append((channel, text))
            if self._woken:
                return
            if self._holders:
                now = time.monotonic()
                if now - self._held_since < HOLD_SECONDS:
                    return
                self._held_since = now  # held long enough: what waits goes now, what follows waits again
            self._woken = True
        loop.call_soon_threadsafe(loop.call_later, _GATHER_SECONDS, self._take)

    def _take(self) -> None:
        with self._handed_lock:
            handed, self._handed = self._handed, []
            self._woken = False
        for channel, text in handed:
            if text is None:
                assert isinstance(channel, str)
                self._close(channel)
            else:
                self._send(channel, text)

    def _send(self, channel_ids: Sequence[str], text: str) -> None:
        """One message to several sockets: framed once, the same frame queued on each."""
        message: _Message | None = None
        for channel_id in channel_ids:
            socket = self._sockets.get(channel_id)
            if socket is not None:
                message = message or _Message.of(text.encode())
                self._put(channel_id, socket, message)

    def _close(self, channel_id: str) -> None:
        socket = self._sockets.pop(channel_id, None)
        if socket is not None:
            self._closed(socket, 1000, "channel removed")

    def _put(self, channel_id: str, socket: _Socket, message: _Message) -> None:
        """Queue ``message`` on the socket; past its bound, close it: its client fell behind."""
        if socket.put(message):
            return
        if self._sockets.get(channel_id) is socket:
            del self._sockets[channel_id]
            self.channels.detach(channel_id)  # what comes next is not delivered: the log says so
        self._closed(socket, _TOO_SLOW, f"too slow: over {self.outbox_bytes} bytes waited to be sent")

    def _closed(self, socket: _Socket, code: int, reason: str) -> None:
        """Close the socket without waiting: a client that does not read delays its close frame."""
        socket.drop()
        task = asyncio.ensure_future(_close_within(socket.connection, code, reason))
        self._closing.add(task)  # held until done: the loop keeps only weak references
        task.add_done_callback(self._closing.discard)

    # The sockets

    async def _connection(self, connection: ServerConnection) -> None:
        self._connected.add(connection)
        closed = asyncio.ensure_future(connection.wait_closed())
        closed.add_done_callback(lambda _: self._connected.discard(connection))
        path = connection.request.path if connection.request is not None else ""
        channel_id = path[len(_PREFIX) :] if path.startswith(_PREFIX) else ""
        if not channel_id or not self.channels.attach(channel_id):
            await connection.close(4004, "no such channel")  # the service's answer to a gone channel
            return
        raw = connection.transport.get_extra_info("socket")
        if raw is not None:
            raw.setsockopt(SOL_SOCKET, SO_SNDBUF, _SEND_BUFFER)
        socket = _Socket(connection, self.outbox_bytes)
        previous = self._sockets.get(channel_id)
        self._sockets[channel_id] = socket
        if previous is not None:
            self._closed(previous, 1000, "another socket connected to this channel")
        tasks = [
            asyncio.ensure_future(socket.write()),
            asyncio.ensure_future(self._heartbeats(channel_id, socket)),
        ]
        try:
            async for message in connection:
                if socket.dropped:
                    continue  # closing: its client is told nothing more
                self._take()  # what was handed before goes first (a pong follows every event before it)
                self._put(channel_id, socket, _Message.of(self._answer(channel_id, message)))
        except ConnectionClosed:
            pass
        finally:
            for task in tasks:
                task.cancel()
            if self._sockets.get(channel_id) is socket:
                del self._sockets[channel_id]
                self.channels.detach(channel_id)

    async def _heartbeats(self, channel_id: str, socket: _Socket) -> None:
        while not socket.dropped:
            await asyncio.sleep(self.heartbeat)
            self._put(channel_id, socket, _HEARTBEAT)

    def _answer(self, channel_id: str, message: str | bytes) -> bytes:
        """The reply to a client's message: read as the REST routes read a body (orjson)."""
        try:
            request: Any = orjson.loads(message)
        except orjson.JSONDecodeError as error:
            return _error(None, f"The message is not JSON: {error}.")
        if not isinstance(request, dict):
            return _error(None, f"$: expected an object, got {_shown(request)}.")
        correlation = request.get("correlationId")
        kind = request.get("message")
        if not isinstance(kind, str) or kind not in _KINDS:
            return _error(correlation, f"$.message: expected one of {', '.join(_KINDS)}, got {_shown(kind)}.")
        if kind == "ping":
            return _PONG
        wanted = request.get("topics")
        if not isinstance(wanted, list):
            return _error(correlation, f"$.topics: expected a list of strings, got {_shown(wanted)}.")
        for index, topic in enumerate(wanted):
            if not isinstance(topic, str):
                return _error(correlation, f"$.topics[{index}]: expected a string, got {_shown(topic)}.")
        try:
            if kind == "subscribe":
                self.channels.subscribe(channel_id, wanted, replace=False, ignore_errors=False)
            else:
                self.channels.unsubscribe(channel_id, wanted)
        except ApiError as error:
            result = "404" if error.status == 404 else "400"
            return orjson.dumps(
                {
                    "result": result,
                    "status": "failure",
                    "correlationId": correlation,
                    "code": error.code,
                    "message": error.message,
                }
            )
        status = "subscribed" if kind == "subscribe" else "unsubscribed"
        return orjson.dumps({"result": "200", "status": status, "correlationId": correlation})


async def _close_within(connection: ServerConnection, code: int, reason: str) -> None:
    """Close with ``code``; cut the connection if its client has not taken the frame in time."""
    try:
        await asyncio.wait_for(connection.close(code, reason), _CLOSE_SECONDS)
    except asyncio.TimeoutError:
        connection.transport.abort()


def _error(correlation: Any, message: str) -> bytes:
    """The stream's answer to a message it cannot take: the socket stays open."""
    answer: dict[str, Any] = {"result": "400", "status": "error", "message": message}
    if correlation is not None:
        answer["correlationId"] = correlation
    return orjson.dumps(answer)


def _shown(value: Any) -> str:
    """What arrived, as JSON, cut short: a megabyte of it is not echoed back."""
    text = orjson.dumps(value).decode() if value is not None else "nothing"
    return text if len(text) <= 80 else text[:77] + "..."


class _Socket:
    """A connection and its outbox: one writer sends every message in the order it was queued.

    ``pending`` counts the bytes queued and not yet handed to the connection, which holds at most
    its ``write_limit`` (32 KiB) and one batch (``_BATCH_BYTES``) more while the client does not read.
    """

    def __init__(self, connection: ServerConnection, limit: int) -> None:
        self.connection = connection
        self.limit = limit
        self.pending = 0
        self.dropped = False
        self._outbox: collections.deque[_Message] = collections.deque()
        self._ready = asyncio.Event()

    def put(self, message: _Message) -> bool:
        """Queue ``message``; False, and nothing queued, if it would pass the limit."""
        if self.dropped:
            return True
        if self.pending + message.size > self.limit:
            return False
        self._outbox.append(message)
        self.pending += message.size
        self._ready.set()
        return True

    def drop(self) -> None:
        """Queue nothing more and let go of what waits: the socket is closing."""
        self.dropped = True
        self._outbox.clear()
        self.pending = 0

    async def write(self) -> None:
        """Send what is queued, a batch at a time: every frame waiting is handed to the transport in
        one write (one system call), not one ``send`` each (benchmarks/README.md, (c)).

        websockets' ``send`` frames one message inside ``send_context``, which checks the connection
        is open, writes what the protocol has to send and waits for the transport's buffer to drain
        below its limit (flow control); a batch goes through the same context, so a closing
        connection, a failed write and a client that does not read are handled as for one ``send``.
        """
        connection = self.connection
        with contextlib.suppress(ConnectionClosed):
            while True:
                await self._ready.wait()
                self._ready.clear()
                while self._outbox and not self.dropped:
                    async with connection.send_context():
                        handed = 0  # at least one message, then as many as fit in a write limit
                        frames = []
                        while self._outbox and (not handed or handed + self._outbox[0].size <= _BATCH_BYTES):
                            message = self._outbox.popleft()
                            handed += message.size
                            frames.append(message.frame)
                        self.pending -= handed
                        # Whole text frames, each a message: the protocol keeps no state of those it
                        # did not frame itself, and is open (the context checked it, and nothing
                        # awaited since); the connection writes its own frames (pongs, close) at once.
                        connection.transport.write(b"".join(frames))
