"""The OpenAPI 3.1 document of a running app, built from its routes and the contract.

Each view declares what it takes and answers with ``@operation`` (``operation``); ``document(app)``
walks the app's URL map, so a route that is not registered (the control API switched off) is not
documented, and every body's schema comes from the attrs class the view decodes or encodes.
"""

from __future__ import annotations

import re
from typing import Any, get_args, get_origin

import orjson
from flask import Flask, Response, current_app

from contracts import ErrorBody, WireEnum, camel, definitions_for
from mockserver.config import CORRELATION_HEADER, OPENAPI_PATH, Audience, Paths
from mockserver.state.errors import http_error, status_phrase
from mockserver.state.limits import Limits
from mockserver.web.openapi import links
from mockserver.web.openapi.operation import Operation, declared
from mockserver.web.wire import raw_json

OPENAPI_VERSION = "3.1.0"
# Faults and the rate limiter can answer any API request with these.
INJECTABLE_ERRORS = (429, 500, 503, 504)


def document(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``app``'s documented routes."""
    schemas: dict[str, dict[str, Any]] = {}
    paths: dict[str, dict[str, Any]] = {}
    audience = Paths.of(app.config).audience
    limits = Limits.of(app.config)  # the bounds of what the API stores, as this app is configured
    documented: list[tuple[Operation, set[str], dict[str, Any]]] = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        described = declared(app.view_functions[rule.endpoint])
        if described is None:
            continue
        path = _PARAMETER.sub(lambda m: "{" + camel(m.group(1)) + "}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            body = paths.setdefault(path, {})[method.lower()] = _operation(
                described,
                rule.arguments,
                schemas,
                control=audience(rule.rule) is Audience.CONTROL,
                admin_token=bool(app.config.get("ADMIN_TOKEN")),
                limits=limits,
            )
            documented.append((described, rule.arguments, body))
    links.add(documented)
    definitions_for(ErrorBody, schemas, ref_prefix="#/components/schemas/")
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Genesys Cloud callbacks (callback-contracts mock server)",
            "version": "v2",
            "description": "The callback routes of the Genesys Cloud Platform API as the mock server serves "
            "them, and the mock's control API. Generated from the contract and the registered routes.",
        },
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Any token, unless TOKENS is set.",
                },
                "adminBearer": {"type": "http", "scheme": "bearer", "description": "The ADMIN_TOKEN."},
            },
            "headers": {
                "CorrelationId": {
                    "description": "The request's correlation id (an error body's contextId).",
                    "required": True,
                    "schema": {"type": "string"},
                },
                "RetryAfter": {
                    "description": "Seconds to wait before retrying.",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 0},
                },
            },
        },
    }


_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def _operation(
    described: Operation,
    arguments: set[str],
    schemas: dict[str, Any],
    *,
    control: bool,
    admin_token: bool,
    limits: Limits,
) -> dict[str, Any]:
    """One operation's object; a ``control`` API route has its own token and no injected errors."""
    ref = "#/components/schemas/"
    body: dict[str, Any] = {
        "summary": described.summary,
        "operationId": described.operation_id,
        "tags": [described.tag],
    }
    parameters = [
        {"name": camel(name), "in": "path", "required": True, "schema": {"type": "string"}}
        for name in sorted(arguments)
    ]
    parameters += [
        {"name": q.name, "in": "query", "required": False, "description": q.description, "schema": q.schema}
        for q in described.query
    ]
    if parameters:
        body["parameters"] = parameters
    if described.request is not None:
        schema = _narrowed(_schema(described.request, schemas, ref), described.narrowing)
        bounds = None if control else limits.schema(described.request)
        if bounds is not None:  # an API body's texts, numbers and attributes (mockserver.state.limits), last
            schema = {"allOf": [*schema.get("allOf", [schema]), bounds]}
        required = not described.optional_body
        body["requestBody"] = {"required": required, "content": {"application/json": {"schema": schema}}}
    responses: dict[str, Any] = {}
    for status, model in sorted(described.responses.items()):
        response: dict[str, Any] = {"description": status_phrase(status), "headers": _headers()}
        if model is not None:
            response["content"] = {"application/json": {"schema": _schema(model, schemas, ref)}}
        responses[str(status)] = response
    errors = set(described.errors) | {401}
    if described.request is not None:
        errors |= {400, 413, 415}
    if arguments:
        errors.add(404)
    if not control:
        errors |= set(INJECTABLE_ERRORS)
    elif not admin_token:
        errors.discard(401)
    for status in sorted(errors):
        headers = _headers()
        if status == 429:
            headers["Retry-After"] = {"$ref": "#/components/headers/RetryAfter"}
        responses[str(status)] = {
            "description": http_error(status).message,
            "headers": headers,
            "content": {"application/json": {"schema": {"$ref": f"{ref}ErrorBody"}}},
        }
    body["responses"] = responses
    if control:
        body["security"] = [{"adminBearer": []}] if admin_token else []
    else:
        body["security"] = [{"bearer": []}]
    return body


def _narrowed(schema: dict[str, Any], narrowing: dict[str, Any] | None) -> dict[str, Any]:
    return schema if narrowing is None else {"allOf": [schema, narrowing]}


def _schema(model: Any, schemas: dict[str, Any], ref: str) -> dict[str, Any]:
    """A response body's schema: a model, a JSON array of one (``tuple[X, ...]``), or an enum's string."""
    if get_origin(model) is tuple:
        return {"type": "array", "items": definitions_for(get_args(model)[0], schemas, ref_prefix=ref)}
    if isinstance(model, type) and issubclass(model, WireEnum):
        return {"type": "string", "enum": [member.value for member in model]}
    if model is str:  # a bare JSON string (PUT .../tags answers the tag)
        return {"type": "string"}
    return definitions_for(model, schemas, ref_prefix=ref)


def _headers() -> dict[str, Any]:
    return {CORRELATION_HEADER: {"$ref": "#/components/headers/CorrelationId"}}


def dumps(app: Flask) -> bytes:
    """The document as JSON bytes."""
    return orjson.dumps(document(app), option=orjson.OPT_INDENT_2)


def _served() -> Response:
    """The OpenAPI 3.1 document of this app's routes (no token needed)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    # The routes are fixed once the app is made: the document is built on first request, then kept.
    document: bytes | None = app.extensions.get(_DOCUMENT)
    if document is None:
        document = app.extensions[_DOCUMENT] = dumps(app)
    return raw_json(document)


_DOCUMENT = "callback_mock_openapi"


def init_app(app: Flask) -> None:
    """Serve the document at ``OPENAPI_PATH``."""
    app.add_url_rule(OPENAPI_PATH, "openapi", _served)
