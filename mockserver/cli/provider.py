"""The HTTP side of ``verify``: one request to a provider, and every way its answer breaks the contract.

Uses only the standard library's HTTP client. A response that breaks off (a dropped or reset
connection, a body cut short, no answer in time) is a failed check like any other; only a
provider that cannot be connected to at all raises ``UnreachableError``.
"""

from __future__ import annotations

import http.client
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

import attrs
import orjson

import contracts
from mockserver.errors import MockServerError


@attrs.frozen
class Check:
    """One request and what was wrong with its answer (nothing when it keeps the contract)."""

    method: str
    route: str
    problems: tuple[str, ...]
    body: Any = None
    date: datetime | None = None  # the answer's Date header: the provider's clock

    def failed(self, *problems: str) -> Check:
        """This check with ``problems`` more."""
        return attrs.evolve(self, problems=(*self.problems, *problems))


class UnreachableError(MockServerError):
    """The provider could not be reached at all; nothing was verified."""


class BrokenResponseError(MockServerError):
    """A request was sent but no whole response came back; the message says what broke.

    ``status`` is the status line's, when one arrived before the rest broke off.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@attrs.frozen
class Client:
    """A provider at ``base_url``, called with a bearer token."""

    base_url: str
    token: str
    timeout: float

    def call(
        self,
        method: str,
        route: str,
        model: Any,
        *,
        body: Any = None,
        status: int = 200,
        expected_id: str | None = None,
    ) -> Check:
        """``method route`` (with ``body`` as JSON), and every way its answer breaks the contract.

        The answer must have ``status`` and, if ``model`` is given, a JSON body that ``model``
        decodes strictly (with ``expected_id`` as its ``id``); without ``model``, no body.
        """
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = orjson.dumps(body)
            headers["Content-Type"] = "application/json"
        request = Request(self.base_url + route, data=data, headers=headers, method=method)
        check = Check(method, route, ())
        try:
            answered, content_type, raw, date = self._fetch(request)
        except BrokenResponseError as exc:
            wrong = [] if exc.status in (None, status) else [f"status: expected {status}, got {exc.status}"]
            return check.failed(*wrong, str(exc))
        check = attrs.evolve(check, date=date)
        if answered != status:
            return check.failed(f"status: expected {status}, got {answered}{_error_summary(raw)}")
        if model is None:
            return check if not raw.strip() else check.failed(f"body: expected none, got {len(raw)} bytes")
        if content_type != "application/json":
            check = check.failed(f"Content-Type: expected application/json, got {content_type}")
        try:
            decoded = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            return check.failed(f"$: expected JSON text, got {exc}")
        check = attrs.evolve(check, body=decoded)
        try:
            contracts.structure(decoded, model, strict=True)
        except contracts.ContractError as error:
            check = check.failed(*error.errors)
        if expected_id is not None and isinstance(decoded, dict) and decoded.get("id") != expected_id:
            check = check.failed(f"$.id: expected {expected_id!r}, got {decoded.get('id')!r}")
        return check

    def _fetch(self, request: Request) -> tuple[int, str, bytes, datetime | None]:
        """The status, content type, body (read whole) and Date of the answer to ``request``."""
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
            return (
                response.status,
                response.headers.get_content_type(),
                body,
                _date(response.headers.get("Date")),
            )


def _date(header: str | None) -> datetime | None:
    """The time an HTTP Date header states; None if absent or not a date."""
    try:
        return parsedate_to_datetime(header) if header else None
    except (TypeError, ValueError):
        return None


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
