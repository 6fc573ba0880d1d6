"""``verify`` against the live mock: every route a callback client reads, and the writes on callbacks of its own.

The mock runs as ``serve`` does (a process on free ports); the control API arranges a campaign's
preview (so the campaign route is read), faults and stubs (so a write goes wrong), and the
listing before and after shows the run left nothing behind.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from click.testing import Result

from contracts import parse_datetime
from mockserver.state.identity import ADMIN_ROLE
from mockserver.testing.remote import RemoteMockServer
from tests.support.control import LISTS_EVERY
from tests.support.live import call
from tests.support.seeded import queue_ids
from tests.support.serve import serving

Invoke = Callable[..., Result]
TOKEN = "verify-token"
SEED = 5
ID = "[0-9a-f-]+"
CALLBACKS = "/api/v2/conversations/callbacks"
LEG = f"{CALLBACKS}/{ID}/participants/{ID}"
# What a run writes, in order, after its reads: two callbacks of its own, each removed and read back.
WRITES = [
    f"POST {CALLBACKS}",
    f"GET {CALLBACKS}/{ID}",
    f"PATCH {CALLBACKS}",
    f"POST {CALLBACKS}/bulk/update",
    f"PATCH {LEG}/attributes",
    f"POST {CALLBACKS}/bulk/disconnect",
    f"GET {CALLBACKS}/{ID}",
    f"POST {CALLBACKS}",
    f"PATCH {CALLBACKS}/{ID}",
    f"GET {CALLBACKS}/{ID}",
]


@pytest.fixture(scope="module")
def served() -> Iterator[RemoteMockServer]:
    """``serve`` with 3 conversations and token ``TOKEN``, for the module, through its control API."""
    with serving("--conversations", "3", "--seed", str(SEED), "--token", TOKEN) as process:
        yield RemoteMockServer(process.url)


@pytest.fixture
def mock(served: RemoteMockServer) -> RemoteMockServer:
    """The module's server reset, with one campaign preview more (so a campaign's route is read).

    ``TOKEN``'s role (a token of its own's, ``admin``) is put back naming ``mock:conversation:any``, so
    verify reads every conversation, not only its user's (none): the seeded preview names no org user
    a token could act for.
    """
    served.reset()
    served.seed(1, traits=["preview"])
    served.put_role(ADMIN_ROLE, LISTS_EVERY["permissions"])
    return served


def _active(mock: RemoteMockServer) -> list[str]:
    listing = call(mock.url, "GET", "/api/v2/conversations", token=TOKEN).json()
    return sorted(entity["id"] for entity in listing["entities"])


def _lines(result: Result) -> list[str]:
    """The checks' lines without their problems, as ``METHOD PATH`` with ``ok``/``FAIL``."""
    return [line for line in result.stdout.splitlines() if not line.startswith(" ")]


def _reads(conversations: int) -> list[str]:
    """What a run reads, as patterns, on ``conversations`` listed conversations (one a campaign preview)."""
    return [
        "GET /api/v2/conversations",
        *[f"GET /api/v2/conversations/{ID}"] * conversations,
        f"GET {CALLBACKS}",
        *[f"GET {CALLBACKS}/{ID}"] * conversations,
        *[f"GET {LEG}/wrapup", f"GET {LEG}/communications/{ID}/wrapup", f"GET {LEG}/wrapupcodes"]
        * conversations,
        f"GET /api/v2/outbound/campaigns/{ID}/interactions",
    ]


def _assert_calls(result: Result, expected: list[tuple[str, str]]) -> None:
    """Each line of ``result`` is ``(status, pattern)`` of ``expected``, in order."""
    lines = _lines(result)
    assert len(lines) == len(expected), result.stdout
    for line, (status, pattern) in zip(lines, expected, strict=True):
        assert re.fullmatch(f"{status:<4} {pattern}", line), (line, pattern)


def test_the_mock_keeps_the_contract_on_every_route_verify_calls(
    invoke: Invoke, mock: RemoteMockServer
) -> None:
    before = _active(mock)
    result = invoke("verify", "--base-url", mock.url, "--token", TOKEN)
    assert result.exit_code == 0, result.stdout
    _assert_calls(result, [("ok", pattern) for pattern in [*_reads(len(before)), *WRITES]])
    assert (
        result.stderr
        == f"verified {len(_reads(len(before))) + len(WRITES)} responses from {mock.url}: all keep the contract\n"
    )
    # The run's callbacks were created on a queue the reads named, marked, and are gone again.
    assert _active(mock) == before
    created = [json.loads(r["body"]) for r in mock.requests(method="POST", path=CALLBACKS)]
    assert len(created) == 2
    assert all(body["queueId"] and body["data"]["callbackContractsVerify"] for body in created)


def test_read_only_writes_nothing(invoke: Invoke, mock: RemoteMockServer) -> None:
    before = _active(mock)
    result = invoke("verify", "--base-url", mock.url, "--token", TOKEN, "--read-only")
    assert result.exit_code == 0, result.stdout
    _assert_calls(result, [("ok", pattern) for pattern in _reads(len(before))])
    assert {r["method"] for r in mock.requests()} == {"GET"}
    assert _active(mock) == before


def test_the_queue_given_is_the_one_written_on(invoke: Invoke, mock: RemoteMockServer) -> None:
    # One of the org's queues (the server refuses another) that no conversation names, so not the default.
    listing = call(mock.url, "GET", "/api/v2/conversations", token=TOKEN).json()
    named = {p.get("queueId") for entity in listing["entities"] for p in entity["participants"]}
    given = next(queue for queue in queue_ids(SEED) if queue not in named)
    result = invoke(
        "verify", "--base-url", mock.url, "--token", TOKEN, "--queue", given, "--number", "+13175550111"
    )
    assert result.exit_code == 0, result.stdout
    bodies = [json.loads(r["body"]) for r in mock.requests(method="POST", path=CALLBACKS)]
    assert [(b["queueId"], b["callbackNumbers"]) for b in bodies] == [(given, ["+13175550111"])] * 2


def test_the_runs_callbacks_are_scheduled_an_hour_after_the_providers_clock(
    invoke: Invoke, mock: RemoteMockServer
) -> None:
    # The provider's clock is its answers' Date header (whole seconds): no agent is offered the
    # run's callbacks before they are removed.
    start = datetime.now(timezone.utc).replace(microsecond=0)
    assert invoke("verify", "--base-url", mock.url, "--token", TOKEN).exit_code == 0
    end = datetime.now(timezone.utc)
    bodies = [json.loads(r["body"]) for r in mock.requests(method="POST", path=CALLBACKS)]
    assert len(bodies) == 2
    for body in bodies:
        scheduled = parse_datetime(body["callbackScheduledTime"])
        assert start + timedelta(hours=1) <= scheduled <= end + timedelta(hours=1)


def test_a_failed_write_still_removes_the_runs_callback(invoke: Invoke, mock: RemoteMockServer) -> None:
    before = _active(mock)
    mock.fault("PATCH", CALLBACKS, kind="status", status=503, times=1)
    result = invoke("verify", "--base-url", mock.url, "--token", TOKEN)
    assert result.exit_code == 1
    failures = [line for line in result.stdout.splitlines() if not line.startswith("ok   ")]
    assert failures[0] == f"FAIL PATCH {CALLBACKS}"
    assert re.fullmatch(r"     status: expected 200, got 503 \(.+\)", failures[1]), failures[1]
    assert failures[2:] == []
    assert _active(mock) == before


def test_a_removal_that_leaves_the_callback_is_a_failure(invoke: Invoke, mock: RemoteMockServer) -> None:
    mock.stub("POST", f"{CALLBACKS}/bulk/disconnect", status=202, times=1)  # answers, changes nothing
    result = invoke("verify", "--base-url", mock.url, "--token", TOKEN)
    assert result.exit_code == 1
    failures = [line for line in result.stdout.splitlines() if not line.startswith("ok   ")]
    assert re.fullmatch(f"FAIL GET {CALLBACKS}/{ID}", failures[0])
    assert failures[1:] == [
        "     $.participants[0].state: expected disconnected, got 'none'",
        "     $.participants[1].state: expected disconnected, got 'none'",
    ]


@pytest.mark.parametrize(
    ("route", "answer", "problem"),
    [
        (f"POST {CALLBACKS}", {"conversation": {"id": 5}}, "$.conversation.id: expected a string, got 5"),
        (f"POST {CALLBACKS}/bulk/update", {"errorCount": 1}, "$.errorCount: expected 0, got 1"),
        (f"POST {CALLBACKS}/bulk/disconnect", {"ok": True}, "body: expected none, got 12 bytes"),
    ],
    ids=["create", "bulk update", "bulk disconnect"],
)
def test_a_drifted_write_answer_is_named_by_its_path(
    invoke: Invoke, mock: RemoteMockServer, route: str, answer: Any, problem: str
) -> None:
    method, path = route.split(" ")
    status = 202 if path.endswith("disconnect") else 200
    mock.stub(method, path, status=status, body=answer, times=1)
    result = invoke("verify", "--base-url", mock.url, "--token", TOKEN)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    index = lines.index(f"FAIL {route}")
    assert lines[index + 1] == f"     {problem}"
