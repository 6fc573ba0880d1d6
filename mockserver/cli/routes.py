"""``drift --routes``: the mock's routes against the official API description, operation by operation.

The mock's side is what it serves: every ``/api/v2`` rule of its URL map, with the bodies its own
OpenAPI document derives from the contract, the error codes each view declares (``@operation``'s
``codes``) and the permissions it checks (``mockserver/web/permissions.py``, read from the committed
copy: against another description, a route whose permissions moved is a difference). The API's
side is a Swagger 2.0 document, the official description Genesys publishes
(``GET https://api.{region}/api/v2/docs/swagger``) or the filtered copy this project commits
(``contracts/api/genesys-swagger.json``). Both are brought to one small vocabulary per operation
(path, method, success statuses, error statuses and codes, permissions, request and answer bodies)
and compared; a body is compared as a tree (property sets, ``required`` lists and enum values,
model by model), each model once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from enum import Enum
from typing import Any

import attrs
from flask import Flask

from contracts import camel
from mockserver.config import Audience, Paths
from mockserver.errors import MockServerError
from mockserver.state.errors import VALIDATION_CODES, platform_code
from mockserver.web.openapi import document
from mockserver.web.openapi.operation import declared
from mockserver.web.permissions import MISSING_PERMISSION_CODES, for_rule

API_PREFIX = "/api/v2/"
SWAGGER_REF = "#/definitions/"
OPENAPI_REF = "#/components/schemas/"
ALL = "*"  # the place of a difference that holds for every operation


class RouteDescriptionError(MockServerError, ValueError):
    """A document is not a Swagger 2.0 description, or a list of known differences cannot be read."""


class DifferenceKind(str, Enum):
    """How the mock differs from the API in one place. "Not served": the API has it, the mock not."""

    OPERATION_NOT_IN_API = "operation-not-in-api"
    SUCCESS_NOT_SERVED = "success-status-not-served"
    SUCCESS_NOT_IN_API = "success-status-not-in-api"
    ERROR_STATUS_NOT_IN_API = "error-status-not-in-api"
    ERROR_CODE_NOT_IN_API = "error-code-not-in-api"
    ERROR_CODE_NOT_SERVED = "error-code-not-served"
    PERMISSIONS_NOT_CHECKED = "permissions-not-checked"
    PERMISSIONS_NOT_IN_API = "permissions-not-in-api"
    BODY_NOT_SERVED = "body-not-served"
    BODY_NOT_IN_API = "body-not-in-api"
    PROPERTY_NOT_SERVED = "property-not-served"
    PROPERTY_NOT_IN_API = "property-not-in-api"
    REQUIRED_NOT_SERVED = "required-not-served"
    REQUIRED_NOT_IN_API = "required-not-in-api"
    ENUM_VALUES_NOT_SERVED = "enum-values-not-served"
    ENUM_VALUES_NOT_IN_API = "enum-values-not-in-api"


@attrs.frozen
class Difference:
    """One difference: ``where`` is an operation (``POST /api/v2/...``), a model (``definition X``) or ``*``."""

    where: str
    kind: DifferenceKind
    item: str

    @property
    def key(self) -> str:
        """The line that names this difference in a list of known ones (before its reason)."""
        return f"{self.where} | {self.kind.value} | {self.item}"


@attrs.frozen(kw_only=True)
class RouteOperation:
    """One operation, as one side states it. ``permissions`` is None where nothing is checked."""

    method: str
    path: str
    request: dict[str, Any] | None = None
    successes: dict[int, dict[str, Any] | None] = attrs.field(factory=dict)
    codes: dict[int, frozenset[str]] = attrs.field(factory=dict)  # error status -> the codes it answers
    permissions: tuple[str, frozenset[str]] | None = None  # ("ALL" or "ANY", the permissions)
    any_success: bool = False  # a Swagger ``default`` answer: success without a named status

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"


def template(path: str) -> str:
    """A path with its parameters unnamed, so ``{id}`` and ``{conversationId}`` meet."""
    return re.sub(r"\{[^}]*\}", "{}", path)


# -- the mock's side -------------------------------------------------------------------------------

_RULE_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def served_operations(app: Flask) -> list[RouteOperation]:
    """Every operation ``app`` serves under ``/api/v2`` (the control API, the document and the login host are outside)."""
    described = document(app)
    audience = Paths.of(app.config).audience
    served: list[RouteOperation] = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if not rule.rule.startswith(API_PREFIX) or audience(rule.rule) is not Audience.API:
            continue
        path = _RULE_PARAMETER.sub(lambda m: "{" + camel(m.group(1)) + "}", rule.rule)
        methods = set(rule.methods or ()) - {"OPTIONS"}
        if "GET" in methods:
            methods.discard("HEAD")  # Flask answers HEAD for every GET
        operation = declared(app.view_functions[rule.endpoint])
        declared_codes = operation.codes if operation is not None else {}
        for method in sorted(methods):
            body = described["paths"].get(path, {}).get(method.lower(), {})
            checked = for_rule(method, rule.rule)
            served.append(_served(method, path, body, described, declared_codes, checked))
    return served


def _served(
    method: str,
    path: str,
    body: dict[str, Any],
    described: dict[str, Any],
    declared_codes: dict[int, tuple[str, ...]],
    checked: tuple[str, tuple[str, ...]] | None,
) -> RouteOperation:
    schemas = described["components"]["schemas"]
    request = body.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    successes: dict[int, dict[str, Any] | None] = {}
    codes: dict[int, frozenset[str]] = {}
    for status_text, response in body.get("responses", {"200": {}}).items():
        status = int(status_text)
        if status < 400:
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            successes[status] = None if schema is None else _bind(schema, schemas, OPENAPI_REF)
        else:
            codes[status] = _generic_codes(status)
    for status, own in declared_codes.items():  # the route's own codes (``@operation(codes=...)``)
        codes[status] = codes.get(status, frozenset()) | set(own)
    if checked is not None:  # the permission check's 403 (web/permissions.py)
        refusal = MISSING_PERMISSION_CODES[checked[0]]
        codes[403] = codes.get(403, frozenset()) | {refusal}
    return RouteOperation(
        method=method,
        path=path,
        request=None if request is None else _bind(request, schemas, OPENAPI_REF),
        successes=successes,
        codes=codes,
        permissions=None if checked is None else (checked[0], frozenset(checked[1])),
    )


def _generic_codes(status: int) -> frozenset[str]:
    """The codes the mock answers ``status`` with on any route that can answer it."""
    code = platform_code(status)
    return frozenset(({code} if code else set()) | (VALIDATION_CODES if status == 400 else set()))


# -- the API's side --------------------------------------------------------------------------------


def description_operations(description: Any, *, source: str) -> list[RouteOperation]:
    """Every operation of a Swagger 2.0 description; ``source`` names it in errors."""
    if not isinstance(description, dict) or not isinstance(description.get("paths"), dict):
        raise RouteDescriptionError(f"{source}: not a Swagger 2.0 description: no paths object at $.paths")
    if description.get("swagger") != "2.0":
        raise RouteDescriptionError(
            f"{source}: not a Swagger 2.0 description: $.swagger is {description.get('swagger')!r}, expected '2.0'"
        )
    definitions = description.get("definitions", {})
    operations: list[RouteOperation] = []
    for path, item in description["paths"].items():
        for method, body in item.items():
            if method == "parameters" or not isinstance(body, dict):
                continue
            operations.append(_described(method.upper(), path, body, definitions))
    return operations


def _described(method: str, path: str, body: dict[str, Any], definitions: dict[str, Any]) -> RouteOperation:
    request = next((p["schema"] for p in body.get("parameters", ()) if p.get("in") == "body"), None)
    successes: dict[int, dict[str, Any] | None] = {}
    codes: dict[int, frozenset[str]] = {}
    responses = body.get("responses", {})
    for status_text, response in responses.items():
        if not status_text.isdigit():
            continue
        status = int(status_text)
        if status < 400:
            schema = response.get("schema")
            successes[status] = None if schema is None else _bind(schema, definitions, SWAGGER_REF)
        else:
            codes[status] = frozenset(response.get("x-inin-error-codes", {}))
    required = body.get("x-inin-requires-permissions")
    permissions = None
    if isinstance(required, dict):
        permissions = (str(required.get("type", "ALL")), frozenset(required.get("permissions", ())))
    return RouteOperation(
        method=method,
        path=path,
        request=None if request is None else _bind(request, definitions, SWAGGER_REF),
        successes=successes,
        codes=codes,
        permissions=permissions,
        any_success="default" in responses,
    )


# -- schemas, resolved lazily ----------------------------------------------------------------------


def _bind(node: dict[str, Any], models: dict[str, Any], prefix: str) -> dict[str, Any]:
    """A schema node with the models its ``$ref``s (``prefix`` + name) can reach."""
    return {"node": node, "models": models, "prefix": prefix}


def _resolve(bound: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """A node's model name (if a ``$ref`` names one) and the node with refs followed and ``allOf`` merged."""
    node, models, prefix = bound["node"], bound["models"], bound["prefix"]
    name = None
    while "$ref" in node:
        name = node["$ref"].removeprefix(prefix)
        node = models.get(name, {})
    if "allOf" in node:
        merged: dict[str, Any] = {"properties": {}, "required": []}
        for part in node["allOf"]:
            part_name, resolved = _resolve({"node": part, "models": models, "prefix": prefix})
            name = name or part_name
            for key, value in resolved.items():
                if key == "properties":
                    for prop, schema in value.items():
                        merged["properties"].setdefault(prop, schema)
                elif key == "required":
                    merged["required"] += value
                else:
                    merged.setdefault(key, value)
        node = merged
    return name, node


def _child(bound: dict[str, Any], node: Any) -> dict[str, Any]:
    return {
        "node": node if isinstance(node, dict) else {},
        "models": bound["models"],
        "prefix": bound["prefix"],
    }


# -- the comparison --------------------------------------------------------------------------------


def compare_routes(served: Iterable[RouteOperation], described: Iterable[RouteOperation]) -> list[Difference]:
    """Every difference between the operations the mock serves and the description's."""
    served = list(served)
    by_template = {(op.method, template(op.path)): op for op in described}
    # Counted over the operations compared, so a full description and a filtered copy agree.
    platform = _platform_codes(
        [op for ours in served if (op := by_template.get((ours.method, template(ours.path)))) is not None]
    )
    differences: list[Difference] = []
    seen: set[tuple[str | None, str | None]] = set()
    for ours in served:
        theirs = by_template.get((ours.method, template(ours.path)))
        if theirs is None:
            differences.append(Difference(ours.name, DifferenceKind.OPERATION_NOT_IN_API, ours.path))
            continue
        differences.extend(_statuses(ours, theirs, platform))
        differences.extend(_permissions(ours, theirs))
        differences.extend(_bodies(ours, theirs, seen))
    return differences


def _permissions(ours: RouteOperation, theirs: RouteOperation) -> Iterator[Difference]:
    """The description's permissions where the mock checks others (or none); the mock's where it names none."""
    if ours.permissions == theirs.permissions:
        return
    kind_of = (
        DifferenceKind.PERMISSIONS_NOT_CHECKED
        if theirs.permissions
        else DifferenceKind.PERMISSIONS_NOT_IN_API
    )
    kind, names = theirs.permissions or ours.permissions or ("", frozenset())
    yield Difference(theirs.name, kind_of, f"{kind} {' '.join(sorted(names))}")


def _platform_codes(described: list[RouteOperation]) -> frozenset[str]:
    """The codes at least half the compared operations list (``bad.request``): the platform's, not a route's."""
    counts: dict[str, int] = {}
    for op in described:
        for code in frozenset().union(*op.codes.values()):
            counts[code] = counts.get(code, 0) + 1
    return frozenset(code for code, count in counts.items() if 2 * count >= len(described))


def _statuses(ours: RouteOperation, theirs: RouteOperation, platform: frozenset[str]) -> Iterator[Difference]:
    name = theirs.name
    for status in sorted(theirs.successes.keys() - ours.successes.keys()):
        yield Difference(name, DifferenceKind.SUCCESS_NOT_SERVED, str(status))
    if not (theirs.any_success and not theirs.successes):  # "default" alone: any success status is one
        for status in sorted(ours.successes.keys() - theirs.successes.keys()):
            yield Difference(name, DifferenceKind.SUCCESS_NOT_IN_API, str(status))
    for status in sorted(ours.codes.keys() - theirs.codes.keys()):
        yield Difference(name, DifferenceKind.ERROR_STATUS_NOT_IN_API, str(status))
    theirs_codes = frozenset().union(*theirs.codes.values())
    ours_codes = frozenset().union(*ours.codes.values())
    for status, codes in sorted(ours.codes.items()):
        if status in theirs.codes:
            for code in sorted(codes - theirs_codes):
                yield Difference(name, DifferenceKind.ERROR_CODE_NOT_IN_API, f"{status} {code}")
    for status, codes in sorted(theirs.codes.items()):
        for code in sorted(codes - ours_codes - platform):
            yield Difference(name, DifferenceKind.ERROR_CODE_NOT_SERVED, f"{status} {code}")


def _bodies(
    ours: RouteOperation, theirs: RouteOperation, seen: set[tuple[str | None, str | None]]
) -> Iterator[Difference]:
    name = theirs.name
    pairs: list[tuple[str, dict[str, Any] | None, dict[str, Any] | None]] = [
        ("request", ours.request, theirs.request)
    ]
    pairs += [
        (f"response {status}", ours.successes[status], theirs.successes[status])
        for status in sorted(ours.successes.keys() & theirs.successes.keys())
    ]
    for place, our_body, their_body in pairs:
        if our_body is None and their_body is not None:
            yield Difference(name, DifferenceKind.BODY_NOT_SERVED, place)
        elif our_body is not None and their_body is None:
            yield Difference(name, DifferenceKind.BODY_NOT_IN_API, place)
        elif our_body is not None and their_body is not None:
            yield from _tree(our_body, their_body, f"{name} {place} $", seen)


def _tree(
    ours: dict[str, Any], theirs: dict[str, Any], where: str, seen: set[tuple[str | None, str | None]]
) -> Iterator[Difference]:
    """The differences of two schemas, model by model; each pair of models is compared once."""
    our_name, our_node = _resolve(ours)
    their_name, their_node = _resolve(theirs)
    if their_name is not None:
        if (our_name, their_name) in seen:
            return
        seen.add((our_name, their_name))
        where = f"definition {their_name}"
    if their_node.get("type") == "array" or our_node.get("type") == "array":
        yield from _tree(
            _child(ours, our_node.get("items")), _child(theirs, their_node.get("items")), f"{where}[]", seen
        )
        return
    yield from _enums(our_node, their_node, where)
    if their_node.get("type") == "object" and not their_node.keys() & {"properties", "additionalProperties"}:
        return  # the API's free-form object holds any model: the mock may name the one it holds
    our_props: dict[str, Any] = our_node.get("properties", {})
    their_props: dict[str, Any] = their_node.get("properties", {})
    if not our_props and not their_props:
        our_map, their_map = our_node.get("additionalProperties"), their_node.get("additionalProperties")
        if isinstance(our_map, dict) and isinstance(their_map, dict):
            yield from _tree(_child(ours, our_map), _child(theirs, their_map), f"{where}{{}}", seen)
        return
    for prop in sorted(their_props.keys() - our_props.keys()):
        yield Difference(where, DifferenceKind.PROPERTY_NOT_SERVED, prop)
    for prop in sorted(our_props.keys() - their_props.keys()):
        yield Difference(where, DifferenceKind.PROPERTY_NOT_IN_API, prop)
    our_required, their_required = set(our_node.get("required", ())), set(their_node.get("required", ()))
    for prop in sorted(their_required - our_required):
        yield Difference(where, DifferenceKind.REQUIRED_NOT_SERVED, prop)
    for prop in sorted(our_required - their_required):
        yield Difference(where, DifferenceKind.REQUIRED_NOT_IN_API, prop)
    for prop in sorted(our_props.keys() & their_props.keys()):
        yield from _tree(
            _child(ours, our_props[prop]), _child(theirs, their_props[prop]), f"{where}.{prop}", seen
        )


def _enums(ours: dict[str, Any], theirs: dict[str, Any], where: str) -> Iterator[Difference]:
    our_values = set(ours.get("enum", ())) or ({ours["const"]} if "const" in ours else set())
    their_values = set(theirs.get("enum", ()))
    if not their_values:
        return  # an open string in the API: the mock may name the values it knows
    if not our_values:
        yield Difference(where, DifferenceKind.ENUM_VALUES_NOT_SERVED, "(an open string in the mock)")
        return
    if their_values - our_values:
        yield Difference(
            where, DifferenceKind.ENUM_VALUES_NOT_SERVED, " ".join(sorted(their_values - our_values))
        )
    if our_values - their_values:
        yield Difference(
            where, DifferenceKind.ENUM_VALUES_NOT_IN_API, " ".join(sorted(our_values - their_values))
        )
