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


class ControlRoute(NamedTuple):
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


class ControlRoutes:
    """The control API's routes, by what they do (paths relative to ``ADMIN_PREFIX``)."""

    # Arranging data
    RESET = ControlRoute("POST", "/reset")
    SEED = ControlRoute("POST", "/seed")
    CONVERSATIONS = ControlRoute("GET", "/conversations")
    PUT_CONVERSATION = ControlRoute("PUT", "/conversations/{conversation_id}")
    DELETE_CONVERSATION = ControlRoute("DELETE", "/conversations/{conversation_id}")
    PUT_CALLBACK = ControlRoute(
        "PUT", "/conversations/{conversation_id}/participants/{participant_id}/callbacks/{callback_id}"
    )
    REPLACE_CALLBACK = ControlRoute("PUT", "/callbacks/{callback_id}")
    PUT_QUEUE = ControlRoute("PUT", "/queues/{queue_id}")
    # The journal
    REQUESTS = ControlRoute("GET", "/requests")
    CLEAR_REQUESTS = ControlRoute("DELETE", "/requests")
    VERIFY = ControlRoute("POST", "/requests/verify")
    # Faults and the rate limit
    FAULTS = ControlRoute("GET", "/faults")
    ADD_FAULT = ControlRoute("POST", "/faults")
    CLEAR_FAULTS = ControlRoute("DELETE", "/faults")
    REMOVE_FAULT = ControlRoute("DELETE", "/faults/{fault_id}")
    RATE_LIMIT = ControlRoute("GET", "/rate-limit")
    SET_RATE_LIMIT = ControlRoute("PUT", "/rate-limit")
    CLEAR_RATE_LIMIT = ControlRoute("DELETE", "/rate-limit")
    # Stubs
    STUBS = ControlRoute("GET", "/stubs")
    ADD_STUB = ControlRoute("POST", "/stubs")
    CLEAR_STUBS = ControlRoute("DELETE", "/stubs")
    REMOVE_STUB = ControlRoute("DELETE", "/stubs/{stub_id}")
    # The clock and the lifecycle
    CLOCK = ControlRoute("GET", "/clock")
    MOVE_CLOCK = ControlRoute("POST", "/clock")
    LIFECYCLE = ControlRoute("GET", "/lifecycle")
    SET_LIFECYCLE = ControlRoute("PUT", "/lifecycle")
    ADVANCE = ControlRoute("POST", "/conversations/{conversation_id}/advance")
    # Notifications
    NOTIFICATIONS = ControlRoute("GET", "/notifications")
    SOCKET_CLOSING = ControlRoute("POST", "/notifications/socket-closing")
    # The event-bus sink of the detail events
    SET_EVENT_SINK = ControlRoute("PUT", "/event-sink")
    CLEAR_EVENT_SINK = ControlRoute("DELETE", "/event-sink")
    EVENT_SINK_DELIVERIES = ControlRoute("GET", "/event-sink/deliveries")
    # The server's settings
    SETTINGS = ControlRoute("GET", "/settings")
    # Identities: users, OAuth clients, roles, tokens
    IDENTITIES = ControlRoute("GET", "/identities")
    ADD_USER = ControlRoute("POST", "/users")
    ADD_CLIENT = ControlRoute("POST", "/oauth-clients")
    PUT_ROLE = ControlRoute("PUT", "/roles/{role}")
    ISSUE_TOKEN = ControlRoute("POST", "/tokens")
    # Process automation: what a workflow id does, and what triggers started
    WORKFLOWS = ControlRoute("GET", "/workflows")
    PUT_WORKFLOW = ControlRoute("PUT", "/workflows/{workflow_id}")
    EXECUTIONS = ControlRoute("GET", "/executions")

    @classmethod
    def all(cls) -> dict[str, ControlRoute]:
        """Every route by its name, in the table's order."""
        return {name: value for name, value in vars(cls).items() if isinstance(value, ControlRoute)}


# The names this table had before the control API took one word: a user's code may import them.
AdminRoute = ControlRoute
AdminRoutes = ControlRoutes
