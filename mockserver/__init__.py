"""A Genesys Cloud compatible mock server for callback conversations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockserver.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # Flask is imported on first use: the command line, and serve's supervising process, run without it.
    if name == "create_app":
        from mockserver.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
