"""The cattrs converters behind ``contracts.loads``/``dumps``: the wire format's hooks, assembled.

Four converters share one set of hooks (``contracts._hooks``): strict or tolerant, each fast or
detailed. Decoding runs the fast one and, only when it fails, the detailed one that collects every
problem with its path, so valid payloads never pay for error bookkeeping. The strict fast
converter reads each attrs class with one function generated for it (``contracts._codegen``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache

import attrs
from cattrs import Converter

from contracts._codegen import strict_object
from contracts._datetimes import format_datetime
from contracts._hooks import (
    any_enum,
    array,
    array_writer,
    dial_string,
    exact,
    integer,
    is_dict,
    is_tuple,
    mapping,
    number,
    object_hook,
    optional,
    projection,
    timestamp,
    writer,
)
from contracts._types import is_optional, unwrap_optional
from contracts.enums import WireEnum
from contracts.phone import DialString


@cache
def converter(*, strict: bool, detailed: bool) -> Converter:
    """The converter for one mode; built once, its per-class functions generated on first use."""
    conv = Converter(detailed_validation=detailed)
    # Class hooks go to cattrs' singledispatch, which is consulted before any predicate;
    # WireEnum sits before str in every enum's MRO, so enums get their own hook.
    for scalar in (str, bool):
        conv.register_structure_hook(scalar, exact(scalar))
    conv.register_structure_hook(int, integer)
    conv.register_structure_hook_func(lambda t: t == DialString, dial_string)
    conv.register_structure_hook(float, number)
    conv.register_structure_hook(datetime, timestamp)
    conv.register_structure_hook(WireEnum, any_enum(strict=strict))
    # Free-form JSON (the API's JsonNode, typed ``object``): taken as it came. A predicate, not a
    # class hook: ``object`` in the singledispatch would catch every class.
    conv.register_structure_hook_func(lambda t: t is object, lambda value, _: value)
    conv.register_structure_hook_factory(is_optional, lambda t, c: optional(t, c, strict=strict))
    conv.register_structure_hook_factory(is_tuple, array)
    conv.register_structure_hook_factory(is_dict, mapping)
    if strict and not detailed:
        conv.register_structure_hook_factory(attrs.has, strict_object)
    else:
        conv.register_structure_hook_factory(attrs.has, lambda t, c: object_hook(t, c, strict=strict))

    _writers(conv)
    return conv


def _writers(conv: Converter) -> None:
    """The wire format's unstructure hooks (every mode writes alike)."""
    conv.register_unstructure_hook(datetime, format_datetime)
    # The plain string of a member (str.__str__ of a str enum is its value), so unstructure gives
    # JSON types only and structure(unstructure(x)) holds; a tolerant raw string stays itself.
    conv.register_unstructure_hook(WireEnum, str.__str__)
    # Absent values are never written (omit-if-default), so an optional's hook never sees None
    # and can be its inner type's hook, which keeps identity hooks inlined in generated code.
    conv.register_unstructure_hook_factory(
        is_optional, lambda t, c: c.get_unstructure_hook(unwrap_optional(t))
    )
    conv.register_unstructure_hook_factory(is_tuple, array_writer)
    conv.register_unstructure_hook_factory(attrs.has, writer)


def projecting(pairs: Mapping[type, tuple[type, frozenset[str]]]) -> Converter:
    """A converter that writes each source class of ``pairs`` as its target model's wire mapping.

    ``pairs``: source class -> (target model, field names left out besides those the target
    lacks). Every other type is written as the contract writes it.
    """
    conv = Converter()
    _writers(conv)
    # Registered after the ``attrs.has`` factory, so consulted before it (cattrs: last one first).
    conv.register_unstructure_hook_factory(lambda t: t in pairs, lambda t, c: projection(t, c, *pairs[t]))
    return conv
