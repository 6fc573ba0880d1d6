"""Field declarations that carry their API description and JSON Schema keywords."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar, get_args, get_origin

import attrs

from contracts._hooks import camel
from contracts._types import unwrap_optional

DESCRIPTION = "description"
ALTERNATIVES = "__one_of_required__"  # class attribute: paths of which a body needs one
EXCLUSIVE = "__one_of_exclusive__"  # class attribute: whether it needs exactly one of them
CONFLICTS = "__mutually_exclusive__"  # class attribute: fields of which a body may hold one at most
_C = TypeVar("_C")
# Field metadata key: JSON Schema keywords (such as "minimum") added to the field's schema.
SCHEMA_KEYWORDS = "json_schema"


# Field metadata key: the entity (such as "conversation") whose id the field holds.
ENTITY = "entity"


def described(
    description: str, default: Any = attrs.NOTHING, *, entity: str | None = None, **schema_keywords: Any
) -> Any:
    """A field with its description and JSON Schema keywords (``minimum=1``) for the schema export.

    The keywords are also what ``check_bounds`` enforces, so a schema and a check cannot disagree.
    ``entity`` names what the field identifies (``entity="conversation"``): its value is that
    entity's id, or, for a model (an entity reference), the model's ``id``; see ``id_paths``.
    """
    metadata: dict[str, Any] = {DESCRIPTION: description}
    if schema_keywords:
        metadata[SCHEMA_KEYWORDS] = schema_keywords
    if entity is not None:
        metadata[ENTITY] = entity
    return attrs.field(default=default, metadata=metadata)


def optional(description: str, **schema_keywords: Any) -> Any:
    """Declare an optional field: absent on the wire, ``None`` in Python."""
    return described(description, None, **schema_keywords)


def required(description: str, **schema_keywords: Any) -> Any:
    """Declare a field the wire must always carry."""
    return described(description, **schema_keywords)


def one_of_required(*paths: str, exclusive: bool = False) -> Callable[[type[_C]], type[_C]]:
    """Class decorator: a body must hold a non-empty value at one of ``paths`` at least.

    Each path is camelCase and dotted (``routingData.queueId``). The JSON Schema states it as an
    ``anyOf`` of ``required``; ``missing_alternatives`` is the check the server makes of it. With
    ``exclusive``, at exactly one of them: a ``oneOf``.
    """

    def declare(cls: type[_C]) -> type[_C]:
        setattr(cls, ALTERNATIVES, paths)
        setattr(cls, EXCLUSIVE, exclusive)
        return cls

    return declare


def alternatives_of(model: type) -> tuple[str, ...]:
    """The paths of which ``model`` needs one (``one_of_required``); empty for none declared."""
    paths: tuple[str, ...] = getattr(model, ALTERNATIVES, ())
    return paths


def alternatives_exclusive(model: type) -> bool:
    """Whether ``model`` needs exactly one of its alternatives (``one_of_required(exclusive=True)``)."""
    return bool(getattr(model, EXCLUSIVE, False))


def mutually_exclusive(*names: str) -> Callable[[type[_C]], type[_C]]:
    """Class decorator: a body may carry one of the fields ``names`` (camelCase) at most.

    The JSON Schema states it as a ``not`` of ``required``; ``conflicting`` is the check the
    server makes of it.
    """

    def declare(cls: type[_C]) -> type[_C]:
        setattr(cls, CONFLICTS, names)
        return cls

    return declare


def exclusive_of(model: type) -> tuple[str, ...]:
    """The fields of which ``model`` may carry one at most (``mutually_exclusive``); empty for none."""
    names: tuple[str, ...] = getattr(model, CONFLICTS, ())
    return names


def conflicting(obj: Any) -> tuple[str, ...]:
    """The mutually exclusive fields ``obj`` carries if it carries more than one; else empty."""
    given = tuple(name for name in exclusive_of(type(obj)) if getattr(obj, _snake(name)) is not None)
    return given if len(given) > 1 else ()


def server_assigned(obj: Any) -> tuple[str, ...]:
    """The fields declared ``readOnly`` (the server assigns them) that ``obj`` holds other than their default.

    Such a field is in the model because the server answers with it; a request may leave it out
    or send its default, nothing else.
    """
    return tuple(
        camel(attribute.name)
        for attribute in attrs.fields(type(obj))
        if attribute.metadata.get(SCHEMA_KEYWORDS, {}).get("readOnly")
        and getattr(obj, attribute.name) != _default(attribute)
    )


def _default(attribute: attrs.Attribute[Any]) -> Any:
    default: Any = attribute.default
    return default.factory() if isinstance(default, attrs.Factory) else default  # type: ignore[arg-type]


def missing_alternatives(obj: Any) -> tuple[str, ...]:
    """The declared alternatives of ``obj``'s class if it holds none of them; else empty."""
    paths = alternatives_of(type(obj))
    return () if not paths or any(_held(obj, path) for path in paths) else paths


def _held(obj: Any, path: str) -> bool:
    for name in path.split("."):
        obj = getattr(obj, _snake(name), None)
        if obj is None:
            return False
    return bool(obj) or not isinstance(obj, (str, tuple, dict))


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


IdPath = tuple[str | int, ...]


def id_paths(model: type, _seen: frozenset[type] = frozenset()) -> list[tuple[IdPath, str]]:
    """Where ``model``'s wire form holds entity ids (fields declared with ``entity=``), in field order.

    Each is (path, entity): the path is camelCase names and ``0`` for a list's first item
    (``("callbackIdentifiers", 0, "id")``). Models within are searched too.
    """
    found: list[tuple[IdPath, str]] = []
    for attribute in attrs.fields(attrs.resolve_types(model)):
        held = unwrap_optional(attribute.type)
        path: IdPath = (camel(attribute.name),)
        if get_origin(held) is tuple:
            held, path = get_args(held)[0], (*path, 0)
        entity = attribute.metadata.get(ENTITY)
        if entity is not None:
            found.append(((*path, "id") if attrs.has(held) else path, entity))
        elif attrs.has(held) and held not in _seen:  # a recursive model (ErrorBody) holds no more
            found += [((*path, *inner), name) for inner, name in id_paths(held, _seen | {model})]
    return found


def description_of(attribute: attrs.Attribute[Any]) -> str | None:
    """The API description declared for ``attribute``, if any."""
    text = attribute.metadata.get(DESCRIPTION)
    return text if isinstance(text, str) else None


def check_bounds(obj: Any, path: str = "$") -> list[tuple[str, str, Any]]:
    """Every field of ``obj`` (and of the attrs objects within it) outside its declared bounds.

    Returns (JSON path, expectation, value) triples; the checks are the schema keywords
    ``minimum``, ``maximum``, ``exclusiveMinimum``, ``minLength``, ``maxLength``, ``minItems``,
    ``pattern`` (a string's), and ``items`` holding any of those for each item of a list.
    """
    broken: list[tuple[str, str, Any]] = []
    for attribute in attrs.fields(type(obj)):
        value = getattr(obj, attribute.name)
        if value is None:
            continue
        field_path = f"{path}.{camel(attribute.name)}"
        if attrs.has(type(value)):
            broken += check_bounds(value, field_path)
        broken += _broken(attribute.metadata.get(SCHEMA_KEYWORDS, {}), value, field_path)
    return broken


def _broken(keywords: dict[str, Any], value: Any, path: str) -> list[tuple[str, str, Any]]:
    broken: list[tuple[str, str, Any]] = []
    for keyword, bound in keywords.items():
        if keyword == "items" and isinstance(value, tuple):
            for index, item in enumerate(value):
                broken += _broken(bound, item, f"{path}[{index}]")
            continue
        check = _CHECKS.get(keyword)  # other keywords (an items enum) are the caller's to check
        expectation = check(value, bound) if check else None
        if expectation:
            broken.append((path, expectation, value))
    return broken


_CHECKS: dict[str, Callable[[Any, Any], str | None]] = {
    "minimum": lambda value, bound: f"at least {bound}" if value < bound else None,
    "maximum": lambda value, bound: f"at most {bound}" if value > bound else None,
    "exclusiveMinimum": lambda value, bound: f"more than {bound}" if value <= bound else None,
    "minLength": lambda value, bound: f"at least {bound} character(s)" if len(value) < bound else None,
    "maxLength": lambda value, bound: f"at most {bound} character(s)" if len(value) > bound else None,
    "minItems": lambda value, bound: f"at least {bound} item(s)" if len(value) < bound else None,
    "pattern": lambda value, bound: None if re.search(bound, value) else f"a match of {bound}",
}
