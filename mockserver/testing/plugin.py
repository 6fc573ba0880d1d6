"""The pytest plugin of the mock server: one live server per session, reset for each test.

Registered under its own ``pytest11`` entry point, apart from the factory fixtures, so a test
session that never asks for a server never imports Flask.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from factories.plugin import NOW_KEY
from mockserver.config import DEFAULTS, PREFIX, VARIABLES, SettingError, parse
from mockserver.control.client import AdminError
from mockserver.testing.remote import RemoteMockServer

if TYPE_CHECKING:
    from mockserver.testing.notifications import NotificationChannel
    from mockserver.testing.server import MockServer

URL_VARIABLE = "CALLBACK_MOCK_URL"
CONFIG_MARKER = "callback_mock_config"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("callback-mock", "callback-contracts mock server")
    group.addoption(
        "--callback-mock-url",
        default=os.environ.get(URL_VARIABLE),
        help=f"use the mock server already running at this URL instead of starting one (env: {URL_VARIABLE})",
    )
    group.addoption(
        "--callback-mock-log-requests",
        action="store_true",
        default=None,
        help="log each request to the in-process mock server (Werkzeug's line, INFO on the werkzeug logger)",
    )
    parser.addini(
        "callback_mock_log_requests",
        "Log each request to the in-process mock server (default: false; the journal keeps them).",
        type="bool",
        default=False,
    )


# What a remote server (--callback-mock-url) said of itself at start-up: the header's line.
REMOTE_KEY = pytest.StashKey[str]()
# The session server's config fixture value and where it was defined, once the server started.
STARTED_KEY = pytest.StashKey[tuple[dict[str, Any], str]]()
PROFILE_ADVICE = "serve --profile pytest"


@pytest.hookimpl(trylast=True)  # after the factories' pytest_configure has set the session's clock
def pytest_configure(config: pytest.Config) -> None:
    _read_remote(config)
    config.addinivalue_line(
        "markers",
        f"{CONFIG_MARKER}(config=None, **settings): give this test its own mock server, started with the "
        "session's config merged with this mapping and these settings, and stopped after the test "
        "(skipped with --callback-mock-url)",
    )


def _read_remote(config: pytest.Config) -> None:
    """With ``--callback-mock-url``: read the server's clock and seed for the header, and take its
    frozen clock as the factories' (unless ``--callback-now`` says otherwise), as the fixture does."""
    url = config.getoption("callback_mock_url")
    if not url or hasattr(config, "workerinput"):  # a pytest-xdist worker: the controller's clock
        return
    server = _remote(url)
    try:
        settings = server.settings()
    except (OSError, AdminError) as error:
        config.stash[REMOTE_KEY] = f"callback-mock: remote server {url} (not answering: {error})"
        return
    frozen = settings.get("CLOCK_FROZEN") == "true"
    start = settings.get("NOW")
    chosen = config.getoption("callback_now") or config.getini("callback_now")
    if frozen and start and not chosen:
        config.stash[NOW_KEY] = parse("NOW", start)
    clock = f"clock {start or 'real time'}, {'frozen' if frozen else 'running'}"
    line = f"callback-mock: remote server {url}: {clock}, seed {settings.get('SEED', DEFAULTS['SEED'])}"
    if not (frozen and start):
        line += f"; resets return to one instant only on a frozen clock ({PROFILE_ADVICE})"
    config.stash[REMOTE_KEY] = line


def pytest_report_header(config: pytest.Config) -> str | None:
    return config.stash.get(REMOTE_KEY, None)


def _remote(url: str) -> RemoteMockServer:
    """The server at ``url``, its control API's prefix and token read as that server reads them."""
    try:
        prefix = parse("ADMIN_PREFIX", os.environ.get(VARIABLES["ADMIN_PREFIX"], DEFAULTS["ADMIN_PREFIX"]))
        token = parse("ADMIN_TOKEN", os.environ.get(VARIABLES["ADMIN_TOKEN"]))
    except SettingError as error:
        raise pytest.UsageError(f"{PREFIX}{error}") from None
    return RemoteMockServer(url, admin_prefix=prefix, admin_token=token)


HYPOTHESIS_ADVICE = (
    "callback_mock_server is reset once per test, not per Hypothesis example: take the session's "
    "server, callback_mock_server_session, and call its reset() at the start of each example "
    "(README: Hypothesis and the server)"
)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Hypothesis refuses ``callback_mock_server`` (a function-scoped fixture): say what to use instead."""
    report = yield
    if report.failed and call.excinfo is not None and call.excinfo.typename == "FailedHealthCheck":
        # Hypothesis's: "... uses a function-scoped fixture 'name'" (older: "Function-scoped fixture 'name' used by")
        message = str(call.excinfo.value).lower()
        if "function-scoped" in message and "'callback_mock_" in message:
            report.sections.append(("callback-contracts", HYPOTHESIS_ADVICE))
    return report


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
        yield _remote(url)
        return
    from mockserver.testing.server import MockServer

    request.config.stash[STARTED_KEY] = (callback_mock_server_config, _defined_at(request))
    config = _session_config(request, callback_mock_server_config)
    server = MockServer(config, log_requests=_log_requests(request.config)).start()
    yield server
    server.stop()


def _log_requests(config: pytest.Config) -> bool:
    option = config.getoption("callback_mock_log_requests")
    return bool(config.getini("callback_mock_log_requests") if option is None else option)


def _session_config(request: pytest.FixtureRequest, configured: dict[str, Any]) -> dict[str, Any]:
    # The fixture's clock starts at the session's clock (--callback-now) and stands still: nothing
    # moves between a test's steps unless the test moves time (server.clock.advance), and every
    # reset goes back to the same instant, so each test sees the same data whatever ran before.
    return {"NOW": request.config.stash[NOW_KEY], "CLOCK_FROZEN": True, **configured}


@pytest.fixture
def callback_mock_server(request: pytest.FixtureRequest) -> Iterator[MockServer | RemoteMockServer]:
    """The session's server, reset for this test: seeded dataset, empty journal, no faults.

    ``.url`` is its address; the control API's methods (``seed``, ``put_conversation``,
    ``requests``, ``verify``, ``fault``, ``rate_limit``, ...) are on the object. A test marked
    ``@pytest.mark.callback_mock_config({...})`` (or on its class or module; the nearest wins a
    key) gets a server of its own instead, started with the session's config merged with the
    marker's and stopped after the test; with ``--callback-mock-url`` such a test is skipped,
    as the running server's config cannot change.

    A ``callback_mock_server_config`` of a sub-directory's conftest.py that differs from the one
    the session's server started with is an error: one server serves the session.
    """
    markers = list(request.node.iter_markers(CONFIG_MARKER))
    if not markers:
        session: MockServer | RemoteMockServer = request.getfixturevalue("callback_mock_server_session")
        _check_unchanged(request)
        session.reset()
        yield session
        return
    if request.config.getoption("callback_mock_url"):
        pytest.skip(
            f"@pytest.mark.{CONFIG_MARKER} needs a server of the test's own; --callback-mock-url "
            "points the fixtures at a running server whose config cannot change"
        )
    from mockserver.testing.server import MockServer

    config = _session_config(request, request.getfixturevalue("callback_mock_server_config"))
    for marker in reversed(markers):  # the module's first, the test's own last: the nearest wins
        config.update(_marker_config(marker))
    server = MockServer(config, log_requests=_log_requests(request.config)).start()
    try:
        yield server
    finally:
        server.stop()


def _defined_at(request: pytest.FixtureRequest) -> str:
    """Where the ``callback_mock_server_config`` this test sees is defined: a conftest.py, or the plugin."""
    # The test that asked (a session fixture's own node is the session, which sees only the root's)
    item = request._pyfuncitem
    defs = request._fixturemanager.getfixturedefs("callback_mock_server_config", item)
    source = inspect.getsourcefile(defs[-1].func) if defs else None
    if source is None or Path(source).resolve() == Path(__file__).resolve():
        return "the plugin's default"
    path = Path(source).resolve()
    try:
        return str(path.relative_to(request.config.rootpath))
    except ValueError:
        return str(path)


def _check_unchanged(request: pytest.FixtureRequest) -> None:
    started = request.config.stash.get(STARTED_KEY, None)
    if started is None:  # a remote server: its config is its own
        return
    config = request.getfixturevalue("callback_mock_server_config")
    if config == started[0]:
        return
    pytest.fail(
        f"callback_mock_server_config of {_defined_at(request)} ({config!r}) would change the session's "
        f"server, started with {started[0]!r} (from {started[1]}): one server serves the session. "
        f"Mark these tests @pytest.mark.{CONFIG_MARKER}({config!r}) instead (a module's "
        f"pytestmark = pytest.mark.{CONFIG_MARKER}(...)), or override callback_mock_server_config "
        "in the root conftest.py only",
        pytrace=False,
    )


def _marker_config(marker: pytest.Mark) -> dict[str, Any]:
    if len(marker.args) > 1 or (marker.args and not isinstance(marker.args[0], dict)):
        pytest.fail(
            f"@pytest.mark.{CONFIG_MARKER} takes one dict of settings (and/or keywords); got {marker.args!r}",
            pytrace=False,
        )
    return {**(marker.args[0] if marker.args else {}), **marker.kwargs}


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
