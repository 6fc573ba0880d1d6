"""For tests: ``MockServer`` (a thread of the test process), ``RemoteMockServer`` and the pytest plugin.

``from mockserver.testing import MockServer, RemoteMockServer, AdminError`` (or from ``mockserver``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockserver.control.client import AdminClient, AdminError
from mockserver.testing.remote import RemoteMockServer

if TYPE_CHECKING:
    from mockserver.testing.server import MockServer

__all__ = ["AdminClient", "AdminError", "MockServer", "RemoteMockServer"]

if not TYPE_CHECKING:
    # MockServer needs Flask: imported on first use, as ``mockserver`` does (a remote-only session runs without it).

    def __getattr__(name: str) -> Any:
        if name == "MockServer":
            from mockserver.testing.server import MockServer

            return MockServer
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
