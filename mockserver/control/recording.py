"""The journal's recording of each exchange: the request as it arrived, the answer as it left.

The control layer (``middleware``) numbers a request on arrival, hands the API an ``Answer`` in
place of ``start_response``, and records the exchange as one ``KeptRequest`` when it is answered (or,
for a fault that cuts the connection, before it is cut). Plain WSGI: no Flask.
"""

from __future__ import annotations

import io
import time
from typing import TYPE_CHECKING, Any

from mockserver.config import CORRELATION_HEADER
from mockserver.config_parsers import ascii_int
from mockserver.control.journal import Journal, KeptRequest
from mockserver.control.models import Fault

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

ArrivalStamp = tuple[int, float, float]  # journal number, the server clock (s), time.perf_counter()
# The environ entry a server may give: ``wait(seconds) -> bool``, which waits up to ``seconds`` and
# says whether the client went meanwhile (closed its connection). A latency fault waits with it, so a
# request whose client gave up is journaled then (unanswered), not only when the delay ends.
CLIENT_GONE = "callback_mock.client_gone"
# CONTENT_TYPE and CONTENT_LENGTH carry no HTTP_; no other CGI variable starts with CONTENT_.
_HEADER_PREFIXES = ("HTTP_", "CONTENT_")


class Answer:
    """``start_response`` for the API, noting the status, headers and time of the answer."""

    __slots__ = ("answered", "arrival", "arrived", "headers", "start_response", "started", "status")

    def __init__(self, start_response: StartResponse, arrived: ArrivalStamp) -> None:
        self.start_response = start_response
        self.arrival, self.arrived, self.started = arrived
        self.status: int | None = None
        self.headers: list[tuple[str, str]] = []
        self.answered = 0.0

    def __call__(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        self.status = int(status[:3])
        self.headers = headers
        self.answered = time.perf_counter()
        return self.start_response(status, headers, exc_info)


def record(
    journal: Journal,
    answer: Answer,
    environ: WSGIEnvironment,
    path: str,
    headers: dict[str, str],
    body: bytes,
    fault: Fault | None,
    stub_id: str | None,
    *,
    cut: bool,
) -> None:
    """Keep the exchange: ``cut``, the connection ends without an answer (none is recorded)."""
    # Only strings, numbers and bytes; keeping the environ itself cost serve measurable
    # throughput (benchmarks/README.md).
    journal.record(
        KeptRequest(
            id=answer.arrival,
            time=answer.arrived,
            method=environ["REQUEST_METHOD"],
            path=path,
            query_string=environ.get("QUERY_STRING", ""),
            headers=headers,
            body=body,
            status=None if cut else answer.status,
            correlation_id=None if cut else _correlation_id(answer.headers),
            fault=fault.id if fault else None,
            duration_ms=(answer.answered - answer.started) * 1000 if answer.answered and not cut else 0.0,
            stub=stub_id,
            response_headers=() if cut else tuple(answer.headers),
        )
    )


def request_headers(environ: WSGIEnvironment) -> dict[str, str]:
    """The request's header entries (``HTTP_*``, ``CONTENT_*``) of ``environ``.

    Servers add them last, as one run (Granian after the whole process environment, ~50
    entries): they are read from the end, skipping any other entries a server put after them,
    and stopping at the first other entry before them.
    """
    headers: dict[str, str] = {}
    for key in reversed(environ):
        if key.startswith(_HEADER_PREFIXES):
            if value := environ[key]:
                headers[key] = value
        elif headers:
            break
    return headers


def has_body(environ: WSGIEnvironment) -> bool:
    return "CONTENT_LENGTH" in environ or "HTTP_TRANSFER_ENCODING" in environ


def take_body(environ: WSGIEnvironment, max_body: int) -> bytes:
    """Read the request body for the journal and put it back for the API to read."""
    length = ascii_int(environ.get("CONTENT_LENGTH") or "")
    if length is not None:
        if not 0 < length <= max_body:
            return b""  # nothing, or over the limit: the API answers 413 without reading it
        body: bytes = environ["wsgi.input"].read(length)
    elif environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":  # up to a byte past the limit
        body = environ["wsgi.input"].read(max_body + 1)
    else:
        return b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _correlation_id(headers: list[tuple[str, str]]) -> str | None:
    for name, value in headers:
        if name == CORRELATION_HEADER:
            return value
    return None
