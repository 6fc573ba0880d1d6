"""Hostile inputs and growing state, in process: strict numbers, secrets, charsets, bounded state."""

from __future__ import annotations

import json
import time

import pytest
from flask.testing import FlaskClient

from contracts import CallbackState
from mockserver.control.faults import Faults, RateLimiter
from mockserver.control.models import Fault, RateLimit
from mockserver.control.patterns import path_regex
from mockserver.store.memory import MemoryWindows
from mockserver.testing.server import MockServer
from tests.support import CONFIG, TOKEN
from tests.support.control import ADMIN_PREFIX, AdminRoutes, control_path
from tests.support.live import call
from tests.support.seeded import QUEUE_ID

CONVERSATIONS = "/api/v2/conversations"
CALLBACKS = "/api/v2/conversations/callbacks"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"{CONVERSATIONS}?pageSize=\u00b2", "$.pageSize"),  # str.isdigit is true of it: int() raised
        (f"{CONVERSATIONS}?pageSize=\u0661", "$.pageSize"),  # and int() read this one as 1
        (f"{CONVERSATIONS}?pageNumber=\u0662", "$.pageNumber"),
        (f"{CONVERSATIONS}?pageSize=+5", "$.pageSize"),
        (control_path(AdminRoutes.REQUESTS, "status=\u00b2"), "$.status"),
        (control_path(AdminRoutes.REQUESTS, "status=\u0664\u0660\u0660"), "$.status"),
    ],
)
def test_a_number_is_ascii_digits(client: FlaskClient, path: str, field: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 400
    assert answer.json is not None
    assert (answer.json["code"], answer.json["details"][0]["fieldName"]) == ("invalid.value", field)


def test_the_journal_shows_no_credentials() -> None:
    """On a real socket: a server's environ is what the journal reads its headers from."""
    headers = {
        "Authorization": f"Bearer {TOKEN}",
        "Cookie": "session=s3cret",
        "X-Api-Key": "k3y",
        "Proxy-Authorization": "Basic dXNlcjpwYXNz",
        "X-Other": "kept",
    }
    with MockServer(CONFIG) as server:
        assert (
            call(server.url, "GET", f"{CONVERSATIONS}?access_token=t0ken&pageSize=1", headers=headers).status
            == 200
        )
        recorded = server.requests()[0]
    assert recorded["headers"]["Cookie"] == "[redacted]"
    assert recorded["headers"]["X-Api-Key"] == "[redacted]"
    assert recorded["headers"]["Proxy-Authorization"] == "Basic [redacted]"
    assert recorded["headers"]["Authorization"] == "Bearer [redacted]"
    assert recorded["headers"]["X-Other"] == "kept"
    assert recorded["query"] == {"access_token": ["[redacted]"], "pageSize": ["1"]}


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/json; charset=latin-1", 415),
        ("application/json; charset=UTF-16", 415),
        ("application/json; charset=utf-8", 200),
        ("application/json; charset=UTF8", 200),
        ("application/json", 200),
    ],
)
def test_a_charset_other_than_utf8_is_415(client: FlaskClient, content_type: str, expected: int) -> None:
    body = json.dumps({"callbackNumbers": ["+13175550100"], "queueId": QUEUE_ID}).encode()
    answer = client.post(CALLBACKS, data=body, headers={"Content-Type": content_type})
    assert answer.status_code == expected
    if expected == 415:
        assert answer.json is not None
        assert answer.json["code"] == "unsupported.media.type"


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", f"{CALLBACKS}/bulk/disconnect", {"callbackDisconnectIdentifiers": []}, 202),
        ("POST", control_path(AdminRoutes.RESET), None, 204),
        ("DELETE", control_path(AdminRoutes.CLEAR_FAULTS), None, 204),
    ],
)
def test_an_answer_without_a_body_names_no_media_type(
    client: FlaskClient, method: str, path: str, body: object, status: int
) -> None:
    answer = client.open(path, method=method, json=body)
    assert answer.status_code == status
    assert answer.data == b""
    assert "Content-Type" not in answer.headers


def test_a_message_names_an_enum_by_its_wire_value(client: FlaskClient) -> None:
    assert f"{CallbackState.DISCONNECTED}" == str(CallbackState.DISCONNECTED) == "disconnected"
    answer = client.post(
        control_path(AdminRoutes.ADD_FAULT), json={"kind": "latency", "status": 500, "delay": {"ms": 1}}
    )
    assert answer.status_code == 400
    assert answer.json is not None
    assert answer.json["message"] == "A fault of kind latency takes no status; got 500."


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("PATCH", control_path(AdminRoutes.RESET), 405), ("GET", f"{ADMIN_PREFIX}/no-such-thing", 404)],
)
def test_the_control_api_answers_wrong_methods_and_paths_itself(
    client: FlaskClient, method: str, path: str, status: int
) -> None:
    """Not 401 asking for the API's token: the control API's own 405 and 404."""
    answer = client.open(path, method=method, headers={"Authorization": ""})
    assert answer.status_code == status


def test_the_rate_limiter_forgets_windows_that_ended() -> None:
    now = [0.0]
    limiter = RateLimiter(RateLimit(requests=5, window_seconds=1), clock=lambda: int(now[0] * 1000))
    for second in range(100):
        now[0] = float(second)
        for token in range(1000):  # 100,000 tokens, each seen once
            assert limiter.wait(f"{second}-{token}") is None
    windows = limiter._windows
    assert isinstance(windows, MemoryWindows)
    assert len(windows) <= 2 * 1024 + 1000  # about one window's tokens, not 100,000


def test_a_thousand_faults_are_matched_without_recompiling() -> None:
    faults = Faults()
    for index in range(1000):
        faults.add(Fault(method="GET", path=f"/api/v2/other/{index}/**"))
    misses = path_regex.cache_info().misses
    started = time.perf_counter()
    for _ in range(100):
        assert faults.pick("GET", "/api/v2/conversations/x") is None
    per_request = (time.perf_counter() - started) / 100
    assert path_regex.cache_info().misses == misses  # each pattern compiled once, when added
    assert per_request < 0.005  # was 62 ms a request past lru_cache(256)
