"""The pytest plugin, tested as plugins are: a fresh test file run by pytester."""

from __future__ import annotations

import pytest

USES_THE_FIXTURES = """
import contracts
from factories import check_callback, check_conversation

def test_callbacks(callback_factory, callback_basic_factory):
    assert check_callback(callback_factory.build("held")) == []
    assert type(callback_basic_factory.build()) is contracts.CallbackBasic

def test_conversations(conversation_factory, conversation_basic_factory):
    assert check_conversation(conversation_factory.build("disconnected")) == []
    assert type(conversation_basic_factory.build()) is contracts.ConversationBasic

def test_faker_gets_the_provider(callback_faker):
    assert callback_faker.e164_number().startswith("+1")
"""

PRINTS_PAYLOADS = """
import contracts

def test_one(callback_factory, conversation_factory):
    print("PAYLOAD", contracts.dumps(callback_factory.build()))
    print("PAYLOAD", contracts.dumps(conversation_factory.build("connected")))

def test_two(callback_seed):
    print("PAYLOAD", callback_seed)
"""


def payloads(result: pytest.RunResult) -> list[str]:
    return [line.partition("PAYLOAD ")[2].rstrip(".") for line in result.outlines if "PAYLOAD " in line]


def test_a_fresh_test_file_using_the_fixtures_passes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(USES_THE_FIXTURES)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        ["callback-contracts: seed * (replay with --callback-seed=* --callback-now=*)"]
    )


def test_two_runs_with_one_seed_produce_the_same_payloads(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(PRINTS_PAYLOADS)
    flags = ["-s", "-p", "no:cacheprovider", "--callback-seed=1234", "--callback-now=2030-01-15T12:00:00Z"]
    first = payloads(pytester.runpytest(*flags))
    second = payloads(pytester.runpytest(*flags))
    alone = payloads(pytester.runpytest(*flags, "-k", "not test_one"))
    other = payloads(pytester.runpytest(*flags[:-2], "--callback-seed=4321", flags[-1]))
    assert len(first) == 3
    assert first == second
    assert alone == first[2:]  # a test's payloads do not depend on which tests ran before it
    assert other != first


def test_seed_zero_is_a_seed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(PRINTS_PAYLOADS)
    result = pytester.runpytest("-p", "no:cacheprovider", "--callback-seed=0")
    result.stdout.fnmatch_lines(["callback-contracts: seed 0 (replay with --callback-seed=0 *"])


def test_the_ini_setting_fixes_the_session_seed(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ncallback_seed = 77\ncallback_now = 2030-01-15T12:00:00Z\n")
    pytester.makepyfile(PRINTS_PAYLOADS)
    result = pytester.runpytest("-s", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["callback-contracts: seed 77 *"])
    assert payloads(result) == payloads(
        pytester.runpytest(
            "-s", "-p", "no:cacheprovider", "--callback-seed=77", "--callback-now=2030-01-15T12:00:00Z"
        )
    )


def test_a_failing_test_shows_its_seed_and_how_to_replay_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_fails(callback_factory):\n    assert callback_factory.build() is None\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "--callback-seed=555")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*callback-contracts*",
            "session seed 555, test seed *; replay with: pytest --callback-seed=555 --callback-now=* '*test_fails'",
        ]
    )


def test_a_marker_pins_one_test_and_faker_seed_is_mixed_in(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.callback_seed(42)
        def test_pinned(callback_seed):
            assert callback_seed == 42

        class TestWithFakerSeed:
            @pytest.fixture
            def faker_seed(self):
                return 3

            def test_mixed(self, callback_seed, request):
                from factories._seeding import derive
                session = request.getfixturevalue("callback_session_seed")
                assert callback_seed == derive(session, request.node.nodeid, "3")
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


OBJECT_FIXTURES = """
import pytest

import contracts
from factories import CallbackFactory, ConversationFactory, check_callback, check_conversation

def test_each_object_is_its_factorys_first_build(
    callback, callback_basic, conversation, conversation_basic, callback_seed, callback_now
):
    assert callback == CallbackFactory(callback_seed, now=callback_now).build()
    assert type(callback_basic) is contracts.CallbackBasic
    assert conversation == ConversationFactory(callback_seed, now=callback_now).build()
    assert type(conversation_basic) is contracts.ConversationBasic
    assert check_callback(callback) == [] and check_conversation(conversation) == []

@pytest.mark.parametrize("callback__state", ["scheduled", "connected"])
def test_a_field(callback, callback__state):
    assert callback.state == callback__state  # the state picks the trait, as in build(state=...)
    assert check_callback(callback) == []

@pytest.mark.parametrize("callback_trait", ["held", "voicemail"])
@pytest.mark.parametrize("callback__callback_numbers", [["+13175550100"]])
def test_a_trait_and_a_field(callback, callback_trait):
    assert callback.callback_numbers == ("+13175550100",)
    assert (callback.held, callback.voicemail is not None) == (callback_trait == "held", callback_trait == "voicemail")

@pytest.mark.parametrize(("conversation_trait", "conversation__queue_id"), [("connected", "q-1")])
def test_a_conversation_override_reaches_every_leg(conversation):
    assert {p.queue_id for p in conversation.participants if p.queue_id} == {"q-1"}
    assert check_conversation(conversation) == []

def test_unset_fields_are_drawn(callback__state, callback_basic__wrapup):
    assert repr(callback__state) == repr(callback_basic__wrapup) == "DRAWN"
"""


def test_object_fixtures_with_parametrized_fields_and_traits(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(OBJECT_FIXTURES)
    result = pytester.runpytest("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=7)
    result.stdout.fnmatch_lines(
        [
            "*test_a_field?scheduled? PASSED*",
            "*test_a_trait_and_a_field?callback__callback_numbers0-held? PASSED*",
        ]
    )


def test_a_conftest_sets_a_field_for_every_test_below_it(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture
        def callback__script_id():
            return "my-script"

        @pytest.fixture
        def conversation_trait():
            return "voicemail"
        """
    )
    pytester.makepyfile(
        """
        def test_field(callback):
            assert callback.script_id == "my-script"

        def test_trait(conversation):
            assert any(cb.voicemail for p in conversation.participants for cb in p.callbacks or ())
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


@pytest.mark.parametrize(
    ("argname", "message"),
    [
        ("callback__colour", "*$.colour: not a field of Callback (state, initial_state, id, *"),
        ("callback_basic__wrapup__notes", "*$.wrapup__notes: not a field of CallbackBasic (*"),
        ("conversation__colour", "*colour: not a conversation override (id, callback_numbers, *"),
    ],
)
def test_parametrizing_no_field_is_the_factorys_error(
    pytester: pytest.Pytester, argname: str, message: str
) -> None:
    name = argname.partition("__")[0]
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.parametrize("{argname}", ["red"])
        def test_it({name}):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:schemathesis")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*In test_it: @pytest.mark.parametrize('{argname}'): {message}"])
    result.stdout.no_fnmatch_line("*uses no argument*")


def test_a_bad_value_or_a_fixture_of_no_field_is_the_factorys_error_at_setup(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture
        def callback__colour():
            return "red"

        @pytest.mark.parametrize("callback__state", ["parked"])
        def test_bad_value(callback):
            pass

        def test_no_field(callback, callback__colour):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            "*OverrideError: CallbackFactory*$.state: expected one of *, got *'parked'*",
            "*OverrideError: CallbackFactory*$.colour: not a field of Callback*",
        ]
    )
