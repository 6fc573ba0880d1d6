"""``schema``: a model's JSON Schema for other languages' tools, or the mock server's OpenAPI document."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
from click.testing import Result

import contracts

Invoke = Callable[..., Result]

MODELS = [
    "Callback",
    "CallbackBasic",
    "Conversation",
    "ConversationBasic",
    "ConversationEntityListing",
    "CampaignInteractions",
]


@pytest.mark.parametrize("model", MODELS)
def test_prints_the_contracts_json_schema(invoke: Invoke, model: str) -> None:
    result = invoke("schema", "--model", model)
    assert result.exit_code == 0
    printed = json.loads(result.stdout)
    assert printed == contracts.json_schema(getattr(contracts, model))
    jsonschema.Draft202012Validator.check_schema(printed)


def test_the_schema_accepts_a_valid_callback_and_refuses_a_bad_one(
    invoke: Invoke, callback: dict[str, Any]
) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(invoke("schema", "--model", "Callback").stdout))
    assert list(validator.iter_errors(callback)) == []
    callback["held"] = "false"
    assert [error.json_path for error in validator.iter_errors(callback)] == ["$.held"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--openapi", "--model", "Callback"], "Error: give --model or --openapi, not both."),
        ([], "Error: give --model (or --openapi)."),
        (["--model", "Segment"], "Invalid value for '--model'"),
        (["--model"], "Option '--model' requires an argument."),
    ],
)
def test_usage_errors_exit_2(invoke: Invoke, args: list[str], message: str) -> None:
    result = invoke("schema", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr


def test_as_a_real_process(process: Callable[..., Any]) -> None:
    done = process(["schema", "--model", "CallbackBasic"])
    assert done.returncode == 0
    assert json.loads(done.stdout)["title"] == "CallbackBasic"


def test_openapi_prints_the_document_the_server_serves(invoke: Invoke) -> None:
    from openapi_spec_validator import validate

    from mockserver import create_app

    result = invoke("schema", "--openapi")
    assert result.exit_code == 0
    printed = json.loads(result.stdout)
    validate(printed)
    served = create_app({"CONVERSATIONS": 1}).test_client().get("/openapi.json")
    assert printed == served.get_json()
