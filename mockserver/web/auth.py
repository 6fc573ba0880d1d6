"""Correlation ids, bearer tokens and who they act for, checked before any view runs.

``is_authorized`` is the one test of an API request's token against ``TOKENS``: the Flask hook here
and the fast path both call it (a token the server issued passes too). The hook then finds the token's
``Principal`` (``backend().identity``: a user or an OAuth client; an expired token is refused as
Genesys refuses it, 401 ``bad.credentials``), keeps it as ``g.principal`` for the views, and checks
the permissions the route requires (``permissions``). Which token a path needs follows from
``Paths.audience``; ``/oauth/token``, the login host's, takes none.
"""

from __future__ import annotations

from collections.abc import Collection

from flask import Flask, Response, current_app, g, request

from mockserver.config import CORRELATION_HEADER, Audience, Paths
from mockserver.state.changes import CAUSE
from mockserver.state.errors import ApiError
from mockserver.state.identity import Identity, Principal, TokenExpiredError
from mockserver.state.ids import new_uuid
from mockserver.web import permissions
from mockserver.web.current import backend

PATHS = "callback_mock_paths"
TOKEN_PATH = "/oauth/token"  # the login host's route, served on the mock's own host


correlation_id = new_uuid  # a fresh one for every answer


def bearer_token(header: str) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header; None if it carries none."""
    scheme, _, token = header.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def is_authorized(header: str, tokens: Collection[str], issued: Collection[str] = ()) -> bool:
    """Whether an API request with this Authorization header may pass (``tokens`` empty: any token;
    ``issued``: the tokens the server issued, which pass whatever ``tokens`` says)."""
    token = bearer_token(header)
    return token is not None and (not tokens or token in tokens or token in issued)


def principal() -> Principal:
    """Who the current API request acts for (the hook found it)."""
    found: Principal = g.principal
    return found


def permitted(identity: Identity, token: str, method: str, rule: str) -> bool:
    """Whether ``token`` is current and acts for someone holding what ``rule`` requires (the fast path's check)."""
    try:
        permissions.check(identity.principal(token), method, rule)
    except (TokenExpiredError, ApiError):
        return False
    return True


def _invalid() -> ApiError:
    return ApiError(401, "bad.credentials", "Invalid login credentials.")


def _begin() -> None:
    g.correlation_id = request_id = correlation_id()
    CAUSE.set(request_id)  # the cause the backend gives the changes this request makes
    paths: Paths = current_app.extensions[PATHS]
    audience = paths.audience(request.path)
    header = request.headers.get("Authorization", "")
    if request.path == TOKEN_PATH:
        return
    if audience is Audience.API:
        token = bearer_token(header)
        if token is None:
            raise ApiError(
                401,
                "authentication.required",
                "No authentication bearer token specified in authorization header.",
            )
        identity = backend().identity
        if not is_authorized(header, current_app.config["TOKENS"], identity.issued):
            raise _invalid()
        try:
            g.principal = identity.principal(token)
        except TokenExpiredError:
            raise _invalid() from None
        if request.url_rule is not None:
            permissions.check(g.principal, request.method, request.url_rule.rule)
    elif audience is Audience.CONTROL and not paths.is_console(request.path):
        # The console's pages check the admin token themselves: a browser sends a cookie, no header.
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
