"""The ``callback-contracts`` command line.

Commands that need Flask are imported only when they run, so ``generate``, ``validate``,
``schema`` and ``drift`` start fast and work without the server's dependencies loaded.
"""

from __future__ import annotations

import importlib
from importlib.util import find_spec
from typing import Any

import click

from mockserver.cli_drift import drift
from mockserver.cli_generate import generate
from mockserver.cli_schema import schema
from mockserver.cli_validate import validate
from mockserver.cli_verify import verify


class _LazyGroup(click.Group):
    """A group that imports some commands (``name -> "module:attribute"``) on first use."""

    def __init__(self, *args: Any, lazy: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = self.lazy[cmd_name].partition(":")
        try:
            command: click.Command = getattr(importlib.import_module(module), attribute)
        except ImportError as exc:
            return _unavailable(cmd_name, exc)
        return command


def _unavailable(name: str, exc: ImportError) -> click.Command:
    """A stand-in for a command that cannot be imported: says why when run; --help still works."""
    reason = f"{name} is unavailable here: {exc}"

    def fail() -> None:
        raise click.ClickException(reason)

    return click.Command(name, callback=fail, help=reason, short_help=f"(unavailable: {exc})")


# serve is another part's command; the group offers it when that part is installed.
_LAZY = {"serve": "mockserver.serve:serve"} if find_spec("mockserver.serve") else {}


@click.group(cls=_LazyGroup, lazy=_LAZY)
def main() -> None:
    """Contracts, fixtures and a mock server for Genesys Cloud callbacks."""


for _command in (generate, validate, schema, drift, verify):
    main.add_command(_command)
