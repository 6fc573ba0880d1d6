"""Nested-model factories, Hypothesis strategies and the Faker provider."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from faker import Faker
from hypothesis import given, settings

import contracts
from factories import (
    AfterCallWorkFactory,
    CallbackProvider,
    ConversationQueueMediaSettingsFactory,
    DialerPreviewFactory,
    OverrideError,
    OverrideKind,
    PhoneNumberColumnFactory,
    SegmentFactory,
    VoicemailFactory,
    WrapupFactory,
    check_callback,
    check_conversation,
)
from factories.invariants import E164
from factories.strategies import callback_basics, callbacks, conversations

NOW = datetime(2030, 1, 15, 12, 0, tzinfo=timezone.utc)
NESTED = [
    AfterCallWorkFactory,
    ConversationQueueMediaSettingsFactory,
    DialerPreviewFactory,
    PhoneNumberColumnFactory,
    SegmentFactory,
    VoicemailFactory,
    WrapupFactory,
]


@pytest.mark.parametrize("factory", NESTED, ids=lambda f: f.__name__)
def test_nested_factories_build_their_model_for_every_trait(factory: Any) -> None:
    built = [factory(4, now=NOW).build(trait) for trait in factory.traits]
    assert all(type(obj) is factory.__model__ for obj in built)
    assert built == [factory(4, now=NOW).build(trait) for trait in factory.traits]
    assert (
        contracts.structure(factory(4, now=NOW).payload(), factory.__model__) == factory(4, now=NOW).build()
    )


def test_nested_parts_keep_their_lifecycle() -> None:
    assert SegmentFactory(1, now=NOW).build("open").end_time is None
    assert AfterCallWorkFactory(1, now=NOW).build("pending").end_time is None
    wrapup = WrapupFactory(1, now=NOW).build(notes="Left a message")
    assert wrapup.notes == "Left a message"
    assert wrapup.duration_seconds is not None
    with pytest.raises(OverrideError, match=r"\$\.colour: not a field of Wrapup"):
        WrapupFactory(1, now=NOW).build(colour="red")


@pytest.mark.parametrize(
    ("factory", "overrides", "kind", "problem"),
    [
        (
            WrapupFactory,
            {"durationSeconds": 30},
            OverrideKind.INVALID,
            "$.durationSeconds: not a field of Wrapup, did you mean duration_seconds?",
        ),
        (
            WrapupFactory,
            {"duration_seconds": "30"},
            OverrideKind.INVALID,
            "$.duration_seconds: expected an int, got str '30'",
        ),
        (
            WrapupFactory,
            {"tags": "vip"},
            OverrideKind.INVALID,
            "$.tags: expected a sequence of str, got str 'vip'",
        ),
        (
            WrapupFactory,
            {"duration_seconds": 2**64},
            OverrideKind.CONTRACT,
            f"$.durationSeconds: expected an integer of at most 64 bits, got {2**64}",
        ),
        (
            SegmentFactory,
            {"start_time": "now"},
            OverrideKind.INVALID,
            "$.start_time: expected a datetime, got str 'now'",
        ),
        (
            AfterCallWorkFactory,
            {"state": "done"},
            OverrideKind.INVALID,
            "$.state: expected one of 'unknown', 'notApplicable', 'skipped', 'pending', 'complete', got str 'done'",
        ),
        (
            PhoneNumberColumnFactory,
            {"colour": "red"},
            OverrideKind.INVALID,
            "$.colour: not a field of PhoneNumberColumn (column_name, type, callable_time_column_name)",
        ),
        (
            PhoneNumberColumnFactory,
            {"columnName": "Cell"},
            OverrideKind.INVALID,
            "$.columnName: not a field of PhoneNumberColumn, did you mean column_name?",
        ),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else None,
)
def test_bad_nested_overrides_raise_a_clear_error(
    factory: Any, overrides: dict[str, Any], kind: OverrideKind, problem: str
) -> None:
    with pytest.raises(OverrideError) as info:
        factory(1, now=NOW).build(**overrides)
    assert (info.value.kind, info.value.problems, info.value.names) == (kind, (problem,), tuple(overrides))
    assert "inconsistent" not in str(info.value)


def test_a_phone_number_column_takes_overrides_as_the_others_do() -> None:
    column = PhoneNumberColumnFactory(1, now=NOW).build("home", column_name="Landline")
    assert column.column_name == "Landline"
    assert column.type == PhoneNumberColumnFactory(1, now=NOW).build("home").type


@settings(max_examples=25, deadline=None)
@given(callback=callbacks(now=NOW), basic=callback_basics(traits=["held", "preview"], now=NOW))
def test_callback_strategies_give_consistent_callbacks(
    callback: contracts.Callback, basic: contracts.CallbackBasic
) -> None:
    assert check_callback(callback) == []
    assert check_callback(basic) == []
    assert basic.state == contracts.CallbackState.CONNECTED


@settings(max_examples=15, deadline=None)
@given(conversation=conversations(now=NOW), basic=conversations(basic=True, traits=["scheduled"]))
def test_conversation_strategies_give_consistent_conversations(conversation: Any, basic: Any) -> None:
    assert check_conversation(conversation) == []
    assert type(basic) is contracts.ConversationBasic


def test_the_provider_works_in_a_users_own_faker() -> None:
    fake = Faker("de_DE")
    fake.add_provider(CallbackProvider)
    fake.seed_instance(1)
    numbers = [fake.e164_number() for _ in range(50)]
    assert all(E164.fullmatch(number) and number.startswith("+49") for number in numbers)
    assert fake.e164_number("JP").startswith("+81")
    assert fake.callback_provider() == "PureCloud Callback"
    assert fake.queue_name()
    assert fake.wrapup_name()
    assert fake.segment_type() in {"Scheduled", "Interact", "Alert", "Hold"}
    fake.seed_instance(1)
    assert [fake.e164_number() for _ in range(50)] == numbers


@pytest.mark.parametrize("locale", ["en_US", "de_DE", "ja_JP", "pt_BR", "fr_CA"])
def test_the_factories_light_faker_draws_what_a_full_faker_draws(locale: str) -> None:
    """The factories load four of Faker's providers, not all: the organisation must not change."""
    from factories._org import org_for

    full = Faker(locale)
    full.add_provider(CallbackProvider)
    assert repr(org_for(5, locale, full)) == repr(org_for(5, locale))


def test_the_kept_default_draws_are_what_faker_draws() -> None:
    """factories/_default_draws.py must follow Faker: regenerate it if this fails after an upgrade."""
    from factories._default_draws import DEFAULT_SEED, DRAWS
    from factories._org import DEFAULT_LOCALE, Draws, draws_from, shared_faker

    assert Draws(**DRAWS) == draws_from(shared_faker(DEFAULT_LOCALE), DEFAULT_SEED)


def test_the_default_organisation_builds_without_importing_faker() -> None:
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from factories import ConversationFactory\n"
        "ConversationFactory(0).build()\n"
        "assert 'faker' not in sys.modules, 'faker was imported'\n"
        "from factories import CallbackProvider\n"
        "assert 'faker' in sys.modules and CallbackProvider.__name__ == 'CallbackProvider'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
