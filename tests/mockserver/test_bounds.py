"""The server's bounds, on a live server over both stores: what it refuses, it refuses whole.

The clock keeps to the times every stamp it leads to can hold; a refused move changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import jsonschema
import pytest

from mockserver.backend import MAX_SCHEDULE_AHEAD
from mockserver.clock import LATEST, REACH, iso
from mockserver.notifications.channels import LIFETIME
from mockserver.testing.server import MockServer
from tests.support.live import Answer, call

CLOCK = "/__admin/clock"
CONVERSATIONS = "/api/v2/conversations"
CALLBACKS = "/api/v2/conversations/callbacks"
CREATE = {"callbackNumbers": ["+13175550100"], "queueId": "q-1"}


def assert_error(answer: Answer, status: int, code: str, field: str) -> dict[str, Any]:
    """The API's error body naming ``field``; it and the headers agree."""
    body: dict[str, Any] = answer.json()
    assert (answer.status, body["status"], body["code"]) == (status, status, code), body
    assert body["contextId"] == answer.headers["inin-correlation-id"]
    assert [detail["fieldName"] for detail in body["details"]] == [field]
    return body


# The clock


def test_every_offset_the_server_stamps_ahead_is_within_the_clocks_reach() -> None:
    assert MAX_SCHEDULE_AHEAD < REACH
    assert LIFETIME < REACH


@pytest.mark.parametrize(
    ("start", "change", "field", "expected"),
    [
        (None, {"now": "9999-12-31T23:59:58Z"}, "$.now", "must be a time from 0001-02-01T00:00:00.000Z to"),
        (None, {"now": iso(LATEST + timedelta(milliseconds=1))}, "$.now", "to 9999-11-30T23:59:59.999Z"),
        (LATEST - timedelta(days=300), {"advanceSeconds": 366 * 86_400}, "$.advanceSeconds", "at the latest"),
        # The jump alone would do, the advance after it would not: neither happens.
        (
            None,
            {"now": iso(LATEST - timedelta(days=1)), "advanceSeconds": 2 * 86_400},
            "$.advanceSeconds",
            "",
        ),
        (None, {"now": "2030-01-01T00:00:00Z"}, "$.now", "cannot move backwards"),
    ],
)
def test_a_move_beyond_the_clocks_bounds_answers_400_and_moves_nothing(
    callback_mock_server: MockServer,
    start: datetime | None,
    change: dict[str, Any],
    field: str,
    expected: str,
) -> None:
    base = callback_mock_server.url
    if start is not None:
        assert call(base, "POST", CLOCK, {"now": iso(start)}).status == 200
    before = call(base, "GET", CLOCK).json()

    answer = call(base, "POST", CLOCK, change)

    body = assert_error(answer, 400, "invalid.value", field)
    given = change["now"] if field == "$.now" else change["advanceSeconds"]
    got = iso(datetime.fromisoformat(given.replace("Z", "+00:00"))) if field == "$.now" else given
    assert body["message"].startswith(f"{field}: ")
    assert expected in body["message"]
    assert body["message"].endswith(f"; got {got!r}.")
    assert call(base, "GET", CLOCK).json() == before  # frozen: any move would show
    assert call(base, "GET", CONVERSATIONS).status == 200


def test_at_the_latest_time_every_route_still_answers(callback_mock_server: MockServer) -> None:
    base = callback_mock_server.url
    assert call(base, "POST", CLOCK, {"now": iso(LATEST)}).json() == {"now": iso(LATEST), "frozen": True}
    ahead = {**CREATE, "callbackScheduledTime": iso(LATEST + MAX_SCHEDULE_AHEAD)}
    created = call(base, "POST", CALLBACKS, ahead)
    assert created.status == 200, created.body
    conversation_id = created.json()["conversation"]["id"]
    assert call(base, "GET", f"{CONVERSATIONS}/{conversation_id}").status == 200
    assert call(base, "GET", f"{CALLBACKS}/{conversation_id}").status == 200
    assert call(base, "GET", CONVERSATIONS).status == 200
    assert call(base, "POST", "/api/v2/notifications/channels").status == 200
    assert call(base, "POST", "/__admin/seed", {"count": 5}).status == 201
    assert call(base, "POST", CLOCK, {"advanceSeconds": 0}).status == 200
    assert call(base, "GET", CLOCK).status == 200
    refused = call(base, "POST", CLOCK, {"advanceSeconds": 0.001})
    assert_error(refused, 400, "invalid.value", "$.advanceSeconds")


# The journal and its document; statuses


def test_the_journal_as_served_validates_against_the_served_document(
    callback_mock_server: MockServer,
) -> None:
    base = callback_mock_server.url
    callback_mock_server.fault("GET", CONVERSATIONS, kind="reset", times=1)
    with pytest.raises(ConnectionResetError):
        call(base, "GET", CONVERSATIONS)  # no answer: status and correlationId null
    call(base, "GET", CONVERSATIONS, token=None)  # no token: tokenFingerprint null
    call(base, "GET", CONVERSATIONS)  # neither fault nor stub: both null
    document = call(base, "GET", "/openapi.json", token=None).json()
    journal = call(base, "GET", "/__admin/requests").json()
    verified = call(base, "POST", "/__admin/requests/verify", {"path": CONVERSATIONS, "count": 0}).json()

    nulls = {name for entry in journal["requests"] for name, value in entry.items() if value is None}
    assert nulls == {"status", "correlationId", "fault", "stub", "tokenFingerprint"}
    for model, body in (("RequestList", journal), ("VerificationResult", verified)):
        schema = {**document, "$ref": f"#/components/schemas/{model}"}
        jsonschema.Draft202012Validator(schema).validate(body)


def test_every_status_a_route_answers_is_documented(callback_mock_server: MockServer) -> None:
    base = callback_mock_server.url
    document = call(base, "GET", "/openapi.json", token=None).json()
    conversation_id = callback_mock_server.backend.store.entries()[0].conversation.id
    advance = f"/__admin/conversations/{conversation_id}/advance"
    assert call(base, "POST", advance, {"to": "connected"}).status == 200
    answer = call(base, "POST", advance, {"to": "alerting"})  # behind where it is

    assert answer.status == 409
    assert "409" in document["paths"]["/__admin/conversations/{conversationId}/advance"]["post"]["responses"]


@pytest.mark.parametrize("status", ["1000", "99", "0", "-1", "600", "-9223372036854775809", "2OO", ""])
def test_a_status_filter_out_of_http_answers_400(callback_mock_server: MockServer, status: str) -> None:
    answer = call(callback_mock_server.url, "GET", f"/__admin/requests?status={status}")
    body = assert_error(answer, 400, "invalid.value", "$.status")
    assert body["message"] == f"$.status must be an integer from 100 to 599; got {status!r}."


@pytest.mark.parametrize(
    ("route", "body", "field", "expected"),
    [
        ("/__admin/requests/verify", {"status": -9223372036854775809}, "$.status", "at least 100"),
        ("/__admin/requests/verify", {"status": 1000}, "$.status", "at most 599"),
        ("/__admin/requests/verify", {"status": 99}, "$.status", "at least 100"),
        ("/__admin/stubs", {"status": 600}, "$.status", "at most 599"),
        ("/__admin/stubs", {"status": 199}, "$.status", "at least 200"),
        ("/__admin/faults", {"kind": "status", "status": 600}, "$.status", "at most 599"),
        ("/__admin/faults", {"kind": "status", "status": 399}, "$.status", "at least 400"),
    ],
)
def test_a_status_out_of_bounds_in_a_body_answers_400(
    callback_mock_server: MockServer, route: str, body: dict[str, Any], field: str, expected: str
) -> None:
    answer = call(callback_mock_server.url, "POST", route, body)
    error = assert_error(answer, 400, "invalid.value", field)
    # (Past int64, JSON's number is read as a float, then as an integer: the got is the nearest.)
    assert error["message"].startswith(f"{field} must be {expected}; got ")


@pytest.mark.parametrize("status", [100, 599])
def test_a_status_filter_at_its_bounds_is_taken(callback_mock_server: MockServer, status: int) -> None:
    base = callback_mock_server.url
    assert call(base, "GET", f"/__admin/requests?status={status}").status == 200
    assert call(base, "POST", "/__admin/requests/verify", {"status": status, "count": 0}).status == 200
