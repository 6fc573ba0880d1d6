"""The ACD's routes: ``PATCH /api/v2/routing/conversations/{id}`` and a queue's estimated wait time."""

from __future__ import annotations

from flask import Blueprint, Response, request

from contracts import (
    EstimatedWaitTimePredictions,
    RoutingConversationAttributesRequest,
    RoutingConversationAttributesResponse,
)
from mockserver.web.current import backend
from mockserver.web.openapi import QueryParameter, operation
from mockserver.web.wire import decode_body, json_response

bp = Blueprint("acd", __name__, url_prefix="/api/v2/routing")


@bp.patch("/conversations/<conversation_id>")
@operation(
    summary="Update attributes of an in-queue conversation",
    operation_id="patchRoutingConversation",
    tag="Routing",
    request=RoutingConversationAttributesRequest,
    responses={200: RoutingConversationAttributesResponse},
    errors=(400, 404),
    codes={400: ("conversation.error.not.in.queue",)},
)
def change_routing(conversation_id: str) -> Response:
    return json_response(
        backend().acd.change(conversation_id, decode_body(RoutingConversationAttributesRequest))
    )


@bp.get("/queues/<queue_id>/estimatedwaittime")
@operation(
    summary="Get Estimated Wait Time",
    operation_id="getRoutingQueueEstimatedwaittime",
    tag="Routing",
    responses={200: EstimatedWaitTimePredictions},
    errors=(404,),
    query=(QueryParameter("conversationId", "conversationId", {"type": "string"}),),
)
def estimated_wait_time(queue_id: str) -> Response:
    return json_response(backend().acd.estimated_wait(queue_id, request.args.get("conversationId")))
