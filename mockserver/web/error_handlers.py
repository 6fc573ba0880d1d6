"""Flask's error handlers: every error a view or Werkzeug raises becomes the API's ErrorBody.

Views ``raise ApiError`` (or let a ``ContractError`` or a Werkzeug ``HTTPException`` escape); the
handlers registered here are the only place an error becomes a response inside Flask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask, Response, current_app, g
from werkzeug.exceptions import HTTPException

import contracts
from contracts import ContractError
from mockserver.state.errors import ApiError, http_error
from mockserver.store.errors import StoreUnavailableError
from mockserver.web.auth import correlation_id
from mockserver.web.wire import json_headers

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse


def error_response(error: ApiError) -> Response:
    """``error`` as the API answers it; its contextId is the request's correlation id."""
    body = contracts.dumps(error.body(g.setdefault("correlation_id", correlation_id())))
    response = current_app.response_class(body, status=error.status)
    response.mimetype = "application/json"
    return response


def _contract_error(error: ContractError) -> Response:
    return error_response(ApiError.from_contract(error))


def _http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    response = error_response(http_error(status))
    if status == 405 and error.get_response().allow:
        response.allow.update(error.get_response().allow)
    return response


def _unavailable(error: StoreUnavailableError) -> Response:
    response = error_response(ApiError.unavailable(error.retry_after))
    response.headers["Retry-After"] = str(error.retry_after)
    return response


def unavailable(error: StoreUnavailableError, start_response: StartResponse) -> list[bytes]:
    """The 503 of a request the store failed outside Flask (the WSGI layers before it), as ``_unavailable``'s."""
    answered_id = correlation_id()
    body = contracts.dumps(ApiError.unavailable(error.retry_after).body(answered_id)).encode()
    start_response(
        "503 Service Unavailable", [*json_headers(body, answered_id), ("Retry-After", str(error.retry_after))]
    )
    return [body]


def _unexpected(error: Exception) -> Response:
    current_app.logger.exception("unexpected error", exc_info=error)
    return error_response(http_error(500))


def init_app(app: Flask) -> None:
    """Register the handlers that turn every error into an ErrorBody."""
    handlers: list[tuple[Any, Any]] = [
        (ApiError, error_response),
        (StoreUnavailableError, _unavailable),
        (ContractError, _contract_error),
        (HTTPException, _http_exception),
        (Exception, _unexpected),
    ]
    for exception, handler in handlers:
        app.register_error_handler(exception, handler)
