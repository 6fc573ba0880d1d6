"""The console's pages through the WSGI layers of ``create_app``, on both stores: what they list,
filter and write, the door under an admin token, and the guard on their forms."""

from __future__ import annotations

import html
import re
import shlex
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockserver.app import create_app
from mockserver.config import CONSOLE_PATH
from mockserver.web.current import backend_of
from tests.support import TOKEN
from tests.support.control import ADMIN_PREFIX, AdminRoutes, control_path
from tests.support.redis import on_store

UI = ADMIN_PREFIX + CONSOLE_PATH
SAME = {"Origin": "http://localhost"}  # what the console's own forms send


@pytest.fixture
def seeded(client: FlaskClient) -> list[str]:
    answer = client.post(control_path(AdminRoutes.SEED), json={"count": 6, "traits": ["connected"]})
    ids: list[str] = answer.json["conversationIds"]  # type: ignore[index]
    return ids


def _ids(page: bytes) -> list[str]:
    return [m.decode() for m in re.findall(rb'class="id" href="[^"]+/conversations/([0-9a-f-]{36})"', page)]


def test_the_list_shows_every_conversation_newest_first_and_pages(
    client: FlaskClient, seeded: list[str]
) -> None:
    first = client.get(f"{UI}/conversations?pageSize=4")
    assert first.status_code == 200
    assert _ids(first.data) == seeded[::-1][:4]
    second = client.get(f"{UI}/conversations?pageSize=4&pageNumber=2")
    assert _ids(second.data)[:2] == seeded[::-1][4:]  # then the server's own
    assert b"page 2 of " in second.data


def test_the_list_filters_by_state_queue_and_agent(
    app: Flask, client: FlaskClient, seeded: list[str]
) -> None:
    moved = client.post(f"{UI}/conversations/{seeded[0]}/advance", data={"to": "disconnected"}, headers=SAME)
    assert moved.status_code == 303
    ended = set(_ids(client.get(f"{UI}/conversations?state=ended&pageSize=100").data))
    assert seeded[0] in ended
    assert not ended & set(seeded[1:])
    connected = set(_ids(client.get(f"{UI}/conversations?state=connected&pageSize=100").data))
    assert set(seeded[1:]) <= connected
    assert seeded[0] not in connected
    conversation = backend_of(app).conversation(seeded[0])
    agent = next(p for p in conversation.participants or () if p.purpose == "agent")
    acd = next(p for p in conversation.participants or () if p.purpose == "acd")
    by_agent = client.get(f"{UI}/conversations?agent={agent.user_id}")
    assert seeded[0] in _ids(by_agent.data)
    by_queue_name = client.get(f"{UI}/conversations?queue={(acd.name or '').upper()}")
    assert seeded[0] in _ids(by_queue_name.data)
    assert _ids(client.get(f"{UI}/conversations?queue=no-such-queue").data) == []


def test_the_journal_filters_by_method_path_status_fault_and_stub(client: FlaskClient) -> None:
    fault = client.post(
        control_path(AdminRoutes.ADD_FAULT), json={"path": "/api/v2/routing/queues", "status": 503}
    ).json
    stub = client.post(
        control_path(AdminRoutes.ADD_STUB), json={"path": "/api/v2/stubbed", "body": "{}"}
    ).json
    client.get("/api/v2/routing/queues")
    client.get("/api/v2/stubbed")
    client.post("/api/v2/stubbed", json={"a": 1})
    client.get("/api/v2/conversations")

    def shown(query: str) -> list[str]:
        page = client.get(f"{UI}/journal?{query}")
        assert page.status_code == 200
        return [m.decode() for m in re.findall(rb'<span class="path">([^<]+)</span>', page.data)]

    assert shown("") == [
        "/api/v2/routing/queues",
        "/api/v2/stubbed",
        "/api/v2/stubbed",
        "/api/v2/conversations",
    ]
    assert shown("method=post") == ["/api/v2/stubbed"]
    assert shown("path=/api/v2/routing/**") == ["/api/v2/routing/queues"]
    assert shown("status=503") == ["/api/v2/routing/queues"]
    assert shown(f"fault={fault['id']}") == ["/api/v2/routing/queues"]  # type: ignore[index]
    assert shown(f"stub={stub['id']}") == ["/api/v2/stubbed", "/api/v2/stubbed"]  # type: ignore[index]
    assert shown("pageSize=1&pageNumber=4") == ["/api/v2/conversations"]


def test_the_controls_page_shows_each_fault_and_stub_with_its_matchers(client: FlaskClient) -> None:
    match = {"query": {"pageSize": {"equalTo": "25"}}, "body": [{"jsonPath": "$.queueId", "equalTo": "q-1"}]}
    fault = client.post(control_path(AdminRoutes.ADD_FAULT), json={"status": 503, "match": match}).json
    stub = client.post(control_path(AdminRoutes.ADD_STUB), json={"path": "/api/v2/plain", "body": "{}"}).json

    page = html.unescape(client.get(f"{UI}/controls").data.decode())

    fault_row = page.split(f'id="fault-{fault["id"]}"', 1)[1].split("</tr>", 1)[0]  # type: ignore[index]
    stub_row = page.split(f'id="stub-{stub["id"]}"', 1)[1].split("</tr>", 1)[0]  # type: ignore[index]
    shown = re.findall(r"<small>([^<]+)</small>", fault_row)
    assert shown == ["query pageSize equalTo '25'", "body $.queueId equalTo 'q-1'"]
    assert "<small>" not in stub_row  # method and path alone


def test_a_journal_entry_copies_as_curl(client: FlaskClient) -> None:
    client.post("/api/v2/stubbed?x=1&x=2", json={"name": "it's"})
    page = client.get(f"{UI}/journal").data.decode()
    shown = re.search(r'<pre id="curl-1">([^<]+)</pre>', page)
    assert shown is not None
    words = shlex.split(html.unescape(shown[1]))  # what a shell makes of it
    assert words[:4] == ["curl", "-X", "POST", "http://localhost/api/v2/stubbed?x=1&x=2"]
    headers = [words[i + 1] for i, word in enumerate(words) if word == "-H"]
    assert "Content-Type: application/json" in headers
    assert not any(h.lower().startswith(("host:", "content-length:")) for h in headers)
    assert words[-2:] == ["--data-raw", '{"name": "it\'s"}']


@pytest.mark.parametrize(
    ("page", "field"),
    [
        ("/journal?status=abc", "$.status"),
        ("/journal?status=99", "$.status"),
        ("/journal?path=no-slash", "$.path"),
        ("/conversations?pageSize=0", "pageSize"),
        ("/journal?pageNumber=x", "pageNumber"),
    ],
)
def test_a_bad_filter_is_answered_400_naming_it(client: FlaskClient, page: str, field: str) -> None:
    answer = client.get(UI + page)
    assert answer.status_code == 400
    assert field.encode() in answer.data
    assert answer.mimetype == "text/html"


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"action": "advance", "advanceSeconds": "soon"}, "$.advanceSeconds"),
        ({"action": "advance", "advanceSeconds": "-5"}, "advanceSeconds"),
        ({"action": "set", "now": "tomorrow"}, "$.now"),
        ({"action": "set", "now": "2000-01-01T00:00:00Z"}, "$.now"),
        ({"action": "rewind"}, "$.action"),
    ],
)
def test_a_bad_clock_form_is_answered_400_naming_the_field(
    client: FlaskClient, form: dict[str, str], field: str
) -> None:
    answer = client.post(f"{UI}/clock", data=form, headers=SAME)
    assert answer.status_code == 400
    assert field.encode() in answer.data


def test_the_clock_forms_advance_set_freeze_and_thaw(app: Flask, client: FlaskClient) -> None:
    clock = backend_of(app).clock
    start = clock.ms()
    assert (
        client.post(
            f"{UI}/clock", data={"action": "advance", "advanceSeconds": "90"}, headers=SAME
        ).status_code
        == 303
    )
    assert clock.ms() - start >= 90_000
    client.post(f"{UI}/clock", data={"action": "set", "now": "2031-02-03T04:05:06"}, headers=SAME)
    assert clock.now().isoformat().startswith("2031-02-03T04:05:06")
    client.post(f"{UI}/clock", data={"action": "thaw"}, headers=SAME)
    assert not clock.frozen
    client.post(f"{UI}/clock", data={"action": "freeze"}, headers=SAME)
    assert clock.frozen


def test_advancing_to_an_unknown_stage_or_conversation_is_refused(
    client: FlaskClient, seeded: list[str]
) -> None:
    unknown = client.post(f"{UI}/conversations/{seeded[0]}/advance", data={"to": "nowhere"}, headers=SAME)
    assert unknown.status_code == 400
    assert b"$.to" in unknown.data
    missing = client.post(f"{UI}/conversations/nope/advance", data={"to": "alerting"}, headers=SAME)
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Origin": "http://localhost"}, 303),
        ({"Sec-Fetch-Site": "same-origin"}, 303),
        ({"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"}, 303),
        ({}, 403),  # a form with no proof of where it came from
        ({"Sec-Fetch-Site": "none"}, 403),
        ({"Origin": "http://evil.example"}, 403),
        ({"Sec-Fetch-Site": "cross-site"}, 403),
        ({"Sec-Fetch-Site": "same-site", "Origin": "http://localhost"}, 403),
        ({"Origin": "null"}, 403),
    ],
)
def test_a_console_form_passes_the_guard_only_from_the_console_itself(
    client: FlaskClient, headers: dict[str, str], status: int
) -> None:
    answer = client.post(f"{UI}/rate-limit/remove", data={"x": "1"}, headers=headers)
    assert answer.status_code == status


def test_a_form_body_to_the_json_control_api_is_still_refused(client: FlaskClient) -> None:
    answer = client.post(control_path(AdminRoutes.MOVE_CLOCK), data={"advanceSeconds": "5"}, headers=SAME)
    assert answer.status_code == 415


@pytest.fixture
def guarded(store: str) -> Iterator[FlaskClient]:
    with on_store(store, {"ADMIN_TOKEN": "s3cret", "TOKENS": (TOKEN,)}) as config:
        app = create_app(config)
        yield app.test_client()
        backend_of(app).store.close()


def test_under_an_admin_token_a_page_asks_for_it_and_a_cookie_keeps_it(guarded: FlaskClient) -> None:
    asked = guarded.get(f"{UI}/journal?status=200")
    assert asked.status_code == 302
    assert asked.headers["Location"] == f"{UI}/login?next=/__admin/ui/journal?status%3D200"
    wrong = guarded.post(f"{UI}/login", data={"token": "guess", "next": f"{UI}/journal"}, headers=SAME)
    assert wrong.status_code == 401
    assert guarded.get_cookie("callback_mock_console", path=f"{UI}/") is None
    right = guarded.post(
        f"{UI}/login", data={"token": "s3cret", "next": f"{UI}/journal?status=200"}, headers=SAME
    )
    assert (right.status_code, right.headers["Location"]) == (303, f"{UI}/journal?status=200")
    cookie = right.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert f"Path={UI}/" in cookie
    assert "s3cret" not in cookie
    assert guarded.get(f"{UI}/journal").status_code == 200
    assert (
        guarded.get(control_path(AdminRoutes.REQUESTS)).status_code == 401
    )  # the cookie opens the pages only


@pytest.mark.parametrize("target", ["http://evil.example/x", "//evil.example/x", "/api/v2/conversations", ""])
def test_a_login_goes_back_only_inside_the_console(guarded: FlaskClient, target: str) -> None:
    answer = guarded.post(f"{UI}/login", data={"token": "s3cret", "next": target}, headers=SAME)
    assert answer.headers["Location"] == f"{UI}/conversations"


def test_under_an_admin_token_a_write_without_the_cookie_is_refused(guarded: FlaskClient) -> None:
    assert guarded.post(f"{UI}/rate-limit/remove", headers=SAME).status_code == 401
    bearer = guarded.get(f"{UI}/clock", headers={"Authorization": "Bearer s3cret"})
    assert bearer.status_code == 200
