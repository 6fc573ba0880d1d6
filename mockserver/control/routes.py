"""The control API beside the real routes (under ``ADMIN_PREFIX``, ``/__admin`` by default).

Tests arrange data (reset, seed, put exact payloads), read and verify the request journal, and
inject faults or a rate limit. Bodies are decoded by the strict contract, so bad input gets the
API's error format; with ``ADMIN_TOKEN`` set, every call needs it as its bearer token (``auth`` checks it). Views only:
the bodies are ``models``, the state and its rules the backend's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
from flask import Blueprint, Response, request

from contracts import Callback, Conversation, Detail, check_bounds, conflicting, server_assigned
from factories import ConversationFactory
from mockserver.control.admin_routes import AdminRoute, AdminRoutes
from mockserver.control.journal import Journal
from mockserver.control.models import (
    HEADER_NAME,
    HEADER_VALUE,
    HOP_BY_HOP,
    HOP_BY_HOP_PREFIX,
    MAX_STATUS,
    MIN_STATUS,
    Fault,
    FaultKind,
    FaultList,
    RateLimit,
    RequestList,
    RequestPattern,
    SeededConversations,
    SeedRequest,
    Stub,
    StubList,
    Verification,
    VerificationResult,
)
from mockserver.control.patterns import PATH_PATTERN, path_error
from mockserver.control.stubs import StubAnswer
from mockserver.numbers import ascii_int
from mockserver.state import paging
from mockserver.state.errors import ApiError
from mockserver.web.current import backend
from mockserver.web.openapi import PAGING, QueryParameter, operation
from mockserver.web.openapi.operation import F
from mockserver.web.wire import decode_body, json_response

bp = Blueprint("admin", __name__)


def admin_view(blueprint: Blueprint, route: AdminRoute, **described: Any) -> Callable[[F], F]:
    """Register a view at its route of ``AdminRoutes`` (the table ``AdminClient`` calls too).

    ``described`` is the view's ``operation`` in the document, tagged admin (its token and faults
    follow from its path).
    """

    def decorate(view: F) -> F:
        operation(tag="admin", **described)(view)
        blueprint.route(route.rule, methods=[route.method])(view)
        return view

    return decorate


def decode_checked(model: type[Any]) -> Any:
    """The body as ``model``, its declared bounds checked: every violation named by its path."""
    body = decode_body(model)
    broken = check_bounds(body)
    if broken:
        messages = [f"{path} must be {expectation}; got {value!r}." for path, expectation, value in broken]
        details = tuple(Detail(error_code="invalid.value", field_name=path) for path, _, _ in broken)
        raise ApiError(400, "invalid.value", " ".join(messages), details=details)
    return body


# Arranging data


@admin_view(
    bp,
    AdminRoutes.RESET,
    summary="Back to the seeded dataset; clear the journal, faults and rate limit",
    operation_id="adminReset",
    responses={204: None},
)
def reset() -> Response:
    backend().reset()
    return Response(status=204)


@admin_view(
    bp,
    AdminRoutes.SEED,
    summary="Generate more conversations into the current data",
    operation_id="adminSeed",
    request=SeedRequest,
    responses={201: SeededConversations},
)
def seed() -> Response:
    wanted: SeedRequest = decode_checked(SeedRequest)
    for index, trait in enumerate(wanted.traits or ()):
        if trait not in ConversationFactory.traits:
            known = ", ".join(ConversationFactory.traits)
            raise ApiError.invalid(
                "invalid.value",
                f"$.traits[{index}]",
                f"$.traits[{index}] must be one of {known}; got {trait!r}.",
            )
    ids, seed = backend().seed(wanted.count, wanted.traits or ConversationFactory.traits, wanted.seed)
    return json_response(SeededConversations(conversation_ids=tuple(ids), seed=seed), 201)


@admin_view(
    bp,
    AdminRoutes.PUT_CONVERSATION,
    summary="Store this exact conversation (replacing one with its id)",
    operation_id="adminPutConversation",
    request=Conversation,
    responses={200: Conversation, 201: Conversation},
    errors=(409,),
)
def put_conversation(conversation_id: str) -> Response:
    conversation: Conversation = decode_body(Conversation)
    _same_id(conversation.id, conversation_id, "$.id")
    conversation = attrs.evolve(conversation, id=conversation_id)
    existed = backend().put_conversation(conversation)
    return json_response(conversation, 200 if existed else 201)


@admin_view(
    bp,
    AdminRoutes.DELETE_CONVERSATION,
    summary="Remove a stored conversation and its planned step (a reset brings back a seeded one)",
    operation_id="adminDeleteConversation",
    responses={204: None},
    errors=(404,),
)
def delete_conversation(conversation_id: str) -> Response:
    backend().delete_conversation(conversation_id)
    return Response(status=204)


@admin_view(
    bp,
    AdminRoutes.PUT_CALLBACK,
    summary="Store this exact callback in a participant of a stored conversation",
    operation_id="adminPutCallback",
    request=Callback,
    responses={200: Conversation},
    errors=(409,),
)
def put_callback(conversation_id: str, participant_id: str, callback_id: str) -> Response:
    callback: Callback = decode_body(Callback)
    _same_id(callback.id, callback_id, "$.id")
    callback = attrs.evolve(callback, id=callback_id)
    return json_response(backend().put_callback(conversation_id, participant_id, callback))


@admin_view(
    bp,
    AdminRoutes.REPLACE_CALLBACK,
    summary="Store this exact callback in place of the stored callback with its id, wherever it is",
    operation_id="adminReplaceCallback",
    request=Callback,
    responses={200: Conversation},
    errors=(404, 409),
)
def replace_callback(callback_id: str) -> Response:
    callback: Callback = decode_body(Callback)
    _same_id(callback.id, callback_id, "$.id")
    return json_response(backend().replace_callback(attrs.evolve(callback, id=callback_id)))


def _same_id(given: str | None, wanted: str, path: str) -> None:
    """A body whose id contradicts the path's is a conflict (409): the schema cannot say so."""
    if given is not None and given != wanted:
        message = f"{path} must be the id in the path, {wanted!r}; got {given!r}."
        raise ApiError(409, "conflict", message, details=(Detail(error_code="conflict", field_name=path),))


# The journal

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


@admin_view(
    bp,
    AdminRoutes.REQUESTS,
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
    _check_path(path, "$.path")
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


@admin_view(
    bp,
    AdminRoutes.CLEAR_REQUESTS,
    summary="Clear the journal",
    operation_id="adminClearRequests",
    responses={204: None},
    errors=(404,),
)
def clear_requests() -> Response:
    _journal().clear()
    return Response(status=204)


@admin_view(
    bp,
    AdminRoutes.VERIFY,
    summary="Count the requests matching a pattern; 409 with the nearest requests on a mismatch",
    operation_id="adminVerify",
    request=Verification,
    responses={200: VerificationResult, 409: VerificationResult},
    errors=(404,),
)
def verify() -> Response:
    verification: Verification = decode_checked(Verification)
    _check_path(verification.path, "$.path")
    result = _journal().verify(verification)
    return json_response(result, 200 if result.ok else 409)


def _journal() -> Journal:
    journal = backend().journal
    if journal is None:
        raise ApiError(404, "not.found", "The request journal is switched off (JOURNAL is false).")
    return journal


def _check_path(pattern: str, path: str) -> None:
    problem = path_error(pattern)
    if problem:
        raise ApiError.invalid("invalid.value", path, f"{path}: {problem}; got {pattern!r}.")


# Faults and the rate limit


@admin_view(
    bp,
    AdminRoutes.FAULTS,
    summary="The active faults",
    operation_id="adminFaults",
    responses={200: FaultList},
)
def faults() -> Response:
    return json_response(backend().faults.listing())


@admin_view(
    bp,
    AdminRoutes.ADD_FAULT,
    summary="Inject a fault into matching requests",
    operation_id="adminAddFault",
    request=Fault,
    responses={201: Fault},
)
def add_fault() -> Response:
    fault: Fault = decode_checked(Fault)
    _check_path(fault.path, "$.path")
    _check_fault(fault)
    return json_response(backend().faults.add(fault), 201)


def _check_fault(fault: Fault) -> None:
    if fault.kind is FaultKind.STATUS and fault.status is None:
        raise ApiError.invalid("constraint.validation", "$.status", "A fault of kind status needs a status.")
    if fault.kind is not FaultKind.STATUS and fault.status is not None:
        raise ApiError.invalid(
            "constraint.validation",
            "$.status",
            f"A fault of kind {fault.kind} takes no status; got {fault.status}.",
        )
    if fault.kind is FaultKind.LATENCY and fault.delay is None:
        raise ApiError.invalid("constraint.validation", "$.delay", "A fault of kind latency needs a delay.")
    if fault.delay is not None:
        missing = fault.delay.missing()
        if missing:
            raise ApiError.invalid(
                "constraint.validation",
                f"$.delay.{missing[0]}",
                f"A {fault.delay.distribution} delay needs {' and '.join(missing)}.",
            )
        if (
            fault.delay.min_ms is not None
            and fault.delay.max_ms is not None
            and fault.delay.min_ms > fault.delay.max_ms
        ):
            raise ApiError.invalid("constraint.validation", "$.delay.maxMs", "maxMs must be at least minMs.")
    if fault.content_type is not None and fault.kind is not FaultKind.CONTENT_TYPE:
        raise ApiError.invalid(
            "constraint.validation",
            "$.contentType",
            f"A fault of kind {fault.kind} takes no contentType; got {fault.content_type!r}.",
        )
    _check_unassigned(fault)


@admin_view(
    bp,
    AdminRoutes.CLEAR_FAULTS,
    summary="Remove every fault",
    operation_id="adminClearFaults",
    responses={204: None},
)
def clear_faults() -> Response:
    backend().faults.clear()
    return Response(status=204)


@admin_view(
    bp,
    AdminRoutes.REMOVE_FAULT,
    summary="Remove one fault",
    operation_id="adminRemoveFault",
    responses={204: None},
)
def remove_fault(fault_id: str) -> Response:
    if not backend().faults.remove(fault_id):
        raise ApiError.not_found(fault_id)
    return Response(status=204)


@admin_view(
    bp,
    AdminRoutes.RATE_LIMIT,
    summary="The rate limit in force",
    operation_id="adminRateLimit",
    responses={200: RateLimit},
    errors=(404,),
)
def rate_limit() -> Response:
    limit = backend().limiter.limit
    if limit is None:
        raise ApiError.not_found("rate-limit")
    return json_response(limit)


@admin_view(
    bp,
    AdminRoutes.SET_RATE_LIMIT,
    summary="Limit each bearer token to so many requests per window",
    operation_id="adminSetRateLimit",
    request=RateLimit,
    responses={200: RateLimit},
)
def set_rate_limit() -> Response:
    limit: RateLimit = decode_checked(RateLimit)
    backend().limiter.set(limit)
    return json_response(limit)


@admin_view(
    bp,
    AdminRoutes.CLEAR_RATE_LIMIT,
    summary="Lift the rate limit",
    operation_id="adminClearRateLimit",
    responses={204: None},
)
def clear_rate_limit() -> Response:
    backend().limiter.set(None)
    return Response(status=204)


# Stubs


@admin_view(
    bp,
    AdminRoutes.STUBS,
    summary="The stubs, in the order they are tried, with their hit counts",
    operation_id="adminStubs",
    responses={200: StubList},
)
def stubs() -> Response:
    return json_response(backend().stubs.listing())


@admin_view(
    bp,
    AdminRoutes.ADD_STUB,
    summary="Answer matching API requests with exactly this status, headers and body",
    operation_id="adminAddStub",
    request=Stub,
    responses={201: Stub},
)
def add_stub() -> Response:
    stub: Stub = decode_checked(Stub)
    _check_path(stub.path, "$.path")
    _check_stub(stub)
    return json_response(backend().stubs.add(stub), 201)


def _check_stub(stub: Stub) -> None:
    """A stub's rules beyond its declared bounds (``decode_checked`` checks those, bodyBase64's too).

    Each is declared on ``Stub`` for the document as well: body and bodyBase64 exclusive, the
    headers' patterns, the server-assigned (``readOnly``) fields.
    """
    both = conflicting(stub)
    if both:
        raise ApiError.invalid(
            "constraint.validation", f"$.{both[-1]}", f"A stub takes {' or '.join(both)}, not both."
        )
    for name, value in (stub.headers or {}).items():
        path = f"$.headers[{name!r}]"
        if not HEADER_NAME.fullmatch(name):
            raise ApiError.invalid("invalid.value", path, f"{path}: not a header name; got {name!r}.")
        if not HEADER_VALUE.fullmatch(value):
            message = f"{path} must be printable ASCII without line breaks; got {value!r}."
            raise ApiError.invalid("invalid.value", path, message)
        lowered = name.lower()
        if lowered in HOP_BY_HOP or lowered.startswith(HOP_BY_HOP_PREFIX):
            message = f"{path}: the server frames the answer and keeps the connection; got {name!r}."
            raise ApiError.invalid("invalid.value", path, message)
        length = len(StubAnswer(stub).body) if lowered == "content-length" else None
        if length is not None and value.strip() != str(length):
            message = f"{path} must be the body's length, {length}, or left out; got {value!r}."
            raise ApiError.invalid("invalid.value", path, message)
    _check_unassigned(stub)


def _check_unassigned(body: Any) -> None:
    """A body that is also an answer (a stub, a fault) leaves what the server assigns (``readOnly``) alone."""
    given = server_assigned(body)
    if given:
        message = f"The server assigns {', '.join(given)}: leave them out."
        raise ApiError.invalid("invalid.property", f"$.{given[0]}", message)


@admin_view(
    bp,
    AdminRoutes.CLEAR_STUBS,
    summary="Remove every stub",
    operation_id="adminClearStubs",
    responses={204: None},
)
def clear_stubs() -> Response:
    backend().stubs.clear()
    return Response(status=204)


@admin_view(
    bp,
    AdminRoutes.REMOVE_STUB,
    summary="Remove one stub",
    operation_id="adminRemoveStub",
    responses={204: None},
)
def remove_stub(stub_id: str) -> Response:
    if not backend().stubs.remove(stub_id):
        raise ApiError.not_found(stub_id)
    return Response(status=204)
