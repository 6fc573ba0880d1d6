"""The ``callback-contracts`` command line.

Each command is imported only when it runs, so ``generate``, ``validate``, ``schema`` and
``drift`` work without the server's dependencies loaded, and ``serve``'s supervising process
(which Granian forks the worker from) holds neither Flask nor the factories.
"""

from __future__ import annotations

import importlib
from typing import Any

import click


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


_LAZY = {
    name: f"mockserver.cli.{name}:{name}"
    for name in ("drift", "generate", "schema", "serve", "swagger", "validate", "verify")
}


@click.group(cls=_LazyGroup, lazy=_LAZY)
def main() -> None:
    """Contracts, fixtures and a mock server for Genesys Cloud callbacks."""
