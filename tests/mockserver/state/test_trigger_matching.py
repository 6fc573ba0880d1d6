"""Match criteria against an event body, operator by operator, and the input each data format makes."""

from __future__ import annotations

from typing import Any

import pytest

from contracts import MatchCriteria, MatchOperator, WorkflowDataFormat
from mockserver.state.jsonpaths import ENVIRONMENT
from mockserver.state.trigger_matching import (
    Sieve,
    absolute,
    compile_criteria,
    reader,
    topic_keys,
    workflow_input,
)

EVENT: dict[str, Any] = {
    "conversationId": "c-1",
    "mediaType": "CALLBACK",
    "disconnectType": "TRANSPORT_FAILURE",
    "eventTime": 1_900_000_000_000,
    "routingPriority": 5,
    "callbackNumbers": ["+13175550100", "+13175550101"],
    "requestedRoutingSkillIds": [],
    "in": "a key python-jsonpath reads as a keyword unless rooted",
}
UNKNOWN_TYPES = ["UNKNOWN", "SYSTEM", "ERROR", "OTHER", "TIMEOUT", "TRANSPORT_FAILURE", "UNCALLABLE"]


def _criterion(path: str, operator: str, value: Any = None, values: list[Any] | None = None) -> MatchCriteria:
    return MatchCriteria(
        json_path=path,
        operator=MatchOperator(operator),
        value=value,
        values=None if values is None else tuple(values),
    )


@pytest.mark.parametrize(
    ("criterion", "holds"),
    [
        (_criterion("mediaType", "Equal", "CALLBACK"), True),
        (_criterion("$.mediaType", "Equal", "CALLBACK"), True),
        (_criterion("mediaType", "Equal", "VOICE"), False),
        (_criterion("mediaType", "NotEqual", "VOICE"), True),
        (_criterion("disconnectType", "In", values=UNKNOWN_TYPES), True),  # the offer-callback blueprint's
        (_criterion("disconnectType", "NotIn", values=UNKNOWN_TYPES), False),
        (_criterion("routingPriority", "GreaterThan", 4), True),
        (_criterion("routingPriority", "GreaterThan", 5), False),
        (_criterion("routingPriority", "GreaterThanOrEqual", 5), True),
        (_criterion("routingPriority", "LessThan", 5), False),
        (_criterion("routingPriority", "LessThanOrEqual", 5.0), True),
        (_criterion("mediaType", "GreaterThan", 1), False),  # a string is not ordered against a number
        (_criterion("callbackNumbers", "Contains", "+13175550101"), True),
        (_criterion("mediaType", "Contains", "BACK"), True),
        (_criterion("callbackNumbers", "All", values=["+13175550100", "+13175550101"]), True),
        (_criterion("callbackNumbers", "All", values=["+13175550100", "+1"]), False),
        (_criterion("callbackNumbers", "Size", 2), True),
        (_criterion("requestedRoutingSkillIds", "Size", 0), True),
        (_criterion("queueId", "Exists", False), True),
        (_criterion("queueId", "Exists", True), False),
        (_criterion("mediaType", "Exists", True), True),
        (
            _criterion("queueId", "NotEqual", "q-1"),
            False,
        ),  # a path that finds nothing holds only Exists false
        (_criterion("callbackNumbers[*]", "Equal", "+13175550101"), True),  # any value found will do
        (_criterion("in", "Equal", EVENT["in"]), True),
        (_criterion("routingPriority", "Equal", True), False),  # JSON: true is not 1
    ],
)
def test_a_criterion_holds_as_its_operator_says(criterion: MatchCriteria, holds: bool) -> None:
    assert compile_criteria([criterion])(EVENT) is holds


def test_every_criterion_must_hold_and_none_is_always_a_match() -> None:
    callback = _criterion("mediaType", "Equal", "CALLBACK")
    assert compile_criteria([callback, _criterion("routingPriority", "Equal", 5)])(EVENT)
    assert not compile_criteria([callback, _criterion("routingPriority", "Equal", 6)])(EVENT)
    assert compile_criteria([])(EVENT)


def test_a_trigger_names_an_events_topic_with_its_id_as_a_placeholder() -> None:
    keys = list(topic_keys("v2.detail.events.conversation.c-1.acd.start"))
    assert "v2.detail.events.conversation.{id}.acd.start" in keys
    assert "v2.detail.events.conversation.c-1.acd.start" in keys
    assert "v2.detail.events.conversation.{id}.acw" not in keys


def test_the_workflow_receives_the_event_as_json_data_or_its_top_level_primitives() -> None:
    assert workflow_input(EVENT, WorkflowDataFormat.JSON) == {"jsonData": EVENT}
    assert workflow_input(EVENT, WorkflowDataFormat.TOP_LEVEL_PRIMITIVES) == {
        key: EVENT[key]
        for key in ("conversationId", "mediaType", "disconnectType", "eventTime", "routingPriority", "in")
    }


@pytest.mark.parametrize(
    "path",
    [
        "mediaType",
        "$.mediaType",
        "$.in",
        "true",
        "$.a.b",
        "$.a.b.c",
        "$.a.length",
        "$.a.list",
        "$.a.list.x",
        "$.missing",
        "$.a.missing.b",
    ],
)
def test_a_path_of_names_finds_what_python_jsonpath_finds(path: str) -> None:
    body = {**EVENT, "true": 1, "a": {"b": None, "length": 3, "list": [{"x": 1}]}}
    assert reader(path)(body) == ENVIRONMENT.findall(absolute(path), body)


def test_the_sieve_leaves_the_triggers_an_event_may_match_in_their_order() -> None:
    callback = _criterion("mediaType", "Equal", "CALLBACK")
    entries: list[tuple[Any, list[MatchCriteria]]] = [
        (f"queue {n}", [callback, _criterion("$.queueId", "Equal", f"q-{n}")]) for n in range(100)
    ]
    entries.insert(50, ("any callback", [callback]))  # filed by mediaType: the only path it has
    entries.insert(0, ("no equality", [_criterion("routingPriority", "GreaterThan", 1)]))
    sieve = Sieve(entries)

    assert sieve.candidates({"mediaType": "CALLBACK", "queueId": "q-7"}) == [
        "no equality",
        "queue 7",
        "any callback",
    ]
    assert sieve.candidates({"mediaType": "VOICE", "queueId": "q-99"}) == ["no equality", "queue 99"]
    assert sieve.candidates({"queueId": ["q-1"]}) == ["no equality"]  # not a string: filed ones cannot hold
