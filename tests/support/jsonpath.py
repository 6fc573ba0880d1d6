"""The JSONPath reads Genesys data actions make, evaluated as a data action does (a list of matches).

Only the forms the published modules and blueprints use: ``$``, ``.name``, ``..name`` (recursive
descent), ``[n]`` and ``[?(@.name=="value")]``. Anything else raises, so a read this cannot
evaluate never passes by accident.
"""

from __future__ import annotations

import json
import re
from typing import Any

_STEP = re.compile(r'\.\.(\w+)|\.(\w+)|\[(\d+)\]|\[\?\(@\.(\w+)==("[^"]*")\)\]')


def read(path: str, document: Any) -> list[Any]:
    """Every value ``path`` selects in ``document``."""
    if not path.startswith("$"):
        raise ValueError(f"a JSONPath starts at $: {path!r}")
    found = [document]
    position = 1
    while position < len(path):
        step = _STEP.match(path, position)
        if step is None:
            raise ValueError(f"unsupported JSONPath step at {position} of {path!r}")
        descend, name, index, key, literal = step.groups()
        if descend is not None:
            found = [
                v
                for node in found
                for d in _descendants(node)
                if isinstance(d, dict) and descend in d
                for v in [d[descend]]
            ]
        elif name is not None:
            found = [node[name] for node in found if isinstance(node, dict) and name in node]
        elif index is not None:
            found = [node[int(index)] for node in found if isinstance(node, list) and int(index) < len(node)]
        else:
            wanted = json.loads(literal)
            found = [
                item
                for node in found
                if isinstance(node, list)
                for item in node
                if isinstance(item, dict) and item.get(key) == wanted
            ]
        position = step.end()
    return found


def _descendants(node: Any) -> list[Any]:
    """``node`` and everything beneath it, in document order."""
    out = [node]
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        out += _descendants(child)
    return out
