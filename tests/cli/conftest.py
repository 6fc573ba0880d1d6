"""Fixtures for the command-line tests: a runner and realistic captured payloads."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sysconfig
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from mockserver.cli import main

# A customer leg's callback as the API sends it once routed (genesys-callback-facts: "a real
# callback's life"); every nested model appears once.
_CALLBACK: dict[str, Any] = {
    "state": "connected",
    "initialState": "scheduled",
    "id": "5e2d6c33-0a5c-4b89-9d3e-1f0f1c7a2b11",
    "segments": [
        {
            "startTime": "2030-01-15T11:00:00.000Z",
            "endTime": "2030-01-15T11:05:00.000Z",
            "type": "Scheduled",
            "howEnded": "Interact",
        },
        {"startTime": "2030-01-15T11:05:00.000Z", "type": "Interact"},
    ],
    "direction": "outbound",
    "held": False,
    "dialerPreview": {
        "id": "p-1",
        "contactId": "c-1",
        "contactListId": "cl-1",
        "campaignId": "cam-1",
        "phoneNumberColumns": [{"columnName": "Cell", "type": "cell", "callableTimeColumnName": "tz"}],
        "callbackAutoAnswer": False,
    },
    "voicemail": {"id": "vm-1", "uploadStatus": "complete"},
    "callbackNumbers": ["+13175550123"],
    "callbackUserName": "Ada Lovelace",
    "scriptId": "0a1b2c3d-0000-4000-8000-000000000001",
    "externalCampaign": False,
    "skipEnabled": True,
    "timeoutSeconds": 0,
    "connectedTime": "2030-01-15T11:05:00.000Z",
    "callbackScheduledTime": "2030-01-15T11:00:00Z",
    "provider": "PureCloud Callback",
    "wrapup": {
        "code": "w-1",
        "name": "Resolved",
        "tags": ["vip"],
        "durationSeconds": 30,
        "provisional": False,
    },
    "afterCallWork": {"startTime": "2030-01-15T11:10:00.000Z", "state": "pending"},
    "afterCallWorkRequired": True,
    "callerId": "+13175550100",
    "callerIdName": "Support",
    "queueMediaSettings": {
        "alertingTimeoutSeconds": 30,
        "autoAnswerAlertToneSeconds": 1.5,
        "manualAnswerAlertToneSeconds": 2,
        "enableAutoAnswer": False,
    },
}


@pytest.fixture
def callback() -> dict[str, Any]:
    """A valid callback wire payload, fresh for each test to change at will."""
    return copy.deepcopy(_CALLBACK)


@pytest.fixture
def conversation(callback: dict[str, Any]) -> dict[str, Any]:
    """A valid Conversation holding two callbacks, on a customer and an acd participant."""
    acd_leg = {
        **copy.deepcopy(callback),
        "id": "acd-leg",
        "state": "disconnected",
        "disconnectType": "transfer",
    }
    return {
        "id": "conv-1",
        "startTime": "2030-01-15T11:00:00.000Z",
        "participants": [
            {"id": "p-customer", "purpose": "customer", "callbacks": [callback]},
            {"id": "p-acd", "purpose": "acd", "callbacks": [acd_leg]},
        ],
        "selfUri": "/api/v2/conversations/conv-1",
    }


@pytest.fixture
def invoke() -> Callable[..., Result]:
    """Run the command line in-process: ``invoke("validate", "-", input=...)``."""
    runner = CliRunner()

    def run(*args: str, input: str | bytes | None = None) -> Result:
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return run


def _executable() -> str:
    found = shutil.which("callback-contracts", path=sysconfig.get_path("scripts"))
    return found or shutil.which("callback-contracts") or pytest.fail("the console script is not installed")


# The checkout under test: the console script would otherwise import whichever copy the
# environment installed (an editable install of another worktree, say).
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def process() -> Callable[..., subprocess.CompletedProcess[bytes]]:
    """Run the installed ``callback-contracts`` console script as a real process, on this checkout."""
    executable = _executable()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }

    def run(args: Sequence[str], *, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [executable, *args], input=input, capture_output=True, timeout=60, check=False, env=env
        )

    return run
