"""A part's JSON as fields: each value a few levels down kept under its own path, so a change
writes the fields it changed, not the whole part.

A part's data (``SharedPart.dump``) is split down to ``DEPTH`` levels: a non-empty object or array above
that depth is not kept itself, only its members, each under its path (``["channels", 3, "topics"]``);
anything else (a scalar, an empty container, whatever lies at ``DEPTH``) is one field. ``changes``
compares the data last saved with the new data (the whole, or one piece of it: ``piece`` finds
where a piece's fields lie) and gives the fields to set and to delete; ``apply`` makes the same
changes to a copy held elsewhere. Arrays keep their order (by index); an
object's members come back in the order their fields are applied, so a part must not rely on the
order of an object's keys. An array shortened, or an item removed from it, rewrites the items after
it: the parts append to their arrays, and items that go are few.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from mockserver.store.base import ABSENT

DEPTH = 3  # the parts' arrays of items (channels, stubs, faults) and each item's own members
Path = tuple[Any, ...]  # str (an object's member) or int (an array's index) at each level
GONE: Any = ABSENT  # a field deleted, or nothing there


def normal(data: Any) -> Any:
    """``data`` as JSON gives it back (tuples as lists): a copy that shares nothing with the part."""
    return data if data is GONE else orjson.loads(orjson.dumps(data))


_SCALARS = (str, int, float, bool, type(None))


def copy(data: Any) -> Any:
    """``normal`` for a piece, in Python: its containers copied, its scalars shared (immutable).

    A piece holding a 500 KB text costs its few containers, not the text's bytes twice over.
    """
    kind = type(data)
    if kind is dict:
        return {key: copy(value) for key, value in data.items()}
    if kind is list or kind is tuple:
        return [copy(value) for value in data]
    if kind in _SCALARS or data is GONE:
        return data
    return normal(data)  # anything else as JSON gives it back


def _split(value: Any, depth: int) -> bool:
    return depth < DEPTH and isinstance(value, (dict, list)) and len(value) > 0


def _members(value: Any) -> Iterator[tuple[Any, Any]]:
    return iter(value.items()) if isinstance(value, dict) else enumerate(value)


def fields(value: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every field of ``value`` (at ``path``): its path and value."""
    if _split(value, len(path)):
        for key, member in _members(value):
            yield from fields(member, (*path, key))
    else:
        yield path, value


def changes(old: Any, new: Any, path: Path = ()) -> dict[Path, Any]:
    """The fields that make ``old``'s into ``new``'s (both at ``path``): each path and its new value, or ``GONE``."""
    found: dict[Path, Any] = {}
    _compare(old, new, path, found)
    return found


def at(data: Any, path: Path) -> Any:
    """What ``data`` holds at ``path`` (``GONE``: nothing)."""
    for key in path:
        held = key in data if isinstance(data, dict) else isinstance(data, list) and 0 <= key < len(data)
        if not held:
            return GONE
        data = data[key]
    return data


def piece(data: Any, path: Path, new: Any) -> bool:
    """Whether the object member at ``path`` (to become ``new``) is fields of its own in ``data``.

    Not if its parent is one field (an empty object, or at ``DEPTH``), or becomes one (``new`` is
    ``GONE`` and it is the parent's last member): then the parent is the piece to compare.
    """
    parent = at(data, path[:-1])
    return (
        _split(parent, len(path) - 1)
        and isinstance(parent, dict)
        and (new is not GONE or len(parent) > 1 or path[-1] not in parent)
    )


def _compare(old: Any, new: Any, path: Path, found: dict[Path, Any]) -> None:
    if type(old) is type(new) and old == new:  # compared in C, the whole subtree at once
        return
    depth = len(path)
    if _split(old, depth) and _split(new, depth) and type(old) is type(new):
        if isinstance(new, dict):
            for key, member in new.items():
                if key in old:
                    _compare(old[key], member, (*path, key), found)
                else:
                    found.update(fields(member, (*path, key)))
            for key, member in old.items():
                if key not in new:
                    found.update((gone, GONE) for gone, _ in fields(member, (*path, key)))
        else:
            for index, member in enumerate(new):
                if index < len(old):
                    _compare(old[index], member, (*path, index), found)
                else:
                    found.update(fields(member, (*path, index)))
            for index in range(len(new), len(old)):
                found.update((gone, GONE) for gone, _ in fields(old[index], (*path, index)))
        return
    if old is not GONE:
        found.update((gone, GONE) for gone, _ in fields(old, path))
    if new is not GONE:
        found.update(fields(new, path))


def apply(data: Any, found: dict[Path, Any]) -> Any:
    """``data`` with the fields ``found`` set or deleted (GONE) in place; the new data (the root may change)."""
    box = [data]
    gone = sorted((path for path, value in found.items() if value is GONE), key=_order, reverse=True)
    for path in gone:
        _delete(box, (0, *path))
    for path in sorted((path for path, value in found.items() if value is not GONE), key=_order):
        _set(box, (0, *path), found[path])
    return box[0] if box else GONE


def _order(path: Path) -> tuple[tuple[bool, Any], ...]:
    """Arrays' indexes in order; fields of another layout (deleted since) sort apart, not against them."""
    return tuple((isinstance(key, str), key) for key in path)


def _set(container: Any, path: Path, value: Any) -> None:
    for depth, key in enumerate(path[:-1]):
        child = _get(container, key)
        wanted = dict if isinstance(path[depth + 1], str) else list
        if type(child) is not wanted:
            child = wanted()
            _put(container, key, child)
        container = child
    _put(container, path[-1], value)


def _get(container: Any, key: Any) -> Any:
    if isinstance(container, dict):
        return container.get(key)
    return container[key] if key < len(container) else None


def _put(container: Any, key: Any, value: Any) -> None:
    if isinstance(container, dict):
        container[key] = value
        return
    while len(container) <= key:
        container.append(None)
    container[key] = value


def _delete(container: Any, path: Path) -> None:
    """Delete the field at ``path``, and each container it leaves empty (an empty one is a field of its own)."""
    trail = []
    for key in path[:-1]:
        child = _get(container, key)
        if not isinstance(child, (dict, list)):
            return  # not there
        trail.append((container, key))
        container = child
    key = path[-1]
    if isinstance(container, dict):
        container.pop(key, None)
    elif key < len(container):
        if key == len(container) - 1:
            container.pop()
        else:
            container[key] = None  # an item deleted before the last: those after it go too, later
    while trail and not container:
        parent, key = trail.pop()
        if isinstance(parent, dict):
            parent.pop(key, None)
        elif key == len(parent) - 1:
            parent.pop()
        container = parent


def encode(path: Path) -> bytes:
    return orjson.dumps(path)


def decode(field: bytes) -> Path:
    return tuple(orjson.loads(field))
