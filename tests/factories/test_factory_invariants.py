"""check_callback and check_conversation: each broken invariant is named by its path."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from factories import CallbackFactory, ConversationFactory, check_callback, check_conversation

Edit = Callable[[dict[str, Any]], None]


def drop(key: str) -> Edit:
    return lambda payload: payload.pop(key)


def put(key: str, value: Any) -> Edit:
    return lambda payload: payload.update({key: value})


def swap_times(first: str, second: str) -> Edit:
    def edit(payload: dict[str, Any]) -> None:
        payload[first], payload[second] = payload[second], payload[first]

    return edit


def gap(payload: dict[str, Any]) -> None:
    payload["segments"][1]["startTime"] = payload["segments"][1]["endTime"]


def open_first(payload: dict[str, Any]) -> None:
    del payload["segments"][0]["endTime"]


CALLBACK_CASES = [
    (
        "disconnected",
        drop("disconnectedTime"),
        "$.disconnectedTime: expected a value when state is 'disconnected', got nothing",
    ),
    (
        "disconnected",
        drop("disconnectType"),
        "$.disconnectType: expected a value when state is 'disconnected'",
    ),
    (
        "connected",
        put("disconnectType", "peer"),
        "$.disconnectType: expected nothing while state is 'connected', got 'peer'",
    ),
    ("connected", drop("connectedTime"), "$.connectedTime: expected a value when state is 'connected'"),
    (
        "disconnected",
        swap_times("startAlertingTime", "connectedTime"),
        "$.connectedTime: expected a time at or after startAlertingTime",
    ),
    ("held", drop("startHoldTime"), "$.startHoldTime: expected a value when held is true"),
    (
        "connected",
        put("startHoldTime", "2030-01-15T11:59:00.000Z"),
        "$.startHoldTime: expected nothing unless held is true",
    ),
    (
        "alerting",
        put("segments", [{"startTime": "2030-01-15T11:59:00.000Z", "type": "Alert"}]),
        "$.segments: expected [] while state is 'alerting'",
    ),
    ("disconnected", gap, "$.segments[1].startTime: expected the end of segments[0]"),
    (
        "disconnected",
        open_first,
        "$.segments[0].endTime: expected a value: only the last segment may be open",
    ),
    ("connected", put("callbackNumbers", ["555-0101"]), "$.callbackNumbers[0]: expected an E.164 number"),
    (
        "after_call_work",
        put(
            "afterCallWork",
            {
                "state": "pending",
                "startTime": "2030-01-15T11:59:00.000Z",
                "endTime": "2030-01-15T12:00:00.000Z",
            },
        ),
        "$.afterCallWork.endTime: expected nothing while afterCallWork is pending",
    ),
    (
        "scheduled",
        put("state", "disconnected"),
        "$.disconnectType: expected a value when state is 'disconnected'",
    ),
    ("connected", put("held", "yes"), "$.held: expected a boolean, got 'yes'"),
]


@pytest.mark.parametrize(
    ("trait", "edit", "message"),
    CALLBACK_CASES,
    ids=[m.split(":")[0] + f"-{i}" for i, (_, _, m) in enumerate(CALLBACK_CASES)],
)
def test_check_callback_names_the_broken_invariant(
    trait: str, edit: Edit, message: str, now: datetime
) -> None:
    payload = CallbackFactory(5, now=now).payload(trait)
    assert check_callback(payload) == []
    edit(payload)
    problems = check_callback(payload)
    assert any(problem.startswith(message) for problem in problems), problems


def test_check_conversation_sees_legs_that_disagree(now: datetime) -> None:
    payload = ConversationFactory(5, now=now).payload("reoffered")
    assert check_conversation(payload) == []
    participants = payload["participants"]
    participants[1]["callbacks"][0]["peerId"] = "someone-else"
    participants[2]["callbacks"][0]["callbackNumbers"] = ["+14155550100"]
    participants[0]["attributes"] = {"crmId": "1"}
    payload["selfUri"] = "/api/v2/conversations/other"
    problems = check_conversation(payload)
    assert (
        "$.selfUri: expected '/api/v2/conversations/" + payload["id"] + "', got '/api/v2/conversations/other'"
        in problems
    )
    assert any(
        p.startswith("$.participants[1].callbacks[0].peerId: expected the customer's callback id")
        for p in problems
    )
    assert any(
        p.startswith("$.participants[2].callbacks[0].callbackNumbers: expected the customer's")
        for p in problems
    )
    assert any(
        p.startswith("$.participants: expected the same attributes on every participant") for p in problems
    )


def test_check_conversation_sees_overlapping_offers(now: datetime) -> None:
    payload = ConversationFactory(6, now=now).payload("reoffered")
    first, second = payload["participants"][2]["callbacks"][0], payload["participants"][3]["callbacks"][0]
    second["startAlertingTime"] = first["startAlertingTime"]
    problems = check_conversation(payload)
    assert any("startAlertingTime: expected a time after the previous offer ended" in p for p in problems), (
        problems
    )


def test_check_functions_report_contract_errors_too() -> None:
    assert check_callback({"state": "connected", "held": "no"}) == ["$.held: expected a boolean, got 'no'"]
    assert check_conversation({"participants": {}})[0].startswith("$.participants: expected an array")
