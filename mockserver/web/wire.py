"""Request bodies in, contract objects out: the only place views touch JSON."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

import orjson
from flask import Flask, Response, current_app, request

import contracts
from contracts import ContractError
from mockserver.config import CORRELATION_HEADER
from mockserver.state.errors import ApiError, http_error, status_phrase

T = TypeVar("T")

# A request without a body answered with no environ (the WSGI layers' offer to the RSGI bridge,
# mockserver.serving.rsgi): its method, PATH_INFO, query string and header entries in, the headers
# and body of its 200 out; None if the app must answer it.
Bodyless = Callable[[str, str, str, dict[str, str]], Awaitable[tuple[list[tuple[str, str]], bytes] | None]]


def decode_body(model: type[T], *, prepare: Callable[[bytes], bytes] | None = None) -> T:
    """The request body as ``model``, decoded by the strict contract (after ``prepare``, if given).

    Raises the API's errors: 415 for a body that is not JSON (or declares a charset other than
    UTF-8), 413 past the size limit (Werkzeug,
    on reading), 400 ``bad.request`` for malformed JSON and a ``ContractError`` for the rest.
    """
    if not request.is_json:
        raise http_error(415)
    if request.mimetype_params.get("charset", "utf-8").lower() not in ("utf-8", "utf8"):
        raise http_error(415)  # as the API answers: the body is read as UTF-8 or not at all
    data = request.get_data(cache=True)
    if prepare is not None:
        data = prepare(data)
    try:
        return contracts.loads(data, model)
    except ContractError as error:
        if error.problems[0].kind is contracts.ProblemKind.SYNTAX:
            raise _malformed(data) from None
        raise


def _malformed(data: bytes) -> ApiError:
    """The 400 of a body that is not JSON, naming the line and column where the parser stopped."""
    try:  # parsed again for the position, only on this error's path
        orjson.loads(data)
    except orjson.JSONDecodeError as error:
        return ApiError.malformed(error.msg, error.lineno, error.colno)
    return http_error(400)  # not reached: the contract's decoder refused it as JSON text


def decode_optional_body(model: type[T]) -> T | None:
    """The request body as ``model`` (``decode_body``), or None if the request has none: for the
    routes whose body the API documents as optional."""
    if not request.get_data(cache=True):
        return None
    return decode_body(model)


def init_app(app: Flask) -> None:
    """An answer without a body (202, 204) names no media type: Flask's default says text/html."""
    app.after_request(untyped_when_empty)


def untyped_when_empty(response: Response) -> Response:
    """The fast path answers only 200s with a body: it has nothing to mirror here."""
    if response.status_code in (202, 204) and not response.get_data():
        del response.headers["Content-Type"]
    return response


def json_response(obj: Any, status: int = 200) -> Response:
    """A contract object as the API sends it."""
    return raw_json(contracts.dumps(obj), status)


def listing_json(listing: Any, entities: Iterable[bytes]) -> bytes:
    """A listing's wire JSON with ``entities``, already serialized, spliced in as they are.

    Stored conversations are bytes: decoding a page of them only to encode it again would cost
    more than the rest of the request.
    """
    mapping = contracts.unstructure(listing)
    mapping["entities"] = [orjson.Fragment(body) for body in entities]
    return orjson.dumps(mapping)


def raw_json(body: str | bytes, status: int = 200) -> Response:
    """Already serialized wire JSON as a response (``auth`` stamps its correlation id)."""
    return current_app.response_class(body, status=status, mimetype="application/json")


def json_headers(body: bytes, correlation_id: str) -> list[tuple[str, str]]:
    """The headers of a JSON answer outside Flask: those ``raw_json`` and ``auth`` give one inside."""
    return [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        (CORRELATION_HEADER, correlation_id),
    ]


def error_answer(error: ApiError, correlation_id: str) -> tuple[str, list[tuple[str, str]], bytes]:
    """``error`` as a WSGI layer outside Flask answers it: the status line, headers and ErrorBody."""
    body = contracts.dumps(error.body(correlation_id)).encode()
    return f"{error.status} {status_phrase(error.status)}", json_headers(body, correlation_id), body
