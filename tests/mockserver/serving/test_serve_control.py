"""The control API and every fault kind under ``callback-contracts serve`` (Granian), as a process."""

from __future__ import annotations

import hashlib
import http.client
import json
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.control import ADMIN_PREFIX, LISTING, AdminRoutes, control_path
from tests.support.live import call
from tests.support.seeded import SERVE_QUEUE_ID
from tests.support.serve import COMMAND, ROOT
from tests.support.serve import serving_url as serving

CONVERSATIONS = "/api/v2/conversations"


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    with serving() as url:
        yield url


@pytest.fixture
def url(served: str) -> str:
    assert call(served, "POST", control_path(AdminRoutes.RESET)).status == 204
    return served


def add_fault(url: str, spec: dict[str, object]) -> None:
    assert call(url, "POST", control_path(AdminRoutes.ADD_FAULT), spec).status == 201


def test_a_status_fault_and_the_journal(url: str) -> None:
    add_fault(url, {"method": "GET", "path": CONVERSATIONS, "status": 429, "retryAfter": 2, "times": 1})
    limited = call(url, "GET", CONVERSATIONS, token="t")
    fine = call(url, "GET", CONVERSATIONS, token="t")
    journal = call(url, "GET", control_path(AdminRoutes.REQUESTS)).json()["requests"]

    assert (limited.status, limited.headers["retry-after"], fine.status) == (429, "2", 200)
    assert limited.json()["code"] == "too.many.requests.retry.after"
    assert [(r["status"], r["correlationId"]) for r in journal] == [
        (429, limited.headers["inin-correlation-id"]),
        (200, fine.headers["inin-correlation-id"]),
    ]


def test_latency(url: str) -> None:
    add_fault(url, {"kind": "latency", "delay": {"ms": 120}})
    started = time.perf_counter()
    assert call(url, "GET", CONVERSATIONS, token="t").status == 200
    assert time.perf_counter() - started >= 0.12


def test_a_delayed_request_does_not_hold_up_another(url: str) -> None:
    """The reason ``--threads`` defaults to 2: a delay holds one thread, the other keeps answering."""
    add_fault(url, {"method": "GET", "path": CONVERSATIONS, "kind": "latency", "delay": {"ms": 3000}})
    with ThreadPoolExecutor(1) as pool:
        delayed = pool.submit(call, url, "GET", CONVERSATIONS, token="t")
        time.sleep(0.2)  # the delayed request is in its thread
        started = time.perf_counter()
        other = call(url, "GET", f"{CONVERSATIONS}/nope", token="t")
        waited = time.perf_counter() - started
        assert not delayed.done()
        assert delayed.result(timeout=30).status == 200
    assert other.status == 404
    assert waited < 2.0  # not behind the delayed one (3 s)


def test_a_drop_leaves_the_client_without_a_complete_answer(url: str) -> None:
    add_fault(url, {"kind": "drop", "times": 1})
    with pytest.raises(http.client.IncompleteRead):  # as under Werkzeug (test_faults)
        call(url, "GET", CONVERSATIONS, token="t")
    journal = call(url, "GET", control_path(AdminRoutes.REQUESTS)).json()["requests"]
    assert (journal[0]["status"], journal[0]["correlationId"], journal[0]["durationMs"]) == (None, None, 0)
    assert call(url, "GET", CONVERSATIONS, token="t").status == 200


def test_a_reset_resets_the_connection_as_under_werkzeug(url: str) -> None:
    add_fault(url, {"kind": "reset", "times": 1})
    with pytest.raises(ConnectionResetError):  # as under Werkzeug (test_faults)
        call(url, "GET", CONVERSATIONS, token="t")
    assert call(url, "GET", CONVERSATIONS, token="t").status == 200
    journal = call(url, "GET", control_path(AdminRoutes.REQUESTS)).json()["requests"]
    assert [r["status"] for r in journal] == [None, 200]


def test_the_spoiling_faults(url: str) -> None:
    add_fault(url, {"kind": "malformed", "times": 1})
    add_fault(url, {"kind": "empty", "times": 1})
    add_fault(url, {"kind": "content-type", "times": 1})
    malformed, empty, mislabelled = (call(url, "GET", CONVERSATIONS, token="t") for _ in range(3))
    assert (malformed.status, empty.status, empty.body) == (200, 200, b"")
    with pytest.raises(json.JSONDecodeError):
        malformed.json()
    assert mislabelled.headers["content-type"] == "text/html; charset=utf-8"


def test_a_stub_and_the_token_fingerprint(url: str) -> None:
    assert (
        call(
            url,
            "POST",
            control_path(AdminRoutes.ADD_STUB),
            {"path": CONVERSATIONS, "status": 418, "body": "tea"},
        ).status
        == 201
    )
    answer = call(url, "GET", CONVERSATIONS, token="t")
    assert (answer.status, answer.body) == (418, b"tea")
    [recorded] = call(url, "GET", control_path(AdminRoutes.REQUESTS)).json()["requests"]
    assert (recorded["stub"], recorded["tokenFingerprint"]) == (
        "stub-1",
        hashlib.sha256(b"t").hexdigest()[:8],
    )


def test_a_truncated_body(url: str) -> None:
    add_fault(url, {"kind": "truncate", "times": 1})
    with pytest.raises(http.client.IncompleteRead) as caught:
        call(url, "GET", CONVERSATIONS, token="t")
    half, rest = len(caught.value.partial), caught.value.expected  # the body, cut at len // 2
    assert half > 100
    assert rest in (half, half + 1)


def test_the_rate_limiter(url: str) -> None:
    assert (
        call(
            url, "PUT", control_path(AdminRoutes.SET_RATE_LIMIT), {"requests": 2, "windowSeconds": 60}
        ).status
        == 200
    )
    statuses = [call(url, "GET", CONVERSATIONS, token="t").status for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_serve_options_move_guard_and_limit_the_control_api() -> None:
    options = ("--admin-prefix", "/_m", "--admin-token", "a", "--no-journal", "--rate-limit", "2/60")
    with serving(*options) as url:
        limited = [call(url, "GET", CONVERSATIONS, token="t").status for _ in range(3)]
        moved = call(url, "POST", control_path(AdminRoutes.RESET, prefix="/_m"), token="a")
        unguarded = call(url, "POST", control_path(AdminRoutes.RESET, prefix="/_m"), token="t")
        old_place = call(url, "POST", control_path(AdminRoutes.RESET), token="t")
        journal = call(url, "GET", control_path(AdminRoutes.REQUESTS, prefix="/_m"), token="a")
    assert (moved.status, unguarded.status, old_place.status) == (204, 401, 404)  # the reset lifted the limit
    assert journal.json()["message"] == "The request journal is switched off (JOURNAL is false)."
    assert limited == [200, 200, 429]


def test_serve_with_no_conversations() -> None:
    with serving("--conversations", "0") as url:
        empty = call(url, "GET", LISTING, token="t").json()  # every user's, as the next two
        callbacks = call(url, "GET", f"{CONVERSATIONS}/callbacks", token="t").json()
        created = call(
            url,
            "POST",
            f"{CONVERSATIONS}/callbacks",
            {"callbackNumbers": ["+13175550100"], "queueId": SERVE_QUEUE_ID},
            token="t",
        )
        one = call(url, "GET", LISTING, token="t").json()["total"]
        call(url, "POST", control_path(AdminRoutes.RESET), token="t")
        again = call(url, "GET", LISTING, token="t").json()["total"]
    assert (empty["total"], empty["entities"], callbacks["entities"]) == (0, [], [])
    assert (created.status, one, again) == (200, 1, 0)


def test_serve_without_the_control_api() -> None:
    with serving("--no-admin") as url:
        assert call(url, "POST", control_path(AdminRoutes.RESET), token="t").status == 404
        paths = call(url, "GET", "/openapi.json", token=None).json()["paths"]
    assert not [path for path in paths if path.startswith(ADMIN_PREFIX)]


@pytest.mark.parametrize("value", ["2", "0/60", "2/0", "x/y", "2/60/1"])
def test_a_bad_rate_limit_is_a_usage_error(value: str) -> None:
    done = subprocess.run(
        [*COMMAND, "serve", "--rate-limit", value], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "expected REQUESTS/SECONDS such as 300/60" in done.stderr
