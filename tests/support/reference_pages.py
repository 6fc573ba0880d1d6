"""The documentation's generated reference pages: the control API's routes and the API's routes.

Each table is rendered from the code: the control API's from ``AdminRoutes`` (method and path, in
the table's order), the summary and body each view declares for the OpenAPI document, and the
``AdminClient`` method that calls the route; the API's from the same document. A page keeps its
table between two markers; ``tests/test_docs.py`` checks each page holds what the code renders, and
``python -m tests.support.reference_pages`` writes them after a route changes.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
import textwrap
from pathlib import Path
from typing import Any

import contracts
from mockserver.app import create_app
from mockserver.control.client import AdminClient, ClockControl
from mockserver.control.route_table import AdminRoutes
from mockserver.web.openapi import document

ROOT = Path(__file__).resolve().parent.parent.parent
CONTROL_PAGE = ROOT / "docs" / "reference" / "control-api.md"
API_PAGE = ROOT / "docs" / "reference" / "api-routes.md"
_PARAMETER = re.compile(r"\{(\w+)\}")


def _document() -> dict[str, Any]:
    """The OpenAPI document of a server on the default config (no conversations: only its routes matter)."""
    return document(create_app({"CONVERSATIONS": 0}))


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _callers() -> dict[str, list[str]]:
    """Each route's name -> the client methods that call it (``clock.`` for the clock's), in source order."""
    callers: dict[str, list[str]] = {}
    for cls, prefix in ((AdminClient, ""), (ClockControl, "clock.")):
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef) or function.name.startswith("_"):
                continue
            for node in ast.walk(function):
                if (
                    isinstance(node, ast.Attribute)
                    and isinstance(node.value, ast.Name)
                    and node.value.id in ("AdminRoutes", "ControlRoutes")
                ):
                    names = callers.setdefault(node.attr, [])
                    if f"{prefix}{function.name}()" not in names:
                        names.append(f"{prefix}{function.name}()")
    return callers


def _body(operation: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The name of a call's JSON body schema ("" for none) and that schema's narrowing, if any."""
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    if body is None:
        return "", {}
    ref = body.get("$ref") or body.get("allOf", [{}])[0].get("$ref", "")
    return ref.rsplit("/", 1)[-1], body


def _takes(operation: dict[str, Any], schemas: dict[str, Any]) -> str:
    """What a control call takes: its query (``?a=&b=``) and its body, by the keys a client may send.

    A contract model (a Conversation, a Callback) is named instead: its fields are the contract's.
    """
    query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    parts = ["?" + "&".join(f"{name}=" for name in query)] if query else []
    name, _ = _body(operation)
    if name and hasattr(contracts, name):
        parts.append(f"`{name}`")
    elif name:
        properties = schemas[name].get("properties", {})
        keys = [key for key, schema in properties.items() if not schema.get("readOnly")]
        parts.append("`{" + ", ".join(f'"{key}"' for key in keys) + "}`")
    return " ".join(parts)


def render_control_api() -> str:
    """The control API's table, one row per route of ``AdminRoutes`` in its order."""
    doc = _document()
    prefix = create_app({"CONVERSATIONS": 0}).config["ADMIN_PREFIX"]
    callers = _callers()
    rows = [
        "| control call | takes | Python (`AdminClient`, the fixture object) | what it does | answers |",
        "|---|---|---|---|---|",
    ]
    for name, route in AdminRoutes.all().items():
        path = prefix + _PARAMETER.sub(lambda m: "{" + _camel(m[1]) + "}", route.path)
        operation = doc["paths"][path][route.method.lower()]
        statuses = ", ".join(sorted(operation["responses"]))
        python = ", ".join(f"`{method}`" for method in callers.get(name, [])) or "(none)"
        takes = _takes(operation, doc["components"]["schemas"])
        rows.append(f"| `{route.method} {path}` | {takes} | {python} | {operation['summary']} | {statuses} |")
    return "\n".join(rows) + "\n"


def render_api_routes() -> str:
    """The API's routes (every documented path outside the control API), grouped by the SDK's API class."""
    doc = _document()
    prefix = create_app({"CONVERSATIONS": 0}).config["ADMIN_PREFIX"]
    rows = [
        "| request | SDK operation | summary | body | answers |",
        "|---|---|---|---|---|",
    ]
    found = [
        (operation["tags"][0], path, method, operation)
        for path, operations in doc["paths"].items()
        if not path.startswith(prefix + "/")
        for method, operation in operations.items()
    ]
    for tag, path, method, operation in sorted(found, key=lambda row: (row[0], row[1], row[2])):
        named, _ = _body(operation)
        shown = f"`{named}`" if named else ""
        statuses = ", ".join(sorted(operation["responses"]))
        rows.append(
            f"| `{method.upper()} {path}` | {tag}: `{operation['operationId']}` | {operation['summary']} "
            f"| {shown} | {statuses} |"
        )
    return "\n".join(rows) + "\n"


PAGES = {CONTROL_PAGE: ("control-api", render_control_api), API_PAGE: ("api-routes", render_api_routes)}


def between(text: str, marker: str) -> str:
    """What a page holds between ``<!-- MARKER:start -->`` and ``<!-- MARKER:end -->``."""
    start, end = f"<!-- {marker}:start -->\n", f"<!-- {marker}:end -->"
    if start not in text or end not in text:
        raise ValueError(f"the page has no {start.strip()} ... {end} markers")
    return text.split(start, 1)[1].split(end, 1)[0]


def write() -> None:
    """Put each page's freshly rendered table between its markers."""
    for page, (marker, render) in PAGES.items():
        text = page.read_text()
        old = between(text, marker)
        page.write_text(
            text.replace(f"<!-- {marker}:start -->\n{old}", f"<!-- {marker}:start -->\n{render()}")
        )


if __name__ == "__main__":
    write()
    sys.stdout.write("".join(f"{page.relative_to(ROOT)}\n" for page in PAGES))
