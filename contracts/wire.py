"""The public wire API: JSON text and mappings to contract objects and back."""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Callable, Hashable
from functools import cache
from typing import Any, TypeVar, cast

import attrs
import orjson
from cattrs import ForbiddenExtraKeysError
from cattrs.v import transform_error

from contracts._converter import converter
from contracts._hooks import MismatchError, camel
from contracts.errors import ContractError, Problem, ProblemKind

T = TypeVar("T")

# A path from transform_error: attribute steps (".start_time") to rename, and index or mapping-key
# steps ("[0]", "['a.b_c']") to keep as they are, whatever a key holds.
_STEP = re.compile(r"""\.(\w+)|\[(?:\d+|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\]""")


def loads(data: str | bytes, model: type[T], *, strict: bool = True) -> T:
    """Decode JSON text into ``model``; raise ``ContractError`` listing every problem."""
    try:
        mapping = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        problem = Problem(path="$", expected="JSON text", got=str(exc), kind=ProblemKind.SYNTAX)
        raise ContractError(model, [problem]) from None
    return structure(mapping, model, strict=strict)


def structure(mapping: Any, model: type[T], *, strict: bool = True) -> T:
    """Build ``model`` from decoded JSON; raise ``ContractError`` listing every problem.

    Strict mode (the default) takes exactly what the API sends; tolerant mode ignores unknown
    keys, reads null as absent and keeps an unknown enum value as its raw string.
    """
    try:
        hook: Callable[[Any, Any], T] = _structure_hook(cast(Hashable, model), strict)
        return hook(mapping, model)
    except Exception:  # noqa: BLE001 - any failure is re-run below to name every problem
        pass
    try:
        converter(strict=strict, detailed=True).structure(mapping, model)
    except Exception as exc:  # noqa: BLE001 - cattrs groups hook errors of any type
        raise ContractError(model, _problems(exc)) from None
    raise AssertionError("the detailed converter accepted what the fast one refused")


def unstructure(obj: Any) -> dict[str, Any]:
    """The wire mapping of a contract object: camelCase keys, absent fields left out."""
    result: dict[str, Any] = _unstructure_hook(obj.__class__)(obj)
    return result


def dumps(obj: Any) -> str:
    """The wire JSON of a contract object, timestamps as ``yyyy-MM-ddTHH:mm:ss.SSSZ``."""
    return orjson.dumps(unstructure(obj)).decode()


@cache
def wire_fields(model: type) -> tuple[tuple[str, type | None], ...]:
    """``model``'s wire keys in field order, each with the contract model its value nests (alone,
    optional or in a tuple), or None: what projecting another model's wire mapping onto it needs."""
    return tuple(
        (camel(field.name), _nested_model(field.type)) for field in attrs.fields(attrs.resolve_types(model))
    )


def _nested_model(annotation: Any) -> type | None:
    if attrs.has(annotation):
        return cast(type, annotation)
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, tuple):
        found = [_nested_model(arg) for arg in typing.get_args(annotation) if arg is not Ellipsis]
        return next((model for model in found if model is not None), None)
    return None


# The hooks of each class, found once: finding them through converter() and cattrs' dispatch on
# every call cost a twentieth of encoding or decoding a callback (benchmarks/README.md).
@cache
def _unstructure_hook(cls: Any) -> Callable[[Any], Any]:
    return converter(strict=True, detailed=False).get_unstructure_hook(cls)


@cache
def _structure_hook(model: Hashable, strict: bool) -> Callable[[Any, Any], Any]:
    return converter(strict=strict, detailed=False).get_structure_hook(model)


def _problems(exc: BaseException) -> list[Problem]:
    # transform_error walks cattrs' exception groups and builds the paths; each leaf comes back
    # as "<marker> @ <path>", the marker indexing the leaf exception kept here.
    leaves: list[BaseException] = []

    def remember(leaf: BaseException, _type: Any) -> str:
        leaves.append(leaf)
        return str(len(leaves) - 1)

    problems: list[Problem] = []
    for line in transform_error(exc, "$", remember):
        marker, _, python_path = line.partition(" @ ")
        path = _STEP.sub(_wire_step, python_path)
        problems.extend(_describe(leaves[int(marker)], path))
    return problems


def _wire_step(step: re.Match[str]) -> str:
    attribute = step.group(1)
    return step.group(0) if attribute is None else "." + camel(attribute)


def _describe(leaf: BaseException, path: str) -> list[Problem]:
    if isinstance(leaf, MismatchError):
        return [Problem(path=path, expected=leaf.expected, got=_show(leaf.value), kind=leaf.kind)]
    if isinstance(leaf, ForbiddenExtraKeysError):
        return [
            Problem(
                path=f"{path}.{key}",
                expected="no such field",
                got=f"unknown field {key!r}",
                kind=ProblemKind.UNKNOWN_FIELD,
            )
            for key in sorted(leaf.extra_fields)
        ]
    if isinstance(leaf, KeyError):
        return [Problem(path=path, expected="a value", got="nothing", kind=ProblemKind.MISSING)]
    return [Problem(path=path, expected="a valid value", got=repr(leaf), kind=ProblemKind.TYPE)]


def _show(value: object) -> str:
    """What arrived, short: strings as Python literals, the rest as JSON."""
    if isinstance(value, str):
        text = repr(value)
    else:
        try:
            text = orjson.dumps(value).decode()
        except TypeError:  # beyond what orjson writes (an integer wider than 64 bits)
            text = json.dumps(value)
    return text if len(text) <= 80 else text[:77] + "..."
