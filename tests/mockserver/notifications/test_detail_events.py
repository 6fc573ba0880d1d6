"""Detail events end to end: derived from a callback's life, on the channels and on the event bus, once each.

A live server on a real socket (memory and Redis stores), a real notification channel and a real
HTTP receiver (``EventBus``) behind the event sink: every event's fields are checked against the
REST conversation, and each body read through the official SDK's model.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from types import ModuleType
from typing import Any

import pytest

import contracts
from contracts import DETAIL_EVENT_MODELS
from mockserver.notifications.event_sink import MAX_ATTEMPTS, TIMEOUT_SECONDS
from mockserver.testing.event_bus import EventBus
from mockserver.testing.notifications import NotificationChannel
from mockserver.testing.server import MockServer
from tests.support import NOW
from tests.support.control import AdminRoutes, control_path
from tests.support.live import call
from tests.support.redis import forget, fresh_prefix, on_store
from tests.support.serve import serving

ADMIN = "detail-reader"  # a token of its own: the admin role, which holds the analytics permission
PREFIX = "v2.detail.events.conversation."


@pytest.fixture(scope="module")
def detail_server(store: str) -> Iterator[MockServer]:
    with (
        on_store(store, {"CLOCK_FROZEN": True, "NOW": NOW, "CONVERSATIONS": 5}) as config,
        MockServer(config) as server,
    ):
        yield server


@pytest.fixture
def server(detail_server: MockServer) -> MockServer:
    detail_server.reset()
    detail_server.set_lifecycle(mode="auto")
    return detail_server


@pytest.fixture
def bus(server: MockServer) -> Iterator[EventBus]:
    with EventBus() as receiver:
        server.set_event_sink(receiver.url, eventSourceSuffix="callbacks", region="eu-west-1")
        yield receiver


def create(url: str, queue_id: str, **extra: Any) -> str:
    body = {"callbackNumbers": ["+13175550100"], "queueId": queue_id, "callbackUserName": "Bo", **extra}
    answer = call(url, "POST", "/api/v2/conversations/callbacks", body, token=ADMIN)
    assert answer.status == 200, answer.body
    return str(answer.json()["conversation"]["id"])


def kinds_of(conversation_id: str) -> list[str]:
    return [f"{PREFIX}{conversation_id}.{kind}" for kind in DETAIL_EVENT_MODELS]


def ms(text: str | None) -> int:
    assert text is not None
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def expected_from_rest(conversation: dict[str, Any]) -> list[tuple[str, str, int]]:
    """(kind, participant id, eventTime) of each event the REST conversation's life implies, in time order."""
    rank = {kind: index for index, kind in enumerate(DETAIL_EVENT_MODELS)}
    order = [
        "customer.start",
        "acd.start",
        "user.start",
        "acd.end",
        "user.end",
        "acw",
        "wrapup",
        "customer.end",
    ]
    found = []
    for participant in conversation["participants"]:
        callback = participant["callbacks"][0]
        begun = callback["segments"][0]["startTime"] if callback["segments"] else participant["startTime"]
        role = {"customer": "customer", "acd": "acd", "agent": "user"}[participant["purpose"]]
        found.append((f"{role}.start", participant["id"], ms(begun)))
        found.append((f"{role}.end", participant["id"], ms(callback["disconnectedTime"])))
        if participant.get("endAcwTime"):
            found.append(("acw", participant["id"], ms(participant["endAcwTime"])))
            found.append(("wrapup", participant["id"], ms(participant["wrapup"]["endTime"])))
    assert rank  # every kind named by the models
    return sorted(found, key=lambda event: (event[2], order.index(event[0])))


def test_a_callbacks_life_emits_its_detail_events_in_order_as_rest_shows_it(
    server: MockServer, bus: EventBus, sdk: ModuleType
) -> None:
    queue_id = str(server.backend.factory.org.queues[0].id)
    with NotificationChannel(server.url, token=ADMIN) as channel:
        conversation_id = create(server.url, queue_id)
        listing = channel.subscribe(kinds_of(conversation_id))
        assert [t["state"] for t in listing["entities"]] == ["Permitted"] * len(DETAIL_EVENT_MODELS)
        server.clock.advance(hours=2)
        ended = f"{PREFIX}{conversation_id}.customer.end"
        bus.wait_for(lambda e: e["detail"]["topicName"] == ended)
        channel.wait_for(topic=ended)
        rest = call(server.url, "GET", f"/api/v2/conversations/{conversation_id}", token=ADMIN).json()

        mine = [e for e in bus.events() if e["detail"]["eventBody"]["conversationId"] == conversation_id]
        bodies = [e["detail"]["eventBody"] for e in mine]
        kinds = [e["detail"]["topicName"].removeprefix(f"{PREFIX}{conversation_id}.") for e in mine]

        assert [
            (kind, b["participantId"], b["eventTime"]) for kind, b in zip(kinds, bodies, strict=True)
        ] == (expected_from_rest(rest))
        assert [b["eventTime"] for b in bodies] == sorted(b["eventTime"] for b in bodies)
        by_kind = dict(zip(kinds, bodies, strict=False))
        agent = next(p for p in rest["participants"] if p.get("endAcwTime"))
        assert {b["mediaType"] for b in bodies} == {"CALLBACK"}
        assert by_kind["acd.start"]["queueId"] == by_kind["acd.end"]["queueId"] == queue_id
        assert (by_kind["acd.end"]["acdOutcome"], by_kind["acd.end"]["answeredUserId"]) == (
            "ANSWERED",
            agent["userId"],
        )
        assert by_kind["acw"]["wrapupCode"] == by_kind["wrapup"]["wrapupCode"] == agent["wrapup"]["code"]
        assert by_kind["acw"]["wrapupDurationMs"] == ms(agent["endAcwTime"]) - ms(agent["startAcwTime"])
        assert by_kind["customer.start"]["callbackNumbers"] == ["+13175550100"]
        assert by_kind["customer.end"]["disconnectType"] == "PEER"
        # The envelope of Genesys's partner source, as the target set it.
        first = mine[0]
        assert (
            first["source"] == "aws.partner/genesys.com/cloud/00000000-0000-4000-8000-00000000000c/callbacks"
        )
        assert (first["version"], first["region"], first["resources"]) == ("0", "eu-west-1", [])
        assert first["detail-type"] == "v2.detail.events.conversation.{id}.customer.start"
        assert first["time"] == datetime.fromtimestamp(
            bodies[0]["eventTime"] / 1000, tz=timezone.utc
        ).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert first["detail"]["version"] == "2"
        # The channel subscribed after the create: every event from then on, the same bodies, in order.
        received = [m for m in channel.events() if m["topicName"].startswith(f"{PREFIX}{conversation_id}.")]
        assert [(m["topicName"], m["eventBody"]) for m in received] == [
            (e["detail"]["topicName"], e["detail"]["eventBody"]) for e in mine[2:]
        ]
        client = sdk.ApiClient()
        for message in received:
            model = DETAIL_EVENT_MODELS[message["topicName"].removeprefix(f"{PREFIX}{conversation_id}.")]
            obj = client.deserialize(_Response(json.dumps(message["eventBody"])), model.__name__)
            assert "outdated_sdk_version" not in str(obj)
            assert contracts.structure(client.sanitize_for_serialization(obj), model) == contracts.structure(
                message["eventBody"], model
            )


class _Response:
    def __init__(self, data: str) -> None:
        self.data = data

    def getheader(self, name: str, default: str | None = None) -> str | None:
        return "application/json" if name.lower() == "content-type" else default


def test_a_cancelled_callback_emits_the_ends_of_the_customer_and_the_queue(
    server: MockServer, bus: EventBus
) -> None:
    queue_id = str(server.backend.factory.org.queues[0].id)
    later = (NOW + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    conversation_id = create(server.url, queue_id, callbackScheduledTime=later)
    cancelled = call(
        server.url,
        "PATCH",
        f"/api/v2/conversations/callbacks/{conversation_id}",
        {"state": "disconnected"},
        token=ADMIN,
    )
    assert cancelled.status in (200, 202), cancelled.body
    bus.wait_for(lambda e: e["detail"]["topicName"] == f"{PREFIX}{conversation_id}.customer.end")

    mine = [e["detail"] for e in bus.events() if conversation_id in e["detail"]["topicName"]]

    assert [d["topicName"].rsplit(f"{conversation_id}.", 1)[1] for d in mine] == [
        "customer.start",
        "acd.start",
        "acd.end",
        "customer.end",
    ]
    assert mine[2]["eventBody"]["acdOutcome"] == "ABANDON"
    assert "answeredUserId" not in mine[2]["eventBody"]


@pytest.mark.parametrize(
    ("topic", "token", "status", "code"),
    [
        pytest.param("v2.detail.events.conversation.*.acd.start", ADMIN, 400, "notification.invalid.topic", id="wildcard"),
        pytest.param("v2.detail.events.conversation.{id}.acd.start", ADMIN, 400, "notification.invalid.topic", id="template"),
        pytest.param("v2.detail.events.conversation.c-1.acd.begin", ADMIN, 400, "notification.invalid.topic", id="no-such-kind"),
        pytest.param("v2.detail.events.conversation.c-1.acd.start", "agent:0", 403, "notification.unauthorized.topic", id="agent-without-analytics"),
    ],
)  # fmt: skip
def test_a_detail_topic_the_service_does_not_serve_or_the_caller_may_not_have_is_refused(
    server: MockServer, topic: str, token: str, status: int, code: str
) -> None:
    channel_id = call(server.url, "POST", "/api/v2/notifications/channels", token=token).json()["id"]

    answer = call(
        server.url,
        "PUT",
        f"/api/v2/notifications/channels/{channel_id}/subscriptions",
        [{"id": topic}],
        token=token,
    )

    assert (answer.status, answer.json()["code"]) == (status, code)


def test_a_sink_that_answers_500_is_tried_a_bounded_number_of_times_each_attempt_recorded(
    server: MockServer, bus: EventBus
) -> None:
    bus.answer(500)
    queue_id = str(server.backend.factory.org.queues[0].id)
    conversation_id = create(server.url, queue_id)

    deadline = time.monotonic() + 10
    while True:
        tried = [d for d in server.event_sink_deliveries() if conversation_id in d["topicName"]]
        if len(tried) >= 2 * MAX_ATTEMPTS or time.monotonic() > deadline:
            break
        time.sleep(0.02)

    attempts: dict[str, list[tuple[int, int | None, bool]]] = {}
    for delivery in tried:
        attempts.setdefault(delivery["eventId"], []).append(
            (delivery["attempt"], delivery.get("status"), delivery["delivered"])
        )
    assert list(attempts.values()) == [[(n, 500, False) for n in range(1, MAX_ATTEMPTS + 1)]] * 2
    assert bus.events() == []


def test_a_sink_that_never_answers_holds_up_no_step_of_the_engine(server: MockServer) -> None:
    # A socket that listens but never accepts: a POST connects (the backlog) and waits for an answer.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        server.set_event_sink(f"http://127.0.0.1:{silent.getsockname()[1]}/events")
        queue_id = str(server.backend.factory.org.queues[0].id)
        conversation_id = create(server.url, queue_id)

        started = time.monotonic()
        server.clock.advance(hours=2)
        took = time.monotonic() - started

        rest = call(server.url, "GET", f"/api/v2/conversations/{conversation_id}", token=ADMIN).json()
        assert rest.get("endTime") is not None  # the whole life ran
        # Eight or more events, each waited on for TIMEOUT_SECONDS per attempt, had the engine sent them.
        assert took < TIMEOUT_SECONDS
        server.clear_event_sink()


def test_replicas_on_one_store_send_each_event_once(redis_url: str) -> None:
    prefix = fresh_prefix()
    shared = ("--store", redis_url, "--store-prefix", prefix, "--now", NOW.isoformat(), "--frozen")
    try:
        with (
            EventBus() as receiver,
            serving("--conversations", "5", "--event-sink", receiver.url, *shared) as a,
            serving("--conversations", "5", "--event-sink", receiver.url, *shared) as b,
        ):
            queues = call(a.url, "GET", "/api/v2/routing/queues", token=ADMIN).json()["entities"]
            conversation_id = create(a.url, queues[0]["id"])
            advance = call(
                b.url, "POST", control_path(AdminRoutes.MOVE_CLOCK), {"advanceSeconds": 7200}, token=None
            )
            assert advance.status == 200, advance.body
            receiver.wait_for(lambda e: e["detail"]["topicName"] == f"{PREFIX}{conversation_id}.customer.end")

            topics = [
                e["detail"]["topicName"]
                for e in receiver.events()
                if conversation_id in e["detail"]["topicName"]
            ]

            assert len(topics) == len(set(topics)) >= 8
            assert topics[0].endswith(".customer.start")
            assert topics[-1].endswith(".customer.end")
    finally:
        forget(redis_url, prefix)


@pytest.mark.parametrize(
    ("body", "path"),
    [
        pytest.param({"url": "ftp://bus.example/events"}, "$.url", id="not-http"),
        pytest.param({"url": "http://bus example/events"}, "$.url", id="a-space"),
        pytest.param({"url": 7}, "$.url", id="not-a-string"),
        pytest.param({}, "$.url", id="missing"),
        pytest.param({"url": "http://bus.example/e", "regions": "x"}, "$.regions", id="unknown-field"),
    ],
)
def test_a_bad_event_sink_is_refused_naming_the_field(server: MockServer, body: Any, path: str) -> None:
    answer = call(server.url, "PUT", control_path(AdminRoutes.SET_EVENT_SINK), body, token=None)

    assert answer.status == 400, answer.body
    assert [d["fieldName"] for d in answer.json()["details"]] == [path]
    assert server.event_sink_deliveries() == []
