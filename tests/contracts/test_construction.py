"""The strict decoder builds contract objects without ``__init__`` only where that changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import contracts
from contracts import Callback, CallbackBasic, ContractError, Conversation
from factories import ConversationFactory
from tests.conftest import NOW

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
    ],
    ids=["Callback", "CallbackBasic", "Conversation"],
)
def test_decoded_objects_equal_those_built_by_init(wire: bytes, model: type, classes: int) -> None:
    decoded = contracts.loads(wire, model)

    built = list(contract_objects(decoded))

    assert len({type(obj) for obj in built}) >= classes
    for obj in built:
        # Reading every field proves every slot is set; equality compares them all.
        by_init = type(obj)(**{f.name: getattr(obj, f.name) for f in attrs.fields(type(obj))})
        assert obj == by_init
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            obj.id = "changed"


def _positive(_instance: Any, attribute: attrs.Attribute[Any], value: int) -> None:
    if value <= 0:
        raise ValueError(f"{attribute.name} must be positive")


@attrs.frozen(kw_only=True)
class Validated:
    count: int = attrs.field(default=1, validator=_positive)


@attrs.frozen(kw_only=True)
class Converted:
    name: str = attrs.field(default="", converter=str.strip)


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


@pytest.mark.parametrize(
    ("model", "wire", "expected"),
    [
        (Converted, {"name": "  padded "}, Converted(name="padded")),
        (PostInit, {"name": "Ada"}, PostInit(name="Ada", initial="A")),
        (CachedHash, {"name": "x"}, CachedHash(name="x")),
        (Unslotted, {"name": "x"}, Unslotted(name="x")),
        (Validated, {"count": 3}, Validated(count=3)),
    ],
    ids=["converter", "post-init", "cache-hash", "unslotted", "validator-passes"],
)
def test_a_class_whose_init_does_more_is_built_by_its_init(model: type, wire: Any, expected: Any) -> None:
    decoded = contracts.structure(wire, model)

    assert decoded == expected
    assert hash(decoded) == hash(expected)


def test_a_validator_still_refuses() -> None:
    with pytest.raises(ContractError) as caught:
        contracts.structure({"count": 0}, Validated)

    assert len(caught.value.errors) == 1
    assert "count must be positive" in caught.value.errors[0]
