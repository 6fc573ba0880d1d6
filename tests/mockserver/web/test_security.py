"""What a web page in a developer's browser can and cannot do to the mock, and what the journal shows.

Every rule runs twice: through Flask's test client (the WSGI layers of ``create_app``) and against
``serve`` on a real socket (Granian, where a request without a body is answered through each
layer's ``answer_bodyless`` before any environ exists).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Protocol

import pytest
from click.testing import CliRunner

from mockserver.app import create_app
from mockserver.cli import main
from mockserver.config import CORRELATION_HEADER, SettingError, parse
from tests.support import CONFIG
from tests.support.control import LISTING, AdminRoutes, control_path
from tests.support.live import Answer, call
from tests.support.serve import serving_url

TOKEN = "t"  # serving_url's
BEARER = {"Authorization": f"Bearer {TOKEN}"}
ALLOWED = ("mock.example", ".team.example")
CONVERSATIONS = "/api/v2/conversations"


class Send(Protocol):
    def __call__(
        self, method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes | None = None
    ) -> Answer: ...


def _live(url: str) -> Send:
    def send(
        method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes | None = None
    ) -> Answer:
        # Exactly the headers given: no credentials or Content-Type added.
        return call(url, method, path, body, token=None, headers=headers, content_type=None)

    return send


def _flask(config: dict[str, Any]) -> Send:
    client = create_app(config).test_client(use_cookies=False)  # its jar would replace a Cookie header

    def send(
        method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes | None = None
    ) -> Answer:
        response = client.open(path, method=method, headers=headers or {}, data=body)
        return Answer(response.status_code, {k.lower(): v for k, v in response.headers}, response.get_data())

    return send


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    with serving_url("--allowed-host", ALLOWED[0], "--allowed-host", ALLOWED[1]) as url:
        yield url


@pytest.fixture(params=["flask", "serve"])
def send(request: pytest.FixtureRequest) -> Send:
    """The server of each kind, reset: a Flask app's test client, or serve on a real socket."""
    if request.param == "flask":
        return _flask({**CONFIG, "TOKENS": (TOKEN,), "CONVERSATIONS": 5, "ALLOWED_HOSTS": ALLOWED})
    sender = _live(request.getfixturevalue("served"))
    assert sender("POST", control_path(AdminRoutes.RESET)).status == 204
    return sender


def journal(send: Send) -> list[dict[str, Any]]:
    requests: list[dict[str, Any]] = json.loads(send("GET", control_path(AdminRoutes.REQUESTS)).body)[
        "requests"
    ]
    return requests


def a_conversation(send: Send) -> str:
    listing = send("GET", LISTING)  # every user's: the API's lists the caller's own, none here
    assert listing.status == 200
    conversation_id: str = listing.json()["entities"][0]["id"]
    return conversation_id


def refused_for(answer: Answer, status: int, code: str, field: str, got: str) -> None:
    """``answer`` is the API's ErrorBody naming the header ``field`` and what arrived."""
    assert answer.status == status, answer.body
    body = answer.json()
    assert body["code"] == code
    assert body["messageParams"]["field"] == field
    assert body["messageParams"]["got"] == got
    assert repr(got) in body["message"]
    assert body["contextId"] == answer.headers[CORRELATION_HEADER.lower()]


# Control writes sent by web pages

# (method, path, JSON body, the status when admitted)
WRITES = [
    ("POST", control_path(AdminRoutes.RESET), None, 204),
    ("PUT", control_path(AdminRoutes.SET_RATE_LIMIT), {"requests": 1000, "windowSeconds": 60}, 200),
    ("DELETE", control_path(AdminRoutes.CLEAR_FAULTS), None, 204),
    ("PATCH", control_path(AdminRoutes.RESET), None, 405),
]
WRITE_IDS = [f"{method} {path}" for method, path, _, _ in WRITES]
FOREIGN = [
    ({"Origin": "http://evil.example"}, "Origin", "http://evil.example"),
    ({"Origin": "null"}, "Origin", "null"),
    ({"Origin": "http://localhost:1"}, "Origin", "http://localhost:1"),  # another port is another origin
    ({"Sec-Fetch-Site": "cross-site"}, "Sec-Fetch-Site", "cross-site"),
    ({"Sec-Fetch-Site": "same-site"}, "Sec-Fetch-Site", "same-site"),
    ({"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}, "Sec-Fetch-Site", "cross-site"),
]


@pytest.mark.parametrize(("method", "path", "payload", "admitted"), WRITES, ids=WRITE_IDS)
@pytest.mark.parametrize(("headers", "field", "got"), FOREIGN, ids=[f"{f}={g}" for _, f, g in FOREIGN])
def test_a_control_write_from_another_origin_is_refused_and_changes_nothing(
    send: Send,
    method: str,
    path: str,
    payload: Any,
    admitted: int,
    headers: dict[str, str],
    field: str,
    got: str,
) -> None:
    send("GET", CONVERSATIONS, headers=BEARER)  # one request in the journal, which a reset would clear
    sent = {"Host": "localhost", **headers}
    body = None
    if payload is not None:
        sent["Content-Type"] = "application/json"
        body = json.dumps(payload).encode()

    refused_for(send(method, path, headers=sent, body=body), 403, "not.authorized", field, got)

    assert len(journal(send)) == 1
    assert send("GET", control_path(AdminRoutes.RATE_LIMIT)).status == 404  # none set


OWN = [
    {},
    {"Sec-Fetch-Site": "same-origin"},
    {"Sec-Fetch-Site": "none"},  # typed by the user
    {"Origin": "http://localhost:8080", "Sec-Fetch-Site": "same-origin"},
]


@pytest.mark.parametrize(("method", "path", "payload", "admitted"), WRITES, ids=WRITE_IDS)
@pytest.mark.parametrize("headers", OWN, ids=["no Origin", "same-origin", "none", "own Origin"])
def test_a_control_write_of_no_page_or_of_the_servers_own_origin_passes(
    send: Send, method: str, path: str, payload: Any, admitted: int, headers: dict[str, str]
) -> None:
    sent = {"Host": "localhost:8080", **headers}  # the Host the page's origin is compared with
    body = None
    if payload is not None:
        sent["Content-Type"] = "application/json"
        body = json.dumps(payload).encode()

    assert send(method, path, headers=sent, body=body).status == admitted


# (Content-Type, body, refused)
CONTENT_TYPES = [
    (None, None, False),  # curl -X POST .../reset
    ("application/json", None, False),  # AdminClient, bodyless
    ("application/json", b"{}", False),
    ("application/json; charset=utf-8", b"{}", False),
    ("application/vnd.callback+json", b"{}", False),
    ("text/plain", None, True),  # fetch(url, {method: "POST", body: ""}): sent without asking
    ("text/plain;charset=UTF-8", b"{}", True),
    ("application/x-www-form-urlencoded", b"a=1", True),  # a form
    ("multipart/form-data; boundary=x", b"--x--", True),
    (None, b"{}", True),  # a Blob without a type: no Content-Type, a body
]


@pytest.mark.parametrize(("content_type", "body", "refused"), CONTENT_TYPES)
def test_a_control_write_whose_body_is_not_json_gets_415(
    send: Send, content_type: str | None, body: bytes | None, refused: bool
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}

    answer = send("POST", control_path(AdminRoutes.RESET), headers=headers, body=body)

    if refused:
        got = content_type or "none, with a body"
        refused_for(answer, 415, "unsupported.media.type", "Content-Type", got)
    else:
        assert answer.status == 204, answer.body


def test_control_reads_and_api_writes_are_not_the_guards_business(send: Send) -> None:
    foreign = {"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}
    assert (
        send("GET", control_path(AdminRoutes.REQUESTS), headers=foreign).status == 200
    )  # CORS keeps the answer from the page
    answer = send("POST", "/api/v2/conversations/callbacks", headers={**foreign, **BEARER}, body=b"x")
    assert answer.status == 415  # the API's own check: the API is open to other origins, as the real one


# Host names


ADMITTED = [
    "localhost",
    "localhost:8080",
    "LOCALHOST.",
    "127.0.0.1",
    "127.1.2.3:9",
    "[::1]",
    "[::1]:8080",
    "10.0.0.5:8080",  # an address: only a page loaded from it sends it
    "[2001:db8::1]:80",
    "mock.example",  # ALLOWED_HOSTS
    "MOCK.example:80",
    "api.team.example",  # .team.example: it and its subdomains
    "team.example",
]
REFUSED = [
    "evil.example",
    "evil.example:8080",
    "localhost.evil.example",
    "127.0.0.1.evil.example",
    "mock.example.evil",
    "evilteam.example",
    "localhost2",
    "[::1",
]
PATHS = ["/api/v2/conversations/{id}", CONVERSATIONS, control_path(AdminRoutes.REQUESTS), "/openapi.json"]


@pytest.mark.parametrize("host", ADMITTED)
@pytest.mark.parametrize("path", PATHS)
def test_admitted_host_names(send: Send, host: str, path: str) -> None:
    path = path.format(id=a_conversation(send))
    assert send("GET", path, headers={"Host": host, **BEARER}).status == 200


@pytest.mark.parametrize("host", REFUSED)
@pytest.mark.parametrize("path", PATHS)  # the first is the fast path's, answered without Flask
def test_a_host_the_server_does_not_answer_to_gets_421_and_is_not_journaled(
    send: Send, host: str, path: str
) -> None:
    path = path.format(id=a_conversation(send))

    answer = send("GET", path, headers={"Host": host, **BEARER})

    refused_for(answer, 421, "misdirected.request", "Host", host)
    assert "ALLOWED_HOSTS" in answer.json()["message"]
    assert journal(send) == []  # a_conversation's listing is the control API's, not journaled


def test_a_star_admits_every_host() -> None:
    send = _flask({**CONFIG, "TOKENS": (TOKEN,), "ALLOWED_HOSTS": ("*",)})
    for host in REFUSED[:-1]:
        assert send("GET", CONVERSATIONS, headers={"Host": host, **BEARER}).status == 200


@pytest.mark.parametrize(
    ("text", "hosts"),
    [
        ("mock.example", ("mock.example",)),
        ("Mock.Example., .team.example", ("mock.example", ".team.example")),
        ('["a.example", "*"]', ("a.example", "*")),
    ],
)
def test_allowed_hosts_read_from_text(text: str, hosts: tuple[str, ...]) -> None:
    assert parse("ALLOWED_HOSTS", text) == hosts


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a.example,",
        "http://a.example",
        "a.example:8080",
        "a.example/x",
        "[::1]",
        "a b",
        '["a", 1]',
        "[oops",
    ],
)
def test_a_bad_allowed_hosts_is_refused_naming_the_setting(text: str) -> None:
    with pytest.raises(SettingError, match="ALLOWED_HOSTS: expected host names"):
        parse("ALLOWED_HOSTS", text)


def test_serve_refuses_a_bad_allowed_host_before_it_starts() -> None:
    result = CliRunner().invoke(main, ["serve", "--allowed-host", "http://mock.example"])
    assert result.exit_code == 2
    assert "--allowed-host" in result.output
    assert "expected host names" in result.output


# The journal's redaction

SECRET_HEADERS = [
    "Cookie",
    "X-Api-Key",
    "X-Auth-Token",
    "X-Session-Id",
    "X-Client-Secret",
    "X-Hub-Signature",
    "X-Password",
    "X-Credentials",
    "Apikey",
]
PLAIN_HEADERS = ["Accept", "X-Request-Id", "X-Trace", "If-None-Match"]
SECRET_PARAMETERS = [
    "apikey",
    "api_key",
    "access_token",
    "sessionId",
    "password",
    "pwd",
    "client_secret",
    "X-Amz-Signature",
    "AUTH",
]
PLAIN_PARAMETERS = {"pageSize": "1", "pageNumber": "1", "communicationType": "callback", "q": "kept"}


@pytest.fixture(params=["fast read", "listing"])
def api_path(request: pytest.FixtureRequest, send: Send) -> str:
    """A GET the fast path answers (journaled with its read), or one Flask answers."""
    return f"{CONVERSATIONS}/{a_conversation(send)}" if request.param == "fast read" else CONVERSATIONS


def test_headers_and_query_parameters_named_like_credentials_are_redacted(send: Send, api_path: str) -> None:
    headers = {name: f"value-of-{name}" for name in SECRET_HEADERS + PLAIN_HEADERS}
    headers["Authorization"] = f"Bearer {TOKEN}"
    headers["Proxy-Authorization"] = "Basic dXNlcjpwYXNz"
    secrets = {name: f"v-{name}" for name in SECRET_PARAMETERS}
    query = "&".join(f"{name}={value}" for name, value in {**secrets, **PLAIN_PARAMETERS}.items())

    assert send("GET", f"{api_path}?{query}", headers=headers).status == 200

    recorded = journal(send)[-1]
    assert recorded["path"] == api_path
    shown = {name.lower(): value for name, value in recorded["headers"].items()}
    assert {name: shown[name.lower()] for name in SECRET_HEADERS} == dict.fromkeys(
        SECRET_HEADERS, "[redacted]"
    )
    assert {name: shown[name.lower()] for name in PLAIN_HEADERS} == {
        n: f"value-of-{n}" for n in PLAIN_HEADERS
    }
    assert shown["authorization"] == "Bearer [redacted]"
    assert shown["proxy-authorization"] == "Basic [redacted]"
    assert recorded["query"] == {
        **{name: ["[redacted]"] for name in SECRET_PARAMETERS},
        **{name: [value] for name, value in PLAIN_PARAMETERS.items()},
    }
    assert recorded["tokenFingerprint"]  # tokens told apart without being shown
    assert not any(value in json.dumps(recorded) for value in secrets.values())


# CORS on the API

ORIGIN = "http://app.example:3000"


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/v2/conversations/callbacks", "POST"),
        ("/api/v2/conversations/{id}", "GET"),
        (CONVERSATIONS, "PATCH"),
    ],
)
def test_a_preflight_on_the_api_is_answered_without_a_token(send: Send, path: str, method: str) -> None:
    requested = "authorization, content-type, x-custom"

    answer = send(
        "OPTIONS",
        path.format(id=a_conversation(send)),
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": requested,
        },
    )

    assert answer.status == 200
    assert answer.headers["access-control-allow-origin"] == ORIGIN
    assert method in answer.headers["access-control-allow-methods"].split(", ")
    assert answer.headers["access-control-allow-headers"] == requested
    assert int(answer.headers["access-control-max-age"]) > 0
    assert "Origin" in answer.headers["vary"]
    assert answer.body == b""


def _exposed(answer: Answer) -> list[str]:
    return [name.strip().lower() for name in answer.headers["access-control-expose-headers"].split(",")]


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("/api/v2/conversations/{id}", BEARER, 200),  # the fast path's answer
        (CONVERSATIONS, BEARER, 200),
        ("/api/v2/conversations/nope", BEARER, 404),
        (CONVERSATIONS, {}, 401),
    ],
    ids=["fast read", "listing", "not found", "no token"],
)
def test_api_answers_to_a_page_carry_the_cors_headers(
    send: Send, path: str, headers: dict[str, str], status: int
) -> None:
    path = path.format(id=a_conversation(send))

    answer = send("GET", path, headers={"Origin": ORIGIN, **headers})

    assert answer.status == status
    assert answer.headers["access-control-allow-origin"] == ORIGIN
    assert "inin-correlation-id" in _exposed(answer)
    assert "retry-after" in _exposed(answer)
    without = send("GET", path, headers=headers)
    assert without.status == status
    assert not any(name.startswith("access-control-") for name in without.headers)


def test_a_faults_answer_carries_them_too(send: Send) -> None:
    fault = {"method": "GET", "path": CONVERSATIONS, "status": 429, "retryAfter": 2, "times": 1}
    assert (
        send(
            "POST",
            control_path(AdminRoutes.ADD_FAULT),
            headers={"Content-Type": "application/json"},
            body=json.dumps(fault).encode(),
        ).status
        == 201
    )

    answer = send("GET", CONVERSATIONS, headers={"Origin": ORIGIN, **BEARER})

    assert answer.status == 429
    assert answer.headers["access-control-allow-origin"] == ORIGIN
    assert answer.headers["retry-after"] == "2"


@pytest.mark.parametrize("method", ["OPTIONS", "GET"])
def test_the_control_api_serves_no_cors(send: Send, method: str) -> None:
    answer = send(
        method,
        control_path(AdminRoutes.RESET) if method == "OPTIONS" else control_path(AdminRoutes.REQUESTS),
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    assert not any(name.startswith("access-control-") for name in answer.headers)


# /__admin without its slash: the literal prefix is the point, so these paths stay written out


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_admin_prefix_itself_is_the_control_apis(send: Send, method: str) -> None:
    bare = send(method, "/__admin")
    slashed = send(method, "/__admin/")

    assert bare.status == slashed.status == 404
    assert bare.json()["code"] == slashed.json()["code"] == "not.found"  # no bearer token asked for
    assert journal(send) == []  # the control API's requests are not journaled


def test_the_admin_prefix_itself_needs_the_admin_token() -> None:
    send = _flask({**CONFIG, "ADMIN_TOKEN": "admin"})
    answer = send("GET", "/__admin", headers={"Authorization": "Bearer api-token"})
    assert answer.status == 401
    assert "admin token" in answer.json()["message"]
