"""JSON Schema (2020-12) derived from the attrs classes: what strict mode accepts."""

from __future__ import annotations

import itertools
from datetime import datetime
from enum import Enum
from typing import Any

import attrs

from contracts._datetimes import ISO_PATTERN
from contracts._fields import SCHEMA_KEYWORDS as SCHEMA_KEYWORDS  # still read from here by mockserver
from contracts._fields import alternatives_exclusive, alternatives_of, description_of, exclusive_of
from contracts._hooks import INT64_MAX, INT64_MIN, camel
from contracts._types import is_optional, unwrap_optional
from contracts.phone import DialString

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Anchored for any engine: "(?!\n)" because a Python "$" also matches before a final newline.
_DATETIME_PATTERN = rf"^(?:{ISO_PATTERN})$(?!\n)"
_SCALARS: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    # The string the API documents; decoding also reads a JSON integer's digits (contracts.phone).
    DialString: {"type": "string"},
    bool: {"type": "boolean"},
    int: {"type": "integer", "format": "int64", "minimum": INT64_MIN, "maximum": INT64_MAX},
    float: {"type": "number"},
    datetime: {"type": "string", "format": "date-time", "pattern": _DATETIME_PATTERN},
}


def json_schema(model: type) -> dict[str, Any]:
    """The JSON Schema of ``model``'s strict wire form, nested models under ``$defs``."""
    definitions: dict[str, dict[str, Any]] = {}
    root = definitions_for(model, definitions, ref_prefix="#/$defs/")
    body = definitions[model.__name__]
    if not _refers_to(list(definitions.values()), root):
        del definitions[model.__name__]  # kept only for a recursive model (ErrorBody.errors)
    schema = {"$schema": DIALECT, "title": model.__name__, **body}
    if definitions:
        schema["$defs"] = dict(sorted(definitions.items()))
    return schema


def _refers_to(node: Any, ref: dict[str, Any]) -> bool:
    if isinstance(node, dict):
        return node == ref or any(_refers_to(value, ref) for value in node.values())
    if isinstance(node, list):
        return any(_refers_to(item, ref) for item in node)
    return False


def definitions_for(
    model: type, definitions: dict[str, dict[str, Any]], *, ref_prefix: str
) -> dict[str, Any]:
    """Add ``model`` and every model it holds to ``definitions``; return a reference to it."""
    name = model.__name__
    if name not in definitions:
        definitions[name] = {}  # claimed first, so a recursive model (ErrorBody) terminates
        properties: dict[str, Any] = {}
        required: list[str] = []
        for attribute in attrs.fields(attrs.resolve_types(model)):
            wire = camel(attribute.name)
            prop = _type_schema(attribute.type, definitions, ref_prefix)
            description = description_of(attribute)
            if description:
                prop = {**prop, "description": description}
            keywords = dict(attribute.metadata.get(SCHEMA_KEYWORDS, {}))
            for nested in ("items", "additionalProperties"):  # an item's or value's own keywords
                if nested in keywords:  # join its type schema
                    prop[nested] = {**prop[nested], **keywords.pop(nested)}
            prop.update(keywords)
            if attribute.default is attrs.NOTHING:
                required.append(wire)
                if is_optional(attribute.type):
                    # Always written, so None is written: null (an optional with a default is left out).
                    prop = _nullable(prop)
            properties[wire] = prop
        body: dict[str, Any] = {"type": "object"}
        if model.__doc__:
            body["description"] = model.__doc__.splitlines()[0]
        body["properties"] = properties
        if required:
            body["required"] = required
        body["additionalProperties"] = False
        alternatives = alternatives_of(model)
        if alternatives:
            keyword = "oneOf" if alternatives_exclusive(model) else "anyOf"
            body[keyword] = [_holding(path.split(".")) for path in alternatives]
        exclusive = exclusive_of(model)
        if exclusive:
            pairs = [{"required": list(pair)} for pair in itertools.combinations(exclusive, 2)]
            body["not"] = pairs[0] if len(pairs) == 1 else {"anyOf": pairs}
        definitions[name] = body
    return {"$ref": f"{ref_prefix}{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` that also takes null."""
    if isinstance(schema.get("type"), str) and "enum" not in schema and "const" not in schema:
        return {**schema, "type": [schema["type"], "null"]}  # its other keywords pass a null
    return {"anyOf": [schema, {"type": "null"}]}


def _holding(names: list[str]) -> dict[str, Any]:
    """The schema of an object holding a non-empty value at the path ``names``."""
    first, *rest = names
    inner: dict[str, Any] = _holding(rest) if rest else {"not": {"enum": ["", [], {}]}}
    return {"required": [first], "properties": {first: inner}}


def _type_schema(t: Any, definitions: dict[str, dict[str, Any]], ref_prefix: str) -> dict[str, Any]:
    t = unwrap_optional(t)  # X | None: strict mode never takes null
    origin = getattr(t, "__origin__", None)
    if origin is tuple:
        return {"type": "array", "items": _type_schema(t.__args__[0], definitions, ref_prefix)}
    if origin is dict:
        return {
            "type": "object",
            "additionalProperties": _type_schema(t.__args__[1], definitions, ref_prefix),
        }
    if t is object or t is Any:  # free-form JSON (the API's JsonNode): any value
        return {}
    if t in _SCALARS:
        return dict(_SCALARS[t])
    if isinstance(t, type) and issubclass(t, Enum):
        return {"type": "string", "enum": [member.value for member in t]}
    if attrs.has(t):
        return definitions_for(t, definitions, ref_prefix=ref_prefix)
    raise TypeError(f"no JSON Schema for {t!r}")
