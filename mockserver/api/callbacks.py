"""``/api/v2/conversations/callbacks``: create, reschedule (one or in bulk) and disconnect callbacks."""

from __future__ import annotations

from typing import TypeVar

import attrs
from flask import Blueprint, Response

from contracts import (
    E164,
    BulkCallbackDisconnectRequest,
    BulkCallbackPatchRequest,
    BulkCallbackPatchResponse,
    ContractError,
    CreateCallbackCommand,
    CreateCallbackResponse,
    PatchCallbackRequest,
    PatchCallbackResponse,
    ProblemKind,
    missing_alternatives,
)
from mockserver.state import numbers
from mockserver.state.errors import ApiError
from mockserver.web.current import backend
from mockserver.web.openapi import operation
from mockserver.web.wire import decode_body, json_response

# The bodies that carry callback numbers.
Numbered = TypeVar("Numbered", bound=CreateCallbackCommand | PatchCallbackRequest)

bp = Blueprint("callbacks", __name__, url_prefix="/api/v2/conversations/callbacks")


@bp.post("")
@operation(
    summary="Create a Callback",
    operation_id="postConversationsCallbacks",
    tag="Conversations",
    request=CreateCallbackCommand,
    responses={200: CreateCallbackResponse},
    codes={
        400: (
            "callback.error.scheduled.time.too.far.in.future",
            "callback.error.missing.callback.numbers",
            "callback.error.parse.call.number",
            "callback.error.missing.queue.id",  # a queue the org does not have
            "callback.error.scheduled.callback.number.limit.exceeded",  # too many data attributes
        )
    },
)
def create_callback() -> Response:
    command = with_numbers(decode_command(CreateCallbackCommand))
    require_queue(command, "constraint.validation")
    return json_response(backend().create(command))


@bp.patch("")
@operation(
    summary="Update a scheduled callback",
    operation_id="patchConversationsCallbacks",
    tag="Conversations",
    request=PatchCallbackRequest,
    responses={200: PatchCallbackResponse},
    errors=(404, 412),  # 412 callback.error.already.triggered: the callback is no longer scheduled
    codes={
        400: (
            "callback.error.scheduled.time.too.far.in.future",
            "callback.error.missing.callback.numbers",
            "callback.error.parse.call.number",
            "callback.error.missing.required.information.for.patch.request",
            "callback.error.queue.not.found",
        ),
        404: ("callback.error.callback.not.found",),
        412: ("callback.error.already.triggered",),
    },
)
def patch_callback() -> Response:
    patch = with_numbers(decode_body(PatchCallbackRequest))
    return json_response(backend().reschedule(patch))


@bp.post("/bulk/update")
@operation(
    summary="Update multiple scheduled callbacks",
    operation_id="postConversationsCallbacksBulkUpdate",
    tag="Conversations",
    request=BulkCallbackPatchRequest,
    responses={200: BulkCallbackPatchResponse},
    codes={400: ("callback.error.too.many.entities", "callback.error.scheduled.time.too.far.in.future")},
)
def update_callbacks() -> Response:
    bulk = decode_body(BulkCallbackPatchRequest)
    patches = [
        with_numbers(patch, at=f"$.patchCallbackRequests[{index}]")
        for index, patch in enumerate(bulk.patch_callback_requests)
    ]
    return json_response(backend().bulk_reschedule(patches))


@bp.post("/bulk/disconnect")
@operation(
    summary="Disconnect multiple scheduled callbacks",
    operation_id="postConversationsCallbacksBulkDisconnect",
    tag="Conversations",
    request=BulkCallbackDisconnectRequest,
    responses={202: None},
    errors=(404,),
    codes={404: ("conversation.error.conversation.not.found", "callback.error.callback.not.found")},
)
def disconnect_callbacks() -> Response:
    bulk = decode_body(BulkCallbackDisconnectRequest)
    backend().disconnect(bulk.callback_disconnect_identifiers)
    return Response(status=202)


def require_queue(command: CreateCallbackCommand, code: str) -> None:
    """A create command names its queue, by queueId or in its routingData (the alternatives its
    class declares, which the document states as an ``anyOf``)."""
    missing = missing_alternatives(command)
    if missing:
        raise ApiError.invalid(code, f"$.{missing[0]}", "Either queueId or routingData is required.")


def decode_command(model: type[Numbered]) -> Numbered:
    """A create command's body; one without callbackNumbers answers the route's own code."""
    try:
        return decode_body(model)
    except ContractError as error:
        if any(p.path == "$.callbackNumbers" and p.kind is ProblemKind.MISSING for p in error.problems):
            numbers.dialable(None)  # raises callback.error.missing.callback.numbers
        raise


def with_numbers(command: Numbered, *, at: str = "$") -> Numbered:
    """``command`` with its numbers as the callback stores them (``numbers.dialable``), its caller
    id (if any) in E.164 form; a patch that names no numbers is left as it is."""
    caller_id = getattr(command, "caller_id", None)
    if caller_id is not None and not E164.fullmatch(caller_id):
        path = f"{at}.callerId"
        raise ApiError.invalid(
            "invalid.value",
            path,
            f"{path} must be an E.164 number such as '+14155550123'; got {caller_id!r}.",
        )
    if isinstance(command, PatchCallbackRequest) and command.callback_numbers is None:
        return command
    stored = numbers.dialable(
        command.callback_numbers,
        country_code=command.country_code,
        validate=command.validate_callback_numbers,
        at=at,
    )
    return attrs.evolve(command, callback_numbers=stored)
