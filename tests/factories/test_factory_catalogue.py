"""coverage() and edge_cases(): what each case claims about itself holds."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, get_args

import attrs
import pytest

import contracts
from factories import check_callback
from factories.catalogue import Case, coverage, edge_cases


def enums_of(cls: type, seen: set[type] | None = None) -> set[type[Enum]]:
    """Every enum reachable from the fields of ``cls``: derived, never listed by hand."""
    seen = set() if seen is None else seen
    found: set[type[Enum]] = set()
    attrs.resolve_types(cls)
    for field in attrs.fields(cls):
        stack: list[Any] = [field.type]
        while stack:
            t = stack.pop()
            stack.extend(get_args(t))
            if isinstance(t, type) and issubclass(t, Enum):
                found.add(t)
            elif attrs.has(t) and t not in seen:
                seen.add(t)
                found |= enums_of(t, seen)
    return found


def strictly_valid(payload: dict[str, Any]) -> bool:
    try:
        contracts.structure(payload, contracts.Callback)
    except contracts.ContractError:
        return False
    return True


def test_coverage_shows_every_value_of_every_enum(now: datetime) -> None:
    text = " ".join(
        contracts.dumps(contracts.structure(case.payload, contracts.Callback)) for case in coverage(now=now)
    )
    enums = enums_of(contracts.Callback)
    assert len(enums) == 5
    missing = [
        f"{enum.__name__}.{member.value}"
        for enum in enums
        for member in enum
        if f'"{member.value}"' not in text
    ]
    assert missing == []


def test_coverage_is_as_small_as_the_largest_enum_plus_minimal_and_maximal(now: datetime) -> None:
    cases = coverage(now=now)
    assert len(cases) == max(len(enum) for enum in enums_of(contracts.Callback)) + 2
    assert cases[-2].payload.keys() == {"id"}
    assert len(cases[-1].payload) == len(attrs.fields(contracts.Callback)) == 29


@pytest.mark.parametrize("case", coverage() + edge_cases(), ids=lambda case: case.label)
def test_every_case_is_what_it_says(case: Case) -> None:
    assert strictly_valid(case.payload) is case.strict
    tolerant = contracts.structure(case.payload, contracts.Callback, strict=False)
    assert (check_callback(tolerant) == []) is case.consistent


def test_edge_cases_cover_what_a_careful_tester_asks_for() -> None:
    labels = {case.label for case in edge_cases()}
    wanted = {
        "unknown extra field",
        "unknown future enum value",
        "empty segments",
        "open segment",
        "whole-second timestamps",
        "9-digit fractions",
        "non-ASCII names",
        "very long notes",
        "many segments",
    }
    assert wanted <= labels
    assert any(not case.strict for case in edge_cases())


def test_catalogues_are_reproducible(now: datetime) -> None:
    assert coverage(seed=3, now=now) == coverage(seed=3, now=now)
    assert edge_cases(seed=3, now=now) == edge_cases(seed=3, now=now)
