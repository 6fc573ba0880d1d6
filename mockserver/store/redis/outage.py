"""``Outage``: whether the store's Redis answers, told once when it stops and once when it is back.

Every command the store sends goes through ``Client`` (redis-py's client, its pipelines too) or
reports to the same ``Outage``: a connection refused, lost or silent past the store's timeout
marks the store down. While it is down, commands fail at once (``StoreUnavailableError``, which
the server answers with 503) instead of each waiting out the timeout again, and a thread of the
outage's own pings Redis until it answers. So an outage costs each request nothing but its 503,
and the log has one WARNING when it starts and one INFO when it ends.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import redis
from redis.client import Pipeline
from redis.exceptions import ConnectionError, RedisError, TimeoutError

from mockserver.store.errors import StoreUnavailableError

LOST = (ConnectionError, TimeoutError)  # refused, reset, silent past the timeout, loading its data
PROBE_SECONDS = 0.25  # between pings while down
_log = logging.getLogger(__name__)


class Outage:
    """The state of one store's Redis: up, or down since a time (``monotonic``), probed meanwhile."""

    def __init__(self, url: str, probe: Callable[[], Any], *, retry_after: int = 1) -> None:
        self.url = url
        self.retry_after = retry_after  # what a 503 tells the client to wait (s)
        self._probe = probe  # a command that succeeds once Redis answers again
        self._lock = threading.Lock()
        self.since: float | None = None

    def check(self) -> None:
        """Raise ``StoreUnavailableError`` at once while the store is down."""
        if self.since is not None:
            raise self._error("is unreachable")

    def lost(self, error: BaseException) -> StoreUnavailableError:
        """Note that a command found the store unreachable; the error to raise instead of ``error``."""
        with self._lock:
            if self.since is None:
                self.since = time.monotonic()
                _log.warning(
                    "the store %s is unreachable (%s): answering 503 until it is back", self.url, error
                )
                threading.Thread(target=self._wait, name="store-outage", daemon=True).start()
        return self._error(f"is unreachable ({error})")

    def _wait(self) -> None:
        while True:
            time.sleep(PROBE_SECONDS)
            try:
                self._probe()
            except (RedisError, OSError):  # not back yet, or not Redis that answers (a protocol error)
                continue
            with self._lock:
                since, self.since = self.since, None
            _log.info("the store %s is back after %.1f s", self.url, time.monotonic() - (since or 0.0))
            return

    def _error(self, what: str) -> StoreUnavailableError:
        return StoreUnavailableError(f"the store {self.url} {what}", retry_after=self.retry_after)


class Client(redis.Redis):
    """redis-py's client, each command (and pipeline) failing fast while ``outage`` says the store is down."""

    outage: Outage

    def execute_command(self, *args: Any, **options: Any) -> Any:
        self.outage.check()
        try:
            return super().execute_command(*args, **options)  # type: ignore[no-untyped-call]
        except LOST as error:
            raise self.outage.lost(error) from None

    def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> Pipeline:
        pipe = _Pipeline(self.connection_pool, self.response_callbacks, transaction, shard_hint)
        pipe.outage = self.outage
        return pipe


class _Pipeline(Pipeline):
    outage: Outage

    def execute(self, raise_on_error: bool = True) -> list[Any]:
        self.outage.check()
        try:
            return super().execute(raise_on_error)
        except LOST as error:
            raise self.outage.lost(error) from None
