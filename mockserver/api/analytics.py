"""``/api/v2/analytics``: the conversation details query and details, and queue observations; and
``PUT /api/v2/conversations/{conversationId}/tags``."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Blueprint, Response

from contracts import (
    AnalyticsConversationQueryResponse,
    AnalyticsConversationWithoutAttributes,
    ConversationQuery,
    ConversationTagsUpdate,
    QueueObservationQuery,
    QueueObservationQueryResponse,
)
from mockserver.web.current import backend
from mockserver.web.openapi import operation
from mockserver.web.wire import decode_body, json_response

bp = Blueprint("analytics", __name__, url_prefix="/api/v2")


def null_values_dropped(data: bytes) -> bytes:
    """The body with each predicate's ``"value": null`` left out, as the API reads it.

    The published data actions send ``"value": null`` with ``exists``; the strict contract refuses
    null everywhere else, so only a predicate's value is let through (a body that is not JSON is
    left as it is, for the decoder to refuse).
    """
    try:
        body = orjson.loads(data)
    except orjson.JSONDecodeError:
        return data
    if not isinstance(body, dict):
        return data
    filters = [*_listed(body.get("conversationFilters")), *_listed(body.get("segmentFilters"))]
    if isinstance(body.get("filter"), dict):
        filters.append(body["filter"])
    for filter_ in filters:
        predicates = [*_listed(filter_.get("predicates"))]
        predicates += [
            p for clause in _listed(filter_.get("clauses")) for p in _listed(clause.get("predicates"))
        ]
        for predicate in predicates:
            if "value" in predicate and predicate["value"] is None:
                del predicate["value"]
    return orjson.dumps(body)


def _listed(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


@bp.post("/analytics/conversations/details/query")
@operation(
    summary="Query for conversation details",
    operation_id="postAnalyticsConversationsDetailsQuery",
    tag="Analytics",
    request=ConversationQuery,
    responses={200: AnalyticsConversationQueryResponse},
    errors=(400,),
)
def details_query() -> Response:
    return json_response(
        backend().analytics.query(decode_body(ConversationQuery, prepare=null_values_dropped))
    )


@bp.get("/analytics/conversations/<conversation_id>/details")
@operation(
    summary="Get a conversation by id",
    operation_id="getAnalyticsConversationDetails",
    tag="Analytics",
    responses={200: AnalyticsConversationWithoutAttributes},
    errors=(404,),
)
def conversation_details(conversation_id: str) -> Response:
    return json_response(backend().analytics_details(conversation_id))


@bp.post("/analytics/queues/observations/query")
@operation(
    summary="Query for queue observations",
    operation_id="postAnalyticsQueuesObservationsQuery",
    tag="Analytics",
    request=QueueObservationQuery,
    responses={200: QueueObservationQueryResponse},
    errors=(400,),
)
def observations_query() -> Response:
    return json_response(
        backend().analytics.observations(decode_body(QueueObservationQuery, prepare=null_values_dropped))
    )


@bp.put("/conversations/<conversation_id>/tags")
@operation(
    summary="Update the tags on a conversation.",
    operation_id="putConversationTags",
    tag="Conversations",
    request=ConversationTagsUpdate,
    responses={202: str},
    errors=(400, 404),
    codes={404: ("conversation.error.conversation.not.found",)},
)
def put_tags(conversation_id: str) -> Response:
    return json_response(backend().tag(conversation_id, decode_body(ConversationTagsUpdate)), 202)
