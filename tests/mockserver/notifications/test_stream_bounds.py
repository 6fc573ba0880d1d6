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
    config["NOTIFICATIONS_LIMIT"] = 100_000  # what was pushed to both sockets, all of it
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
    return connect(uri, sock=raw, compression=None, max_size=None, max_queue=1, close_timeout=1)


def test_a_socket_that_does_not_read_is_closed_and_a_reading_one_gets_everything(server: MockServer) -> None:
    """Callbacks created one by one, the reader caught up after each, until 768 KiB have been sent.

    The socket that does not read fills the kernel's buffers (bounded by the stream), then its
    outbox, and is closed with 1008 once ``STREAM_OUTBOX_BYTES`` would be passed.
    """
    queue_id = str(server.backend.factory.org.queues[0].id)
    topics = [
        f"v2.routing.queues.{queue_id}.conversations",
        f"v2.routing.queues.{queue_id}.conversations.callbacks",
    ]
    slow_channel = new_channel(server)
    path = f"/api/v2/notifications/channels/{slow_channel['id']}/subscriptions"
    highest = sent = 0
    with NotificationChannel(server.url) as reader, silent_client(slow_channel["connectUri"]) as slow:
        reader.subscribe(topics)
        assert call(server.url, "PUT", path, [{"id": t} for t in topics], token="agent:0").status == 200
        while sent < 768 * 1024:  # twice what the kernel's buffers, websockets' and the outbox hold
            for _ in range(5):
                body = {"callbackNumbers": ["+13175550100"], "queueId": queue_id}
                assert call(server.url, "POST", "/api/v2/conversations/callbacks", body).status == 200
            # A pong comes after every event queued before the ping: the reader has caught up.
            assert answer_over(reader) == "pong"
            sent = sum(len(json.dumps(m)) for m in reader.events())
            highest = max(highest, server.stream.pending(slow_channel["id"]))

        # The reader: every event pushed to it, in order, its socket open.
        pushed = server.notifications(channel_id=reader.id)
        received = [m for m in reader.events() if m["topicName"] in topics]
        assert [m["metadata"]["CorrelationId"] for m in received] == [p["correlationId"] for p in pushed]
        assert all(p["delivered"] for p in pushed)
        # The socket that did not read: never more than the bound waiting, then closed.
        assert 0 < highest <= OUTBOX
        assert not server.notifications(channel_id=slow_channel["id"])[-1]["delivered"]
        with pytest.raises(ConnectionClosed) as closed:
            read_to_the_end(slow)
        assert closed.value.rcvd is not None
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (
            1008,
            f"too slow: over {OUTBOX} bytes waited to be sent",
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


def test_stopping_does_not_wait_for_ever_on_a_socket_that_does_not_read() -> None:
    """Its close frame cannot be written; the stream cuts the connection rather than wait."""
    server = MockServer({"CLOCK_FROZEN": True, "NOW": NOW}).start()
    try:
        queue_id = str(server.backend.factory.org.queues[0].id)
        channel = new_channel(server)
        path = f"/api/v2/notifications/channels/{channel['id']}/subscriptions"
        topic = f"v2.routing.queues.{queue_id}.conversations"
        with silent_client(channel["connectUri"]):
            assert call(server.url, "PUT", path, [{"id": topic}], token="agent:0").status == 200
            while server.stream.pending(channel["id"]) < 64 * 1024:  # the kernel's buffers are full
                body = {"callbackNumbers": ["+13175550100"], "queueId": queue_id}
                assert call(server.url, "POST", "/api/v2/conversations/callbacks", body).status == 200
            started = time.monotonic()
            server.stop()  # raised TimeoutError after 10 s when the close waited on the client
            assert time.monotonic() - started < 9
    finally:
        server.stop()
