"""The pytest plugin of the factories: seeded factory fixtures for every test.

Installed with the package (``pytest11`` entry point ``callback_contracts``). A session seed comes
from ``--callback-seed``, the ``callback_seed`` ini setting, or chance; each test's seed is derived
from it and the test's node id, so a test sees the same payloads whatever runs before it and on
whichever pytest-xdist worker. The session seed and clock are printed in the header and in the
report of every failed test that used a factory, with the flags that replay them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from contracts import format_datetime
from factories._org import DEFAULT_LOCALE
from factories._seeding import UTC, derive, fresh_seed, parse_time
from factories.callbacks import CallbackBasicFactory, CallbackFactory
from factories.conversations import ConversationBasicFactory, ConversationFactory
from factories.providers import CallbackProvider

SEED_KEY = pytest.StashKey[int]()
NOW_KEY = pytest.StashKey[datetime]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("callback-contracts", "callback payload factories")
    group.addoption(
        "--callback-seed",
        type=int,
        default=None,
        help="Session seed of the callback factory fixtures (default: the ini value, else random).",
    )
    group.addoption(
        "--callback-now",
        default=None,
        help="ISO-8601 time the factory fixtures take as now (default: the session's start).",
    )
    parser.addini("callback_seed", "Session seed of the callback factory fixtures.", default=None)
    parser.addini("callback_now", "ISO-8601 time the factory fixtures take as now.", default=None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "callback_seed(seed): pin the callback factories' seed of this test")
    shared = getattr(config, "workerinput", None)  # a pytest-xdist worker: the controller's values
    if shared is not None and "callback_seed" in shared:
        config.stash[SEED_KEY] = int(shared["callback_seed"])
        config.stash[NOW_KEY] = parse_time(shared["callback_now"])
        return
    seed = config.getoption("callback_seed")
    if seed is None:
        seed = config.getini("callback_seed")  # None or a string
    now = config.getoption("callback_now") or config.getini("callback_now")
    config.stash[SEED_KEY] = int(seed) if seed not in (None, "") else fresh_seed()
    config.stash[NOW_KEY] = parse_time(now) if now else parse_time(format_datetime(datetime.now(UTC)))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist: hand the session seed and clock to each worker."""
    node.workerinput["callback_seed"] = node.config.stash[SEED_KEY]
    node.workerinput["callback_now"] = format_datetime(node.config.stash[NOW_KEY])


def replay_flags(config: pytest.Config) -> str:
    """The command-line flags that replay this session's payloads."""
    return f"--callback-seed={config.stash[SEED_KEY]} --callback-now={format_datetime(config.stash[NOW_KEY])}"


def pytest_report_header(config: pytest.Config) -> str:
    return f"callback-contracts: seed {config.stash[SEED_KEY]} (replay with {replay_flags(config)})"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.failed and "callback_seed" in getattr(item, "fixturenames", ()):
        report.sections.append(
            (
                "callback-contracts",
                f"session seed {item.config.stash[SEED_KEY]}, test seed {_test_seed(item)}; "
                f"replay with: pytest {replay_flags(item.config)} '{item.nodeid}'",
            )
        )
    return report


def _test_seed(item: pytest.Item) -> int:
    marker = item.get_closest_marker("callback_seed")
    if marker is not None:
        return int(marker.args[0])
    return derive(item.config.stash[SEED_KEY], item.nodeid)


@pytest.fixture(scope="session")
def callback_session_seed(pytestconfig: pytest.Config) -> int:
    """The session seed (``--callback-seed``); override it to pin every test of a directory."""
    return pytestconfig.stash[SEED_KEY]


@pytest.fixture
def callback_seed(request: pytest.FixtureRequest, callback_session_seed: int) -> int:
    """This test's seed: from the session seed and the node id, or a ``callback_seed`` marker.

    A project that pins Faker with its own ``faker_seed`` fixture gets that seed mixed in, so
    changing it changes the payloads too. Override this fixture to choose seeds yourself.
    """
    marker = request.node.get_closest_marker("callback_seed")
    if marker is not None:
        return int(marker.args[0])
    try:
        faker_seed = request.getfixturevalue("faker_seed")
    except pytest.FixtureLookupError:
        return derive(callback_session_seed, request.node.nodeid)
    return derive(callback_session_seed, request.node.nodeid, repr(faker_seed))


@pytest.fixture
def callback_now(pytestconfig: pytest.Config) -> datetime:
    """The factories' clock: the session's start or ``--callback-now``; override to fix it."""
    return pytestconfig.stash[NOW_KEY]


@pytest.fixture
def callback_locale(request: pytest.FixtureRequest) -> str:
    """The factories' Faker locale: the first of Faker's ``faker_locale`` when defined; override it."""
    try:
        locale = request.getfixturevalue("faker_locale")
    except pytest.FixtureLookupError:
        return DEFAULT_LOCALE
    return str(locale[0] if isinstance(locale, (list, tuple)) else locale)


@pytest.fixture
def callback_factory(callback_seed: int, callback_now: datetime, callback_locale: str) -> CallbackFactory:
    """A ``CallbackFactory`` seeded for this test."""
    return CallbackFactory(callback_seed, now=callback_now, locale=callback_locale)


@pytest.fixture
def callback_basic_factory(
    callback_seed: int, callback_now: datetime, callback_locale: str
) -> CallbackBasicFactory:
    """A ``CallbackBasicFactory`` seeded for this test."""
    return CallbackBasicFactory(callback_seed, now=callback_now, locale=callback_locale)


@pytest.fixture
def conversation_factory(
    callback_seed: int, callback_now: datetime, callback_locale: str
) -> ConversationFactory:
    """A ``ConversationFactory`` (full ``Conversation`` payloads) seeded for this test."""
    return ConversationFactory(callback_seed, now=callback_now, locale=callback_locale)


@pytest.fixture
def conversation_basic_factory(
    callback_seed: int, callback_now: datetime, callback_locale: str
) -> ConversationBasicFactory:
    """A ``ConversationBasicFactory`` seeded for this test."""
    return ConversationBasicFactory(callback_seed, now=callback_now, locale=callback_locale)


@pytest.fixture
def callback_faker(faker: Any) -> Any:
    """Faker's own ``faker`` fixture (so ``faker_seed`` and ``faker_locale`` apply) with ``CallbackProvider``."""
    faker.add_provider(CallbackProvider)
    return faker
