"""The control API's views of the request journal: a page of it, clear it, verify it.

Views only: the journal and its matching are ``control.journal``'s.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from mockserver.config_parsers import ascii_int
from mockserver.control.journal import Journal
from mockserver.control.models import (
    MAX_STATUS,
    MIN_STATUS,
    RequestList,
    RequestPattern,
    Verification,
    VerificationResult,
)
from mockserver.control.patterns import PATH_PATTERN
from mockserver.control.route_table import ControlRoutes
from mockserver.control.rules import check_matchers, check_path
from mockserver.control.views.shared import control_view, decode_checked
from mockserver.state import paging
from mockserver.state.errors import ApiError
from mockserver.web.current import backend
from mockserver.web.openapi import PAGING, QueryParameter
from mockserver.web.wire import json_response

bp = Blueprint("control_journal", __name__)

_FILTERS = (
    QueryParameter("method", "Only requests with this method.", {"type": "string"}),
    QueryParameter(
        "path", "Only requests whose path matches this pattern.", {"type": "string", "pattern": PATH_PATTERN}
    ),
    QueryParameter(
        "status",
        "Only requests answered with this status.",
        {"type": "integer", "minimum": MIN_STATUS, "maximum": MAX_STATUS},
    ),
)


@control_view(
    bp,
    ControlRoutes.REQUESTS,
    summary="A page of the requests received, oldest first",
    operation_id="adminRequests",
    responses={200: RequestList},
    query=(*_FILTERS, *PAGING),  # the journal's pages, as the API's listings page
    errors=(400, 404),
)
def requests() -> Response:
    journal = _journal()
    status = request.args.get("status")
    if status is not None and not MIN_STATUS <= (ascii_int(status) or 0) <= MAX_STATUS:
        message = f"$.status must be an integer from {MIN_STATUS} to {MAX_STATUS}; got {status!r}."
        raise ApiError.invalid("invalid.value", "$.status", message)
    path = request.args.get("path", "**")
    check_path(path, "$.path")
    pattern = RequestPattern(
        method=request.args.get("method", "*"), path=path, status=int(status) if status else None
    )
    size = paging.page_size(request.args)
    number = paging.page_number(request.args)
    matched, page = journal.page(pattern, (number - 1) * size, number * size)
    listing = RequestList(
        requests=tuple(page),
        total=len(journal),
        matched=matched,
        page_size=size,
        page_number=number,
        page_count=paging.page_count(matched, size),
    )
    return json_response(listing)


@control_view(
    bp,
    ControlRoutes.CLEAR_REQUESTS,
    summary="Clear the journal",
    operation_id="adminClearRequests",
    responses={204: None},
    errors=(404,),
)
def clear_requests() -> Response:
    _journal().clear()
    return Response(status=204)


@control_view(
    bp,
    ControlRoutes.VERIFY,
    summary="Count the requests matching a pattern; 409 with the nearest requests on a mismatch",
    operation_id="adminVerify",
    request=Verification,
    responses={200: VerificationResult, 409: VerificationResult},
    errors=(404,),
)
def verify() -> Response:
    verification: Verification = decode_checked(Verification)
    check_path(verification.path, "$.path")
    check_matchers(verification.match)
    result = _journal().verify(verification)
    return json_response(result, 200 if result.ok else 409)


def _journal() -> Journal:
    journal = backend().journal
    if journal is None:
        raise ApiError(404, "not.found", "The request journal is switched off (JOURNAL is false).")
    return journal
