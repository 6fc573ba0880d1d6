"""A Genesys Cloud compatible mock server for callback conversations.

The rooms:

- ``config``: settings, their defaults and the fixed paths (no Flask).
- ``app``: ``create_app()`` wires the rest together, the WSGI layers' order stated once.
- ``backend``: every read and change of the state, and the rules of each command (no Flask);
  ``edits`` the pure conversation edits it makes; ``store`` where conversations are kept.
- ``errors``, ``handlers``, ``auth``, ``wire``, ``openapi``, ``extension``: Flask plumbing.
- ``api/``: the Genesys routes. ``control/``: the control API, its journal, faults and middleware.
- ``testing/``: ``MockServer``, ``RemoteMockServer`` and the pytest plugin. ``cli/``: the commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockserver.control.client import AdminClient, AdminError
from mockserver.testing.remote import RemoteMockServer

if TYPE_CHECKING:
    from mockserver.app import create_app
    from mockserver.testing.server import MockServer

__all__ = ["AdminClient", "AdminError", "MockServer", "RemoteMockServer", "create_app"]

# Imported on first use, as they need Flask: the command line, and serve's supervising process,
# run without it.
_LAZY = {"create_app": "mockserver.app", "MockServer": "mockserver.testing.server"}

if not TYPE_CHECKING:
    # Hidden from mypy, which reads the names above instead: a module-level __getattr__ it could see
    # would make it accept ``from mockserver import`` any name at all.

    def __getattr__(name: str) -> Any:
        if name in _LAZY:
            import importlib

            return getattr(importlib.import_module(_LAZY[name]), name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
