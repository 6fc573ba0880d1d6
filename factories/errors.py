"""The errors the factories raise; all share ``FactoryError``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import Enum


class FactoryError(ValueError):
    """Base of every factory error."""


class UnknownTraitError(FactoryError):
    """A trait name the factory does not know."""

    def __init__(self, factory: str, trait: str, traits: Iterable[str]) -> None:
        self.factory = factory
        self.trait = trait
        self.traits = tuple(traits)
        super().__init__(f"{factory} has no trait {trait!r}; choose one of: {', '.join(self.traits)}")


class OverrideKind(str, Enum):
    """Why overrides were refused: ``OverrideError.kind``."""

    INVALID = "invalid"  # a name that is no field, or a value of the wrong type for its field
    CONTRACT = "contract"  # values of the right types that the contract does not allow
    LIFECYCLE = "lifecycle"  # a payload that contradicts the lifecycle of the trait


_HEADINGS = {
    OverrideKind.INVALID: "invalid overrides",
    OverrideKind.CONTRACT: "overrides {names} break the contract",
    OverrideKind.LIFECYCLE: "overrides {names} give an inconsistent payload",
}


class OverrideError(FactoryError):
    """Overrides that name no field, have the wrong type, or break the contract or the trait's lifecycle.

    ``kind`` says which (an ``OverrideKind``); ``problems`` lists each, naming the field.
    """

    def __init__(
        self,
        factory: str,
        trait: str | None,
        names: Iterable[str],
        problems: Sequence[str],
        *,
        kind: OverrideKind,
    ) -> None:
        self.factory = factory
        self.trait = trait
        self.names = tuple(names)
        self.problems = tuple(problems)
        self.kind = kind
        heading = _HEADINGS[kind].format(names=", ".join(self.names))
        super().__init__(f"{factory}(trait={trait!r}): {heading}: " + "; ".join(self.problems))
