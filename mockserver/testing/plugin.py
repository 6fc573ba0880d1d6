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
    from mockserver.testing.event_bus import EventBus
    from mockserver.testing.notifications import NotificationChannel
    from mockserver.testing.server import MockServer
    from mockserver.testing.triggers import TriggerExecutions

URL_VARIABLE = "CALLBACK_MOCK_URL"
CONFIG_MARKER = "callback_mock_config"
STRICT_MARKER = "callback_mock_strict"
CALL_PASSED = pytest.StashKey[bool]()  # whether a test's own call passed (else unused stubs are no news)


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
    group.addoption(
        "--callback-mock-strict",
        action="store_true",
        default=None,
        help="fail a test whose stubs or faults on the mock server were never used (listing them)",
    )
    parser.addini(
        "callback_mock_strict",
        "Fail a test at teardown when a stub or fault it set on the mock server was never used "
        "(default: false; @pytest.mark.callback_mock_strict(False) lets one test off).",
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
    config.addinivalue_line(
        "markers",
        f"{STRICT_MARKER}(enabled=True): fail this test at teardown if a stub or fault it set on the mock "
        "server was never used, listing them with the nearest requests received",
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
    if report.when == "call" and report.passed:
        item.stash[CALL_PASSED] = True
    if report.failed and call.excinfo is not None and call.excinfo.typename == "FailedHealthCheck":
        # Hypothesis's: "... uses a function-scoped fixture 'name'" (older: "Function-scoped fixture 'name' used by")
        message = str(call.excinfo.value).lower()
        if "function-scoped" in message and "'callback_mock_" in message:
            report.sections.append(("callback-contracts", HYPOTHESIS_ADVICE))
    return report


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """Under strict mode, a test whose stubs or faults were never used fails at teardown, listing them.

    Asked before the fixtures end (a server of the test's own is still up); raised after.
    """
    unused = _unused(item)
    result = yield
    if unused:
        pytest.fail(unused, pytrace=False)
    return result


def _unused(item: pytest.Item) -> str | None:
    server = getattr(item, "funcargs", {}).get("callback_mock_server")
    if server is None or not item.stash.get(CALL_PASSED, False) or not _strict(item):
        return None
    from mockserver.testing.strict import unused_report

    return unused_report(server)


def _strict(item: pytest.Item) -> bool:
    marker = item.get_closest_marker(STRICT_MARKER)
    if marker is not None:
        return bool(marker.args[0] if marker.args else marker.kwargs.get("enabled", True))
    option = item.config.getoption("callback_mock_strict")
    return bool(item.config.getini("callback_mock_strict") if option is None else option)


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


@pytest.fixture
def callback_mock_event_bus(callback_mock_server: MockServer | RemoteMockServer) -> Iterator[EventBus]:
    """A local event bus the (reset) server's event sink POSTs every detail event to, as EventBridge events.

    ``wait_for(predicate, timeout)`` returns the first event (the EventBridge envelope, the detail
    event in ``["detail"]["eventBody"]``) as soon as it arrives; ``events(detail_type)`` lists
    those so far; ``answer(status)`` makes it refuse what follows. The sink is cleared afterwards.
    """
    from mockserver.testing.event_bus import EventBus

    with EventBus() as bus:
        callback_mock_server.set_event_sink(bus.url)
        yield bus
        callback_mock_server.clear_event_sink()


@pytest.fixture
def callback_mock_trigger_executions(
    callback_mock_server: MockServer | RemoteMockServer,
) -> TriggerExecutions:
    """The executions the (reset) server's process-automation triggers started.

    ``all(trigger_id=..., workflow_id=..., status=...)`` lists them, oldest first;
    ``wait_for(..., predicate=..., count=..., timeout=...)`` returns as soon as that many match
    (a delivery to a workflow's URL runs on the server's own thread).
    """
    from mockserver.testing.triggers import TriggerExecutions

    return TriggerExecutions(callback_mock_server)
