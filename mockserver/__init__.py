"""A Genesys Cloud compatible mock server for callback conversations.

The rooms (one rule: every ``/api/v2`` route in ``api/``, every control route in ``control/``, the
state and its rules in ``state/``, where state is kept in ``store/``, the Flask glue in ``web/``, the
server process in ``serving/``):

- ``config``: the one table of settings (``SETTINGS``: default, parser, variable, serve's option,
  help), the fixed paths and whom each is for; ``config_parsers`` the settings' parsers. No Flask.
- ``app``: ``create_app()`` wires the rest together, the WSGI layers' order stated once.
- ``state/``: every read and change of the state and the rules of each command (``backend``, built by
  ``assembly``), the pure edits, the clock, the lifecycle and its engine. No Flask.
- ``store/``: where the state is kept: ``open_store(url)`` and its scheme table, ``base`` (every
  interface), ``memory``, ``redis/``. No Flask.
- ``web/``: the Flask glue: the current backend, auth, the wire format, error handlers, CORS, the
  guard against web pages, and ``openapi/``, the document derived from the models.
- ``api/``: the Genesys routes. ``control/``: the control API (``/__admin``): its views, its state
  (journal, faults, stubs) and its WSGI layer. ``notifications/``: channels, topics and the stream.
- ``serving/``: ``serve``'s process: the RSGI bridge to Granian, its sockets and connection bounds.
- ``testing/``: ``MockServer``, ``RemoteMockServer`` and the pytest plugin. ``cli/``: the commands.
- ``errors``: ``MockServerError``, the base of every error the package raises.
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
