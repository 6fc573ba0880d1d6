"""Applying snake_case overrides to generated fields, nested models included.

Each override is checked against its field's type before anything is built from it, so a value of
the wrong type is named as such (a string where a list of numbers belongs is not iterated into
its characters, a string where a datetime belongs never reaches the encoder), and a name that is
no field is told the field it was probably meant to be.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from datetime import datetime, timezone
from enum import Enum
from functools import cache
from typing import Any, get_args

import attrs

import contracts
from contracts import ContractError, camel, unwrap_optional


@cache
def field_types(cls: type) -> dict[str, Any]:
    """The type of each field of the attrs class ``cls``, by name."""
    attrs.resolve_types(cls)
    return {field.name: field.type for field in attrs.fields(cls)}


def apply(
    cls: type, fields: dict[str, Any], overrides: Mapping[str, Any], problems: list[str], at: str = ""
) -> None:
    """Merge ``overrides`` into ``fields`` (the keyword arguments of ``cls``), in place.

    A mapping given for a nested model is merged into the generated one; a model instance or
    ``None`` replaces it. Names that are not fields, and values of the wrong type, are reported
    in ``problems`` (their value is then left as generated).
    """
    merge(field_types(cls), f"a field of {cls.__name__}", fields, overrides, problems, at)


def merge(
    types: Mapping[str, Any],
    what: str,
    fields: dict[str, Any],
    overrides: Mapping[str, Any],
    problems: list[str],
    at: str = "",
) -> None:
    """``apply`` for any table of names and types; ``what`` says what a known name is."""
    for name, value in overrides.items():
        if name not in types:
            problems.append(unknown(name, types, what, at))
            continue
        coerced = _coerce(types[name], value, fields.get(name), problems, f"{at}{name}")
        if coerced is not _WRONG:
            fields[name] = coerced


def unknown(name: str, known: Mapping[str, Any], what: str, at: str = "") -> str:
    """The problem of an override ``name`` that is not one of ``known``: the likeliest meant, or all."""
    meant = _meant(name, tuple(known))
    if meant is not None:
        return f"{at}{name}: not {what}, did you mean {meant}?"
    return f"{at}{name}: not {what} ({', '.join(known)})"


def _meant(name: str, known: tuple[str, ...]) -> str | None:
    # The wire name (callbackNumbers), any other casing or spacing of a name (CallbackNumbers,
    # callbacknumbers), then a near miss (callback_number).
    folded = {_fold(candidate): candidate for candidate in known}
    folded.update({_fold(camel(candidate)): candidate for candidate in known})
    if _fold(name) in folded:
        return folded[_fold(name)]
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    return close[0] if close else None


def _fold(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


def contract_problems(built: Any) -> list[str]:
    """What the strict contract refuses in ``built``, an object whose every field has its type.

    A value of the right Python type can still be one the wire cannot carry: an integer beyond
    64 bits. (The rules of single values, such as E.164 numbers, are ``invariants.value_problems``.)
    """
    try:
        contracts.structure(contracts.unstructure(built), type(built))
    except ContractError as error:
        return error.errors
    return []


# What _coerce returns for a value of the wrong type, after saying so in problems.
_WRONG: Any = object()
_NAMES = {str: "str", bool: "bool", int: "int", float: "float", datetime: "datetime"}
_ARTICLES = {"int": "an"}


def _coerce(t: Any, value: Any, base: Any, problems: list[str], at: str) -> Any:
    """``value`` as field type ``t`` wants it (``base``: the generated value), or ``_WRONG``."""
    inner = unwrap_optional(t)
    if value is None and inner is not t:  # an optional field left out
        return None
    if attrs.has(inner):
        if isinstance(value, inner):
            return value
        if isinstance(value, Mapping):
            nested = attrs.asdict(base, recurse=False) if base is not None else {}
            apply(inner, nested, value, problems, f"{at}.")
            return inner(**nested)
    elif getattr(inner, "__origin__", None) is tuple:
        if isinstance(value, (list, tuple)):
            element = get_args(inner)[0]
            items = [_coerce(element, item, None, problems, f"{at}[{i}]") for i, item in enumerate(value)]
            return _WRONG if any(item is _WRONG for item in items) else tuple(items)
    elif getattr(inner, "__origin__", None) is dict:
        if isinstance(value, Mapping):
            key_type, value_type = get_args(inner)
            entries = {}
            for key, item in value.items():
                if not _is(key_type, key):
                    problems.append(f"{at}: expected {_expected(inner)}, got the key {_got(key)}")
                    entries[key] = _WRONG
                else:
                    entries[key] = _coerce(value_type, item, None, problems, f"{at}[{key!r}]")
            return _WRONG if any(item is _WRONG for item in entries.values()) else entries
    elif isinstance(inner, type) and issubclass(inner, Enum):
        if isinstance(value, inner):
            return value
        if isinstance(value, str) and value in inner._value2member_map_:
            return inner(value)
    elif _is(inner, value):
        if inner is datetime and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)  # naive: taken as UTC, as the contract reads it
        return value
    problems.append(f"{at}: expected {_expected(inner)}, got {_got(value)}")
    return _WRONG


def _is(t: Any, value: Any) -> bool:
    """Whether ``value`` is of the scalar type ``t`` (a bool is no int; a float is finite, as in JSON)."""
    if t is float:
        return type(value) in (int, float) and math.isfinite(value)
    if t is int:
        return type(value) is int
    return not isinstance(t, type) or isinstance(value, t)  # a type beyond these is not checked


def _expected(t: Any) -> str:
    """A Python type as an override error names it: ``a sequence of str``, ``a datetime``, ..."""
    if isinstance(t, type) and issubclass(t, Enum):
        return "one of " + ", ".join(repr(member.value) for member in t)
    if attrs.has(t):
        return f"a {t.__name__} (or a mapping of its fields)"
    if getattr(t, "__origin__", None) is tuple:
        element = get_args(t)[0]
        if attrs.has(element):
            return f"a sequence of {element.__name__} (or mappings of its fields)"
        return f"a sequence of {_name(element)}"
    if getattr(t, "__origin__", None) is dict:
        key_type, value_type = get_args(t)
        return f"a mapping of {_name(key_type)} to {_name(value_type)}"
    name = _name(t)
    return f"{_ARTICLES.get(name, 'a')} {name}"


def _name(t: Any) -> str:
    return _NAMES[t] if t in _NAMES else str(getattr(t, "__name__", t))


def _got(value: Any) -> str:
    """What arrived: its type, then its value, short."""
    if value is None:
        return "None"
    text = repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"{type(value).__name__} {text}"
