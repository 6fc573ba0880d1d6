"""The factories' public API: build, batch, stream, payload, traits, overrides, seeds."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import tracemalloc
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import contracts
from factories import (
    CallbackBasicFactory,
    CallbackFactory,
    ConversationBasicFactory,
    ConversationFactory,
    OverrideError,
    OverrideKind,
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


NUMBER = "+13175550123"
STATES = "'alerting', 'dialing', 'contacting', 'offering', 'connected', 'disconnected', 'terminated', 'scheduled', 'none'"
E164_LEGS = [
    f"$.participants[{i}].callbacks[0].callbackNumbers[0]: expected an E.164 number such as '+14155550123', got '0207 123 4567'"
    for i in range(3)
]

# ConversationFactory: (overrides, kind, every problem reported)
CONVERSATION_OVERRIDE_CASES = [
    pytest.param(
        {"callback_numbers": NUMBER},
        OverrideKind.INVALID,
        [f"callback_numbers: expected a sequence of str, got str '{NUMBER}'"],
        id="a string for a list",
    ),
    pytest.param(
        {"callback_numbers": [NUMBER, 3175550123]},
        OverrideKind.INVALID,
        ["callback_numbers[1]: expected a str, got int 3175550123"],
        id="a number in the list",
    ),
    pytest.param(
        {"callback_scheduled_time": "2030-01-15T13:00:00Z"},
        OverrideKind.INVALID,
        ["callback_scheduled_time: expected a datetime, got str '2030-01-15T13:00:00Z'"],
        id="a string for a datetime",
    ),
    pytest.param(
        {"callback_user_name": 42},
        OverrideKind.INVALID,
        ["callback_user_name: expected a str, got int 42"],
        id="an int for a str",
    ),
    pytest.param(
        {"attributes": ["crmId"]},
        OverrideKind.INVALID,
        ["attributes: expected a mapping of str to str, got list ['crmId']"],
        id="a list for a mapping",
    ),
    pytest.param(
        {"attributes": {"crmId": 42}},
        OverrideKind.INVALID,
        ["attributes['crmId']: expected a str, got int 42"],
        id="an int in the mapping",
    ),
    pytest.param(
        {"callbackNumbers": [NUMBER]},
        OverrideKind.INVALID,
        ["callbackNumbers: not a conversation override, did you mean callback_numbers?"],
        id="camelCase",
    ),
    pytest.param(
        {"queue": "q-1"},
        OverrideKind.INVALID,
        ["queue: not a conversation override, did you mean queue_id?"],
        id="near miss",
    ),
    pytest.param(
        {"colour": "red", "caller_id": 7},
        OverrideKind.INVALID,
        [
            "colour: not a conversation override (id, callback_numbers, callback_scheduled_time, "
            "callback_user_name, script_id, queue_id, queue_name, caller_id, caller_id_name, attributes)",
            "caller_id: expected a str, got int 7",
        ],
        id="unknown and mistyped at once",
    ),
    pytest.param({"callback_numbers": ["0207 123 4567"]}, OverrideKind.CONTRACT, E164_LEGS, id="not E.164"),
    pytest.param(
        {"callback_numbers": []},
        OverrideKind.CONTRACT,
        [
            f"$.participants[{i}].callbacks[0].callbackNumbers: expected at least one number, got []"
            for i in range(3)
        ],
        id="no numbers",
    ),
]


@pytest.mark.parametrize(("overrides", "kind", "problems"), CONVERSATION_OVERRIDE_CASES)
def test_bad_conversation_overrides_raise_a_clear_error(
    overrides: dict[str, Any], kind: OverrideKind, problems: list[str], now: datetime
) -> None:
    with pytest.raises(OverrideError) as info:
        ConversationFactory(1, now=now).build("connected", **overrides)
    error = info.value
    assert (error.kind, error.problems, error.names) == (kind, tuple(problems), tuple(overrides))
    assert ("inconsistent" in str(error)) is (kind is OverrideKind.LIFECYCLE)
    assert "Error(" not in str(error)  # no exception of the code's own leaks into the message


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


# CallbackFactory: (trait, overrides, kind, every problem reported)
CALLBACK_OVERRIDE_CASES = [
    # lifecycle contradictions: the only "inconsistent payload"
    pytest.param(
        "connected",
        {"disconnected_time": datetime(2030, 1, 15, 12, 0)},
        OverrideKind.LIFECYCLE,
        ["$.disconnectedTime: expected nothing while state is 'connected', got 2030-01-15T12:00:00.000Z"],
        id="disconnected while connected",
    ),
    pytest.param(
        "disconnected",
        {"held": True},
        OverrideKind.LIFECYCLE,
        [
            "$.startHoldTime: expected a value when held is true, got nothing",
            "$.held: expected false while state is 'disconnected', got True",
        ],
        id="held with no hold time",
    ),
    pytest.param(
        "alerting",
        {"segments": [{"type": "Alert"}]},
        OverrideKind.LIFECYCLE,
        ["$.segments: expected [] while state is 'alerting', got '1 segment(s)'"],
        id="segments while alerting",
    ),
    pytest.param(
        "disconnected",
        {"disconnect_type": None},
        OverrideKind.LIFECYCLE,
        ["$.disconnectType: expected a value when state is 'disconnected', got nothing"],
        id="no disconnect type",
    ),
    pytest.param(
        "after_call_work",
        {"after_call_work": {"end_time": datetime(2030, 1, 15, 12, 0)}},
        OverrideKind.LIFECYCLE,
        None,
        id="pending work that ended",
    ),
    # values of the right type that no org sends
    pytest.param(
        "disconnected",
        {"callback_numbers": ["0207 123 4567"]},
        OverrideKind.CONTRACT,
        ["$.callbackNumbers[0]: expected an E.164 number such as '+14155550123', got '0207 123 4567'"],
        id="not E.164",
    ),
    pytest.param(
        "disconnected",
        {"timeout_seconds": 2**70},
        OverrideKind.CONTRACT,
        [f"$.timeoutSeconds: expected an integer of at most 64 bits, got {2**70}"],
        id="beyond 64 bits",
    ),
    # values of the wrong type, named as types
    pytest.param(
        "disconnected",
        {"callback_numbers": NUMBER},
        OverrideKind.INVALID,
        [f"$.callback_numbers: expected a sequence of str, got str '{NUMBER}'"],
        id="a string for a list",
    ),
    pytest.param(
        "disconnected",
        {"callback_numbers": [None]},
        OverrideKind.INVALID,
        ["$.callback_numbers[0]: expected a str, got None"],
        id="None in a list",
    ),
    pytest.param(
        "disconnected",
        {"connected_time": "2030-01-15T11:00:00Z"},
        OverrideKind.INVALID,
        ["$.connected_time: expected a datetime, got str '2030-01-15T11:00:00Z'"],
        id="a string for a datetime",
    ),
    pytest.param(
        "disconnected",
        {"held": "no"},
        OverrideKind.INVALID,
        ["$.held: expected a bool, got str 'no'"],
        id="a string for a bool",
    ),
    pytest.param(
        "disconnected",
        {"timeout_seconds": True},
        OverrideKind.INVALID,
        ["$.timeout_seconds: expected an int, got bool True"],
        id="a bool for an int",
    ),
    pytest.param(
        "disconnected",
        {"timeout_seconds": 1.5},
        OverrideKind.INVALID,
        ["$.timeout_seconds: expected an int, got float 1.5"],
        id="a float for an int",
    ),
    pytest.param(
        "disconnected",
        {"queue_media_settings": {"auto_answer_alert_tone_seconds": float("nan")}},
        OverrideKind.INVALID,
        ["$.queue_media_settings.auto_answer_alert_tone_seconds: expected a float, got float nan"],
        id="NaN, which JSON cannot carry",
    ),
    pytest.param(
        "disconnected",
        {"direction": "sideways"},
        OverrideKind.INVALID,
        ["$.direction: expected one of 'inbound', 'outbound', got str 'sideways'"],
        id="no such enum value",
    ),
    pytest.param(
        "disconnected",
        {"state": 5},
        OverrideKind.INVALID,
        [f"$.state: expected one of {STATES}, got int 5"],
        id="an int for an enum",
    ),
    pytest.param(
        "disconnected",
        {"disconnect_type": ["client"]},
        OverrideKind.INVALID,
        None,
        id="a list for an enum",
    ),
    pytest.param(
        "disconnected",
        {"wrapup": "done"},
        OverrideKind.INVALID,
        ["$.wrapup: expected a Wrapup (or a mapping of its fields), got str 'done'"],
        id="a string for a model",
    ),
    pytest.param(
        "disconnected",
        {"segments": "x"},
        OverrideKind.INVALID,
        ["$.segments: expected a sequence of Segment (or mappings of its fields), got str 'x'"],
        id="a string for a list of models",
    ),
    pytest.param(
        "disconnected",
        {"segments": [{"type": 3}]},
        OverrideKind.INVALID,
        ["$.segments[0].type: expected a str, got int 3"],
        id="in a model in a list",
    ),
    pytest.param(
        "disconnected",
        {"wrapup": {"tags": "vip"}},
        OverrideKind.INVALID,
        ["$.wrapup.tags: expected a sequence of str, got str 'vip'"],
        id="a string for a nested list",
    ),
    # names that are no field, with the one meant
    pytest.param(
        "disconnected",
        {"callbackNumbers": [NUMBER]},
        OverrideKind.INVALID,
        ["$.callbackNumbers: not a field of Callback, did you mean callback_numbers?"],
        id="camelCase",
    ),
    pytest.param(
        "disconnected",
        {"CallbackNumbers": [NUMBER]},
        OverrideKind.INVALID,
        ["$.CallbackNumbers: not a field of Callback, did you mean callback_numbers?"],
        id="PascalCase",
    ),
    pytest.param(
        "disconnected",
        {"callback_number": [NUMBER]},
        OverrideKind.INVALID,
        ["$.callback_number: not a field of Callback, did you mean callback_numbers?"],
        id="near miss",
    ),
    pytest.param(
        "scheduled",
        {"wrapup": {"durationSeconds": 30}},
        OverrideKind.INVALID,
        ["$.wrapup.durationSeconds: not a field of Wrapup, did you mean duration_seconds?"],
        id="camelCase nested",
    ),
    pytest.param(
        "disconnected",
        {"colour": "red"},
        OverrideKind.INVALID,
        None,
        id="nothing like a field",
    ),
    pytest.param(
        "scheduled",
        {"wrapup": {"nope": 1}},
        OverrideKind.INVALID,
        [
            "$.wrapup.nope: not a field of Wrapup (code, name, notes, tags, duration_seconds, end_time, provisional)"
        ],
        id="nothing like a nested field",
    ),
    pytest.param(
        "disconnected",
        {"connectedTime": datetime(2030, 1, 15, 12, 0), "held": 1},
        OverrideKind.INVALID,
        [
            "$.connectedTime: not a field of Callback, did you mean connected_time?",
            "$.held: expected a bool, got int 1",
        ],
        id="every problem at once",
    ),
]


@pytest.mark.parametrize(("trait", "overrides", "kind", "problems"), CALLBACK_OVERRIDE_CASES)
def test_bad_overrides_raise_a_clear_error(
    trait: str, overrides: dict[str, Any], kind: OverrideKind, problems: list[str] | None, now: datetime
) -> None:
    with pytest.raises(OverrideError) as info:
        CallbackFactory(1, now=now).build(trait, **overrides)
    error = info.value
    assert (error.kind, error.trait, error.names) == (kind, trait, tuple(overrides))
    if problems is not None:
        assert error.problems == tuple(problems)
    assert str(error).startswith(f"CallbackFactory(trait={trait!r}): ")
    assert str(error).endswith("; ".join(error.problems))
    assert ("inconsistent" in str(error)) is (kind is OverrideKind.LIFECYCLE)
    assert "Error(" not in str(error)  # no exception of the code's own leaks into the message


def test_an_override_error_says_its_kind_in_words(now: datetime) -> None:
    factory = CallbackFactory(1, now=now)
    with pytest.raises(OverrideError) as invalid:
        factory.build(held="no")
    with pytest.raises(OverrideError) as contract:
        factory.build(timeout_seconds=2**70)
    with pytest.raises(OverrideError) as lifecycle:
        factory.build("disconnected", held=True)
    assert str(invalid.value).startswith("CallbackFactory(trait='disconnected'): invalid overrides: $.held")
    assert str(contract.value).startswith(
        "CallbackFactory(trait='disconnected'): overrides timeout_seconds break the contract: "
    )
    assert str(lifecycle.value).startswith(
        "CallbackFactory(trait='disconnected'): overrides held give an inconsistent payload: "
    )
    assert isinstance(invalid.value, ValueError)  # FactoryError's builtin


def test_good_overrides_of_every_shape_are_taken(now: datetime) -> None:
    """The checks refuse only what is wrong: tuples and lists, naive datetimes, enum values as strings."""
    when = datetime(2030, 1, 15, 11, 0)
    callback = CallbackFactory(1, now=now).build(
        "disconnected",
        callback_numbers=(NUMBER,),
        connected_time=when,
        direction="inbound",
        wrapup=contracts.Wrapup(code="w-1", name="Resolved"),
        queue_media_settings={"auto_answer_alert_tone_seconds": 2},
    )
    assert callback.callback_numbers == (NUMBER,)
    assert callback.connected_time == when.replace(tzinfo=timezone.utc)
    assert callback.direction is contracts.Direction.INBOUND
    assert callback.wrapup == contracts.Wrapup(code="w-1", name="Resolved")
    assert callback.queue_media_settings is not None
    assert callback.queue_media_settings.auto_answer_alert_tone_seconds == 2
    conversation = ConversationFactory(1, now=now).build(
        "scheduled", callback_numbers=[NUMBER], attributes={"crmId": "42"}, callback_scheduled_time=when
    )
    assert check_conversation(conversation) == []


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
