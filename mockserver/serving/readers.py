"""The read workers of ``serve --read-workers N`` (issue 26): GET by id on every core.

Each read worker is a Granian worker on the public port. It answers ``GET
/api/v2/conversations/{id}`` from the owner's shared table (``SharedAnswers``) only while the
owner's gate (``ReadGate``) allows it: nothing set that changes a read (a fault, a stub, the rate
limit, ``advanceOn: reads``), no lifecycle step due at the read's instant, the Authorization
header one the owner has found permitted (and not expired), no ``Origin`` (the CORS layer's
business), a Host the owner answers to, and the conversation in the table. Such a read is
journaled as the owner journals it (``fast_read_fields``), numbered from the shared counter, in
the shared ring (``JournalRing``); a full ring sends the read to the owner too.

Everything else is forwarded to the owner on its loopback port, over keep-alive connections:
the request's method, target, headers and body (a chunked body is sent with its length), with
one more header (``owner.FORWARDED``) carrying serve's secret and the client's and the public
socket's addresses, which the owner's app sees in place of the read worker's. The owner's answer
comes back as it left: status, headers and body; one the owner cut short (a drop or truncate
fault) is cut short here too, and one it reset resets the client's connection. The notification
stream is the owner's own port (``connectUri`` names it), so no WebSocket passes through here.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

from mockserver.api.fast_reads import PREFIX
from mockserver.config import DEFAULTS, from_environ
from mockserver.config_parsers import ascii_int
from mockserver.control.journal import fast_read_fields
from mockserver.errors import MockServerError
from mockserver.serving.owner import FORWARDED
from mockserver.serving.rsgi import InjectedFault, _address, _error, _header_entries
from mockserver.serving.worker import READERS_VARIABLE
from mockserver.state.errors import http_error
from mockserver.store.journal_ring import JournalRing, inherited_lock
from mockserver.store.read_gate import ReadGate, digest
from mockserver.store.shared_answers import SharedAnswers
from mockserver.web import sockets
from mockserver.web.auth import correlation_id
from mockserver.web.guard import AdmittedHosts
from mockserver.web.wire import json_headers

_HOP_BY_HOP = frozenset(("keep-alive", "transfer-encoding"))
_IDLE_KEPT = 64  # keep-alive connections to the owner a worker keeps idle


class _Cut(MockServerError):
    """The owner's answer ended before its body did: ``status``, ``headers`` and what arrived."""

    def __init__(self, status: int, headers: list[tuple[str, str]], partial: bytes) -> None:
        super().__init__("cut")
        self.status, self.headers, self.partial = status, headers, partial


class _Owner:
    """Keep-alive HTTP/1.1 connections to the owner on ``127.0.0.1:port``."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def exchange(
        self, head: bytes, body: bytes, *, head_only: bool
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """The owner's answer to the request ``head`` + ``body``; ``_Cut`` if it ended short,
        ``ConnectionResetError`` if the owner reset it."""
        while self._idle:
            reader, writer = self._idle.pop()
            try:
                return await self._over(reader, writer, head, body, head_only)
            except _Stale:
                writer.close()
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            return await self._over(reader, writer, head, body, head_only)
        except _Stale:
            raise _Cut(0, [], b"") from None

    async def _over(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        head: bytes,
        body: bytes,
        head_only: bool,
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        try:
            writer.write(head + body)
            line = await reader.readline()
        except BrokenPipeError:
            raise _Stale from None
        # (A reset is the owner's reset fault: it goes on to the client, never sent again.)
        if not line:
            raise _Stale  # closed while idle (the owner's idle timeout): no answer began
        status = int(line[9:12])
        headers: list[tuple[str, str]] = []
        length: int | None = None
        chunked, reusable = False, True
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip(), value.strip()
            lowered = name.lower()
            if lowered == "content-length":
                length = ascii_int(value)
            elif lowered == "transfer-encoding":
                chunked = "chunked" in value.lower()
            elif lowered == "connection" and value.lower() == "close":
                reusable = False
            if lowered not in _HOP_BY_HOP:
                headers.append((name, value))
        try:
            if head_only or status in (204, 304) or 100 <= status < 200:
                answer = b""
            elif chunked:
                answer = await _chunks(reader)
            elif length is not None:
                answer = await reader.readexactly(length)
            else:
                answer, reusable = await reader.read(), False
        except asyncio.IncompleteReadError as error:
            writer.close()
            raise _Cut(status, headers, error.partial) from None
        if reusable and len(self._idle) < _IDLE_KEPT:
            self._idle.append((reader, writer))
        else:
            writer.close()
        return status, headers, answer


class _Stale(MockServerError):
    """A kept connection the owner closed before answering: the request goes on a fresh one."""


async def _chunks(reader: asyncio.StreamReader) -> bytes:
    received = bytearray()
    while True:
        size = int((await reader.readline()).split(b";")[0].strip() or b"x", 16)
        if size == 0:
            while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                pass
            return bytes(received)
        chunk = await reader.readexactly(size + 2)
        received += chunk[:-2]


class ReadWorker:
    """A read worker's RSGI app (see the module's text)."""

    def __init__(
        self, settings: str, *, allowed_hosts: tuple[str, ...], max_body: int, body_timeout: float
    ) -> None:
        port, prefix, secret = settings.split(" ")
        if not inherited_lock():
            raise RuntimeError("a read worker must be forked from serve's process (journal_ring.ring_lock)")
        self.owner = _Owner(int(port))
        self.secret = secret
        self.table = SharedAnswers.attach(f"{prefix}-answers")
        self.gate = ReadGate(f"{prefix}-gate", create=False)
        self.ring = JournalRing(f"{prefix}-ring", create=False)
        self.max_body = max_body
        self.body_timeout = body_timeout
        self._admits = AdmittedHosts(allowed_hosts)

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        if scope.proto != "http":
            return
        headers = scope.headers
        if (
            scope.method == "GET"
            and scope.path.startswith(PREFIX)
            and "content-length" not in headers
            and "transfer-encoding" not in headers
            and self._answered(scope, headers, protocol)
        ):
            return
        await self._forward(scope, protocol)

    def _answered(self, scope: Any, headers: Any, protocol: Any) -> bool:
        """Answer the read from the table if the gate allows it; whether it did."""
        started = time.perf_counter()
        state = self.gate.state()
        now = time.time()
        if not state.open or now >= state.wake_at:
            return False
        authorization = headers.get("authorization")
        if authorization is None or now >= state.tokens.get(digest(authorization), -1.0):
            return False
        host = headers.get("host")
        if headers.get("origin") is not None or (host is not None and not self._admits(host)):
            return False
        path = scope.path
        conversation_id = path[len(PREFIX) :]
        if not path.isascii() or "/" in conversation_id or not conversation_id:
            return False
        body = self.table.get(conversation_id)
        if body is None:
            return False
        answered_id = correlation_id()
        if state.journal:
            entries = _header_entries(headers)
            kept = fast_read_fields(
                (0, state.seconds(), started),
                path,
                scope.query_string,
                {key: value for key, value in reversed(entries.items()) if value},
                answered_id,
            )
            content_type, _, correlation = kept.response_headers
            kept = kept._replace(
                response_headers=(content_type, ("Content-Length", str(len(body))), correlation)
            )
            if self.ring.keep(kept) is None:
                return False  # the ring is full until the owner drains it: the owner journals this one
        protocol.response_bytes(200, json_headers(body, answered_id), body)
        return True

    async def _forward(self, scope: Any, protocol: Any) -> None:
        headers = scope.headers
        length_header = headers.get("content-length")
        body = b""
        if length_header is not None or "transfer-encoding" in headers:
            if length_header is not None:
                length = ascii_int(length_header)
                if length is None:
                    return _error(protocol, http_error(400))
                if length > self.max_body:
                    return _error(protocol, http_error(413))
            try:
                body = await asyncio.wait_for(_read(protocol, self.max_body), self.body_timeout)
            except _TooLarge:
                return _error(protocol, http_error(413))
            except TimeoutError:
                return _error(protocol, http_error(408))
        target = scope.path.encode("utf-8", "surrogateescape")
        if scope.query_string:
            target += b"?" + scope.query_string.encode("latin-1", "replace")
        lines = [scope.method.encode() + b" " + target + b" HTTP/1.1"]
        for name, value in headers.items():
            if name not in ("content-length", "transfer-encoding", "connection", FORWARDED):
                lines.append(f"{name}: {value}".encode("latin-1", "replace"))
        if body or length_header is not None or "transfer-encoding" in headers:
            lines.append(b"content-length: " + str(len(body)).encode())
        lines.append(f"{FORWARDED}: {self.secret} {scope.client} {scope.server}".encode())
        head = b"\r\n".join(lines) + b"\r\n\r\n"
        try:
            status, answer_headers, answer = await self.owner.exchange(
                head, body, head_only=scope.method == "HEAD"
            )
        except ConnectionResetError:
            descriptor = sockets.find(_address(scope.server), _address(scope.client))
            if descriptor is not None:
                sockets.reset(descriptor)
            raise InjectedFault("reset", scope.method, scope.path) from None
        except _Cut as cut:
            if cut.status:
                transport = protocol.response_stream(cut.status, cut.headers)
                if cut.partial:
                    await transport.send_bytes(cut.partial)
                await asyncio.sleep(0.05)  # as RsgiBridge: the status line reaches the client first
            raise InjectedFault("truncate" if cut.partial else "drop", scope.method, scope.path) from None
        protocol.response_bytes(status, answer_headers, answer)


class _TooLarge(MockServerError):
    """A body over the server's limit: the read worker answers 413 as the owner would."""


async def _read(protocol: Any, limit: int) -> bytes:
    received = bytearray()
    async for chunk in protocol:
        received += chunk
        if len(received) > limit:
            raise _TooLarge
    return bytes(received)


def reader_app() -> ReadWorker:
    """Granian's target in a read worker: the owner's segments and port from serve's variable."""
    configured = {**DEFAULTS, **from_environ()}
    return ReadWorker(
        os.environ[READERS_VARIABLE],
        allowed_hosts=tuple(configured["ALLOWED_HOSTS"]),
        max_body=int(configured["MAX_CONTENT_LENGTH"]),
        body_timeout=float(configured["BODY_TIMEOUT"]),
    )
