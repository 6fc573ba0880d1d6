"""The official JavaScript SDK, pointed at the live server, drives a callback's whole life.

``tests/js/lifecycle.mjs`` does the driving and checking; this test gives it a server and reads
its verdict. Without node or ``tests/js/node_modules`` (``npm ci --prefix tests/js``) the test
skips locally, and fails in CI (``CI=true``), where a skip would pass a check that never ran.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from mockserver.testing.server import MockServer
from tests.support import NOW
from tests.support.js import JS, node

SCRIPT = JS / "lifecycle.mjs"
ADMIN_TOKEN = "js-admin"


def test_the_js_sdk_drives_a_callbacks_whole_life(tmp_path: Path) -> None:
    executable = node("purecloud-platform-client-v2")
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


def test_the_js_sdk_steers_the_acd(tmp_path: Path) -> None:
    executable = node("purecloud-platform-client-v2")
    config = {
        "TOKENS": ("js-token",),
        "CLOCK_FROZEN": True,
        "NOW": NOW,
        "CONVERSATIONS": 0,  # no seeded traffic: the queue's members are the script's to steer
        "ADMIN_PREFIX": "/_mock",
        "ADMIN_TOKEN": ADMIN_TOKEN,
    }
    env = {**os.environ, "HOME": str(tmp_path), "ADMIN_TOKEN": ADMIN_TOKEN}
    with MockServer(config) as server:
        done = subprocess.run(
            [executable, str(JS / "acd.mjs"), server.url, server.admin_prefix],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            cwd=JS,
        )
        assert done.returncode == 0, f"acd.mjs exited {done.returncode}:\n{done.stderr}{done.stdout}"
        summary = json.loads(done.stdout)
        server.verify("PATCH", f"/api/v2/routing/conversations/{summary['owned']}", count=1, status=200)

    assert summary["preferred"] != summary["owner"]
    assert summary["estimate"]["estimatedWaitTimeSeconds"] >= 0
    assert summary["everyOffer"] == 20  # with only agent:0 on queue, 20 of 20 offers reached agent:0
    assert summary["waits"] == sorted(set(summary["waits"]))  # off queue, the wait grew with each callback
