"""Listings per caller: ``GET /conversations`` and ``/conversations/callbacks`` list the caller's own.

"Active conversations for the logged in user", as the official description says: a user's token
lists the active conversations with a participant of that user's id, a client-credentials token
gets 400 ``not.a.user``, whatever its role: the admin role's ``*:*:*`` (the supervisor's, a token of
its own's) lists only the caller's too. Only a role naming the mock's own ``mock:conversation:any``
lists every user's, as the control API does. Every test talks to a live server, on memory and on Redis.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from mockserver.state.identity import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from mockserver.testing.server import MockServer
from tests.support import TOKEN
from tests.support.control import LISTING, AdminRoutes, control_path
from tests.support.live import call
from tests.support.sdk import client_on

LISTINGS = ["/api/v2/conversations", "/api/v2/conversations/callbacks"]


def _every(server: MockServer) -> list[dict[str, Any]]:
    """Every active conversation, in the listing's order, through the control API."""
    listing = call(server.url, "GET", LISTING).json()
    assert listing["total"] <= listing["pageSize"]
    entities: list[dict[str, Any]] = listing["entities"]
    return entities


def _users(conversation: dict[str, Any]) -> set[str]:
    return {p["userId"] for p in conversation.get("participants", ()) if "userId" in p}


def _agents(server: MockServer) -> list[str]:
    return [i["id"] for i in server.identities() if i["kind"] == "user" and "agent" in i["roles"]]


def _arranged(server: MockServer) -> tuple[str, str, list[str]]:
    """Two agents, A and B, given one conversation each and one together: (A, B, those three ids)."""
    a, b = _agents(server)[:2]
    chosen = _every(server)[:3]
    for conversation, users in zip(chosen, ([a], [b], [a, b]), strict=True):
        added = [{"id": f"listing-{user}", "userId": user, "purpose": "agent"} for user in users]
        server.put_conversation({**conversation, "participants": [*conversation["participants"], *added]})
    return a, b, [c["id"] for c in chosen]


def _ids(answer: Any) -> list[str]:
    return [entity["id"] for entity in answer.json()["entities"]]


@pytest.mark.parametrize("path", LISTINGS)
def test_two_agents_each_list_only_the_active_conversations_they_take_part_in(
    callback_mock_server: MockServer, path: str
) -> None:
    server = callback_mock_server
    a, b, (only_a, only_b, both) = _arranged(server)
    every = _every(server)

    for agent, own, other in ((a, only_a, only_b), (b, only_b, only_a)):
        answer = call(server.url, "GET", path, token=server.issue_token(user_id=agent))
        assert answer.status == 200
        listed = _ids(answer)
        assert listed == [c["id"] for c in every if agent in _users(c)]
        assert {own, both} <= set(listed)
        assert other not in listed
        assert answer.json()["total"] == len(listed)
    assert len(every) > len(set(_ids(call(server.url, "GET", path, token=server.issue_token(user_id=a)))))


def test_an_ended_or_deleted_conversation_leaves_its_users_listing(callback_mock_server: MockServer) -> None:
    server = callback_mock_server
    a, _b, (only_a, _only_b, both) = _arranged(server)
    token = server.issue_token(user_id=a)
    ended = {**next(c for c in _every(server) if c["id"] == only_a), "endTime": "2030-01-15T12:00:00Z"}

    server.put_conversation(ended)
    server.delete_conversation(both)

    listed = _ids(call(server.url, "GET", "/api/v2/conversations", token=token))
    assert only_a not in listed
    assert both not in listed


@pytest.mark.parametrize("path", LISTINGS)
def test_a_client_credentials_token_has_no_user_to_list_for(
    callback_mock_server: MockServer, path: str
) -> None:
    answer = call(
        callback_mock_server.url,
        "GET",
        path,
        token=callback_mock_server.issue_token(client_id=DEFAULT_CLIENT_ID),
    )

    assert answer.status == 400
    assert answer.json()["code"] == "not.a.user"


@pytest.mark.parametrize("path", LISTINGS)
def test_a_user_who_takes_part_in_nothing_lists_nothing(callback_mock_server: MockServer, path: str) -> None:
    user = callback_mock_server.add_user("Newcomer")

    answer = call(
        callback_mock_server.url, "GET", path, token=callback_mock_server.issue_token(user_id=user["id"])
    )

    assert answer.status == 200
    assert (answer.json()["entities"], answer.json()["total"]) == ([], 0)


def _own_token(server: MockServer) -> tuple[str, str]:
    """A token of its own (a user with the default role, ``admin``): it and its user's id."""
    return TOKEN, call(server.url, "GET", "/api/v2/users/me").json()["id"]


def _supervisor(server: MockServer) -> tuple[str, str]:
    supervisor = next(i for i in server.identities() if i["kind"] == "user" and "admin" in i["roles"])
    return server.issue_token(user_id=supervisor["id"]), supervisor["id"]


def _agent(server: MockServer) -> tuple[str, str]:
    agent = _agents(server)[2]
    return server.issue_token(user_id=agent), agent


def _role_holding(*permissions: str) -> Callable[[MockServer], tuple[str, str]]:
    def user(server: MockServer) -> tuple[str, str]:
        server.put_role("listing-role", list(permissions))
        added = server.add_user("Listing user", roles=["listing-role"])
        return server.issue_token(user_id=added["id"]), added["id"]

    return user


def _client(server: MockServer) -> tuple[str, str]:
    return server.issue_token(client_id=DEFAULT_CLIENT_ID), DEFAULT_CLIENT_ID


OWN, EVERY, NOT_A_USER = "its own", "every user's", "400 not.a.user"
# Who lists what: Genesys's rule (its own active conversations) for every user, the admin role's
# ``*:*:*`` included; every user's only for a role naming the mock's own ``mock:conversation:any``.
CALLERS = [
    pytest.param(_own_token, OWN, id="a-token-of-its-own"),
    pytest.param(_supervisor, OWN, id="the-supervisor"),
    pytest.param(_agent, OWN, id="an-agent"),
    pytest.param(_role_holding("*:*:*"), OWN, id="a-role-of-only-the-wildcard"),
    pytest.param(_role_holding("conversation:*:*"), OWN, id="a-role-of-conversation-wildcards"),
    pytest.param(_role_holding("mock:conversation:any"), EVERY, id="a-role-naming-mock-conversation-any"),
    pytest.param(_role_holding("*:*:*", "mock:*:*"), EVERY, id="a-role-naming-every-mock-permission"),
    pytest.param(_client, NOT_A_USER, id="a-client-token"),
]


@pytest.mark.parametrize("path", LISTINGS)
@pytest.mark.parametrize(("caller", "lists"), CALLERS)
def test_each_caller_lists_what_genesys_lists_it_unless_a_role_names_the_mocks_own_permission(
    callback_mock_server: MockServer,
    path: str,
    caller: Callable[[MockServer], tuple[str, str]],
    lists: str,
) -> None:
    server = callback_mock_server
    _arranged(server)
    token, user_id = caller(server)
    taken = _every(server)[3]  # the caller takes part in one conversation (a client cannot)
    leg = {"id": "listing-caller", "userId": user_id, "purpose": "agent"}
    server.put_conversation({**taken, "participants": [*taken["participants"], leg]})
    every = _every(server)

    answer = call(server.url, "GET", path, token=token)

    if lists == NOT_A_USER:
        assert (answer.status, answer.json()["code"]) == (400, "not.a.user")
        return
    assert answer.status == 200
    expected = (
        [c["id"] for c in every] if lists == EVERY else [c["id"] for c in every if user_id in _users(c)]
    )
    assert _ids(answer) == expected
    assert taken["id"] in expected
    assert len(expected) == len(every) if lists == EVERY else len(expected) < len(every)


def test_a_test_puts_the_old_listing_back_through_the_control_api(callback_mock_server: MockServer) -> None:
    """The escape hatch: a role naming ``mock:conversation:any``, put over the default role, lists all."""
    server = callback_mock_server
    every = [c["id"] for c in _every(server)]
    assert _ids(call(server.url, "GET", "/api/v2/conversations")) == []

    server.put_role("admin", ["*:*:*", "mock:conversation:any"])

    assert _ids(call(server.url, "GET", "/api/v2/conversations")) == every
    assert _ids(call(server.url, "GET", "/api/v2/conversations/callbacks")) == every


@pytest.mark.parametrize("size", [1, 2, 3])
def test_a_users_pages_hold_its_total_and_nothing_else(callback_mock_server: MockServer, size: int) -> None:
    server = callback_mock_server
    a, _b, _ = _arranged(server)
    token = server.issue_token(user_id=a)
    mine = _ids(call(server.url, "GET", "/api/v2/conversations", token=token))
    pages = math.ceil(len(mine) / size)

    listed: list[str] = []
    for number in range(1, pages + 2):
        answer = call(
            server.url, "GET", f"/api/v2/conversations?pageSize={size}&pageNumber={number}", token=token
        )
        body = answer.json()
        assert (body["total"], body["pageCount"], body["pageSize"]) == (len(mine), pages, size)
        listed += _ids(answer)

    assert listed == mine
    control = call(server.url, "GET", control_path(AdminRoutes.CONVERSATIONS, f"userId={a}&pageSize={size}"))
    assert (control.json()["total"], _ids(control)) == (len(mine), mine[:size])


def test_the_control_api_lists_every_users_conversations_a_page_at_a_time(
    callback_mock_server: MockServer,
) -> None:
    server = callback_mock_server
    every = server.conversations(page_size=100)
    second = server.conversations(page_size=4, page_number=2)

    assert every["total"] == len(every["entities"]) > 8
    assert [c["id"] for c in second["entities"]] == [c["id"] for c in every["entities"][4:8]]
    assert (second["total"], second["pageCount"]) == (every["total"], math.ceil(every["total"] / 4))
    assert any(not _users(c) for c in every["entities"])  # queued callbacks: no user's, still listed


def test_the_sdk_lists_as_an_agent_and_its_client_login_is_refused(
    sdk: ModuleType, callback_mock_server: MockServer
) -> None:
    server = callback_mock_server
    a, _b, (only_a, only_b, both) = _arranged(server)
    agent = client_on(sdk, server.url, token=server.issue_token(user_id=a))

    listed = sdk.ConversationsApi(agent).get_conversations()
    callbacks = sdk.ConversationsApi(agent).get_conversations_callbacks()

    mine = [c["id"] for c in _every(server) if a in _users(c)]
    assert [c.id for c in listed.entities] == mine
    assert [c.id for c in callbacks.entities] == mine
    assert {only_a, both} <= set(mine)
    assert only_b not in mine
    client = sdk.ApiClient(host=server.url).get_client_credentials_token(
        DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
    )
    with pytest.raises(sdk.rest.ApiException) as refused:
        sdk.ConversationsApi(client).get_conversations()
    assert refused.value.status == 400
    assert "not.a.user" in refused.value.body
