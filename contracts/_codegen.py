"""The strict fast converter's reading of an attrs class: one function generated for each.

The generated function writes the hooks' checks inline (``_strict_value``) and sets the new
object's slots itself rather than calling the frozen ``__init__`` (``_slot_setters``); anything
its inline tests do not take goes to the field's own hook (``contracts._hooks``).
"""

from __future__ import annotations

import inspect
import linecache
import threading
import types
from collections.abc import Callable
from datetime import datetime
from itertools import repeat
from typing import Any

import attrs
from cattrs import Converter

from contracts._datetimes import FROMISOFORMAT_READS_Z, api_form_test, parse_datetime
from contracts._hooks import (
    INT64_MAX,
    INT64_MIN,
    Hook,
    MismatchError,
    camel,
    expectation,
    is_enum,
    is_tuple,
    object_hook,
)
from contracts._types import unwrap_optional


def strict_object(cls: type, converter: Converter) -> Hook:
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
        return object_hook(cls, converter, strict=True)
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
    hook, element = f"h_{name}(v, t_{name})", t.__args__[0] if is_tuple(t) else None
    globs[f"h_{name}"], globs[f"t_{name}"] = _late_bound(converter, t), t
    if t is int:  # within 64 bits, as the integer hook requires
        return f"v if type(v := o[{{key}}]) is int and {INT64_MIN} <= v <= {INT64_MAX} else {hook}"
    if t is str or t is bool or t is float:  # an int for a float: the number hook returns it as is
        return f"v if type(v := o[{{key}}]) is {t.__name__} else {hook}"
    if t is datetime and FROMISOFORMAT_READS_Z:
        # The API's form read inline: what fromisoformat refuses there, the grammar refuses too.
        return f"fromisoformat(v) if type(v := o[{{key}}]) is str and {api_form_test('v')} else {hook}"
    if t is datetime:  # a string that does not parse raises ValueError: refused all the same
        return f"parse_datetime(v) if type(v := o[{{key}}]) is str else {hook}"
    if is_enum(t):
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
