"""The pytest plugin of the factories: seeded factory fixtures for every test.

Installed with the package (``pytest11`` entry point ``callback_contracts``). A session seed comes
from ``--callback-seed``, the ``callback_seed`` ini setting, or chance; each test's seed is derived
from it and the test's node id, so a test sees the same payloads whatever runs before it and on
whichever pytest-xdist worker. The session seed and clock are printed in the header and in the
report of every failed test that used a factory, with the flags that replay them.

Object fixtures, as pytest-factoryboy makes them: ``callback``, ``callback_basic``,
``conversation`` and ``conversation_basic`` are built by the seeded factory fixture of their
model, in the trait of ``<name>_trait``, with the field of every ``<name>__<field>`` fixture that
a test parametrizes or a conftest defines (``@pytest.mark.parametrize("callback__state", [...])``).
``register(CallbackFactory, "other_callback")`` in a conftest.py (or test module) makes another set
of them under that name, with a factory fixture of its own.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from random import Random
from typing import Any

import attrs
import pytest

from contracts import Callback, CallbackBasic, format_datetime
from factories import _shadowing
from factories._base import Factory
from factories._org import DEFAULT_LOCALE
from factories._seeding import UTC, derive, fresh_seed, parse_time
from factories.callbacks import CallbackBasicFactory, CallbackFactory
from factories.conversations import CONVERSATION_OVERRIDES, ConversationBasicFactory, ConversationFactory
from factories.errors import FactoryError
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
    if shared is None:
        _warn_of_shadowing(config)
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


def _warn_of_shadowing(config: pytest.Config) -> None:
    """A project's module named as one of this package's, that the plugin's import shadows: a warning."""
    if config.getoption("importmode") == "importlib":  # test folders stay off sys.path
        return
    for module in _shadowing.shadowed({config.rootpath, config.invocation_params.dir}):
        config.issue_config_time_warning(
            pytest.PytestConfigWarning(_shadowing.advice(module, config.rootpath)), stacklevel=2
        )


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


# Object fixtures: an object, its trait and one fixture per field it can override.

SEPARATOR = "__"  # pytest-factoryboy's (and factory_boy's) separator of a model and its field


class _Drawn:
    def __repr__(self) -> str:
        return "DRAWN"


DRAWN: Any = _Drawn()
"""The value of a ``<name>__<field>`` fixture nobody set: the factory draws that field."""


@attrs.frozen
class ObjectFixture:
    """An object fixture: its name, the factory fixture that builds it and the fields it overrides.

    The fixtures it makes: ``<name>`` (built by ``<name>_factory``), ``<name>_trait`` and one
    ``<name>__<field>`` per field (see ``register``).
    """

    name: str
    factory: type[Factory[Any]]
    fields: tuple[str, ...]

    @property
    def factory_fixture(self) -> str:
        return f"{self.name}_factory"

    @property
    def trait_fixture(self) -> str:
        return f"{self.name}_trait"

    def field_fixture(self, field: str) -> str:
        return f"{self.name}{SEPARATOR}{field}"


OBJECTS = {
    spec.name: spec
    for spec in (
        ObjectFixture("callback", CallbackFactory, tuple(f.name for f in attrs.fields(Callback))),
        ObjectFixture(
            "callback_basic", CallbackBasicFactory, tuple(f.name for f in attrs.fields(CallbackBasic))
        ),
        ObjectFixture("conversation", ConversationFactory, CONVERSATION_OVERRIDES),
        ObjectFixture("conversation_basic", ConversationBasicFactory, CONVERSATION_OVERRIDES),
    )
}


def _object_fixture(spec: ObjectFixture) -> Any:
    fields = {spec.field_fixture(field): field for field in spec.fields}

    def build(request: pytest.FixtureRequest, **given: Any) -> Any:
        factory = given.pop(spec.factory_fixture)
        trait = given.pop(spec.trait_fixture)
        overrides = {fields[name]: value for name, value in given.items() if value is not DRAWN}
        prefix = spec.name + SEPARATOR
        for name in request.fixturenames:  # a test's own <name>__<other>: the factory says what is wrong
            if name.startswith(prefix) and name not in fields:
                overrides[name.removeprefix(prefix)] = request.getfixturevalue(name)
        return factory.build(trait, **overrides)

    # The fixture's arguments, stated in its signature (pytest reads it), so that pytest sees every
    # field fixture as a dependency and lets a test parametrize any of them by name.
    keyword = inspect.Parameter.KEYWORD_ONLY
    names = ("request", spec.factory_fixture, spec.trait_fixture, *fields)
    build.__signature__ = inspect.Signature([inspect.Parameter(name, keyword) for name in names])  # type: ignore[attr-defined]
    build.__name__ = build.__qualname__ = spec.name
    build.__doc__ = (
        f"A ``{spec.factory.__model__.__name__}`` built by ``{spec.factory_fixture}`` in the trait "
        f"``{spec.trait_fixture}``, with every field its ``{spec.name}{SEPARATOR}<field>`` fixtures set."
    )
    return pytest.fixture(build, name=spec.name)


def _trait_fixture(spec: ObjectFixture) -> Any:
    def trait() -> str | None:
        return None

    trait.__name__ = trait.__qualname__ = spec.trait_fixture
    trait.__doc__ = (
        f"The trait of ``{spec.name}`` (None: ``{spec.factory.__name__}``'s default, or the one a "
        "``state`` override picks); exists to be parametrized or overridden."
    )
    return pytest.fixture(trait, name=spec.trait_fixture)


def _field_fixture(spec: ObjectFixture, field: str) -> Any:
    def drawn() -> Any:
        return DRAWN

    name = spec.field_fixture(field)
    drawn.__name__ = drawn.__qualname__ = name
    drawn.__doc__ = f"``{field}`` of ``{spec.name}`` (``DRAWN``: the factory draws it); exists to be parametrized or overridden."
    return pytest.fixture(drawn, name=name)


def _fixtures(specs: Sequence[ObjectFixture]) -> dict[str, Callable[..., Any]]:
    made = {}
    for spec in specs:
        made[spec.name] = _object_fixture(spec)
        made[spec.trait_fixture] = _trait_fixture(spec)
        made.update((spec.field_fixture(field), _field_fixture(spec, field)) for field in spec.fields)
    return made


# pytest finds fixtures among a plugin module's names: these are made, as pytest-factoryboy's are.
globals().update(_fixtures(list(OBJECTS.values())))


def register(factory: type[Factory[Any]], name: str) -> ObjectFixture:
    """Make object fixtures named ``name`` in the calling module (a conftest.py or a test module).

    As pytest-factoryboy's ``register(AuthorFactory, "second_author")``: ``name`` is an object
    built by ``<name>_factory``, in the trait of ``<name>_trait``, with the field of every
    ``<name>__<field>`` fixture set, exactly as ``callback`` is. ``factory`` is one of the four
    factories or a subclass of one. ``<name>_factory`` is seeded by the test's seed, clock and
    locale (so its org, queues and users are ``callback_factory``'s) but draws on its own, from
    the name: ``other_callback`` is another callback than ``callback``, the same in every run.
    """
    base = next((spec for spec in OBJECTS.values() if spec.factory in factory.__mro__), None)
    if base is None:
        known = ", ".join(spec.factory.__name__ for spec in OBJECTS.values())
        raise FactoryError(
            f"register({factory.__name__}, {name!r}): the factory must be one of {known}, or a subclass"
        )
    if not name.isidentifier() or SEPARATOR in name or name in BUILT_IN:
        raise FactoryError(
            f"register({factory.__name__}, {name!r}): the name must be an identifier without {SEPARATOR!r} "
            f"and none of the built-in object fixtures ({', '.join(BUILT_IN)})"
        )
    registered = OBJECTS.get(name)
    if registered is not None and registered.factory.__name__ != factory.__name__:
        raise FactoryError(
            f"register({factory.__name__}, {name!r}): the name is already registered for "
            f"{registered.factory.__name__}; give this one another name"
        )
    spec = ObjectFixture(name, factory, base.fields)
    made = _fixtures([spec])
    made[spec.factory_fixture] = _factory_fixture(spec)
    # Into the caller's module, where pytest looks for its fixtures (as pytest-factoryboy's register does).
    sys._getframe(1).f_globals.update(made)
    OBJECTS[name] = spec  # pytest_generate_tests checks its parametrized fields too
    return spec


BUILT_IN = tuple(OBJECTS)


def _factory_fixture(spec: ObjectFixture) -> Any:
    def build(callback_seed: int, callback_now: datetime, callback_locale: str) -> Factory[Any]:
        factory = spec.factory(callback_seed, now=callback_now, locale=callback_locale)
        factory.random = Random(derive(callback_seed, spec.factory.__name__, spec.name))
        return factory

    build.__name__ = build.__qualname__ = spec.factory_fixture
    build.__doc__ = (
        f"A ``{spec.factory.__name__}`` for ``{spec.name}``: the test's seed and org, draws of its own."
    )
    return pytest.fixture(build, name=spec.factory_fixture)


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A parametrized ``<name>__<field>`` naming no field fails as the factory would, at collection.

    Otherwise pytest would only say that the test "uses no argument" of that name.
    """
    for marker in metafunc.definition.iter_markers("parametrize"):
        argnames = marker.args[0] if marker.args else marker.kwargs.get("argnames", ())
        if isinstance(argnames, str):
            argnames = [name.strip() for name in argnames.split(",") if name.strip()]
        for argname in argnames:
            name, separator, field = str(argname).partition(SEPARATOR)
            spec = OBJECTS.get(name)
            if spec is None or not separator or name not in metafunc.fixturenames:
                continue
            if argname in metafunc.fixturenames:  # a field, or a fixture the project defines itself
                continue
            try:
                spec.factory(0).build(**{field: None})
            except FactoryError as error:
                where = f"In {metafunc.definition.name}: @pytest.mark.parametrize({argname!r})"
                pytest.fail(f"{where}: {error}", pytrace=False)
