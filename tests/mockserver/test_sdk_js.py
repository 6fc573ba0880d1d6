"""The official JavaScript SDK, pointed at the live server, drives a callback's whole life.

``tests/js/lifecycle.mjs`` does the driving and checking; this test gives it a server and reads
its verdict. Without node or ``tests/js/node_modules`` (``npm ci --prefix tests/js``) the test
skips locally, and fails in CI (``CI=true``), where a skip would pass a check that never ran.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from mockserver.testing.server import MockServer
from tests.support import NOW

JS = Path(__file__).resolve().parents[1] / "js"
SCRIPT = JS / "lifecycle.mjs"
ADMIN_TOKEN = "js-admin"


def node() -> str:
    """The node executable; skipped (failed under CI) if it or the JS dependencies are missing."""
    found = shutil.which("node")
    missing = (
        "node is not on PATH"
        if found is None
        else "tests/js/node_modules is missing (npm ci --prefix tests/js)"
        if not (JS / "node_modules" / "purecloud-platform-client-v2").is_dir()
        else None
    )
    if missing is None and found is not None:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the JavaScript SDK test: {missing}")
    pytest.skip(missing or "")


def test_the_js_sdk_drives_a_callbacks_whole_life(tmp_path: Path) -> None:
    executable = node()
    config = {
        "TOKENS": ("js-token",),
        "CLOCK_FROZEN": True,
        "NOW": NOW,
        "CONVERSATIONS": 3,
        "ADMIN_PREFIX": "/_mock",  # the script must use the prefix it is given, and the token
        "ADMIN_TOKEN": ADMIN_TOKEN,
    }
    # HOME is empty so a developer's ~/.genesyscloudjavascript/config cannot move the gateway.
    env = {**os.environ, "HOME": str(tmp_path), "ADMIN_TOKEN": ADMIN_TOKEN}
    with MockServer(config) as server:
        done = subprocess.run(
            [executable, str(SCRIPT), server.url, server.admin_prefix],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            cwd=JS,
        )
        assert done.returncode == 0, f"lifecycle.mjs exited {done.returncode}:\n{done.stderr}{done.stdout}"
        summary = json.loads(done.stdout)
        participant = f"/api/v2/conversations/callbacks/{summary['conversationId']}/participants/"
        server.verify("PATCH", participant + summary["agentParticipantId"], count=2, status=202)
        server.verify("POST", participant + "*/communications/*/wrapup", count=1, status=202)

    assert [stage["stage"] for stage in summary["stages"]] == [
        "scheduled",
        "offered",
        "answered",
        "hung up",
        "wrapped up",
    ]
    assert summary["stages"][-1]["states"] == {
        "customer": "disconnected",
        "acd": "disconnected",
        "agent": "disconnected",
    }
