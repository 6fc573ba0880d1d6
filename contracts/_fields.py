"""Field declarations that carry their API description and JSON Schema keywords."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from contracts._converter import camel

DESCRIPTION = "description"
# Field metadata key: JSON Schema keywords (such as "minimum") added to the field's schema.
SCHEMA_KEYWORDS = "json_schema"


def described(description: str, default: Any = attrs.NOTHING, **schema_keywords: Any) -> Any:
    """A field with its description and JSON Schema keywords (``minimum=1``) for the schema export.

    The keywords are also what ``check_bounds`` enforces, so a schema and a check cannot disagree.
    """
    metadata: dict[str, Any] = {DESCRIPTION: description}
    if schema_keywords:
        metadata[SCHEMA_KEYWORDS] = schema_keywords
    return attrs.field(default=default, metadata=metadata)


def optional(description: str) -> Any:
    """Declare an optional field: absent on the wire, ``None`` in Python."""
    return described(description, default=None)


def required(description: str) -> Any:
    """Declare a field the wire must always carry."""
    return described(description)


def description_of(attribute: attrs.Attribute[Any]) -> str | None:
    """The API description declared for ``attribute``, if any."""
    text = attribute.metadata.get(DESCRIPTION)
    return text if isinstance(text, str) else None


def check_bounds(obj: Any, path: str = "$") -> list[tuple[str, str, Any]]:
    """Every field of ``obj`` (and of the attrs objects within it) outside its declared bounds.

    Returns (JSON path, expectation, value) triples; the checks are the schema keywords
    ``minimum``, ``maximum``, ``exclusiveMinimum``, ``minLength``, ``maxLength`` and ``minItems``.
    """
    broken: list[tuple[str, str, Any]] = []
    for attribute in attrs.fields(type(obj)):
        value = getattr(obj, attribute.name)
        if value is None:
            continue
        field_path = f"{path}.{camel(attribute.name)}"
        if attrs.has(type(value)):
            broken += check_bounds(value, field_path)
        for keyword, bound in attribute.metadata.get(SCHEMA_KEYWORDS, {}).items():
            check = _CHECKS.get(keyword)  # other keywords (an items enum) are the caller's to check
            expectation = check(value, bound) if check else None
            if expectation:
                broken.append((field_path, expectation, value))
    return broken


_CHECKS: dict[str, Callable[[Any, Any], str | None]] = {
    "minimum": lambda value, bound: f"at least {bound}" if value < bound else None,
    "maximum": lambda value, bound: f"at most {bound}" if value > bound else None,
    "exclusiveMinimum": lambda value, bound: f"more than {bound}" if value <= bound else None,
    "minLength": lambda value, bound: f"at least {bound} character(s)" if len(value) < bound else None,
    "maxLength": lambda value, bound: f"at most {bound} character(s)" if len(value) > bound else None,
    "minItems": lambda value, bound: f"at least {bound} item(s)" if len(value) < bound else None,
}
