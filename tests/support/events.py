"""A notification event read through the official Python SDK as its topic's model, nothing lost."""

from __future__ import annotations

import json
from typing import Any

import contracts

# A topic's body kind -> (the SDK's model for the user topic, the contract's model of the body).
MODELS: dict[str, tuple[str, type[Any]]] = {
    "conversations": ("ConversationEventTopicConversation", contracts.ConversationEventTopicConversation),
    "conversations.callbacks": (
        "ConversationCallbackEventTopicCallbackConversation",
        contracts.ConversationCallbackEventTopicCallbackConversation,
    ),
}


class _Response:
    """The little of an HTTP response the SDK's ``deserialize`` reads."""

    def __init__(self, data: str) -> None:
        self.data = data

    def getheader(self, name: str, default: str | None = None) -> str | None:
        return "application/json" if name.lower() == "content-type" else default


def _kind(topic: str) -> str:
    return "conversations.callbacks" if topic.endswith(".callbacks") else "conversations"


def sdk_model_name(topic: str) -> str:
    """The SDK's class for ``topic``'s body: the queue topics' are the user topics' with ``Queue``."""
    name = MODELS[_kind(topic)][0]
    return f"Queue{name}" if topic.startswith("v2.routing.queues.") else name


def assert_reads_through_sdk(client: Any, message: dict[str, Any]) -> None:
    """``message``'s body reads as its topic's SDK model, no ``outdated_sdk_version``, nothing lost."""
    assert message["version"] == "2"
    name = sdk_model_name(message["topicName"])
    obj = client.deserialize(_Response(json.dumps(message["eventBody"])), name)
    assert type(obj).__name__ == name
    assert "outdated_sdk_version" not in str(obj), f"{message['topicName']}: {obj}"
    # Nothing lost: what the SDK read is what was sent, field for field.
    model = MODELS[_kind(message["topicName"])][1]
    assert contracts.structure(client.sanitize_for_serialization(obj), model) == contracts.structure(
        message["eventBody"], model
    )
