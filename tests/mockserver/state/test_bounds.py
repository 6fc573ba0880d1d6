"""The server's bounds, on a live server over both stores: what it refuses, it refuses whole.

The clock keeps to the times every stamp it leads to can hold; a refused move changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import jsonschema
import pytest
from flask.testing import FlaskClient

from mockserver import create_app
from mockserver.config import DEFAULTS
from mockserver.notifications.channels import LIFETIME
from mockserver.state.backend import MAX_SCHEDULE_AHEAD
from mockserver.state.clock import LATEST, REACH, iso
from mockserver.testing.server import MockServer
from mockserver.web.current import backend_of
from tests.support import CONFIG, TOKEN
from tests.support.control import AdminRoutes, control_path
from tests.support.live import Answer, call
from tests.support.redis import forget, fresh_prefix
from tests.support.seeded import QUEUE_ID

CLOCK = control_path(AdminRoutes.CLOCK)
CONVERSATIONS = "/api/v2/conversations"
CALLBACKS = "/api/v2/conversations/callbacks"
CREATE = {"callbackNumbers": ["+13175550100"], "queueId": QUEUE_ID}
PUT: dict[str, Any] = {"participants": []}  # the smallest conversation the control API stores


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
    assert call(base, "POST", control_path(AdminRoutes.SEED), {"count": 5}).status == 201
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
    journal = call(base, "GET", control_path(AdminRoutes.REQUESTS)).json()
    verified = call(
        base, "POST", control_path(AdminRoutes.VERIFY), {"path": CONVERSATIONS, "count": 0}
    ).json()

    nulls = {name for entry in journal["requests"] for name, value in entry.items() if value is None}
    assert nulls == {"status", "correlationId", "fault", "stub", "tokenFingerprint"}
    for model, body in (("RequestList", journal), ("VerificationResult", verified)):
        schema = {**document, "$ref": f"#/components/schemas/{model}"}
        jsonschema.Draft202012Validator(schema).validate(body)


def test_every_status_a_route_answers_is_documented(callback_mock_server: MockServer) -> None:
    base = callback_mock_server.url
    document = call(base, "GET", "/openapi.json", token=None).json()
    conversation_id = callback_mock_server.backend.store.entries()[0].conversation.id
    advance = control_path(AdminRoutes.ADVANCE, conversation_id=conversation_id)
    assert call(base, "POST", advance, {"to": "connected"}).status == 200
    answer = call(base, "POST", advance, {"to": "alerting"})  # behind where it is

    assert answer.status == 409
    documented = "/__admin/conversations/{conversationId}/advance"  # literal: the OpenAPI document's key
    assert "409" in document["paths"][documented]["post"]["responses"]


@pytest.mark.parametrize("status", ["1000", "99", "0", "-1", "600", "-9223372036854775809", "2OO", ""])
def test_a_status_filter_out_of_http_answers_400(callback_mock_server: MockServer, status: str) -> None:
    answer = call(callback_mock_server.url, "GET", control_path(AdminRoutes.REQUESTS, f"status={status}"))
    body = assert_error(answer, 400, "invalid.value", "$.status")
    assert body["message"] == f"$.status must be an integer from 100 to 599; got {status!r}."


@pytest.mark.parametrize(
    ("route", "body", "field", "expected"),
    [
        (control_path(AdminRoutes.VERIFY), {"status": -9223372036854775809}, "$.status", "at least 100"),
        (control_path(AdminRoutes.VERIFY), {"status": 1000}, "$.status", "at most 599"),
        (control_path(AdminRoutes.VERIFY), {"status": 99}, "$.status", "at least 100"),
        (control_path(AdminRoutes.ADD_STUB), {"status": 600}, "$.status", "at most 599"),
        (control_path(AdminRoutes.ADD_STUB), {"status": 199}, "$.status", "at least 200"),
        (control_path(AdminRoutes.ADD_FAULT), {"kind": "status", "status": 600}, "$.status", "at most 599"),
        (control_path(AdminRoutes.ADD_FAULT), {"kind": "status", "status": 399}, "$.status", "at least 400"),
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
    assert call(base, "GET", control_path(AdminRoutes.REQUESTS, f"status={status}")).status == 200
    assert call(base, "POST", control_path(AdminRoutes.VERIFY), {"status": status, "count": 0}).status == 200


# What the API stores


def numbers(count: int) -> list[str]:
    return [f"+1317555{index:04d}" for index in range(count)]


def entries(count: int, size: int = 1) -> dict[str, str]:
    return {f"k{index}": "v" * size for index in range(count)}


TEXT = DEFAULTS["MAX_TEXT_LENGTH"]
# (label, the create's fields, at the limit) and the same one over: the field, the code.
CREATE_CAPS = [
    (
        "callbackUserName",
        {"callbackUserName": "n" * TEXT},
        {"callbackUserName": "n" * (TEXT + 1)},
        "$.callbackUserName",
        "invalid.value",
    ),
    (
        "callerIdName",
        {"callerIdName": "n" * TEXT},
        {"callerIdName": "n" * (TEXT + 1)},
        "$.callerIdName",
        "invalid.value",
    ),
    ("scriptId", {"scriptId": "s" * TEXT}, {"scriptId": "s" * (TEXT + 1)}, "$.scriptId", "invalid.value"),
    (
        "a data value",
        {"data": {"k": "v" * TEXT}},
        {"data": {"k": "v" * (TEXT + 1)}},
        "$.data.k",
        "invalid.value",
    ),
    (
        "a data key",
        {"data": {"k" * TEXT: "v"}},
        {"data": {"k" * (TEXT + 1): "v"}},
        f"$.data.{'k' * (TEXT + 1)}",
        "invalid.value",
    ),
    (
        "callbackNumbers",
        {"callbackNumbers": numbers(DEFAULTS["MAX_CALLBACK_NUMBERS"])},
        {"callbackNumbers": numbers(DEFAULTS["MAX_CALLBACK_NUMBERS"] + 1)},
        "$.callbackNumbers",
        "invalid.value",
    ),
    (
        "data entries",
        {"data": entries(DEFAULTS["MAX_ATTRIBUTES"])},
        {"data": entries(DEFAULTS["MAX_ATTRIBUTES"] + 1)},
        "$.data",
        "callback.error.scheduled.callback.number.limit.exceeded",
    ),
]


def stored_ids(client: FlaskClient) -> set[str]:
    return {entry.id for entry in backend_of(client.application).entries()}


@pytest.mark.parametrize(
    ("label", "at_limit", "over", "field", "code"), CREATE_CAPS, ids=[row[0] for row in CREATE_CAPS]
)
def test_a_create_at_a_cap_is_stored_one_over_is_refused_and_stores_nothing(
    client: FlaskClient, label: str, at_limit: dict[str, Any], over: dict[str, Any], field: str, code: str
) -> None:
    before = stored_ids(client)
    refused = client.post(CALLBACKS, json={**CREATE, **over})
    assert refused.status_code == 400, label
    body = refused.json
    assert body is not None
    assert (body["code"], [d["fieldName"] for d in body["details"]]) == (code, [field])
    assert stored_ids(client) == before

    accepted = client.post(CALLBACKS, json={**CREATE, **at_limit})
    assert accepted.status_code == 200, accepted.json
    assert len(stored_ids(client) - before) == 1


def test_a_reschedule_is_capped_as_a_create_is(client: FlaskClient) -> None:
    created = client.post(CALLBACKS, json=CREATE).json
    assert created is not None
    patch = {"conversationId": created["conversation"]["id"]}
    most = DEFAULTS["MAX_CALLBACK_NUMBERS"]
    refused = client.patch(CALLBACKS, json={**patch, "callbackNumbers": numbers(most + 1)})
    assert (refused.status_code, refused.json["details"][0]["fieldName"]) == (400, "$.callbackNumbers")  # type: ignore[index]
    assert client.patch(CALLBACKS, json={**patch, "callbackNumbers": numbers(most)}).status_code == 200


def test_a_participants_attributes_are_capped(client: FlaskClient) -> None:
    created = client.post(CALLBACKS, json=CREATE).json
    assert created is not None
    conversation_id = created["conversation"]["id"]
    conversation = client.get(f"{CONVERSATIONS}/{conversation_id}").json
    assert conversation is not None
    customer = next(p for p in conversation["participants"] if p["purpose"] == "customer")
    path = f"{CALLBACKS}/{conversation_id}/participants/{customer['id']}/attributes"
    held = len(customer.get("attributes") or {})
    room = DEFAULTS["MAX_ATTRIBUTES"] - held

    long = client.patch(path, json={"attributes": {"k": "v" * (TEXT + 1)}})
    assert (long.status_code, long.json["details"][0]["fieldName"]) == (400, "$.attributes.k")  # type: ignore[index]
    assert client.patch(path, json={"attributes": entries(room, TEXT)}).status_code == 202
    more = client.patch(path, json={"attributes": {"one": "more"}})
    assert more.status_code == 400
    assert more.json["code"] == "callback.error.scheduled.callback.number.limit.exceeded"  # type: ignore[index]


@contextmanager
def capped_client(store: str, **config: Any) -> Iterator[FlaskClient]:
    """A test client of an app of its own on ``store`` (a fresh Redis namespace, deleted after)."""
    prefix = fresh_prefix()
    on = {} if store == "memory" else {"STORE": store, "STORE_PREFIX": prefix}
    app = create_app({**CONFIG, **on, **config})
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TOKEN}"
    try:
        yield client
    finally:
        backend_of(app).store.close()
        if on:
            forget(store, prefix)


@pytest.mark.parametrize("route", ["create", "seed", "put"])
def test_a_full_store_refuses_a_new_conversation_and_stores_nothing(store: str, route: str) -> None:
    with capped_client(store, CONVERSATIONS=3, MAX_CONVERSATIONS=4) as client:
        adds = {
            "create": lambda: client.post(CALLBACKS, json=CREATE),
            "seed": lambda: client.post(control_path(AdminRoutes.SEED), json={"count": 1}),
            "put": lambda: client.put(
                control_path(AdminRoutes.PUT_CONVERSATION, conversation_id=uuid.uuid4()), json=PUT
            ),
        }
        assert adds[route]().status_code in (200, 201)  # the fourth fits
        full = stored_ids(client)
        refused = adds[route]()
        assert refused.status_code == 400
        body = refused.json
        assert body is not None
        assert body["code"] == "bad.request"
        assert "at most 4 conversations (MAX_CONVERSATIONS)" in body["message"]
        assert stored_ids(client) == full
        existing = next(iter(full))  # a conversation already stored may still be replaced
        assert (
            client.put(
                control_path(AdminRoutes.PUT_CONVERSATION, conversation_id=existing), json=PUT
            ).status_code
            == 200
        )


def test_the_dataset_must_fit_its_cap() -> None:
    with pytest.raises(ValueError, match=r"CONVERSATIONS: expected at most MAX_CONVERSATIONS \(2\), got 3"):
        create_app({**CONFIG, "CONVERSATIONS": 3, "MAX_CONVERSATIONS": 2})


def test_a_conversation_takes_callbacks_up_to_its_cap(store: str) -> None:
    with capped_client(store, MAX_CALLBACKS=2) as client:
        assert client.put(control_path(AdminRoutes.SET_LIFECYCLE), json={"mode": "manual"}).status_code == 200
        created = client.post(CALLBACKS, json=CREATE).json
        assert created is not None
        conversation_id = created["conversation"]["id"]
        conversation, advance = (
            f"{CONVERSATIONS}/{conversation_id}",
            control_path(AdminRoutes.ADVANCE, conversation_id=conversation_id),
        )

        def ended() -> str:
            """Its legs ended; the path of a new callback on it."""
            advanced = client.post(advance, json={"to": "disconnected"})
            assert advanced.status_code == 200, advanced.json
            body = client.get(conversation).json
            assert body is not None
            customer = [p for p in body["participants"] if p["purpose"] == "customer"][-1]
            return f"{conversation}/participants/{customer['id']}/callbacks"

        assert client.post(ended(), json=CREATE).status_code == 201  # the second
        path = ended()
        before = client.get(conversation).data
        refused = client.post(path, json=CREATE)
        assert refused.status_code == 400
        body = refused.json
        assert body is not None
        assert body["code"] == "callback.error.scheduled.callback.limit.exceeded"
        assert body["message"].startswith("Number of callbacks has been exceeded for a single conversation")
        assert client.get(conversation).data == before


def test_the_document_states_the_bounds_the_app_is_configured_with() -> None:
    app = create_app({**CONFIG, "MAX_CALLBACK_NUMBERS": 3, "MAX_TEXT_LENGTH": 40, "MAX_ATTRIBUTES": 5})
    document = app.test_client().get("/openapi.json").json
    assert document is not None
    create = document["paths"][CALLBACKS]["post"]["requestBody"]["content"]["application/json"]["schema"]
    bounds = create["allOf"][-1]["properties"]
    assert bounds["callbackNumbers"] == {"items": {"maxLength": 40}, "maxItems": 3}
    assert bounds["callbackUserName"] == {"maxLength": 40}
    assert bounds["data"]["maxProperties"] == 5
