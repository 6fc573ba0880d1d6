"""Correlation ids and bearer tokens, checked before any view runs.

``is_authorized`` is the one test of an API request's token: the Flask hook here and the fast
path both call it. Which token a path needs follows from ``Paths.audience``.
"""

from __future__ import annotations

import os
from collections.abc import Collection

from flask import Flask, Response, current_app, g, request

from mockserver.config import CORRELATION_HEADER, Audience, Paths
from mockserver.state.changes import CAUSE
from mockserver.state.errors import ApiError

# The version (4) and variant (RFC 4122) bits of a random UUID, as uuid.uuid4() sets them.
_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET = (0x4000 << 64) | (0x8000 << 48)
PATHS = "callback_mock_paths"


def correlation_id() -> str:
    """A fresh correlation id: ``str(uuid.uuid4())`` from the same random bytes, without the object."""
    digits = f"{int.from_bytes(os.urandom(16), 'big') & _UUID4_CLEAR | _UUID4_SET:032x}"
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def bearer_token(header: str) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header; None if it carries none."""
    scheme, _, token = header.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def is_authorized(header: str, tokens: Collection[str]) -> bool:
    """Whether an API request with this Authorization header may pass (``tokens`` empty: any token)."""
    token = bearer_token(header)
    return token is not None and (not tokens or token in tokens)


def _begin() -> None:
    g.correlation_id = request_id = correlation_id()
    CAUSE.set(request_id)  # the cause the backend gives the changes this request makes
    paths: Paths = current_app.extensions[PATHS]
    audience = paths.audience(request.path)
    header = request.headers.get("Authorization", "")
    if audience is Audience.API:
        if bearer_token(header) is None:
            raise ApiError(
                401,
                "authentication.required",
                "No authentication bearer token specified in authorization header.",
            )
        if not is_authorized(header, current_app.config["TOKENS"]):
            raise ApiError(401, "bad.credentials", "Invalid login credentials.")
    elif audience is Audience.CONTROL:
        wanted = current_app.config["ADMIN_TOKEN"]
        if wanted and bearer_token(header) != wanted:
            raise ApiError(
                401, "bad.credentials", "The control API needs the admin token as its bearer token."
            )


def _stamp(response: Response) -> Response:
    # An error raised before _begin assigned one (there is none) still gets an id.
    response.headers[CORRELATION_HEADER] = g.setdefault("correlation_id", correlation_id())
    return response


def init_app(app: Flask, paths: Paths) -> None:
    """Give every request a correlation id and require the token its audience needs."""
    app.extensions[PATHS] = paths
    app.before_request(_begin)
    app.after_request(_stamp)
