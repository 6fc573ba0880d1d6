"""The official JavaScript SDK reads and changes the routing state: queues, members, routing statuses.

``tests/js/routing.mjs`` makes the calls and checks each answer; this test gives it a server and
reads its verdict and what the server received. Without node or ``tests/js/node_modules`` the
test skips locally, and fails in CI (``CI=true``).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from mockserver.testing.server import MockServer
from tests.support import NOW
from tests.support.js import JS, node

SCRIPT = JS / "routing.mjs"


def test_the_js_sdk_reads_and_changes_the_routing_state(tmp_path: Path) -> None:
    executable = node("purecloud-platform-client-v2")
    config = {"TOKENS": ("js-token",), "CLOCK_FROZEN": True, "NOW": NOW, "CONVERSATIONS": 3}
    # HOME is empty so a developer's ~/.genesyscloudjavascript/config cannot move the gateway.
    env = {**os.environ, "HOME": str(tmp_path)}
    with MockServer(config) as server:
        done = subprocess.run(
            [executable, str(SCRIPT), server.url],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            cwd=JS,
        )
        assert done.returncode == 0, f"routing.mjs exited {done.returncode}:\n{done.stderr}{done.stdout}"
        summary = json.loads(done.stdout)
        queue = f"/api/v2/routing/queues/{summary['queueId']}"
        server.verify("POST", "/api/v2/routing/queues", count=1, status=200)
        server.verify("PUT", queue, count=1, status=200)
        server.verify("POST", f"{queue}/members", count=3, status=204)
        server.verify("DELETE", f"{queue}/members/{summary['agentId']}", count=1, status=204)
        server.verify("PUT", f"/api/v2/users/{summary['agentId']}/routingstatus", count=1, status=200)
        server.verify("POST", "/api/v2/conversations/callbacks", count=2)
        backend = server.backend

    assert summary["seededQueues"] == len(backend.factory.org.queues)
    kept = backend.routing.queue(summary["queueId"])  # what the SDK's calls left in the server's state
    assert kept is not None
    assert (kept.name, kept.member_count) == ("JS callbacks, renamed", 0)
    assert backend.routing.status(summary["agentId"]).status == "OFF_QUEUE"
