"""Shared fixtures: a mock server app on a fixed seed and clock, its test client, and the SDK."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockserver.web.current import backend_of
from tests.support import CONFIG, TOKEN
from tests.support.control import LIST_EVERY, LISTS_EVERY
from tests.support.redis import on_store, redis_server
from tests.support.sdk import import_sdk

# tests.support.leaks: the session fails if a process it started outlives it.
pytest_plugins = ["pytester", "tests.support.leaks"]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of the session's own Redis server (started on a free port the first time it is asked for)."""
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="session", params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> str:
    """The store a test's servers keep their state in: every test of a server runs on both.

    ``memory``, or the session's Redis server's URL (each server then under a fresh prefix).
    """
    if request.param == "memory":
        return "memory"
    url: str = request.getfixturevalue("redis_url")
    return url


@pytest.fixture
def app(store: str) -> Iterator[Flask]:
    from mockserver import create_app

    with on_store(store, CONFIG) as config:
        made = create_app(config)
        yield made
        backend_of(made).store.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client that sends the accepted bearer token."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TOKEN}"
    return client


@pytest.fixture
def lists_every(client: FlaskClient) -> None:
    """``client``'s token lists every user's conversations (``LISTS_EVERY``), not only its own: for a
    test whose point is the API listing's paging or filters over every conversation."""
    assert client.put(LIST_EVERY, json=LISTS_EVERY).status_code == 200


@pytest.fixture
def callback_mock_server(store: str, callback_mock_server: Any) -> Any:
    """The plugin's fixture, on each store: it asks for its server's config when the test runs,
    too late for pytest to parametrize, so this names ``store`` up front."""
    return callback_mock_server


@pytest.fixture(scope="session")
def callback_mock_server_config(store: str) -> Iterator[dict[str, Any]]:
    with on_store(store, CONFIG) as config:
        yield config


@pytest.fixture(scope="session")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The official Python SDK, ``PureCloudPlatformClientV2``, imported under an empty home."""
    return import_sdk(tmp_path_factory.mktemp("home"))
