"""``/api/v2/conversations/callbacks``: create, reschedule (one or in bulk) and disconnect callbacks."""

from __future__ import annotations

from flask import Blueprint, Response

from contracts import (
    E164,
    BulkCallbackDisconnectRequest,
    BulkCallbackPatchRequest,
    BulkCallbackPatchResponse,
    CreateCallbackCommand,
    CreateCallbackResponse,
    PatchCallbackRequest,
    PatchCallbackResponse,
    missing_alternatives,
)
from mockserver.state.errors import ApiError
from mockserver.web.current import backend
from mockserver.web.openapi import operation
from mockserver.web.wire import decode_body, json_response

bp = Blueprint("callbacks", __name__, url_prefix="/api/v2/conversations/callbacks")


@bp.post("")
@operation(
    summary="Create a Callback",
    operation_id="postConversationsCallbacks",
    tag="Conversations",
    request=CreateCallbackCommand,
    responses={200: CreateCallbackResponse},
    codes={400: ("callback.error.scheduled.time.too.far.in.future",)},
)
def create_callback() -> Response:
    command = decode_body(CreateCallbackCommand)
    require_numbers(command.callback_numbers, command.caller_id)
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
        400: ("callback.error.scheduled.time.too.far.in.future",),
        412: ("callback.error.already.triggered",),
    },
)
def patch_callback() -> Response:
    patch = decode_body(PatchCallbackRequest)
    if patch.callback_numbers is not None:
        require_numbers(patch.callback_numbers)
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
    for index, patch in enumerate(bulk.patch_callback_requests):
        if patch.callback_numbers is not None:
            require_numbers(patch.callback_numbers, at=f"$.patchCallbackRequests[{index}]")
    return json_response(backend().bulk_reschedule(bulk.patch_callback_requests))


@bp.post("/bulk/disconnect")
@operation(
    summary="Disconnect multiple scheduled callbacks",
    operation_id="postConversationsCallbacksBulkDisconnect",
    tag="Conversations",
    request=BulkCallbackDisconnectRequest,
    responses={202: None},
    errors=(404,),
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


def require_numbers(numbers: tuple[str, ...], caller_id: str | None = None, *, at: str = "$") -> None:
    """At least one callback number, each (and the caller id) in E.164 form as the API stores them."""
    if not numbers:
        raise ApiError.invalid(
            "constraint.validation", f"{at}.callbackNumbers", "callbackNumbers must hold at least one number."
        )
    named = [(f"{at}.callbackNumbers[{i}]", number) for i, number in enumerate(numbers)]
    for path, number in [*named, (f"{at}.callerId", caller_id)]:
        if number is not None and not E164.fullmatch(number):
            raise ApiError.invalid(
                "invalid.value",
                path,
                f"{path} must be an E.164 number such as '+14155550123'; got {number!r}.",
            )
