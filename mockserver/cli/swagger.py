"""``callback-contracts swagger refresh``: the committed copy of the official API description, renewed.

Genesys publishes the Platform API's Swagger 2.0 description without authentication at
``https://api.{region}/api/v2/docs/swagger`` (about 20 MB, 2,139 paths). The project keeps only what
it compares: the operations the mock serves, those named in ``KEPT_TOO``, and every definition they
reach, without prose (descriptions, summaries, examples). ``drift --routes`` and the route test read
the copy; where it came from and when is recorded in its ``info.x-callback-contracts-source``.
"""

from __future__ import annotations

import sys
import urllib.request
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import click
import orjson

from mockserver.cli.routes import RouteDescriptionError, description_operations, served_operations, template

DEFAULT_REGION = "mypurecloud.com"
COMMITTED = Path("contracts/api/genesys-swagger.json")  # from the checkout's root
SOURCE_KEY = "x-callback-contracts-source"

# Operations kept beside the ones the mock serves: routes being built (issue 22), so the copy holds
# their description before they are served. One line each; a served one may stay.
KEPT_TOO: tuple[tuple[str, str], ...] = (
    ("GET", "/api/v2/routing/queues"),
    ("POST", "/api/v2/routing/queues"),
    ("GET", "/api/v2/routing/queues/{queueId}"),
    ("PUT", "/api/v2/routing/queues/{queueId}"),
    ("DELETE", "/api/v2/routing/queues/{queueId}"),
    ("GET", "/api/v2/routing/queues/{queueId}/members"),
    ("POST", "/api/v2/routing/queues/{queueId}/members"),
    ("PATCH", "/api/v2/routing/queues/{queueId}/members"),
    ("PATCH", "/api/v2/routing/queues/{queueId}/members/{memberId}"),
    ("DELETE", "/api/v2/routing/queues/{queueId}/members/{memberId}"),
    ("GET", "/api/v2/routing/queues/{queueId}/estimatedwaittime"),
    ("GET", "/api/v2/routing/queues/{queueId}/mediatypes/{mediaType}/estimatedwaittime"),
    ("GET", "/api/v2/users"),  # the org's users (issues 22 and 23)
    ("GET", "/api/v2/users/{userId}"),
    ("GET", "/api/v2/users/{userId}/routingstatus"),
    ("PUT", "/api/v2/users/{userId}/routingstatus"),
    ("PATCH", "/api/v2/routing/conversations/{conversationId}"),
)

# Keywords that only explain: dropped everywhere except where they name a property or a model.
_PROSE = frozenset({"description", "summary", "example", "externalDocs", "termsOfService", "contact"})
_NAMES = frozenset({"properties", "definitions", "paths", "responses", "x-inin-error-codes", "scopes"})


def swagger_url(region: str) -> str:
    """Where Genesys publishes the description for ``region`` (``mypurecloud.com``, ``mypurecloud.de``, ...)."""
    return f"https://api.{region}/api/v2/docs/swagger"


def filter_description(description: dict[str, Any], keep: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """``description`` with only the operations ``keep`` names (method, path), the definitions they reach, no prose."""
    wanted = {(method.upper(), template(path)) for method, path in keep}
    paths: dict[str, dict[str, Any]] = {}
    for path, item in description.get("paths", {}).items():
        methods = {m: op for m, op in item.items() if (m.upper(), template(path)) in wanted}
        if methods:
            paths[path] = methods
    definitions = description.get("definitions", {})
    reached: dict[str, Any] = {}
    pending = list(_refs(paths))
    while pending:
        name = pending.pop()
        if name in reached or name not in definitions:
            continue
        reached[name] = definitions[name]
        pending.extend(_refs(definitions[name]))
    kept: dict[str, Any] = {
        key: description[key]
        for key in ("swagger", "info", "host", "basePath", "schemes")
        if key in description
    }
    kept["paths"] = dict(sorted(paths.items()))
    kept["definitions"] = dict(sorted(reached.items()))
    stripped: dict[str, Any] = _without_prose(kept, parent=None)
    return stripped


def _refs(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            yield ref.removeprefix("#/definitions/")
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _without_prose(node: Any, *, parent: str | None) -> Any:
    if isinstance(node, dict):
        names = parent in _NAMES
        return {
            key: _without_prose(value, parent=key)
            for key, value in node.items()
            if names or key not in _PROSE
        }
    if isinstance(node, list):
        return [_without_prose(value, parent=None) for value in node]
    return node


def read_description(source: str) -> tuple[dict[str, Any], str]:
    """The description at ``source`` (a URL or a file), and the source as it will be recorded."""
    try:
        if source.startswith(("https://", "http://")):
            request = urllib.request.Request(source, headers={"Accept": "application/json"})
            with urllib.request.urlopen(request, timeout=120) as response:
                raw = response.read()
        else:
            raw = Path(source).read_bytes()
        document = orjson.loads(raw)
    except (OSError, ValueError) as exc:
        raise RouteDescriptionError(f"{source}: cannot read a Swagger 2.0 description: {exc}") from exc
    description_operations(document, source=source)  # a Swagger 2.0 description, or an error naming it
    return document, source


@click.group()
def swagger() -> None:
    """The committed copy of the official API description (contracts/api/genesys-swagger.json)."""


@swagger.command()
@click.option(
    "--region",
    default=DEFAULT_REGION,
    show_default=True,
    help="The Genesys Cloud region's domain: the description is read from https://api.REGION/api/v2/docs/swagger.",
)
@click.option("--source", help="Read the description from this URL or file instead (a mirror, a saved copy).")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=COMMITTED,
    show_default=True,
    help="Where to write the filtered copy.",
)
def refresh(*, region: str, source: str | None, output: Path) -> None:
    """Download the official description and keep what the mock's routes need.

    Keeps the operations the mock serves (and those it is about to, listed in
    mockserver/cli/swagger.py's KEPT_TOO) with every definition they reach, drops the prose, and
    records the source and the date in info.x-callback-contracts-source (a source that already
    records its own origin, such as a merged copy of a public split, keeps it).
    """
    from mockserver.app import create_app

    try:
        description, origin = read_description(source or swagger_url(region))
    except RouteDescriptionError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    keep = [(op.method, op.path) for op in served_operations(create_app())] + list(KEPT_TOO)
    filtered = filter_description(description, keep)
    info = filtered.setdefault("info", {})
    if SOURCE_KEY not in info:
        retrieved = datetime.now(timezone.utc).date().isoformat()
        info[SOURCE_KEY] = {"url": origin, "retrieved": retrieved}
    found = {(op.method, template(op.path)) for op in description_operations(filtered, source=origin)}
    missing = sorted({f"{m.upper()} {p}" for m, p in keep if (m.upper(), template(p)) not in found})
    try:
        output.write_bytes(orjson.dumps(filtered, option=orjson.OPT_INDENT_2) + b"\n")
    except OSError as exc:
        click.echo(f"error: {output}: cannot write the copy: {exc}", err=True)
        sys.exit(2)
    operations = sum(len(item) for item in filtered["paths"].values())
    click.echo(
        f"Wrote {output}: {operations} operations, {len(filtered['definitions'])} definitions, from {origin}."
    )
    for name in missing:
        click.echo(f"not in the description: {name}", err=True)
