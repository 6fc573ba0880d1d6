"""Wire -> model -> wire is identity; model -> wire -> model is identity."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import orjson
import pytest
from contract_cases import CALLBACK_CONVERSATION, CALLBACK_MODELS, CANONICAL, FULL, NORMALIZED
from contract_strategies import models
from hypothesis import given, settings
from hypothesis import strategies as st

import contracts
from contracts import (
    BulkCallbackPatchResponse,
    Callback,
    CallbackConversation,
    CallbackState,
    Conversation,
    ConversationBasic,
    ConversationQueueMediaSettings,
    CreateCallbackCommand,
    ErrorBody,
    MediaParticipantDisconnectType,
    MediaParticipantRequest,
    MediaParticipantState,
    PatchCallbackRequest,
    Segment,
    Wrapup,
)

UTC = timezone.utc


@pytest.mark.parametrize(("model", "payload"), CANONICAL)
def test_canonical_payload_survives_a_round_trip(model: type[Any], payload: Any) -> None:
    obj = contracts.structure(payload, model)

    assert type(obj) is model
    assert contracts.unstructure(obj) == payload


@pytest.mark.parametrize(("model", "payload"), CANONICAL)
def test_canonical_text_is_written_back_byte_for_byte(model: type, payload: Any) -> None:
    text = orjson.dumps(payload).decode()

    assert contracts.dumps(contracts.loads(text, model)) == text
    assert contracts.dumps(contracts.loads(text.encode(), model)) == text


def test_full_payload_holds_python_values() -> None:
    callback = contracts.structure(FULL, Callback)

    assert callback.state is CallbackState.DISCONNECTED
    assert callback.callback_numbers == ("+13175550100", "+13175550101")
    assert callback.segments is not None
    assert callback.segments[1].end_time == datetime(2022, 7, 4, 11, 2, 11, 120000, tzinfo=UTC)
    assert callback.queue_media_settings == ConversationQueueMediaSettings(
        alerting_timeout_seconds=30,
        auto_answer_alert_tone_seconds=0.5,
        manual_answer_alert_tone_seconds=1.0,
        enable_auto_answer=False,
    )
    assert hash(callback) == hash(contracts.structure(FULL, Callback))


def test_callback_conversation_holds_python_values() -> None:
    conversation = contracts.structure(CALLBACK_CONVERSATION, CallbackConversation)

    assert conversation.participants is not None
    customer, acd, offer, answer = conversation.participants
    assert [p.purpose for p in conversation.participants] == ["customer", "acd", "agent", "agent"]
    assert customer.state is MediaParticipantState.CONNECTED
    assert acd.disconnect_type is MediaParticipantDisconnectType.TRANSFER
    assert offer.disconnect_type is MediaParticipantDisconnectType.SYSTEM
    assert answer.wrapup is not None
    assert answer.wrapup.duration_seconds == 30
    # The agent answered the instant the ACD leg was transferred away, as in the capture.
    assert answer.connected_time == acd.end_time == datetime(2022, 7, 4, 11, 20, 20, 528000, tzinfo=UTC)
    assert customer.callback_scheduled_time == datetime(2022, 7, 4, 11, 0, tzinfo=UTC)
    assert conversation == contracts.structure(CALLBACK_CONVERSATION, CallbackConversation)


def test_empty_segments_are_kept_and_absent_ones_left_out() -> None:
    assert contracts.dumps(Callback(segments=())) == '{"segments":[]}'
    assert contracts.dumps(Callback()) == "{}"


@pytest.mark.parametrize(("sent", "written"), NORMALIZED)
def test_any_iso_form_is_read_and_written_as_the_api_writes(sent: str, written: str) -> None:
    segment = contracts.loads(orjson.dumps({"startTime": sent}), Segment)

    assert segment.start_time is not None
    assert segment.start_time.utcoffset() == timedelta(0)
    assert contracts.unstructure(segment) == {"startTime": written}


def test_an_aware_datetime_in_another_zone_is_written_in_utc() -> None:
    paris = timezone(timedelta(hours=2))
    segment = Segment(start_time=datetime(2022, 7, 4, 12, 56, 34, 973000, tzinfo=paris))

    assert contracts.dumps(segment) == '{"startTime":"2022-07-04T10:56:34.973Z"}'


def test_an_integral_number_is_an_integer() -> None:
    # JSON has one number type, and JSON Schema's "integer" takes 30.0 as well.
    wrapup = contracts.loads('{"durationSeconds": 30.0}', Wrapup)

    assert wrapup.duration_seconds == 30
    assert type(wrapup.duration_seconds) is int


MODELS = [
    *CALLBACK_MODELS,
    Conversation,
    ConversationBasic,
    CreateCallbackCommand,
    PatchCallbackRequest,
    ErrorBody,
    CallbackConversation,
    MediaParticipantRequest,
    BulkCallbackPatchResponse,
]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_generated_models_survive_dumps_then_loads(model: type, data: st.DataObject) -> None:
    obj = data.draw(models(model))

    assert contracts.loads(contracts.dumps(obj), model) == obj


@settings(max_examples=25, deadline=None)
@given(callback=models(Callback))
def test_generated_wire_survives_loads_then_dumps(callback: Callback) -> None:
    text = contracts.dumps(callback)

    assert contracts.dumps(contracts.loads(text, Callback)) == text
    assert contracts.dumps(contracts.loads(text, Callback, strict=False)) == text


def test_unstructure_gives_plain_json_types_that_structure_takes_back() -> None:
    """An enum member unstructures to its plain string, so a model re-reads as its twin type."""
    callback = contracts.structure({"state": "connected", "direction": "outbound"}, contracts.Callback)

    wire = contracts.unstructure(callback)

    assert type(wire["state"]) is str
    assert contracts.structure(wire, contracts.CallbackBasic).state is contracts.CallbackState.CONNECTED
