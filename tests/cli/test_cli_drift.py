"""``drift``: the contract against the official SDK's models and against Swagger/OpenAPI documents."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

import contracts
from mockserver.cli import shapes as cli_shapes

Invoke = Callable[..., Result]

# The models drift compares: the callbacks, the routes' full bodies and every model they hold.
CALLBACK_MODELS = sorted(cli_shapes.contract_shapes())


def _report(result: Result) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(result.stdout)
    return report


# -- the installed SDK -----------------------------------------------------------------------


def test_no_drift_from_the_pinned_sdk(invoke: Invoke) -> None:
    result = invoke("drift")
    assert result.exit_code == 0
    assert result.stdout == (
        f"No drift: the contract matches purecloudplatformclientv2 269.0.0 in all {len(CALLBACK_MODELS)} models "
        f"({', '.join(CALLBACK_MODELS)}).\n"
    )


def test_json_report_without_drift(invoke: Invoke) -> None:
    result = invoke("drift", "--json")
    assert result.exit_code == 0
    assert _report(result) == {
        "source": "purecloudplatformclientv2 269.0.0",
        "models": CALLBACK_MODELS,
        "drift": False,
        "changes": [],
    }


@pytest.fixture
def sdk_copy(tmp_path: Path) -> Path:
    """A copy of the installed SDK's model files for the callback models, to doctor."""
    spec = find_spec("PureCloudPlatformClientV2")
    assert spec is not None
    assert spec.submodule_search_locations
    installed = Path(next(iter(spec.submodule_search_locations))) / "models"
    models = tmp_path / "sdk" / "models"
    models.mkdir(parents=True)
    for name in CALLBACK_MODELS:
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
        shutil.copy(installed / f"{snake}.py", models / f"{snake}.py")
    return tmp_path / "sdk"


def _change(model: str, kind: str, field: str | None = None, **rest: Any) -> dict[str, Any]:
    return {"model": model, "kind": kind, "field": field, "contract": None, "api": None, "values": [], **rest}


STATES = '"terminated", "scheduled", "none"]'
DOCTORINGS = [
    pytest.param(
        "callback.py",
        [
            ("'held': 'bool',", "'held': 'bool', 'parked': 'bool',"),
            ("'held': 'held',", "'held': 'held', 'parked': 'parked',"),
        ],
        [_change("Callback", "field-added", "parked", api="boolean")],
        id="field added",
    ),
    pytest.param(
        "wrapup.py",
        [
            ("'provisional': 'bool'", "'provisional': 'bool', 'reasons': 'list[WrapupReason]'"),
            ("'provisional': 'provisional'", "'provisional': 'provisional', 'reasons': 'reasons'"),
        ],
        [_change("Wrapup", "field-added", "reasons", api="array of WrapupReason")],
        id="field of a new model added",
    ),
    pytest.param(
        "callback_basic.py",
        [("'held': 'bool',\n", ""), ("'held': 'held',\n", "")],
        [_change("CallbackBasic", "field-removed", "held", contract="boolean")],
        id="field removed",
    ),
    pytest.param(
        "callback.py",
        [("'peer_id': 'peerId'", "'peer_id': 'peerCommunicationId'")],
        [
            _change("Callback", "field-removed", "peerId", contract="string"),
            _change("Callback", "field-added", "peerCommunicationId", api="string"),
        ],
        id="field renamed on the wire",
    ),
    pytest.param(
        "wrapup.py",
        [("'duration_seconds': 'int'", "'duration_seconds': 'str'")],
        [_change("Wrapup", "field-retyped", "durationSeconds", contract="integer", api="string")],
        id="field retyped",
    ),
    pytest.param(
        "segment.py",
        [("'end_time': 'datetime'", "'end_time': 'date'")],
        [_change("Segment", "field-retyped", "endTime", contract="date-time", api="date")],
        id="datetime retyped to date",
    ),
    pytest.param(
        "dialer_preview.py",
        [("'list[PhoneNumberColumn]'", "'PhoneNumberColumn'")],
        [
            _change(
                "DialerPreview",
                "field-retyped",
                "phoneNumberColumns",
                contract="array of PhoneNumberColumn",
                api="PhoneNumberColumn",
            )
        ],
        id="array became an object",
    ),
    pytest.param(
        "voicemail.py",
        [("allowed_values = [", "accepted = [")],
        [_change("Voicemail", "field-retyped", "uploadStatus", contract="string enum", api="string")],
        id="enum became a free string",
    ),
    pytest.param(
        "callback.py",
        [(STATES, '"terminated", "scheduled", "none", "parked"]')],
        [
            _change("Callback", "enum-values-added", "state", values=["parked"]),
            _change("Callback", "enum-values-added", "initialState", values=["parked"]),
        ],
        id="enum values added",
    ),
    pytest.param(
        "after_call_work.py",
        [('"notApplicable", "skipped", ', "")],
        [_change("AfterCallWork", "enum-values-removed", "state", values=["notApplicable", "skipped"])],
        id="enum values removed",
    ),
    pytest.param(
        "voicemail.py",
        [('"timeout", "none"]', '"timeout", "archived"]')],
        [
            _change("Voicemail", "enum-values-added", "uploadStatus", values=["archived"]),
            _change("Voicemail", "enum-values-removed", "uploadStatus", values=["none"]),
        ],
        id="enum value replaced",
    ),
]


@pytest.mark.parametrize(("module", "edits", "expected"), DOCTORINGS)
def test_each_kind_of_drift_in_a_doctored_sdk(
    invoke: Invoke, sdk_copy: Path, module: str, edits: list[tuple[str, str]], expected: list[dict[str, Any]]
) -> None:
    path = sdk_copy / "models" / module
    text = path.read_text()
    for old, new in edits:
        assert old in text, f"the SDK's {module} no longer contains {old!r}"
        text = text.replace(old, new)
    path.write_text(text)
    result = invoke("drift", "--sdk-path", str(sdk_copy), "--json")
    assert result.exit_code == 1
    report = _report(result)
    assert report["drift"] is True
    assert report["source"] == str(sdk_copy)
    assert report["changes"] == expected


def test_a_model_missing_from_the_sdk(invoke: Invoke, sdk_copy: Path) -> None:
    (sdk_copy / "models" / "conversation_queue_media_settings.py").unlink()
    result = invoke("drift", "--sdk-path", str(sdk_copy), "--json")
    assert result.exit_code == 1
    assert _report(result)["changes"] == [_change("ConversationQueueMediaSettings", "model-missing")]


def test_the_human_report_lists_changes_per_model(invoke: Invoke, sdk_copy: Path) -> None:
    voicemail = sdk_copy / "models" / "voicemail.py"
    voicemail.write_text(voicemail.read_text().replace('"timeout", "none"]', '"timeout", "archived"]'))
    wrapup = sdk_copy / "models" / "wrapup.py"
    wrapup.write_text(
        wrapup.read_text()
        .replace("'duration_seconds': 'int'", "'duration_seconds': 'float'")
        .replace("'notes': 'str',\n", "")
        .replace("'notes': 'notes',\n", "")
    )
    result = invoke("drift", "--sdk-path", str(sdk_copy))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"Drift: 2 of {len(CALLBACK_MODELS)} models differ between the contract and {sdk_copy}.",
        "Voicemail",
        "  + uploadStatus enum values in the API, not in the contract: 'archived'",
        "  - uploadStatus enum values in the contract, not in the API: 'none'",
        "Wrapup",
        "  - notes (string): in the contract, not in the API",
        "  ~ durationSeconds: the contract has integer, the API number",
    ]


def test_without_the_sdk_installed_a_document_is_needed(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_shapes, "find_spec", lambda name: None)
    result = invoke("drift")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: the official SDK is not installed (pip install purecloudplatformclientv2); "
        "or give a Swagger/OpenAPI file\n"
    )


# -- Swagger and OpenAPI documents -----------------------------------------------------------


def _as_document(node: Any, refs: str, *, openapi: bool) -> Any:
    """The contract's JSON Schema rewritten the way Genesys' Swagger writes types."""
    if isinstance(node, list):
        return [_as_document(item, refs, openapi=openapi) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = {"$ref": refs + node["$ref"].rsplit("/", 1)[-1]}
        return {"allOf": [ref], "description": "x"} if openapi else ref
    out = {key: _as_document(value, refs, openapi=openapi) for key, value in node.items() if key != "pattern"}
    formats = {"integer": "int32", "number": "double"}
    if isinstance(node.get("type"), str) and node["type"] in formats:
        out["format"] = formats[node["type"]]
    return out


def _document(*, openapi: bool) -> dict[str, Any]:
    refs = "#/components/schemas/" if openapi else "#/definitions/"
    schemas: dict[str, Any] = {"Unrelated": {"type": "object", "properties": {"x": {"type": "string"}}}}
    for model in cli_shapes.ROOTS:
        schema = contracts.json_schema(model)
        schemas.update(schema.pop("$defs", {}))
        schema.pop("$schema")
        schemas[model.__name__] = schema
    schemas = _as_document(schemas, refs, openapi=openapi)
    if openapi:
        return {"openapi": "3.0.1", "components": {"schemas": schemas}}
    return {"swagger": "2.0", "definitions": schemas}


@pytest.mark.parametrize("openapi", [False, True], ids=["swagger 2", "openapi 3"])
def test_a_document_that_matches(invoke: Invoke, tmp_path: Path, openapi: bool) -> None:
    spec = tmp_path / "api.json"
    spec.write_text(json.dumps(_document(openapi=openapi)))
    result = invoke("drift", str(spec))
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith(
        f"No drift: the contract matches {spec} in all {len(CALLBACK_MODELS)} models"
    )


DOCUMENT_DRIFT = [
    pytest.param(
        lambda d: d["Segment"]["properties"].update(wrapupCode={"type": "string"}),
        [_change("Segment", "field-added", "wrapupCode", api="string")],
        id="field added",
    ),
    pytest.param(
        lambda d: d["Callback"]["properties"].pop("callerIdName"),
        [_change("Callback", "field-removed", "callerIdName", contract="string")],
        id="field removed",
    ),
    pytest.param(
        lambda d: d["Wrapup"]["properties"]["tags"].update(items={"type": "integer"}),
        [_change("Wrapup", "field-retyped", "tags", contract="array of string", api="array of integer")],
        id="array items retyped",
    ),
    pytest.param(
        lambda d: d["CallbackBasic"]["properties"]["direction"]["enum"].append("internal"),
        [_change("CallbackBasic", "enum-values-added", "direction", values=["internal"])],
        id="enum values added",
    ),
    pytest.param(
        lambda d: d["Voicemail"]["properties"]["uploadStatus"]["enum"].remove("timeout"),
        [_change("Voicemail", "enum-values-removed", "uploadStatus", values=["timeout"])],
        id="enum values removed",
    ),
    pytest.param(
        lambda d: d.pop("PhoneNumberColumn"),
        [_change("PhoneNumberColumn", "model-missing")],
        id="model missing",
    ),
]


@pytest.mark.parametrize("openapi", [False, True], ids=["swagger 2", "openapi 3"])
@pytest.mark.parametrize(("doctor", "expected"), DOCUMENT_DRIFT)
def test_each_kind_of_drift_in_a_document(
    invoke: Invoke,
    tmp_path: Path,
    openapi: bool,
    doctor: Callable[[dict[str, Any]], Any],
    expected: list[dict[str, Any]],
) -> None:
    document = _document(openapi=openapi)
    doctor(document["components"]["schemas"] if openapi else document["definitions"])
    spec = tmp_path / "api.json"
    spec.write_text(json.dumps(document))
    result = invoke("drift", "--json", str(spec))
    assert result.exit_code == 1
    assert _report(result)["changes"] == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "error: {spec}: unexpected character"),
        ("[]", "error: {spec}: not a Swagger or OpenAPI document: the top level is not an object\n"),
        (
            '{"paths": {}}',
            "error: {spec}: not a Swagger or OpenAPI document: no definitions or components.schemas\n",
        ),
        (
            '{"swagger": "2.0", "definitions": []}',
            "error: {spec}: not a Swagger or OpenAPI document: no definitions",
        ),
    ],
)
def test_a_document_that_cannot_be_read_exits_2(
    invoke: Invoke, tmp_path: Path, text: str, message: str
) -> None:
    spec = tmp_path / "api.json"
    spec.write_text(text)
    result = invoke("drift", str(spec))
    assert result.exit_code == 2
    assert result.stderr.startswith(message.format(spec=spec))  # the message names the file


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.json"], "File 'missing.json' does not exist."),
        (["--sdk-path", "missing"], "Directory 'missing' does not exist."),
        (["--sdk-path", "."], "is not a PureCloudPlatformClientV2 package: it has no models directory"),
        (["api.json", "--sdk-path", "."], "Error: give a Swagger/OpenAPI file or --sdk-path, not both."),
    ],
)
def test_usage_errors_exit_2(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "api.json").write_text(json.dumps(_document(openapi=False)))
    result = invoke("drift", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_as_a_real_process(process: Callable[..., Any], sdk_copy: Path) -> None:
    assert process(["drift"]).returncode == 0
    wrapup = sdk_copy / "models" / "wrapup.py"
    wrapup.write_text(wrapup.read_text().replace("'duration_seconds': 'int'", "'duration_seconds': 'str'"))
    done = process(["drift", "--sdk-path", str(sdk_copy)])
    assert done.returncode == 1
    assert b"~ durationSeconds: the contract has integer, the API string" in done.stdout
