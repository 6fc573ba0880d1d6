"""The OpenAPI document: generated from the routes and the contract, valid, and true of the live server."""

from __future__ import annotations

import re
from typing import Any

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis import checks

from contracts._converter import camel
from mockserver import create_app, openapi
from mockserver.testing.server import MockServer
from tests.support import CONFIG, TOKEN
from tests.support.live import call


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
        if rule.endpoint not in {"static", "openapi"}
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert documented == registered
    assert (
        len(documented) == 54
    )  # 39, the 8 notification routes and the 2 control ones (HEAD is never listed)
    assert ("GET", "/api/v2/conversations/{conversationId}") in documented


def test_every_operation_documents_its_bodies_errors_and_security(app: Flask) -> None:
    document = app.test_client().get("/openapi.json").get_json()
    create = document["paths"]["/api/v2/conversations/callbacks"]["post"]
    schemas = document["components"]["schemas"]

    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CreateCallbackCommand"
    }
    assert set(create["responses"]) == {"200", "400", "401", "413", "415", "429", "500", "503", "504"}
    assert "Retry-After" in create["responses"]["429"]["headers"]
    assert create["security"] == [{"bearer": []}]
    assert set(schemas["Callback"]["properties"]) >= {"callbackNumbers", "callbackScheduledTime", "state"}
    assert document["paths"]["/__admin/reset"]["post"]["security"] == []
    assert schemas["SeedRequest"]["properties"]["count"]["maximum"] == 1000


# schemathesis drives the live server from its document (the served one: the first test checks
# they are the same). The fault and rate-limit routes are left out: a fault is meant to make the
# server fail.
schema = schemathesis.openapi.from_dict(openapi.document(create_app(CONFIG))).exclude(
    path_regex="^/__admin/(faults|rate-limit)"
)


def test_schemathesis_gets_the_served_document(callback_mock_server: MockServer) -> None:
    served = call(callback_mock_server.url, "GET", "/openapi.json", token=None).json()
    assert served == schema.raw_schema


# Derandomized, so CI sees the same examples every run; run it with more examples and a fresh
# draw by hand (derandomize=False, more max_examples) when the routes change.
# What the document promises: no server error, and every answer (status, content type, headers,
# body) as documented. Rules the schema cannot state (a callback needs a queue) may still refuse
# schema-valid requests, so positive-data acceptance is not among them.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@schema.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_live_server_conforms_to_its_document(case: Any, callback_mock_server: MockServer) -> None:
    case.call_and_validate(
        base_url=callback_mock_server.url, headers={"Authorization": f"Bearer {TOKEN}"}, checks=CHECKS
    )
