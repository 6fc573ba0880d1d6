"""One table of the control API's routes: the views register from it, ``AdminClient`` calls from it."""

from __future__ import annotations

import inspect
import urllib.parse
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from mockserver import create_app
from mockserver.control import route_table
from mockserver.control.client import AdminClient, ClockControl
from mockserver.control.route_table import ControlRoute, ControlRoutes
from tests.support.control import ADMIN_PREFIX

# One answer with every key any client method reads, so each method runs to its end.
ANSWER = {
    "conversationIds": [],
    "requests": [],
    "pageCount": 1,
    "matched": [],
    "ok": True,
    "id": "x-1",
    "faults": [],
    "stubs": [],
    "notifications": [],
    "deliveries": [],
    "channelIds": [],
    "now": "2030-01-15T12:00:00.000Z",
    "settings": {},
    "entities": [],
    "accessToken": "t",
    "workflows": [],
    "executions": [],
}


class Recording(AdminClient):
    """An ``AdminClient`` that records what it would send instead of sending it."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    @property
    def url(self) -> str:
        return "http://mock.invalid"

    def _send(self, method: str, url: str, body: Any) -> Any:
        self.sent.append((method, urllib.parse.urlsplit(url).path))
        return ANSWER


CALLBACK = {"id": "cb 1"}  # a space: every path parameter is percent-encoded
CALLS: dict[str, Callable[[Recording], object]] = {
    "reset": lambda c: c.reset(),
    "seed": lambda c: c.seed(2, traits=["scheduled"], seed=1),
    "conversations": lambda c: c.conversations(user_id="u 1", page_size=25, page_number=2),
    "put_conversation": lambda c: c.put_conversation({"id": "c 1"}),
    "delete_conversation": lambda c: c.delete_conversation("c-1"),
    "put_callback": lambda c: c.put_callback("c-1", "p-1", CALLBACK),
    "replace_callback": lambda c: c.replace_callback(CALLBACK),
    "put_queue": lambda c: c.put_queue("q 1", members=["agent:0"]),
    "requests": lambda c: c.requests(method="GET", path="/api/v2/**", status=200),
    "clear_requests": lambda c: c.clear_requests(),
    "verify": lambda c: c.verify("GET", "/api/v2/**", count=0),
    "verification": lambda c: c.verification("GET", "/api/v2/**"),
    "wait_for_requests": lambda c: c.wait_for_requests(count=0),
    "verify_sequence": lambda c: c.verify_sequence([]),
    "lifecycle": lambda c: c.lifecycle(),
    "set_lifecycle": lambda c: c.set_lifecycle(mode="manual"),
    "advance": lambda c: c.advance("c-1", "connected"),
    "fault": lambda c: c.fault(status=503),
    "faults": lambda c: c.faults(),
    "remove_fault": lambda c: c.remove_fault("f-1"),
    "clear_faults": lambda c: c.clear_faults(),
    "rate_limit": lambda c: c.rate_limit(10),
    "clear_rate_limit": lambda c: c.clear_rate_limit(),
    "stub": lambda c: c.stub(body="{}"),
    "stubs": lambda c: c.stubs(),
    "remove_stub": lambda c: c.remove_stub("s-1"),
    "clear_stubs": lambda c: c.clear_stubs(),
    "notifications": lambda c: c.notifications(channel_id="ch-1", topic="t"),
    "socket_closing": lambda c: c.socket_closing(),
    "set_event_sink": lambda c: c.set_event_sink("http://127.0.0.1:9/events", region="eu-west-1"),
    "clear_event_sink": lambda c: c.clear_event_sink(),
    "event_sink_deliveries": lambda c: c.event_sink_deliveries(),
    "settings": lambda c: c.settings(),
    "identities": lambda c: c.identities(),
    "add_user": lambda c: c.add_user("Dee", roles=["agent"], permissions=["routing:queue:view"]),
    "add_client": lambda c: c.add_client(
        "Reporting", "pw", roles=["admin"], permissions=[], token_seconds=60
    ),
    "put_role": lambda c: c.put_role("viewer role", ["conversation:communication:view"]),
    "issue_token": lambda c: c.issue_token(user_id="u-1", expires_in=60),
    "put_workflow": lambda c: c.put_workflow("wf 1", "http://127.0.0.1:1/hook", timeout_seconds=1),
    "workflows": lambda c: c.workflows(),
    "executions": lambda c: c.executions(trigger_id="t-1", workflow_id="wf-1", status="Started"),
    "clock.state": lambda c: c.clock.state(),
    "clock.now": lambda c: c.clock.now(),
    "clock.advance": lambda c: c.clock.advance(30),
    "clock.set": lambda c: c.clock.set("2030-01-16T00:00:00Z"),
    "clock.freeze": lambda c: c.clock.freeze(),
}


def _public(cls: type) -> set[str]:
    return {
        name
        for name, member in inspect.getmembers(cls)
        if not name.startswith("_") and (inspect.isfunction(member) or name == "clock")
    }


def _admin_rules(app: Flask) -> set[tuple[str, str]]:
    return {
        (method, rule.rule.removeprefix(ADMIN_PREFIX))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(ADMIN_PREFIX + "/")
        and not rule.endpoint.startswith("console.")  # the console's pages: no route of the table
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }


def test_every_client_method_is_listed_here() -> None:
    methods = _public(AdminClient) - {"clock"} | {f"clock.{name}" for name in _public(ClockControl)}
    assert methods == set(CALLS)


def test_the_views_register_exactly_the_table() -> None:
    table = {(route.method, route.rule) for route in ControlRoutes.all().values()}
    assert len(table) == len(ControlRoutes.all())  # no route twice under two names
    assert _admin_rules(create_app({"CONVERSATIONS": 0})) == table


@pytest.mark.parametrize("name", CALLS)
def test_every_client_method_calls_a_registered_route(name: str) -> None:
    app = create_app({"CONVERSATIONS": 0})
    adapter = app.url_map.bind("mock.invalid")
    client = Recording()

    CALLS[name](client)

    assert client.sent
    for method, path in client.sent:
        assert path.startswith(ADMIN_PREFIX + "/")
        endpoint, _ = adapter.match(urllib.parse.unquote(path), method=method)
        assert endpoint.startswith("control_")


def test_a_route_fills_in_its_parameters_as_path_segments() -> None:
    route = ControlRoute("PUT", "/conversations/{conversation_id}/participants/{participant_id}")

    assert route.rule == "/conversations/<conversation_id>/participants/<participant_id>"
    assert route.parameters == ("conversation_id", "participant_id")
    assert (
        route.url(conversation_id="a b/c", participant_id="p?1")
        == "/conversations/a%20b%2Fc/participants/p%3F1"
    )
    with pytest.raises(TypeError, match="takes"):
        route.url(conversation_id="c-1")


def test_the_tables_former_names_still_import() -> None:
    """A user's code may import the table by its names before the control API took one word."""
    assert (route_table.AdminRoutes, route_table.AdminRoute) == (ControlRoutes, ControlRoute)
