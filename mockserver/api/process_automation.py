"""``/api/v2/processautomation/triggers``: the process-automation triggers and the topics they may name."""

from __future__ import annotations

from flask import Blueprint, Response, request

from contracts import (
    CreateTriggerRequest,
    TopicCursorEntityListing,
    Trigger,
    TriggerEntityListing,
    UpdateTriggerRequest,
)
from mockserver.state.trigger_commands import BODY_SCHEMA, MAX_PAGE_SIZE
from mockserver.web.current import backend
from mockserver.web.openapi import QueryParameter, operation
from mockserver.web.wire import decode_body, json_response

bp = Blueprint("process_automation", __name__, url_prefix="/api/v2/processautomation")
TAG = "Process Automation"
CURSOR = (
    QueryParameter(
        "after",
        "The cursor that points to the end of the set of entities that has been returned (here: an offset).",
        {"type": "string", "pattern": "^(0|[1-9][0-9]{0,8})$"},
    ),
    QueryParameter(
        "pageSize",
        f"Number of entities to return. Maximum of {MAX_PAGE_SIZE}.",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
    ),
)


@bp.get("/triggers")
@operation(
    summary="Retrieve all triggers, optionally filtered by query parameters.",
    operation_id="getProcessautomationTriggers",
    tag=TAG,
    responses={200: TriggerEntityListing},
    errors=(400,),
    codes={400: ("invalid.query.param.value",)},
    query=(
        *CURSOR,
        QueryParameter("topicName", "Topic name(s). Separated by commas", {"type": "string"}),
        QueryParameter(
            "enabled", "Boolean indicating desired enabled state of triggers", {"type": "boolean"}
        ),
        QueryParameter(
            "hasDelayBy",
            "Only triggers with delayBySeconds set (true) or without (false).",
            {"type": "boolean"},
        ),
    ),
)
def list_triggers() -> Response:
    return json_response(backend().triggers.listing(request.args))


@bp.post("/triggers")
@operation(
    summary="Create a Trigger",
    operation_id="postProcessautomationTriggers",
    tag=TAG,
    request=CreateTriggerRequest,
    narrowing=BODY_SCHEMA,
    responses={200: Trigger},
    errors=(400,),
)
def create_trigger() -> Response:
    return json_response(backend().triggers.create(decode_body(CreateTriggerRequest)))


@bp.get("/triggers/topics")
@operation(
    summary="Get topics available for organization",
    operation_id="getProcessautomationTriggersTopics",
    tag=TAG,
    responses={200: TopicCursorEntityListing},
    errors=(400,),
    codes={400: ("invalid.query.param.value",)},
    query=CURSOR,
)
def list_topics() -> Response:
    return json_response(backend().triggers.topics(request.args))


@bp.get("/triggers/<trigger_id>")
@operation(
    summary="Retrieve a single Trigger matching id",
    operation_id="getProcessautomationTrigger",
    tag=TAG,
    responses={200: Trigger},
    errors=(404,),
)
def get_trigger(trigger_id: str) -> Response:
    return json_response(backend().triggers.get(trigger_id))


@bp.put("/triggers/<trigger_id>")
@operation(
    summary="Update a Trigger",
    operation_id="putProcessautomationTrigger",
    tag=TAG,
    request=UpdateTriggerRequest,
    narrowing=BODY_SCHEMA,
    responses={200: Trigger},
    errors=(400, 404, 409),
    codes={409: ("request.conflict",)},
)
def replace_trigger(trigger_id: str) -> Response:
    return json_response(backend().triggers.replace(trigger_id, decode_body(UpdateTriggerRequest)))


@bp.delete("/triggers/<trigger_id>")
@operation(
    summary="Delete a Trigger",
    operation_id="deleteProcessautomationTrigger",
    tag=TAG,
    responses={204: None},
    errors=(404,),
)
def delete_trigger(trigger_id: str) -> Response:
    backend().triggers.delete(trigger_id)
    return Response(status=204)
