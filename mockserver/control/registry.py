"""What faults and stubs share: registered items tried in order, then the used-up ones, as one part.

Each item matches requests by method and path pattern (compiled once, when it is added: every
request tries every item), then by its matchers (``matchers``) if it has any and applies to the next ``times`` of them (None: until removed). An
item used up stays listed, with its counts, until removed or cleared. The registry is a
``Tracked`` part of the server: every change, the counts of ``use`` included, is made inside its
share's ``changing()``, so ``times`` are counted once however many processes serve, and it names
the items it changed, so a store elsewhere saves those alone (a hit on a stub of 500 KB saves its
counts, not its body). Nothing here imports Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

from mockserver.control.matchers import Inbound, RequestMatch, matches
from mockserver.control.patterns import compile_path
from mockserver.store.base import ABSENT, PartShare, Path
from mockserver.store.memory import LocalPartShare


class Registered:
    """An item's id, method, compiled path pattern, matchers, and how many more requests it applies to."""

    def __init__(
        self, item_id: str, method: str, path: str, times: int | None, match: RequestMatch | None = None
    ) -> None:
        self.id = item_id
        self.method = method.upper()
        self.path = compile_path(path)
        self.left = times
        self.match = match

    def matches(self, method: str, path: str, request: Inbound | None) -> bool:
        """Whether the request matches; with matchers, ``request`` is what they read (None: no match)."""
        if not ((self.method == "*" or self.method == method) and self.path.match(path) is not None):
            return False
        return self.match is None or (request is not None and matches(self.match, request))

    def dump(self) -> Any:
        """The item as JSON-able data, which the registry's ``load`` makes an item again."""
        raise NotImplementedError


_R = TypeVar("_R", bound=Registered)


class Registry(Generic[_R]):
    """Items (``Registered``) in the order they are tried, and the used-up ones."""

    def __init__(self, share: PartShare | None, *, load: Callable[[Any], _R]) -> None:
        self._share = LocalPartShare() if share is None else share
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
        self._changed(added, "ids", "live")
        return added

    def remove(self, item_id: str) -> bool:
        with self._share.changing():
            before = len(self._live) + len(self._done)
            self._live = [item for item in self._live if item.id != item_id]
            self._done = [item for item in self._done if item.id != item_id]
            self.active = bool(self._live)
            if len(self._live) + len(self._done) == before:
                return False
            for name in ("live", "done"):
                self._share.changed(name)
            self._share.changed("items", item_id)
            return True

    def clear(self) -> None:
        with self._share.changing():
            self._live, self._done = [], []
            self.active = False
            self._share.changed()

    def _listed(self) -> list[_R]:
        """Every item: the ones tried, then the used-up ones."""
        live, done = self._live, self._done
        return [*live, *done]

    def _matching(self, method: str, path: str, request: Inbound | None = None) -> Iterator[_R]:
        """The live items that match, in order; each named changed, as its caller may change it.

        (A fault that draws from its random stream changes it even when it does not apply; the
        share ignores a change named outside ``changing()``, where a caller only looks.)
        """
        for item in self._live:
            if item.matches(method, path, request):
                self._changed(item)
                yield item

    def _use(self, item: _R) -> None:
        """Count one request against ``item``'s times: used up, it moves to the done ones."""
        self._changed(item)
        if item.left is None:
            return
        item.left -= 1
        if item.left == 0:
            self._live = [other for other in self._live if other is not item]
            self._done.append(item)
            self.active = bool(self._live)
            self._changed(item, "live", "done")

    def _changed(self, item: _R, *lists: str) -> None:
        """Name ``item`` (and the lists ``lists``) changed to the share: what a store of pieces saves."""
        self._share.changed("items", item.id)
        for name in lists:
            self._share.changed(name)

    # As a part: ``{"ids": n, "live": [id], "done": [id], "items": {id: item}}``, each item a piece

    def dump(self) -> Any:
        return {
            "ids": self._ids,
            "live": [item.id for item in self._live],
            "done": [item.id for item in self._done],
            "items": {item.id: item.dump() for item in self._listed()},
        }

    def dump_at(self, path: Path) -> Any:
        if len(path) == 2:
            item = next((item for item in self._listed() if item.id == path[1]), None)
            return ABSENT if item is None else item.dump()
        if path in (("live",), ("done",)):
            return [item.id for item in (self._live if path == ("live",) else self._done)]
        if path == ("ids",):
            return self._ids
        return self.dump()[path[0]] if path else self.dump()

    def load(self, data: Any) -> None:
        self._ids = data["ids"]
        self._place({key: self._load(item) for key, item in data["items"].items()}, data)

    def load_changed(self, data: Any, paths: Iterable[tuple[Any, ...]]) -> None:
        changed: set[str] = set()
        for path in paths:
            if path == ("items",):  # emptied, or filled from empty: every item there is new
                self.load(data)
                return
            if path[0] == "items":
                changed.add(path[1])
        self._ids = data["ids"]
        held = data["items"]
        items = {item.id: item for item in self._listed()}
        for key in changed:
            items.pop(key, None)
            if key in held:
                items[key] = self._load(held[key])
        self._place(items, data)

    def _place(self, items: dict[str, _R], data: Any) -> None:
        """The items in the order ``data`` lists them: the live ones tried in order, then the used-up ones."""
        self._live = [items[key] for key in data["live"]]
        self._done = [items[key] for key in data["done"]]
        self.active = bool(self._live)
