"""``contracts.projector``: a contract object written as another model's wire form, field by name.

The oracle is the plain reading of the rule on the source's wire mapping: keep, at every depth, the
keys the target model has (by ``wire_fields``), nested mappings read as the nested target model, and
drop what ``left_out`` names. The generated function must give exactly that. (Values are the
source's: where the target's value set differs, the caller sets them, as ``events`` does.)
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from contract_strategies import models
from hypothesis import given, settings

import contracts
from contracts import (
    Callback,
    CallbackMediaParticipant,
    ConversationCallbackEventTopicCallbackMediaParticipant,
    ConversationEventTopicParticipant,
    Participant,
)


def projected(mapping: dict[str, Any], model: type, left_out: dict[str, set[str]]) -> dict[str, Any]:
    """The oracle: ``mapping`` cut down to ``model``'s keys (``left_out``: wire keys, by the source's
    class name, at every depth where that class is)."""
    kept = {}
    for key, nested in contracts.wire_fields(model):
        if key not in mapping or key in left_out.get(model.__name__, ()):
            continue
        value = mapping[key]
        if nested is not None:
            value = (
                [projected(item, nested, left_out) for item in value]
                if isinstance(value, list)
                else projected(value, nested, left_out)
            )
        kept[key] = value
    return kept


# The target's name for a source class's left-out wire keys (the oracle works on target models).
CASES = [
    (
        Participant,
        ConversationEventTopicParticipant,
        frozenset({(Callback, "direction")}),
        {"ConversationEventTopicCallback": {"direction"}},
    ),
    (
        CallbackMediaParticipant,
        ConversationCallbackEventTopicCallbackMediaParticipant,
        frozenset({(CallbackMediaParticipant, "start_alerting_time")}),
        {"ConversationCallbackEventTopicCallbackMediaParticipant": {"startAlertingTime"}},
    ),
    (Participant, ConversationEventTopicParticipant, frozenset(), {}),
]


@pytest.mark.parametrize(("source", "target", "left_out", "oracle_left_out"), CASES)
def test_a_projection_is_the_wire_form_cut_down_to_the_targets_fields(
    source: type, target: type, left_out: frozenset[tuple[type, str]], oracle_left_out: dict[str, set[str]]
) -> None:
    write = contracts.projector(source, target, left_out)

    @settings(max_examples=40, deadline=None)
    @given(models(source))
    def check(obj: Any) -> None:
        written = write(obj)
        assert written == projected(contracts.unstructure(obj), target, oracle_left_out)

    check()


def test_the_left_out_field_is_gone_at_its_depth_only() -> None:
    participant = Participant(
        id="p", purpose="agent", callbacks=(Callback(id="c", direction=contracts.Direction.OUTBOUND),)
    )
    assert contracts.projector(Participant, ConversationEventTopicParticipant)(participant)["callbacks"] == [
        {"id": "c", "direction": "outbound"}
    ]
    assert contracts.projector(
        Participant, ConversationEventTopicParticipant, frozenset({(Callback, "direction")})
    )(participant) == {"id": "p", "purpose": "agent", "callbacks": [{"id": "c"}]}


@attrs.frozen
class Inner:
    name: str | None = None


@attrs.frozen
class Outer:
    first: Inner | None = None
    second: Inner | None = None


@attrs.frozen
class OneTarget:
    name: str | None = None


@attrs.frozen
class OtherTarget:
    name: str | None = None


@attrs.frozen
class Mixed:
    first: OneTarget | None = None
    second: OtherTarget | None = None


def test_a_class_nested_at_two_places_with_two_targets_is_refused() -> None:
    with pytest.raises(TypeError, match="Inner is projected onto both OneTarget and OtherTarget"):
        contracts.projector(Outer, Mixed)
