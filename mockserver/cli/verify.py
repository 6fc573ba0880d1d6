"""``callback-contracts verify``: does a provider's API keep the contract? (provider verification)

Calls the provider's GET routes for conversations with a bearer token and decodes every response
strictly with the contract's models, so any field, type or enum value the contract does not
allow is named with its JSON path. A response that breaks off (a dropped or reset connection, a
body cut short, no answer in time) fails its check like any other; only a provider that cannot be
connected to at all stops the run. Uses only the standard library's HTTP client.
"""

from __future__ import annotations

import http.client
import sys
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlsplit
from urllib.request import Request, urlopen

import attrs
import click
import orjson

import contracts
from contracts import Conversation, ConversationEntityListing
from mockserver.errors import MockServerError

LISTING = "/api/v2/conversations"


@attrs.frozen
class Check:
    """One request and what was wrong with its response (nothing when it keeps the contract)."""

    route: str
    problems: tuple[str, ...]
    body: Any = None


class UnreachableError(MockServerError):
    """The provider could not be reached at all; nothing was verified."""


class BrokenResponseError(MockServerError):
    """A request was sent but no whole response came back; the message says what broke.

    ``status`` is the status line's, when one arrived before the rest broke off.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@click.command()
@click.option("--base-url", required=True, help="The provider's address, e.g. http://127.0.0.1:8080.")
@click.option(
    "--token",
    required=True,
    envvar="CALLBACK_CONTRACTS_TOKEN",
    help="Bearer token for the Authorization header (or CALLBACK_CONTRACTS_TOKEN).",
)
@click.option(
    "--conversation",
    "conversation_ids",
    multiple=True,
    metavar="ID",
    help="A conversation to fetch (repeatable). Default: every conversation the listing returns.",
)
@click.option("--timeout", default=10.0, show_default=True, help="Seconds to wait for each response.")
def verify(base_url: str, *, token: str, conversation_ids: tuple[str, ...], timeout: float) -> None:
    """Verify that a provider's API keeps the contract.

    Calls GET /api/v2/conversations and GET /api/v2/conversations/{id}, and validates every
    response strictly: status 200, a whole JSON body, and nothing the contract does not allow.
    A connection dropped or reset, a body cut short or no answer within --timeout fails that
    check.

    \b
    Exit status:
      0  every response keeps the contract
      1  some response does not (or broke off)
      2  usage error, or the provider cannot be connected to
    """
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(f"expected an http(s) URL, got {base_url!r}", param_hint="'--base-url'")
    client = _Client(base_url.rstrip("/"), token, timeout)
    try:
        checks = [client.check(LISTING, ConversationEntityListing)]
        ids = conversation_ids or _listed_ids(checks[0].body)
        checks.extend(client.check(f"{LISTING}/{quote(id_, safe='')}", Conversation, id_) for id_ in ids)
    except UnreachableError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    for check in checks:
        click.echo(f"{'FAIL' if check.problems else 'ok  '} GET {check.route}")
        for problem in check.problems:
            click.echo(f"     {problem}")
    failed = sum(bool(check.problems) for check in checks)
    verdict = f"{failed} failed" if failed else "all keep the contract"
    click.echo(
        f"verified {len(checks)} response{'s' * (len(checks) != 1)} from {base_url}: {verdict}", err=True
    )
    sys.exit(1 if failed else 0)


def _listed_ids(listing: Any) -> list[str]:
    entities = listing.get("entities") if isinstance(listing, dict) else None
    if not isinstance(entities, list):
        return []
    return [
        entity["id"] for entity in entities if isinstance(entity, dict) and isinstance(entity.get("id"), str)
    ]


@attrs.frozen
class _Client:
    base_url: str
    token: str
    timeout: float

    def check(self, route: str, model: type, expected_id: str | None = None) -> Check:
        """GET ``route`` and list every way its response breaks the contract for ``model``."""
        request = Request(
            self.base_url + route,
            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
        )
        try:
            status, content_type, body = self._fetch(request)
        except BrokenResponseError as exc:
            wrong = [] if exc.status in (None, 200) else [f"status: expected 200, got {exc.status}"]
            return Check(route, (*wrong, str(exc)))
        if status != 200:
            return Check(route, (f"status: expected 200, got {status}{_error_summary(body)}",))
        problems = []
        if content_type != "application/json":
            problems.append(f"Content-Type: expected application/json, got {content_type}")
        try:
            decoded = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            return Check(route, (*problems, f"$: expected JSON text, got {exc}"))
        try:
            contracts.structure(decoded, model, strict=True)
        except contracts.ContractError as error:
            problems.extend(error.errors)
        if expected_id is not None and isinstance(decoded, dict) and decoded.get("id") != expected_id:
            problems.append(f"$.id: expected {expected_id!r}, got {decoded.get('id')!r}")
        return Check(route, tuple(problems), decoded)

    def _fetch(self, request: Request) -> tuple[int, str, bytes]:
        """The status, content type and body of the answer to ``request``, read whole."""
        try:
            response = urlopen(request, timeout=self.timeout)
        except HTTPError as error:  # an answer all the same: its status fails the check
            response = error
        except URLError as error:  # raised before a request was sent: no connection
            if isinstance(error.reason, _CUT):  # connected, then cut while the request went out
                raise BrokenResponseError(_broken(error.reason, self.timeout)) from None
            raise UnreachableError(f"cannot reach {self.base_url}: {error.reason}") from None
        except (http.client.HTTPException, OSError) as error:  # sent, but no response came back
            raise BrokenResponseError(_broken(error, self.timeout)) from None
        with response:
            try:
                body = response.read()
            except (http.client.HTTPException, OSError) as error:  # the body broke off
                raise BrokenResponseError(_broken(error, self.timeout), response.status) from None
            return response.status, response.headers.get_content_type(), body


# A connection cut by the provider, as opposed to one never made.
_CUT = (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)


def _broken(error: BaseException, timeout: float) -> str:
    """What broke, as a failed check says it: ``WHAT: expected ..., got ...``."""
    if isinstance(error, http.client.IncompleteRead):
        got = len(error.partial)
        if error.expected is None:  # chunked: the size of the whole was never announced
            return f"body: expected the whole chunked body, got {got} bytes before the connection closed"
        wanted = got + error.expected
        return (
            f"body: expected {wanted} byte{'s' * (wanted != 1)} (Content-Length), "
            f"got {got} before the connection closed"
        )
    if isinstance(error, http.client.RemoteDisconnected):  # a BadStatusLine and a ConnectionResetError
        return "response: expected an HTTP response, got the connection closed without one"
    if isinstance(error, http.client.BadStatusLine):
        return f"response: expected an HTTP status line, got {str(error)!r}"
    if isinstance(error, _CUT):
        return "response: expected an HTTP response, got the connection reset"
    if isinstance(error, TimeoutError):
        return f"response: expected an answer within {timeout:g} s, got none"
    if isinstance(error, http.client.HTTPException):  # a status line or headers that are not HTTP
        return f"response: expected an HTTP response, got {type(error).__name__}: {error}"
    reason = error.strerror if isinstance(error, OSError) and error.strerror else error
    return f"response: expected an HTTP response, got {type(error).__name__}: {reason}"


def _error_summary(body: bytes) -> str:
    """`` (code: message)`` of an ErrorBody, or nothing when the body is not one."""
    try:
        error = orjson.loads(body)
    except orjson.JSONDecodeError:
        return ""
    if isinstance(error, dict) and isinstance(error.get("code"), str):
        return f" ({error['code']}: {error.get('message', '')})"
    return ""
