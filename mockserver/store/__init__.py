"""Where a server's state is kept: ``open_store`` opens the store a ``STORE`` URL names.

``SCHEMES`` is the one table of the URLs a store may have, each saying whether the store it names
is shared (several processes serve one state from it) and opening it. ``base`` holds the
interfaces (``ConversationStore`` and the jobs it combines) and the value kept (``Entry``),
``errors`` the errors, ``memory`` the in-memory store and its parts, ``redis`` the Redis store.
Each is imported where it is used: this module imports none of them until a store is opened, so
``serve``'s supervising process asks the table without loading the contract or the factories.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from attrs import frozen

from mockserver.config import DEFAULTS
from mockserver.store.errors import StoreError

if TYPE_CHECKING:
    from mockserver.store.base import ConversationStore

__all__ = ["SCHEMES", "Scheme", "is_shared", "open_store", "scheme_of"]


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
    from mockserver.store.memory import MemoryStore

    return MemoryStore()


def _published(url: str, prefix: str, timeout: float) -> ConversationStore:
    from mockserver.store.published import PublishedMemoryStore

    return PublishedMemoryStore.open(url[len("published://") :])


def _redis(url: str, prefix: str, timeout: float) -> ConversationStore:
    from mockserver.store.redis import RedisStore  # redis-py is needed only here (the redis extra)

    return RedisStore(url, prefix=prefix, timeout=timeout)


SCHEMES = (
    Scheme("memory", shared=False, open=_memory),
    Scheme("redis://", shared=True, open=_redis),
    Scheme("rediss://", shared=True, open=_redis),  # TLS
    Scheme("unix://", shared=True, open=_redis),  # a Redis server's socket
    # serve --read-workers' owner: the memory store, published in the shared segments named by the
    # rest of the URL, which its read workers read (serve makes the URL; it is no user's setting)
    Scheme("published://", shared=False, open=_published),
)


def scheme_of(url: str) -> Scheme | None:
    """The scheme of a store URL, or None if no store has URLs like it."""
    return next((scheme for scheme in SCHEMES if scheme.names(url)), None)


def is_shared(url: str | None) -> bool:
    """Whether the store a ``STORE`` URL names is shared by several processes (None: ``memory``)."""
    return _scheme(url).shared


def open_store(
    url: str | None, *, prefix: str, timeout: float = DEFAULTS["STORE_TIMEOUT"]
) -> ConversationStore:
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
