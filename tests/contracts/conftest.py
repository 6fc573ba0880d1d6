"""Fixtures of the contract tests: the official SDK, imported away from the user's own config."""

from __future__ import annotations

from types import ModuleType

import pytest


@pytest.fixture(scope="session")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The official Python SDK, ``PureCloudPlatformClientV2``.

    At import it reads ``~/.genesyscloudpython/config`` and watches its folder; importing it under
    an empty home keeps the tests independent of that file. (If another test imported it first,
    nothing here depends on its configuration: only models and deserialization are used.)
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
        import PureCloudPlatformClientV2

    PureCloudPlatformClientV2.Configuration().live_reload_config = False
    return PureCloudPlatformClientV2
