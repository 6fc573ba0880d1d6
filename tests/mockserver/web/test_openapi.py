"""The OpenAPI document: generated from the routes and the contract, valid, and true of the live server."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis import checks
from schemathesis.core.result import Ok

from contracts import camel, format_datetime, parse_datetime
from mockserver import create_app
from mockserver.state.backend import MAX_SCHEDULE_AHEAD
from mockserver.testing.server import MockServer
from mockserver.web import openapi
from tests.support import CONFIG, TOKEN
from tests.support.control import ADMIN_PREFIX, AdminRoutes, control_path
from tests.support.live import call
from tests.support.seeded import QUEUE_ID


@pytest.fixture(scope="session", params=["memory", pytest.param("redis", marks=pytest.mark.slow)])
def store(request: pytest.FixtureRequest) -> str:
    """The conftest's ``store``, with this module's Redis runs in the slow stage: the document is the
    same on both stores, and schemathesis' thousands of requests (minutes on Redis) prove nothing of the
    store that its own suite (tests/mockserver/store) and the route tests on it do not."""
    if request.param == "memory":
        return "memory"
    url: str = request.getfixturevalue("redis_url")
    return url


def test_the_served_document_is_valid_openapi_3_1(callback_mock_server: MockServer) -> None:
    answer = call(callback_mock_server.url, "GET", "/openapi.json", token=None)
    assert answer.status == 200
    document = answer.json()
    validate(document)
    assert document["openapi"].startswith("3.1")


def test_every_registered_route_is_documented(app: Flask) -> None:
    document = app.test_client().get("/openapi.json").get_json()
    documented = {
        (method.upper(), path) for path, operations in document["paths"].items() for method in operations
    }
    registered = {
        (method, re.sub(r"<(\w+)>", lambda m: "{" + camel(m.group(1)) + "}", rule.rule))
        for rule in app.url_map.iter_rules()
        # /oauth/token is the login host's, outside the API (and its form body outside JSON Schema)
        if rule.endpoint not in {"static", "openapi", "oauth.token"}
        and not rule.endpoint.startswith("console.")  # the console's HTML pages, no API of JSON
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert documented == registered
    # 39, the 8 notification routes, the 2 control ones, DELETE .../conversations/{id}, PUT .../callbacks/{id}
    # GET /__admin/settings, PUT /__admin/queues/{id}, the 4 analytics and tags routes and the 5
    # identity ones, GET /__admin/conversations, the 3 event-sink ones, the 6 process-automation routes
    # and the 3 control ones for workflows and executions (HEAD is never listed)
    assert len(documented) == 91
    assert ("GET", "/api/v2/conversations/{conversationId}") in documented


def test_every_operation_documents_its_bodies_errors_and_security(app: Flask) -> None:
    document = app.test_client().get("/openapi.json").get_json()
    create = document["paths"]["/api/v2/conversations/callbacks"]["post"]
    schemas = document["components"]["schemas"]

    body, bounds = create["requestBody"]["content"]["application/json"]["schema"]["allOf"]
    assert body == {"$ref": "#/components/schemas/CreateCallbackCommand"}
    assert bounds["properties"]["callbackNumbers"]["maxItems"] == 10  # the configured MAX_CALLBACK_NUMBERS
    assert set(create["responses"]) == {"200", "400", "401", "413", "415", "429", "500", "503", "504"}
    assert "Retry-After" in create["responses"]["429"]["headers"]
    assert create["security"] == [{"bearer": []}]
    assert set(schemas["Callback"]["properties"]) >= {"callbackNumbers", "callbackScheduledTime", "state"}
    assert document["paths"][control_path(AdminRoutes.RESET)]["post"]["security"] == []
    assert schemas["SeedRequest"]["properties"]["count"]["maximum"] == 1000


# schemathesis drives the live server from its document (the served one: the first test checks
# they are the same). The fault and rate-limit routes are left out: a fault is meant to make the
# server fail.
schema = schemathesis.openapi.from_dict(openapi.document(create_app(CONFIG))).exclude(
    path_regex=f"^{ADMIN_PREFIX}/(faults|rate-limit)"
)
# The two operations whose bodies are the largest schemas: schemathesis' coverage phase sends each
# thousands of requests (~6,600 for the first), 45 s of the quick suite; they run in the slow stage.
# (PATCH .../callbacks/{id} is also driven by the stateful test below, in the quick suite.)
LARGEST = (
    f"PUT {ADMIN_PREFIX}/conversations/{{conversationId}}",
    "PATCH /api/v2/conversations/callbacks/{conversationId}",
)
quick_schema = schema.exclude(func=lambda context: context.operation.label in LARGEST)
largest_schema = schema.include(func=lambda context: context.operation.label in LARGEST)


def test_schemathesis_gets_the_served_document(callback_mock_server: MockServer) -> None:
    served = call(callback_mock_server.url, "GET", "/openapi.json", token=None).json()
    assert served == schema.raw_schema


# Derandomized, so CI sees the same examples every run; run it with more examples and a fresh
# draw by hand (derandomize=False, more max_examples) when the routes change.
# What the document promises: no server error, every answer (status, content type, headers,
# body) as documented, and every request the document calls valid accepted (schemathesis allows
# 404 and 409 for ids it made up), but on the operations below.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
# Where a schema-valid request may still be refused, each for a rule no schema can state: both
# bound a value by the server's clock, which moves (the control API jumps it, a thawed clock runs),
# while the document is one fixed text, and JSON Schema compares no dates (2020-12 has no
# formatMinimum/formatMaximum). The 30-day rule holds for a reschedule and for a new callback on a
# conversation too, which the conversation ids made up here make 404 first (the stateful test below
# keeps its times within it). Shrink this table; never grow it.
LOOSER_THAN_THE_SERVER = {
    "POST /api/v2/conversations/callbacks": (
        "callbackScheduledTime at most 30 days after the server's current time; queueId one of the "
        "org's queues, which the control API adds to"
    ),
    f"POST {control_path(AdminRoutes.MOVE_CLOCK)}": (
        "now not before the server's current time (the clock never moves back), and now plus "
        "advanceSeconds not past clock.LATEST (31 days before datetime's end)"
    ),
    # The analytics queries refuse what the mock does not evaluate (a predicate on a dimension it
    # does not derive, a metric it does not observe) rather than answer it wrongly; and an interval's
    # end must follow its start by at most 31 days, which no schema compares.
    "POST /api/v2/analytics/conversations/details/query": (
        "an interval start/end with end after start by at most 31 days; predicates on the dimensions "
        "the mock derives (analytics_queries.SEGMENT_DIMENSIONS, CONVERSATION_DIMENSIONS)"
    ),
    "POST /api/v2/analytics/queues/observations/query": (
        "metrics the mock observes (analytics_queries.OBSERVATION_METRICS) and a filter with predicates"
    ),
}


# A matcher's regex must compile (Python's re) and its JSONPath parse (RFC 9535): grammars no JSON
# Schema keyword states. Only a request whose matchers carry one is let off positive-data acceptance.
GRAMMARS = ("matches", "doesNotMatch", "jsonPath")


def _carries_a_grammar(body: Any) -> bool:
    match = body.get("match") if isinstance(body, dict) else None
    if not isinstance(match, dict):
        return False
    named = [match.get("query"), match.get("headers")]
    matchers = [m for found in named if isinstance(found, dict) for m in found.values()]
    body = match.get("body")
    matchers += body if isinstance(body, list) else []
    return any(isinstance(m, dict) and any(key in m for key in GRAMMARS) for m in matchers)


def _conforms(case: Any, server: MockServer) -> None:
    strict = case.operation.label not in LOOSER_THAN_THE_SERVER and not _carries_a_grammar(case.body)
    case.call_and_validate(
        base_url=server.url,
        headers={"Authorization": f"Bearer {TOKEN}"},
        checks=[*CHECKS, checks.positive_data_acceptance] if strict else CHECKS,
    )


# Its body is _conforms' written out: a derandomized test draws from a seed of its own code, and on
# this one's schemathesis generates every POST /__admin/stubs body; on others it meets a ``not`` in
# that body's schema it cannot complement (UnsupportedSchema). Keep the body as it is.
@quick_schema.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_live_server_conforms_to_its_document(case: Any, callback_mock_server: MockServer) -> None:
    strict = case.operation.label not in LOOSER_THAN_THE_SERVER and not _carries_a_grammar(case.body)
    case.call_and_validate(
        base_url=callback_mock_server.url,
        headers={"Authorization": f"Bearer {TOKEN}"},
        checks=[*CHECKS, checks.positive_data_acceptance] if strict else CHECKS,
    )


@pytest.mark.slow
@largest_schema.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_live_server_conforms_to_its_document_on_its_largest_bodies(
    case: Any, callback_mock_server: MockServer
) -> None:
    _conforms(case, callback_mock_server)


def test_the_exceptions_name_documented_operations() -> None:
    labels = {result.ok().label for result in schema.get_all_operations() if isinstance(result, Ok)}
    assert set(LOOSER_THAN_THE_SERVER) <= labels


# The stateful phase: schemathesis starts scenarios at the operations whose answers link on (a
# create, a reschedule) and follows the document's links to reads, reschedules and disconnects
# of what it created, every step under the checks above and positive-data acceptance. Positive
# data only: the stateless test above sends the negative. The links are the document's alone
# (schemathesis' own inference off), so the run tests what the document states.
CREATE = "POST /api/v2/conversations/callbacks"
STATEFUL = (
    "postConversationsCallbacks",
    "getConversation",
    "getConversationsCallback",
    "patchConversationsCallbacks",
    "patchConversationsCallback",
    "postConversationsCallbacksBulkDisconnect",
)
stateful_schema = schemathesis.openapi.from_dict(
    openapi.document(create_app(CONFIG)),
    config=schemathesis.Config.from_dict(
        {"generation": {"mode": "positive"}, "phases": {"stateful": {"inference": {"algorithms": []}}}}
    ),
).include(operation_id=list(STATEFUL))
# Refusals of a valid request that an earlier step of the run caused: a schema describes each
# request alone, not what may follow what. Such an answer is still checked against the document.
STATE_CONFLICTS = {
    "callback.error.already.triggered": "a reschedule of a callback disconnected earlier in the run (412)",
    "conversation.error.conversation.disconnected": "a second disconnect of one conversation (400)",
}


def _within_the_schedule_window(body: Any, latest: datetime) -> None:
    """A rule of LOOSER_THAN_THE_SERVER the run meets: a time past the server's 30 days is moved in."""
    scheduled = body.get("callbackScheduledTime") if isinstance(body, dict) else None
    if isinstance(scheduled, str) and parse_datetime(scheduled) > latest:
        body["callbackScheduledTime"] = format_datetime(latest)


def _on_an_org_queue(body: Any) -> None:
    """The other rule it meets: a queue named (by queueId or in routingData) is one of the org's."""
    if isinstance(body, dict):
        if "queueId" in body:
            body["queueId"] = QUEUE_ID
        if isinstance(body.get("routingData"), dict) and "queueId" in body["routingData"]:
            body["routingData"]["queueId"] = QUEUE_ID


def test_the_stateful_phase_creates_then_reschedules_and_disconnects(
    callback_mock_server: MockServer,
) -> None:
    url = callback_mock_server.url
    latest = callback_mock_server.clock.now() + MAX_SCHEDULE_AHEAD  # the clock stands still
    created: set[str] = set()

    class Workflow(stateful_schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": url, "headers": {"Authorization": f"Bearer {TOKEN}"}}

        def before_call(self, case: Any) -> None:
            _within_the_schedule_window(case.body, latest)
            _on_an_org_queue(case.body)

        def after_call(self, response: Any, case: Any) -> None:
            super().after_call(response, case)
            if case.operation.label == CREATE and response.status_code == 200:
                created.add(response.json()["conversation"]["id"])

        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            conflict = response.status_code in (400, 412) and response.json()["code"] in STATE_CONFLICTS
            case.validate_response(
                response,
                checks=CHECKS if conflict else [*CHECKS, checks.positive_data_acceptance],
                transport_kwargs=kwargs,
                recorder=self.recorder,
            )

    Workflow.run(
        settings=settings(
            max_examples=40,
            stateful_step_count=8,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )

    # What the server saw: 2xx answers to reads, reschedules and disconnects of what the run created.
    exercised = {
        step: sum(
            1
            for method, path, status, named in ways
            for recorded in callback_mock_server.requests(method, path, status=status)
            if named(recorded) & created
        )
        for step, ways in STEPS.items()
    }
    assert created
    assert all(exercised.values()), exercised


def _in_path(recorded: dict[str, Any]) -> set[str]:
    return {recorded["path"].rsplit("/", 1)[1]}


def _in_body(recorded: dict[str, Any]) -> set[str]:
    body = json.loads(recorded["body"])
    identifiers = body.get("callbackDisconnectIdentifiers", [body])
    return {identifier["conversationId"] for identifier in identifiers}


# Each step of a callback's life, and the journaled requests (method, path pattern, status, the
# conversation ids one names) that do it.
STEPS = {
    "read": [
        ("GET", "/api/v2/conversations/*", 200, _in_path),
        ("GET", "/api/v2/conversations/callbacks/*", 200, _in_path),
    ],
    "rescheduled": [("PATCH", "/api/v2/conversations/callbacks", 200, _in_body)],
    "disconnected": [
        ("PATCH", "/api/v2/conversations/callbacks/*", 200, _in_path),
        ("POST", "/api/v2/conversations/callbacks/bulk/disconnect", 202, _in_body),
    ],
}


E164 = r"^(?:\+[1-9][0-9]{1,14})$(?!\n)"
# E.164 or a 10-digit North American number, with separators (contracts.phone).
DIAL_PATTERN = (
    r"^(?:[ .()-]*\+[1-9](?:[ .()-]*[0-9]){1,14}[ .()-]*|[ .()-]*[2-9](?:[ .()-]*[0-9]){9}[ .()-]*)$(?!\n)"
)
BASE64 = r"^(?:(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)$(?!\n)"
HEADER_NAME = r"^(?:[!#$%&'*+.^_`|~0-9A-Za-z-]+)$(?!\n)"


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (("CreateCallbackCommand", "properties", "callbackNumbers", "minItems"), 1),
        (
            ("CreateCallbackCommand", "properties", "callbackNumbers", "items"),
            {"type": "string", "pattern": DIAL_PATTERN},
        ),
        (("CreateCallbackCommand", "properties", "callerId", "pattern"), E164),
        (
            ("CreateCallbackCommand", "anyOf"),
            [
                {"required": ["queueId"], "properties": {"queueId": {"not": {"enum": ["", [], {}]}}}},
                {
                    "required": ["routingData"],
                    "properties": {
                        "routingData": {
                            "required": ["queueId"],
                            "properties": {"queueId": {"not": {"enum": ["", [], {}]}}},
                        }
                    },
                },
            ],
        ),
        (("PatchCallbackRequest", "properties", "callbackNumbers", "minItems"), 1),
        (("CallCommand", "properties", "callNumber", "pattern"), E164),
        (("SetRecordingState", "anyOf", 0, "required"), ["recordingState"]),
        (("SeedRequest", "properties", "count", "maximum"), 1000),
        (
            ("TransferRequest", "oneOf"),
            [
                {"required": [name], "properties": {name: {"not": {"enum": ["", [], {}]}}}}
                for name in ("userId", "queueId", "address")
            ],
        ),
        (("Stub", "not"), {"required": ["body", "bodyBase64"]}),
        (("Stub", "properties", "bodyBase64", "pattern"), BASE64),
        (("Stub", "properties", "headers", "propertyNames"), {"pattern": HEADER_NAME}),
        (
            ("Stub", "properties", "headers", "additionalProperties"),
            {"type": "string", "pattern": r"^(?:[\x20-\x7e\t]*)$(?!\n)"},
        ),
        *[
            ((model, "properties", name, "readOnly"), True)
            for model in ("Stub", "Fault")
            for name in ("id", "done")
        ],
    ],
)
def test_the_document_states_the_servers_rules(app: Flask, where: tuple[Any, ...], expected: Any) -> None:
    node: Any = app.test_client().get("/openapi.json").get_json()["components"]["schemas"]
    for key in where:
        node = node[key]
    assert node == expected


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/v2/conversations/callbacks/{conversationId}", "patch"),
        (
            "/api/v2/conversations/callbacks/{conversationId}/participants/{participantId}/communications/{communicationId}",
            "patch",
        ),
    ],
)
def test_a_disconnect_only_route_says_so(app: Flask, path: str, method: str) -> None:
    document = app.test_client().get("/openapi.json").get_json()
    schema_ = document["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    assert schema_["allOf"][1] == {"required": ["state"], "properties": {"state": {"const": "disconnected"}}}


def _body(app: Flask, path: str, method: str) -> Any:
    document = app.test_client().get("/openapi.json").get_json()
    return document["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]


def test_a_participant_update_takes_what_the_mock_acts_on(app: Flask) -> None:
    path = "/api/v2/conversations/callbacks/{conversationId}/participants/{participantId}"
    narrowing = _body(app, path, "patch")["allOf"][1]["properties"]
    assert narrowing["state"] == {"enum": ["connected", "disconnected"]}
    assert {name for name, schema_ in narrowing.items() if schema_ is False} == {
        "recording",
        "muted",
        "confined",
        "held",
        "resumeTime",
    }


@pytest.mark.parametrize("method", ["post", "put"])
def test_a_subscription_body_is_a_channel_topic_array_of_served_topics(app: Flask, method: str) -> None:
    body = _body(app, "/api/v2/notifications/channels/{channelId}/subscriptions", method)
    assert body["allOf"][0] == {"type": "array", "items": {"$ref": "#/components/schemas/ChannelTopic"}}
    narrowing = body["allOf"][1]
    assert narrowing["maxItems"] == 1000
    assert narrowing["items"]["required"] == ["id"]
    pattern = re.compile(narrowing["items"]["properties"]["id"]["pattern"])
    assert pattern.search("v2.users.u-1.conversations.callbacks")
    assert not pattern.search("v2.users.u-1.presence")


def test_a_create_answer_links_to_the_operations_its_ids_name(app: Flask) -> None:
    document = app.test_client().get("/openapi.json").get_json()
    create = document["paths"]["/api/v2/conversations/callbacks"]["post"]["responses"]
    links = create["200"]["links"]
    conversation, callback = "$response.body#/conversation/id", "$response.body#/callbackIdentifiers/0/id"

    assert links["getConversation"] == {
        "operationId": "getConversation",
        "parameters": {"path.conversationId": conversation},
    }
    assert links["patchConversationsCallbacks"]["requestBody"] == {"conversationId": conversation}
    assert links["postConversationsCallbacksBulkDisconnect"]["requestBody"] == {
        "callbackDisconnectIdentifiers": [{"conversationId": conversation, "callbackId": callback}]
    }
    assert set(STATEFUL) - {"postConversationsCallbacks"} <= set(links)
    # A participant's routes need its id too, which a create's answer does not hold.
    assert "patchConversationsCallbackParticipant" not in links
    assert all("links" not in answer for status, answer in create.items() if status != "200")
