"""``GET /api/v2/conversations/{id}`` answered from the stored bytes, in front of Flask.

The busiest route only looks up bytes, yet Flask's request cycle (context, routing, hooks, a
``Response`` object) takes ~55 us per request; this WSGI middleware takes ~2 us. It answers the
requests Flask would answer with a 200: the same body and headers, and a fresh correlation id.
Everything else, every error included, goes on to Flask, so error bodies are made in one place.

It repeats the token check of ``auth._begin`` (one ``bearer_token`` parses the header for both);
the tests hold the two to the same answers,
and fail if Flask gains a request hook this path would skip. The control middleware in front
asks ``stored`` itself, to record these answers in the journal at the least cost.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from mockserver.auth import CORRELATION_HEADER, bearer_token
from mockserver.state import EXTENSION

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from flask import Flask

    from mockserver.store import Entry

PREFIX = "/api/v2/conversations/"

# The version (4) and variant (RFC 4122) bits of a random UUID, as uuid.uuid4() sets them.
_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET = (0x4000 << 64) | (0x8000 << 48)


class ConversationReads:
    """Serve stored conversations by id without entering Flask; pass everything else on."""

    def __init__(self, app: WSGIApplication, flask_app: Flask) -> None:
        self.app = app
        # Looked up on each request, as Flask's views do, so a changed config or state still counts.
        self._config = flask_app.config
        self._extensions = flask_app.extensions

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        body = self.stored(environ, environ.get("PATH_INFO", ""))
        if body is None:
            return self.app(environ, start_response)
        start_response("200 OK", self.headers(body, self.correlation_id()))
        return [body]

    def stored(self, environ: WSGIEnvironment, path: str) -> bytes | None:
        """The body of the 200 this path answers ``environ`` with, or None if Flask must answer."""
        if environ.get("REQUEST_METHOD") == "GET" and path.startswith(PREFIX):
            conversation_id = path[len(PREFIX) :]
            if "/" not in conversation_id and self._authorized(environ.get("HTTP_AUTHORIZATION", "")):
                entry: Entry | None = self._extensions[EXTENSION].store.get(conversation_id)
                if entry is not None:
                    return entry.body
        return None

    @staticmethod
    def headers(body: bytes, correlation_id: str) -> list[tuple[str, str]]:
        """The headers of a 200 with ``body``: those of ``wire.raw_json`` and ``auth._stamp``."""
        return [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            (CORRELATION_HEADER, correlation_id),
        ]

    def _authorized(self, header: str) -> bool:
        """Whether ``auth._begin`` lets this Authorization header through."""
        token = bearer_token(header)
        if token is None:
            return False
        tokens = self._config["TOKENS"]
        return not tokens or token in tokens

    @staticmethod
    def correlation_id() -> str:
        """``str(uuid.uuid4())`` from the same random bytes, without the UUID object: 1 us, not 3."""
        digits = f"{int.from_bytes(os.urandom(16), 'big') & _UUID4_CLEAR | _UUID4_SET:032x}"
        return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def init_app(app: Flask) -> None:
    """Put the fast path in front of ``app``'s WSGI callable."""
    app.wsgi_app = ConversationReads(app.wsgi_app, app)  # type: ignore[method-assign]
