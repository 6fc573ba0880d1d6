"""The owner's side of ``serve --read-workers N`` (issue 26): today's server, which publishes its gate.

The owner is serve's one worker as in the default mode (the store, the engine, the notifications,
the console and the journal live in it), on a loopback port of its own, its store a
``PublishedMemoryStore``. The read workers take the public port's connections, answer GET by id
from the shared table while the owner's gate (``ReadGate``) allows it, and forward everything else
here. This module wraps the owner's RSGI app:

- Before each answer leaves, the gate is published again if what it holds changed (a fault, stub
  or rate limit set or cleared, ``advanceOn``, the next step's due time, the clock, the journal,
  the identities or ``TOKENS``): a read worker reading after the answer sees the change. A change
  of the identities, of ``TOKENS`` or of the clock forgets every token found permitted.
- A forwarded GET by id whose token the owner's own check permits (``is_authorized`` and
  ``permitted``, the fast path's) adds the Authorization header's digest to the gate, until the
  token expires.
- A forwarded request carries the client's and the public socket's addresses in one header with
  the serve's secret (``FORWARDED``): the app sees them as it would have, and not that header.
- A thread drains the read workers' journal entries into the journal every ``DRAIN_SECONDS`` and
  publishes the gate (a step the waker ran moves the next due time).
"""

from __future__ import annotations

import math
import threading
from typing import TYPE_CHECKING, Any

from mockserver.api.fast_reads import PREFIX, RULE
from mockserver.store.journal_ring import SharedJournal, inherited_lock
from mockserver.store.read_gate import GateState, ReadGate, digest
from mockserver.web.auth import bearer_token, is_authorized, permitted

if TYPE_CHECKING:
    from flask import Flask

    from mockserver.serving.rsgi import RsgiBridge
    from mockserver.state.backend import Backend

FORWARDED = "x-callback-mock-forwarded"  # "<secret> <client host:port> <server host:port>"
DRAIN_SECONDS = 0.05


class GatePublisher:
    """Keeps the gate at ``prefix``-gate in step with the owner's state."""

    def __init__(self, prefix: str, app: Flask, backend: Backend) -> None:
        self.gate = ReadGate(f"{prefix}-gate", create=True)
        self._config = app.config
        self._backend = backend
        self._lock = threading.Lock()
        self._tokens: dict[bytes, float] = {}
        self._version = 0  # of the tokens: one more each time they change
        self._key: tuple[Any, ...] = ()
        self._published: tuple[Any, ...] = ()

    def _identity_key(self) -> tuple[Any, ...]:
        clock = self._backend.clock.dump()
        return (
            self._backend.identity.generation,
            tuple(self._config["TOKENS"]),
            clock["frozen"],
            clock["offset"],
        )

    def publish(self) -> None:
        """Publish the owner's state if it changed since it was last published."""
        backend = self._backend
        engine = backend.engine
        is_open = not (
            backend.faults.active
            or backend.stubs.active
            or backend.limiter.limit is not None
            or engine.counts_reads
        )
        with self._lock:
            key = self._identity_key()
            if key != self._key:
                self._key, self._tokens = key, {}
                self._version += 1
            _, _, frozen, offset = key
            state = GateState(
                is_open,
                backend.journal is not None,
                engine.wake_at,
                -1 if frozen is None else int(frozen),
                int(offset),
                self._tokens,
            )
            figures = (*state[:5], self._version)
            if figures != self._published:
                self.gate.publish(state)
                self._published = figures

    def consider(self, authorization: str) -> None:
        """Add the token to the gate if the owner's own check permits it to read a conversation."""
        found = digest(authorization)
        if found in self._tokens:
            return
        with self._lock:
            key = self._identity_key()
        identity, clock = self._backend.identity, self._backend.clock
        token = bearer_token(authorization) or ""
        if not (
            is_authorized(authorization, self._config["TOKENS"], identity.issued)
            and permitted(identity, token, "GET", RULE)
        ):
            return
        expires = identity.expires(token)
        until = math.inf if expires is None else clock.when(expires)
        with self._lock:
            if key == self._key:  # nothing changed meanwhile: the check still holds
                self._tokens = {**self._tokens, found: until}
                self._version += 1

    def close(self) -> None:
        self.gate.close()


class _Headers:
    """An RSGI request's headers without serve's ``FORWARDED`` one (what ``RsgiBridge`` reads of them)."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs
        self._names = list(dict.fromkeys(name for name, _ in pairs))

    def get(self, name: str, default: str | None = None) -> str | None:
        return next((value for key, value in self._pairs if key == name), default)

    def get_all(self, name: str) -> list[str]:
        return [value for key, value in self._pairs if key == name]

    def items(self) -> list[tuple[str, str]]:
        return self._pairs

    def keys(self) -> list[str]:
        return self._names

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __len__(self) -> int:
        return len(self._names)


class _Scope:
    """A forwarded request's scope: the client's and the public socket's addresses, as the read
    worker saw them; ``local`` and ``peer`` are this connection's (a reset fault resets it)."""

    def __init__(self, scope: Any, headers: _Headers, client: str, server: str) -> None:
        self.proto = scope.proto
        self.http_version = scope.http_version
        self.method = scope.method
        self.path = scope.path
        self.query_string = scope.query_string
        self.scheme = scope.scheme
        self.headers = headers
        self.client = client
        self.server = server
        self.local = scope.server
        self.peer = scope.client


class _Protocol:
    """The RSGI protocol, the gate published (and a GET's token considered) before the answer leaves."""

    def __init__(self, protocol: Any, before: Any) -> None:
        self._protocol = protocol
        self._before = before

    def __call__(self) -> Any:
        return self._protocol()

    def __aiter__(self) -> Any:
        return self._protocol.__aiter__()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._protocol, name)

    def response_bytes(self, status: int, headers: Any, body: bytes) -> None:
        self._before()
        self._protocol.response_bytes(status, headers, body)

    def response_stream(self, status: int, headers: Any) -> Any:
        self._before()
        return self._protocol.response_stream(status, headers)


class OwnerApp:
    """The owner's RSGI app: ``bridge`` (serve's app), publishing the gate before each answer."""

    def __init__(
        self, bridge: RsgiBridge, publisher: GatePublisher, secret: str, journal: SharedJournal | None
    ):
        self.bridge = bridge
        self.publisher = publisher
        self.secret = secret
        self.journal = journal
        self._stop = threading.Event()
        threading.Thread(target=self._tend, name="callback-mock-gate", daemon=True).start()

    def __rsgi_del__(self, loop: Any) -> None:
        self._stop.set()
        self.bridge.__rsgi_del__(loop)

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        if scope.proto != "http":
            return
        forwarded = scope.headers.get(FORWARDED)
        if forwarded is not None:
            secret, _, addresses = forwarded.partition(" ")
            if secret == self.secret:
                client, _, server = addresses.partition(" ")
                pairs = [(name, value) for name, value in scope.headers.items() if name != FORWARDED]
                scope = _Scope(scope, _Headers(pairs), client, server)
        publisher = self.publisher
        if scope.method == "GET" and scope.path.startswith(PREFIX):
            authorization = scope.headers.get("authorization")

            def before() -> None:
                if authorization is not None:
                    publisher.consider(authorization)
                publisher.publish()
        else:
            before = publisher.publish
        await self.bridge.__rsgi__(scope, _Protocol(protocol, before))

    def _tend(self) -> None:
        """Drain the read workers' journal entries, and publish what moved without a request."""
        while not self._stop.wait(DRAIN_SECONDS):
            if self.journal is not None:
                self.journal.drain()
            self.publisher.publish()


def owner_app(bridge: RsgiBridge, settings: str) -> OwnerApp:
    """Wrap serve's app in the owner's, under the read workers' ``settings`` (``READERS_VARIABLE``)."""
    from flask import Flask

    from mockserver.web.current import backend_of

    _, prefix, secret = settings.split(" ")
    app = bridge.app
    assert isinstance(app, Flask)
    backend = backend_of(app)
    journal = backend.journal if isinstance(backend.journal, SharedJournal) else None
    if not inherited_lock():
        raise RuntimeError("the owner must be forked from serve's process (journal_ring.ring_lock)")
    publisher = GatePublisher(prefix, app, backend)
    publisher.publish()
    return OwnerApp(bridge, publisher, secret, journal)
