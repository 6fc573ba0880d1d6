"""The strict decoder builds contract objects without ``__init__`` only where that changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import contracts
from contracts import Callback, CallbackBasic, CallbackConversation, ContractError, Conversation
from contracts._codegen import _slot_setters
from factories import ConversationFactory
from tests.support import NOW

DATA = Path(__file__).parent / "data"


def contract_objects(obj: Any) -> Iterator[Any]:
    """``obj`` and every attrs object within it."""
    if attrs.has(type(obj)):
        yield obj
        for field in attrs.fields(type(obj)):
            yield from contract_objects(getattr(obj, field.name))
    elif isinstance(obj, tuple):
        for element in obj:
            yield from contract_objects(element)


def wire_conversation() -> bytes:
    conversations = (ConversationFactory(seed, now=NOW).build() for seed in range(20))
    return contracts.dumps(max(conversations, key=lambda c: len(contracts.dumps(c)))).encode()


@pytest.mark.parametrize(
    ("wire", "model", "classes"),
    [
        ((DATA / "callback_full.json").read_bytes(), Callback, 8),  # every nested class populated
        ((DATA / "callback_full.json").read_bytes(), CallbackBasic, 8),
        (wire_conversation(), Conversation, 4),
        ((DATA / "callback_conversation_full.json").read_bytes(), CallbackConversation, 22),
    ],
    ids=["Callback", "CallbackBasic", "Conversation", "CallbackConversation"],
)
def test_decoded_objects_equal_those_built_by_init(wire: bytes, model: type[Any], classes: int) -> None:
    decoded = contracts.loads(wire, model)

    built = list(contract_objects(decoded))

    assert len({type(obj) for obj in built}) >= classes
    for obj in built:
        # Reading every field proves every slot is set; equality compares them all.
        by_init = type(obj)(**{f.name: getattr(obj, f.name) for f in attrs.fields(type(obj))})
        assert obj == by_init


CONTRACT_CLASSES = [
    getattr(contracts, name) for name in contracts.__all__ if attrs.has(getattr(contracts, name))
]


@pytest.mark.parametrize("cls", CONTRACT_CLASSES, ids=[cls.__name__ for cls in CONTRACT_CLASSES])
def test_every_contract_class_is_built_slot_by_slot(cls: type) -> None:
    """The speed of ``loads`` rests on this: a contract class that falls back to __init__ shows here."""
    assert _slot_setters(cls, attrs.fields(cls)) is not None


def _positive(_instance: Any, attribute: attrs.Attribute[Any], value: int) -> None:
    if value <= 0:
        raise ValueError(f"{attribute.name} must be positive")


@attrs.frozen(kw_only=True)
class Validated:
    count: int = attrs.field(default=1, validator=_positive)


@attrs.frozen(kw_only=True)
class Converted:
    # The attrs mypy plugin reads only named functions, types and lambdas as converters.
    name: str = attrs.field(default="", converter=str.strip)  # type: ignore[misc]


@attrs.frozen(kw_only=True)
class PostInit:
    name: str = ""
    initial: str = attrs.field(default="", init=True)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "initial", self.name[:1])


@attrs.frozen(kw_only=True, cache_hash=True)
class CachedHash:
    name: str = ""


@attrs.frozen(kw_only=True, slots=False)
class Unslotted:
    name: str = ""


@attrs.frozen(kw_only=True, init=False)
class OwnInit:
    name: str = ""

    def __init__(self, *, name: str = "") -> None:
        self.__attrs_init__(name=name.upper())


@attrs.frozen(kw_only=True)
class Plain:
    name: str = ""


@attrs.frozen(kw_only=True)
class InitOverridden(Plain):
    def __init__(self, *, name: str = "") -> None:
        super().__init__(name=name + "!")


@attrs.frozen(kw_only=True)
class OwnNew:
    name: str = ""

    def __new__(cls, **_kwargs: Any) -> OwnNew:
        return super().__new__(cls)


@pytest.mark.parametrize(
    ("model", "wire", "expected"),
    [
        (Converted, {"name": "  padded "}, Converted(name="padded")),
        (PostInit, {"name": "Ada"}, PostInit(name="Ada", initial="A")),
        (CachedHash, {"name": "x"}, CachedHash(name="x")),
        (Unslotted, {"name": "x"}, Unslotted(name="x")),
        (Validated, {"count": 3}, Validated(count=3)),
        (OwnInit, {"name": "ada"}, OwnInit(name="ada")),
        (InitOverridden, {"name": " ada "}, InitOverridden(name=" ada ")),
        (OwnNew, {"name": "x"}, OwnNew(name="x")),
    ],
    ids=[
        "converter",
        "post-init",
        "cache-hash",
        "unslotted",
        "validator-passes",
        "own-init",
        "init-overridden",
        "own-new",
    ],
)
def test_a_class_whose_init_does_more_is_built_by_its_init(
    model: type[Any], wire: Any, expected: Any
) -> None:
    decoded = contracts.structure(wire, model)

    assert decoded == expected
    assert hash(decoded) == hash(expected)
    assert _slot_setters(model, attrs.fields(model)) is None


def test_a_validator_still_refuses() -> None:
    with pytest.raises(ContractError) as caught:
        contracts.structure({"count": 0}, Validated)

    assert len(caught.value.errors) == 1
    assert "count must be positive" in caught.value.errors[0]
