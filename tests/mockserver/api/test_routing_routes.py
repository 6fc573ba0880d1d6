"""The routing routes: queues, their members and users' routing statuses, through HTTP and the SDK."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockserver.testing.server import MockServer
from mockserver.web.current import backend_of

QUEUES = "/api/v2/routing/queues"


def _org(app: Flask) -> tuple[list[str], list[str]]:
    """The seeded org's queue ids and agent ids."""
    factory = backend_of(app).factory
    return [q.id for q in factory.org.queues], [user_id for user_id, _ in factory.org.agents]


def test_the_seeded_queues_have_every_agent_idle_and_agent_first_callback_settings(
    app: Flask, client: FlaskClient
) -> None:
    queue_ids, agents = _org(app)
    listing = client.get(QUEUES).json
    assert listing is not None
    assert sorted(q["id"] for q in listing["entities"]) == sorted(queue_ids)
    assert [q["name"] for q in listing["entities"]] == sorted(q["name"] for q in listing["entities"])
    org_queue = backend_of(app).factory.org.queues[0]
    queue = client.get(f"{QUEUES}/{org_queue.id}").json
    assert queue is not None
    callback = queue["mediaSettings"]["callback"]
    assert (queue["name"], queue["memberCount"], callback["mode"]) == (
        org_queue.name,
        len(agents),
        "AgentFirst",
    )
    assert callback["alertingTimeoutSeconds"] == org_queue.alerting_timeout_seconds
    members = client.get(f"{QUEUES}/{org_queue.id}/members?pageSize=100").json
    assert members is not None
    assert sorted(m["id"] for m in members["entities"]) == sorted(agents)
    assert {m["routingStatus"]["status"] for m in members["entities"]} == {"IDLE"}


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("name=Billing%20Callbacks", ["Billing Callbacks"]),
        ("name=billing*", ["Billing Callbacks"]),
        ("name=nothing", []),
    ],
)
def test_the_name_filter_matches_as_the_api_describes(
    client: FlaskClient, query: str, names: list[str]
) -> None:
    listing = client.get(f"{QUEUES}?{query}").json
    assert listing is not None
    assert [q["name"] for q in listing["entities"]] == names


def test_a_queue_is_created_replaced_given_members_and_reset_away(app: Flask, client: FlaskClient) -> None:
    _, agents = _org(app)
    settings = {"callback": {"mode": "CustomerFirst", "alertingTimeoutSeconds": 8, "maxRetryCount": 2}}
    made = client.post(QUEUES, json={"name": "Made", "mediaSettings": settings}).json
    assert made is not None
    path = f"{QUEUES}/{made['id']}"
    assert (made["memberCount"], made["mediaSettings"]) == (0, settings)

    assert client.post(f"{path}/members", json=[{"id": agents[0]}, {"id": agents[1]}]).status_code == 204
    assert client.delete(f"{path}/members/{agents[1]}").status_code == 204
    replaced = client.put(
        path, json={"name": "Renamed", "mediaSettings": {"callback": {"mode": "AgentFirst"}}}
    ).json
    assert replaced is not None
    assert (replaced["name"], replaced["memberCount"], replaced["dateCreated"]) == (
        "Renamed",
        1,
        made["dateCreated"],
    )
    members = client.get(f"{path}/members").json
    assert members is not None
    assert [m["id"] for m in members["entities"]] == [agents[0]]
    assert client.post(f"{path}/members?delete=true", json=[{"id": agents[0]}]).status_code == 204
    assert client.get(path).json["memberCount"] == 0  # type: ignore[index]

    backend_of(app).reset()
    assert client.get(path).status_code == 404


def test_a_routing_status_is_set_from_now_and_read_back(app: Flask, client: FlaskClient) -> None:
    _, agents = _org(app)
    path = f"/api/v2/users/{agents[2]}/routingstatus"
    assert client.put(path, json={"status": "OFF_QUEUE", "startTime": "2001-01-01T00:00:00Z"}).json == {
        "userId": agents[2],
        "status": "OFF_QUEUE",
        "startTime": "2030-01-15T12:00:00.000Z",  # the server's clock, not the client's
    }
    assert client.get(path).json["status"] == "OFF_QUEUE"  # type: ignore[index]
    backend_of(app).reset()
    assert client.get(path).json["status"] == "IDLE"  # type: ignore[index]


AGENT = "<agent>"
QUEUE = "<queue>"


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code", "field"),
    [
        ("GET", f"{QUEUES}/no-such-queue", None, 404, "not.found", None),
        ("GET", f"{QUEUES}?pageSize=0", None, 400, "invalid.value", "$.pageSize"),
        ("POST", QUEUES, {"description": "no name"}, 400, "invalid.value", "$.name"),
        (
            "POST",
            QUEUES,
            {"name": "x", "mediaSettings": {"callback": {"mode": "Whenever"}}},
            400,
            "invalid.value",
            "$.mediaSettings.callback.mode",
        ),
        ("PUT", f"{QUEUES}/no-such-queue", {"name": "x"}, 404, "not.found", None),
        ("PUT", f"{QUEUES}/{QUEUE}", {"name": ""}, 400, "invalid.value", "$.name"),
        ("POST", f"{QUEUES}/{QUEUE}/members", [{"id": "nobody"}], 404, "not.found", "$[0].id"),
        ("POST", f"{QUEUES}/{QUEUE}/members?delete=maybe", [{"id": AGENT}], 400, "invalid.value", "$.delete"),
        ("POST", f"{QUEUES}/no-such-queue/members", [{"id": AGENT}], 404, "not.found", None),
        ("DELETE", f"{QUEUES}/{QUEUE}/members/nobody", None, 404, "not.found", None),
        ("GET", "/api/v2/users/nobody/routingstatus", None, 404, "not.found", None),
        ("PUT", f"/api/v2/users/{AGENT}/routingstatus", {"status": "BUSY"}, 400, "invalid.value", "$.status"),
        ("PUT", f"/api/v2/users/{AGENT}/routingstatus", {}, 400, "invalid.value", "$.status"),
    ],
    ids=lambda value: value if isinstance(value, str) and " " not in value else None,
)
def test_bad_routing_requests_answer_the_apis_errors(
    app: Flask,
    client: FlaskClient,
    method: str,
    path: str,
    body: Any,
    status: int,
    code: str,
    field: str | None,
) -> None:
    queue_ids, agents = _org(app)
    path = path.replace(QUEUE, queue_ids[0]).replace(AGENT, agents[0])
    if isinstance(body, list):
        body = [{"id": agents[0] if m["id"] == AGENT else m["id"]} for m in body]
    answer = client.open(path, method=method, json=body)
    error = answer.json
    assert error is not None
    assert (answer.status_code, error["code"]) == (status, code)
    assert [d["fieldName"] for d in error.get("details", ())][:1] == ([field] if field else [])


def test_the_python_sdk_reads_and_writes_queues_members_and_statuses(
    sdk: ModuleType, sdk_client: Any, callback_mock_server: MockServer
) -> None:
    routing, users = sdk.RoutingApi(sdk_client), sdk.UsersApi(sdk_client)
    agents = [user_id for user_id, _ in callback_mock_server.backend.factory.org.agents]

    listing = routing.get_routing_queues(page_size=2, page_number=1)
    assert isinstance(listing, sdk.QueueEntityListing)
    assert (len(listing.entities), listing.total) == (2, 4)
    request = sdk.CreateQueueRequest()
    request.name = "From the SDK"
    request.media_settings = sdk.QueueMediaSettings()
    request.media_settings.callback = sdk.CallbackMediaSettings()
    request.media_settings.callback.mode = "CustomerFirst"
    request.media_settings.callback.live_voice_reaction_type = "TransferToQueue"
    made = routing.post_routing_queues(request)
    assert made.media_settings.callback.mode == "CustomerFirst"

    member = sdk.WritableEntity()
    member.id = agents[0]
    assert routing.post_routing_queue_members(made.id, [member]) is None
    status = sdk.RoutingStatus()
    status.status = "NOT_RESPONDING"
    assert users.put_user_routingstatus(agents[0], status).status == "NOT_RESPONDING"

    members = routing.get_routing_queue_members(made.id)
    assert isinstance(members, sdk.QueueMemberEntityListing)
    assert [(m.id, m.routing_status.status) for m in members.entities] == [(agents[0], "NOT_RESPONDING")]
    assert routing.get_routing_queue(made.id).member_count == 1
    assert users.get_user_routingstatus(agents[1]).status == "IDLE"
