"""Stubs: exact answers served ahead of the API, on a real socket, journaled like any request."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import pytest

from factories import edge_cases
from mockserver.control.client import AdminError
from mockserver.testing.server import MockServer
from tests.support.control import AdminRoutes, control_path
from tests.support.live import call

CONVERSATIONS = "/api/v2/conversations"


def some_id(server: MockServer) -> str:
    return server.backend.store.entries()[0].conversation.id or ""


def test_a_stub_answers_exactly_its_status_headers_and_body(callback_mock_server: MockServer) -> None:
    stub_id = callback_mock_server.stub(
        "GET", f"{CONVERSATIONS}/{{id}}", status=202, headers={"X-Custom": "yes"}, body='{"a": 1}  '
    )
    answer = call(callback_mock_server.url, "GET", f"{CONVERSATIONS}/anything")

    assert (answer.status, answer.body) == (202, b'{"a": 1}  ')
    assert answer.headers["x-custom"] == "yes"
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["content-length"] == "10"
    [recorded] = callback_mock_server.requests()
    assert (recorded["stub"], recorded["status"], recorded["fault"]) == (stub_id, 202, None)
    assert recorded["responseHeaders"]["X-Custom"] == "yes"
    [listed] = callback_mock_server.stubs()
    assert (listed["id"], listed["hits"], listed["done"]) == (stub_id, 1, False)


def test_a_stub_sends_exact_bytes_and_its_own_content_type(callback_mock_server: MockServer) -> None:
    raw = b"\xff\x00not json"
    callback_mock_server.stub("GET", CONVERSATIONS, headers={"Content-Type": "text/plain"}, body=raw)
    answer = call(callback_mock_server.url, "GET", CONVERSATIONS)
    assert (answer.body, answer.headers["content-type"]) == (raw, "text/plain")


def test_times_priority_and_removal(callback_mock_server: MockServer) -> None:
    server = callback_mock_server
    low = server.stub("GET", CONVERSATIONS, status=201, body="low", priority=9)
    once = server.stub("GET", CONVERSATIONS, status=202, body="once", times=1, priority=1)
    newer = server.stub("GET", CONVERSATIONS, status=203, body="newer", priority=9)

    assert [call(server.url, "GET", CONVERSATIONS).status for _ in range(2)] == [202, 203]
    assert [(s["id"], s["hits"], s["done"]) for s in server.stubs()] == [
        (newer, 1, False),
        (low, 0, False),
        (once, 1, True),  # used up, kept until a reset
    ]
    server.remove_stub(newer)
    assert call(server.url, "GET", CONVERSATIONS).status == 201
    server.clear_stubs()
    assert call(server.url, "GET", CONVERSATIONS).status == 200
    server.stub("GET", CONVERSATIONS, status=204)
    server.reset()
    assert (server.stubs(), call(server.url, "GET", CONVERSATIONS).status) == ([], 200)
    with pytest.raises(AdminError) as missing:
        server.remove_stub("stub-404")
    assert missing.value.status == 404


def test_a_stub_leaves_other_requests_and_the_control_api_alone(callback_mock_server: MockServer) -> None:
    callback_mock_server.stub("POST", "/**", status=500, body="no")
    assert (
        call(callback_mock_server.url, "GET", f"{CONVERSATIONS}/{some_id(callback_mock_server)}").status
        == 200
    )
    assert call(callback_mock_server.url, "POST", control_path(AdminRoutes.RESET)).status == 204


def test_a_fault_comes_before_a_stub(callback_mock_server: MockServer) -> None:
    callback_mock_server.stub("GET", CONVERSATIONS, body="{}")
    callback_mock_server.fault("GET", CONVERSATIONS, status=503, times=1)
    assert [call(callback_mock_server.url, "GET", CONVERSATIONS).status for _ in range(2)] == [503, 200]


@pytest.mark.parametrize(
    ("label", "spec", "code", "field"),
    [
        ("status too low", {"status": 199}, "invalid.value", "$.status"),
        ("status too high", {"status": 600}, "invalid.value", "$.status"),
        ("status as text", {"status": "200"}, "invalid.value", "$.status"),
        ("times zero", {"times": 0}, "invalid.value", "$.times"),
        ("priority zero", {"priority": 0}, "invalid.value", "$.priority"),
        ("priority too high", {"priority": 101}, "invalid.value", "$.priority"),
        ("path without slash", {"path": "api"}, "invalid.value", "$.path"),
        ("both bodies", {"body": "a", "bodyBase64": "YQ=="}, "constraint.validation", "$.bodyBase64"),
        ("bad base64", {"bodyBase64": "@@@"}, "invalid.value", "$.bodyBase64"),
        ("header name", {"headers": {"Bad Name": "x"}}, "invalid.value", "$.headers['Bad Name']"),
        ("header line break", {"headers": {"X-A": "a\r\nX-B: b"}}, "invalid.value", "$.headers['X-A']"),
        ("header not text", {"headers": {"X-A": 1}}, "invalid.value", "$.headers['X-A']"),
        ("unknown key", {"delay": 5}, "invalid.property", "$.delay"),
        ("id given", {"id": "mine"}, "invalid.property", "$.id"),
        ("hits given", {"hits": 3}, "invalid.property", "$.hits"),
    ],
)
def test_a_bad_stub_is_refused_by_field_and_nothing_is_added(
    callback_mock_server: MockServer, label: str, spec: dict[str, Any], code: str, field: str
) -> None:
    answer = call(
        callback_mock_server.url, "POST", control_path(AdminRoutes.ADD_STUB), {"path": "/x", **spec}
    )

    assert answer.status == 400, label
    body = answer.json()
    assert body["code"] == code, body
    assert [d["fieldName"] for d in body["details"]] == [field], body
    assert callback_mock_server.stubs() == []


def test_the_stub_body_is_bounded(callback_mock_server: MockServer) -> None:
    answer = call(
        callback_mock_server.url, "POST", control_path(AdminRoutes.ADD_STUB), {"body": "x" * 1_000_001}
    )
    assert (answer.status, answer.json()["details"][0]["fieldName"]) == (400, "$.body")


TOLERANT = [case for case in edge_cases(seed=3) if not case.strict]


@pytest.mark.parametrize("case", TOLERANT, ids=[case.label for case in TOLERANT])
def test_the_tolerant_edge_cases_reach_the_sdk_through_a_stub(
    sdk: ModuleType, sdk_client: Any, callback_mock_server: MockServer, case: Any
) -> None:
    """What a newer API could send: the SDK reads it, and keeps what it does not know."""
    stored = callback_mock_server.backend.store.entries()[0]
    conversation = json.loads(stored.body)
    holder = next(p for p in conversation["participants"] if p.get("callbacks"))
    holder["callbacks"][0] = case.payload
    callback_mock_server.stub("GET", f"{CONVERSATIONS}/{stored.conversation.id}", body=conversation)

    read = sdk.ConversationsApi(sdk_client).get_conversation(stored.conversation.id)

    callback = next(p for p in read.participants if p.id == holder["id"]).callbacks[0]
    assert callback.id == case.payload["id"]
    if case.label == "unknown future enum value":
        assert callback.state == "outdated_sdk_version"
    elif case.label == "unknown disconnect type":
        assert callback.disconnect_type == "outdated_sdk_version"
    elif case.label == "null instead of absent":
        assert callback.wrapup is None
    assert callback_mock_server.requests()[0]["stub"] == callback_mock_server.stubs()[0]["id"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Transfer-Encoding", "chunked"),
        ("transfer-encoding", "gzip"),
        ("Connection", "close"),
        ("Keep-Alive", "timeout=5"),
        ("Upgrade", "websocket"),
        ("TE", "trailers"),
        ("Trailer", "Expires"),
        ("Proxy-Authenticate", "Basic"),
        ("Proxy-Connection", "keep-alive"),
        ("Content-Length", "3"),  # the body is 10 bytes
        ("Content-Length", "ten"),
    ],
)
def test_a_stub_framing_or_keeping_the_connection_is_refused(
    callback_mock_server: MockServer, name: str, value: str
) -> None:
    spec = {"path": CONVERSATIONS, "headers": {name: value}, "body": '{"a": 1}  '}
    answer = call(callback_mock_server.url, "POST", control_path(AdminRoutes.ADD_STUB), spec)

    assert answer.status == 400
    body = answer.json()
    assert (body["code"], [d["fieldName"] for d in body["details"]]) == (
        "invalid.value",
        [f"$.headers[{name!r}]"],
    )
    assert body["message"].endswith(f"got {(value if name.lower() == 'content-length' else name)!r}.")
    assert callback_mock_server.stubs() == []
    assert call(callback_mock_server.url, "GET", CONVERSATIONS).status == 200  # the API answers


def test_a_stub_may_state_its_bodys_own_length(callback_mock_server: MockServer) -> None:
    callback_mock_server.stub("GET", CONVERSATIONS, headers={"Content-Length": "10"}, body='{"a": 1}  ')
    answer = call(callback_mock_server.url, "GET", CONVERSATIONS)
    assert (answer.status, answer.body, answer.headers["content-length"]) == (200, b'{"a": 1}  ', "10")
