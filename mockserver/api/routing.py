"""``/api/v2/routing/queues`` and ``/api/v2/users/{userId}/routingstatus``: queues, members, routing statuses."""

from __future__ import annotations

from flask import Blueprint, Response, request

from contracts import (
    CreateQueueRequest,
    Queue,
    QueueEntityListing,
    QueueMemberEntityListing,
    QueueRequest,
    RoutingStatus,
    WritableEntity,
)
from mockserver.state import paging
from mockserver.state.errors import ApiError
from mockserver.web.current import backend
from mockserver.web.openapi import PAGING, QueryParameter, operation
from mockserver.web.wire import decode_body, json_response

bp = Blueprint("routing", __name__, url_prefix="/api/v2")
# What these routes require of their shared models: a queue's name, a status's status.
NAMED = {"required": ["name"], "properties": {"name": {"minLength": 1}}}
STATUS_REQUIRED = {"required": ["status"]}


@bp.get("/routing/queues")
@operation(
    summary="Get list of queues.",
    operation_id="getRoutingQueues",
    tag="Routing",
    responses={200: QueueEntityListing},
    errors=(400,),
    query=(
        *PAGING,
        QueryParameter(
            "name",
            "Include only queues with the given name (leading and trailing asterisks allowed).",
            {"type": "string"},
        ),
        QueryParameter(
            "id",
            "Include only queues with the specified ID(s) (the parameter repeated).",
            {"type": "array", "items": {"type": "string"}},
        ),
    ),
)
def list_queues() -> Response:
    return json_response(
        backend().queues.listing(
            name=request.args.get("name"),
            ids=request.args.getlist("id"),
            size=paging.page_size(request.args),
            number=paging.page_number(request.args),
        )
    )


@bp.post("/routing/queues")
@operation(
    summary="Create a queue",
    operation_id="postRoutingQueues",
    tag="Routing",
    request=CreateQueueRequest,
    narrowing=NAMED,
    responses={200: Queue},
    errors=(400,),
)
def create_queue() -> Response:
    return json_response(backend().queues.create(decode_body(CreateQueueRequest)))


@bp.get("/routing/queues/<queue_id>")
@operation(
    summary="Get details about this queue.",
    operation_id="getRoutingQueue",
    tag="Routing",
    responses={200: Queue},
    errors=(404,),
)
def get_queue(queue_id: str) -> Response:
    return json_response(backend().queues.get(queue_id))


@bp.put("/routing/queues/<queue_id>")
@operation(
    summary="Update a queue",
    operation_id="putRoutingQueue",
    tag="Routing",
    request=QueueRequest,
    narrowing=NAMED,
    responses={200: Queue},
    errors=(400, 404),
)
def replace_queue(queue_id: str) -> Response:
    return json_response(backend().queues.replace(queue_id, decode_body(QueueRequest)))


@bp.get("/routing/queues/<queue_id>/members")
@operation(
    summary="Get the members of this queue.",
    operation_id="getRoutingQueueMembers",
    tag="Routing",
    responses={200: QueueMemberEntityListing},
    errors=(400, 404),
    query=PAGING,
)
def list_members(queue_id: str) -> Response:
    return json_response(
        backend().queues.members(
            queue_id, size=paging.page_size(request.args), number=paging.page_number(request.args)
        )
    )


@bp.post("/routing/queues/<queue_id>/members")
@operation(
    summary="Bulk add or delete up to 100 queue members",
    operation_id="postRoutingQueueMembers",
    tag="Routing",
    request=tuple[WritableEntity, ...],
    responses={204: None},
    errors=(400, 404),
    query=(QueryParameter("delete", "True to delete queue members.", {"type": "boolean"}),),
)
def change_members(queue_id: str) -> Response:
    members = decode_body(tuple[WritableEntity, ...])
    backend().queues.change_members(queue_id, [m.id for m in members], delete=_flag("delete"))
    return Response(status=204)


@bp.delete("/routing/queues/<queue_id>/members/<member_id>")
@operation(
    summary="Delete a queue member.",
    operation_id="deleteRoutingQueueMember",
    tag="Routing",
    responses={204: None},
    errors=(404,),
)
def remove_member(queue_id: str, member_id: str) -> Response:
    backend().queues.remove_member(queue_id, member_id)
    return Response(status=204)


@bp.get("/users/<user_id>/routingstatus")
@operation(
    summary="Fetch the routing status of a user",
    operation_id="getUserRoutingstatus",
    tag="Users",
    responses={200: RoutingStatus},
    errors=(404,),
)
def get_routing_status(user_id: str) -> Response:
    return json_response(backend().queues.status(user_id))


@bp.put("/users/<user_id>/routingstatus")
@operation(
    summary="Update the routing status of a user",
    operation_id="putUserRoutingstatus",
    tag="Users",
    request=RoutingStatus,
    narrowing=STATUS_REQUIRED,
    responses={200: RoutingStatus},
    errors=(400, 404),
)
def set_routing_status(user_id: str) -> Response:
    return json_response(backend().queues.set_status(user_id, decode_body(RoutingStatus)))


def _flag(name: str) -> bool:
    """A boolean query parameter: ``true`` or ``false`` (case ignored), false if absent."""
    text = request.args.get(name)
    if text is None or text.lower() == "false":
        return False
    if text.lower() == "true":
        return True
    raise ApiError.invalid("invalid.value", f"$.{name}", f"{name} must be true or false; got {text!r}.")
