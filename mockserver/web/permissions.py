"""Each API route's permissions as the official API description names them, checked before its view runs.

The table is read from the committed copy of the description (``contracts/api/genesys-swagger.json``,
its ``x-inin-requires-permissions``: ALL or ANY of a list) once per process, never retyped here. A
route the description names no permissions for checks none. A caller missing them is answered as
Genesys answers: 403 ``missing.permissions`` (ALL) or ``missing.any.permissions`` (ANY), the
message naming the permissions wanted (in the description's wording; the list's brackets are the
mock's choice).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import orjson

from mockserver.state.errors import ApiError
from mockserver.state.identity import Principal

_RULE_PARAMETER = re.compile(r"<(?:\w+:)?\w+>")
_PATH_PARAMETER = re.compile(r"\{[^}]*\}")
MISSING_PERMISSION_CODES = {"ALL": "missing.permissions", "ANY": "missing.any.permissions"}  # the 403's code
MISSING_ALL = "Unable to perform the requested action. You are missing the following permission(s): [{}]"
MISSING_ANY = (
    "Unable to perform the requested action. You must have at least one of the following permissions "
    "assigned: [{}]"
)


@cache
def table() -> dict[tuple[str, str], tuple[str, tuple[str, ...]]]:
    """(method, path with its parameters unnamed) -> ("ALL" or "ANY", the permissions), from the description."""
    text = resources.files("contracts").joinpath("api").joinpath("genesys-swagger.json").read_bytes()
    required: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}
    for path, operations in orjson.loads(text)["paths"].items():
        for method, operation in operations.items():
            wanted = operation.get("x-inin-requires-permissions") if isinstance(operation, dict) else None
            if wanted and wanted.get("permissions"):
                key = (method.upper(), _PATH_PARAMETER.sub("{}", path))
                required[key] = (str(wanted.get("type", "ALL")), tuple(wanted["permissions"]))
    return required


@cache  # a method and a Flask rule: as many as the routes
def for_rule(method: str, rule: str) -> tuple[str, tuple[str, ...]] | None:
    """What a Flask rule (``/api/v2/conversations/<conversation_id>``) requires for ``method``, or None."""
    return table().get((method, _RULE_PARAMETER.sub("{}", rule)))


def check(principal: Principal, method: str, rule: str) -> None:
    """Raise the API's 403 if ``principal`` lacks what the route requires."""
    required = for_rule("GET" if method == "HEAD" else method, rule)
    if required is None:
        return
    kind, permissions = required
    if kind == "ANY":
        if not any(principal.holds(p) for p in permissions):
            raise ApiError(403, "missing.any.permissions", MISSING_ANY.format(", ".join(permissions)))
        return
    missing = [p for p in permissions if not principal.holds(p)]
    if missing:
        raise ApiError(403, "missing.permissions", MISSING_ALL.format(", ".join(missing)))
