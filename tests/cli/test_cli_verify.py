"""``verify``: a provider's responses checked strictly, against canned servers good and drifted."""

from __future__ import annotations

import copy
import json
import re
import socketserver
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import Result
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

if TYPE_CHECKING:
    from mockserver.control.client import FaultKindName
    from mockserver.testing.server import MockServer

Invoke = Callable[..., Result]
Payload = dict[str, Any]
TOKEN = "verify-token"


class Provider:
    """A canned HTTP provider: ``routes`` maps a path to (status, body, content type)."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, Any, str]] = {}
        self.seen: list[tuple[str, str | None]] = []
        self.url = ""

    def serve(
        self, path: str, body: Any, *, status: int = 200, content_type: str = "application/json"
    ) -> None:
        self.routes[path] = (status, body, content_type)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        self.seen.append((request.path, request.headers.get("Authorization")))
        status, body, content_type = self.routes.get(
            request.path,
            (
                404,
                {"code": "not.found", "message": "The requested resource was not found."},
                "application/json",
            ),
        )
        text = body if isinstance(body, str) else json.dumps(body)
        return Response(text, status=status, content_type=content_type)(environ, start_response)


@pytest.fixture(scope="session")
def provider_server() -> Iterator[Provider]:
    """A canned provider on a free port in a daemon thread, for the session; shut down and joined."""
    app = Provider()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    app.url = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def provider(provider_server: Provider) -> Provider:
    """The session's provider with no routes and no requests seen."""
    provider_server.routes.clear()
    provider_server.seen.clear()
    return provider_server


CALLBACKS = "/api/v2/conversations/callbacks"
# The callback leg the canned conversations' per-participant routes are read on, and their campaign.
LEG = "participants/p-customer"
COMMUNICATION = "communications/5e2d6c33-0a5c-4b89-9d3e-1f0f1c7a2b11"
CAMPAIGN = "/api/v2/outbound/campaigns/cam-1/interactions"


def read_routes(*ids: str) -> list[str]:
    """The paths a read-only run reads, in order, when the listing (or --conversation) names ``ids``."""
    return [
        "/api/v2/conversations",
        *(f"/api/v2/conversations/{id_}" for id_ in ids),
        CALLBACKS,
        *(f"{CALLBACKS}/{id_}" for id_ in ids),
        *(
            path
            for id_ in ids
            for path in (
                f"{CALLBACKS}/{id_}/{LEG}/wrapup",
                f"{CALLBACKS}/{id_}/{LEG}/{COMMUNICATION}/wrapup",
                f"{CALLBACKS}/{id_}/{LEG}/wrapupcodes",
            )
        ),
        CAMPAIGN,
    ]


def _flattened(conversation: Payload) -> Payload:
    """``conversation`` as the callback routes show it: each participant with its callback's fields."""
    participants = [
        {"id": p["id"], "purpose": p["purpose"], "state": p["callbacks"][0]["state"]}
        for p in conversation["participants"]
    ]
    return {
        "id": conversation["id"],
        "participants": participants,
        "selfUri": f"{CALLBACKS}/{conversation['id']}",
    }


def _listing(entities: list[Payload]) -> Payload:
    return {"entities": entities, "pageSize": 25, "pageNumber": 1, "total": len(entities), "pageCount": 1}


@pytest.fixture
def good(provider: Provider, conversation: Payload) -> Provider:
    """The provider serving two valid conversations on every route a callback client reads."""
    second = {**copy.deepcopy(conversation), "id": "conv-2", "selfUri": "/api/v2/conversations/conv-2"}
    provider.serve("/api/v2/conversations", _listing(copy.deepcopy([conversation, second])))
    provider.serve(CALLBACKS, _listing([_flattened(conversation), _flattened(second)]))
    for served in (conversation, second):
        id_ = served["id"]
        provider.serve(f"/api/v2/conversations/{id_}", served)
        provider.serve(f"{CALLBACKS}/{id_}", _flattened(served))
        provider.serve(f"{CALLBACKS}/{id_}/{LEG}/wrapup", {})
        provider.serve(f"{CALLBACKS}/{id_}/{LEG}/{COMMUNICATION}/wrapup", {"code": "w-1", "notes": "ok"})
        provider.serve(f"{CALLBACKS}/{id_}/{LEG}/wrapupcodes", [{"id": "w-1", "name": "Resolved"}])
    provider.serve(CAMPAIGN, {"campaign": {"id": "cam-1"}, "pendingInteractions": []})
    return provider


def _failures(result: Result) -> list[str]:
    """The failed checks' lines and their problems: every line but an ``ok``."""
    return [line for line in result.stdout.splitlines() if not line.startswith("ok   ")]


READS = len(read_routes("conv-1", "conv-2"))


def test_a_provider_that_keeps_the_contract(invoke: Invoke, good: Provider) -> None:
    result = invoke("verify", "--base-url", good.url, "--token", TOKEN, "--read-only")
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines() == [f"ok   GET {path}" for path in read_routes("conv-1", "conv-2")]
    assert result.stderr == f"verified {READS} responses from {good.url}: all keep the contract\n"
    assert good.seen == [(path, f"Bearer {TOKEN}") for path in read_routes("conv-1", "conv-2")]


def test_only_the_conversations_asked_for(invoke: Invoke, good: Provider) -> None:
    args = ["--base-url", good.url + "/", "--token", TOKEN, "--conversation", "conv-2", "--read-only"]
    result = invoke("verify", *args)
    assert result.exit_code == 0
    assert [path for path, _ in good.seen] == read_routes("conv-2")


@pytest.mark.parametrize(
    ("route", "body", "problem"),
    [
        (
            CALLBACKS,
            {"entities": [{"id": "conv-1", "participants": [{"callbacks": []}]}]},
            "$.entities[0].participants[0].callbacks: expected no such field, got unknown field 'callbacks'",
        ),
        (
            f"{CALLBACKS}/conv-1",
            {"id": "conv-1", "startTime": "2030-01-15T11:00:00.000Z"},
            "$.startTime: expected no such field, got unknown field 'startTime'",
        ),
        (f"{CALLBACKS}/conv-2", {"id": "conv-1"}, "$.id: expected 'conv-2', got 'conv-1'"),
        (
            f"{CALLBACKS}/conv-1/{LEG}/wrapup",
            {"durationSeconds": "30"},
            "$.durationSeconds: expected an integer, got '30'",
        ),
        (
            f"{CALLBACKS}/conv-2/{LEG}/{COMMUNICATION}/wrapup",
            {"tags": "vip"},
            "$.tags: expected an array, got 'vip'",
        ),
        (
            f"{CALLBACKS}/conv-1/{LEG}/wrapupcodes",
            [{"id": "w-1"}],
            "$[0].name: expected a value, got nothing",
        ),
        (CAMPAIGN, {"campaign": "cam-1"}, "$.campaign: expected an object (DomainEntityRef), got 'cam-1'"),
    ],
    ids=[
        "callbacks listing",
        "callback conversation",
        "another id",
        "wrapup",
        "communication wrapup",
        "wrapup codes",
        "campaign",
    ],
)
def test_every_read_route_is_checked_against_its_model(
    invoke: Invoke, good: Provider, route: str, body: Any, problem: str
) -> None:
    good.serve(route, body)
    result = invoke("verify", "--base-url", good.url, "--token", TOKEN, "--read-only")
    assert result.exit_code == 1
    assert _failures(result) == [f"FAIL GET {route}", f"     {problem}"]
    assert result.stderr == f"verified {READS} responses from {good.url}: 1 failed\n"


def test_without_a_queue_to_write_on_the_reads_are_reported_and_the_run_exits_2(
    invoke: Invoke, good: Provider
) -> None:
    result = invoke("verify", "--base-url", good.url, "--token", TOKEN)  # no callback names a queue
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [f"ok   GET {path}" for path in read_routes("conv-1", "conv-2")]
    assert result.stderr.endswith(
        "all keep the contract\nerror: no write route verified: no callback read names a queue to create "
        "the run's callbacks on: give --queue ID, or --read-only.\n"
    )


def test_the_token_may_come_from_the_environment(
    invoke: Invoke, good: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALLBACK_CONTRACTS_TOKEN", "from-env")
    assert invoke("verify", "--base-url", good.url, "--read-only").exit_code == 0
    assert {header for _, header in good.seen} == {"Bearer from-env"}


def _callback(conversation: Payload) -> Payload:
    callback: Payload = conversation["participants"][0]["callbacks"][0]
    return callback


DRIFTS = [
    pytest.param(
        lambda c: _callback(c).update(state="parked"),
        "$.participants[0].callbacks[0].state: expected one of 'alerting', 'dialing', 'contacting', 'offering', "
        "'connected', 'disconnected', 'terminated', 'scheduled', 'none', got 'parked'",
        id="new enum value",
    ),
    pytest.param(
        lambda c: _callback(c).update(parkedTime="2030-01-15T11:00:00.000Z"),
        "$.participants[0].callbacks[0].parkedTime: expected no such field, got unknown field 'parkedTime'",
        id="new field",
    ),
    pytest.param(
        lambda c: _callback(c).update(held="false"),
        "$.participants[0].callbacks[0].held: expected a boolean, got 'false'",
        id="retyped field",
    ),
    pytest.param(
        lambda c: _callback(c).update(disconnectType=None),
        "$.participants[0].callbacks[0].disconnectType: expected one of 'endpoint', 'client', 'system', "
        "'timeout', 'transfer', 'transfer.conference', 'transfer.consult', 'transfer.forward', "
        "'transfer.noanswer', 'transfer.notavailable', 'transport.failure', 'error', 'peer', 'other', "
        "'spam', 'uncallable', got null",
        id="null instead of absent",
    ),
    pytest.param(
        lambda c: _callback(c)["segments"][0].update(startTime="2030-01-15 11:00"),
        "$.participants[0].callbacks[0].segments[0].startTime: expected an ISO-8601 datetime, got '2030-01-15 11:00'",
        id="bad timestamp",
    ),
    pytest.param(
        lambda c: c["participants"][1].update(wrapupPrompt="never"),
        "$.participants[1].wrapupPrompt: expected one of 'mandatory', 'optional', 'agentRequested', 'timeout', "
        "'forcedTimeout', got 'never'",
        id="envelope enum",
    ),
]


@pytest.mark.parametrize(("drift", "problem"), DRIFTS)
def test_a_drifted_conversation_is_named_problem_by_problem(
    invoke: Invoke, good: Provider, conversation: Payload, drift: Callable[[Payload], Any], problem: str
) -> None:
    drift(conversation)
    good.serve("/api/v2/conversations/conv-1", conversation)
    result = invoke("verify", "--base-url", good.url, "--token", TOKEN, "--read-only")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:4] == [
        "ok   GET /api/v2/conversations",
        "FAIL GET /api/v2/conversations/conv-1",
        f"     {problem}",
        "ok   GET /api/v2/conversations/conv-2",
    ]
    assert _failures(result) == ["FAIL GET /api/v2/conversations/conv-1", f"     {problem}"]
    assert result.stderr == f"verified {READS} responses from {good.url}: 1 failed\n"


def test_a_drifted_listing_names_every_problem(
    invoke: Invoke, provider: Provider, conversation: Payload
) -> None:
    broken = copy.deepcopy(conversation)
    _callback(broken).update(state="parked", held=1)
    provider.serve(
        "/api/v2/conversations", {"entities": [conversation, broken], "pageSize": "25", "cursor": "x"}
    )
    provider.serve("/api/v2/conversations/conv-1", conversation)
    args = ["--base-url", provider.url, "--token", TOKEN, "--conversation", "conv-1", "--read-only"]
    result = invoke("verify", *args)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()[:6]
    assert lines[0] == "FAIL GET /api/v2/conversations"
    assert sorted(lines[1:-1]) == sorted(
        [
            "     $.cursor: expected no such field, got unknown field 'cursor'",
            "     $.entities[1].participants[0].callbacks[0].held: expected a boolean, got 1",
            "     $.entities[1].participants[0].callbacks[0].state: expected one of 'alerting', 'dialing', "
            "'contacting', 'offering', 'connected', 'disconnected', 'terminated', 'scheduled', 'none', got 'parked'",
            "     $.pageSize: expected an integer, got '25'",
        ]
    )
    assert lines[-1] == "ok   GET /api/v2/conversations/conv-1"


@pytest.mark.parametrize(
    ("status", "body", "content_type", "problems"),
    [
        (
            404,
            {"code": "not.found", "message": "The requested resource was not found."},
            "application/json",
            ["status: expected 200, got 404 (not.found: The requested resource was not found.)"],
        ),
        (500, "<h1>oops</h1>", "text/html", ["status: expected 200, got 500"]),
        (
            200,
            "not json",
            "application/json",
            ["$: expected JSON text, got invalid literal, expected 'null': line 1 column 1 (char 0)"],
        ),
        (200, {"id": "conv-1"}, "text/plain", ["Content-Type: expected application/json, got text/plain"]),
        (200, {"id": "conv-9"}, "application/json", ["$.id: expected 'conv-1', got 'conv-9'"]),
        (200, [], "application/json", ["$: expected an object (Conversation), got []"]),
    ],
)
def test_a_wrong_response_fails(
    invoke: Invoke, good: Provider, status: int, body: Any, content_type: str, problems: list[str]
) -> None:
    good.serve("/api/v2/conversations/conv-1", body, status=status, content_type=content_type)
    args = ["--base-url", good.url, "--token", TOKEN, "--conversation", "conv-1", "--read-only"]
    result = invoke("verify", *args)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[: 2 + len(problems)] == [
        "ok   GET /api/v2/conversations",
        "FAIL GET /api/v2/conversations/conv-1",
        *(f"     {problem}" for problem in problems),
    ]
    # Without the conversation's body, its legs are unknown: only the per-conversation routes follow.
    assert _failures(result) == ["FAIL GET /api/v2/conversations/conv-1", *(f"     {p}" for p in problems)]


def test_an_unreachable_provider_exits_2(invoke: Invoke) -> None:
    # Port 1 (tcpmux) is privileged and unused: the connection is refused at once.
    result = invoke("verify", "--base-url", "http://127.0.0.1:1", "--token", TOKEN, "--timeout", "2")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot reach http://127.0.0.1:1: ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--token", TOKEN], "Missing option '--base-url'"),
        (["--base-url", "http://127.0.0.1:1"], "Missing option '--token'"),
        (["--base-url", "127.0.0.1:8080", "--token", TOKEN], "expected an http(s) URL, got '127.0.0.1:8080'"),
        (["--base-url", "ftp://host", "--token", TOKEN], "expected an http(s) URL, got 'ftp://host'"),
        (["--base-url", "http://h", "--token", TOKEN, "--timeout", "soon"], "Invalid value for '--timeout'"),
    ],
)
def test_usage_errors_exit_2(
    invoke: Invoke, args: list[str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CALLBACK_CONTRACTS_TOKEN", raising=False)
    result = invoke("verify", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_as_a_real_process(process: Callable[..., Any], good: Provider, conversation: Payload) -> None:
    assert process(["verify", "--base-url", good.url, "--token", TOKEN, "--read-only"]).returncode == 0
    _callback(conversation).update(state="parked")
    good.serve("/api/v2/conversations/conv-1", conversation)
    done = process(["verify", "--base-url", good.url, "--token", TOKEN, "--read-only"])
    assert done.returncode == 1
    assert b"FAIL GET /api/v2/conversations/conv-1" in done.stdout


@pytest.fixture
def mock_server() -> Iterator[str]:
    """The project's own mock server (``mockserver.create_app``) on a free port; its base URL."""
    try:
        from mockserver import create_app
        from tests.support.control import LIST_EVERY, LISTS_EVERY
    except ImportError as exc:
        pytest.skip(f"mockserver.create_app is not available: {exc}")
    config = {
        "TESTING": True,
        "SEED": 11,
        "CONVERSATIONS": 6,
        "NOW": datetime(2030, 1, 15, 12, 0, tzinfo=timezone.utc),
        "TOKENS": (TOKEN,),
    }
    app = create_app(config)
    # TOKEN's role (a token of its own's) names mock:conversation:any: verify reads every conversation.
    assert app.test_client().put(LIST_EVERY, json=LISTS_EVERY).status_code == 200
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def test_the_mock_server_keeps_the_contract(invoke: Invoke, mock_server: str) -> None:
    result = invoke("verify", "--base-url", mock_server, "--token", TOKEN)
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith("ok   GET /api/v2/conversations\n")
    assert result.stdout.count("ok   GET /api/v2/conversations/") >= 1


def test_the_mock_server_refuses_a_wrong_token(invoke: Invoke, mock_server: str) -> None:
    result = invoke("verify", "--base-url", mock_server, "--token", "wrong")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == [
        "FAIL GET /api/v2/conversations",
        "     status: expected 200, got 401 (bad.credentials: Invalid login credentials.)",
    ]


# -- responses that break off ------------------------------------------------------------------


@pytest.fixture(scope="module")
def faulty_server() -> Iterator[MockServer]:
    """The project's mock server (``MockServer``, in a thread) for the module, to inject faults into."""
    try:
        from mockserver.testing.server import MockServer
    except ImportError as exc:
        pytest.skip(f"mockserver.testing is not available: {exc}")
    config: dict[str, Any] = {
        "TESTING": True,
        "SEED": 11,
        "CONVERSATIONS": 2,
        "NOW": datetime(2030, 1, 15, 12, 0, tzinfo=timezone.utc),
        "TOKENS": (TOKEN,),
    }
    with MockServer(config) as server:
        yield server


@pytest.fixture
def faulty(faulty_server: MockServer) -> MockServer:
    """The module's mock server, reset: no faults, the seeded conversations, and ``TOKEN`` listing
    every conversation (its role names mock:conversation:any), so verify reads them all."""
    from mockserver.state.identity import ADMIN_ROLE
    from tests.support.control import LISTS_EVERY

    faulty_server.reset()
    faulty_server.put_role(ADMIN_ROLE, LISTS_EVERY["permissions"])
    return faulty_server


# The mock server's fault kinds (README "Testing your client") and the problem each is reported as.
FAULTS = [
    ("drop", re.escape("body: expected 1 byte (Content-Length), got 0 before the connection closed")),
    ("truncate", r"body: expected (\d+) bytes \(Content-Length\), got (\d+) before the connection closed"),
    ("reset", re.escape("response: expected an HTTP response, got the connection reset")),
    ("malformed", r"\$: expected JSON text, got unexpected end of data: line 1 column \d+ \(char \d+\)"),
    (
        "empty",
        re.escape(
            "$: expected JSON text, got Input is a zero-length, empty document: line 1 column 1 (char 0)"
        ),
    ),
    ("content-type", re.escape("Content-Type: expected application/json, got text/html")),
]


def _assert_reported(line: str, kind: str, pattern: str) -> None:
    """``line`` is a failed check's problem matching ``pattern``; a truncated body is cut short."""
    assert line.startswith("     ")
    found = re.fullmatch(pattern, line[5:])
    assert found is not None, line
    if kind == "truncate":  # fewer bytes than announced, and some
        assert 0 < int(found[2]) < int(found[1])


@pytest.mark.parametrize(("kind", "problem"), FAULTS, ids=[kind for kind, _ in FAULTS])
def test_a_faulted_conversation_fails_its_check_and_the_rest_go_on(
    invoke: Invoke, faulty: MockServer, kind: FaultKindName, problem: str
) -> None:
    faulty.fault("GET", "/api/v2/conversations/{id}", kind=kind, times=1)
    result = invoke("verify", "--base-url", faulty.url, "--token", TOKEN, "--read-only")
    assert result.exit_code == 1
    listing, failed, reported, *rest = result.stdout.splitlines()
    assert listing == "ok   GET /api/v2/conversations"
    assert failed.startswith("FAIL GET /api/v2/conversations/")
    _assert_reported(reported, kind, problem)
    # The other conversation, both callback conversations, and the legs of the one read.
    legs = 2 if kind == "content-type" else 1
    id_, leg = "[0-9a-f-]+", "/api/v2/conversations/callbacks/[0-9a-f-]+/participants/[0-9a-f-]+"
    patterns = [
        f"/api/v2/conversations/{id_}",
        "/api/v2/conversations/callbacks",
        *[f"/api/v2/conversations/callbacks/{id_}"] * 2,
        # A body of the wrong Content-Type is read all the same: both conversations' legs follow.
        *[f"{leg}/wrapup", f"{leg}/communications/{id_}/wrapup", f"{leg}/wrapupcodes"] * legs,
    ]
    assert len(rest) == len(patterns)
    for line, pattern in zip(rest, patterns, strict=True):
        assert re.fullmatch(f"ok   GET {pattern}", line), line
    assert result.stderr == f"verified {2 + len(rest)} responses from {faulty.url}: 1 failed\n"


@pytest.mark.parametrize(("kind", "problem"), FAULTS, ids=[kind for kind, _ in FAULTS])
def test_a_faulted_listing_fails_its_check(
    invoke: Invoke, faulty: MockServer, kind: FaultKindName, problem: str
) -> None:
    faulty.fault("GET", "/api/v2/conversations", kind=kind, times=1)
    result = invoke("verify", "--base-url", faulty.url, "--token", TOKEN, "--read-only")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "FAIL GET /api/v2/conversations"
    _assert_reported(lines[1], kind, problem)
    if kind != "content-type":  # nothing readable: no conversation ids to fetch
        assert lines[2:] == ["ok   GET /api/v2/conversations/callbacks"]


def test_a_dropped_response_in_a_real_process_is_a_failed_check(
    process: Callable[..., Any], faulty: MockServer
) -> None:
    faulty.fault("GET", "/api/v2/conversations", kind="drop", times=1)
    done = process(["verify", "--base-url", faulty.url, "--token", TOKEN, "--read-only"])
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        b"FAIL GET /api/v2/conversations",
        b"     body: expected 1 byte (Content-Length), got 0 before the connection closed",
        b"ok   GET /api/v2/conversations/callbacks",
    ]
    assert b"Traceback" not in done.stderr


class RawProvider(socketserver.ThreadingTCPServer):
    """A provider answering each path with raw bytes (or none), for answers no HTTP server sends."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _RawHandler)
        self.answers: dict[str, bytes | None] = {}
        self.release = threading.Event()  # set at shutdown: a silent answer waits for it
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


class _RawHandler(socketserver.StreamRequestHandler):
    server: RawProvider

    def handle(self) -> None:
        head = self.rfile.readline().decode()
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass  # the headers
        answer = self.server.answers.get(
            head.split(" ")[1], b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
        )
        if answer is None:  # silent: the client gives up first
            self.server.release.wait(timeout=30)
            return
        self.wfile.write(answer)  # then the connection closes, whatever the answer announced


@pytest.fixture(scope="module")
def raw_provider() -> Iterator[RawProvider]:
    """A ``RawProvider`` on a free port in a daemon thread, for the module; shut down and joined."""
    server = RawProvider()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


EMPTY_LISTING = (
    b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{"entities":[]}'
)
ANSWERED_C1 = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{"id": "c-1"}'


@pytest.mark.parametrize(
    ("answer", "problems"),
    [
        pytest.param(
            b"", ["response: expected an HTTP response, got the connection closed without one"], id="closed"
        ),
        pytest.param(
            b"hello\r\n", ["response: expected an HTTP status line, got 'hello\\r\\n'"], id="not HTTP"
        ),
        pytest.param(
            b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"id"\r\n',
            ["body: expected the whole chunked body, got 5 bytes before the connection closed"],
            id="chunked cut",
        ),
        pytest.param(
            b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{"id": "c-1"',
            ["body: expected 40 bytes (Content-Length), got 12 before the connection closed"],
            id="body cut",
        ),
        pytest.param(
            b'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 100\r\n\r\n{"code"',
            [
                "status: expected 200, got 503",
                "body: expected 100 bytes (Content-Length), got 7 before the connection closed",
            ],
            id="error cut",
        ),
        pytest.param(None, ["response: expected an answer within 0.5 s, got none"], id="silent"),
    ],
)
def test_a_response_that_breaks_off_is_a_failed_check(
    invoke: Invoke, raw_provider: RawProvider, answer: bytes | None, problems: list[str]
) -> None:
    raw_provider.answers.update(
        {
            "/api/v2/conversations": EMPTY_LISTING,
            "/api/v2/conversations/c-1": answer,
            "/api/v2/conversations/callbacks": EMPTY_LISTING,
            "/api/v2/conversations/callbacks/c-1": ANSWERED_C1,
        }
    )
    args = ["--base-url", raw_provider.url, "--token", TOKEN, "--conversation", "c-1", "--timeout", "0.5"]
    result = invoke("verify", *args, "--read-only")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "ok   GET /api/v2/conversations",
        "FAIL GET /api/v2/conversations/c-1",
        *(f"     {problem}" for problem in problems),
        "ok   GET /api/v2/conversations/callbacks",
        "ok   GET /api/v2/conversations/callbacks/c-1",
    ]
    assert result.stderr == f"verified 4 responses from {raw_provider.url}: 1 failed\n"


def test_the_help_documents_the_exit_statuses(invoke: Invoke) -> None:
    text = invoke("verify", "--help").stdout
    for line in (
        "0  every response keeps the contract",
        "1  some response does not (or broke off)",
        "2  usage error, the provider cannot be connected to, or no queue",
    ):
        assert line in text
