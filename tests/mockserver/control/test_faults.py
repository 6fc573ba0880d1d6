"""Faults and the rate limiter, end to end on a real socket: the client sees what Genesys would send."""

from __future__ import annotations

import http.client
import json
import time
from typing import Any

import pytest

from mockserver.testing.server import MockServer
from tests.support import CONFIG, TOKEN
from tests.support.control import AdminRoutes, a_user_taking_part, control_path
from tests.support.live import Answer, call
from tests.support.seeded import QUEUE_ID

CONVERSATIONS = "/api/v2/conversations"
CALLBACKS = "/api/v2/conversations/callbacks"


def some_id(server: MockServer) -> str:
    return server.backend.store.entries()[0].conversation.id or ""


def assert_error(answer: Answer, status: int, code: str) -> dict[str, Any]:
    body: dict[str, Any] = answer.json()
    assert answer.status == status
    assert (body["status"], body["code"]) == (status, code)
    assert body["contextId"] == answer.headers["inin-correlation-id"]
    assert answer.headers["content-type"] == "application/json"
    return body


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        (500, "internal.server.error", "The server encountered an unexpected condition"),
        (503, "service.unavailable", "Service Unavailable"),
        (504, "request.timeout", "The request timed out."),
        (502, "bad.gateway", "Bad Gateway"),
        (403, "not.authorized", "You are not authorized"),
    ],
)
def test_a_status_fault_answers_the_apis_error(
    callback_mock_server: MockServer, status: int, code: str, message: str
) -> None:
    fault_id = callback_mock_server.fault("GET", f"{CONVERSATIONS}/{{id}}", status=status)

    answer = call(callback_mock_server.url, "GET", f"{CONVERSATIONS}/{some_id(callback_mock_server)}")

    body = assert_error(answer, status, code)
    assert body["message"].startswith(message)
    assert "retry-after" not in answer.headers
    assert callback_mock_server.requests()[0]["fault"] == fault_id


def test_a_429_fault_says_when_to_retry_like_the_api(callback_mock_server: MockServer) -> None:
    callback_mock_server.fault("POST", CALLBACKS, status=429, retry_after=3)
    callback_mock_server.fault("GET", "**", status=429)

    posted = call(
        callback_mock_server.url, "POST", CALLBACKS, {"callbackNumbers": ["+1"], "queueId": QUEUE_ID}
    )
    got = call(callback_mock_server.url, "GET", CONVERSATIONS)

    body = assert_error(posted, 429, "too.many.requests.retry.after")
    assert body["message"] == "Rate limit exceeded the maximum. Retry the request in [3] seconds"
    assert posted.headers["retry-after"] == "3"
    assert got.headers["retry-after"] == "1"  # the API always sends one


def test_a_503_fault_can_carry_retry_after(callback_mock_server: MockServer) -> None:
    callback_mock_server.fault(status=503, retry_after=0)
    answer = call(callback_mock_server.url, "GET", CONVERSATIONS)
    assert_error(answer, 503, "service.unavailable")
    assert answer.headers["retry-after"] == "0"


def test_a_fault_applies_to_the_next_n_matching_requests_only(callback_mock_server: MockServer) -> None:
    callback_mock_server.fault("GET", CONVERSATIONS, status=500, times=2)

    statuses = [call(callback_mock_server.url, "GET", CONVERSATIONS).status for _ in range(3)]
    other = call(callback_mock_server.url, "GET", f"{CONVERSATIONS}/{some_id(callback_mock_server)}")

    assert statuses == [500, 500, 200]
    assert other.status == 200
    [used_up] = callback_mock_server.faults()  # kept, with its count, until a reset
    assert (used_up["times"], used_up["applied"], used_up["done"]) == (0, 2, True)
    callback_mock_server.reset()
    assert callback_mock_server.faults() == []


def test_faults_list_what_is_left_and_can_be_removed(callback_mock_server: MockServer) -> None:
    first = callback_mock_server.fault("GET", CONVERSATIONS, status=500, times=3)
    second = callback_mock_server.fault("POST", CALLBACKS, kind="latency", delay={"ms": 1})
    call(callback_mock_server.url, "GET", CONVERSATIONS)

    listed = callback_mock_server.faults()
    assert [(f["id"], f.get("times"), f.get("applied", 0)) for f in listed] == [
        (first, 2, 1),
        (second, None, 0),
    ]
    callback_mock_server.remove_fault(first)
    assert [f["id"] for f in callback_mock_server.faults()] == [second]
    callback_mock_server.clear_faults()
    assert callback_mock_server.faults() == []


def statuses_with(server: MockServer, seed: int) -> list[int]:
    server.clear_faults()
    server.fault("GET", CONVERSATIONS, status=503, probability=0.5, seed=seed)
    return [call(server.url, "GET", CONVERSATIONS).status for _ in range(20)]


def test_a_probability_fault_is_repeatable_with_its_seed(callback_mock_server: MockServer) -> None:
    first = statuses_with(callback_mock_server, seed=4)
    again = statuses_with(callback_mock_server, seed=4)
    other = statuses_with(callback_mock_server, seed=5)

    assert first == again
    assert first != other
    assert set(first) == {200, 503}


def test_latency_delays_the_answer(callback_mock_server: MockServer) -> None:
    callback_mock_server.fault("GET", CONVERSATIONS, kind="latency", delay={"ms": 150})
    started = time.perf_counter()
    answer = call(callback_mock_server.url, "GET", CONVERSATIONS)
    assert answer.status == 200
    assert time.perf_counter() - started >= 0.15
    assert callback_mock_server.requests()[0]["durationMs"] >= 150


def test_drawn_latency_follows_its_distribution_and_seed(callback_mock_server: MockServer) -> None:
    delay = {"distribution": "uniform", "minMs": 20, "maxMs": 60}
    callback_mock_server.fault("GET", CONVERSATIONS, kind="latency", delay=delay, seed=1)
    for _ in range(5):
        call(callback_mock_server.url, "GET", CONVERSATIONS)
    durations = [r["durationMs"] for r in callback_mock_server.requests()]
    assert all(d >= 20 for d in durations)
    assert len(set(durations)) == 5


def test_latency_can_precede_an_error(callback_mock_server: MockServer) -> None:
    callback_mock_server.fault(
        status=504, delay={"distribution": "lognormal", "ms": 50, "sigma": 0.1}, seed=2
    )
    answer = call(callback_mock_server.url, "GET", CONVERSATIONS)
    assert_error(answer, 504, "request.timeout")
    assert callback_mock_server.requests()[0]["durationMs"] >= 30


def test_a_dropped_connection_gets_no_answer(callback_mock_server: MockServer) -> None:
    fault_id = callback_mock_server.fault("GET", CONVERSATIONS, kind="drop", times=1)

    # A status line promising a body, then the close: the same under serve (test_serve_control).
    with pytest.raises(http.client.IncompleteRead):
        call(callback_mock_server.url, "GET", CONVERSATIONS)

    assert call(callback_mock_server.url, "GET", CONVERSATIONS).status == 200
    dropped, answered = callback_mock_server.requests()
    assert dropped["fault"] == fault_id
    assert (dropped["status"], dropped["correlationId"], dropped["durationMs"]) == (None, None, 0)
    assert dropped["responseHeaders"] == {}
    assert answered["status"] == 200


def test_a_truncated_body_stops_halfway(callback_mock_server: MockServer) -> None:
    callback_mock_server.fault("GET", f"{CONVERSATIONS}/{{id}}", kind="truncate")
    conversation_id = some_id(callback_mock_server)
    whole = callback_mock_server.backend.store.get(conversation_id)
    assert whole is not None

    with pytest.raises(http.client.IncompleteRead) as caught:
        call(callback_mock_server.url, "GET", f"{CONVERSATIONS}/{conversation_id}")

    assert caught.value.partial == whole.body[: len(whole.body) // 2]
    assert caught.value.expected == len(whole.body) - len(whole.body) // 2
    assert callback_mock_server.requests()[0]["status"] == 200


def test_faults_leave_the_control_api_alone(callback_mock_server: MockServer) -> None:
    callback_mock_server.fault(status=500)
    assert callback_mock_server.faults()[0]["status"] == 500
    assert call(callback_mock_server.url, "GET", "/openapi.json", token=None).status == 200


def test_the_rate_limiter_answers_429_per_token() -> None:
    with MockServer({**CONFIG, "CONVERSATIONS": 1, "TOKENS": ()}) as server:
        server.rate_limit(3, window_seconds=30)
        first = [call(server.url, "GET", CONVERSATIONS, token="a").status for _ in range(3)]
        limited = call(server.url, "GET", CONVERSATIONS, token="a")
        other_token = call(server.url, "GET", CONVERSATIONS, token="b")
        server.clear_rate_limit()
        lifted = call(server.url, "GET", CONVERSATIONS, token="a")

    assert first == [200, 200, 200]
    body = assert_error(limited, 429, "too.many.requests.retry.after")
    assert 1 <= int(limited.headers["retry-after"]) <= 30
    assert (
        body["message"]
        == f"Rate limit exceeded the maximum. Retry the request in [{limited.headers['retry-after']}] seconds"
    )
    assert (other_token.status, lifted.status) == (200, 200)


def test_a_configured_rate_limit_comes_back_on_reset() -> None:
    config = {**CONFIG, "CONVERSATIONS": 1, "RATE_LIMIT": {"requests": 1, "windowSeconds": 60}}
    with MockServer(config) as server:
        assert [call(server.url, "GET", CONVERSATIONS).status for _ in range(2)] == [200, 429]
        server.clear_rate_limit()
        assert call(server.url, "GET", CONVERSATIONS).status == 200
        server.reset()
        assert call(server.url, "GET", control_path(AdminRoutes.RATE_LIMIT)).json() == {
            "requests": 1,
            "windowSeconds": 60,
        }
        assert [call(server.url, "GET", CONVERSATIONS).status for _ in range(2)] == [200, 429]


BAD_FAULTS = [
    # (label, spec, code, detail path)
    ("status kind without status", {"kind": "status"}, "constraint.validation", "$.status"),
    ("status below 400", {"status": 200}, "invalid.value", "$.status"),
    ("status above 599", {"status": 600}, "invalid.value", "$.status"),
    ("status on a drop", {"kind": "drop", "status": 500}, "constraint.validation", "$.status"),
    ("unknown kind", {"kind": "explode"}, "invalid.value", "$.kind"),
    ("latency without delay", {"kind": "latency"}, "constraint.validation", "$.delay"),
    ("fixed delay without ms", {"kind": "latency", "delay": {}}, "constraint.validation", "$.delay.ms"),
    (
        "uniform without maxMs",
        {"kind": "latency", "delay": {"distribution": "uniform", "minMs": 1}},
        "constraint.validation",
        "$.delay.maxMs",
    ),
    (
        "uniform upside down",
        {"kind": "latency", "delay": {"distribution": "uniform", "minMs": 9, "maxMs": 1}},
        "constraint.validation",
        "$.delay.maxMs",
    ),
    ("negative delay", {"kind": "latency", "delay": {"ms": -1}}, "invalid.value", "$.delay.ms"),
    (
        "unknown distribution",
        {"kind": "latency", "delay": {"distribution": "poisson"}},
        "invalid.value",
        "$.delay.distribution",
    ),
    ("probability above 1", {"status": 500, "probability": 2}, "invalid.value", "$.probability"),
    ("zero times", {"status": 500, "times": 0}, "invalid.value", "$.times"),
    ("times as text", {"status": 500, "times": "2"}, "invalid.value", "$.times"),
    ("relative path", {"status": 500, "path": "api/v2"}, "invalid.value", "$.path"),
    ("server's id", {"status": 500, "id": "mine"}, "invalid.property", "$.id"),
    ("unknown field", {"status": 500, "after": 2}, "invalid.property", "$.after"),
]


@pytest.mark.parametrize(
    ("spec", "code", "field"), [c[1:] for c in BAD_FAULTS], ids=[c[0] for c in BAD_FAULTS]
)
def test_a_bad_fault_is_refused_by_field_and_nothing_is_injected(
    callback_mock_server: MockServer, spec: dict[str, Any], code: str, field: str
) -> None:
    answer = call(callback_mock_server.url, "POST", control_path(AdminRoutes.ADD_FAULT), spec)

    body = assert_error(answer, 400, code)
    assert [detail["fieldName"] for detail in body["details"]] == [field]
    assert field.rsplit(".", 1)[-1] in body["message"] or body["code"] != "invalid.value"
    assert callback_mock_server.faults() == []
    assert call(callback_mock_server.url, "GET", CONVERSATIONS, token=TOKEN).status == 200


def test_every_out_of_bounds_field_is_named(callback_mock_server: MockServer) -> None:
    spec = {"status": 200, "probability": 2, "delay": {"ms": -5}}
    answer = call(callback_mock_server.url, "POST", control_path(AdminRoutes.ADD_FAULT), spec)
    body = assert_error(answer, 400, "invalid.value")
    assert [detail["fieldName"] for detail in body["details"]] == ["$.status", "$.delay.ms", "$.probability"]
    assert body["message"] == (
        "$.status must be at least 400; got 200. $.delay.ms must be at least 0; got -5. "
        "$.probability must be at most 1; got 2."
    )


@pytest.mark.parametrize(
    ("configured", "message"),
    [
        ({"requests": 0}, "RATE_LIMIT: $.requests must be at least 1; got 0"),
        ({"requests": 5, "windowSeconds": 0}, "RATE_LIMIT: $.windowSeconds must be at least 1; got 0"),
    ],
)
def test_a_bad_configured_rate_limit_stops_the_server_starting(
    configured: dict[str, int], message: str
) -> None:
    from mockserver import create_app

    with pytest.raises(ValueError, match=message.replace("$", r"\$")):
        create_app({**CONFIG, "CONVERSATIONS": 1, "RATE_LIMIT": configured})


def test_a_malformed_fault_answers_200_with_half_the_json(callback_mock_server: MockServer) -> None:
    conversation_id = some_id(callback_mock_server)
    whole = callback_mock_server.backend.store.get(conversation_id)
    assert whole is not None
    callback_mock_server.fault("GET", f"{CONVERSATIONS}/{{id}}", kind="malformed")

    answer = call(callback_mock_server.url, "GET", f"{CONVERSATIONS}/{conversation_id}")

    assert (answer.status, answer.headers["content-type"]) == (200, "application/json")
    assert answer.body == whole.body[: len(whole.body) // 2]  # complete: Content-Length says so
    with pytest.raises(json.JSONDecodeError):
        answer.json()


def test_a_content_type_fault_sends_the_real_body_mislabelled(callback_mock_server: MockServer) -> None:
    callback_mock_server.fault("GET", CONVERSATIONS, kind="content-type", times=1)
    callback_mock_server.fault("GET", CONVERSATIONS, kind="content-type", content_type="text/xml")

    agent = a_user_taking_part(callback_mock_server.conversations(page_size=100))  # lists some
    token = callback_mock_server.issue_token(user_id=agent)
    html = call(callback_mock_server.url, "GET", CONVERSATIONS, token=token)
    xml = call(callback_mock_server.url, "GET", CONVERSATIONS, token=token)

    assert (html.status, html.headers["content-type"]) == (200, "text/html; charset=utf-8")
    assert xml.headers["content-type"] == "text/xml"
    assert html.json()["entities"]
    assert callback_mock_server.requests()[0]["responseHeaders"]["Content-Type"].startswith("text/html")


def test_an_empty_fault_answers_200_with_no_body_after_the_api_acted(
    callback_mock_server: MockServer,
) -> None:
    before = len(callback_mock_server.backend.store.entries())
    callback_mock_server.fault("POST", CALLBACKS, kind="empty")
    command = {"callbackNumbers": ["+13175550100"], "queueId": QUEUE_ID}
    answer = call(callback_mock_server.url, "POST", CALLBACKS, command)
    assert (answer.status, answer.body, answer.headers["content-length"]) == (200, b"", "0")
    assert len(callback_mock_server.backend.store.entries()) == before + 1  # the create happened


def test_a_reset_fault_resets_the_connection(callback_mock_server: MockServer) -> None:
    fault_id = callback_mock_server.fault("GET", CONVERSATIONS, kind="reset", times=1)

    with pytest.raises(ConnectionResetError):
        call(callback_mock_server.url, "GET", CONVERSATIONS)

    assert call(callback_mock_server.url, "GET", CONVERSATIONS).status == 200
    reset, _ = callback_mock_server.requests()
    assert (reset["fault"], reset["status"], reset["correlationId"]) == (fault_id, None, None)


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"kind": "malformed", "status": 500}, "$.status"),
        ({"kind": "status", "status": 500, "contentType": "text/html"}, "$.contentType"),
        ({"kind": "content-type", "contentType": ""}, "$.contentType"),
        ({"kind": "explode"}, "$.kind"),
        ({"kind": "reset", "done": True}, "$.done"),
    ],
)
def test_the_new_kinds_are_checked(
    callback_mock_server: MockServer, spec: dict[str, Any], field: str
) -> None:
    answer = call(callback_mock_server.url, "POST", control_path(AdminRoutes.ADD_FAULT), spec)
    assert (answer.status, [d["fieldName"] for d in answer.json()["details"]]) == (400, [field])
    assert callback_mock_server.faults() == []


@pytest.mark.parametrize(
    "content_type",
    ["text/html\r\nX-Injected: 1", "text/html\n", "text/\u00e9", "a\x00b"],
)
def test_a_faults_content_type_is_a_header_value_as_a_stubs_is(
    callback_mock_server: MockServer, content_type: str
) -> None:
    spec = {"kind": "content-type", "contentType": content_type}
    answer = call(callback_mock_server.url, "POST", control_path(AdminRoutes.ADD_FAULT), spec)
    body = assert_error(answer, 400, "invalid.value")
    assert [d["fieldName"] for d in body["details"]] == ["$.contentType"]
    assert body["message"].endswith(f"got {content_type!r}.")
    assert callback_mock_server.faults() == []
    stubbed = call(
        callback_mock_server.url,
        "POST",
        control_path(AdminRoutes.ADD_STUB),
        {"headers": {"Content-Type": content_type}},
    )
    assert stubbed.status == 400  # what a stub's Content-Type refuses, alike
