"""The factories' public API: build, batch, stream, payload, traits, overrides, seeds."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import tracemalloc
from datetime import datetime, timedelta
from typing import Any

import pytest

import contracts
from factories import (
    CallbackBasicFactory,
    CallbackFactory,
    ConversationBasicFactory,
    ConversationFactory,
    OverrideError,
    UnknownTraitError,
    check_callback,
    check_conversation,
)


def test_build_returns_the_model_of_each_factory(now: datetime) -> None:
    assert type(CallbackFactory(1, now=now).build()) is contracts.Callback
    assert type(CallbackBasicFactory(1, now=now).build()) is contracts.CallbackBasic
    assert type(ConversationFactory(1, now=now).build()) is contracts.Conversation
    basic = ConversationFactory(1, now=now, basic=True).build("connected")
    assert type(basic) is contracts.ConversationBasic
    assert all(
        type(cb) is contracts.CallbackBasic for p in basic.participants or () for cb in p.callbacks or ()
    )


@pytest.mark.parametrize("trait", ConversationFactory.traits)
def test_conversation_basic_factory_builds_what_basic_true_builds(now: datetime, trait: str) -> None:
    factory = ConversationBasicFactory(5, now=now)
    assert factory.traits == ConversationFactory.traits
    built = factory.batch(2, trait)
    assert all(type(conversation) is contracts.ConversationBasic for conversation in built)
    assert built == ConversationFactory(5, now=now, basic=True).batch(2, trait)
    full = ConversationFactory(5, now=now).batch(2, trait)
    assert [c.id for c in built] == [c.id for c in full]  # one seed, one conversation in two forms


def test_payload_is_the_strict_wire_dict_of_build(now: datetime) -> None:
    payload = CallbackFactory(3, now=now).payload("held")
    assert payload == contracts.unstructure(CallbackFactory(3, now=now).build("held"))
    assert type(payload["state"]) is str
    assert contracts.structure(payload, contracts.Callback).held is True


def test_same_seed_same_calls_give_equal_batches(now: datetime) -> None:
    first, second = CallbackFactory(7, now=now), CallbackFactory(7, now=now)
    assert first.batch(20, "connected") == second.batch(20, "connected")
    assert CallbackFactory(8, now=now).batch(3) != CallbackFactory(7, now=now).batch(3)


def test_stream_is_endless_and_lazy(now: datetime) -> None:
    stream = CallbackFactory(5, now=now).stream(wire=True)
    tracemalloc.start()
    for payload in itertools.islice(stream, 200):
        assert payload["provider"] == "PureCloud Callback"
    _, peak_small = tracemalloc.get_traced_memory()
    for _ in itertools.islice(stream, 2000):
        pass
    _, peak_large = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak_large < peak_small * 2 + 200_000


@pytest.mark.parametrize("factory", [CallbackFactory, ConversationFactory])
def test_an_unknown_trait_names_the_known_ones(factory: type[CallbackFactory], now: datetime) -> None:
    with pytest.raises(UnknownTraitError, match="scheduled") as info:
        factory(1, now=now).build("ringing")
    assert info.value.trait == "ringing"


SCHEDULED = {
    "state": "scheduled",
    "initialState": "scheduled",
    "direction": "outbound",
    "provider": "PureCloud Callback",
    "timeoutSeconds": 0,
    "skipEnabled": True,
    "externalCampaign": False,
}


def test_scheduled_conversation_is_a_freshly_created_callback(now: datetime) -> None:
    payload = ConversationFactory(11, now=now).payload("scheduled")
    assert payload["selfUri"] == f"/api/v2/conversations/{payload['id']}"
    customer, acd = payload["participants"]
    assert [customer["purpose"], acd["purpose"]] == ["customer", "acd"]
    (mine,), (theirs,) = customer["callbacks"], acd["callbacks"]
    for callback in (mine, theirs):
        assert SCHEDULED.items() <= callback.items()
        assert [segment["type"] for segment in callback["segments"]] == ["Scheduled"]
        assert "endTime" not in callback["segments"][0]
        assert "connectedTime" not in callback
    assert theirs["peerId"] == mine["id"]
    scheduled = contracts.structure(mine, contracts.Callback).callback_scheduled_time
    assert scheduled is not None
    assert scheduled > now


def test_conversation_overrides_reach_every_leg(now: datetime) -> None:
    when = now + timedelta(hours=3)
    conversation = ConversationFactory(2, now=now).build(
        "disconnected",
        id="c0ffee00-0000-4000-8000-000000000000",
        callback_numbers=["+442071234567"],
        callback_scheduled_time=when,
        callback_user_name="Zoë Ångström",
        queue_name="Billing Callbacks",
        attributes={"crmId": "42"},
    )
    assert conversation.self_uri == "/api/v2/conversations/c0ffee00-0000-4000-8000-000000000000"
    for participant in conversation.participants or ():
        assert participant.attributes == {"crmId": "42"}
        (callback,) = participant.callbacks or ()
        assert callback.callback_numbers == ("+442071234567",)
        assert callback.callback_scheduled_time == when
        assert callback.callback_user_name == "Zoë Ångström"
    assert check_conversation(conversation) == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"callback_numbers": ["0207 123 4567"]}, r"callbackNumbers\[0\]: expected an E.164 number"),
        ({"callback_numbers": []}, "at least one number"),
        ({"colour": "red"}, "colour: not a conversation override"),
        ({"callback_user_name": 42}, r"callbackUserName: expected a string, got 42"),
    ],
)
def test_contradictory_conversation_overrides_raise(
    overrides: dict[str, Any], message: str, now: datetime
) -> None:
    with pytest.raises(OverrideError, match=message):
        ConversationFactory(1, now=now).build("connected", **overrides)


def test_overridden_moment_moves_the_timeline(now: datetime) -> None:
    callback = CallbackFactory(4, now=now).build("disconnected", connected_time=now)
    assert callback.connected_time == now
    segments = callback.segments or ()
    assert segments[0].end_time == now
    assert segments[1].start_time == now
    assert callback.start_alerting_time is not None
    assert callback.start_alerting_time < now
    assert check_callback(callback) == []


def test_state_override_picks_its_trait(now: datetime) -> None:
    assert CallbackFactory(1, now=now).build(state="alerting").segments == ()


def test_nested_overrides_merge_into_generated_models(now: datetime) -> None:
    callback = CallbackFactory(1, now=now).build(
        wrapup={"notes": "Called twice"}, queue_media_settings={"enable_auto_answer": True}
    )
    assert callback.wrapup is not None
    assert callback.wrapup.notes == "Called twice"
    assert callback.wrapup.code is not None
    assert callback.queue_media_settings is not None
    assert callback.queue_media_settings.enable_auto_answer is True


@pytest.mark.parametrize(
    ("trait", "overrides", "message"),
    [
        (
            "connected",
            {"disconnected_time": datetime(2030, 1, 15, 12, 0)},
            r"\$\.disconnectedTime: expected nothing while state is 'connected'",
        ),
        ("disconnected", {"held": True}, r"\$\.startHoldTime: expected a value when held is true"),
        (
            "alerting",
            {"segments": [{"type": "Alert"}]},
            r"\$\.segments: expected \[\] while state is 'alerting'",
        ),
        ("disconnected", {"disconnect_type": None}, r"\$\.disconnectType: expected a value"),
        (
            "disconnected",
            {"direction": "sideways"},
            r"\$\.direction: expected one of 'inbound', 'outbound', got 'sideways'",
        ),
        ("disconnected", {"held": "no"}, r"\$\.held: expected a boolean"),
        ("disconnected", {"colour": "red"}, r"\$\.colour: not a field of Callback"),
        ("scheduled", {"wrapup": {"nope": 1}}, r"\$\.wrapup\.nope: not a field of Wrapup"),
        ("after_call_work", {"after_call_work": {"end_time": datetime(2030, 1, 15, 12, 0)}}, "pending"),
    ],
)
def test_contradictory_overrides_raise_a_clear_error(
    trait: str, overrides: dict[str, Any], message: str, now: datetime
) -> None:
    with pytest.raises(OverrideError, match=message) as info:
        CallbackFactory(1, now=now).build(trait, **overrides)
    assert info.value.trait == trait
    assert info.value.names == tuple(overrides)


SCRIPT = """
import sys
from datetime import datetime, timezone
import contracts
from factories import CallbackFactory, ConversationFactory
now = datetime(2030, 1, 15, 12, 0, tzinfo=timezone.utc)
out = [contracts.dumps(x) for x in CallbackFactory(99, now=now).batch(5)]
out += [contracts.dumps(ConversationFactory(99, now=now).build(t)) for t in ConversationFactory.traits]
sys.stdout.write("\\n".join(out))
"""


def test_byte_identical_json_in_any_process_and_hash_seed() -> None:
    runs = {
        subprocess.run(
            [sys.executable, "-c", SCRIPT],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hash_seed in ("0", "1", "12345")
    }
    assert len(runs) == 1


def test_the_clock_defaults_to_the_real_now() -> None:
    before = datetime.now().astimezone()
    callback = CallbackFactory(1).build("connected")
    assert callback.connected_time is not None
    assert before - timedelta(days=1) < callback.connected_time < before


def test_a_factory_without_a_seed_records_the_one_it_drew() -> None:
    factory = CallbackFactory()
    assert CallbackFactory(factory.seed, now=factory.now).seed == factory.seed
    assert repr(factory) == f"CallbackFactory(seed={factory.seed})"


def test_an_overridden_disconnect_type_ends_the_last_segment_too(now: datetime) -> None:
    callback = CallbackFactory(1, now=now).build("disconnected", disconnect_type="spam")
    assert callback.disconnect_type == contracts.DisconnectType.SPAM
    assert (callback.segments or ())[-1].disconnect_type == "spam"
