"""The pytest plugin of the mock server: one live server per session, reset for each test.

Registered under its own ``pytest11`` entry point, apart from the factory fixtures, so a test
session that never asks for a server never imports Flask.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from factories.plugin import NOW_KEY
from mockserver.testing.remote import RemoteMockServer

if TYPE_CHECKING:
    from mockserver.testing.notifications import NotificationChannel
    from mockserver.testing.server import MockServer

URL_VARIABLE = "CALLBACK_MOCK_URL"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("callback-mock", "callback-contracts mock server")
    group.addoption(
        "--callback-mock-url",
        default=os.environ.get(URL_VARIABLE),
        help=f"use the mock server already running at this URL instead of starting one (env: {URL_VARIABLE})",
    )


@pytest.fixture(scope="session")
def callback_mock_server_config() -> dict[str, Any]:
    """The config of the session's server (see ``mockserver.config.DEFAULTS``); exists to be overridden."""
    return {}


@pytest.fixture(scope="session")
def callback_mock_server_session(
    request: pytest.FixtureRequest, callback_mock_server_config: dict[str, Any]
) -> Iterator[MockServer | RemoteMockServer]:
    """The session's server: started once on a free port in a daemon thread, or the given URL's."""
    url = request.config.getoption("callback_mock_url")
    if url:
        yield RemoteMockServer(
            url,
            admin_prefix=os.environ.get("CALLBACK_MOCK_ADMIN_PREFIX", "/__admin"),
            admin_token=os.environ.get("CALLBACK_MOCK_ADMIN_TOKEN"),
        )
        return
    from mockserver.testing.server import MockServer

    # The fixture's clock starts at the session's clock (--callback-now) and stands still: nothing
    # moves between a test's steps unless the test moves time (server.clock.advance), and every
    # reset goes back to the same instant, so each test sees the same data whatever ran before.
    config = {"NOW": request.config.stash[NOW_KEY], "CLOCK_FROZEN": True, **callback_mock_server_config}
    server = MockServer(config).start()
    yield server
    server.stop()


@pytest.fixture
def callback_mock_server(
    callback_mock_server_session: MockServer | RemoteMockServer,
) -> MockServer | RemoteMockServer:
    """The session's server, reset for this test: seeded dataset, empty journal, no faults.

    ``.url`` is its address; the control API's methods (``seed``, ``put_conversation``,
    ``requests``, ``verify``, ``fault``, ``rate_limit``, ...) are on the object.
    """
    callback_mock_server_session.reset()
    return callback_mock_server_session


@pytest.fixture
def callback_mock_notifications(
    callback_mock_server: MockServer | RemoteMockServer,
) -> Iterator[NotificationChannel]:
    """A notification channel of the (reset) server, its socket open, acting as the org's first agent.

    ``subscribe(topics)`` subscribes it; ``wait_for(topic=..., predicate=..., timeout=...)``
    returns the first matching message as soon as it arrives; ``events(topic)`` lists those so far;
    ``user`` is ``GET /api/v2/users/me``; ``connect()`` opens a new socket on the same channel.
    """
    from mockserver.testing.notifications import NotificationChannel

    channel = NotificationChannel(callback_mock_server.url)
    yield channel
    channel.close()
