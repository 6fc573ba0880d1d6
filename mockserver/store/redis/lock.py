"""``Lease``: the store's lock, a Redis key held on a short lease that a watchdog renews while held.

``SET key token NX PX lease`` takes it; the holder's watchdog thread renews it every half second
(only while the key still holds the holder's token), and a compare-and-delete releases it.
A holder that dies (killed, or its machine gone) stops renewing: its lease runs out within
``LEASE_MS`` and the next process takes the lock then, not after a long lease. A holder that
only stalls keeps its lease while its watchdog runs; a write of one whose lease did run out is
refused by its fence (``scripts``), never applied over the next holder's.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

from mockserver.store.errors import StoreError, StoreUnavailableError
from mockserver.store.redis.outage import LOST

# How long a dead holder keeps the lock: short beside the 30 s it was, long enough that a live holder's
# watchdog, renewing every half second, keeps it through seconds of a starved machine (a 1.5 s lease
# was lost on a 2-core machine running seven test suites at once).
LEASE_MS = 4000
RENEW_SECONDS = 0.5  # how often a live holder's watchdog renews it
POLL_SECONDS = 0.002  # between tries while another process holds it

_RENEW = """
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('pexpire', KEYS[1], ARGV[2])
"""
_RELEASE = """
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('del', KEYS[1])
"""


class Lease:
    """One process's hold on the lock ``key``; one holder thread at a time (the store sees to it)."""

    def __init__(self, client: Any, key: str) -> None:
        self._client = client
        self.key = key
        self.token: str | None = None  # while held
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)
        self._held = threading.Event()
        self._watchdog: threading.Thread | None = None

    def acquire(self, wait: float) -> None:
        """Take the lock, polling for up to ``wait`` seconds; ``StoreUnavailableError`` if it stays taken."""
        token = uuid.uuid4().hex
        deadline = time.monotonic() + wait
        while not self._client.set(self.key, token, nx=True, px=LEASE_MS):
            if time.monotonic() > deadline:
                raise StoreUnavailableError(f"the store's lock was not free within {wait:g} s", retry_after=1)
            time.sleep(POLL_SECONDS)
        self.token = token
        self._held.set()
        if self._watchdog is None:
            self._watchdog = threading.Thread(target=self._watch, name="store-lease", daemon=True)
            self._watchdog.start()

    def release(self) -> None:
        token, self.token = self.token, None
        self._held.clear()
        if token is not None:
            self._release(keys=[self.key], args=[token])

    def _watch(self) -> None:
        while True:
            self._held.wait()
            time.sleep(RENEW_SECONDS)
            token = self.token
            if token is None:
                continue
            try:
                self._renew(keys=[self.key], args=[token, LEASE_MS])
            except (*LOST, StoreError):  # the holder's next write finds out, and says so
                continue
