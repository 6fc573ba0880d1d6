"""Notifications end to end: REST channels and subscriptions, the stream, every change once, in order.

A Python ``websockets`` client (the fixture's ``NotificationChannel``) subscribes to the four topics,
creates callbacks and moves the clock; every event body must read through the Python SDK as its
topic's model with nothing lost.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from types import ModuleType
from typing import Any

import pytest
from websockets.sync.client import connect

from mockserver.notifications import stream as stream_module
from mockserver.notifications.stream import Stream
from mockserver.testing.notifications import NotificationChannel
from mockserver.testing.server import MockServer
from tests.support import NOW
from tests.support.events import assert_reads_through_sdk
from tests.support.live import call


def topics_of(user_id: str, queue_id: str) -> list[str]:
    return [
        f"v2.users.{user_id}.conversations",
        f"v2.users.{user_id}.conversations.callbacks",
        f"v2.routing.queues.{queue_id}.conversations",
        f"v2.routing.queues.{queue_id}.conversations.callbacks",
    ]


AGENT = "agent:0"  # a token naming agent 0
CALLBACKS = "/api/v2/conversations/callbacks"


@pytest.fixture(scope="module")
def notifying_server() -> Any:
    """A server accepting any token (the session's accepts one), so tokens can name agents."""
    with MockServer({"CLOCK_FROZEN": True, "NOW": NOW}) as server:
        yield server


@pytest.fixture
def callback_mock_server(notifying_server: Any) -> Any:
    notifying_server.reset()
    return notifying_server


@pytest.fixture
def callback_mock_notifications(callback_mock_server: Any) -> Any:
    with NotificationChannel(callback_mock_server.url) as channel:
        yield channel


@pytest.fixture
def queue_id(callback_mock_server: Any) -> str:
    return str(callback_mock_server.backend.factory.org.queues[0].id)


def test_users_me_names_a_stable_user_and_the_agents(callback_mock_server: Any) -> None:
    agent_id, agent_name = callback_mock_server.backend.factory.org.agents[1]

    assert call(callback_mock_server.url, "GET", "/api/v2/users/me", token="agent:1").json()["id"] == agent_id
    assert (
        call(callback_mock_server.url, "GET", "/api/v2/users/me", token=f"agent:{agent_id}").json()["name"]
        == agent_name
    )
    first = call(callback_mock_server.url, "GET", "/api/v2/users/me", token="some-token").json()["id"]
    assert (
        first
        == call(callback_mock_server.url, "GET", "/api/v2/users/me", token="some-token").json()["id"]
        != agent_id
    )


def test_every_change_arrives_once_in_order_and_reads_through_the_sdk(
    callback_mock_server: Any,
    callback_mock_notifications: NotificationChannel,
    queue_id: str,
    sdk: ModuleType,
) -> None:
    channel = callback_mock_notifications
    wanted = topics_of(channel.user["id"], queue_id)
    listing = channel.subscribe(wanted)
    assert [(t["id"], t["state"]) for t in listing["entities"]] == [(t, "Permitted") for t in wanted]
    # Only this test's conversations: the seeded ones in the queue are left where they are.
    callback_mock_server.set_lifecycle(mode="auto")
    answer = call(
        callback_mock_server.url,
        "POST",
        "/api/v2/conversations/callbacks",
        {"callbackNumbers": ["+13175550100"], "queueId": queue_id},
        token=AGENT,
    )
    assert answer.status == 200
    conversation_id = answer.json()["conversation"]["id"]
    callback_mock_server.clock.advance(hours=2)
    pushed = [p for p in callback_mock_server.notifications() if p["conversationId"] == conversation_id]
    assert pushed, "the change reached no channel"
    last = pushed[-1]
    channel.wait_for(
        predicate=lambda m: (
            m.get("metadata", {}).get("CorrelationId") == last["correlationId"]
            and m["topicName"] == last["topicName"]
        )
    )

    received = [m for m in channel.events() if m["eventBody"]["id"] == conversation_id]
    # Each change once, in order: exactly what the server says it pushed, in the same order.
    assert [(m["topicName"], m["metadata"]["CorrelationId"]) for m in received] == [
        (p["topicName"], p["correlationId"]) for p in pushed
    ]
    assert received[0]["metadata"]["CorrelationId"] == created_correlation(
        callback_mock_server, conversation_id
    )
    assert {m["topicName"] for m in received} >= set(wanted[2:])  # the queue's topics always
    client = sdk.ApiClient()
    for message in received:
        assert_reads_through_sdk(client, message)


def created_correlation(server: Any, conversation_id: str) -> str:
    posts = server.requests(method="POST", path="/api/v2/conversations/callbacks")
    return str(posts[-1]["correlationId"])


def test_reconnecting_after_socket_closing_loses_nothing(
    callback_mock_server: Any, callback_mock_notifications: NotificationChannel, queue_id: str
) -> None:
    channel = callback_mock_notifications
    channel.subscribe([f"v2.routing.queues.{queue_id}.conversations"])
    assert callback_mock_server.socket_closing() == [channel.id]
    channel.wait_for(topic="v2.system.socket_closing")
    channel.connect()  # a second socket on the channel: the server closes the first
    created = call(
        callback_mock_server.url,
        "POST",
        "/api/v2/conversations/callbacks",
        {"callbackNumbers": ["+13175550100"], "queueId": queue_id},
        token=AGENT,
    ).json()
    event = channel.wait_for(
        predicate=lambda m: m.get("eventBody", {}).get("id") == created["conversation"]["id"]
    )
    assert event["topicName"] == f"v2.routing.queues.{queue_id}.conversations"
    assert all(p["delivered"] for p in callback_mock_server.notifications(channel_id=channel.id))


def test_subscribing_over_the_socket(callback_mock_notifications: NotificationChannel, queue_id: str) -> None:
    channel = callback_mock_notifications
    assert channel._socket is not None
    start = len(channel.messages)
    channel._socket.send(json.dumps({"message": "subscribe", "topics": ["v2.nope"], "correlationId": "c1"}))
    channel._socket.send(
        json.dumps(
            {
                "message": "subscribe",
                "topics": [f"v2.routing.queues.{queue_id}.conversations"],
                "correlationId": "c2",
            }
        )
    )
    assert (
        channel.wait_for(predicate=lambda m: m.get("correlationId") == "c1", after=start)["result"] == "400"
    )
    assert (
        channel.wait_for(predicate=lambda m: m.get("correlationId") == "c2", after=start)["status"]
        == "subscribed"
    )


BAD = [
    pytest.param(
        "POST", [{"id": "v2.users.x.presence"}], "", 400, "notification.invalid.topic", id="unknown-topic"
    ),
    pytest.param(
        "PUT", [{"id": "channel.metadata"}], "", 400, "notification.invalid.topic", id="metadata-topic"
    ),
    pytest.param(
        "POST",
        [{"id": "v2.routing.queues..conversations"}],
        "",
        400,
        "notification.invalid.topic",
        id="empty-id",
    ),
    pytest.param(
        "POST",
        [{"id": f"v2.routing.queues.q{i}.conversations"} for i in range(1001)],
        "",
        400,
        "notification.subscription.too.many.subscriptions",
        id="1001-topics",
    ),
    pytest.param(
        "POST",
        [{"id": f"v2.routing.queues.q{i}.conversations"} for i in range(1001)],
        "?ignoreErrors=true",
        400,
        "notification.subscription.too.many.subscriptions",
        id="1001-topics-ignoring-errors",
    ),
    pytest.param("POST", [{"state": "Permitted"}], "", 400, "constraint.validation", id="no-id"),
    pytest.param("POST", [{"id": 7}], "", 400, "invalid.value", id="id-not-a-string"),
]


@pytest.mark.parametrize(("method", "body", "query", "status", "code"), BAD)
def test_bad_subscriptions_get_the_apis_errors(
    callback_mock_server: Any, method: str, body: Any, query: str, status: int, code: str
) -> None:
    channel_id = call(callback_mock_server.url, "POST", "/api/v2/notifications/channels", token=AGENT).json()[
        "id"
    ]
    path = f"/api/v2/notifications/channels/{channel_id}/subscriptions{query}"

    answer = call(callback_mock_server.url, method, path, body, token=AGENT)

    assert (answer.status, answer.json()["code"]) == (status, code)
    assert (
        call(callback_mock_server.url, "GET", path.split("?")[0], token=AGENT).json()["entities"] == []
    )  # nothing changed


def test_ignore_errors_rejects_the_unknown_topics_and_keeps_the_rest(callback_mock_server: Any) -> None:
    channel_id = call(callback_mock_server.url, "POST", "/api/v2/notifications/channels", token=AGENT).json()[
        "id"
    ]
    path = f"/api/v2/notifications/channels/{channel_id}/subscriptions?ignoreErrors=true"

    answer = call(
        callback_mock_server.url,
        "POST",
        path,
        [{"id": "v2.routing.queues.q.conversations"}, {"id": "bad"}],
        token=AGENT,
    )

    assert answer.status == 200
    assert [(t["id"], t["state"]) for t in answer.json()["entities"]] == [
        ("v2.routing.queues.q.conversations", "Permitted"),
        ("bad", "Rejected"),
    ]


def test_unknown_channels_are_404(callback_mock_server: Any) -> None:
    path = "/api/v2/notifications/channels/streaming-0-nope/subscriptions"
    assert call(callback_mock_server.url, "GET", path, token=AGENT).status == 404
    assert (
        call(
            callback_mock_server.url, "POST", path, [{"id": "v2.routing.queues.q.conversations"}], token=AGENT
        ).status
        == 404
    )
    channel = "/api/v2/notifications/channels/streaming-0-nope"
    assert call(callback_mock_server.url, "HEAD", channel, token="t").status == 404


def test_an_advance_pushes_each_step_to_the_channels_alive_when_it_fell_due(
    callback_mock_server: Any, callback_mock_notifications: NotificationChannel, queue_id: str
) -> None:
    channel = callback_mock_notifications
    channel.subscribe([f"v2.routing.queues.{queue_id}.conversations"])  # alive until NOW + 24 h
    callback_mock_server.set_lifecycle(mode="manual")
    created = {}
    for name, ahead in (("within", timedelta(hours=1)), ("after", timedelta(hours=25))):
        body = {"callbackNumbers": ["+13175550100"], "queueId": queue_id}
        body["callbackScheduledTime"] = (NOW + ahead).isoformat().replace("+00:00", "Z")
        answer = call(callback_mock_server.url, "POST", "/api/v2/conversations/callbacks", body, token=AGENT)
        assert answer.status == 200, answer.json()
        created[name] = answer.json()["conversation"]["id"]

    before = len(callback_mock_server.notifications())  # the creations'
    callback_mock_server.clock.advance(hours=26)  # one jump past the channel's expiry

    def fired(message: Any) -> bool:
        return (
            "version" in message
            and message["eventBody"]["id"] == created["within"]
            and any(
                p.get("purpose") == "acd" and (p.get("callbacks") or [{}])[-1].get("state") != "scheduled"
                for p in message["eventBody"]["participants"]
            )
        )

    channel.wait_for(predicate=fired)
    stepped = {p["conversationId"] for p in callback_mock_server.notifications()[before:]}
    assert created["within"] in stepped  # its steps fell due while the channel lived
    assert created["after"] not in stepped  # its steps fell due once the channel had expired


def test_the_21st_channel_removes_the_oldest_and_channels_expire_in_24_hours(
    callback_mock_server: Any,
) -> None:
    ids = [
        call(callback_mock_server.url, "POST", "/api/v2/notifications/channels", token="t21").json()["id"]
        for _ in range(21)
    ]
    listed = [
        c["id"]
        for c in call(callback_mock_server.url, "GET", "/api/v2/notifications/channels", token="t21").json()[
            "entities"
        ]
    ]
    assert listed == ids[1:]
    sub = f"/api/v2/notifications/channels/{ids[5]}/subscriptions"
    callback_mock_server.clock.advance(hours=23)
    assert (
        call(
            callback_mock_server.url, "PUT", sub, [{"id": "v2.routing.queues.q.conversations"}], token="t21"
        ).status
        == 200
    )  # extends
    callback_mock_server.clock.advance(hours=2)
    listed = [
        c["id"]
        for c in call(callback_mock_server.url, "GET", "/api/v2/notifications/channels", token="t21").json()[
            "entities"
        ]
    ]
    assert listed == [ids[5]]


@pytest.mark.parametrize("compression", [None, "deflate"], ids=["plain", "client-offers-deflate"])
def test_a_run_of_steps_arrives_whole_and_in_order_before_the_pong_that_follows_it(
    callback_mock_server: Any, queue_id: str, compression: str | None
) -> None:
    """An advance hands the stream its steps' events in a run, which reaches the socket in batches of
    frames written at once (bigger than one write's 32 KiB here): each arrives whole (JSON), once, in
    the order the server pushed them, and a ping sent as the advance answers is answered after them."""
    callback_mock_server.set_lifecycle(mode="manual")
    channel = call(callback_mock_server.url, "POST", "/api/v2/notifications/channels", token=AGENT).json()
    path = f"/api/v2/notifications/channels/{channel['id']}/subscriptions"
    topic = f"v2.routing.queues.{queue_id}.conversations"
    call(callback_mock_server.url, "PUT", path, [{"id": topic}], token=AGENT)
    for second in range(40):
        body = {"callbackNumbers": ["+13175550100"], "queueId": queue_id}
        body["callbackScheduledTime"] = (
            (NOW + timedelta(hours=1, seconds=second)).isoformat().replace("+00:00", "Z")
        )
        assert call(callback_mock_server.url, "POST", CALLBACKS, body, token=AGENT).status == 200
    with connect(channel["connectUri"], compression=compression, max_size=None) as socket:
        socket.send(json.dumps({"message": "ping"}))
        assert json.loads(socket.recv(timeout=10))["eventBody"] == {"message": "pong"}
        before = len(callback_mock_server.notifications())
        callback_mock_server.clock.advance(hours=2)
        socket.send(json.dumps({"message": "ping"}))
        received, size = [], 0
        while (message := json.loads(text := socket.recv(timeout=10))).get("topicName") != "channel.metadata":
            received.append(message)
            size += len(text)
        assert message["eventBody"] == {"message": "pong"}
    pushed = [p for p in callback_mock_server.notifications()[before:] if p["channelId"] == channel["id"]]
    assert len(pushed) >= 40  # every callback fired, at least
    assert size > 32 * 1024
    assert [(m["topicName"], m["metadata"]["CorrelationId"], m["eventBody"]["id"]) for m in received] == [
        (p["topicName"], p["correlationId"], p["conversationId"]) for p in pushed
    ]


def test_a_pong_follows_every_event_pushed_before_the_ping(callback_mock_server: Any, queue_id: str) -> None:
    """The stream lets what it is handed gather a moment before writing it; a ping takes what waits
    first. Each create is pushed before its answer returns; the ping sent then must find it sent."""
    channel = call(callback_mock_server.url, "POST", "/api/v2/notifications/channels", token=AGENT).json()
    path = f"/api/v2/notifications/channels/{channel['id']}/subscriptions"
    call(
        callback_mock_server.url,
        "PUT",
        path,
        [{"id": f"v2.routing.queues.{queue_id}.conversations"}],
        token=AGENT,
    )
    with connect(channel["connectUri"], compression=None, max_size=None) as socket:
        for _ in range(20):
            body = {"callbackNumbers": ["+13175550100"], "queueId": queue_id}
            created = call(callback_mock_server.url, "POST", CALLBACKS, body, token=AGENT).json()
            socket.send(json.dumps({"message": "ping"}))
            arrived = [json.loads(socket.recv(timeout=10)) for _ in range(2)]
            assert [m.get("eventBody", {}).get("id") or m["eventBody"]["message"] for m in arrived] == [
                created["conversation"]["id"],
                "pong",
            ]


def test_one_change_is_logged_for_each_channel_with_its_own_id_and_delivery(
    callback_mock_server: Any, callback_mock_notifications: NotificationChannel, queue_id: str
) -> None:
    """The log's entry of a change is made once and copied for each channel it reached."""
    topic = f"v2.routing.queues.{queue_id}.conversations"
    held = callback_mock_notifications
    held.subscribe([topic])
    unheld = call(callback_mock_server.url, "POST", "/api/v2/notifications/channels", token=AGENT).json()
    path = f"/api/v2/notifications/channels/{unheld['id']}/subscriptions"
    call(callback_mock_server.url, "PUT", path, [{"id": topic}], token=AGENT)
    body = {"callbackNumbers": ["+13175550100"], "queueId": queue_id}
    created = call(callback_mock_server.url, "POST", CALLBACKS, body, token=AGENT).json()
    logged = callback_mock_server.notifications(topic=topic)
    assert sorted((p["channelId"], p["delivered"]) for p in logged) == sorted(
        [(held.id, True), (unheld["id"], False)]
    )
    shared = [{k: v for k, v in p.items() if k not in ("channelId", "delivered")} for p in logged]
    assert shared[0] == shared[1]
    assert shared[0]["conversationId"] == created["conversation"]["id"]


def test_the_log_keeps_the_newest_notifications_whatever_the_channels_each_change_reached() -> None:
    """A change is logged once for all the channels it reached; the control API still lists one
    notification a channel, the newest ``NOTIFICATIONS_LIMIT`` of them, oldest first."""
    with MockServer({"CLOCK_FROZEN": True, "NOW": NOW, "NOTIFICATIONS_LIMIT": 5}) as server:
        queue = str(server.backend.factory.org.queues[0].id)
        channels = []
        for _ in range(3):
            made = call(server.url, "POST", "/api/v2/notifications/channels", token=AGENT).json()
            path = f"/api/v2/notifications/channels/{made['id']}/subscriptions"
            call(server.url, "PUT", path, [{"id": f"v2.routing.queues.{queue}.conversations"}], token=AGENT)
            channels.append(made["id"])
        created = []
        for _ in range(4):
            body = {"callbackNumbers": ["+13175550100"], "queueId": queue}
            created.append(
                call(server.url, "POST", CALLBACKS, body, token=AGENT).json()["conversation"]["id"]
            )
        every = [(c, channel) for c in created for channel in channels]  # each change, each channel

        logged = server.notifications()
        assert [(p["conversationId"], p["channelId"]) for p in logged] == every[-5:]
        assert [p["channelId"] for p in server.notifications(channel_id=channels[0])] == [channels[0]]
        assert all(p["delivered"] is False for p in logged)  # no socket held them


def _holding_channel(server: Any, queue_id: str) -> dict[str, Any]:
    channel: dict[str, Any] = call(server.url, "POST", "/api/v2/notifications/channels", token=AGENT).json()
    path = f"/api/v2/notifications/channels/{channel['id']}/subscriptions"
    call(server.url, "PUT", path, [{"id": f"v2.routing.queues.{queue_id}.conversations"}], token=AGENT)
    return channel


def _create(server: Any, queue_id: str) -> str:
    body = {"callbackNumbers": ["+13175550100"], "queueId": queue_id}
    return str(call(server.url, "POST", CALLBACKS, body, token=AGENT).json()["conversation"]["id"])


def test_what_a_hold_keeps_reaches_the_socket_when_it_ends_in_order(
    callback_mock_server: Any, queue_id: str
) -> None:
    channel = _holding_channel(callback_mock_server, queue_id)
    with connect(channel["connectUri"], compression=None, max_size=None) as socket:
        with callback_mock_server.stream.holding():
            created = [_create(callback_mock_server, queue_id) for _ in range(3)]
            with pytest.raises(TimeoutError):
                socket.recv(timeout=0.1)  # held: nothing written yet
        arrived = [json.loads(socket.recv(timeout=10))["eventBody"]["id"] for _ in created]
    assert arrived == created


def test_a_long_hold_lets_what_waits_through(
    callback_mock_server: Any, queue_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hold keeps what it is handed at most ``HOLD_SECONDS``: a long advance reaches the sockets as it runs."""
    monkeypatch.setattr(stream_module, "HOLD_SECONDS", 0.05)
    channel = _holding_channel(callback_mock_server, queue_id)
    with (
        connect(channel["connectUri"], compression=None, max_size=None) as socket,
        callback_mock_server.stream.holding(),
    ):
        first = _create(callback_mock_server, queue_id)
        time.sleep(0.1)
        second = _create(callback_mock_server, queue_id)  # handed past the hold's bound: both go
        arrived = [json.loads(socket.recv(timeout=10))["eventBody"]["id"] for _ in range(2)]
    assert arrived == [first, second]


class Recording:
    """The stream, with what it is told recorded in order: holds, their ends, and each message."""

    def __init__(self, stream: Stream) -> None:
        self.stream = stream
        self.told: list[str] = []

    @contextmanager
    def holding(self) -> Iterator[None]:
        self.told.append("hold")
        with self.stream.holding():
            yield
        self.told.append("end")

    def send(self, channel_ids: Sequence[str], text: str) -> None:
        self.told.append("send")
        self.stream.send(channel_ids, text)

    def close(self, channel_id: str) -> None:
        self.stream.close(channel_id)


def test_an_advance_hands_its_steps_to_the_stream_inside_one_hold(
    callback_mock_server: Any, callback_mock_notifications: NotificationChannel, queue_id: str
) -> None:
    """The engine's run of steps holds the stream, whose loop then never contends with it for the
    interpreter (benchmarks/README.md, bench_waking (c)); every step still arrives, in order."""
    callback_mock_server.set_lifecycle(mode="manual")
    callback_mock_notifications.subscribe([f"v2.routing.queues.{queue_id}.conversations"])
    for second in range(5):
        body = {"callbackNumbers": ["+13175550100"], "queueId": queue_id}
        body["callbackScheduledTime"] = (
            (NOW + timedelta(hours=1, seconds=second)).isoformat().replace("+00:00", "Z")
        )
        assert call(callback_mock_server.url, "POST", CALLBACKS, body, token=AGENT).status == 200
    channels = callback_mock_server.backend.notifications
    recording = channels.sink = Recording(callback_mock_server.stream)
    try:
        before = len(callback_mock_server.notifications())
        callback_mock_server.clock.advance(hours=2)
    finally:
        channels.sink = callback_mock_server.stream
    pushed = callback_mock_server.notifications()[before:]
    assert len(pushed) >= 5  # every callback fired, at least
    assert recording.told == ["hold", *["send"] * len(pushed), "end"]
    last = pushed[-1]["correlationId"]
    callback_mock_notifications.wait_for(
        predicate=lambda m: m.get("metadata", {}).get("CorrelationId") == last
    )
    read = [m["metadata"]["CorrelationId"] for m in callback_mock_notifications.messages if "version" in m]
    assert read[-len(pushed) :] == [p["correlationId"] for p in pushed]  # the socket had them all, in order
