"""The one error the contract raises, and the problems it carries."""

from __future__ import annotations

from enum import Enum

from attrs import frozen


class ProblemKind(str, Enum):
    """What sort of mismatch a problem is; the mock server maps it to an API error code."""

    TYPE = "type"
    DATE = "date"
    ENUM = "enum"
    NULL = "null"
    MISSING = "missing"
    UNKNOWN_FIELD = "unknown_field"
    SYNTAX = "syntax"


@frozen(kw_only=True)
class Problem:
    """One thing wrong with a payload: where (a JSON path), what was expected, what arrived."""

    path: str
    expected: str
    got: str
    kind: ProblemKind

    def __str__(self) -> str:
        return f"{self.path}: expected {self.expected}, got {self.got}"


class ContractError(ValueError):
    """A payload does not match the contract; ``errors`` lists every problem as a path message."""

    def __init__(self, model: type, problems: list[Problem]) -> None:
        self.model = model
        self.problems = tuple(problems)
        self.errors = [str(problem) for problem in problems]
        super().__init__(f"{model.__name__}: " + "; ".join(self.errors))
