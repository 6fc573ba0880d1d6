"""Correlation ids and bearer tokens, checked before any view runs."""

from __future__ import annotations

import uuid

from flask import Flask, Response, current_app, g, request

from mockserver.errors import ApiError

CORRELATION_HEADER = "ININ-Correlation-Id"


def bearer_token(header: str) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header; None if it carries none."""
    scheme, _, token = header.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def _begin() -> None:
    g.correlation_id = str(uuid.uuid4())
    if request.blueprint == "admin" or request.endpoint == "openapi":
        return  # the control API and the document are not the real API's: no bearer token
    token = bearer_token(request.headers.get("Authorization", ""))
    if token is None:
        raise ApiError(
            401,
            "authentication.required",
            "No authentication bearer token specified in authorization header.",
        )
    tokens = current_app.config["TOKENS"]
    if tokens and token not in tokens:
        raise ApiError(401, "bad.credentials", "Invalid login credentials.")


def _stamp(response: Response) -> Response:
    # An error raised before _begin assigned one (there is none) still gets an id.
    response.headers[CORRELATION_HEADER] = g.setdefault("correlation_id", str(uuid.uuid4()))
    return response


def init_app(app: Flask) -> None:
    """Give every request a correlation id and require a bearer token."""
    app.before_request(_begin)
    app.after_request(_stamp)
