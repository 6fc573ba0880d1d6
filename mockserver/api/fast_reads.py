"""``GET /api/v2/conversations/{id}`` answered from the stored bytes, in front of Flask.

The busiest route only looks up bytes, yet Flask's request cycle (context, routing, hooks, a
``Response`` object) costs many times the lookup. This WSGI middleware answers the requests
Flask would answer with a 200: the same body and headers, and a fresh correlation id. Everything
else, every error included, goes on to Flask, so error bodies are made in one place.

Its token check is ``auth.is_authorized``, the one Flask's hook makes; the tests hold the two
paths to the same answers and fail if Flask gains a request hook this path would skip. The
control middleware in front asks ``stored`` itself, to record these answers at the least cost.
"""

from __future__ import annotations

from collections.abc import Iterable
from time import time
from typing import TYPE_CHECKING

from mockserver.web.auth import bearer_token, correlation_id, is_authorized, permitted
from mockserver.web.wire import json_headers

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from flask import Flask

    from mockserver.state.backend import Backend

PREFIX = "/api/v2/conversations/"
RULE = PREFIX + "<conversation_id>"  # the Flask rule this path stands in for (its permissions)


class ConversationReads:
    """Serve stored conversations by id without entering Flask; pass everything else on."""

    def __init__(self, app: WSGIApplication, flask_app: Flask, backend: Backend) -> None:
        self.app = app
        self._config = flask_app.config  # read on each request, as Flask's hook does: TOKENS may change
        self._engine = backend.engine
        self._find_entry = backend.find_entry
        self._identity = backend.identity

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        body = self.stored(
            environ.get("REQUEST_METHOD", ""),
            environ.get("PATH_INFO", ""),
            environ.get("HTTP_AUTHORIZATION", ""),
        )
        if body is None:
            return self.app(environ, start_response)
        start_response("200 OK", json_headers(body, correlation_id()))
        return [body]

    def stored(self, method: str, path: str, authorization: str) -> bytes | None:
        """The body of the 200 this path answers a request with, or None if Flask must answer."""
        conversation_id = self.readable(method, path, authorization)
        if conversation_id is None:
            return None
        entry = self._find_entry(conversation_id)
        return None if entry is None else entry.body

    def readable(self, method: str, path: str, authorization: str) -> str | None:
        """The id of the conversation this path reads with a 200 if it is stored, or None if Flask must answer.

        ``path`` is the WSGI ``PATH_INFO``, ``authorization`` the Authorization header ("" if none):
        all the request it reads, so a server with no environ can ask too.
        """
        if method == "GET" and path.startswith(PREFIX):
            conversation_id = path[len(PREFIX) :]
            engine = self._engine
            if engine.wake_at <= time():  # one comparison while nothing is due
                if engine.counts_reads:
                    return None  # every read may move the conversation: Flask's view counts it
                engine.catch_up()  # as Flask's before_request hook does
            identity = self._identity
            if (
                "/" not in conversation_id
                and is_authorized(authorization, self._config["TOKENS"], identity.issued)
                and permitted(identity, bearer_token(authorization) or "", method, RULE)
            ):
                return conversation_id
        return None
