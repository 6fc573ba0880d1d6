"""The ``callback-contracts`` command line."""

from __future__ import annotations

import click


@click.group()
def main() -> None:
    """Contracts, fixtures and a mock server for Genesys Cloud callbacks."""
