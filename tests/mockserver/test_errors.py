"""Every error the mock server's code raises shares one base, MockServerError, and is still the builtin it was."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import click
import pytest

import mockserver
from mockserver.errors import MockServerError
from mockserver.state import StateError


def _errors() -> dict[str, type[BaseException]]:
    """Every exception class defined in mockserver's modules, by its module and name."""
    found: dict[str, type[BaseException]] = {}
    for module_info in pkgutil.walk_packages(mockserver.__path__, "mockserver."):
        module = importlib.import_module(module_info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__ == module.__name__:
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return found


def test_every_error_of_mockserver_is_a_mockserver_error() -> None:
    # A command line refusal is click's: click shows it and exits with its code.
    outside = {
        name
        for name, error in _errors().items()
        if not issubclass(error, MockServerError) and not issubclass(error, click.ClickException)
    }
    assert outside == set()


@pytest.mark.parametrize(
    ("path", "base", "builtin"),
    [
        ("mockserver.state.errors.ApiError", StateError, Exception),
        ("mockserver.state.clock.ClockError", StateError, ValueError),
        ("mockserver.state.lifecycle.StepError", StateError, ValueError),
        ("mockserver.state.identity.IdentityError", StateError, LookupError),
        ("mockserver.state.identity.TokenExpiredError", StateError, Exception),
        ("mockserver.state.routing.RoutingError", StateError, LookupError),
        ("mockserver.config.SettingError", MockServerError, ValueError),
        ("mockserver.store.errors.StoreError", MockServerError, RuntimeError),
        ("mockserver.store.errors.StoreUnavailableError", MockServerError, RuntimeError),
        ("mockserver.store.errors.OutOfDateError", MockServerError, RuntimeError),
        ("mockserver.control.client.AdminError", MockServerError, Exception),
        ("mockserver.cli.provider.UnreachableError", MockServerError, Exception),
        ("mockserver.cli.provider.BrokenResponseError", MockServerError, Exception),
        ("mockserver.cli.shapes.ShapeError", MockServerError, Exception),
        ("mockserver.serving.worker.StartError", MockServerError, RuntimeError),
        ("mockserver.serving.rsgi.InjectedFault", MockServerError, ConnectionAbortedError),
    ],
)
def test_an_error_keeps_its_builtin_under_its_rooms_base(
    path: str, base: type[BaseException], builtin: type[BaseException]
) -> None:
    error = _errors()[path]
    assert issubclass(error, base)
    assert issubclass(error, builtin)
