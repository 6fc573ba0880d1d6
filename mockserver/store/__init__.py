"""Where a server's state is kept: ``open_store`` opens the store a ``STORE`` URL names.

``SCHEMES`` is the one table of the URLs a store may have, each saying whether the store it names
is shared (several processes serve one state from it) and opening it. ``base`` holds the
interfaces (``ConversationStore`` and the jobs it combines), the value kept (``Entry``) and the
errors; ``memory`` the in-memory store and its parts; ``redis`` the Redis store, imported only
when a Redis URL is opened (redis-py is the ``redis`` extra).
"""

from __future__ import annotations

from collections.abc import Callable

from attrs import frozen

from mockserver.store.base import (
    ABSENT,
    Conversations,
    ConversationStore,
    Entry,
    Log,
    OutOfDateError,
    PartMakers,
    PartShare,
    PartShares,
    Path,
    Relay,
    SharedPart,
    Sink,
    StoreError,
    StoreUnavailableError,
    Timetable,
    Tracked,
    Transactions,
    Windows,
)
from mockserver.store.memory import (
    LocalPartShare,
    LocalRelay,
    MemoryLog,
    MemorySchedule,
    MemoryStore,
    MemoryWindows,
)

__all__ = [
    "ABSENT",
    "SCHEMES",
    "ConversationStore",
    "Conversations",
    "Entry",
    "LocalPartShare",
    "LocalRelay",
    "Log",
    "MemoryLog",
    "MemorySchedule",
    "MemoryStore",
    "MemoryWindows",
    "OutOfDateError",
    "PartMakers",
    "PartShare",
    "PartShares",
    "Path",
    "Relay",
    "Scheme",
    "SharedPart",
    "Sink",
    "StoreError",
    "StoreUnavailableError",
    "Timetable",
    "Tracked",
    "Transactions",
    "Windows",
    "is_shared",
    "open_store",
    "scheme_of",
]


@frozen
class Scheme:
    """A kind of store URL: how it is written, whether its store is shared, and what opens one."""

    start: str  # the whole URL ("memory"), or how it begins ("redis://")
    shared: bool  # several processes may serve one state from it
    open: Callable[[str, str, float], ConversationStore]  # (url, prefix, timeout) -> the store

    def names(self, url: str) -> bool:
        """Whether ``url`` is one of this scheme's."""
        return url.startswith(self.start) if self.start.endswith("://") else url == self.start


def _memory(url: str, prefix: str, timeout: float) -> ConversationStore:
    return MemoryStore()


def _redis(url: str, prefix: str, timeout: float) -> ConversationStore:
    from mockserver.store.redis import RedisStore  # redis-py is needed only here (the redis extra)

    return RedisStore(url, prefix=prefix, timeout=timeout)


SCHEMES = (
    Scheme("memory", shared=False, open=_memory),
    Scheme("redis://", shared=True, open=_redis),
    Scheme("rediss://", shared=True, open=_redis),  # TLS
    Scheme("unix://", shared=True, open=_redis),  # a Redis server's socket
)


def scheme_of(url: str) -> Scheme | None:
    """The scheme of a store URL, or None if no store has URLs like it."""
    return next((scheme for scheme in SCHEMES if scheme.names(url)), None)


def is_shared(url: str | None) -> bool:
    """Whether the store a ``STORE`` URL names is shared by several processes (None: ``memory``)."""
    return _scheme(url).shared


def open_store(url: str | None, *, prefix: str, timeout: float = 3.0) -> ConversationStore:
    """The store a ``STORE`` setting names: None or ``memory`` this process's, ``redis://...`` a Redis server's.

    ``timeout``: how long a shared store's command may take (s) before the store counts as down.
    """
    url = "memory" if url is None else url
    return _scheme(url).open(url, prefix, timeout)


def _scheme(url: str | None) -> Scheme:
    scheme = scheme_of("memory" if url is None else url)
    if scheme is None:
        known = ", ".join(s.start for s in SCHEMES)
        raise StoreError(f"a store URL begins with one of {known}, not {url!r}")
    return scheme
