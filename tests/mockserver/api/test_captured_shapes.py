"""The shapes of the captured conversation, on every snapshot of a whole life: REST and events alike.

The reference's capture (a real callback conversation: one REST ``GET /api/v2/conversations/{id}``
and three ``v2.users.{id}.conversations`` events) fixes what a client sees at each step. A callback
is created without a caller id, a caller name or a script, fires, is offered, times out, is offered
again, answered, hung up and wrapped up; after each step the test reads the conversation over REST,
and a notification client on the queue's and the agent's topics keeps every event. Every rule below
holds on every snapshot; the seeded dataset keeps the REST rules at every stage of the factory.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

import contracts
from factories import ConversationFactory
from mockserver.testing.notifications import NotificationChannel
from mockserver.testing.server import MockServer
from tests.support import NOW
from tests.support.events import assert_reads_through_sdk
from tests.support.live import call
from tests.support.sdk import client_on

JSON = dict[str, Any]
# Every media list of a participant but its callbacks, by wire name (as the capture shows them).
OTHER_MEDIA = [contracts.camel(name) for name in contracts.empty_media(contracts.Participant)]
INVENTED = ("callerId", "callerIdName", "scriptId")  # what the create command below leaves out


@pytest.fixture(scope="module")
def shapes_server() -> Iterator[MockServer]:
    """A server with a frozen clock, accepting any token (so a token can name an agent)."""
    with MockServer({"CLOCK_FROZEN": True, "NOW": NOW}) as server:
        yield server


def _dedicated(server: MockServer, members: list[str]) -> str:
    """A queue of its own whose members are ``members`` alone (``agent:<n>`` tokens), exclusively:
    the seeded conversations' offers never keep them busy. Its id."""
    server.put_queue("captured", "Captured", members=members, exclusive=True)
    return "captured"


def _callbacks(conversation: JSON) -> Iterator[tuple[JSON, JSON]]:
    for participant in conversation["participants"]:
        for callback in participant.get("callbacks", []):
            yield participant, callback


def _legs(conversation: JSON, purpose: str) -> list[JSON]:
    return [p for p in conversation["participants"] if p["purpose"] == purpose]


def check_rest(conversation: JSON, queue_id: str) -> None:
    """The captured REST rules, on one ``GET /api/v2/conversations/{id}`` body."""
    assert conversation["recordingState"] == "NONE"
    users = list(dict.fromkeys(p["userId"] for p in _legs(conversation, "agent")))
    [membership] = conversation["divisions"]
    assert (
        membership["division"]["selfUri"] == f"/api/v2/authorization/divisions/{membership['division']['id']}"
    )
    assert membership["entities"] == [
        {"id": queue_id, "selfUri": f"/api/v2/routing/queues/{queue_id}"},
        *({"id": user, "selfUri": f"/api/v2/users/{user}"} for user in users),
    ]
    [customer] = _legs(conversation, "customer")
    [acd] = _legs(conversation, "acd")
    assert (customer["queueId"], customer["queueName"]) == (acd["queueId"], acd["queueName"])
    assert customer["queueId"] == queue_id
    for participant in conversation["participants"]:
        assert {media: participant[media] for media in OTHER_MEDIA} == {media: [] for media in OTHER_MEDIA}
        assert isinstance(participant["wrapupRequired"], bool)
        if participant["purpose"] == "agent":
            assert participant["wrapupPrompt"] == "optional"
            assert participant["wrapupRequired"] is ("startAcwTime" in participant)
    for _, callback in _callbacks(conversation):
        assert callback["afterCallWorkRequired"] is False
        assert callback["direction"] == "outbound"
        assert [name for name in INVENTED if name in callback] == []
    _check_after_call_work(conversation, conversation["participants"], "endTime")


def check_event(body: JSON) -> None:
    """The captured event rules, on one ``v2.*.conversations`` event body."""
    assert body["recordingState"] == "none"
    assert "divisions" not in body
    for participant in body["participants"]:
        assert participant["wrapupExpected"] is (participant["purpose"] == "agent")
        assert [media for media in OTHER_MEDIA if media in participant] == []  # callbacks[] only
    for _, callback in _callbacks(body):
        assert "direction" not in callback
        assert callback["afterCallWorkRequired"] is False
        assert [name for name in INVENTED if name in callback] == []
    _check_after_call_work(body, body["participants"], None)


def _check_after_call_work(conversation: JSON, participants: list[JSON], end_key: str | None) -> None:
    """While the after-call work of an agent who ended the callback is pending, the customer's leg
    is connected and the conversation goes on (as captured); once it is over, the customer's leg
    ended with it (peer). (Where the customer or the line ended it, the customer's leg ended then.)"""
    [customer] = [cb for p, cb in _callbacks(conversation) if p["purpose"] == "customer"]
    for participant in participants:
        callback = (participant.get("callbacks") or [{}])[0]
        work = callback.get("afterCallWork")
        if participant["purpose"] != "agent" or work is None or callback["disconnectType"] != "client":
            continue
        if work["state"] == "pending":
            assert customer["state"] == "connected"
            assert "disconnectedTime" not in customer
            assert end_key is None or end_key not in conversation
        else:
            assert (customer["state"], customer["disconnectType"]) == ("disconnected", "peer")
            assert customer["disconnectedTime"] == work["endTime"]
            assert end_key is None or conversation[end_key] == work["endTime"]


def test_every_snapshot_of_a_whole_life_has_the_captured_shapes(
    shapes_server: MockServer, sdk: ModuleType
) -> None:
    server = shapes_server
    server.reset()
    server.set_lifecycle(mode="manual")
    queue_id = _dedicated(server, ["agent:0", "agent:1"])
    with NotificationChannel(server.url) as channel:
        channel.subscribe(
            [f"v2.routing.queues.{queue_id}.conversations", f"v2.users.{channel.user['id']}.conversations"]
        )
        created = call(
            server.url,
            "POST",
            "/api/v2/conversations/callbacks",
            {"callbackNumbers": ["+13175550100"], "queueId": queue_id},
        )
        assert created.status == 200, created.body
        conversation_id = created.json()["conversation"]["id"]
        snapshots: dict[str, JSON] = {}

        def snapshot(stage: str) -> JSON:
            answer = call(server.url, "GET", f"/api/v2/conversations/{conversation_id}")
            assert answer.status == 200, answer.body
            snapshots[stage] = answer.json()
            return snapshots[stage]

        def alerting(conversation: JSON) -> JSON:
            return next(p for p in _legs(conversation, "agent") if p["callbacks"][0]["state"] == "alerting")

        def patch(participant: JSON, state: str) -> None:
            path = f"/api/v2/conversations/callbacks/{conversation_id}/participants/{participant['id']}"
            assert call(server.url, "PATCH", path, {"state": state}).status == 202

        snapshot("0 scheduled")
        server.clock.advance(seconds=5)  # fires a second after its time, offered two seconds later
        first = alerting(snapshot("1 offered"))
        # The offer times out (its queue's alerting timeout), and two seconds later comes another.
        server.clock.advance(seconds=first["alertingTimeoutMs"] / 1000 + 5)
        second = alerting(snapshot("2 re-offered"))
        assert second["id"] != first["id"]
        patch(second, "connected")
        snapshot("3 answered")
        server.clock.advance(seconds=60)
        patch(second, "disconnected")
        hung_up = snapshot("4 hung up")
        server.clock.advance(seconds=20)
        communication = second["callbacks"][0]["id"]
        path = f"/api/v2/conversations/callbacks/{conversation_id}/participants/{second['id']}"
        wrapped = call(server.url, "POST", f"{path}/communications/{communication}/wrapup", {"code": "ok"})
        assert wrapped.status == 202
        done = snapshot("5 wrapped up")

        pushed = [p for p in server.notifications() if p["conversationId"] == conversation_id]
        channel.wait_for(
            predicate=lambda m: m.get("metadata", {}).get("CorrelationId") == pushed[-1]["correlationId"]
        )
        events = [
            m
            for m in channel.events()
            if m["eventBody"]["id"] == conversation_id and m["topicName"].endswith(".conversations")
        ]

    for stage, body in snapshots.items():
        try:
            check_rest(body, queue_id)
        except AssertionError as error:
            raise AssertionError(f"REST at {stage}: {error}") from error
    assert len(events) >= len(snapshots)
    client = sdk.ApiClient()
    for index, message in enumerate(events):
        try:
            check_event(message["eventBody"])
        except AssertionError as error:
            raise AssertionError(f"event {index} ({message['topicName']}): {error}") from error
        assert_reads_through_sdk(client, message)
    # The steps the capture shows, as it shows them: ACW with the customer connected, then the end.
    agent = next(p for p in _legs(hung_up, "agent") if p["id"] == second["id"])
    assert agent["callbacks"][0]["afterCallWork"]["state"] == "pending"
    assert _legs(hung_up, "customer")[0]["callbacks"][0]["state"] == "connected"
    assert "endTime" not in hung_up
    assert any(
        p["callbacks"][0].get("afterCallWork", {}).get("state") == "pending"
        and _legs(m["eventBody"], "customer")[0]["callbacks"][0]["state"] == "connected"
        for m in events
        for p in _legs(m["eventBody"], "agent")
    )
    assert done["endTime"] == _legs(done, "customer")[0]["callbacks"][0]["disconnectedTime"]


def test_the_python_sdk_iterates_every_media_list(shapes_server: MockServer, sdk: ModuleType) -> None:
    server = shapes_server
    server.reset()
    queue_id = str(server.backend.factory.org.queues[0].id)
    created = call(
        server.url,
        "POST",
        "/api/v2/conversations/callbacks",
        {"callbackNumbers": ["+13175550100"], "queueId": queue_id},
    ).json()
    conversation = sdk.ConversationsApi(client_on(sdk, server.url)).get_conversation(
        created["conversation"]["id"]
    )

    for participant in conversation.participants:
        assert [item.id for item in participant.calls] == []  # a list: iterating None would raise
        for media in contracts.empty_media(contracts.Participant):
            assert list(getattr(participant, media)) == [], media


@pytest.mark.parametrize("trait", ConversationFactory.traits)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_seeded_conversations_have_the_captured_rest_shapes(trait: str, seed: int) -> None:
    built = ConversationFactory(seed, now=NOW).build(trait)
    body = contracts.unstructure(built)
    queue_id = body["participants"][1]["queueId"]
    # The factory names a caller id, a caller name and a script, as a client may have sent them.
    for _, callback in _callbacks(body):
        for name in INVENTED:
            callback.pop(name, None)

    check_rest(body, queue_id)


def test_a_new_callback_waits_for_the_after_call_work_to_end(shapes_server: MockServer) -> None:
    # The customer's leg is live through the agent's after-call work, so the callback is still routed.
    server = shapes_server
    server.reset()
    server.set_lifecycle(mode="manual")
    queue_id = _dedicated(server, ["agent:0"])
    command = {"callbackNumbers": ["+13175550100"], "queueId": queue_id}
    conversation_id = call(server.url, "POST", "/api/v2/conversations/callbacks", command).json()[
        "conversation"
    ]["id"]
    server.clock.advance(seconds=5)
    offered = call(server.url, "GET", f"/api/v2/conversations/{conversation_id}").json()
    [agent] = _legs(offered, "agent")
    [customer] = _legs(offered, "customer")
    path = f"/api/v2/conversations/callbacks/{conversation_id}/participants/{agent['id']}"
    assert call(server.url, "PATCH", path, {"state": "connected"}).status == 202
    assert call(server.url, "PATCH", path, {"state": "disconnected"}).status == 202
    again = f"/api/v2/conversations/{conversation_id}/participants/{customer['id']}/callbacks"

    during = call(server.url, "POST", again, command)
    wrapup = f"{path}/communications/{agent['callbacks'][0]['id']}/wrapup"
    assert call(server.url, "POST", wrapup, {"code": "ok"}).status == 202
    after = call(server.url, "POST", again, command)

    assert (during.status, during.json()["code"]) == (400, "callback.error.callback.already.being.routed")
    assert after.status == 201
