"""The server's settings, their defaults and its fixed paths; importable without Flask.

``serve``'s options use the defaults, and ``Paths`` says once, for the views, the middlewares and
the document alike, whether a path belongs to the real API, the control API or the document.
"""

from __future__ import annotations

import enum
from typing import Any

from attrs import frozen

DEFAULTS: dict[str, Any] = {
    "SEED": 0,  # seed of the generated dataset
    "CONVERSATIONS": 50,  # conversations generated at start and restored by every reset
    "NOW": None,  # the clock's start (datetime), from which it runs on; None is the real time
    "CLOCK_FROZEN": False,  # the clock stands still until set or advanced
    "LIFECYCLE": None,  # how conversations live (control.models.Lifecycle or its wire mapping); None: auto
    "TOKENS": (),  # accepted bearer tokens; empty accepts any bearer token
    "MAX_CONTENT_LENGTH": 1024 * 1024,  # larger request bodies get 413, however they are framed
    "BODY_TIMEOUT": 10.0,  # serve: seconds a client has to send a request's body; slower ones get 408
    "ADMIN": True,  # serve the control API
    "ADMIN_PREFIX": "/__admin",  # where the control API lives
    "ADMIN_TOKEN": None,  # if set, the control API's bearer token
    "JOURNAL": True,  # record every API request for the control API to show and verify
    "JOURNAL_LIMIT": 10_000,  # requests kept; the oldest go first
    "JOURNAL_BYTES": 64
    * 1024
    * 1024,  # bytes of bodies, headers, paths and queries kept; the oldest go first
    "RATE_LIMIT": None,  # {"requests": N, "windowSeconds": W}: a budget per bearer token
    "STREAMING_HOST": "127.0.0.1",  # where the notification stream binds (serve and the fixtures start it)
    "STREAMING_PORT": 0,
    # The stream's address in channels' connectUri, when clients reach it elsewhere (a balancer's
    # ws://host:port); None: where it binds.
    "STREAMING_URL": None,  # the stream's port; 0 picks a free one
    "HEARTBEAT_SECONDS": 30.0,  # channel.metadata heartbeats, in real time (a socket keepalive)
    "NOTIFICATIONS_LIMIT": 1000,  # pushed notifications the control API keeps; the oldest go first
    "STORE": "memory",  # where the state lives: memory (this process), or redis://HOST:PORT/DB (shared)
    "STORE_PREFIX": "callback-mock",  # the namespace of every key in a shared store
    "WORKERS": 1,  # serve: worker processes (more than one needs a shared store)
    "STORE_TIMEOUT": 3.0,  # seconds a shared store's command may take before the store counts as down (503)
    # Host names the server answers besides loopback ones and IP addresses (.example.com: it and
    # its subdomains; *: any); any other Host gets 421, so a DNS-rebinding page reaches nothing.
    "ALLOWED_HOSTS": (),
    # The bounds of what the API stores (mockserver.state.limits; the mock's own numbers, not the API's):
    "MAX_CONVERSATIONS": 500_000,  # stored at once (at ~8.4 KB each, about 4 GB); a create beyond: 400
    "MAX_TEXT_LENGTH": 1000,  # characters of any text in an API request body (a name, a number, data)
    "MAX_CALLBACK_NUMBERS": 10,  # callbackNumbers of one create or reschedule
    "MAX_ATTRIBUTES": 100,  # entries of a create's data, and of a participant's attributes
    "MAX_CALLBACKS": 50,  # customer callbacks in one conversation (each new one on it adds one)
    # serve: seconds a connection may stay silent (no request's headers on the API's port, no opening
    # handshake on the stream's, an idle keep-alive) before it is closed
    "IDLE_SECONDS": 10.0,
    "CONNECTIONS": 1024,  # serve: connections each worker serves at once; more wait to be accepted
    "STREAM_OUTBOX_BYTES": 32 * 1024 * 1024,  # a socket's unsent messages; past it the socket is closed
}

OPENAPI_PATH = "/openapi.json"
CORRELATION_HEADER = "ININ-Correlation-Id"


class Audience(enum.Enum):
    """Whom a path is for: the real API's clients, the tests arranging it, or anyone reading the docs."""

    API = "api"  # the Genesys routes: a bearer token, the journal, faults and rate limits
    CONTROL = "control"  # the control API: the admin token if one is set; never journaled or faulted
    DOCUMENT = "document"  # the OpenAPI document: no token, never journaled or faulted


@frozen
class Paths:
    """The server's fixed paths, and which audience each request path belongs to."""

    admin_prefix: str  # without a trailing slash

    @classmethod
    def of(cls, config: Any) -> Paths:
        return cls(admin_prefix=str(config["ADMIN_PREFIX"]).rstrip("/"))

    @property
    def exempt(self) -> tuple[str, ...]:
        """The path prefixes outside the real API, for the middlewares' ``str.startswith``."""
        return (self.admin_prefix + "/", OPENAPI_PATH)

    def is_control(self, path: str) -> bool:
        """Whether ``path`` is the control API's: its prefix itself (``/__admin``) or under it."""
        return path.startswith(self.admin_prefix) and path[
            len(self.admin_prefix) : len(self.admin_prefix) + 1
        ] in ("", "/")

    def audience(self, path: str) -> Audience:
        if self.is_control(path):
            return Audience.CONTROL
        if path.startswith(OPENAPI_PATH):
            return Audience.DOCUMENT
        return Audience.API
