"""One Redis connection on an asyncio event loop, its commands pipelined: the fast reads' round trips.

A request on the event loop that waits for Redis must not hold up the others: each command is
written at once and its reply awaited, while the loop serves other requests; Redis answers a
connection's commands in order, so one reader task hands each reply to the oldest waiter. The
replies are parsed by hiredis' ``Reader`` (C), and nothing else stands between a request and the
socket: redis-py's asyncio client costs several times the round trip here.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from typing import Any

import hiredis
from redis.connection import parse_url

from mockserver.store.errors import StoreError


class Pipelined:
    """Commands to the Redis server at ``url``, on the event loop they are first awaited on.

    A reply not come within ``timeout`` seconds (a connection not opened in that time) fails the
    call with ``TimeoutError``; its reply, if it comes, is skipped.
    """

    def __init__(self, url: str, *, timeout: float) -> None:
        self._settings = parse_url(url)  # type: ignore[no-untyped-call]
        self._timeout = timeout
        self._waiting: deque[asyncio.Future[Any]] = deque()
        self._writer: asyncio.StreamWriter | None = None
        self._reader: asyncio.Task[None] | None = None
        self._opening: asyncio.Lock | None = None

    async def call(self, *command: Any) -> Any:
        """The reply to ``command``; a Redis error reply is returned as ``hiredis.ReplyError``."""
        if self._writer is not None:
            writer = self._writer
        else:
            writer = await asyncio.wait_for(self._open(), self._timeout)
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Any] = loop.create_future()
        self._waiting.append(waiter)
        writer.write(hiredis.pack_command(command))
        # A timer, not wait_for: that would make a task for every call.
        timer = loop.call_later(self._timeout, _expire, waiter)
        try:
            return await waiter
        finally:
            timer.cancel()

    async def _open(self) -> asyncio.StreamWriter:
        if self._opening is None:
            self._opening = asyncio.Lock()
        async with self._opening:
            if self._writer is not None:
                return self._writer
            settings = self._settings
            if "path" in settings:
                stream, writer = await asyncio.open_unix_connection(settings["path"])
            else:
                stream, writer = await asyncio.open_connection(
                    settings.get("host", "localhost"), settings.get("port", 6379)
                )
            parser = hiredis.Reader()
            for command in _greeting(settings):  # before any other command can be written
                writer.write(hiredis.pack_command(command))
                reply = await _one(stream, parser)
                if isinstance(reply, hiredis.ReplyError):
                    writer.close()
                    raise StoreError(f"Redis refused {command[0]}: {reply}")
            self._reader = asyncio.get_running_loop().create_task(self._read(stream, parser))
            self._writer = writer
            return writer

    async def _read(self, stream: asyncio.StreamReader, parser: Any) -> None:
        try:
            while data := await stream.read(1 << 16):
                parser.feed(data)
                while (reply := parser.gets()) is not False:
                    waiter = self._waiting.popleft()
                    if not waiter.done():
                        waiter.set_result(reply)
            error: Exception = ConnectionError("Redis closed the connection")
        except (OSError, hiredis.ProtocolError) as lost:
            error = ConnectionError(f"the connection to Redis was lost: {lost}")
        # Every command still waiting fails; the next call opens a new connection.
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.close()
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_exception(error)

    async def close(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
        if self._reader is not None:
            self._reader.cancel()


def _expire(waiter: asyncio.Future[Any]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError("Redis did not answer in time"))


def _greeting(settings: dict[str, Any]) -> list[tuple[Any, ...]]:
    """AUTH and SELECT, as the URL asks."""
    commands: list[tuple[Any, ...]] = []
    if settings.get("password") is not None:
        user = settings.get("username")
        commands.append(("AUTH", user, settings["password"]) if user else ("AUTH", settings["password"]))
    if settings.get("db"):
        commands.append(("SELECT", settings["db"]))
    return commands


async def _one(stream: asyncio.StreamReader, parser: Any) -> Any:
    while (reply := parser.gets()) is False:
        data = await stream.read(1 << 16)
        if not data:
            raise StoreError("Redis closed the connection while it was being opened")
        parser.feed(data)
    return reply
