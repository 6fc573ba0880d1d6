"""The hooks of the wire format: how each JSON value is read into the contract's types and written back.

Each hook checks what arrives and raises ``MismatchError`` (what was expected, what came) when it
is not what the contract wants there; ``contracts._converter`` registers them on its converters.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any

import attrs
from cattrs import Converter
from cattrs.cols import homogenous_tuple_structure_factory
from cattrs.fns import identity
from cattrs.gen import (
    make_dict_structure_fn,
    make_dict_unstructure_fn,
    mapping_structure_factory,
    override,
)

from contracts._datetimes import parse_datetime
from contracts._types import unwrap_optional
from contracts.enums import WireEnum
from contracts.errors import ProblemKind
from contracts.phone import DialString

Hook = Callable[[Any, Any], Any]


class MismatchError(TypeError):
    """Raised by a hook: a JSON value is not what the contract expects there."""

    def __init__(self, expected: str, value: object, kind: ProblemKind = ProblemKind.TYPE) -> None:
        super().__init__(expected)
        self.expected = expected
        self.value = value
        # The API leaves an absent field out: a null is its own kind of problem wherever it is.
        self.kind = ProblemKind.NULL if value is None else kind


def camel(name: str) -> str:
    """The wire name of a snake_case attribute: ``callback_user_name`` -> ``callbackUserName``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
_INT64 = "an integer of at most 64 bits"
_EXPECTED = {
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    datetime: "an ISO-8601 datetime",
    DialString: "a phone number (a string, or a JSON integer of its digits)",
}


def expectation(t: Any) -> str:
    """How an error message names what the contract wants for type ``t``."""
    if t in _EXPECTED:
        return _EXPECTED[t]
    if isinstance(t, type) and issubclass(t, WireEnum):
        return "one of " + ", ".join(repr(member.value) for member in t)
    if getattr(t, "__origin__", None) is tuple:
        return "an array"
    if attrs.has(t):
        return f"an object ({t.__name__})"
    return "an object"


def exact(json_type: type) -> Hook:
    expected = _EXPECTED[json_type]

    def hook(value: Any, _: Any) -> Any:
        if type(value) is json_type:
            return value
        raise MismatchError(expected, value)

    return hook


def dial_string(value: Any, _: Any) -> Any:
    """A callback number: a string, or a non-negative JSON integer read as its digits."""
    if type(value) is str:
        return value
    if type(value) is int and value >= 0:
        return str(value)
    raise MismatchError(_EXPECTED[DialString], value)


def integer(value: Any, _: Any) -> Any:
    if type(value) is int:
        number = value
    elif type(value) is float and value.is_integer():
        number = int(value)  # JSON has one number type: 30.0 is the integer 30, as JSON Schema agrees
    else:
        raise MismatchError(_EXPECTED[int], value)
    if INT64_MIN <= number <= INT64_MAX:
        return number
    raise MismatchError(_INT64, value)  # no API integer is wider, nor can the JSON encoder write one


def number(value: Any, _: Any) -> Any:
    if type(value) is float or type(value) is int:
        return value
    raise MismatchError(_EXPECTED[float], value)


def timestamp(value: Any, _: Any) -> datetime:
    if type(value) is str:
        try:
            return parse_datetime(value)
        except ValueError:
            pass
    raise MismatchError(_EXPECTED[datetime], value, ProblemKind.DATE)


@cache
def _enum(enum: type[WireEnum], *, strict: bool) -> Hook:
    """The hook of one enum class, bound to it: an optional's hook never sees the class."""
    members = enum._value2member_map_
    expected = expectation(enum)

    def hook(value: Any, _: Any) -> Any:
        if type(value) is str:
            member = members.get(value)
            if member is not None:
                return member
            if not strict:
                return value  # a newer API's value: kept as its raw string, not lost
        raise MismatchError(expected, value, ProblemKind.ENUM)

    return hook


def any_enum(*, strict: bool) -> Hook:
    def hook(value: Any, enum: type[WireEnum]) -> Any:
        return _enum(enum, strict=strict)(value, enum)

    return hook


def is_enum(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, WireEnum)


def is_tuple(t: Any) -> bool:
    return getattr(t, "__origin__", None) is tuple


def is_dict(t: Any) -> bool:
    return getattr(t, "__origin__", None) is dict


def array(t: Any, converter: Converter) -> Hook:
    elements = homogenous_tuple_structure_factory(t, converter)

    def hook(value: Any, _: Any) -> Any:
        if type(value) is list:
            return elements(value, t)
        raise MismatchError("an array", value)

    return hook


def mapping(t: Any, converter: Converter) -> Hook:
    entries = mapping_structure_factory(t, converter)

    def hook(value: Any, _: Any) -> Any:
        if type(value) is dict:
            return entries(value, t)
        raise MismatchError("an object", value)

    return hook


def optional(t: Any, converter: Converter, *, strict: bool) -> Hook:
    inner_type = unwrap_optional(t)
    inner = (
        _enum(inner_type, strict=strict) if is_enum(inner_type) else converter.get_structure_hook(inner_type)
    )
    if strict:
        # Every hook refuses null, as the API never sends it, so a strict optional is its inner
        # type's hook: one call per field rather than a wrapper's two. (Absent keys never reach
        # a hook: cattrs leaves them at their default.)
        return inner

    def tolerant_hook(value: Any, _: Any) -> Any:
        return None if value is None else inner(value, inner_type)

    return tolerant_hook


def array_writer(t: Any, converter: Converter) -> Callable[[Any], list[Any]]:
    """A tuple's JSON array: a plain copy when its elements are written as they are."""
    element = converter.get_unstructure_hook(t.__args__[0])
    if element is identity:
        return list
    # map calls the hook from C, cheaper than cattrs' generator expression (benchmarks/README.md).
    return lambda value: list(map(element, value))


def _renames(cls: type) -> dict[str, Any]:
    return {a.name: override(rename=camel(a.name)) for a in attrs.fields(cls)}


def writer(cls: type, converter: Converter) -> Callable[[Any], dict[str, Any]]:
    """The unstructure function of an attrs class: absent (None) fields left out, all others written.

    Omit-if-default leaves out a field equal to its default; a field whose default is a value
    (the control API's ``mode: auto``) is written all the same, so an answer says every setting.
    """
    return projection(cls, converter, cls, frozenset())


def projection(
    cls: type, converter: Converter, target: type, left_out: frozenset[str]
) -> Callable[[Any], dict[str, Any]]:
    """``cls`` written as ``target``'s wire mapping (``writer``: ``cls``'s own): only the fields
    ``target`` has (by name) and not ``left_out``, each as ``writer`` says; nested values by
    ``converter``'s hooks."""
    kept = {a.name for a in attrs.fields(target)} - left_out
    overrides: dict[str, Any] = {
        a.name: override(rename=camel(a.name), omit_if_default=a.default is None)
        if a.name in kept
        else override(omit=True)
        for a in attrs.fields(cls)
    }
    return make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True, **overrides)


def object_hook(cls: type, converter: Converter, *, strict: bool) -> Hook:
    renames = _renames(cls)
    structure: Hook = make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=strict, **renames)
    expected = expectation(cls)

    def hook(value: Any, _: Any) -> Any:
        if type(value) is dict:
            return structure(value, cls)
        raise MismatchError(expected, value)

    return hook
