"""The control API's queue: ``PUT {prefix}/queues/{id}`` and ``put_queue``, on a live server."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.control.client import AdminError
from mockserver.testing.server import MockServer
from tests.support.control import AdminRoutes, control_path
from tests.support.live import call

QUEUES = "/api/v2/routing/queues"


def a_seeded_queue(server: MockServer) -> str:
    queue_id: str = call(server.url, "GET", f"{QUEUES}?pageSize=1").json()["entities"][0]["id"]
    return queue_id


def member_ids(server: MockServer, queue_id: str) -> list[str]:
    listing = call(server.url, "GET", f"{QUEUES}/{queue_id}/members?pageSize=100").json()
    return [m["id"] for m in listing["entities"]]


def test_put_queue_adds_then_replaces_a_queue_that_a_reset_removes(callback_mock_server: MockServer) -> None:
    path = control_path(AdminRoutes.PUT_QUEUE, queue_id="my-queue")
    body = {
        "name": "Mine",
        "members": ["agent:0"],
        "mediaSettings": {"callback": {"mode": "CustomerFirst", "alertingTimeoutSeconds": 9}},
    }
    created = call(callback_mock_server.url, "PUT", path, body)
    replaced = call(callback_mock_server.url, "PUT", path, {"name": "Mine again"})
    served = call(callback_mock_server.url, "GET", f"{QUEUES}/my-queue").json()

    assert (created.status, replaced.status) == (201, 200)
    assert created.json()["memberCount"] == 1
    assert created.json()["mediaSettings"]["callback"] == body["mediaSettings"]["callback"]  # type: ignore[index]
    assert served == replaced.json()
    assert (served["id"], served["name"], served["memberCount"]) == ("my-queue", "Mine again", 1)
    assert "mediaSettings" not in served  # a replace is whole: what it leaves out is gone
    assert served["dateCreated"] == created.json()["dateCreated"]
    callback_mock_server.reset()
    assert call(callback_mock_server.url, "GET", f"{QUEUES}/my-queue").status == 404


def test_put_queue_members_name_the_org_s_agents_by_token_or_id(callback_mock_server: MockServer) -> None:
    seeded = member_ids(callback_mock_server, a_seeded_queue(callback_mock_server))
    only_first = callback_mock_server.put_queue("q-only-0", members=["agent:0"])
    by_id = callback_mock_server.put_queue("q-two", "Two", members=[f"agent:{seeded[1]}", seeded[2]])
    two = member_ids(callback_mock_server, "q-two")
    emptied = callback_mock_server.put_queue("q-two", "Two", members=[])

    assert (only_first["name"], only_first["memberCount"]) == ("q-only-0", 1)
    assert set(member_ids(callback_mock_server, "q-only-0")) <= set(seeded)
    assert by_id["memberCount"] == 2
    assert sorted(two) == sorted(seeded[1:3])
    assert emptied["memberCount"] == 0


def test_put_queue_takes_settings_as_keywords_in_snake_case(callback_mock_server: MockServer) -> None:
    stored = callback_mock_server.put_queue(
        "q-settings",
        "Settings",
        media_settings={"callback": {"mode": "CustomerFirst", "alerting_timeout_seconds": 15}},
        scoring_method="PriorityOnly",
    )
    assert stored["mediaSettings"]["callback"] == {"mode": "CustomerFirst", "alertingTimeoutSeconds": 15}
    assert stored["scoringMethod"] == "PriorityOnly"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({}, 400, "$.name"),
        ({"name": ""}, 400, "$.name"),
        ({"name": "N", "members": "agent:0"}, 400, "$.members"),
        ({"name": "N", "members": ["agent:0", "agent:999"]}, 404, "$.members[1]"),
        ({"name": "N", "members": ["nobody"]}, 404, "$.members[0]"),
        ({"name": "N", "id": "another"}, 409, "$.id"),
        (
            {"name": "N", "mediaSettings": {"callback": {"mode": "Sideways"}}},
            400,
            "$.mediaSettings.callback.mode",
        ),
        ({"name": "N", "memberz": []}, 400, "$.memberz"),
    ],
)
def test_put_queue_refuses_bad_bodies_naming_the_field(
    callback_mock_server: MockServer, body: dict[str, Any], status: int, field: str
) -> None:
    answer = call(
        callback_mock_server.url, "PUT", control_path(AdminRoutes.PUT_QUEUE, queue_id="q-bad"), body
    )
    error = answer.json()
    assert (answer.status, error["status"]) == (status, status)
    assert (
        field in [detail.get("fieldName") for detail in error.get("details", ())] or field in error["message"]
    )
    assert call(callback_mock_server.url, "GET", f"{QUEUES}/q-bad").status == 404


def test_put_queue_from_python_raises_the_refusal(callback_mock_server: MockServer) -> None:
    with pytest.raises(AdminError) as refused:
        callback_mock_server.put_queue("q-bad", members=["agent:999"])
    assert refused.value.status == 404
    assert "$.members[0]" in str(refused.value)


def test_an_exclusive_queue_is_the_only_one_its_member_is_offered_from(
    callback_mock_server: MockServer,
) -> None:
    server = callback_mock_server
    server.set_lifecycle(mode="manual")
    server.clock.advance(minutes=5)  # the seeded callbacks fire and are offered: the org's agents are busy
    seeded_queues = [q["id"] for q in call(server.url, "GET", f"{QUEUES}?pageSize=100").json()["entities"]]

    server.put_queue("only-agent-0", members=["agent:0"], exclusive=True)
    agent = member_ids(server, "only-agent-0")[0]
    created = call(
        server.url,
        "POST",
        "/api/v2/conversations/callbacks",
        {"callbackNumbers": ["+13175550100"], "queueId": "only-agent-0"},
    ).json()
    assert "conversation" in created, created
    server.clock.advance(seconds=10)
    conversation = call(server.url, "GET", f"/api/v2/conversations/{created['conversation']['id']}").json()

    offers = [
        (p["userId"], p["callbacks"][0]["state"])
        for p in conversation["participants"]
        if p["purpose"] == "agent"
    ]
    assert offers == [(agent, "alerting")]
    assert all(agent not in member_ids(server, queue_id) for queue_id in seeded_queues)
    server.reset()
    assert all(agent in member_ids(server, queue_id) for queue_id in seeded_queues)
