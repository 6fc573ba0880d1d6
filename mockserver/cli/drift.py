"""``callback-contracts drift``: has the real API moved away from the contract?

The API's side is the installed official SDK (its generated models mirror the API's Swagger) or
a Swagger/OpenAPI document given by path, such as the one Genesys publishes.
"""

from __future__ import annotations

import sys
from enum import Enum
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import attrs
import click
import orjson

from mockserver.cli.shapes import (
    SDK_DISTRIBUTION,
    FieldType,
    ShapeError,
    Shapes,
    contract_shapes,
    document_shapes,
    installed_sdk,
    sdk_shapes,
)

FREE_FORM = "object"  # a Swagger field typed only "object": any JSON object


class ChangeKind(str, Enum):
    """How the API differs from the contract in one place."""

    MODEL_MISSING = "model-missing"
    FIELD_ADDED = "field-added"
    FIELD_REMOVED = "field-removed"
    FIELD_RETYPED = "field-retyped"
    ENUM_VALUES_ADDED = "enum-values-added"
    ENUM_VALUES_REMOVED = "enum-values-removed"


@attrs.frozen(kw_only=True)
class Change:
    """One difference: "added" means the API has it and the contract does not."""

    model: str
    kind: ChangeKind
    field: str | None = None
    contract: str | None = None
    api: str | None = None
    values: tuple[str, ...] = ()

    def __str__(self) -> str:
        values = ", ".join(repr(value) for value in self.values)
        match self.kind:
            case ChangeKind.MODEL_MISSING:
                return "  the API has no such model"
            case ChangeKind.FIELD_ADDED:
                return f"  + {self.field} ({self.api}): in the API, not in the contract"
            case ChangeKind.FIELD_REMOVED:
                return f"  - {self.field} ({self.contract}): in the contract, not in the API"
            case ChangeKind.FIELD_RETYPED:
                return f"  ~ {self.field}: the contract has {self.contract}, the API {self.api}"
            case ChangeKind.ENUM_VALUES_ADDED:
                return f"  + {self.field} enum values in the API, not in the contract: {values}"
            case ChangeKind.ENUM_VALUES_REMOVED:
                return f"  - {self.field} enum values in the contract, not in the API: {values}"


def compare(contract: Shapes, api: Shapes) -> list[Change]:
    """Every difference between the contract's models and the API's models of the same names."""
    changes: list[Change] = []
    for model, ours in contract.items():
        theirs = api.get(model)
        if theirs is None:
            changes.append(Change(model=model, kind=ChangeKind.MODEL_MISSING))
            continue
        for field in [*ours, *(name for name in theirs if name not in ours)]:
            changes.extend(_field_changes(model, field, ours.get(field), theirs.get(field)))
    return changes


def _field_changes(model: str, field: str, ours: FieldType | None, theirs: FieldType | None) -> list[Change]:
    if theirs is None:
        return [Change(model=model, kind=ChangeKind.FIELD_REMOVED, field=field, contract=str(ours))]
    if ours is None:
        return [Change(model=model, kind=ChangeKind.FIELD_ADDED, field=field, api=str(theirs))]
    if theirs.name == FREE_FORM and ours.enum is None:
        return []  # the API's free-form object holds any model: the contract may name the one it holds
    if ours.name != theirs.name or (ours.enum is None) != (theirs.enum is None):
        return [
            Change(
                model=model, kind=ChangeKind.FIELD_RETYPED, field=field, contract=str(ours), api=str(theirs)
            )
        ]
    changes = []
    if ours.enum is not None and theirs.enum is not None:
        for kind, values in (
            (ChangeKind.ENUM_VALUES_ADDED, theirs.enum - ours.enum),
            (ChangeKind.ENUM_VALUES_REMOVED, ours.enum - theirs.enum),
        ):
            if values:
                changes.append(Change(model=model, kind=kind, field=field, values=tuple(sorted(values))))
    return changes


@click.command()
@click.argument("spec", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--sdk-path",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help=f"A {SDK_DISTRIBUTION} package directory to read instead of the installed one.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON, for machines.")
@click.option(
    "--routes",
    is_flag=True,
    help="Compare the mock's routes with SPEC (a Swagger 2.0 description) operation by operation instead.",
)
@click.option(
    "--known",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --routes: a file of known differences ('where | kind | item | reason' a line) not to report.",
)
def drift(
    spec: Path | None, *, sdk_path: Path | None, as_json: bool, routes: bool, known: Path | None
) -> None:
    """Compare the contract's callback models with the real API's.

    The API's side is the installed official SDK (purecloudplatformclientv2, any version),
    another copy of it (--sdk-path), or a Swagger/OpenAPI JSON file (SPEC). Reports fields
    added, removed or retyped and enum values added or removed, per model.

    With --routes, compares every operation the mock serves under /api/v2 with the description
    SPEC instead: path, method, success statuses, error statuses and codes (x-inin-error-codes),
    permissions (x-inin-requires-permissions), and the request and answer bodies' property sets,
    required lists and enum values (docs/contract.md).

    Exit status: 0 without drift, 1 with drift, 2 on usage errors or an unreadable source.
    """
    if routes:
        _routes(spec, known=known, as_json=as_json)
    if known is not None:
        raise click.UsageError("--known goes with --routes.")
    if spec is not None and sdk_path is not None:
        raise click.UsageError("give a Swagger/OpenAPI file or --sdk-path, not both.")
    contract = contract_shapes()
    try:
        source, api = _api_shapes(spec, sdk_path, list(contract))
    except (ShapeError, OSError, ValueError, SyntaxError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    changes = compare(contract, api)
    if as_json:
        report = {
            "source": source,
            "models": list(contract),
            "drift": bool(changes),
            "changes": [attrs.asdict(change) for change in changes],
        }
        click.echo(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode())
    else:
        click.echo(_render(source, list(contract), changes))
    sys.exit(1 if changes else 0)


def _api_shapes(spec: Path | None, sdk_path: Path | None, names: list[str]) -> tuple[str, Shapes]:
    if spec is not None:
        try:
            return str(spec), document_shapes(orjson.loads(spec.read_bytes()))
        except (ShapeError, OSError, ValueError) as exc:  # the message names the file it is about
            raise ShapeError(f"{spec}: {exc}") from exc
    if sdk_path is not None:
        return str(sdk_path), sdk_shapes(sdk_path, names)
    package = installed_sdk()
    try:
        source = f"{SDK_DISTRIBUTION} {version(SDK_DISTRIBUTION)}"
    except PackageNotFoundError:
        source = str(package)
    return source, sdk_shapes(package, names)


def _render(source: str, models: list[str], changes: list[Change]) -> str:
    if not changes:
        return f"No drift: the contract matches {source} in all {len(models)} models ({', '.join(models)})."
    drifted = list(dict.fromkeys(change.model for change in changes))
    lines = [f"Drift: {len(drifted)} of {len(models)} models differ between the contract and {source}."]
    for model in drifted:
        lines.append(model)
        lines.extend(str(change) for change in changes if change.model == model)
    return "\n".join(lines)


def _routes(spec: Path | None, *, known: Path | None, as_json: bool) -> None:
    if spec is None:
        raise click.UsageError("--routes compares with a Swagger 2.0 file: give SPEC.")
    from mockserver.app import create_app
    from mockserver.cli.route_report import render, route_report
    from mockserver.cli.routes import RouteDescriptionError

    try:
        report = route_report(create_app(), spec, known_path=known)
    except RouteDescriptionError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(
        orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() if as_json else render(report, known)
    )
    sys.exit(1 if report["drift"] else 0)
