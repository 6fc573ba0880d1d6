"""The JSON Schema accepts what strict mode accepts and rejects what it rejects."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from contract_cases import BAD, CANONICAL, NORMALIZED, TOLERATED, full
from contract_strategies import models
from hypothesis import given, settings
from jsonschema import Draft202012Validator

import contracts
from contracts import Callback, Segment

SCHEMA_MODELS = [
    Callback,
    contracts.CallbackBasic,
    contracts.Conversation,
    contracts.ConversationBasic,
    contracts.ConversationEntityListing,
    contracts.CampaignInteractions,
    contracts.CreateCallbackCommand,
    contracts.PatchCallbackRequest,
    contracts.CreateCallbackResponse,
    contracts.BulkCallbackDisconnectRequest,
    contracts.ErrorBody,
    contracts.CallbackConversation,
    contracts.CallbackConversationEntityListing,
    contracts.MediaParticipantRequest,
    contracts.ParticipantAttributes,
    contracts.AssignedWrapupCode,
    contracts.WrapupCode,
    contracts.BulkCallbackPatchRequest,
    contracts.BulkCallbackPatchResponse,
    contracts.CreateCallbackOnConversationCommand,
    contracts.CallCommand,
    contracts.SetRecordingState,
    contracts.Empty,
]


def validator(model: type) -> Draft202012Validator:
    return Draft202012Validator(contracts.json_schema(model))


@pytest.mark.parametrize("model", SCHEMA_MODELS, ids=lambda model: model.__name__)
def test_every_schema_is_a_valid_2020_12_schema(model: type) -> None:
    schema = contracts.json_schema(model)

    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert orjson.loads(orjson.dumps(schema)) == schema


def test_the_schema_carries_types_formats_enums_and_descriptions() -> None:
    schema = contracts.json_schema(Callback)
    properties = schema["properties"]

    assert schema["title"] == "Callback"
    assert schema["additionalProperties"] is False
    assert len(properties) == 29
    assert properties["held"]["type"] == "boolean"
    assert properties["timeoutSeconds"]["type"] == "integer"
    assert properties["callbackNumbers"] == {
        "type": "array",
        "items": {"type": "string"},
        "description": "The phone number(s) to use to place the callback.",
    }
    assert properties["segments"]["items"] == {"$ref": "#/$defs/Segment"}
    assert properties["startHoldTime"]["format"] == "date-time"
    assert properties["direction"]["enum"] == ["inbound", "outbound"]
    assert all(prop.get("description") for prop in properties.values())
    assert all(definition["additionalProperties"] is False for definition in schema["$defs"].values())


def test_required_fields_are_required() -> None:
    assert contracts.json_schema(contracts.CreateCallbackCommand)["required"] == ["callbackNumbers"]
    assert "required" not in contracts.json_schema(Callback)


@pytest.mark.parametrize(("model", "payload"), CANONICAL)
def test_the_schema_accepts_canonical_payloads(model: type, payload: Any) -> None:
    contracts.structure(payload, model)
    assert list(validator(model).iter_errors(payload)) == []


@pytest.mark.parametrize(("sent", "written"), NORMALIZED)
def test_the_schema_accepts_every_timestamp_form_the_converter_reads(sent: str, written: str) -> None:
    for text in (sent, written):
        contracts.structure({"startTime": text}, Segment)
        assert list(validator(Segment).iter_errors({"startTime": text})) == []


def test_both_take_an_integral_number_as_an_integer() -> None:
    payload = full(timeoutSeconds=30.0)

    contracts.structure(payload, Callback)
    assert list(validator(Callback).iter_errors(payload)) == []


@pytest.mark.parametrize(("model", "payload", "paths"), BAD)
def test_the_schema_rejects_what_strict_mode_rejects(model: type, payload: Any, paths: list[str]) -> None:
    with pytest.raises(contracts.ContractError):
        contracts.structure(payload, model)
    assert list(validator(model).iter_errors(payload)) != []


@pytest.mark.parametrize(("model", "payload", "known"), TOLERATED)
def test_the_schema_describes_strict_mode_not_tolerant_mode(model: type, payload: Any, known: Any) -> None:
    assert list(validator(model).iter_errors(payload)) != []
    assert list(validator(model).iter_errors(known)) == []


@settings(max_examples=40, deadline=None)
@given(callback=models(Callback))
def test_the_schema_accepts_whatever_the_converter_writes(callback: Callback) -> None:
    assert list(validator(Callback).iter_errors(contracts.unstructure(callback))) == []
