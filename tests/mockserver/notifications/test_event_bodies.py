"""The conversation topics' event bodies, projected from the REST conversation's wire form.

Each body must be exactly its event model's wire form (read strictly, nothing the model lacks, and
written back the same), carry the REST conversation's ids and times where the event has them, and
leave out what events never carry (segments, ``startAlertingTime``, the callback's ``direction``).
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

import contracts
from contracts import (
    Conversation,
    ConversationCallbackEventTopicCallbackConversation,
    ConversationEventTopicConversation,
)
from factories.strategies import conversations
from mockserver.notifications import events


def _strict_round_trip(body: dict[str, Any], model: type) -> None:
    assert contracts.unstructure(contracts.structure(body, model)) == body


@settings(max_examples=60, deadline=None)
@given(conversations())
def test_each_body_is_exactly_its_event_models_wire_form(conversation: Conversation) -> None:
    generic = events.conversation_event(conversation)
    flattened = events.callback_conversation_event(conversation)

    _strict_round_trip(generic, ConversationEventTopicConversation)
    _strict_round_trip(flattened, ConversationCallbackEventTopicCallbackConversation)
    rest = contracts.unstructure(conversation)
    assert [p["id"] for p in generic["participants"]] == [p["id"] for p in rest.get("participants", ())]
    for event, source in zip(generic["participants"], rest.get("participants", ()), strict=True):
        assert event.get("connectedTime") == source.get("connectedTime")
        assert event["wrapupExpected"] is (source.get("purpose") == "agent")
        for callback, rest_callback in zip(event["callbacks"], source.get("callbacks", ()), strict=True):
            assert callback["id"] == rest_callback["id"]
            assert callback.get("state") == rest_callback.get("state")
            assert not {"segments", "startAlertingTime", "direction"} & callback.keys()
    with_callbacks = [p for p in conversation.participants or () if p.callbacks]
    assert [p["id"] for p in flattened["participants"]] == [p.id for p in with_callbacks]
    for event, participant in zip(flattened["participants"], with_callbacks, strict=True):
        callback = participant.callbacks[0]  # type: ignore[index]
        assert event.get("state") == (None if callback.state is None else callback.state.value)
        assert "startAlertingTime" not in event
