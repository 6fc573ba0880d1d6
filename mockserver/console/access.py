"""The console's door: under an admin token, a form asks for it once and a cookie keeps it.

A browser cannot send a bearer header when it follows a link, so the console keeps a proof of the
token in an ``HttpOnly``, ``SameSite=Strict`` cookie scoped to the console's path: an HMAC of the
token, so the token itself never sits in the browser. The cookie opens the console's pages only,
never the JSON control API; a ``curl`` with the bearer token opens the pages as well.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import Request

COOKIE = "callback_mock_console"
_PURPOSE = b"callback-contracts console"


def proof(token: str) -> str:
    """What the cookie holds for ``token``."""
    return hmac.new(token.encode(), _PURPOSE, hashlib.sha256).hexdigest()


def admitted(request: Request, token: str | None) -> bool:
    """Whether ``request`` may see the console: no admin token set, its cookie, or its bearer header."""
    if not token:
        return True
    cookie = request.cookies.get(COOKIE, "")
    if cookie and hmac.compare_digest(cookie, proof(token)):
        return True
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def checks(token: str | None, given: str) -> bool:
    """Whether the login form's ``given`` is the admin token."""
    return bool(token) and hmac.compare_digest(given.encode(), (token or "").encode())
