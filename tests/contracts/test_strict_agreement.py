"""The strict fast path and the detailed converter agree on every payload, good or broken.

``structure`` tries the fast converter's generated functions first and asks the detailed converter
only when they refuse, so the two must accept the same payloads and build the same objects (equal
reprs, which tell 30 from 30.0 and an enum member from its string). Two sources of payloads:

- every payload one change from each canonical payload of ``contract_cases``, exhaustively;
- Hypothesis: the wire form of a generated instance of every exported model, then one to three
  changes at random places.

A change swaps a value for a near one (30.0 for 30, 1 for true, a str subclass for a string, a
tuple for an array, a timestamp in another form or an impossible one) or an odd one (null, wrong
containers, other enums' values), adds an unknown key or drops a key."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from copy import deepcopy
from typing import Any

import attrs
import pytest
from contract_cases import CANONICAL
from contract_strategies import models
from hypothesis import event, given, settings
from hypothesis import strategies as st

import contracts
from contracts._converter import converter

# Every wire model the contract exports (Problem is the error report, not a payload).
WIRE_MODELS = sorted(
    (
        obj
        for obj in vars(contracts).values()
        if isinstance(obj, type) and attrs.has(obj) and obj is not contracts.Problem
    ),
    key=lambda cls: cls.__name__,
)

ODD: list[Any] = [
    None,
    True,
    False,
    0,
    -7,
    2**63,  # one past the 64 bits an integer field takes
    -(2**63),
    2**70,  # past what the JSON encoder writes
    1e19,  # a whole float past 64 bits
    30.0,
    -0.0,
    30.5,
    1e300,
    "",
    "x",
    "alerting",
    "ALERTING",
    "UseQueueSetting",
    "pending",
    "2022-07-04T10:56:34.973Z",
    "2022-07-04t10:56:34.973z",
    "2022-07-04T10:56Z",
    "2022-07-04T12:56:34.973+02:00",
    "2022-02-30T10:00:00.000Z",
    "2022-07-04T24:00:00.000Z",
    "0000-01-01T00:00:00.000Z",
    contracts.CallbackState.ALERTING,  # a str subclass: refused where a plain string is wanted
    "2022-07-04T12:56:34.973+02:00",
    [],
    ["x"],
    [1],
    [None],
    [{}],
    {},
    {"x": 1},
    {"id": "x"},
]
ODD_VALUES = st.sampled_from(ODD)


class Text(str):
    """A string that is not exactly ``str``, as a str-enum member is not."""


def near(value: Any) -> list[Any]:
    """Values close to a valid ``value``: its near types, and for a string its near spellings."""
    if type(value) is bool:
        return [int(value), str(value).lower()]
    if type(value) is int:
        return [float(value), value + 0.5, value % 2 == 1, str(value)]
    if type(value) is float:
        return [int(value), str(value), value > 0]
    if type(value) is list:
        return [tuple(value), [*value, None], [*value, 1], [*value, {}], [*value, *value]]
    if type(value) is dict:
        return [OrderedDict(value), list(value), {**value, "x": 1}]
    if type(value) is str:
        spellings = [Text(value), value.upper(), value.lower(), value[1:], value + "x"]
        if len(value) == 24 and value[10] == "T":  # a timestamp: other forms, impossible moments
            date, time = value[:10], value[11:23]
            spellings += [
                f"{date}T{time}",  # no zone: UTC
                f"{date}T{time}+02:00",
                f"{date}T{time[:5]}Z",
                f"{date}t{time}z",
                f"{date} {time}Z",
                f"{date[:8]}31T{time}Z",
                f"{date}T24{time[2:]}Z",
                f"{date}T{time}000000Z",
            ]
        return spellings
    return []


KEYS = st.sampled_from(["x", "id", "state", "selfUri", "startTime", "start_time", "callbackNumbers"])


def places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of ``value`` and of everything inside it."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += places(item, (*path, index))
    return found


def at(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


def replaced(payload: Any, path: tuple[Any, ...], new: Any) -> Any:
    """A copy of ``payload`` with the value at ``path`` replaced by (a copy of) ``new``."""
    if not path:
        return deepcopy(new)
    changed = deepcopy(payload)
    at(changed, path[:-1])[path[-1]] = deepcopy(new)
    return changed


def neighbours(payload: Any) -> Iterator[Any]:
    """Every payload one change from ``payload``: each value replaced by each near or odd value,
    each key dropped, an unknown key added to each object."""
    for path in places(payload):
        target = at(payload, path)
        for new in [*near(target), *ODD]:
            yield replaced(payload, path, new)
        if isinstance(target, dict):
            for key in target:
                yield replaced(payload, path, {k: v for k, v in target.items() if k != key})
            yield replaced(payload, path, {**target, "x": 1})


@st.composite
def broken(draw: st.DrawFn, payload: Any) -> Any:
    """``payload`` with one to three things changed, most often a value for a near one."""
    for _ in range(draw(st.integers(1, 3))):
        everywhere = places(payload)
        path = draw(st.sampled_from(everywhere))
        target = at(payload, path)
        change = draw(st.sampled_from(["near", "near", "near", "odd", "swap", "add key", "drop key"]))
        if change == "add key" and isinstance(target, dict):
            target[draw(KEYS)] = deepcopy(draw(ODD_VALUES))
        elif change == "drop key" and isinstance(target, dict) and target:
            del target[draw(st.sampled_from(sorted(target)))]
        elif change in ("near", "odd", "swap"):
            if change == "near" and near(target):
                new = draw(st.sampled_from(near(target)))
            elif change == "swap":
                new = at(payload, draw(st.sampled_from(everywhere)))
            else:
                new = draw(ODD_VALUES)
            payload = replaced(payload, path, new)
    return payload


def outcome(model: type[Any], payload: Any, *, detailed: bool) -> tuple[bool, str]:
    """Accepted or refused, and the object's repr: it tells 30 from 30.0 and a member from a string."""
    try:
        obj = converter(strict=True, detailed=detailed).structure(payload, model)
    except Exception:  # noqa: BLE001 - any refusal counts as one
        return False, ""
    return True, repr(obj)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_the_fast_path_accepts_and_builds_what_the_detailed_converter_does(data: st.DataObject) -> None:
    model = data.draw(st.sampled_from(WIRE_MODELS))
    wire = contracts.unstructure(data.draw(models(model)))
    payload = data.draw(broken(deepcopy(wire)))

    assert outcome(model, wire, detailed=False) == outcome(model, wire, detailed=True)
    assert outcome(model, wire, detailed=False)[0]
    fast = outcome(model, payload, detailed=False)
    event("broken payload " + ("accepted" if fast[0] else "refused"))
    assert fast == outcome(model, payload, detailed=True)


@pytest.mark.parametrize(
    ("model", "payload"), [case.values for case in CANONICAL], ids=[c.id for c in CANONICAL]
)
def test_the_fast_path_agrees_on_every_payload_one_change_from_a_canonical_one(
    model: type, payload: dict[str, Any]
) -> None:
    for changed in neighbours(payload):
        assert outcome(model, changed, detailed=False) == outcome(model, changed, detailed=True), changed
