"""The stream's bounds: what a client sends it cannot break a socket, what it does not read is not hoarded.

A message the stream cannot take is answered with a 400 and the socket stays usable; a socket
whose unsent messages pass ``STREAM_OUTBOX_BYTES`` is closed with 1008 while a reading socket on
the same topics gets everything; a connection that never completes its opening handshake is
closed after ``IDLE_SECONDS``.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from mockserver.testing.notifications import NotificationChannel
from mockserver.testing.server import MockServer
from tests.support import NOW
from tests.support.live import call

OUTBOX = 64 * 1024
IDLE = 1.0


@pytest.fixture(scope="module")
def bounded_server() -> Iterator[MockServer]:
    config = {"CLOCK_FROZEN": True, "NOW": NOW, "STREAM_OUTBOX_BYTES": OUTBOX, "IDLE_SECONDS": IDLE}
    with MockServer(config) as server:
        yield server


@pytest.fixture
def server(bounded_server: MockServer) -> MockServer:
    bounded_server.reset()
    return bounded_server


def new_channel(server: MockServer) -> dict[str, Any]:
    """A channel of ``agent:0``, over REST: its id and connectUri."""
    created: dict[str, Any] = call(
        server.url, "POST", "/api/v2/notifications/channels", token="agent:0"
    ).json()
    return created


@pytest.fixture
def socket_of(server: MockServer) -> Iterator[ClientConnection]:
    with connect(new_channel(server)["connectUri"], compression=None, max_size=None) as client:
        yield client


def answer(client: ClientConnection, message: str | bytes) -> dict[str, Any]:
    client.send(message)
    reply: dict[str, Any] = json.loads(client.recv(timeout=10))
    return reply


DEEP_ARRAY = "[" * 10_000 + "]" * 10_000
DEEP_OBJECT = '{"a":' * 10_000 + "1" + "}" * 10_000
BAD_MESSAGES = [
    pytest.param(DEEP_ARRAY, "The message is not JSON: depth limit exceeded", id="10000-deep-array"),
    pytest.param(DEEP_OBJECT, "The message is not JSON: depth limit exceeded", id="10000-deep-object"),
    pytest.param('{"message": "ping"', "The message is not JSON: unexpected end of data", id="truncated"),
    pytest.param("ping", "The message is not JSON: ", id="not-json"),
    pytest.param(b"\xff\xfe", "The message is not JSON: ", id="binary-not-utf8"),
    pytest.param("", "The message is not JSON: ", id="empty"),
    pytest.param('["ping"]', '$: expected an object, got ["ping"]', id="an-array"),
    pytest.param("null", "$: expected an object, got nothing", id="null"),
    pytest.param(
        json.dumps({"message": "x" * 500_000}),
        '$.message: expected one of ping, subscribe, unsubscribe, got "xxxx',
        id="huge-string",
    ),
    pytest.param(
        '{"message": 7}', "$.message: expected one of ping, subscribe, unsubscribe, got 7", id="number"
    ),
    pytest.param(
        '{"message": {"deep": [1]}}',
        'expected one of ping, subscribe, unsubscribe, got {"deep":[1]}',
        id="object-kind",
    ),
    pytest.param("{}", "$.message: expected one of ping, subscribe, unsubscribe, got nothing", id="no-kind"),
    pytest.param(
        '{"message": "subscribe", "topics": "v2.users.u.conversations"}',
        '$.topics: expected a list of strings, got "v2.users.u.conversations"',
        id="topics-a-string",
    ),
    pytest.param(
        '{"message": "unsubscribe", "topics": ["v2.users.u.conversations", 7]}',
        "$.topics[1]: expected a string, got 7",
        id="topic-a-number",
    ),
    pytest.param(
        '{"message": "subscribe"}', "$.topics: expected a list of strings, got nothing", id="no-topics"
    ),
]


@pytest.mark.parametrize(("message", "expected"), BAD_MESSAGES)
def test_a_bad_message_is_answered_and_the_socket_stays_usable(
    server: MockServer,
    socket_of: ClientConnection,
    message: str | bytes,
    expected: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        reply = answer(socket_of, message)
        pong = answer(socket_of, '{"message": "ping"}')

    assert (reply["result"], reply["status"]) == ("400", "error")
    assert reply["message"].startswith(expected) or expected in reply["message"], reply["message"]
    assert len(reply["message"]) < 200  # what arrived is cut short, never echoed whole
    assert pong == {"topicName": "channel.metadata", "eventBody": {"message": "pong"}}
    assert [r.getMessage() for r in caplog.records] == []  # no traceback, no failed handler


def test_a_bad_message_keeps_its_correlation_id(socket_of: ClientConnection) -> None:
    reply = answer(socket_of, json.dumps({"message": "subscribe", "topics": [None], "correlationId": "c7"}))

    assert reply == {
        "result": "400",
        "status": "error",
        "correlationId": "c7",
        "message": "$.topics[0]: expected a string, got nothing.",
    }


def silent_client(uri: str) -> ClientConnection:
    """A WebSocket client that will not read: a small receive buffer, so the server's output waits."""
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect((urlsplit(uri).hostname, urlsplit(uri).port))
    return connect(uri, sock=raw, compression=None, max_size=None)


def test_a_socket_that_does_not_read_is_closed_and_a_reading_one_gets_everything() -> None:
    """Eight hours of 500 conversations' events, twenty minutes at a time: megabytes more than the bound.

    The reader catches up after each step; the socket that does not read fills the kernel's buffers,
    then its outbox, and is closed with 1008 once ``STREAM_OUTBOX_BYTES`` would be passed.
    """
    limit = 1024 * 1024
    config = {
        "CLOCK_FROZEN": True,
        "NOW": NOW,
        "CONVERSATIONS": 500,
        "STREAM_OUTBOX_BYTES": limit,
        "NOTIFICATIONS_LIMIT": 1_000_000,
    }
    with MockServer(config) as server, NotificationChannel(server.url) as reader:
        org = server.backend.factory.org
        topics = [
            f"v2.routing.queues.{queue.id}.conversations{kind}"
            for queue in org.queues
            for kind in ("", ".callbacks")
        ]
        slow_channel = new_channel(server)
        path = f"/api/v2/notifications/channels/{slow_channel['id']}/subscriptions"
        highest = 0
        producing = threading.Event()

        def watch() -> None:
            nonlocal highest
            while producing.is_set():
                highest = max(highest, server.stream.pending(slow_channel["id"]))

        with silent_client(slow_channel["connectUri"]) as slow:
            reader.subscribe(topics)
            assert call(server.url, "PUT", path, [{"id": t} for t in topics], token="agent:0").status == 200
            server.set_lifecycle(mode="auto")
            producing.set()
            watcher = threading.Thread(target=watch)
            watcher.start()
            for _ in range(24):
                server.clock.advance(minutes=20)
                # A pong comes after every event queued before the ping: the reader has caught up.
                assert answer_over(reader) == "pong"
            producing.clear()
            watcher.join()

            # The reader: every event pushed to it, in order, its socket open.
            pushed = server.notifications(channel_id=reader.id)
            received = [m for m in reader.events() if m["topicName"] in topics]
            assert [m["metadata"]["CorrelationId"] for m in received] == [p["correlationId"] for p in pushed]
            assert sum(len(json.dumps(m)) for m in received) > 4 * limit  # megabytes more than the bound
            assert all(p["delivered"] for p in pushed)
            assert answer_over(reader) == "pong"
            # The socket that did not read: never more than the bound waiting, then closed.
            assert 0 < highest <= limit
            assert not server.notifications(channel_id=slow_channel["id"])[-1]["delivered"]
            with pytest.raises(ConnectionClosed) as closed:
                read_to_the_end(slow)
            assert closed.value.rcvd is not None
            assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (
                1008,
                f"too slow: over {limit} bytes waited to be sent",
            )
            assert server.stream.pending(slow_channel["id"]) == 0


def read_to_the_end(client: ClientConnection) -> None:
    """Read what the kernel's buffers held, until the close frame (``ConnectionClosed``)."""
    while True:
        client.recv(timeout=10)


def answer_over(channel: NotificationChannel) -> str:
    assert channel._socket is not None
    start = len(channel.messages)
    channel._socket.send('{"message": "ping"}')
    message = channel.wait_for(topic="channel.metadata", after=start, predicate=lambda m: True)
    return str(message["eventBody"]["message"])


def test_a_connection_that_never_opens_the_websocket_is_closed_after_the_idle_bound(
    server: MockServer,
) -> None:
    with socket.create_connection((server.stream.host, server.stream.port), timeout=30) as silent:
        started = time.monotonic()
        assert silent.recv(1) == b""  # closed by the server
        waited = time.monotonic() - started

    assert IDLE * 0.9 <= waited < IDLE + 5
