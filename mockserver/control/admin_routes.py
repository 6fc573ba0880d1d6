"""Every route of the control API, in one table that the views register and ``AdminClient`` calls.

As WireMock's ``AdminRoutes`` is read by both its server and its Java client, the Flask views
register their rules from this table and the client builds its URLs from it, so the two cannot
drift. Only the standard library: the client, and so the pytest plugin, stay light.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import NamedTuple

_PARAMETER = re.compile(r"\{(\w+)\}")


class AdminRoute(NamedTuple):
    """One control route: its method and its path under the admin prefix, ``{name}`` for a parameter."""

    method: str
    path: str

    @property
    def rule(self) -> str:
        """The path as a Flask (Werkzeug) rule: ``/faults/{fault_id}`` -> ``/faults/<fault_id>``."""
        return _PARAMETER.sub(r"<\1>", self.path)

    @property
    def parameters(self) -> tuple[str, ...]:
        """The names of the path's parameters, in order."""
        return tuple(_PARAMETER.findall(self.path))

    def url(self, **values: str) -> str:
        """The path with each parameter's value filled in, percent-encoded as one path segment."""
        if set(values) != set(self.parameters):
            raise TypeError(f"{self.method} {self.path} takes {self.parameters}; got {tuple(values)}")
        return _PARAMETER.sub(lambda m: urllib.parse.quote(str(values[m[1]]), safe=""), self.path)


class AdminRoutes:
    """The control API's routes, by what they do (paths relative to ``ADMIN_PREFIX``)."""

    # Arranging data
    RESET = AdminRoute("POST", "/reset")
    SEED = AdminRoute("POST", "/seed")
    PUT_CONVERSATION = AdminRoute("PUT", "/conversations/{conversation_id}")
    DELETE_CONVERSATION = AdminRoute("DELETE", "/conversations/{conversation_id}")
    PUT_CALLBACK = AdminRoute(
        "PUT", "/conversations/{conversation_id}/participants/{participant_id}/callbacks/{callback_id}"
    )
    REPLACE_CALLBACK = AdminRoute("PUT", "/callbacks/{callback_id}")
    # The journal
    REQUESTS = AdminRoute("GET", "/requests")
    CLEAR_REQUESTS = AdminRoute("DELETE", "/requests")
    VERIFY = AdminRoute("POST", "/requests/verify")
    # Faults and the rate limit
    FAULTS = AdminRoute("GET", "/faults")
    ADD_FAULT = AdminRoute("POST", "/faults")
    CLEAR_FAULTS = AdminRoute("DELETE", "/faults")
    REMOVE_FAULT = AdminRoute("DELETE", "/faults/{fault_id}")
    RATE_LIMIT = AdminRoute("GET", "/rate-limit")
    SET_RATE_LIMIT = AdminRoute("PUT", "/rate-limit")
    CLEAR_RATE_LIMIT = AdminRoute("DELETE", "/rate-limit")
    # Stubs
    STUBS = AdminRoute("GET", "/stubs")
    ADD_STUB = AdminRoute("POST", "/stubs")
    CLEAR_STUBS = AdminRoute("DELETE", "/stubs")
    REMOVE_STUB = AdminRoute("DELETE", "/stubs/{stub_id}")
    # The clock and the lifecycle
    CLOCK = AdminRoute("GET", "/clock")
    MOVE_CLOCK = AdminRoute("POST", "/clock")
    LIFECYCLE = AdminRoute("GET", "/lifecycle")
    SET_LIFECYCLE = AdminRoute("PUT", "/lifecycle")
    ADVANCE = AdminRoute("POST", "/conversations/{conversation_id}/advance")
    # Notifications
    NOTIFICATIONS = AdminRoute("GET", "/notifications")
    SOCKET_CLOSING = AdminRoute("POST", "/notifications/socket-closing")
    # The server's settings
    SETTINGS = AdminRoute("GET", "/settings")

    @classmethod
    def all(cls) -> dict[str, AdminRoute]:
        """Every route by its name, in the table's order."""
        return {name: value for name, value in vars(cls).items() if isinstance(value, AdminRoute)}
