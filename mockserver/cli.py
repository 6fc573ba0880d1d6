"""The ``callback-contracts`` command line."""

from __future__ import annotations

import click

from mockserver.cli_drift import drift
from mockserver.cli_schema import schema
from mockserver.cli_validate import validate


@click.group()
def main() -> None:
    """Contracts, fixtures and a mock server for Genesys Cloud callbacks."""


main.add_command(validate)
main.add_command(schema)
main.add_command(drift)
