"""The official Python SDK, imported away from the user's own configuration."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.support import TOKEN


def import_sdk(home: Path) -> ModuleType:
    """``PureCloudPlatformClientV2``, imported with ``home`` as the home folder.

    At import it reads ``~/.genesyscloudpython/config`` and watches its folder; importing it under
    an empty home keeps the tests independent of that file. (If something imported it first,
    nothing here depends on its configuration: the tests set host and token themselves.)
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        sdk = importlib.import_module("PureCloudPlatformClientV2")
    sdk.Configuration().live_reload_config = False
    return sdk


def client_on(sdk: ModuleType, host: str, *, token: str = TOKEN) -> Any:
    """An SDK client whose only changes from production are the host and the token."""
    client = sdk.ApiClient(host=host)
    client.access_token = token
    return client
