"""``described`` fields: their schema keywords reach the JSON Schema, and ``check_bounds`` enforces them."""

from __future__ import annotations

from typing import Any

import attrs
import jsonschema
import pytest

import contracts
from contracts import (
    BulkCallbackDisconnectRequest,
    CreateCallbackCommand,
    CreateCallbackResponse,
    ErrorBody,
    RoutingData,
    TransferRequest,
    check_bounds,
    conflicting,
    described,
    id_paths,
    json_schema,
    missing_alternatives,
    mutually_exclusive,
    server_assigned,
)


@attrs.frozen
class Window:
    """A span of seconds."""

    start_seconds: int = described("Start, in seconds.", minimum=0)
    length_seconds: float | None = described("Length, in seconds.", default=None, exclusiveMinimum=0)


@attrs.frozen
class Plan:
    """A nested body, as a control API request might be."""

    retry_count: int = described("How many retries.", minimum=1, maximum=5)
    queue_name: str = described("The queue.", default="q", minLength=1)
    traits: tuple[str, ...] = described("Trait names.", default=("a",), minItems=1, items={"enum": ["a"]})
    window: Window | None = described("When.", default=None)


def test_described_fields_carry_description_and_keywords_into_the_schema() -> None:
    schema = json_schema(Plan)
    assert schema["required"] == ["retryCount"]
    assert schema["properties"]["retryCount"] == {
        "type": "integer",
        "format": "int64",
        "minimum": 1,
        "maximum": 5,
        "description": "How many retries.",
    }
    assert schema["properties"]["traits"]["items"] == {
        "type": "string",
        "enum": ["a"],
    }  # joins the derived one
    assert schema["$defs"]["Window"]["properties"]["lengthSeconds"]["exclusiveMinimum"] == 0


def test_a_field_without_keywords_is_a_plain_described_field() -> None:
    (field,) = (a for a in attrs.fields(Window) if a.name == "start_seconds")
    assert dict(field.metadata) == {"description": "Start, in seconds.", "json_schema": {"minimum": 0}}
    assert dict(attrs.fields(Plan).window.metadata) == {"description": "When."}


@pytest.mark.parametrize(
    ("plan", "broken"),
    [
        (Plan(retry_count=1), []),
        (Plan(retry_count=5, window=Window(0, 0.5)), []),
        (Plan(retry_count=0), [("$.retryCount", "at least 1", 0)]),
        (Plan(retry_count=6), [("$.retryCount", "at most 5", 6)]),
        (Plan(retry_count=1, queue_name=""), [("$.queueName", "at least 1 character(s)", "")]),
        (Plan(retry_count=1, traits=()), [("$.traits", "at least 1 item(s)", ())]),
        (Plan(retry_count=1, traits=("b",)), []),  # an items enum is the caller's to check
        (Plan(retry_count=1, window=Window(-1)), [("$.window.startSeconds", "at least 0", -1)]),
        (Plan(retry_count=1, window=Window(0, 0)), [("$.window.lengthSeconds", "more than 0", 0)]),
        (
            Plan(retry_count=9, queue_name="", window=Window(-2, -1.5)),
            [
                ("$.retryCount", "at most 5", 9),
                ("$.queueName", "at least 1 character(s)", ""),
                ("$.window.startSeconds", "at least 0", -2),
                ("$.window.lengthSeconds", "more than 0", -1.5),
            ],
        ),
    ],
)
def test_check_bounds_names_each_broken_bound_by_its_path(plan: Plan, broken: list[Any]) -> None:
    assert check_bounds(plan) == broken


def test_check_bounds_paths_start_where_the_caller_says() -> None:
    assert check_bounds(Window(-1), "$.items[2]") == [("$.items[2].startSeconds", "at least 0", -1)]


@pytest.mark.parametrize(
    ("command", "broken"),
    [
        ({"callback_numbers": ("+13175550100",), "queue_id": "q"}, []),
        ({"callback_numbers": (), "queue_id": "q"}, [("$.callbackNumbers", "at least 1 item(s)", ())]),
        (
            {"callback_numbers": ("+1", "+13175550100"), "queue_id": "q"},
            [("$.callbackNumbers[0]", "E.164", "+1")],
        ),
        (
            {"callback_numbers": ("+13175550100",), "caller_id": "+1\u0663\u0663\u0663", "queue_id": "q"},
            [("$.callerId", "E.164", "+1\u0663\u0663\u0663")],  # ASCII digits only, as the schema says
        ),
    ],
)
def test_check_bounds_reads_patterns_and_items_keywords(command: dict[str, Any], broken: list[Any]) -> None:
    found = check_bounds(CreateCallbackCommand(**command))
    assert [(path, "E.164" if "match" in why else why, value) for path, why, value in found] == broken


@pytest.mark.parametrize(
    ("queue", "missing"),
    [
        ({"queue_id": "q"}, ()),
        ({"routing_data": RoutingData(queue_id="q")}, ()),
        ({}, ("queueId", "routingData.queueId")),
        ({"queue_id": ""}, ("queueId", "routingData.queueId")),
        ({"routing_data": RoutingData(label="x")}, ("queueId", "routingData.queueId")),
    ],
)
def test_missing_alternatives_is_the_check_of_the_schemas_any_of(
    queue: dict[str, Any], missing: tuple[str, ...]
) -> None:
    command = CreateCallbackCommand(callback_numbers=("+13175550100",), **queue)
    assert missing_alternatives(command) == missing
    validator = jsonschema.Draft202012Validator(json_schema(CreateCallbackCommand))
    assert validator.is_valid(contracts.unstructure(command)) == (not missing)


@pytest.mark.parametrize(
    ("target", "valid"),
    [
        ({"user_id": "u"}, True),
        ({"queue_id": "q"}, True),
        ({"address": "a"}, True),
        ({"user_id": "", "queue_id": "q"}, True),  # an empty value names nothing
        ({}, False),
        ({"user_id": "u", "queue_id": "q"}, False),
        ({"queue_id": "q", "address": "a"}, False),
    ],
)
def test_exclusive_alternatives_are_a_one_of(target: dict[str, Any], valid: bool) -> None:
    validator = jsonschema.Draft202012Validator(json_schema(TransferRequest))
    assert validator.is_valid(contracts.unstructure(TransferRequest(**target))) == valid


@mutually_exclusive("text", "textBase64")
@attrs.frozen
class Answer:
    """A body given one way at most, with what the server assigns."""

    text: str | None = described("As text.", None)
    text_base64: str | None = described("As base64.", None)
    id: str | None = described("Assigned by the server.", None, readOnly=True)
    hits: int = described("Counted by the server.", 0, readOnly=True)


@pytest.mark.parametrize(
    ("answer", "conflict"),
    [
        (Answer(), ()),
        (Answer(text=""), ()),
        (Answer(text_base64="YQ=="), ()),
        (Answer(text="", text_base64=""), ("text", "textBase64")),  # present is given, empty or not
    ],
)
def test_conflicting_is_the_check_of_the_schemas_not(answer: Answer, conflict: tuple[str, ...]) -> None:
    assert conflicting(answer) == conflict
    validator = jsonschema.Draft202012Validator(json_schema(Answer))
    assert validator.is_valid(contracts.unstructure(answer)) == (not conflict)


@pytest.mark.parametrize(
    ("answer", "assigned"),
    [
        (Answer(), ()),
        (Answer(hits=0), ()),  # its default may be sent
        (Answer(id="mine"), ("id",)),
        (Answer(id="mine", hits=2), ("id", "hits")),
    ],
)
def test_server_assigned_names_the_read_only_fields_given(answer: Answer, assigned: tuple[str, ...]) -> None:
    assert server_assigned(answer) == assigned
    assert json_schema(Answer)["properties"]["hits"]["readOnly"] is True


@pytest.mark.parametrize(
    ("model", "paths"),
    [
        (
            CreateCallbackResponse,  # an entity reference holds the id at its own id
            [(("conversation", "id"), "conversation"), (("callbackIdentifiers", 0, "id"), "callback")],
        ),
        (
            BulkCallbackDisconnectRequest,  # the ids of a list's first item
            [
                (("callbackDisconnectIdentifiers", 0, "conversationId"), "conversation"),
                (("callbackDisconnectIdentifiers", 0, "callbackId"), "callback"),
            ],
        ),
        (ErrorBody, []),  # recursive, and no entity declared
    ],
)
def test_id_paths_are_where_the_wire_form_holds_declared_ids(model: type, paths: list[Any]) -> None:
    assert id_paths(model) == paths
