"""A Redis store that goes away: every request answers the API's 503 at once, the outage is logged
once, and a Redis back without its data gets the seeded dataset back from a reset.

Each test has a Redis server of its own (``Dedicated``), killed, paused and started again.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mockserver import create_app
from mockserver.config import CORRELATION_HEADER
from mockserver.web.current import backend_of
from tests.support import CONFIG, NOW, TOKEN
from tests.support.control import LISTING, AdminRoutes, control_path
from tests.support.live import Answer, call
from tests.support.redis import Dedicated, dedicated_redis
from tests.support.seeded import QUEUE_ID
from tests.support.serve import serving

CREATE = "/api/v2/conversations/callbacks"
TIMEOUT = 1.0  # the store's command timeout in these tests (STORE_TIMEOUT)
# Every kind of request: the fast read, the listing, a write, the control API.
REQUESTS = [
    ("GET", "/api/v2/conversations/{id}", None),
    ("GET", "/api/v2/conversations", None),
    ("POST", CREATE, {"callbackNumbers": ["+13175550100"], "queueId": QUEUE_ID}),
    ("POST", control_path(AdminRoutes.RESET), None),
]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Dedicated]:
    with dedicated_redis(tmp_path) as started:
        yield started


@pytest.fixture
def client(server: Dedicated) -> Iterator[FlaskClient]:
    app = create_app({**CONFIG, "STORE": server.url, "STORE_PREFIX": "outage", "STORE_TIMEOUT": TIMEOUT})
    made = app.test_client()
    made.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TOKEN}"
    yield made
    backend_of(app).store.close()


def assert_unavailable(status: int, headers: dict[str, str], body: Any) -> None:
    """The API's 503: its ErrorBody, the correlation id in header and body, and when to retry."""
    assert status == 503, body
    assert body["status"] == 503
    assert body["code"] == "service.unavailable"
    assert body["message"]
    assert body["contextId"] == headers[CORRELATION_HEADER.lower()]
    assert int(headers["retry-after"]) >= 1


def first_id(client: FlaskClient) -> str:
    return str(client.get(LISTING).json["entities"][0]["id"])  # type: ignore[index]


def until_answered(ask: Any, deadline: float = 10.0) -> Any:
    """``ask()`` again until its status is not 503 (the store is back): the last answer."""
    stop = time.monotonic() + deadline
    while True:
        answer = ask()
        if answer.status_code != 503 or time.monotonic() > stop:
            return answer
        time.sleep(0.05)


@pytest.mark.parametrize(("method", "path", "body"), REQUESTS)
def test_redis_killed_each_request_gets_the_apis_503(
    client: FlaskClient, server: Dedicated, method: str, path: str, body: Any
) -> None:
    path = path.format(id=first_id(client))
    server.kill()
    answer = client.open(path, method=method, json=body)
    assert_unavailable(answer.status_code, {k.lower(): v for k, v in answer.headers.items()}, answer.json)


def test_an_outage_is_logged_once_when_it_starts_and_once_when_it_ends(
    client: FlaskClient, server: Dedicated, caplog: pytest.LogCaptureFixture
) -> None:
    conversation_id = first_id(client)
    caplog.set_level(logging.INFO, logger="mockserver")
    server.kill()
    for _ in range(3):
        for method, path, body in REQUESTS:
            assert client.open(path.format(id=conversation_id), method=method, json=body).status_code == 503
    server.start()
    assert until_answered(lambda: client.get("/api/v2/conversations")).status_code == 200
    logged = [(r.levelno, r.getMessage()) for r in caplog.records if r.name.startswith("mockserver")]
    assert [level for level, _ in logged] == [logging.WARNING, logging.INFO], logged
    assert server.url in logged[0][1]
    assert "back" in logged[1][1]


def test_redis_restarted_empty_a_reset_brings_the_seeded_data_back(
    client: FlaskClient, server: Dedicated
) -> None:
    before: Any = client.get(LISTING).json
    conversation_id = first_id(client)
    agent_id = next(p["userId"] for c in before["entities"] for p in c["participants"] if "userId" in p)
    mine: Any = client.get(control_path(AdminRoutes.CONVERSATIONS, f"userId={agent_id}")).json
    assert mine["total"] >= 1
    seeded = client.get(f"/api/v2/conversations/{conversation_id}").json
    server.kill()
    server.start()  # no persistence: empty
    assert until_answered(lambda: client.get(f"/api/v2/conversations/{conversation_id}")).status_code == 404
    assert client.post(control_path(AdminRoutes.RESET)).status_code in (200, 204)
    assert client.get(LISTING).json == before
    assert client.get(control_path(AdminRoutes.CONVERSATIONS, f"userId={agent_id}")).json == mine
    assert client.get(f"/api/v2/conversations/{conversation_id}").json == seeded
    assert client.post(CREATE, json=REQUESTS[2][2]).status_code == 200


@pytest.fixture
def live(server: Dedicated, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """``serve`` on the dedicated Redis: its URL."""
    monkeypatch.setenv("CALLBACK_MOCK_STORE_TIMEOUT", str(TIMEOUT))
    options = ("--conversations", "10", "--now", NOW.isoformat(), "--frozen", "--token", TOKEN)
    with serving(*options, "--store", server.url, "--store-prefix", "outage") as served:
        yield served.url


def ask(url: str, method: str, path: str, body: Any, conversation_id: str) -> Answer:
    return call(url, method, path.format(id=conversation_id), body)


def live_first_id(url: str) -> str:
    return str(call(url, "GET", LISTING).json()["entities"][0]["id"])


def test_redis_killed_a_live_serve_answers_the_apis_503(live: str, server: Dedicated) -> None:
    conversation_id = live_first_id(live)
    server.kill()
    for _ in range(2):
        for method, path, body in REQUESTS:
            answer = ask(live, method, path, body, conversation_id)
            assert_unavailable(answer.status, answer.headers, answer.json())


def test_redis_paused_a_live_serve_answers_within_the_timeout(live: str, server: Dedicated) -> None:
    """SIGSTOP: Redis accepts connections and says nothing. 8 requests at once, each answered
    (503) within a bound far under the pause; answered again once Redis runs."""
    conversation_id = live_first_id(live)
    server.signal(signal.SIGSTOP)
    try:

        def timed(index: int) -> tuple[float, Answer]:
            started = time.monotonic()
            method, path, body = REQUESTS[index % len(REQUESTS)]
            answer = ask(live, method, path, body, conversation_id)
            return time.monotonic() - started, answer

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(timed, range(8)))
        for took, answer in answers:
            assert_unavailable(answer.status, answer.headers, answer.json())
            assert took < 3 * TIMEOUT + 2, took
    finally:
        server.signal(signal.SIGCONT)
    deadline = time.monotonic() + 10
    while ask(live, "GET", "/api/v2/conversations/{id}", None, conversation_id).status != 200:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_redis_restarted_empty_a_live_reset_brings_the_seeded_data_back(live: str, server: Dedicated) -> None:
    before = call(live, "GET", LISTING).json()
    server.kill()
    server.start()
    deadline = time.monotonic() + 10
    while call(live, "GET", "/api/v2/conversations").status == 503:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert call(live, "POST", control_path(AdminRoutes.RESET)).status in (200, 204)
    assert call(live, "GET", LISTING).json() == before
