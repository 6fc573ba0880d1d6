"""The WSGI layer that keeps web pages out: a Host the server does not answer to, a control write
sent by a page of another origin.

A page on any site can make a developer's browser send requests to the mock on their machine, by
two doors. DNS rebinding: a page of evil.example re-resolves its own name to 127.0.0.1 and then
reads and writes the mock as its own origin; its requests still carry ``Host: evil.example``, so
a Host the server does not answer to gets 421. A cross-site "simple" request: a form, or a fetch
with a text/plain body, which the browser sends without asking the server first; the control
API's writes (reset, faults, stubs) have no token by default, so a control write that a page of
another origin sent (``Origin``, ``Sec-Fetch-Site``) gets 403, and one whose body is not JSON
(what no simple request can send) 415. Every refusal is the API's ErrorBody, naming the header
and what arrived. Requests without these headers (curl, the SDKs, ``AdminClient``) pass.
The console's forms (``{ADMIN_PREFIX}/ui``) post form bodies, which pass only with the browser's
proof that the console's own page sent them (``Origin`` or ``Sec-Fetch-Site: same-origin``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import TYPE_CHECKING

from mockserver.config import Paths
from mockserver.state.errors import ApiError, http_error
from mockserver.web.auth import correlation_id
from mockserver.web.wire import error_answer

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from mockserver.web.wire import Bodyless

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM = "application/x-www-form-urlencoded"  # what the console's forms post
LOOPBACK_NAMES = frozenset({"localhost"})
# What a request's Sec-Fetch-Site says when a page of another origin sent it.
FOREIGN_SITES = frozenset({"cross-site", "same-site"})
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}
_REMEMBERED = 256  # Host values remembered as admitted: a client cannot grow the set past this


def host_name(host: str) -> str:
    """The name of a Host header's value: lower-case, without port, brackets or trailing dot."""
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        return host[1:end] if end > 0 else ""
    return host.partition(":")[0].rstrip(".")


def admits(name: str, allowed: Iterable[str]) -> bool:
    """Whether the server answers to host ``name`` (``host_name``'s): a loopback name, any IP
    address (a page can send one as Host only if it was loaded from it, so no rebinding page can),
    or one ``allowed`` (``.example.com``: it and its subdomains; ``*``: any)."""
    if name in LOOPBACK_NAMES:
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        return True
    for entry in allowed:
        if entry in ("*", name) or (entry.startswith(".") and (name.endswith(entry) or name == entry[1:])):
            return True
    return False


def same_origin(origin: str, host: str) -> bool:
    """Whether a request's ``Origin`` is the server's own, as reached through ``host`` (its Host)."""
    scheme, separator, authority = origin.strip().lower().partition("://")
    if not separator:
        return False  # "null": a sandboxed frame, a file: page
    default = _DEFAULT_PORTS.get(scheme, "")
    return _without(authority, default) == _without(host.strip().lower(), default)


def _without(authority: str, port: str) -> str:
    return authority[: -len(port)] if port and authority.endswith(port) else authority


def is_json(content_type: str) -> bool:
    """Whether a Content-Type is JSON (application/json, application/*+json), as Werkzeug reads it."""
    mimetype = content_type.partition(";")[0].strip().lower()
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


class AdmittedHosts:
    """Whether the server answers to a request with this Host header (``admits``), the values
    admitted remembered (at most ``_REMEMBERED``: a client cannot grow the set past that)."""

    def __init__(self, allowed: Iterable[str]) -> None:
        self.allowed = tuple(allowed)
        self._admitted: set[str] = set()

    def __call__(self, host: str) -> bool:
        if host in self._admitted:
            return True
        if not admits(host_name(host), self.allowed):
            return False
        if len(self._admitted) < _REMEMBERED:
            self._admitted.add(host)
        return True


class WebGuard:
    """Refuse a Host the server does not answer to (421) and a control write of a web page (403, 415)."""

    def __init__(
        self,
        app: WSGIApplication,
        *,
        allowed_hosts: Iterable[str],
        admin_prefix: str,
        bodyless: Bodyless | None = None,
    ) -> None:
        self.app = app
        self.admin_prefix = admin_prefix  # without a trailing slash
        self.paths = Paths(admin_prefix=admin_prefix)
        self.bodyless = bodyless  # the next layer's answer_bodyless
        self.admits_host = AdmittedHosts(allowed_hosts)  # whether it answers to a Host header

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        refusal = self.refusal(environ)
        if refusal is None:
            return self.app(environ, start_response)
        status, headers, body = error_answer(refusal, correlation_id())
        start_response(status, headers)
        return [body]

    async def answer_bodyless(
        self, method: str, path: str, query: str, headers: dict[str, str]
    ) -> tuple[list[tuple[str, str]], bytes] | None:
        """The next layer's answer to a request without a body; None, for ``__call__`` to answer,
        when this layer refuses it."""
        host = headers.get("HTTP_HOST")
        if self.bodyless is None or (host is not None and not self.admits_host(host)):
            return None
        if method in WRITES and self.paths.is_control(path):
            return None
        return await self.bodyless(method, path, query, headers)

    def refusal(self, environ: WSGIEnvironment) -> ApiError | None:
        """The error a request gets here, or None if it may pass."""
        host = environ.get("HTTP_HOST")  # HTTP/1.0 may send none: no page of a browser does
        if host is not None and not self.admits_host(host):
            return _misdirected(host)
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") in WRITES and self.paths.is_control(path):
            return _cross_origin(environ, form=self.paths.is_console(path))
        return None


def _misdirected(host: str) -> ApiError:
    name = host_name(host)
    return ApiError(
        421,
        "misdirected.request",
        f"This server does not answer to the host name {name!r} (header Host is {host!r}): it answers "
        "loopback names, IP addresses and the names of ALLOWED_HOSTS. Admit this one with "
        "CALLBACK_MOCK_ALLOWED_HOSTS or serve --allowed-host.",
        params={
            "field": "Host",
            "expected": "a loopback name, an IP address or an ALLOWED_HOSTS name",
            "got": host,
        },
    )


def _cross_origin(environ: WSGIEnvironment, *, form: bool = False) -> ApiError | None:
    """Why a control write is refused as sent by a page of another origin; None if it is not.

    ``form``: a write to the console's pages, whose forms post ``application/x-www-form-urlencoded``
    (what a page of any origin can send too): admitted only with the browser's proof that the
    console's own page sent it, ``Sec-Fetch-Site: same-origin`` or an ``Origin`` that is the server's.
    """
    site = environ.get("HTTP_SEC_FETCH_SITE", "")
    if site in FOREIGN_SITES:
        return _foreign("Sec-Fetch-Site", site, "same-origin or none")
    origin = environ.get("HTTP_ORIGIN")
    host = environ.get("HTTP_HOST", "")
    if origin is not None and not same_origin(origin, host):
        return _foreign("Origin", origin, f"this server's own origin (http://{host} or https://{host})")
    content_type = environ.get("CONTENT_TYPE", "")
    if form and content_type.partition(";")[0].strip().lower() == FORM:
        if site == "same-origin" or origin is not None:  # the origin, if sent, was checked above
            return None
        return _foreign("Origin", "none", "the console's own page (Origin or Sec-Fetch-Site: same-origin)")
    has_body = environ.get("CONTENT_LENGTH", "") not in ("", "0") or "HTTP_TRANSFER_ENCODING" in environ
    if (content_type and not is_json(content_type)) or (has_body and not content_type):
        unsupported = http_error(415)
        got = content_type or "none, with a body"
        return ApiError(
            415,
            unsupported.code,
            f"The control API reads JSON bodies only: header Content-Type is {got!r}, expected "
            "application/json (or no body and no Content-Type).",
            params={"field": "Content-Type", "expected": "application/json", "got": got},
        )
    return None


def _foreign(header: str, got: str, expected: str) -> ApiError:
    return ApiError(
        403,
        "not.authorized",
        f"The control API takes no writes from web pages of another origin: header {header} is "
        f"{got!r}, expected {expected}.",
        params={"field": header, "expected": expected, "got": got},
    )
