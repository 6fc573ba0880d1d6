"""The document's OpenAPI links: which answer's ids a later request can name, derived from the contract.

A field declared with ``entity=`` (``contracts.id_paths``) holds an entity's id: in an answer, it
is an id the server made; in a request body, one the request names. A path parameter
``{conversationId}`` names a conversation. An operation's success answer links to every operation
whose ids it holds all of (a create answer's conversation id and callback ids: the reads, the
reschedule, the disconnects), with the runtime expressions that fill them in. The links are what
a client (or schemathesis' stateful phase) follows from a create to what comes after it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, get_args, get_origin

import attrs

from contracts import camel, id_paths
from mockserver.web.openapi.operation import Operation

IdPath = tuple[str | int, ...]  # as contracts.id_paths gives them
_ID = "_id"  # a path parameter <conversation_id> names a conversation


def add(documented: Iterable[tuple[Operation, set[str], dict[str, Any]]]) -> None:
    """Add to each documented operation's success answers (its object, built) the links their ids make."""
    documented = list(documented)
    for source, _, built in documented:
        for status, model in source.responses.items():
            held = _first_paths(model)
            made = {
                target.operation_id: link
                for target, arguments, _ in documented
                if (link := _link(held, target, arguments)) is not None
            }
            if made and 200 <= status < 300:
                built["responses"][str(status)]["links"] = made


def _link(held: dict[str, IdPath], target: Operation, arguments: set[str]) -> dict[str, Any] | None:
    """The link to ``target`` from an answer holding ``held``, if it holds every id ``target`` names."""
    parameters = {camel(name): name.removesuffix(_ID) for name in sorted(arguments) if name.endswith(_ID)}
    body = _paths(target.request)
    wanted = set(parameters.values()) | {entity for _, entity in body}
    if not wanted or not wanted <= held.keys():
        return None
    link: dict[str, Any] = {"operationId": target.operation_id}
    if parameters:
        link["parameters"] = {
            f"path.{name}": _expression(held[entity]) for name, entity in parameters.items()
        }
    if body:
        template: Any = None
        for path, entity in body:
            template = _put(template, path, _expression(held[entity]))
        link["requestBody"] = template
    return link


def _paths(model: Any) -> list[tuple[IdPath, str]]:
    """``id_paths`` of a body: a model, or ``tuple[model, ...]`` (its first item's); none for others."""
    if get_origin(model) is tuple:
        return [((0, *path), entity) for path, entity in _paths(get_args(model)[0])]
    return id_paths(model) if isinstance(model, type) and attrs.has(model) else []


def _first_paths(model: Any) -> dict[str, IdPath]:
    """Where an answer first holds each entity's id."""
    held: dict[str, IdPath] = {}
    for path, entity in _paths(model):
        held.setdefault(entity, path)
    return held


def _expression(path: IdPath) -> str:
    return "$response.body#/" + "/".join(str(key) for key in path)


def _put(node: Any, path: IdPath, value: Any) -> Any:
    """``node`` (None, a dict or a one-item list) with ``value`` at ``path``."""
    if not path:
        return value
    key, *rest = path
    if key == 0:
        return [_put(node[0] if node else None, tuple(rest), value)]
    mapping = dict(node or {})
    mapping[key] = _put(mapping.get(key), tuple(rest), value)
    return mapping
