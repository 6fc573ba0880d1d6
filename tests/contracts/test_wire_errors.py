"""Strict mode rejects every deviation with its JSON path; tolerant mode reads a newer API."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from contract_cases import BAD, FULL, MESSAGES, RAW_ENUMS, STILL_BAD, TOLERATED

import contracts
from contracts import Callback, ContractError, ProblemKind


def paths(error: ContractError) -> list[str]:
    return [problem.path for problem in error.problems]


def test_the_bad_table_is_long_enough() -> None:
    assert len(BAD) >= 30


@pytest.mark.parametrize(("model", "payload", "expected"), BAD)
def test_strict_mode_reports_every_problem_by_path(model: type, payload: Any, expected: list[str]) -> None:
    with pytest.raises(ContractError) as caught:
        contracts.structure(payload, model)

    assert paths(caught.value) == expected
    assert [message.partition(":")[0] for message in caught.value.errors] == expected


@pytest.mark.parametrize(("model", "payload", "expected"), BAD)
def test_loads_reports_the_same_problems(model: type, payload: Any, expected: list[str]) -> None:
    with pytest.raises(ContractError) as caught:
        contracts.loads(orjson.dumps(payload), model)

    assert paths(caught.value) == expected


@pytest.mark.parametrize(("model", "payload", "messages"), MESSAGES)
def test_messages_name_the_path_the_expectation_and_what_arrived(
    model: type, payload: Any, messages: list[str]
) -> None:
    with pytest.raises(ContractError) as caught:
        contracts.structure(payload, model)

    assert caught.value.errors == messages
    assert str(caught.value) == f"{model.__name__}: " + "; ".join(messages)


def test_a_contract_error_is_a_value_error_with_typed_problems() -> None:
    payload = {"held": None, "state": "parked", "connectedTime": "soon", "extra": 1, "segments": "x"}

    with pytest.raises(ValueError, match=r"^Callback: \$\.state: ") as caught:
        contracts.structure(payload, Callback)

    assert isinstance(caught.value, ContractError)
    assert caught.value.model is Callback
    assert [(problem.path, problem.kind) for problem in caught.value.problems] == [
        ("$.state", ProblemKind.ENUM),
        ("$.segments", ProblemKind.TYPE),
        ("$.held", ProblemKind.NULL),
        ("$.connectedTime", ProblemKind.DATE),
        ("$.extra", ProblemKind.UNKNOWN_FIELD),
    ]


def test_what_arrived_is_shortened() -> None:
    with pytest.raises(ContractError) as caught:
        contracts.structure({"held": "x" * 200}, Callback)

    assert caught.value.errors == [f"$.held: expected a boolean, got '{'x' * 76}..."]


@pytest.mark.parametrize(
    "text", ["{", "", '{"held": tru}', b"\xff"], ids=["open", "empty", "literal", "bytes"]
)
def test_text_that_is_not_json_is_one_syntax_problem(text: str | bytes) -> None:
    with pytest.raises(ContractError) as caught:
        contracts.loads(text, Callback)

    (problem,) = caught.value.problems
    assert (problem.path, problem.kind, problem.expected) == ("$", ProblemKind.SYNTAX, "JSON text")


def test_a_date_beyond_the_utc_calendar_is_a_date_problem() -> None:
    # Valid as written, but a year 10000 in UTC; the JSON Schema cannot see this one.
    with pytest.raises(ContractError) as caught:
        contracts.structure({"connectedTime": "9999-12-31T23:00:00-05:00"}, Callback)

    assert [(problem.path, problem.kind) for problem in caught.value.problems] == [
        ("$.connectedTime", ProblemKind.DATE)
    ]


@pytest.mark.parametrize(("model", "payload", "known"), TOLERATED)
def test_tolerant_mode_reads_past_unknown_keys_and_nulls(model: type, payload: Any, known: Any) -> None:
    with pytest.raises(ContractError):
        contracts.structure(payload, model)

    assert contracts.structure(payload, model, strict=False) == contracts.structure(known, model)


@pytest.mark.parametrize(("payload", "where", "raw"), RAW_ENUMS)
def test_tolerant_mode_keeps_an_unknown_enum_value_as_its_raw_string(
    payload: dict[str, Any], where: tuple[str, ...], raw: str
) -> None:
    callback = contracts.structure(payload, Callback, strict=False)

    value: Any = callback
    for name in where:
        value = getattr(value, name)
    assert type(value) is str
    assert value == raw
    assert contracts.unstructure(callback) == payload


@pytest.mark.parametrize(("model", "payload", "expected"), STILL_BAD)
def test_tolerant_mode_still_rejects_wrong_types(model: type, payload: Any, expected: list[str]) -> None:
    with pytest.raises(ContractError) as caught:
        contracts.structure(payload, model, strict=False)

    assert paths(caught.value) == expected


def test_tolerant_mode_reads_known_values_as_strict_mode_does() -> None:
    assert contracts.structure(FULL, Callback, strict=False) == contracts.structure(FULL, Callback)
