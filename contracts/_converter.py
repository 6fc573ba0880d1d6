"""The cattrs converters behind ``contracts.loads``/``dumps``: hooks for the wire format.

Four converters share one set of hooks: strict or tolerant, each fast or detailed. Decoding runs
the fast one and, only when it fails, the detailed one that collects every problem with its path,
so valid payloads never pay for error bookkeeping. The strict fast converter reads each attrs
class with one function generated for it (``_strict_object``), the hooks' checks written inline,
which sets the new object's slots itself rather than calling the frozen ``__init__`` (``_slot_setters``).
"""

from __future__ import annotations

import inspect
import linecache
import threading
import types
from collections.abc import Callable
from datetime import datetime
from functools import cache
from itertools import repeat
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

from contracts._datetimes import FROMISOFORMAT_READS_Z, api_form_test, format_datetime, parse_datetime
from contracts._types import is_optional, unwrap_optional
from contracts.enums import WireEnum
from contracts.errors import ProblemKind

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


def _exact(json_type: type) -> Hook:
    expected = _EXPECTED[json_type]

    def hook(value: Any, _: Any) -> Any:
        if type(value) is json_type:
            return value
        raise MismatchError(expected, value)

    return hook


def _integer(value: Any, _: Any) -> Any:
    if type(value) is int:
        number = value
    elif type(value) is float and value.is_integer():
        number = int(value)  # JSON has one number type: 30.0 is the integer 30, as JSON Schema agrees
    else:
        raise MismatchError(_EXPECTED[int], value)
    if INT64_MIN <= number <= INT64_MAX:
        return number
    raise MismatchError(_INT64, value)  # no API integer is wider, nor can the JSON encoder write one


def _number(value: Any, _: Any) -> Any:
    if type(value) is float or type(value) is int:
        return value
    raise MismatchError(_EXPECTED[float], value)


def _datetime(value: Any, _: Any) -> datetime:
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


def _any_enum(*, strict: bool) -> Hook:
    def hook(value: Any, enum: type[WireEnum]) -> Any:
        return _enum(enum, strict=strict)(value, enum)

    return hook


def _is_enum(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, WireEnum)


def _is_tuple(t: Any) -> bool:
    return getattr(t, "__origin__", None) is tuple


def _is_dict(t: Any) -> bool:
    return getattr(t, "__origin__", None) is dict


def _array(t: Any, converter: Converter) -> Hook:
    elements = homogenous_tuple_structure_factory(t, converter)

    def hook(value: Any, _: Any) -> Any:
        if type(value) is list:
            return elements(value, t)
        raise MismatchError("an array", value)

    return hook


def _mapping(t: Any, converter: Converter) -> Hook:
    entries = mapping_structure_factory(t, converter)

    def hook(value: Any, _: Any) -> Any:
        if type(value) is dict:
            return entries(value, t)
        raise MismatchError("an object", value)

    return hook


def _optional(t: Any, converter: Converter, *, strict: bool) -> Hook:
    inner_type = unwrap_optional(t)
    inner = (
        _enum(inner_type, strict=strict) if _is_enum(inner_type) else converter.get_structure_hook(inner_type)
    )
    if strict:
        # Every hook refuses null, as the API never sends it, so a strict optional is its inner
        # type's hook: one call per field rather than a wrapper's two. (Absent keys never reach
        # a hook: cattrs leaves them at their default.)
        return inner

    def tolerant_hook(value: Any, _: Any) -> Any:
        return None if value is None else inner(value, inner_type)

    return tolerant_hook


def _array_writer(t: Any, converter: Converter) -> Callable[[Any], list[Any]]:
    """A tuple's JSON array: a plain copy when its elements are written as they are."""
    element = converter.get_unstructure_hook(t.__args__[0])
    if element is identity:
        return list
    # map calls the hook from C, cheaper than cattrs' generator expression (benchmarks/README.md).
    return lambda value: list(map(element, value))


def _renames(cls: type) -> dict[str, Any]:
    return {a.name: override(rename=camel(a.name)) for a in attrs.fields(cls)}


def _writer(cls: type, converter: Converter) -> Callable[[Any], dict[str, Any]]:
    """The unstructure function of an attrs class: absent (None) fields left out, all others written.

    Omit-if-default leaves out a field equal to its default; a field whose default is a value
    (the control API's ``mode: auto``) is written all the same, so an answer says every setting.
    """
    overrides: dict[str, Any] = {
        a.name: override(rename=camel(a.name), omit_if_default=a.default is None) for a in attrs.fields(cls)
    }
    return make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True, **overrides)


def _object(cls: type, converter: Converter, *, strict: bool) -> Hook:
    renames = _renames(cls)
    structure: Hook = make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=strict, **renames)
    expected = expectation(cls)

    def hook(value: Any, _: Any) -> Any:
        if type(value) is dict:
            return structure(value, cls)
        raise MismatchError(expected, value)

    return hook


def _strict_object(cls: type, converter: Converter) -> Hook:
    """The strict fast converter's hook for ``cls``: one generated function, checks inline.

    cattrs' generated code calls a hook per field and gathers the values in a dict. Here each
    field is one expression: an inline test takes the common case (a string where a string is
    wanted, a known enum value, a timestamp string) and anything else goes to the field's own hook,
    which converts it or raises as it would under cattrs; nested classes call their own generated
    function. On any failure the detailed converter then names every problem. The tests compare
    the two on generated and broken payloads (``tests/contracts/test_strict_agreement.py``).
    A class whose fields this does not cover (a default factory, a field left out of ``__init__``)
    keeps cattrs' own function.
    """
    fields = attrs.fields(attrs.resolve_types(cls))
    if any(not a.init or isinstance(a.default, attrs.Factory) for a in fields):  # type: ignore[arg-type]
        return _object(cls, converter, strict=True)
    generating: set[type] = _GENERATING.__dict__.setdefault("classes", set())
    if cls in generating:
        raise RecursionError  # a class within itself (ErrorBody.errors): _late_bound answers
    generating.add(cls)
    try:
        return _generate(cls, fields, converter)
    finally:
        generating.discard(cls)


# The classes whose function this thread is generating, as cattrs.gen keeps its own: per thread,
# since a class another thread is generating is no recursion (shared, it raised RecursionError
# into a first decode and failed it). Threads meeting a class at once each generate its function;
# cattrs keeps one, and every later decode finds it in cattrs' cache without coming here.
_GENERATING = threading.local()


def _late_bound(converter: Converter, t: Any) -> Hook:
    """The hook of ``t``, or for a class still being generated the converter's own dispatch."""
    try:
        return converter.get_structure_hook(t)
    except RecursionError:
        return converter.structure


def _generate(cls: type, fields: Any, converter: Converter) -> Hook:
    name = f"structure_{cls.__name__}"
    globs: dict[str, Any] = {
        "cls": cls,
        "known": frozenset(camel(a.name) for a in fields),
        "expected": expectation(cls),
        "MismatchError": MismatchError,
        "parse_datetime": parse_datetime,
        "fromisoformat": datetime.fromisoformat,
        "repeat": repeat,
    }
    direct = _slot_setters(cls, fields)
    if direct:
        globs["new"] = object.__new__
        globs.update({f"s_{field}": setter for field, setter in direct.items()})
    lines = [
        f"def {name}(o, _=None):",
        # A superset test is half the cost of cattrs' set difference; the detailed converter names the keys.
        "  if type(o) is not dict or not known.issuperset(o):",
        "    raise MismatchError(expected, o)",
        "  self = new(cls)" if direct else "  return cls(",
    ]
    for a in fields:
        key = camel(a.name)
        t = unwrap_optional(a.type)  # strict: every hook refuses null, as the API never sends it
        value = _strict_value(a.name, t, converter, globs).format(key=repr(key))
        if a.default is not attrs.NOTHING:  # absent: the default; a required key's absence is a KeyError
            default = "None" if a.default is None else f"d_{a.name}"
            globs.setdefault(default, a.default)
            value = f"({value}) if {key!r} in o else {default}"
        lines.append(f"  s_{a.name}(self, {value})" if direct else f"    {a.alias}={value},")
    lines.append("  return self" if direct else "  )")
    script = "\n".join(lines)
    filename = _register_source(cls, "strict structure", [line + "\n" for line in lines])
    eval(compile(script, filename, "exec"), globs)
    generated: Hook = globs[name]
    return generated


def _register_source(cls: type, function: str, lines: list[str]) -> str:
    """A file name for generated code of ``cls``, its ``lines`` registered with linecache.

    Registered so a traceback through the generated function shows its lines, as cattrs does for
    its own. A name already holding other lines (a class redefined, another converter's function)
    is left alone and the next free ``-2``, ``-3``... suffix taken.
    """
    base = f"<contracts generated {function} {cls.__module__}.{cls.__qualname__}"
    count = 1
    while True:
        filename = f"{base}>" if count == 1 else f"{base}-{count}>"
        entry = (len("".join(lines)), None, lines, filename)
        if linecache.cache.setdefault(filename, entry) == entry:
            return filename
        count += 1


def _slot_setters(cls: type, fields: Any) -> dict[str, Callable[[Any, Any], None]] | None:
    """The setters of ``cls``'s slots by field name, if they can stand in for its ``__init__``.

    A frozen attrs ``__init__`` takes keyword arguments and sets each slot through
    ``object.__setattr__``, nearly twice what the slot descriptors' own setters take for the
    29-field callback (benchmarks/README.md). They stand in only while ``__init__`` does nothing else: no
    validator, converter, pre- or post-init hook, no ``__init__`` or ``__new__`` of the class's own,
    and no slot but the fields' (``cache_hash`` adds one). The tests build every contract class
    both ways and compare.
    """
    if any(hasattr(cls, hook) for hook in ("__attrs_pre_init__", "__attrs_post_init__")):
        return None
    new, init = inspect.getattr_static(cls, "__new__"), inspect.getattr_static(cls, "__init__")
    if new is not object.__new__ or not _made_by_attrs(init):  # a hand-written one
        return None
    if any(a.validator is not None or a.converter is not None for a in fields):
        return None
    slots = {slot for c in cls.__mro__ for slot in c.__dict__.get("__slots__", ())} - {"__weakref__"}
    descriptors = {a.name: inspect.getattr_static(cls, a.name, None) for a in fields}
    if slots != descriptors.keys() or not all(
        isinstance(d, types.MemberDescriptorType) for d in descriptors.values()
    ):
        return None
    return {name: descriptor.__set__ for name, descriptor in descriptors.items()}


def _made_by_attrs(function: Any) -> bool:
    """Whether ``function`` is a method attrs generated (it compiles them from a named source)."""
    code = getattr(function, "__code__", None)
    return code is not None and code.co_filename.startswith("<attrs generated")


def _strict_value(name: str, t: Any, converter: Converter, globs: dict[str, Any]) -> str:
    """The expression reading field ``name`` of type ``t`` from ``o[{key}]``.

    Its inline test accepts only what the field's hook (``h_<name>``) returns unchanged, or turns
    into the same value; everything else is left to the hook, to convert or to refuse.
    """
    hook, element = f"h_{name}(v, t_{name})", t.__args__[0] if _is_tuple(t) else None
    globs[f"h_{name}"], globs[f"t_{name}"] = _late_bound(converter, t), t
    if t is int:  # within 64 bits, as _integer requires
        return f"v if type(v := o[{{key}}]) is int and {INT64_MIN} <= v <= {INT64_MAX} else {hook}"
    if t is str or t is bool or t is float:  # an int for a float: _number returns it as is
        return f"v if type(v := o[{{key}}]) is {t.__name__} else {hook}"
    if t is datetime and FROMISOFORMAT_READS_Z:
        # The API's form read inline: what fromisoformat refuses there, the grammar refuses too.
        return f"fromisoformat(v) if type(v := o[{{key}}]) is str and {api_form_test('v')} else {hook}"
    if t is datetime:  # a string that does not parse raises ValueError: refused all the same
        return f"parse_datetime(v) if type(v := o[{{key}}]) is str else {hook}"
    if _is_enum(t):
        globs[f"m_{name}"] = t._value2member_map_
        return f"m_{name}[v] if type(v := o[{{key}}]) is str and v in m_{name} else {hook}"
    if element is str or element is bool:
        globs[f"e_{name}"] = frozenset([element])
        return f"tuple(v) if type(v := o[{{key}}]) is list and e_{name}.issuperset(map(type, v)) else {hook}"
    if element is not None and attrs.has(element):
        globs[f"n_{name}"], globs[f"c_{name}"] = _late_bound(converter, element), element
        return f"tuple(map(n_{name}, v, repeat(c_{name}))) if type(v := o[{{key}}]) is list else {hook}"
    # Nested classes (their own generated function), other arrays, mappings: the hook alone.
    return f"h_{name}(o[{{key}}], t_{name})"


@cache
def converter(*, strict: bool, detailed: bool) -> Converter:
    """The converter for one mode; built once, its per-class functions generated on first use."""
    conv = Converter(detailed_validation=detailed)
    # Class hooks go to cattrs' singledispatch, which is consulted before any predicate;
    # WireEnum sits before str in every enum's MRO, so enums get their own hook.
    for scalar in (str, bool):
        conv.register_structure_hook(scalar, _exact(scalar))
    conv.register_structure_hook(int, _integer)
    conv.register_structure_hook(float, _number)
    conv.register_structure_hook(datetime, _datetime)
    conv.register_structure_hook(WireEnum, _any_enum(strict=strict))
    conv.register_structure_hook_factory(is_optional, lambda t, c: _optional(t, c, strict=strict))
    conv.register_structure_hook_factory(_is_tuple, _array)
    conv.register_structure_hook_factory(_is_dict, _mapping)
    if strict and not detailed:
        conv.register_structure_hook_factory(attrs.has, _strict_object)
    else:
        conv.register_structure_hook_factory(attrs.has, lambda t, c: _object(t, c, strict=strict))

    conv.register_unstructure_hook(datetime, format_datetime)
    # The plain string of a member (str.__str__ of a str enum is its value), so unstructure gives
    # JSON types only and structure(unstructure(x)) holds; a tolerant raw string stays itself.
    conv.register_unstructure_hook(WireEnum, str.__str__)
    # Absent values are never written (omit-if-default), so an optional's hook never sees None
    # and can be its inner type's hook, which keeps identity hooks inlined in generated code.
    conv.register_unstructure_hook_factory(
        is_optional, lambda t, c: c.get_unstructure_hook(unwrap_optional(t))
    )
    conv.register_unstructure_hook_factory(_is_tuple, _array_writer)
    conv.register_unstructure_hook_factory(attrs.has, _writer)
    return conv
