"""Every operation the mock serves, against the official API description (contracts/api/genesys-swagger.json).

Path, method, success statuses, error statuses and codes, permissions, and the request and answer
bodies' property sets, required lists and enum values. The differences that stay are listed, one a
line with the reason, in route_differences.txt beside this file; a new difference fails, and so
does a listed one that is gone.
"""

from __future__ import annotations

import ast
import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mockserver.app import create_app
from mockserver.cli.route_report import partition, read_known
from mockserver.cli.routes import (
    Difference,
    DifferenceKind,
    RouteDescriptionError,
    RouteOperation,
    compare_routes,
    description_operations,
    served_operations,
)
from mockserver.cli.swagger import KEPT_TOO, SOURCE_KEY
from mockserver.state.errors import VALIDATION_CODES, platform_code
from mockserver.web.openapi.operation import declared

ROOT = Path(__file__).resolve().parents[2]
DESCRIPTION = ROOT / "contracts" / "api" / "genesys-swagger.json"
KNOWN = Path(__file__).with_name("route_differences.txt")


@pytest.fixture(scope="module")
def description() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DESCRIPTION.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def served() -> list[RouteOperation]:
    return served_operations(create_app())


def _differences(served: list[RouteOperation], description: dict[str, Any]) -> list[Difference]:
    return compare_routes(served, description_operations(description, source="the copy"))


def test_every_served_operation_matches_the_description_or_is_listed(
    served: list[RouteOperation], description: dict[str, Any]
) -> None:
    unlisted, listed, stale = partition(_differences(served, description), read_known(KNOWN))
    assert [d.key for d in unlisted] == [], f"fix these or list them in {KNOWN.name} with the reason"
    assert [f"line {k.line}: {k.pattern}" for k in stale] == [], (
        f"no longer different: remove from {KNOWN.name}"
    )
    assert listed  # the list is read and used


def test_the_comparison_covers_every_api_route_and_nothing_else(served: list[RouteOperation]) -> None:
    names = {op.name for op in served}
    assert "POST /api/v2/conversations/callbacks" in names
    assert "HEAD /api/v2/notifications/channels/{channelId}" in names  # a HEAD-only route
    assert not any(" /api/v2/" not in name for name in names)  # no control API, document or login host
    assert len(names) == len(served)


def test_the_copy_holds_every_served_and_kept_operation_and_records_its_source(
    served: list[RouteOperation], description: dict[str, Any]
) -> None:
    described = {op.name for op in description_operations(description, source="the copy")}
    wanted = {op.name for op in served} | {f"{method} {path}" for method, path in KEPT_TOO}
    assert wanted <= described
    source = description["info"][SOURCE_KEY]
    assert source["url"] == "https://api.mypurecloud.com/api/v2/docs/swagger"
    assert source["retrieved"]
    assert "description" not in description["definitions"]["CreateCallbackCommand"]["properties"]["queueId"]


# Codes raised outside any one route: by the layers every request passes (web/), each with its reason.
CROSS_CUTTING = {
    "bad.credentials": "any route's 401 under --token (web/auth.py): the description lists it on every route",
    "misdirected.request": "any request's Host check (web/guard.py), a 421 outside the description",
    "not.authorized": "the control API's origin check (web/guard.py)",
    "missing.permissions": "any route the description names ALL of some permissions for (web/permissions.py)",
    "missing.any.permissions": "any route the description names ANY of some permissions for (web/permissions.py)",
}
_CODE = re.compile(r"^[a-z]+(?:\.[a-z]+)+$")


def _code_constants(trees: list[ast.Module]) -> dict[str, str]:
    """Module-level names bound to an error code (``CALLBACK_NOT_FOUND = "callback.error..."``)."""
    return {
        target.id: str(node.value.value)
        for tree in trees
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and _CODE.match(str(node.value.value))
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _raised_codes() -> dict[str, set[str]]:
    """Every error code written as a literal where the API's errors are raised, or handed by its
    constant's name to any call (``self.conversation(id, CALLBACK_NOT_FOUND)``), with where."""
    parsed = [
        (path, ast.parse(path.read_text(encoding="utf-8")))
        for room in ("api", "state", "notifications", "web")
        for path in sorted((ROOT / "mockserver" / room).rglob("*.py"))
    ]
    constants = _code_constants([tree for _, tree in parsed])
    raised: dict[str, set[str]] = {}
    for path, tree in parsed:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for argument in [*node.args, *(k.value for k in node.keywords)]:
                if isinstance(argument, ast.Name) and argument.id in constants:
                    raised.setdefault(constants[argument.id], set()).add(f"{path.name}:{node.lineno}")
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            arguments = [k.value for k in node.keywords if k.arg == "error_code"]
            if name == "ApiError" and len(node.args) > 1:
                arguments.append(node.args[1])  # ApiError(status, code, message)
            elif name == "invalid" and node.args:
                arguments.append(node.args[0])  # ApiError.invalid(code, path, message)
            for argument in arguments:
                if isinstance(argument, ast.Constant) and _CODE.match(str(argument.value)):
                    raised.setdefault(str(argument.value), set()).add(f"{path.name}:{node.lineno}")
    return raised


def test_every_code_the_mock_raises_is_declared_by_the_routes_that_answer_it() -> None:
    """A route's own code must be in its ``@operation(codes=...)``, or the comparison cannot see it."""
    app = create_app()
    declared_codes = {
        code
        for view in app.view_functions.values()
        if (described := declared(view)) is not None
        for codes in described.codes.values()
        for code in codes
    }
    platform = {code for status in range(400, 600) if (code := platform_code(status))} | VALIDATION_CODES
    raised = _raised_codes()
    assert "callback.error.already.triggered" in raised  # the scan finds what it looks for
    undeclared = {
        code: sorted(places)
        for code, places in raised.items()
        if code not in declared_codes | platform | CROSS_CUTTING.keys()
    }
    assert undeclared == {}, "declare each in the @operation(codes=...) of the routes that answer it"


# -- a doctored description fails it ---------------------------------------------------------------


def _drop_required(document: dict[str, Any]) -> None:
    document["definitions"]["CreateCallbackCommand"]["required"].remove("callbackNumbers")


def _require_more(document: dict[str, Any]) -> None:
    document["definitions"]["CreateCallbackCommand"]["required"].append("callerIdName")


def _rename_property(document: dict[str, Any]) -> None:
    properties = document["definitions"]["CreateCallbackCommand"]["properties"]
    properties["callbackName"] = properties.pop("callbackUserName")


def _add_enum_value(document: dict[str, Any]) -> None:
    prop = document["definitions"]["CreateCallbackCommand"]["properties"]["customerFirstCallbackDeliveryMode"]
    prop["enum"].append("Sometimes")


def _drop_operation(document: dict[str, Any]) -> None:
    del document["paths"]["/api/v2/notifications/channels/{channelId}/subscriptions"]["delete"]


def _add_success(document: dict[str, Any]) -> None:
    document["paths"]["/api/v2/conversations/callbacks/bulk/update"]["post"]["responses"]["201"] = {}


def _drop_error_code(document: dict[str, Any]) -> None:
    responses = document["paths"]["/api/v2/conversations/callbacks"]["patch"]["responses"]
    del responses["412"]["x-inin-error-codes"]["callback.error.already.triggered"]


def _change_permission(document: dict[str, Any]) -> None:
    operation = document["paths"]["/api/v2/conversations/callbacks"]["post"]
    operation["x-inin-requires-permissions"]["permissions"] = ["conversation:callback:add"]


def _add_route_code(document: dict[str, Any]) -> None:
    responses = document["paths"]["/api/v2/conversations/callbacks/{conversationId}"]["get"]["responses"]
    responses["400"]["x-inin-error-codes"]["callback.error.new.rule"] = "A new rule."


DOCTORINGS = [
    pytest.param(
        _drop_required,
        [("definition CreateCallbackCommand", DifferenceKind.REQUIRED_NOT_IN_API, "callbackNumbers")],
        id="required-field-dropped",
    ),
    pytest.param(
        _require_more,
        [("definition CreateCallbackCommand", DifferenceKind.REQUIRED_NOT_SERVED, "callerIdName")],
        id="required-field-added",
    ),
    pytest.param(
        _rename_property,
        [
            ("definition CreateCallbackCommand", DifferenceKind.PROPERTY_NOT_SERVED, "callbackName"),
            ("definition CreateCallbackCommand", DifferenceKind.PROPERTY_NOT_IN_API, "callbackUserName"),
        ],
        id="property-renamed",
    ),
    pytest.param(
        _add_enum_value,
        [
            (
                "definition CreateCallbackCommand.customerFirstCallbackDeliveryMode",
                DifferenceKind.ENUM_VALUES_NOT_SERVED,
                "Sometimes",
            )
        ],
        id="enum-value-added",
    ),
    pytest.param(
        _drop_operation,
        [
            (
                "DELETE /api/v2/notifications/channels/{channelId}/subscriptions",
                DifferenceKind.OPERATION_NOT_IN_API,
                "/api/v2/notifications/channels/{channelId}/subscriptions",
            )
        ],
        id="operation-dropped",
    ),
    pytest.param(
        _add_success,
        [("POST /api/v2/conversations/callbacks/bulk/update", DifferenceKind.SUCCESS_NOT_SERVED, "201")],
        id="success-status-added",
    ),
    pytest.param(
        _drop_error_code,
        [
            (
                "PATCH /api/v2/conversations/callbacks",
                DifferenceKind.ERROR_CODE_NOT_IN_API,
                "412 callback.error.already.triggered",
            )
        ],
        id="error-code-dropped",
    ),
    pytest.param(
        _add_route_code,
        [
            (
                "GET /api/v2/conversations/callbacks/{conversationId}",
                DifferenceKind.ERROR_CODE_NOT_SERVED,
                "400 callback.error.new.rule",
            )
        ],
        id="route-code-added",
    ),
    pytest.param(  # the mock checks what the committed copy states: a description that moved differs
        _change_permission,
        [
            (
                "POST /api/v2/conversations/callbacks",
                DifferenceKind.PERMISSIONS_NOT_CHECKED,
                "ALL conversation:callback:add",
            )
        ],
        id="permission-changed",
    ),
]


@pytest.mark.parametrize(("doctor", "expected"), DOCTORINGS)
def test_a_doctored_description_fails_with_the_difference(
    served: list[RouteOperation],
    description: dict[str, Any],
    doctor: Callable[[dict[str, Any]], None],
    expected: list[tuple[str, DifferenceKind, str]],
) -> None:
    doctored = copy.deepcopy(description)
    doctor(doctored)
    unlisted, _, stale = partition(_differences(served, doctored), read_known(KNOWN))
    assert [(d.where, d.kind, d.item) for d in unlisted] == expected
    assert stale == []


def test_the_mock_states_the_permissions_it_checks_and_their_403(served: list[RouteOperation]) -> None:
    by_name = {op.name: op for op in served}
    create = by_name["POST /api/v2/conversations/callbacks"]
    assert create.permissions == ("ALL", frozenset({"conversation:callback:create"}))
    assert "missing.permissions" in create.codes[403]
    queues = by_name["GET /api/v2/routing/queues"]
    assert queues.permissions == ("ANY", frozenset({"routing:queue:view"}))
    assert "missing.any.permissions" in queues.codes[403]
    assert by_name["GET /api/v2/users/me"].permissions is None  # the description names none


def test_no_permission_difference_is_listed(
    served: list[RouteOperation], description: dict[str, Any]
) -> None:
    kinds = {DifferenceKind.PERMISSIONS_NOT_CHECKED, DifferenceKind.PERMISSIONS_NOT_IN_API}
    assert [d for d in _differences(served, description) if d.kind in kinds] == []
    assert not [k for k in read_known(KNOWN) if "| permissions-" in k.pattern]


@pytest.mark.parametrize(
    ("ours", "theirs", "expected"),
    [
        (
            ("ALL", frozenset({"a:b:view"})),
            ("ANY", frozenset({"a:b:view"})),
            (DifferenceKind.PERMISSIONS_NOT_CHECKED, "ANY a:b:view"),
        ),
        (
            None,
            ("ALL", frozenset({"a:b:view", "a:c:view"})),
            (DifferenceKind.PERMISSIONS_NOT_CHECKED, "ALL a:b:view a:c:view"),
        ),
        (("ANY", frozenset({"a:b:view"})), None, (DifferenceKind.PERMISSIONS_NOT_IN_API, "ANY a:b:view")),
    ],
    ids=["checked-differently", "not-checked", "checked-beyond-the-description"],
)
def test_a_permission_the_mock_checks_differently_is_a_difference(
    ours: tuple[str, frozenset[str]] | None,
    theirs: tuple[str, frozenset[str]] | None,
    expected: tuple[DifferenceKind, str],
) -> None:
    described = RouteOperation(method="GET", path="/api/v2/x/{id}", permissions=theirs)
    served = RouteOperation(method="GET", path="/api/v2/x/{xId}", permissions=ours)
    assert compare_routes([served], [described]) == [Difference("GET /api/v2/x/{id}", *expected)]


# -- the list of known differences -----------------------------------------------------------------


def test_a_listed_difference_that_is_gone_is_stale(tmp_path: Path) -> None:
    known = tmp_path / "known.txt"
    known.write_text(
        "# a comment\n\nGET /api/v2/x | success-status-not-served | 202 | because\n"
        "* | property-not-served | * | the envelope is partial\n"
    )
    difference = Difference("definition X", DifferenceKind.PROPERTY_NOT_SERVED, "y")
    unlisted, listed, stale = partition([difference], read_known(known))
    assert unlisted == []
    assert [(d, k.reason) for d, k in listed] == [(difference, "the envelope is partial")]
    assert [(k.line, k.pattern) for k in stale] == [(3, "GET /api/v2/x | success-status-not-served | 202")]


@pytest.mark.parametrize(
    "line",
    [
        "GET /api/v2/x | success-status-not-served | 202",  # no reason
        "GET /api/v2/x | success-status-not-served | 202 | ",  # an empty reason
        "GET /api/v2/x success-status-not-served 202 because",  # no columns
    ],
)
def test_a_known_line_that_cannot_be_read_names_the_file_and_line(tmp_path: Path, line: str) -> None:
    known = tmp_path / "known.txt"
    known.write_text(f"# header\n{line}\n")
    with pytest.raises(
        RouteDescriptionError, match=rf"^{known}:2: expected 'where \| kind \| item \| reason'"
    ):
        read_known(known)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "not a Swagger 2.0 description: no paths object at $.paths"),
        (
            {"openapi": "3.1.0", "paths": {}},
            "not a Swagger 2.0 description: $.swagger is None, expected '2.0'",
        ),
        ({"swagger": "2.0", "paths": []}, "not a Swagger 2.0 description: no paths object at $.paths"),
    ],
)
def test_a_document_that_is_not_swagger_2_is_refused(document: Any, message: str) -> None:
    with pytest.raises(RouteDescriptionError) as raised:
        description_operations(document, source="api.json")
    assert str(raised.value) == f"api.json: {message}"
