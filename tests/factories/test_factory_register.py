"""``register()``: a second named set of object fixtures, as pytest-factoryboy's ``register``."""

from __future__ import annotations

import re
from typing import Any

import pytest

from factories.callbacks import CallbackFactory
from factories.conversations import ConversationBasicFactory
from factories.errors import FactoryError
from factories.plugin import register

REGISTERING = """
    from factories.callbacks import CallbackFactory
    from factories.conversations import ConversationBasicFactory
    from factories.plugin import register

    class VipCallbackFactory(CallbackFactory):
        pass

    register(CallbackFactory, "other_callback")
    register(VipCallbackFactory, "vip_callback")
    register(ConversationBasicFactory, "second_conversation")
"""

USING_THEM = """
    import pytest

    def test_another_callback_of_the_same_org(callback, other_callback, callback_factory, other_callback_factory):
        assert callback.id != other_callback.id
        assert other_callback_factory.org.queues == callback_factory.org.queues
        print("ids", callback.id, other_callback.id)

    @pytest.mark.parametrize("other_callback__state", ["connected", "disconnected"])
    def test_its_fields_are_fixtures(other_callback, other_callback__state, callback):
        assert other_callback.state.value == other_callback__state

    @pytest.mark.parametrize("other_callback_trait", ["held"])
    def test_its_trait_is_a_fixture(other_callback):
        assert other_callback.held

    def test_a_subclass(vip_callback, vip_callback_factory):
        assert type(vip_callback_factory).__name__ == "VipCallbackFactory"

    def test_a_conversation(second_conversation, conversation_basic):
        assert second_conversation.id != conversation_basic.id
"""


def test_registered_fixtures_work_as_the_built_in_ones(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(REGISTERING)
    pytester.makepyfile(USING_THEM)
    first = pytester.runpytest("-p", "no:cacheprovider", "--callback-seed=5", "-s")
    first.assert_outcomes(passed=6)
    again = pytester.runpytest("-p", "no:cacheprovider", "--callback-seed=5", "-s")
    ids = [re.findall(r"ids \S+ \S+", str(result.stdout)) for result in (first, again)]
    assert ids[0]
    assert ids[0] == ids[1]  # the same seed, the same second callback


def test_a_registered_field_that_is_no_field_fails_at_collection(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(REGISTERING)
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("other_callback__colour", ["red"])
        def test_it(other_callback):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:schemathesis")
    result.stdout.fnmatch_lines(
        ["*@pytest.mark.parametrize('other_callback__colour'): *$.colour: not a field of Callback*"]
    )


@pytest.mark.parametrize(
    ("factory", "name", "message"),
    [
        (object, "other", "the factory must be one of CallbackFactory, CallbackBasicFactory, *"),
        (CallbackFactory, "callback", "the name must be an identifier without '__' and none of *"),
        (CallbackFactory, "other__callback", "the name must be an identifier without '__'*"),
        (CallbackFactory, "other-callback", "the name must be an identifier*"),
        (CallbackFactory, "", "the name must be an identifier*"),
    ],
)
def test_a_bad_registration_says_what_it_takes(factory: Any, name: str, message: str) -> None:
    with pytest.raises(FactoryError) as raised:  # refused before anything is made
        register(factory, name)
    assert re.fullmatch(re.escape(message).replace(r"\*", ".*"), str(raised.value).split("): ", 1)[1])


def test_a_name_registered_for_another_factory_is_refused() -> None:
    register(CallbackFactory, "clashing_callback")
    register(CallbackFactory, "clashing_callback")  # the same again (a conftest imported twice) is fine
    with pytest.raises(FactoryError, match="already registered for CallbackFactory"):
        register(ConversationBasicFactory, "clashing_callback")
