"""Field declarations for the control API's bodies, documented like the contract's."""

from __future__ import annotations

from typing import Any

import attrs

from contracts.schema import SCHEMA_KEYWORDS


def described(description: str, default: Any = attrs.NOTHING, **keywords: Any) -> Any:
    """A field with its description and JSON Schema keywords (``minimum=1``), for the OpenAPI document.

    The same keywords are what ``check_bounds`` enforces, so the document and the server agree.
    """
    metadata: dict[str, Any] = {"description": description}
    if keywords:
        metadata[SCHEMA_KEYWORDS] = keywords
    return attrs.field(default=default, metadata=metadata)


def check_bounds(obj: Any, path: str = "$") -> list[tuple[str, str, Any]]:
    """Every field of ``obj`` (and its nested attrs objects) outside its declared bounds.

    Returns (JSON path, expectation, value) triples; the checks are the schema keywords
    ``minimum``, ``maximum``, ``exclusiveMinimum``, ``minLength`` and ``minItems``.
    """
    from contracts._converter import camel

    broken: list[tuple[str, str, Any]] = []
    for attribute in attrs.fields(type(obj)):
        value = getattr(obj, attribute.name)
        field_path = f"{path}.{camel(attribute.name)}"
        if value is None:
            continue
        if attrs.has(type(value)):
            broken += check_bounds(value, field_path)
        for keyword, bound in attribute.metadata.get(SCHEMA_KEYWORDS, {}).items():
            check = _CHECKS.get(keyword)  # other keywords (an items enum) are the view's to check
            expectation = check(value, bound) if check else None
            if expectation:
                broken.append((field_path, expectation, value))
    return broken


_CHECKS: dict[str, Any] = {
    "minimum": lambda value, bound: f"at least {bound}" if value < bound else None,
    "maximum": lambda value, bound: f"at most {bound}" if value > bound else None,
    "exclusiveMinimum": lambda value, bound: f"more than {bound}" if value <= bound else None,
    "minLength": lambda value, bound: f"at least {bound} character(s)" if len(value) < bound else None,
    "minItems": lambda value, bound: f"at least {bound} item(s)" if len(value) < bound else None,
}
