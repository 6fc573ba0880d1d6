"""Reading the contract's annotations: the ``X | None`` of a field the wire may leave out."""

from __future__ import annotations

from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin

# ``X | None`` is a types.UnionType, ``Optional[X]`` a typing.Union (the same type from Python 3.14).
_UNIONS = (Union, UnionType)


def is_optional(t: Any) -> bool:
    """Whether ``t`` is ``X | None`` (or ``Optional[X]``): a union of one type and ``None``."""
    if get_origin(t) not in _UNIONS:
        return False
    args = get_args(t)
    return len(args) == 2 and NoneType in args


def unwrap_optional(t: Any) -> Any:
    """``X`` for ``X | None`` (or ``Optional[X]``); ``t`` itself otherwise."""
    if is_optional(t):
        return next(arg for arg in get_args(t) if arg is not NoneType)
    return t
