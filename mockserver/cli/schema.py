"""``callback-contracts schema``: the contract as JSON Schema, for other languages' tools."""

from __future__ import annotations

import click
import orjson

from contracts import json_schema
from mockserver.cli.options import WIRE_MODELS, model_option


@click.command()
@model_option(WIRE_MODELS, help="The model whose JSON Schema (2020-12) to print.")
@click.option(
    "--openapi",
    is_flag=True,
    help="Print the OpenAPI 3.1 document of the mock server's routes (as served at /openapi.json).",
)
def schema(*, model: type | None, openapi: bool) -> None:
    """Print the JSON Schema of a model's strict wire form (--model), or the OpenAPI document."""
    if openapi:
        if model is not None:
            raise click.UsageError("give --model or --openapi, not both.")
        from mockserver import app
        from mockserver.web.openapi import dumps

        # The document depends on the routes only: an app with no data is enough.
        click.echo(dumps(app.create_app({"CONVERSATIONS": 0})).decode())
        return
    if model is None:
        raise click.UsageError("give --model (or --openapi).")
    click.echo(orjson.dumps(json_schema(model), option=orjson.OPT_INDENT_2).decode())
