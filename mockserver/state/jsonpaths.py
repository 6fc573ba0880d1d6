"""JSONPath and JSON equality, read one way by every part that tests a JSON document.

The stubs' and faults' matchers (``control.matchers``) and the triggers' match criteria
(``state.trigger_matching``) both compile their paths here and compare the values found with ``same``:
a path one accepts the other accepts, and a value one finds equal the other does. Paths are RFC 9535
as written (python-jsonpath, strict: a path without its ``$`` or with the library's extensions is
refused); the triggers' relative form (Genesys's ``mediaType``) is theirs to root before compiling.
Nothing here imports Flask.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jsonpath
from jsonpath.segments import JSONPathChildSegment
from jsonpath.selectors import IndexSelector, NameSelector

ENVIRONMENT = jsonpath.JSONPathEnvironment(strict=True)
JSONPathError = jsonpath.JSONPathError


@lru_cache(maxsize=1024)
def compiled(text: str) -> Path:
    """``text`` compiled (raises ``JSONPathError``); the same object for the same text."""
    return Path(text)


class Path:
    """A compiled JSONPath. A singular query of names and indexes (``$.a.b[0]``, most paths) is read
    by plain indexing: the library's matches, made for every node it selects, cost several times the
    lookup."""

    __slots__ = ("keys", "path")

    def __init__(self, text: str) -> None:
        self.path = ENVIRONMENT.compile(text)
        self.keys = _keys(self.path)

    def findall(self, document: Any) -> list[Any]:
        """The values the path selects in ``document``, in the library's order."""
        if self.keys is None:
            found: list[Any] = self.path.findall(document)
            return found
        node = document
        for key in self.keys:
            if isinstance(key, str):
                if not isinstance(node, dict) or key not in node:
                    return []
            elif not isinstance(node, list) or not -len(node) <= key < len(node):
                return []
            node = node[key]
        return [node]


def _keys(path: Any) -> tuple[str | int, ...] | None:
    """The names and indexes of a singular query, in order; None for any other path."""
    if not isinstance(path, jsonpath.JSONPath) or not path.singular_query():
        return None
    keys: list[str | int] = []
    for segment in path.segments:
        if not isinstance(segment, JSONPathChildSegment) or len(segment.selectors) != 1:
            return None
        [selector] = segment.selectors
        if isinstance(selector, NameSelector):
            keys.append(selector.name)
        elif isinstance(selector, IndexSelector):
            keys.append(selector.index)
        else:
            return None
    return tuple(keys)


def same(value: Any, wanted: Any) -> bool:
    """JSON equality: ``true`` is not ``1``, ``1`` is ``1.0``; objects and arrays compared deeply."""
    if isinstance(value, bool) or isinstance(wanted, bool):
        return type(value) is type(wanted) and value == wanted
    if isinstance(value, dict) and isinstance(wanted, dict):
        return value.keys() == wanted.keys() and all(same(value[k], wanted[k]) for k in value)
    if isinstance(value, list) and isinstance(wanted, list):
        return len(value) == len(wanted) and all(same(a, b) for a, b in zip(value, wanted, strict=True))
    if isinstance(value, (dict, list)) or isinstance(wanted, (dict, list)):
        return False
    return bool(value == wanted) and (isinstance(value, str) == isinstance(wanted, str))
