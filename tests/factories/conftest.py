"""Fixtures of the factory tests: a fixed clock and the official SDK, imported away from ~/."""

from __future__ import annotations

from datetime import datetime, timezone
from types import ModuleType

import pytest

NOW = datetime(2030, 1, 15, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def now() -> datetime:
    """The fixed clock of the factory tests."""
    return NOW


@pytest.fixture(scope="session")
def genesys_sdk(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The official SDK; its import reads ``~/.genesyscloudpython/config``, so HOME is emptied."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
        import PureCloudPlatformClientV2

    PureCloudPlatformClientV2.Configuration().live_reload_config = False
    return PureCloudPlatformClientV2
