"""Shared fixtures: a mock server app on a fixed seed and clock, and its test client."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

pytest_plugins = ["pytester"]

TOKEN = "test-token"
NOW = datetime(2030, 1, 15, 12, 0, tzinfo=timezone.utc)
CONFIG: dict[str, Any] = {
    "TESTING": True,
    "SEED": 7,
    "CONVERSATIONS": 30,
    "NOW": NOW,
    "CLOCK_FROZEN": True,
    "TOKENS": (TOKEN,),
}


@pytest.fixture
def app() -> Iterator[Flask]:
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
