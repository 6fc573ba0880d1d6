"""Shared fixtures: a mock server app on a fixed seed and clock, its test client, and the SDK."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support import CONFIG, TOKEN
from tests.support.sdk import import_sdk

pytest_plugins = ["pytester"]


@pytest.fixture
def app() -> Flask:
    from mockserver import create_app

    return create_app(CONFIG)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client that sends the accepted bearer token."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TOKEN}"
    return client


@pytest.fixture(scope="session")
def callback_mock_server_config() -> dict[str, Any]:
    return CONFIG


@pytest.fixture(scope="session")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The official Python SDK, ``PureCloudPlatformClientV2``, imported under an empty home."""
    return import_sdk(tmp_path_factory.mktemp("home"))
