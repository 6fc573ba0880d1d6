"""What faults and stubs share: registered items tried in order, then the used-up ones, as one part.

Each item matches requests by method and path pattern (compiled once, when it is added: every
request tries every item) and applies to the next ``times`` of them (None: until removed). An
item used up stays listed, with its counts, until removed or cleared. The registry is a ``Part``
of the server: every change, the counts of ``use`` included, is made inside its share's
``changing()``, so ``times`` are counted once however many processes serve. Nothing here imports
Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from mockserver.control.patterns import compile_path
from mockserver.shared import LocalShare, Share


class Registered:
    """An item's id, method, compiled path pattern, and how many more requests it applies to."""

    def __init__(self, item_id: str, method: str, path: str, times: int | None) -> None:
        self.id = item_id
        self.method = method.upper()
        self.path = compile_path(path)
        self.left = times

    def matches(self, method: str, path: str) -> bool:
        return (self.method == "*" or self.method == method) and self.path.match(path) is not None

    def dump(self) -> Any:
        """The item as JSON-able data, which the registry's ``load`` makes an item again."""
        raise NotImplementedError


_R = TypeVar("_R", bound=Registered)


class Registry(Generic[_R]):
    """Items (``Registered``) in the order they are tried, and the used-up ones."""

    def __init__(self, share: Share | None, *, load: Callable[[Any], _R]) -> None:
        self._share = LocalShare() if share is None else share
        self._load = load  # an item from what its ``dump`` gave
        self._live: list[_R] = []
        self._done: list[_R] = []
        self._ids = 0
        self.active = False  # whether any item can still apply: every request reads it, so no property

    def _add(self, make: Callable[[int], _R], order: Callable[[_R], Any] | None = None) -> _R:
        """Register the item ``make`` builds from its number (inside the share), tried in ``order``."""
        self._ids += 1
        added = make(self._ids)
        self._live = sorted([*self._live, added], key=order) if order else [*self._live, added]
        self.active = True
        return added

    def remove(self, item_id: str) -> bool:
        with self._share.changing():
            before = len(self._live) + len(self._done)
            self._live = [item for item in self._live if item.id != item_id]
            self._done = [item for item in self._done if item.id != item_id]
            self.active = bool(self._live)
            return len(self._live) + len(self._done) < before

    def clear(self) -> None:
        with self._share.changing():
            self._live, self._done = [], []
            self.active = False

    def _listed(self) -> list[_R]:
        """Every item: the ones tried, then the used-up ones."""
        live, done = self._live, self._done
        return [*live, *done]

    def _matching(self, method: str, path: str) -> Iterator[_R]:
        return (item for item in self._live if item.matches(method, path))

    def _use(self, item: _R) -> None:
        """Count one request against ``item``'s times: used up, it moves to the done ones."""
        if item.left is None:
            return
        item.left -= 1
        if item.left == 0:
            self._live = [other for other in self._live if other is not item]
            self._done.append(item)
            self.active = bool(self._live)

    def dump(self) -> Any:
        return {
            "ids": self._ids,
            "live": [item.dump() for item in self._live],
            "done": [item.dump() for item in self._done],
        }

    def load(self, data: Any) -> None:
        self._ids = data["ids"]
        self._live = [self._load(item) for item in data["live"]]
        self._done = [self._load(item) for item in data["done"]]
        self.active = bool(self._live)
