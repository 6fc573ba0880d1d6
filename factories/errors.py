"""The errors the factories raise; all share ``FactoryError``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


class FactoryError(ValueError):
    """Base of every factory error."""


class UnknownTraitError(FactoryError):
    """A trait name the factory does not know."""

    def __init__(self, factory: str, trait: str, traits: Iterable[str]) -> None:
        self.factory = factory
        self.trait = trait
        self.traits = tuple(traits)
        super().__init__(f"{factory} has no trait {trait!r}; choose one of: {', '.join(self.traits)}")


class OverrideError(FactoryError):
    """Overrides that name no field, or that contradict the lifecycle of the trait."""

    def __init__(
        self, factory: str, trait: str | None, names: Iterable[str], problems: Sequence[str]
    ) -> None:
        self.factory = factory
        self.trait = trait
        self.names = tuple(names)
        self.problems = tuple(problems)
        where = f"{factory}(trait={trait!r})"
        super().__init__(
            f"{where}: overrides {', '.join(self.names)} give an inconsistent payload: " + "; ".join(problems)
        )
