"""Fixtures of the server tests: seeded conversations of a given kind, and the SDK pointed at the server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest
from flask import Flask

from contracts import CallbackState, Conversation
from mockserver.store import open_store
from mockserver.store.base import ConversationStore
from mockserver.store.memory import MemoryStore
from mockserver.testing.server import MockServer
from mockserver.web.current import backend_of
from tests.support.redis import forget, fresh_prefix
from tests.support.sdk import client_on
from tests.support.seeded import seeded


@pytest.fixture
def fresh(store: str) -> Iterator[ConversationStore]:
    """An empty store of each kind: this process's, or one on the session's Redis under a fresh prefix."""
    if store == "memory":
        yield MemoryStore()
        return
    prefix = fresh_prefix()
    made = open_store(store, prefix=prefix)
    try:
        yield made
    finally:
        made.close()
        forget(store, prefix)


@pytest.fixture
def scheduled(app: Flask) -> Conversation:
    """A seeded conversation whose callback is still scheduled."""
    return seeded(app, lambda cb: cb.state is CallbackState.SCHEDULED)


@pytest.fixture
def not_scheduled(app: Flask) -> Conversation:
    """A seeded conversation whose callback is no longer scheduled."""
    return seeded(app, lambda cb: cb.state is not CallbackState.SCHEDULED)


@pytest.fixture
def snapshot(app: Flask) -> Callable[[], dict[str, bytes]]:
    """Every stored conversation's wire JSON, to compare before and after a request."""
    return lambda: {entry.id: entry.body for entry in backend_of(app).store.entries()}


@pytest.fixture
def sdk_client(sdk: ModuleType, callback_mock_server: MockServer) -> Any:
    """An official SDK client on the live server, sending the accepted token."""
    return client_on(sdk, callback_mock_server.url)
