"""Bad requests get the API's ErrorBody, name the field at fault and change nothing."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any, NoReturn

import pytest
from flask import Flask

from contracts import Conversation
from tests.support.seeded import QUEUE_ID, first_customer_callback

CALLBACKS = "/api/v2/conversations/callbacks"
DISCONNECT = "/api/v2/conversations/callbacks/bulk/disconnect"
QUEUE = {"queueId": QUEUE_ID}
NUMBERS = {"callbackNumbers": ["+13175550100"]}
AUTH = "Bearer test-token"
JSON = {"Content-Type": "application/json"}

# Placeholders filled in from the seeded dataset: a scheduled conversation, its customer callback,
# and a conversation no longer scheduled.
SCHEDULED, CALLBACK, NOT_SCHEDULED = "<scheduled>", "<callback>", "<not-scheduled>"

# (id, method, path, headers, body: JSON-able or raw bytes, status, code, paths in details)
CASES: list[tuple[str, str, str, dict[str, str], Any, int, str, list[str]]] = [
    # A queue the org does not have, wherever a callback names one (the codes: see docs/server.md)
    *[
        (f"{name}-unknown-queue", method, CALLBACKS, {}, body, 400, code, [field])
        for name, method, body, code, field in [
            (
                "create",
                "POST",
                {**NUMBERS, "queueId": "no-such-queue"},
                "callback.error.missing.queue.id",
                "$.queueId",
            ),
            (
                "create-routing",
                "POST",
                {**NUMBERS, "routingData": {"queueId": "no-such-queue"}},
                "callback.error.missing.queue.id",
                "$.routingData.queueId",
            ),
            (
                "patch",
                "PATCH",
                {"conversationId": SCHEDULED, "queueId": "no-such-queue"},
                "callback.error.queue.not.found",
                "$.queueId",
            ),
        ]
    ],
    (
        "no-token",
        "POST",
        CALLBACKS,
        {"Authorization": ""},
        {**NUMBERS, **QUEUE},
        401,
        "authentication.required",
        [],
    ),
    (
        "basic-auth",
        "POST",
        CALLBACKS,
        {"Authorization": "Basic dTpw"},
        {**NUMBERS, **QUEUE},
        401,
        "authentication.required",
        [],
    ),
    (
        "empty-bearer",
        "GET",
        "/api/v2/conversations",
        {"Authorization": "Bearer "},
        None,
        401,
        "authentication.required",
        [],
    ),
    (
        "unknown-token",
        "POST",
        CALLBACKS,
        {"Authorization": "Bearer nope"},
        {**NUMBERS, **QUEUE},
        401,
        "bad.credentials",
        [],
    ),
    (
        "text-plain",
        "POST",
        CALLBACKS,
        {"Content-Type": "text/plain"},
        b'{"callbackNumbers": ["+1"]}',
        415,
        "unsupported.media.type",
        [],
    ),
    (
        "no-content-type",
        "POST",
        CALLBACKS,
        {},
        b'{"callbackNumbers": ["+1"]}',
        415,
        "unsupported.media.type",
        [],
    ),
    (
        "form-post",
        "POST",
        CALLBACKS,
        {"Content-Type": "application/x-www-form-urlencoded"},
        b"a=b",
        415,
        "unsupported.media.type",
        [],
    ),
    ("malformed-json", "POST", CALLBACKS, JSON, b'{"callbackNumbers": [', 400, "bad.request", []),
    ("trailing-garbage", "POST", CALLBACKS, JSON, b'{"queueId": "q"} x', 400, "bad.request", []),
    ("body-array", "POST", CALLBACKS, {}, [], 400, "invalid.value", ["$"]),
    ("body-null", "POST", CALLBACKS, {}, None, 400, "invalid.value", ["$"]),
    ("body-string", "POST", CALLBACKS, {}, "callback", 400, "invalid.value", ["$"]),
    (
        "missing-numbers",
        "POST",
        CALLBACKS,
        {},
        QUEUE,
        400,
        "callback.error.missing.callback.numbers",
        ["$.callbackNumbers"],
    ),
    (
        "numbers-string",
        "POST",
        CALLBACKS,
        {},
        {"callbackNumbers": "+13175550100", **QUEUE},
        400,
        "invalid.value",
        ["$.callbackNumbers"],
    ),
    (
        "numbers-null",
        "POST",
        CALLBACKS,
        {},
        {"callbackNumbers": None, **QUEUE},
        400,
        "invalid.value",
        ["$.callbackNumbers"],
    ),
    (
        "number-bool",
        "POST",
        CALLBACKS,
        {},
        {"callbackNumbers": ["+13175550100", True], **QUEUE},
        400,
        "invalid.value",
        ["$.callbackNumbers[1]"],
    ),
    (
        "number-not-e164",
        "POST",
        CALLBACKS,
        {},
        {"callbackNumbers": ["+13175550100", "555-0100"], **QUEUE},
        400,
        "callback.error.parse.call.number",
        ["$.callbackNumbers[1]"],
    ),
    (
        "caller-id-not-e164",
        "POST",
        CALLBACKS,
        {},
        {**NUMBERS, "callerId": "!", **QUEUE},
        400,
        "invalid.value",
        ["$.callerId"],
    ),
    (
        "numbers-empty",
        "POST",
        CALLBACKS,
        {},
        {"callbackNumbers": [], **QUEUE},
        400,
        "callback.error.missing.callback.numbers",
        ["$.callbackNumbers"],
    ),
    ("no-queue", "POST", CALLBACKS, {}, NUMBERS, 400, "constraint.validation", ["$.queueId"]),
    (
        "routing-without-queue",
        "POST",
        CALLBACKS,
        {},
        {**NUMBERS, "routingData": {"priority": 1}},
        400,
        "constraint.validation",
        ["$.queueId"],
    ),
    ("queue-int", "POST", CALLBACKS, {}, {**NUMBERS, "queueId": 5}, 400, "invalid.value", ["$.queueId"]),
    (
        "date-word",
        "POST",
        CALLBACKS,
        {},
        {**NUMBERS, **QUEUE, "callbackScheduledTime": "tomorrow"},
        400,
        "invalid.date",
        ["$.callbackScheduledTime"],
    ),
    (
        "date-month-13",
        "POST",
        CALLBACKS,
        {},
        {**NUMBERS, **QUEUE, "callbackScheduledTime": "2030-13-01T00:00:00Z"},
        400,
        "invalid.date",
        ["$.callbackScheduledTime"],
    ),
    (
        "date-only",
        "POST",
        CALLBACKS,
        {},
        {**NUMBERS, **QUEUE, "callbackScheduledTime": "2030-01-01"},
        400,
        "invalid.date",
        ["$.callbackScheduledTime"],
    ),
    (
        "date-epoch",
        "POST",
        CALLBACKS,
        {},
        {**NUMBERS, **QUEUE, "callbackScheduledTime": 1893456000},
        400,
        "invalid.date",
        ["$.callbackScheduledTime"],
    ),
    (
        "bool-string",
        "POST",
        CALLBACKS,
        {},
        {**NUMBERS, **QUEUE, "validateCallbackNumbers": "true"},
        400,
        "invalid.value",
        ["$.validateCallbackNumbers"],
    ),
    (
        "unknown-field",
        "POST",
        CALLBACKS,
        {},
        {**NUMBERS, **QUEUE, "callbackNumber": "+1"},
        400,
        "invalid.property",
        ["$.callbackNumber"],
    ),
    (
        "unknown-enum",
        "POST",
        CALLBACKS,
        {},
        {**NUMBERS, **QUEUE, "customerFirstCallbackDeliveryMode": "Sometimes"},
        400,
        "invalid.value",
        ["$.customerFirstCallbackDeliveryMode"],
    ),
    (
        "data-not-string",
        "POST",
        CALLBACKS,
        {},
        {**NUMBERS, **QUEUE, "data": {"orderId": 17}},
        400,
        "invalid.value",
        ["$.data['orderId']"],
    ),
    (
        "routing-queue-int",
        "POST",
        CALLBACKS,
        {},
        {**NUMBERS, "routingData": {"queueId": 3}},
        400,
        "invalid.value",
        ["$.routingData.queueId"],
    ),
    (
        "routing-skills-string",
        "POST",
        CALLBACKS,
        {},
        {**NUMBERS, **QUEUE, "routingData": {"skillIds": "s"}},
        400,
        "invalid.value",
        ["$.routingData.skillIds"],
    ),
    (
        "routing-unknown",
        "POST",
        CALLBACKS,
        {},
        {**NUMBERS, **QUEUE, "routingData": {"bogus": 1}},
        400,
        "invalid.property",
        ["$.routingData.bogus"],
    ),
    (
        "many-problems",
        "POST",
        CALLBACKS,
        {},
        {"callbackNumbers": [True], "queueId": 2, "callbackScheduledTime": "x", "extra": True},
        400,
        "invalid.value",
        ["$.callbackNumbers[0]", "$.queueId", "$.callbackScheduledTime", "$.extra"],
    ),
    (
        "too-large",
        "POST",
        CALLBACKS,
        {},
        {**NUMBERS, **QUEUE, "callbackUserName": "x" * (1024 * 1024)},
        413,
        "request.entity.too.large",
        [],
    ),
    (
        "patch-no-id",
        "PATCH",
        CALLBACKS,
        {},
        {"queueId": QUEUE_ID},
        400,
        "constraint.validation",
        ["$.conversationId"],
    ),
    (
        "patch-id-int",
        "PATCH",
        CALLBACKS,
        {},
        {"conversationId": 12},
        400,
        "invalid.value",
        ["$.conversationId"],
    ),
    (
        "patch-unknown",
        "PATCH",
        CALLBACKS,
        {},
        {"conversationId": "00000000-0000-0000-0000-000000000000", "queueId": "q-2"},
        404,
        "callback.error.callback.not.found",
        ["$.conversationId"],
    ),
    (
        "patch-not-scheduled",
        "PATCH",
        CALLBACKS,
        {},
        {"conversationId": NOT_SCHEDULED, "queueId": "q-2"},
        412,
        "callback.error.already.triggered",
        ["$.conversationId"],
    ),
    (
        "patch-bad-date",
        "PATCH",
        CALLBACKS,
        {},
        {"conversationId": SCHEDULED, "callbackScheduledTime": "soon"},
        400,
        "invalid.date",
        ["$.callbackScheduledTime"],
    ),
    (
        "patch-no-numbers",
        "PATCH",
        CALLBACKS,
        {},
        {"conversationId": SCHEDULED, "callbackNumbers": []},
        400,
        "callback.error.missing.callback.numbers",
        ["$.callbackNumbers"],
    ),
    (
        "patch-agent-list",
        "PATCH",
        CALLBACKS,
        {},
        {"conversationId": SCHEDULED, "agentId": ["a"]},
        400,
        "invalid.value",
        ["$.agentId"],
    ),
    (
        "patch-text",
        "PATCH",
        CALLBACKS,
        {"Content-Type": "text/plain"},
        b"{}",
        415,
        "unsupported.media.type",
        [],
    ),
    (
        "bulk-empty-object",
        "POST",
        DISCONNECT,
        {},
        {},
        400,
        "constraint.validation",
        ["$.callbackDisconnectIdentifiers"],
    ),
    (
        "bulk-empty-identifier",
        "POST",
        DISCONNECT,
        {},
        {"callbackDisconnectIdentifiers": [{}]},
        400,
        "constraint.validation",
        [
            "$.callbackDisconnectIdentifiers[0].conversationId",
            "$.callbackDisconnectIdentifiers[0].callbackId",
        ],
    ),
    (
        "bulk-unknown-conversation",
        "POST",
        DISCONNECT,
        {},
        {"callbackDisconnectIdentifiers": [{"conversationId": "nope", "callbackId": "x"}]},
        404,
        "conversation.error.conversation.not.found",
        ["$.callbackDisconnectIdentifiers[0].conversationId"],
    ),
    (
        "bulk-unknown-callback",
        "POST",
        DISCONNECT,
        {},
        {"callbackDisconnectIdentifiers": [{"conversationId": SCHEDULED, "callbackId": "x"}]},
        404,
        "callback.error.callback.not.found",
        ["$.callbackDisconnectIdentifiers[0].callbackId"],
    ),
    (
        "bulk-second-unknown",
        "POST",
        DISCONNECT,
        {},
        {
            "callbackDisconnectIdentifiers": [
                {"conversationId": SCHEDULED, "callbackId": CALLBACK},
                {"conversationId": SCHEDULED, "callbackId": "x"},
            ]
        },
        404,
        "callback.error.callback.not.found",
        ["$.callbackDisconnectIdentifiers[1].callbackId"],
    ),
    (
        "get-unknown",
        "GET",
        "/api/v2/conversations/00000000-0000-0000-0000-000000000000",
        {},
        None,
        404,
        "not.found",
        [],
    ),
    (
        "page-size-zero",
        "GET",
        "/api/v2/conversations?pageSize=0",
        {},
        None,
        400,
        "invalid.value",
        ["$.pageSize"],
    ),
    (
        "page-size-word",
        "GET",
        "/api/v2/conversations?pageSize=ten",
        {},
        None,
        400,
        "invalid.value",
        ["$.pageSize"],
    ),
    (
        "page-size-101",
        "GET",
        "/api/v2/conversations?pageSize=101",
        {},
        None,
        400,
        "invalid.value",
        ["$.pageSize"],
    ),
    (
        "page-number-zero",
        "GET",
        "/api/v2/conversations?pageNumber=0",
        {},
        None,
        400,
        "invalid.value",
        ["$.pageNumber"],
    ),
    (
        "page-number-negative",
        "GET",
        "/api/v2/conversations?pageNumber=-1",
        {},
        None,
        400,
        "invalid.value",
        ["$.pageNumber"],
    ),
    (
        "page-number-beyond-int32",
        "GET",
        f"/api/v2/conversations?pageNumber={2**31}",
        {},
        None,
        400,
        "invalid.value",
        ["$.pageNumber"],
    ),
    ("unknown-route", "GET", "/api/v2/nothing/here", {}, None, 404, "not.found", []),
    ("wrong-method", "DELETE", CALLBACKS, {}, None, 405, "method.not.allowed", []),
    ("put-conversation", "PUT", f"/api/v2/conversations/{SCHEDULED}", {}, {}, 405, "method.not.allowed", []),
    (
        "unknown-campaign",
        "GET",
        "/api/v2/outbound/campaigns/nope/interactions",
        {},
        None,
        404,
        "not.found",
        [],
    ),
]


def _fill(value: Any, names: dict[str, str]) -> Any:
    text = json.dumps(value)
    for placeholder, real in names.items():
        text = text.replace(placeholder, real)
    return json.loads(text)


@pytest.mark.parametrize(
    ("method", "path", "headers", "body", "status", "code", "paths"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_a_bad_request_is_answered_in_the_api_error_format_and_changes_nothing(
    app: Flask,
    scheduled: Conversation,
    not_scheduled: Conversation,
    snapshot: Callable[[], dict[str, bytes]],
    method: str,
    path: str,
    headers: dict[str, str],
    body: Any,
    status: int,
    code: str,
    paths: list[str],
) -> None:
    names = {
        SCHEDULED: scheduled.id or "",
        CALLBACK: first_customer_callback(scheduled).id or "",
        NOT_SCHEDULED: not_scheduled.id or "",
    }
    headers = {"Authorization": AUTH, **headers}
    if isinstance(body, bytes):
        data = body
    else:
        data = json.dumps(_fill(body, names)).encode()
        headers.setdefault("Content-Type", "application/json")
    before = snapshot()

    response = app.test_client().open(_fill(path, names), method=method, headers=headers, data=data)

    assert response.status_code == status
    assert response.mimetype == "application/json"
    error = response.json
    assert error is not None
    assert error["status"] == status
    assert error["code"] == code
    assert error["message"]
    assert [detail["fieldName"] for detail in error.get("details", [])] == paths
    correlation = response.headers["ININ-Correlation-Id"]
    uuid.UUID(correlation)
    assert error["contextId"] == correlation
    assert snapshot() == before


def test_the_table_is_wide_enough() -> None:
    assert len(CASES) >= 40


def test_an_unexpected_exception_is_a_500_error_body(app: Flask) -> None:
    @app.get("/boom")
    def boom() -> NoReturn:
        raise RuntimeError("boom")

    response = app.test_client().get("/boom", headers={"Authorization": AUTH})

    assert response.status_code == 500
    error = response.json
    assert error is not None
    assert error["code"] == "internal.server.error"
    assert error["contextId"] == response.headers["ININ-Correlation-Id"]
    assert "boom" not in response.get_data(as_text=True)
