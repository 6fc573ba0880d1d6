"""The WSGI layer that answers CORS for the API, so a browser client can be tested against the mock.

The real API serves browser clients (the JavaScript SDK, implicit-grant and PKCE apps), so it
answers CORS: this layer answers a preflight (``OPTIONS`` with ``Access-Control-Request-Method``)
on ``/api/v2/*`` itself, before the token check and the journal, as a preflight never carries a
token; and it adds ``Access-Control-Allow-Origin`` and ``-Expose-Headers`` to every API answer
to a request with an ``Origin``, faults, stubs and fast reads included. The values are inferred
(README, "Browsers and CORS"). The control API gets none: a page of another origin may not drive
it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from mockserver.config import API_PREFIX, CORRELATION_HEADER
from mockserver.web.auth import correlation_id

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from mockserver.web.wire import Bodyless

ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE"
# The API's response headers a browser's script may read besides the CORS-safelisted ones.
EXPOSED_HEADERS = ", ".join(
    (
        CORRELATION_HEADER,
        "inin-ratelimit-count",
        "inin-ratelimit-allowed",
        "inin-ratelimit-reset",
        "Retry-After",
    )
)
MAX_AGE = "3600"  # seconds a browser may reuse a preflight's answer (Chromium keeps it at most 7200)
_ALLOW_ORIGIN = "access-control-allow-origin"


def simple_headers(origin: str) -> list[tuple[str, str]]:
    """The CORS headers of an API answer to a request from ``origin``."""
    return [
        ("Access-Control-Allow-Origin", origin),
        ("Access-Control-Expose-Headers", EXPOSED_HEADERS),
        ("Vary", "Origin"),
    ]


def preflight_headers(origin: str, requested: str | None) -> list[tuple[str, str]]:
    """The headers of the answer to a preflight from ``origin`` asking for headers ``requested``."""
    headers = [
        ("Access-Control-Allow-Origin", origin),
        ("Access-Control-Allow-Methods", ALLOWED_METHODS),
        ("Access-Control-Max-Age", MAX_AGE),
        ("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"),
        ("Content-Length", "0"),
        (CORRELATION_HEADER, correlation_id()),
    ]
    if requested:
        headers.append(("Access-Control-Allow-Headers", requested))  # any header the client sends
    return headers


def _with_cors(headers: list[tuple[str, str]], origin: str) -> list[tuple[str, str]]:
    """``headers`` and the CORS ones, unless they answer CORS already (a stub may)."""
    if any(name.lower() == _ALLOW_ORIGIN for name, _ in headers):
        return headers
    return [*headers, *simple_headers(origin)]


class Cors:
    """Answer the API's preflights; add the CORS headers to its answers to requests with an Origin."""

    def __init__(
        self, app: WSGIApplication, *, prefix: str = API_PREFIX, bodyless: Bodyless | None = None
    ) -> None:
        self.app = app
        self.prefix = prefix
        self.bodyless = bodyless  # the next layer's answer_bodyless

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        origin = environ.get("HTTP_ORIGIN")
        if origin is None or not environ.get("PATH_INFO", "").startswith(self.prefix):
            return self.app(environ, start_response)
        if environ.get("REQUEST_METHOD") == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ:
            start_response(
                "200 OK", preflight_headers(origin, environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"))
            )
            return [b""]

        def answer(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            return start_response(status, _with_cors(headers, origin), exc_info)

        return self.app(environ, answer)

    async def answer_bodyless(
        self, method: str, path: str, query: str, headers: dict[str, str]
    ) -> tuple[list[tuple[str, str]], bytes] | None:
        """The next layer's answer to a request without a body, with the CORS headers it needs."""
        if self.bodyless is None:
            return None
        answer = await self.bodyless(method, path, query, headers)
        origin = headers.get("HTTP_ORIGIN")
        if answer is None or origin is None or not path.startswith(self.prefix):
            return answer
        return _with_cors(answer[0], origin), answer[1]
