"""The shape every factory shares: seeding, the clock, ``build``/``batch``/``stream``/``payload``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from random import Random
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import contracts
from factories._org import DEFAULT_LOCALE, Org, org_for
from factories._seeding import derive, fresh_seed, now_ms
from factories.errors import UnknownTraitError

if TYPE_CHECKING:
    from faker import Faker

T = TypeVar("T")


class Factory(Generic[T]):
    """A seeded factory of one contract model.

    Class-level configuration, as in polyfactory: ``__model__`` (the class built),
    ``__faker__`` (a Faker of your own to draw names from; by default one per locale with
    ``CallbackProvider``), ``__locale__`` and ``__default_trait__``. The same seed, the same calls
    and the same ``now`` give the same objects, in any process.
    """

    __model__: ClassVar[type[Any]]
    __faker__: ClassVar[Faker | None] = None
    __locale__: ClassVar[str] = DEFAULT_LOCALE
    __default_trait__: ClassVar[str | None] = None
    traits: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self, seed: int | None = None, *, now: datetime | None = None, locale: str | None = None
    ) -> None:
        self.seed = fresh_seed() if seed is None else seed
        self.now = now
        self.locale = locale or self.__locale__
        self.random = Random(derive(self.seed, type(self).__name__))
        self._org: Org | None = None
        self._fixed_now = None if now is None else now_ms(now)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(seed={self.seed})"

    @property
    def org(self) -> Org:
        """The pools this factory picks from, drawn from Faker on first use."""
        if self._org is None:
            self._org = org_for(self.seed, self.locale, self.__faker__)
        return self._org

    def clock(self) -> int:
        """Now, in milliseconds: the fixed ``now`` or the real time."""
        return self._fixed_now if self._fixed_now is not None else now_ms(None)

    def trait(self, trait: str | None) -> str | None:
        """``trait`` checked against the factory's traits, or the default one."""
        if trait is None:
            return self.__default_trait__
        if trait not in self.traits:
            raise UnknownTraitError(type(self).__name__, trait, self.traits)
        return trait

    def build(self, trait: str | None = None, **overrides: Any) -> T:
        """One object; ``overrides`` take snake_case field names."""
        raise NotImplementedError

    def batch(self, n: int, trait: str | None = None, **overrides: Any) -> list[T]:
        """``n`` objects built alike."""
        return [self.build(trait, **overrides) for _ in range(n)]

    def stream(self, trait: str | None = None, *, wire: bool = False, **overrides: Any) -> Iterator[Any]:
        """An endless generator of objects (wire dicts with ``wire=True``), in constant memory."""
        while True:
            built = self.build(trait, **overrides)
            yield contracts.unstructure(built) if wire else built

    def payload(self, trait: str | None = None, **overrides: Any) -> dict[str, Any]:
        """The wire dict of one object: camelCase keys, absent fields left out, JSON types only."""
        return contracts.unstructure(self.build(trait, **overrides))
