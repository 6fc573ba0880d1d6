"""Properties over many seeds: every output is strictly valid, lifecycle-consistent and read by the SDK."""

from __future__ import annotations

import re
from datetime import datetime
from types import ModuleType
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

import contracts
from factories import (
    CallbackBasicFactory,
    CallbackFactory,
    ConversationFactory,
    check_callback,
    check_conversation,
)

SEEDS = st.integers(min_value=0, max_value=2**64 - 1)
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT")
PROPERTY = settings(max_examples=40, deadline=None)


class Response:
    """What ``ApiClient.deserialize`` reads: a body in ``data``."""

    def __init__(self, data: str) -> None:
        self.data = data

    def getheader(self, name: str, default: str | None = None) -> str | None:
        return "application/json" if name.lower() == "content-type" else default


def leaves(value: Any, path: str = "$") -> dict[str, Any]:
    """Every leaf of a JSON value by its path; timestamps as instants, so formats compare equal."""
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in leaves(item, f"{path}.{key}").items()}
    if isinstance(value, list):
        found = {k: v for i, item in enumerate(value) for k, v in leaves(item, f"{path}[{i}]").items()}
        return found or {path: []}
    if isinstance(value, str) and TIMESTAMP.match(value):
        return {path: datetime.fromisoformat(value.replace("Z", "+00:00"))}
    return {path: value}


def assert_the_sdk_loses_nothing(sdk: ModuleType, model: type, obj: Any) -> None:
    text = contracts.dumps(obj)
    client = sdk.ApiClient()
    read = client.deserialize(Response(text), model.__name__)
    assert leaves(client.sanitize_for_serialization(read)) == leaves(orjson.loads(text))


def assert_strictly_valid(model: type, obj: Any) -> None:
    text = contracts.dumps(obj)
    assert contracts.loads(text, model) == obj
    assert contracts.dumps(contracts.loads(text, model)) == text


@PROPERTY
@given(seed=SEEDS, trait=st.sampled_from(CallbackFactory.traits), basic=st.booleans())
def test_every_callback_trait_is_valid_consistent_and_read_whole_by_the_sdk(
    sdk: ModuleType, seed: int, trait: str, basic: bool
) -> None:
    factory = (CallbackBasicFactory if basic else CallbackFactory)(seed)
    callback = factory.build(trait)
    assert_strictly_valid(factory.__model__, callback)
    assert check_callback(callback) == []
    assert check_callback(contracts.unstructure(callback)) == []
    assert_the_sdk_loses_nothing(sdk, factory.__model__, callback)


@PROPERTY
@given(seed=SEEDS, trait=st.sampled_from(ConversationFactory.traits), basic=st.booleans())
def test_every_conversation_is_valid_consistent_and_read_whole_by_the_sdk(
    sdk: ModuleType, seed: int, trait: str, basic: bool
) -> None:
    conversation = ConversationFactory(seed, basic=basic).build(trait)
    model = contracts.ConversationBasic if basic else contracts.Conversation
    assert_strictly_valid(model, conversation)
    assert check_conversation(conversation) == []
    assert_the_sdk_loses_nothing(sdk, model, conversation)


@settings(max_examples=15, deadline=None)
@given(seed=SEEDS, locale=st.sampled_from(["en_US", "de_DE", "ja_JP", "fr_FR", "pt_BR", "en_GB"]))
def test_every_locale_gives_consistent_payloads(seed: int, locale: str) -> None:
    factory = ConversationFactory(seed, locale=locale)
    for trait in ("scheduled", "disconnected"):
        assert check_conversation(factory.build(trait)) == []
