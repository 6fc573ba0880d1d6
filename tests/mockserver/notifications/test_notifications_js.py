"""A JavaScript client of the notification service (the ``ws`` package) gets every change the server logged.

``tests/js/notifications.mjs`` is the client and the checker: it subscribes an agent's and a
queue's four topics, creates callbacks, moves the clock and compares what its socket received with
the server's own log. This test gives it a server, reads its verdict, and reads every event body it
received through the official Python SDK as its topic's model. Without node or ``ws`` the test skips
locally and fails under ``CI=true`` (``tests.support.js``).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from mockserver.store.base import Sink
from mockserver.testing.server import MockServer
from tests.support import NOW
from tests.support.events import assert_reads_through_sdk
from tests.support.js import JS, node

SCRIPT = JS / "notifications.mjs"
ADMIN_TOKEN = "js-admin"
# Any bearer token passes, so the script's tokens can name agents (agent:<userId>).
CONFIG = {"CLOCK_FROZEN": True, "NOW": NOW, "ADMIN_PREFIX": "/_mock", "ADMIN_TOKEN": ADMIN_TOKEN}


@pytest.fixture
def server() -> Iterator[MockServer]:
    with MockServer(CONFIG) as running:
        yield running


def run_script(server: MockServer, events_file: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [node("ws"), str(SCRIPT), server.url, server.admin_prefix, str(events_file)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "ADMIN_TOKEN": ADMIN_TOKEN},
        cwd=JS,
    )


def test_a_ws_client_receives_every_change_once_in_order_as_logged(
    server: MockServer, tmp_path: Path, sdk: ModuleType
) -> None:
    events_file = tmp_path / "events.json"

    done = run_script(server, events_file)

    assert done.returncode == 0, f"notifications.mjs exited {done.returncode}:\n{done.stderr}{done.stdout}"
    summary = json.loads(done.stdout)
    user, queue = summary["userId"], summary["queueId"]
    assert list(summary["topics"]) == [
        f"v2.users.{user}.conversations",
        f"v2.users.{user}.conversations.callbacks",
        f"v2.routing.queues.{queue}.conversations",
        f"v2.routing.queues.{queue}.conversations.callbacks",
    ]
    # The seed makes the lifecycle offer some of the 24 callbacks to this agent: all four topics speak.
    assert all(count > 0 for count in summary["topics"].values()), summary["topics"]
    assert summary["callbacksCreated"] == 24
    logged = server.notifications(channel_id=summary["channelId"])
    assert summary["events"] == sum(summary["topics"].values()) == len(logged)

    events: list[dict[str, Any]] = json.loads(events_file.read_text())
    assert [(m["topicName"], m["metadata"]["CorrelationId"]) for m in events] == [
        (p["topicName"], p["correlationId"]) for p in logged
    ]
    client = sdk.ApiClient()
    for message in events:
        assert_reads_through_sdk(client, message)


class Twice:
    """A sink that sends the ``nth`` message it is handed twice: a client that checks must notice."""

    def __init__(self, sink: Sink, nth: int) -> None:
        self.sink = sink
        self.nth = nth
        self.sent = 0

    def send(self, channel_ids: Sequence[str], text: str) -> None:
        self.sent += 1
        self.sink.send(channel_ids, text)
        if self.sent == self.nth:
            self.sink.send(channel_ids, text)

    def close(self, channel_id: str) -> None:
        self.sink.close(channel_id)


def test_the_script_fails_naming_the_conversation_when_an_event_arrives_twice(
    server: MockServer, tmp_path: Path
) -> None:
    channels = server.backend.notifications
    assert channels.sink is not None
    channels.sink = Twice(channels.sink, nth=10)

    done = run_script(server, tmp_path / "events.json")

    assert done.returncode == 1, done.stdout
    assert done.stderr.startswith("notifications mismatch: conversation "), done.stderr
    assert "events received, in order" in done.stderr
    assert not (tmp_path / "events.json").exists()
