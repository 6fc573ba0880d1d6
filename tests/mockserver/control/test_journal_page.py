"""A page of the journal is the same whichever way it is matched: on the kept rows (a pattern of a
method, a path and a status, the listings' filters) or on each request made whole (any other)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockserver.control.models import RequestPattern
from mockserver.web.current import backend_of
from tests.support.control import AdminRoutes, control_path

PATTERNS = [
    RequestPattern(),
    RequestPattern(method="GET"),
    RequestPattern(method="post", path="/api/v2/conversations/**"),
    RequestPattern(path="/api/v2/routing/*"),
    RequestPattern(status=404),
    RequestPattern(method="GET", path="/api/v2/**", status=200),
    RequestPattern(query={"pageSize": "2"}),  # the general way
    RequestPattern(body_contains="queueId"),
]


@pytest.fixture
def journaled(client: FlaskClient) -> None:
    fault = client.post(
        control_path(AdminRoutes.ADD_FAULT),
        json={"path": "/api/v2/routing/skills", "status": 503, "times": 2},
    )
    assert fault.status_code == 201
    for _ in range(3):
        client.get("/api/v2/routing/skills")
        client.get("/api/v2/conversations?pageSize=2")
        client.get("/api/v2/conversations/nope")
        client.post("/api/v2/conversations/callbacks", json={"queueId": "nope"})


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.describe() for p in PATTERNS])
@pytest.mark.parametrize(("start", "stop"), [(0, 25), (1, 3), (5, 100)])
@pytest.mark.usefixtures("journaled")
def test_a_page_is_the_matching_requests_in_order(
    app: Flask, pattern: RequestPattern, start: int, stop: int
) -> None:
    journal = backend_of(app).journal
    assert journal is not None
    every = [request for request in journal.find() if pattern.matches(request)]
    assert journal.page(pattern, start, stop) == (len(every), every[start:stop])


@pytest.mark.usefixtures("journaled")
def test_a_page_keeps_only_what_a_fault_or_stub_shaped(app: Flask) -> None:
    journal = backend_of(app).journal
    assert journal is not None
    (fault,) = {request.fault for request in journal.find()} - {None}
    matched, page = journal.page(RequestPattern(), 0, 25, fault=fault)
    assert (matched, [request.path for request in page]) == (2, ["/api/v2/routing/skills"] * 2)
    assert journal.page(RequestPattern(), 0, 25, stub="stub-none") == (0, [])
