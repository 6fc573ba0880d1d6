"""Analytics from the same state: the published data actions' and blueprint's queries, run unmodified.

The request bodies are copied from Genesys's own modules (their ``request_template``, with the
``${input.X}`` placeholders a data action fills in), and the answers are read at the modules' own
JSONPaths. Each count is checked against what the test did to the conversations.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from types import ModuleType
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockserver.state.clock import iso
from mockserver.testing.server import MockServer
from mockserver.web.current import backend_of
from tests.support import NOW
from tests.support.control import AdminRoutes, control_path
from tests.support.jsonpath import read
from tests.support.sdk import client_on

DETAILS = "/api/v2/analytics/conversations/details/query"
OBSERVATIONS = "/api/v2/analytics/queues/observations/query"

# GenesysCloudDevOps/public-api-get-number-of-completed-callbacks-data-action-module, main.tf
# (request_template, as Terraform renders it: "$${" is "${").
COMPLETED_CALLBACKS = (
    '{\n "interval": "${input.INTERVAL_Start}/${input.INTERVAL_End}",\n "order": "asc",\n'
    ' "orderBy": "conversationStart",\n "paging": {\n  "pageSize": 25,\n  "pageNumber": 1\n },\n'
    ' "segmentFilters": [\n  {\n   "type": "and",\n   "predicates": [\n    {\n     "type": "dimension",\n'
    '     "dimension": "mediaType",\n     "operator": "matches",\n     "value": "callback"\n    },\n'
    '    {\n     "type": "dimension",\n     "dimension": "queueId",\n     "operator": "matches",\n'
    '     "value": "${input.QUEUE_ID}"\n    }\n   ]\n  }\n ],\n "conversationFilters": [\n  {\n'
    '   "type": "and",\n   "predicates": [\n    {\n     "type": "dimension",\n'
    '     "dimension": "conversationEnd",\n     "operator": "exists",\n     "value": null\n    }\n'
    "   ]\n  }\n ]\n}"
)
# GenesysCloudDevOps/public-api-get-interactions-in-queue-data-action-module, main.tf, and its reads.
INTERACTIONS_IN_QUEUE = (
    '{"filter": {"type":"and","predicates": [{"dimension": "queueId","value": "${input.QUEUE_ID}"},'
    '{"dimension": "mediaType","value": "${input.MEDIA_TYPE}"}]},"metrics": ["oWaiting","oInteracting"]}'
)
NUM_WAITING = '$..data[?(@.metric=="oWaiting")].stats.count'
NUM_INTERACTING = '$..data[?(@.metric=="oInteracting")].stats.count'
# GenesysCloudBlueprints/automated-callback-blueprint, files/Get-callbacks-waiting.custom.json.
CALLBACKS_WAITING = (
    '{\n "filter": {\n  "type": "and",\n  "predicates": [\n   {\n    "type": "dimension",\n'
    '    "dimension": "mediaType",\n    "operator": "matches",\n    "value": "callback"\n   },\n   {\n'
    '    "type": "dimension",\n    "dimension": "queueId",\n    "operator": "matches",\n'
    '    "value": "${input.queueId}"\n   }\n  ]\n },\n "metrics": [\n  "oWaiting"\n ]\n}'
)
BLUEPRINT_COUNT = "$.results[0].data[0].stats.count"


def render(template: str, **inputs: str) -> Any:
    """The template as a data action sends it: each ``${input.X}`` replaced, then parsed."""
    for name, value in inputs.items():
        template = template.replace("${input." + name + "}", value)
    return json.loads(template)


def post(client: FlaskClient, path: str, body: Any) -> Any:
    response = client.post(path, json=body)
    assert response.status_code == 200, response.json
    return response.json


def create(client: FlaskClient, queue_id: str, **fields: Any) -> str:
    body = {"callbackNumbers": ["+13175550100"], "queueId": queue_id, **fields}
    response = client.post("/api/v2/conversations/callbacks", json=body)
    assert response.status_code == 200, response.json
    conversation_id: str = response.json["conversation"]["id"]  # type: ignore[index]
    return conversation_id


def advance(client: FlaskClient, conversation_id: str, stage: str) -> None:
    path = control_path(AdminRoutes.ADVANCE, conversation_id=conversation_id)
    response = client.post(path, json={"to": stage})
    assert response.status_code == 200, response.json


def queue_of(app: Flask) -> str:
    queue_id: str = backend_of(app).factory.org.queues[0].id
    return queue_id


def completed(client: FlaskClient, now: datetime, queue_id: str) -> int:
    body = render(
        COMPLETED_CALLBACKS,
        INTERVAL_Start=iso(now - timedelta(hours=24)),
        INTERVAL_End=iso(now),
        QUEUE_ID=queue_id,
    )
    answer = post(client, DETAILS, body)
    total: int = answer["totalHits"]
    assert len(answer.get("conversations", [])) == min(total, 25)
    return total


def test_the_completed_callbacks_module_counts_the_conversations_the_test_ended(
    app: Flask, client: FlaskClient
) -> None:
    queue_id = queue_of(app)
    now = backend_of(app).now()
    before = completed(client, now, queue_id)
    created = [create(client, queue_id) for _ in range(4)]
    other = create(client, backend_of(app).factory.org.queues[1].id)
    for conversation_id in [*created[:3], other]:
        advance(client, conversation_id, "disconnected")
    advance(client, created[3], "connected")  # answered, not ended

    assert completed(client, now, queue_id) == before + 3
    ended = [client.get(f"/api/v2/conversations/{c}").json["endTime"] for c in created[:3]]  # type: ignore[index]
    assert None not in ended


def test_the_count_before_matches_the_stored_conversations_it_describes(
    app: Flask, client: FlaskClient
) -> None:
    # The seeded dataset's ended callbacks on the queue that started within the interval's days.
    queue_id = queue_of(app)
    now = backend_of(app).now()
    first_day = (now - timedelta(hours=24)).date()
    expected = sum(
        1
        for entry in backend_of(app).entries()
        if (c := entry.conversation).end_time is not None
        and c.start_time is not None
        and first_day <= c.start_time.date() <= now.date()
        and any(p.queue_id == queue_id and p.callbacks for p in c.participants or ())
    )
    assert completed(client, now, queue_id) == expected


def waiting(client: FlaskClient, queue_id: str) -> tuple[int, int, int]:
    """oWaiting and oInteracting as the module reads them, and oWaiting as the blueprint reads it."""
    module = post(
        client, OBSERVATIONS, render(INTERACTIONS_IN_QUEUE, QUEUE_ID=queue_id, MEDIA_TYPE="callback")
    )
    blueprint = post(client, OBSERVATIONS, render(CALLBACKS_WAITING, queueId=queue_id))
    (module_waiting,) = read(NUM_WAITING, module)
    (module_interacting,) = read(NUM_INTERACTING, module)
    (blueprint_waiting,) = read(BLUEPRINT_COUNT, blueprint)
    return module_waiting, module_interacting, blueprint_waiting


def test_the_interactions_in_queue_module_and_the_blueprint_read_the_callbacks_waiting(
    app: Flask, client: FlaskClient
) -> None:
    queue_id = queue_of(app)
    waiting_before, interacting_before, _ = waiting(client, queue_id)
    due = [create(client, queue_id) for _ in range(3)]
    later = iso(backend_of(app).now() + timedelta(hours=2))
    create(client, queue_id, callbackScheduledTime=later)  # in the queue's future, not waiting yet

    assert waiting(client, queue_id) == (waiting_before + 3, interacting_before, waiting_before + 3)

    advance(client, due[0], "connected")
    advance(client, due[1], "disconnected")

    assert waiting(client, queue_id) == (waiting_before + 1, interacting_before + 1, waiting_before + 1)


def test_observations_count_the_members_by_routing_status(app: Flask, client: FlaskClient) -> None:
    queue_id = queue_of(app)
    agents = [user_id for user_id, _ in backend_of(app).factory.org.agents]
    assert (
        client.put(f"/api/v2/users/{agents[0]}/routingstatus", json={"status": "OFF_QUEUE"}).status_code
        == 200
    )
    body = {
        "filter": {"type": "or", "predicates": [{"dimension": "queueId", "value": queue_id}]},
        "metrics": ["oOnQueueUsers", "oOffQueueUsers", "oMemberUsers", "oUserRoutingStatuses"],
    }
    (result,) = post(client, OBSERVATIONS, body)["results"]
    counts = {(d["metric"], d.get("qualifier")): d["stats"]["count"] for d in result["data"]}

    assert result["group"] == {"queueId": queue_id}
    assert counts == {
        ("oOnQueueUsers", "IDLE"): len(agents) - 1,
        ("oOffQueueUsers", None): 1,
        ("oMemberUsers", None): len(agents),
        ("oUserRoutingStatuses", "OFF_QUEUE"): 1,
        ("oUserRoutingStatuses", "IDLE"): len(agents) - 1,
    }


def test_tags_are_kept_with_the_conversation_and_shown_by_rest_and_analytics(
    app: Flask, client: FlaskClient
) -> None:
    conversation_id = create(client, queue_of(app))
    response = client.put(f"/api/v2/conversations/{conversation_id}/tags", json={"externalTag": "negative"})

    assert (response.status_code, response.json) == (202, "negative")  # as the description answers
    assert client.get(f"/api/v2/conversations/{conversation_id}").json["externalTag"] == "negative"  # type: ignore[index]
    details = client.get(f"/api/v2/analytics/conversations/{conversation_id}/details").json
    assert details["externalTag"] == "negative"  # type: ignore[index]
    advance(client, conversation_id, "disconnected")  # the engine's steps keep it
    assert client.get(f"/api/v2/conversations/{conversation_id}").json["externalTag"] == "negative"  # type: ignore[index]
    body = {
        "interval": f"{iso(backend_of(app).now() - timedelta(hours=1))}/{iso(backend_of(app).now())}",
        "conversationFilters": [
            {"type": "and", "predicates": [{"dimension": "externalTag", "value": "negative"}]}
        ],
    }
    assert [c["conversationId"] for c in post(client, DETAILS, body)["conversations"]] == [conversation_id]


def test_tags_on_an_unknown_conversation_are_404(client: FlaskClient) -> None:
    response = client.put("/api/v2/conversations/nope/tags", json={"externalTag": "x"})
    assert response.status_code == 404
    assert response.json is not None
    assert response.json["code"] == "conversation.error.conversation.not.found"  # the route's own, as listed
    assert client.get("/api/v2/analytics/conversations/nope/details").status_code == 404


INTERVAL = "2026-01-01T00:00:00Z/2026-01-02T00:00:00Z"


def _segment(predicate: dict[str, Any]) -> dict[str, Any]:
    return {"interval": INTERVAL, "segmentFilters": [{"type": "and", "predicates": [predicate]}]}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (DETAILS, {"segmentFilters": []}, "$.interval"),
        (DETAILS, {"interval": "yesterday"}, "$.interval"),
        (DETAILS, {"interval": "2026-01-02T00:00:00Z/2026-01-01T00:00:00Z"}, "$.interval"),
        (DETAILS, {"interval": "2026-01-01T00:00:00Z/2026-03-01T00:00:00Z"}, "$.interval"),
        (
            DETAILS,
            _segment({"dimension": "agentOwned", "value": "true"}),
            "$.segmentFilters[0].predicates[0].dimension",
        ),
        (DETAILS, _segment({"dimension": "mediaType"}), "$.segmentFilters[0].predicates[0].value"),
        (
            DETAILS,
            _segment({"type": "property", "dimension": "mediaType", "value": "x"}),
            "$.segmentFilters[0].predicates[0].type",
        ),
        (
            DETAILS,
            _segment({"dimension": "nope", "value": "x"}),
            "$.segmentFilters[0].predicates[0].dimension",
        ),
        (
            DETAILS,
            _segment({"type": "metric", "metric": "tTalk"}),
            "$.segmentFilters[0].predicates[0].metric",
        ),
        (DETAILS, {"interval": INTERVAL, "segmentFilters": [{"type": "and"}]}, "$.segmentFilters[0]"),
        (
            DETAILS,
            {
                "interval": INTERVAL,
                "segmentFilters": [
                    {
                        "type": "or",
                        "clauses": [{"type": "and", "predicates": [{"dimension": "flowId", "value": "x"}]}],
                    }
                ],
            },
            "$.segmentFilters[0].clauses[0].predicates[0].dimension",
        ),
        (
            DETAILS,
            {
                "interval": INTERVAL,
                "conversationFilters": [
                    {"type": "and", "predicates": [{"dimension": "divisionId", "value": "x"}]}
                ],
            },
            "$.conversationFilters[0].predicates[0].dimension",
        ),
        (DETAILS, {"interval": INTERVAL, "evaluationFilters": []}, "$.evaluationFilters"),
        (DETAILS, {"interval": INTERVAL, "orderBy": "segmentStart"}, "$.orderBy"),
        (DETAILS, {"interval": INTERVAL, "order": "sideways"}, "$.order"),
        (DETAILS, {"interval": INTERVAL, "paging": {"pageSize": 101}}, "$.paging.pageSize"),
        (
            OBSERVATIONS,
            {"filter": {"type": "and", "predicates": [{"dimension": "queueId", "value": "q"}]}},
            "$.metrics",
        ),
        (
            OBSERVATIONS,
            {
                "filter": {"type": "and", "predicates": [{"dimension": "queueId", "value": "q"}]},
                "metrics": ["oUserPresences"],
            },
            "$.metrics[0]",
        ),
        (
            OBSERVATIONS,
            {
                "filter": {"type": "and", "predicates": [{"dimension": "queueId", "value": "q"}]},
                "metrics": ["oWaiting", "nope"],
            },
            "$.metrics[1]",
        ),
        (OBSERVATIONS, {"metrics": ["oWaiting"]}, "$.filter"),
        (
            OBSERVATIONS,
            {
                "filter": {"type": "and", "predicates": [{"dimension": "userId", "value": "u"}]},
                "metrics": ["oWaiting"],
            },
            "$.filter.predicates[0].dimension",
        ),
        (
            OBSERVATIONS,
            {
                "filter": {"type": "and", "predicates": [{"dimension": "queueId", "value": "q"}]},
                "metrics": ["oWaiting"],
                "detailMetrics": ["oWaiting"],
            },
            "$.detailMetrics",
        ),
        ("/api/v2/conversations/{id}/tags", {"externalTag": 5}, "$.externalTag"),
    ],
)
def test_bad_queries_are_refused_naming_the_field(
    app: Flask, client: FlaskClient, path: str, body: dict[str, Any], field: str
) -> None:
    if "{id}" in path:
        path = path.replace("{id}", backend_of(app).entries()[0].id)
    response = client.post(path, json=body) if "tags" not in path else client.put(path, json=body)

    assert response.status_code == 400, response.json
    assert response.json is not None
    assert [d["fieldName"] for d in response.json["details"]] == [field]
    assert field in response.json["message"]


def test_the_sdk_reads_the_answers(sdk: ModuleType, callback_mock_server: MockServer) -> None:
    api = sdk.AnalyticsApi(client_on(sdk, callback_mock_server.url))
    conversations = sdk.ConversationsApi(client_on(sdk, callback_mock_server.url))
    now = NOW  # the live server's clock, frozen there
    query = sdk.ConversationQuery()
    query.interval = f"{iso(now - timedelta(days=3))}/{iso(now + timedelta(days=1))}"
    predicate = sdk.SegmentDetailQueryPredicate()
    predicate.dimension, predicate.value = "mediaType", "callback"
    segment_filter = sdk.SegmentDetailQueryFilter()
    segment_filter.type, segment_filter.predicates = "and", [predicate]
    query.segment_filters = [segment_filter]
    paging = sdk.PagingSpec()
    paging.page_size, paging.page_number = 5, 1
    query.paging = paging

    answer = api.post_analytics_conversations_details_query(query)

    assert answer.total_hits > 5
    assert len(answer.conversations) == 5
    first = answer.conversations[0]
    sessions = [s for p in first.participants for s in p.sessions]
    assert {s.media_type for s in sessions} == {"callback"}
    assert all(
        seg.segment_type in {"scheduled", "interact", "alert", "wrapup", "hold"}
        for s in sessions
        for seg in s.segments
    )
    single = api.get_analytics_conversation_details(first.conversation_id)
    assert single.conversation_id == first.conversation_id

    observed = sdk.QueueObservationQuery()
    observed_filter = sdk.QueueObservationQueryFilter()
    queue_predicate = sdk.QueueObservationQueryPredicate()
    queue_predicate.dimension, queue_predicate.value = "mediaType", "callback"
    observed_filter.type, observed_filter.predicates = "and", [queue_predicate]
    observed.filter, observed.metrics = observed_filter, ["oWaiting", "oOnQueueUsers"]
    results = api.post_analytics_queues_observations_query(observed).results
    assert results
    assert all(r.group["mediaType"] == "callback" and r.data[0].metric == "oWaiting" for r in results)

    tags = sdk.ConversationTagsUpdate()
    tags.external_tag = "from-the-sdk"
    assert conversations.put_conversation_tags(first.conversation_id, tags) == "from-the-sdk"
    assert api.get_analytics_conversation_details(first.conversation_id).external_tag == "from-the-sdk"


def test_a_query_follows_the_store_a_change_and_a_delete(app: Flask, client: FlaskClient) -> None:
    conversation_id = create(client, queue_of(app))
    now = backend_of(app).now()
    body = {
        "interval": f"{iso(now - timedelta(hours=1))}/{iso(now + timedelta(hours=1))}",
        "conversationFilters": [
            {"type": "and", "predicates": [{"dimension": "conversationId", "value": conversation_id}]}
        ],
        "segmentFilters": [{"type": "and", "predicates": [{"dimension": "segmentType", "value": "wrapup"}]}],
    }
    assert post(client, DETAILS, body)["totalHits"] == 0  # scheduled: no after-call work yet
    advance(client, conversation_id, "disconnected")
    assert post(client, DETAILS, body)["totalHits"] == 1
    path = control_path(AdminRoutes.DELETE_CONVERSATION, conversation_id=conversation_id)
    assert client.delete(path).status_code in (200, 204)
    assert post(client, DETAILS, body)["totalHits"] == 0
