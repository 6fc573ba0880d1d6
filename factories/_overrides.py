"""Applying snake_case overrides to generated fields, nested models included."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from enum import Enum
from functools import cache
from typing import Any, get_args

import attrs

from contracts import unwrap_optional


@cache
def _fields(cls: type) -> dict[str, Any]:
    attrs.resolve_types(cls)
    return {field.name: field.type for field in attrs.fields(cls)}


def apply(
    cls: type, fields: dict[str, Any], overrides: Mapping[str, Any], problems: list[str], at: str = ""
) -> None:
    """Merge ``overrides`` into ``fields`` (the keyword arguments of ``cls``), in place.

    A mapping given for a nested model is merged into the generated one; a model instance or
    ``None`` replaces it. Names that are not fields are reported in ``problems``.
    """
    types = _fields(cls)
    for name, value in overrides.items():
        if name not in types:
            problems.append(f"{at}{name}: not a field of {cls.__name__} ({', '.join(types)})")
            continue
        fields[name] = _coerce(types[name], value, fields.get(name), problems, f"{at}{name}.")


def _coerce(t: Any, value: Any, base: Any, problems: list[str], at: str) -> Any:
    if value is None:
        return None
    inner = unwrap_optional(t)
    if attrs.has(inner) and isinstance(value, Mapping):
        nested = attrs.asdict(base, recurse=False) if base is not None else {}
        apply(inner, nested, value, problems, at)
        return inner(**nested)
    if getattr(inner, "__origin__", None) is tuple and isinstance(value, (list, tuple)):
        element = get_args(inner)[0]
        return tuple(_coerce(element, item, None, problems, at) for item in value)
    if isinstance(inner, type) and issubclass(inner, Enum) and not isinstance(value, inner):
        try:
            return inner(value)
        except ValueError:
            problems.append(
                f"{at[:-1]}: expected one of {', '.join(repr(m.value) for m in inner)}, got {value!r}"
            )
            return value
    if inner is datetime and isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value
