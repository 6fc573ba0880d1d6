"""The pytest plugins need only the package's own dependencies (and pytest): no test extra.

A team adds the package alone to its project; its tests then load both plugins and use every
fixture. A session like theirs runs here with no plugin loaded but ours (and Faker's, a
dependency), and no module it imported may come from a distribution that only the test extra
brings (Hypothesis, the official SDK, schemathesis, ... and what they need).
"""

from __future__ import annotations

import json
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 (pytest depends on tomli there)
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "callback-contracts"

USES_EVERY_FIXTURE = """
import json, urllib.request

def test_factories(callback_factory, callback_basic_factory, conversation_factory, conversation_basic_factory,
                   callback, callback_basic, conversation, conversation_basic, callback_faker):
    assert callback_factory.build("connected") and callback and conversation
    assert callback_faker.e164_number()

def test_server(callback_mock_server, callback_mock_notifications, conversation):
    callback_mock_server.put_conversation(conversation)
    request = urllib.request.Request(callback_mock_server.url + "/api/v2/conversations/" + conversation.id,
                                     headers={"Authorization": "Bearer any"})
    with urllib.request.urlopen(request) as answer:
        assert json.loads(answer.read())["id"] == conversation.id
    callback_mock_server.verify("GET", "/api/v2/conversations/{id}", count=1)
"""
RECORDS_MODULES = """
import json, sys

def pytest_sessionfinish(session):
    with open("modules.json", "w") as out:
        json.dump(sorted(sys.modules), out)
"""


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", requirement).lower()


def _closure(roots: list[str], extras: dict[str, list[str]]) -> set[str]:
    """Every distribution the ``roots`` requirements need, transitively, without extras.

    The project's own extras (``callback-contracts[hypothesis]``) are read from ``extras``.
    """
    needed: set[str] = set()
    pending = [Requirement(root) for root in roots]
    while pending:
        requirement = pending.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        name = _name(requirement.name)
        if name == PROJECT:
            pending.extend(Requirement(text) for extra in requirement.extras for text in extras[extra])
            continue
        if name in needed:
            continue
        needed.add(name)
        pending.extend(Requirement(text) for text in metadata.requires(requirement.name) or ())
    return needed


def test_a_session_using_every_fixture_imports_no_test_extra(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    runtime = _closure([*project["dependencies"], "pytest"], extras)
    test_only = _closure(extras["test"], extras) - runtime
    pytester.makepyfile(USES_EVERY_FIXTURE)
    pytester.makeconftest(RECORDS_MODULES)
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # as if nothing else were installed
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # this checkout's packages, whatever is installed

    result = pytester.runpytest_subprocess(
        "-p", "factories.plugin", "-p", "mockserver.testing.plugin", "-p", "faker.contrib.pytest.plugin"
    )

    result.assert_outcomes(passed=2)
    imported = {name.partition(".")[0] for name in json.loads((pytester.path / "modules.json").read_text())}
    installed = metadata.packages_distributions()
    from_test_extra = {
        name: dists
        for name in imported
        if (dists := {_name(dist) for dist in installed.get(name, ())} & test_only)
    }
    assert {"hypothesis", "purecloudplatformclientv2", "schemathesis", "jsonschema"} <= test_only
    assert from_test_extra == {}
