"""Who calls: logging in at /oauth/token, permissions per route, own participants, channels kept apart.

Every test talks to a live server on a real socket; the permission table is the committed official
description's (``mockserver.web.permissions.table``), never retyped here.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import requests

from mockserver.state.identity import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from mockserver.testing.server import MockServer
from mockserver.web import permissions
from tests.support import NOW
from tests.support.live import call

_RULE_PARAMETER = re.compile(r"<(?:\w+:)?\w+>")


@pytest.fixture(scope="module")
def any_token_server() -> Iterator[MockServer]:
    """A server accepting any token (the session's accepts one), so tokens can name agents and clients log in."""
    with MockServer({"CLOCK_FROZEN": True, "NOW": NOW}) as server:
        yield server


@pytest.fixture
def server(any_token_server: MockServer) -> MockServer:
    any_token_server.reset()
    return any_token_server


def _login(url: str, client_id: str, secret: str) -> requests.Response:
    return requests.post(
        f"{url}/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret), timeout=30
    )


def test_a_client_logs_in_with_requests_and_its_token_works_until_it_expires(server: MockServer) -> None:
    client = server.add_client("Reporting", "s3cret", token_seconds=600)

    answer = _login(server.url, client["id"], "s3cret")

    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert (body["token_type"], body["expires_in"]) == ("bearer", 600)
    token = body["access_token"]
    assert call(server.url, "GET", "/api/v2/routing/queues", token=token).status == 200
    server.clock.advance(599)
    assert call(server.url, "GET", "/api/v2/routing/queues", token=token).status == 200
    server.clock.advance(1)
    expired = call(server.url, "GET", "/api/v2/routing/queues", token=token)
    assert (expired.status, expired.json()["code"]) == (401, "bad.credentials")


def test_the_sdk_logs_in_with_the_default_client_and_has_no_user(sdk: ModuleType, server: MockServer) -> None:
    client = sdk.ApiClient(host=server.url)

    logged_in = client.get_client_credentials_token(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)

    assert logged_in is client
    assert client.access_token
    assert sdk.RoutingApi(client).get_routing_queues().entities  # a client's token works
    for user_context in (
        sdk.UsersApi(client).get_users_me,
        sdk.ConversationsApi(client).get_conversations_callbacks,
    ):
        with pytest.raises(sdk.rest.ApiException) as refused:
            user_context()
        assert refused.value.status == 400
        assert json_of(refused.value.body)["code"] == "not.a.user"


def json_of(body: Any) -> Any:
    return json.loads(body)


def _basic(text: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(text.encode()).decode()}


GOOD = f"{DEFAULT_CLIENT_ID}:{DEFAULT_CLIENT_SECRET}"


@pytest.mark.parametrize(
    ("form", "headers", "status", "error"),
    [
        pytest.param(
            "grant_type=client_credentials",
            _basic(f"{DEFAULT_CLIENT_ID}:wrong"),
            401,
            "invalid_client",
            id="bad-secret",
        ),
        pytest.param(
            "grant_type=client_credentials",
            _basic(f"no-such-client:{DEFAULT_CLIENT_SECRET}"),
            401,
            "invalid_client",
            id="unknown-client",
        ),
        pytest.param("grant_type=client_credentials", {}, 401, "invalid_client", id="no-credentials"),
        pytest.param(
            "grant_type=client_credentials",
            {"Authorization": "Basic %%%"},
            401,
            "invalid_client",
            id="not-base64",
        ),
        pytest.param(
            "grant_type=client_credentials", _basic("no-colon"), 401, "invalid_client", id="no-secret"
        ),
        pytest.param("", _basic(GOOD), 400, "invalid_request", id="no-grant"),
        pytest.param("grant_type=password", _basic(GOOD), 400, "unsupported_grant_type", id="other-grant"),
    ],
)
def test_a_bad_login_gets_oauths_error(
    server: MockServer, form: str, headers: dict[str, str], status: int, error: str
) -> None:
    answer = call(
        server.url,
        "POST",
        "/oauth/token",
        form.encode(),
        token=None,
        headers=headers,
        content_type="application/x-www-form-urlencoded",
    )

    assert (answer.status, answer.json()["error"]) == (status, error)
    assert answer.json()["error_description"]


def test_form_credentials_log_in_too(server: MockServer) -> None:
    form = (
        f"grant_type=client_credentials&client_id={DEFAULT_CLIENT_ID}&client_secret={DEFAULT_CLIENT_SECRET}"
    )
    answer = call(
        server.url,
        "POST",
        "/oauth/token",
        form.encode(),
        token=None,
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status == 200


def _served_with_permissions() -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(method, Flask rule, ALL or ANY, permissions) of every served route the description names permissions for."""
    with MockServer({"CLOCK_FROZEN": True, "NOW": NOW}) as probe:
        rules = [(rule.rule, rule.methods or set()) for rule in probe.app.url_map.iter_rules()]
    found = []
    for rule, methods in sorted(rules):
        for method in sorted(methods - {"HEAD", "OPTIONS"}):
            required = permissions.for_rule(method, rule)
            if required is not None:
                found.append((method, rule, *required))
    return found


PROTECTED = _served_with_permissions()


def test_the_table_covers_the_callback_routes() -> None:
    names = {(method, rule) for method, rule, _, _ in PROTECTED}
    assert ("POST", "/api/v2/conversations/callbacks") in names
    assert ("GET", "/api/v2/conversations/<conversation_id>") in names  # the fast path's route too
    assert len(PROTECTED) >= 10


@pytest.mark.parametrize("kind", ["user", "client"])
@pytest.mark.parametrize(
    ("method", "rule", "kind_of_check", "wanted"),
    [pytest.param(*row, id=f"{row[0]} {row[1]}") for row in PROTECTED],
)
def test_a_caller_without_the_routes_permissions_gets_the_apis_403(
    server: MockServer, kind: str, method: str, rule: str, kind_of_check: str, wanted: tuple[str, ...]
) -> None:
    server.put_role("nothing", [])
    if kind == "user":
        token = server.issue_token(user_id=server.add_user("Nobody", roles=["nothing"])["id"])
    else:
        token = server.issue_token(client_id=server.add_client("Nobody", "pw", roles=["nothing"])["id"])
    path = _RULE_PARAMETER.sub("x", rule)

    answer = call(server.url, method, path, {}, token=token)

    code = "missing.any.permissions" if kind_of_check == "ANY" else "missing.permissions"
    assert (answer.status, answer.json()["code"]) == (403, code)
    assert all(permission in answer.json()["message"] for permission in wanted)


@pytest.mark.parametrize(
    ("method", "rule", "kind_of_check", "wanted"),
    [pytest.param(*row, id=f"{row[0]} {row[1]}") for row in PROTECTED],
)
def test_holding_one_of_the_permissions_passes_the_check(
    server: MockServer, method: str, rule: str, kind_of_check: str, wanted: tuple[str, ...]
) -> None:
    held = list(wanted) if kind_of_check == "ALL" else [wanted[-1]]
    token = server.issue_token(user_id=server.add_user("Enough", roles=[], permissions=held)["id"])

    answer = call(server.url, method, _RULE_PARAMETER.sub("x", rule), {}, token=token)

    assert answer.status != 403


def _alerting_agent_leg(server: MockServer) -> tuple[str, str, str]:
    """A stored conversation with an agent leg alerting: (conversation id, participant id, its user id)."""
    for entry in server.backend.store.entries():
        for participant in entry.conversation.participants or ():
            states = [cb.state for cb in participant.callbacks or ()]
            if participant.user_id and "alerting" in [str(getattr(s, "value", s)) for s in states]:
                return entry.id, participant.id or "", participant.user_id
    raise AssertionError("the seeded dataset has no alerting agent leg")


def test_an_agent_answers_only_the_offer_made_to_it(server: MockServer) -> None:
    conversation_id, participant_id, user_id = _alerting_agent_leg(server)
    other = next(uid for uid, _ in server.backend.factory.org.agents if uid != user_id)
    path = f"/api/v2/conversations/callbacks/{conversation_id}/participants/{participant_id}"

    refused = call(server.url, "PATCH", path, {"state": "connected"}, token=f"agent:{other}")
    answered = call(server.url, "PATCH", path, {"state": "connected"}, token=f"agent:{user_id}")

    assert (refused.status, refused.json()["code"]) == (
        404,
        "conversation.error.not.conversation.participant",
    )
    assert answered.status == 202


def test_a_token_of_its_own_keeps_the_default_role_and_acts_on_any_participant(server: MockServer) -> None:
    conversation_id, participant_id, _ = _alerting_agent_leg(server)
    path = f"/api/v2/conversations/callbacks/{conversation_id}/participants/{participant_id}"

    assert call(server.url, "PATCH", path, {"state": "connected"}, token="a-token-of-its-own").status == 202


@pytest.mark.parametrize(
    ("permissions", "answered"),
    [
        (["*:*:*"], False),  # a Genesys wildcard never grants the mock's own permissions
        (["conversation:*:*"], False),
        (["*:*:*", "mock:participant:any"], True),  # the admin role's
        (["conversation:participant:wrapup", "conversation:communication:disconnect", "mock:*:*"], True),
    ],
    ids=[
        "only-the-wildcard",
        "conversation-wildcards",
        "naming-mock-participant-any",
        "naming-mock-wildcard",
    ],
)
def test_only_a_role_naming_the_mocks_own_permission_acts_on_another_users_participant(
    server: MockServer, permissions: list[str], answered: bool
) -> None:
    conversation_id, participant_id, _ = _alerting_agent_leg(server)
    path = f"/api/v2/conversations/callbacks/{conversation_id}/participants/{participant_id}"
    server.put_role("participant-role", [*permissions, "conversation:communication:view"])
    user = server.add_user("Another user", roles=["participant-role"])

    answer = call(server.url, "PATCH", path, {"state": "connected"}, token=f"agent:{user['id']}")

    if answered:
        assert answer.status == 202
    else:
        assert (answer.status, answer.json()["code"]) == (
            404,
            "conversation.error.not.conversation.participant",
        )


def test_a_client_cannot_place_a_call(server: MockServer) -> None:
    token = server.issue_token(client_id=DEFAULT_CLIENT_ID)
    conversation_id = server.backend.store.entries()[0].id

    answer = call(
        server.url,
        "POST",
        f"/api/v2/conversations/calls/{conversation_id}",
        {"callNumber": "+13175550100"},
        token=token,
    )

    assert (answer.status, answer.json()["code"]) == (400, "not.a.user")


CHANNEL_ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "/subscriptions", None),
    ("PUT", "/subscriptions", []),
    ("POST", "/subscriptions", []),
    ("DELETE", "/subscriptions", None),
    ("HEAD", "", None),
]


@pytest.mark.parametrize(
    ("method", "suffix", "body"), CHANNEL_ROUTES, ids=[f"{m} {s}" for m, s, _ in CHANNEL_ROUTES]
)
@pytest.mark.parametrize("stranger", ["agent:1", "a-token-of-its-own", "client"])
def test_another_caller_cannot_reach_a_channel(
    server: MockServer, method: str, suffix: str, body: Any, stranger: str
) -> None:
    channel_id = call(server.url, "POST", "/api/v2/notifications/channels", token="agent:0").json()["id"]
    token = server.issue_token(client_id=DEFAULT_CLIENT_ID) if stranger == "client" else stranger
    path = f"/api/v2/notifications/channels/{channel_id}{suffix}"

    answer = call(server.url, method, path, body, token=token)
    mine = call(server.url, method, path, body, token="agent:0")

    assert answer.status == 404
    assert mine.status == 200


def test_the_users_other_tokens_channels_show_without_id_or_uri(server: MockServer) -> None:
    user_id = server.backend.factory.org.agents[0][0]
    made = call(server.url, "POST", "/api/v2/notifications/channels", token="agent:0").json()
    call(server.url, "POST", "/api/v2/notifications/channels", token="agent:1")

    listed = call(
        server.url,
        "GET",
        "/api/v2/notifications/channels?includechannels=oauthclient",
        token=f"agent:{user_id}",
    ).json()["entities"]
    stranger = call(
        server.url, "GET", "/api/v2/notifications/channels?includechannels=oauthclient", token="agent:2"
    ).json()["entities"]

    assert len(listed) == 1
    assert "id" not in listed[0]
    assert "connectUri" not in listed[0]
    assert made["id"] not in str(listed)
    assert stranger == []
    assert made["id"] in str(server.backend.notifications.dump())


@pytest.mark.parametrize(
    ("topic", "permissions_held", "missing"),
    [
        pytest.param("v2.users.{other}.conversations", ["*:*:*"], [], id="another-users-topic"),
        pytest.param(
            "v2.routing.queues.q.conversations", [], ["routing:queue:view"], id="queue-without-permission"
        ),
    ],
)
def test_a_topic_the_caller_may_not_have_is_refused(
    server: MockServer, topic: str, permissions_held: list[str], missing: list[str]
) -> None:
    user = server.add_user("Limited", roles=[], permissions=permissions_held)
    token = server.issue_token(user_id=user["id"])
    channel_id = call(server.url, "POST", "/api/v2/notifications/channels", token=token).json()["id"]
    wanted = [{"id": topic.format(other=server.backend.factory.org.agents[0][0])}]
    path = f"/api/v2/notifications/channels/{channel_id}/subscriptions"

    refused = call(server.url, "POST", path, wanted, token=token)
    ignored = call(server.url, "POST", path + "?ignoreErrors=true", wanted, token=token).json()["entities"]

    assert (refused.status, refused.json()["code"]) == (403, "notification.unauthorized.topic")
    assert [(t["state"], t.get("missingPermissions", [])) for t in ignored] == [("Rejected", missing)]
    own = call(server.url, "POST", path, [{"id": f"v2.users.{user['id']}.conversations"}], token=token)
    assert own.status == 200


def test_the_fast_path_refuses_a_caller_without_the_view_permission(server: MockServer) -> None:
    token = server.issue_token(
        user_id=server.add_user("Blind", roles=[], permissions=["routing:queue:view"])["id"]
    )
    conversation_id = server.backend.store.entries()[0].id

    answer = call(server.url, "GET", f"/api/v2/conversations/{conversation_id}", token=token)

    assert (answer.status, answer.json()["code"]) == (403, "missing.any.permissions")
    assert call(server.url, "GET", f"/api/v2/conversations/{conversation_id}", token="agent:0").status == 200


def test_under_tokens_an_unknown_token_is_refused_and_an_issued_one_passes() -> None:
    with MockServer({"CLOCK_FROZEN": True, "NOW": NOW, "TOKENS": ("only-this",)}) as server:
        token = _login(server.url, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET).json()["access_token"]

        assert call(server.url, "GET", "/api/v2/routing/queues", token="stranger").status == 401
        assert call(server.url, "GET", "/api/v2/routing/queues", token=token).status == 200
        assert call(server.url, "GET", "/api/v2/routing/queues", token="only-this").status == 200
