"""``callback-contracts schema``: the contract as JSON Schema, for other languages' tools."""

from __future__ import annotations

import click
import orjson

from contracts import json_schema
from mockserver.cli_models import RESPONSE_MODELS, model_option


@click.command()
@model_option(RESPONSE_MODELS, help="The model whose JSON Schema (2020-12) to print.")
@click.option("--openapi", is_flag=True, help="Print the OpenAPI document of the mock server's routes.")
def schema(*, model: type | None, openapi: bool) -> None:
    """Print the JSON Schema of a model's strict wire form (--model), or the OpenAPI document."""
    if openapi:
        raise click.UsageError(
            "--openapi is not available yet: the OpenAPI document arrives with the mock server's "
            "control API. Use --model for a model's JSON Schema."
        )
    if model is None:
        raise click.UsageError("give --model (or --openapi).")
    click.echo(orjson.dumps(json_schema(model), option=orjson.OPT_INDENT_2).decode())
