"""Model shapes for ``drift``: each model's wire fields and their types, from three sources.

The contract's side comes from its JSON Schema (itself derived from the attrs classes); the API's
side from the official Python SDK's generated model files or from a Swagger/OpenAPI document.
All three are brought to one small vocabulary so they can be compared field by field.
"""

from __future__ import annotations

import ast
import re
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import attrs

import contracts
from contracts import Callback, CallbackBasic, json_schema
from mockserver.errors import MockServerError

# The models drift compares, and every model nested in them: the two callbacks, the answers of the
# callback routes, the bodies a callback client sends and the media lists a participant carries (the
# envelopes, Conversation and Participant, declare only the fields a callback conversation uses).
ROOTS: tuple[type, ...] = (
    Callback,
    CallbackBasic,
    contracts.CallbackConversation,
    contracts.CallbackConversationEntityListing,
    contracts.MediaParticipantRequest,
    contracts.ParticipantAttributes,
    contracts.AssignedWrapupCode,
    contracts.WrapupCode,
    contracts.CallCommand,
    contracts.SetRecordingState,
    contracts.TransferRequest,
    contracts.BulkCallbackPatchResponse,
    # The bodies a client sends, and the answers to the creates and patches.
    contracts.CreateCallbackCommand,
    contracts.CreateCallbackOnConversationCommand,
    contracts.PatchCallbackRequest,
    contracts.BulkCallbackPatchRequest,
    contracts.BulkCallbackDisconnectRequest,
    contracts.CreateCallbackResponse,
    contracts.PatchCallbackResponse,
    # The media lists a participant carries besides its callbacks.
    contracts.ConversationChat,
    contracts.Cobrowsesession,
    contracts.Email,
    contracts.Message,
    contracts.InternalMessage,
    contracts.ScreenMonitoring,
    contracts.Screenshare,
    contracts.SocialExpression,
    contracts.Video,
    # Routing: a queue's callback settings, a user's routing status, a member to add.
    contracts.CallbackMediaSettings,
    contracts.MediaSettings,
    contracts.AcwSettings,
    contracts.AgentOwnedRouting,
    contracts.RoutingStatus,
    contracts.WritableEntity,
    # The ACD: a callback's routing request, a change of its routing, a queue's estimated wait.
    contracts.RoutingData,
    contracts.RoutingConversationAttributesRequest,
    contracts.EstimatedWaitTimePredictions,
    # Analytics: a query's paging, a session's metric, an observation's statistics, a tags update.
    contracts.PagingSpec,
    contracts.AnalyticsSessionMetric,
    contracts.StatisticalSummary,
    contracts.ConversationTagsUpdate,
)

SDK_PACKAGE = "PureCloudPlatformClientV2"
SDK_DISTRIBUTION = "purecloudplatformclientv2"


@attrs.frozen
class FieldType:
    """A wire type: ``string``, ``date-time``, ``integer``, ``array of Segment``, ...; enum values if closed."""

    name: str
    enum: frozenset[str] | None = None

    def __str__(self) -> str:
        return self.name if self.enum is None else f"{self.name} enum"


Shapes = dict[str, dict[str, FieldType]]
"""Model name -> wire field name -> type."""


class ShapeError(MockServerError):
    """A source of shapes cannot be read: no SDK installed, or not a Swagger/OpenAPI document."""


def contract_shapes() -> Shapes:
    """The contract's callback models, from their JSON Schema."""
    schemas: dict[str, dict[str, Any]] = {}
    for root in ROOTS:
        schema = json_schema(root)
        schemas.update(schema.get("$defs", {}))
        schemas[root.__name__] = schema
    return {name: _schema_fields(schema) for name, schema in sorted(schemas.items())}


def document_shapes(document: Any) -> Shapes:
    """Every model of a Swagger 2 (``definitions``) or OpenAPI 3 (``components.schemas``) document."""
    if not isinstance(document, dict):
        raise ShapeError("not a Swagger or OpenAPI document: the top level is not an object")
    schemas = document.get("definitions")
    if schemas is None:
        schemas = document.get("components", {}).get("schemas")
    if not isinstance(schemas, dict):
        raise ShapeError("not a Swagger or OpenAPI document: no definitions or components.schemas")
    return {name: _schema_fields(schema) for name, schema in schemas.items() if isinstance(schema, dict)}


def _schema_fields(schema: dict[str, Any]) -> dict[str, FieldType]:
    properties = schema.get("properties", {})
    return {wire: _schema_type(prop) for wire, prop in properties.items()}


def _schema_type(node: dict[str, Any]) -> FieldType:
    if "$ref" in node:
        return FieldType(node["$ref"].rsplit("/", 1)[-1])
    if len(node.get("allOf", ())) == 1:  # OpenAPI 3's way to put a description beside a $ref
        return _schema_type(node["allOf"][0])
    kind = node.get("type")
    enum = frozenset(node["enum"]) if "enum" in node else None
    if kind == "array":
        items = _schema_type(node.get("items", {}))
        return FieldType(f"array of {items.name}", items.enum)
    if kind == "object" and isinstance(node.get("additionalProperties"), dict):
        return FieldType(f"map of {_schema_type(node['additionalProperties']).name}")
    if kind == "string" and node.get("format") in ("date-time", "date"):
        return FieldType(node["format"])
    return FieldType(str(kind or "any"), enum)


def installed_sdk() -> Path:
    """The installed official SDK's package directory, found without importing it."""
    spec = find_spec(SDK_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ShapeError(
            f"the official SDK is not installed (pip install {SDK_DISTRIBUTION}); "
            "or give a Swagger/OpenAPI file"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def sdk_shapes(package: Path, names: list[str]) -> Shapes:
    """The models ``names`` as the SDK in ``package`` declares them; a model it lacks is left out.

    The generated model files are parsed, not imported: importing the SDK loads thousands of
    models and reads the user's SDK configuration, and a parsed file can be a doctored copy.
    """
    models = package / "models"
    if not models.is_dir():
        raise ShapeError(f"{package} is not a {SDK_PACKAGE} package: it has no models directory")
    shapes: Shapes = {}
    for name in names:
        path = models / f"{_snake(name)}.py"
        if path.is_file():
            try:
                shapes[name] = _sdk_fields(ast.parse(path.read_text(encoding="utf-8"), str(path)))
            except (OSError, ValueError, SyntaxError) as exc:  # a damaged copy: say which file
                raise ShapeError(f"{path}: not a readable SDK model file: {_reason(exc)}") from None
    return shapes


def _reason(exc: BaseException) -> str:
    if isinstance(exc, SyntaxError):
        return f"{exc.msg} (line {exc.lineno})"
    if isinstance(exc, OSError):
        return str(exc.strerror or exc)
    return str(exc)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _sdk_fields(module: ast.Module) -> dict[str, FieldType]:
    types: dict[str, str] = {}
    wire_names: dict[str, str] = {}
    enums: dict[str, frozenset[str]] = {}
    for node in ast.walk(module):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Attribute):
            if node.targets[0].attr == "swagger_types":
                types = ast.literal_eval(node.value)
            elif node.targets[0].attr == "attribute_map":
                wire_names = ast.literal_eval(node.value)
        elif isinstance(node, ast.FunctionDef) and _is_setter(node):
            for statement in ast.walk(node):
                if (
                    isinstance(statement, ast.Assign)
                    and isinstance(statement.targets[0], ast.Name)
                    and statement.targets[0].id == "allowed_values"
                    and isinstance(statement.value, ast.List)
                ):
                    enums[node.name] = frozenset(ast.literal_eval(statement.value))
    return {
        wire_names.get(attribute, attribute): attrs.evolve(_sdk_type(swagger), enum=enums.get(attribute))
        for attribute, swagger in types.items()
    }


def _is_setter(function: ast.FunctionDef) -> bool:
    return any(
        isinstance(decorator, ast.Attribute) and decorator.attr == "setter"
        for decorator in function.decorator_list
    )


_SDK_SCALARS = {
    "str": "string",
    "bool": "boolean",
    "int": "integer",
    "float": "number",
    "datetime": "date-time",
    "date": "date",
    "object": "object",
}


def _sdk_type(swagger: str) -> FieldType:
    if swagger.startswith("list[") and swagger.endswith("]"):
        return FieldType(f"array of {_sdk_type(swagger[5:-1]).name}")
    if swagger.startswith("dict(") and swagger.endswith(")"):
        value = swagger[5:-1].split(",", 1)[-1].strip()
        return FieldType(f"map of {_sdk_type(value).name}")
    return FieldType(_SDK_SCALARS.get(swagger, swagger))
