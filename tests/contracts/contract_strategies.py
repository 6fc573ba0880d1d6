"""Hypothesis strategies for contract objects, derived from the attrs classes' own field types."""

from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum
from typing import Any

import attrs
from hypothesis import strategies as st

from contracts import DialString

UTC = timezone.utc

# Aware UTC timestamps at the wire's millisecond precision.
timestamps = st.datetimes(timezones=st.just(UTC)).map(
    lambda moment: moment.replace(microsecond=moment.microsecond // 1000 * 1000)
)
# orjson writes 64-bit integers and valid UTF-8 only; the API's numbers are finite.
SCALARS: dict[Any, st.SearchStrategy[Any]] = {
    str: st.text(st.characters(exclude_categories=["Cs"]), max_size=12),
    DialString: st.text(st.characters(exclude_categories=["Cs"]), max_size=12),
    bool: st.booleans(),
    int: st.integers(-(2**63), 2**63 - 1),
    float: st.floats(allow_nan=False, allow_infinity=False),
    datetime: timestamps,
}
# Free-form JSON (a field typed ``object``, the API's JsonNode): any JSON value, nested a little.
SCALARS[object] = st.recursive(
    st.none() | st.booleans() | SCALARS[int] | SCALARS[float] | SCALARS[str],
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(SCALARS[str], inner, max_size=3),
    max_leaves=6,
)


def values(t: Any) -> st.SearchStrategy[Any]:
    """Values of the annotated type ``t``: ``None`` for optionals, tuples for lists."""
    args = [arg for arg in getattr(t, "__args__", ()) if arg is not type(None)]
    origin = getattr(t, "__origin__", None)
    if origin is tuple:
        return st.lists(values(args[0]), max_size=3).map(tuple)
    if origin is dict:
        return st.dictionaries(values(args[0]), values(args[1]), max_size=3)
    if args and len(args) < len(t.__args__):
        return st.none() | values(args[0])
    if t in SCALARS:
        return SCALARS[t]
    if isinstance(t, type) and issubclass(t, Enum):
        return st.sampled_from(t)
    return models(t)


def models(cls: type) -> st.SearchStrategy[Any]:
    """Instances of the attrs class ``cls``, every field drawn from its type."""
    fields = attrs.fields(attrs.resolve_types(cls))
    return st.builds(cls, **{field.name: deferred_values(field.type) for field in fields})


def deferred_values(t: Any) -> st.SearchStrategy[Any]:
    """``values(t)``, built only when first drawn from."""
    return st.deferred(lambda: values(t))
