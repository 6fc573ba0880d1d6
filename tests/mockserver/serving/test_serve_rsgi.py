"""``RsgiBridge`` under ``serve``: a request answered with no WSGI environ is answered and journaled
exactly as one that goes through the environ.

On the event loop a request without a body is offered to the control middleware's
``answer_bodyless`` before any environ is built. A stub (for another route) makes the middleware
decline, so the very same bytes then take the environ and the middleware's general path: the two
answers and journal entries must match, correlation id, time and duration aside.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from mockserver import create_app
from mockserver.serving.rsgi import RsgiBridge
from mockserver.web.cors import Cors
from mockserver.web.current import backend_of
from tests.support.control import AdminRoutes, control_path
from tests.support.live import call
from tests.support.serve import serving_url as serving

CONVERSATIONS = "/api/v2/conversations"
HIT = "<hit>"  # replaced by the id of a seeded conversation
# A stub no request here matches: while it is set, every request takes the environ.
ELSEWHERE = {"method": "DELETE", "path": "/api/v2/outbound/**", "status": 418}
# The answer's headers that differ between any two answers.
FRESH = ("date", "inin-correlation-id")


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    with serving() as url:
        yield url


@pytest.fixture
def url(served: str) -> str:
    assert call(served, "POST", control_path(AdminRoutes.RESET)).status == 204
    assert call(served, "DELETE", control_path(AdminRoutes.CLEAR_STUBS)).status == 204
    return served


def seeded_id(url: str) -> str:
    every = call(url, "GET", control_path(AdminRoutes.CONVERSATIONS, "pageSize=1")).json()  # every user's
    conversation_id: str = every["entities"][0]["id"]
    return conversation_id


def exchange(url: str, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw ``request`` bytes on a new connection: the answer's status, headers and body."""
    host, _, port = url.removeprefix("http://").rpartition(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while b"\r\n\r\n" not in received:
            received += sock.recv(65536)
        head, _, body = received.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
        while len(body) < int(headers["content-length"]):
            body += sock.recv(65536)
    return int(status_line.split()[1]), headers, body


def comparable(answer: tuple[int, dict[str, str], bytes]) -> tuple[int, dict[str, str], bytes]:
    status, headers, body = answer
    correlation_id = headers["inin-correlation-id"]
    kept = {name: value for name, value in headers.items() if name not in FRESH}
    return status, kept, body.replace(correlation_id.encode(), b"<id>")


def without_fresh(entry: dict[str, Any]) -> dict[str, Any]:
    """A journal entry without what two requests never share."""
    kept = {k: v for k, v in entry.items() if k not in ("id", "time", "durationMs", "correlationId")}
    kept["responseHeaders"] = {
        name: value for name, value in entry["responseHeaders"].items() if name != "ININ-Correlation-Id"
    }
    return kept


# (id, request target, header lines besides Host and Authorization)
REQUESTS: list[tuple[str, str, list[bytes]]] = [
    ("hit", f"{CONVERSATIONS}/{HIT}", []),
    ("hit-query-and-headers", f"{CONVERSATIONS}/{HIT}?expand=x", [b"Accept: */*", b"User-Agent: probe/1"]),
    # A name's values joined, cookies with ";"; a Content-Type on a GET is still no body.
    (
        "hit-repeated-headers",
        f"{CONVERSATIONS}/{HIT}",
        [b"X-Rep: a", b"X-Rep: b", b"Cookie: c=1", b"Cookie: d=2", b"Content-Type: text/plain"],
    ),
    # Two names, one environ key: the later wins, as the environ has always had it.
    ("hit-one-key-two-names", f"{CONVERSATIONS}/{HIT}", [b"X_Under: 1", b"X-Under: 2"]),
    # Not visible ASCII, and empty: an empty entry, which the journal leaves out.
    ("hit-obs-text-and-empty", f"{CONVERSATIONS}/{HIT}", [b"X-Latin: caf\xc3\xa9", b"X-Empty:"]),
    ("miss-unknown-id", f"{CONVERSATIONS}/no-such-id", []),
    ("miss-non-ascii-path", f"{CONVERSATIONS}/caf%C3%A9", []),
    ("miss-listing", f"{CONVERSATIONS}?pageSize=2", []),
    ("miss-exempt", "/openapi.json", []),
]


@pytest.mark.parametrize(("target", "lines"), [r[1:] for r in REQUESTS], ids=[r[0] for r in REQUESTS])
def test_a_bodyless_request_is_answered_and_journaled_as_through_the_environ(
    url: str, target: str, lines: list[bytes]
) -> None:
    head = f"GET {target.replace(HIT, seeded_id(url))} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer t\r\n"
    request = head.encode() + b"".join(line + b"\r\n" for line in lines) + b"\r\n"
    assert call(url, "POST", control_path(AdminRoutes.RESET)).status == 204

    direct = exchange(url, request)
    assert call(url, "POST", control_path(AdminRoutes.ADD_STUB), ELSEWHERE).status == 201
    through_environ = exchange(url, request)
    journal = call(url, "GET", control_path(AdminRoutes.REQUESTS)).json()["requests"]

    assert comparable(direct) == comparable(through_environ)
    if target == "/openapi.json":
        assert journal == []  # exempt either way
        return
    first, second = journal
    assert without_fresh(first) == without_fresh(second)
    assert (first["correlationId"], second["correlationId"]) == (
        direct[1]["inin-correlation-id"],
        through_environ[1]["inin-correlation-id"],
    )
    assert second["id"] == first["id"] + 1


def test_the_headers_an_environ_would_hold_are_journaled(url: str) -> None:
    target = f"{CONVERSATIONS}/{seeded_id(url)}"
    lines = b"X-Rep: a\r\nX-Rep: b\r\nX_Under: 1\r\nX-Under: 2\r\nX-Latin: caf\xc3\xa9\r\nX-Empty:\r\n"
    assert call(url, "POST", control_path(AdminRoutes.RESET)).status == 204

    status, _, _ = exchange(url, f"GET {target} HTTP/1.1\r\nHost: localhost\r\n".encode() + lines + b"\r\n")
    [entry] = call(url, "GET", control_path(AdminRoutes.REQUESTS)).json()["requests"]

    assert status == 401  # no token: a miss, answered by Flask
    assert entry["headers"] == {"Host": "localhost", "X-Rep": "a,b", "X-Under": "2"}


def test_misses_go_on_unnumbered_so_the_journal_keeps_the_order_of_arrival(url: str) -> None:
    hit = f"{CONVERSATIONS}/{seeded_id(url)}"
    sent = [
        (hit, "t"),
        (f"{CONVERSATIONS}/no-such-id", "t"),
        (hit, "nope"),
        (f"{CONVERSATIONS}?pageSize=1", "t"),
        (hit, "t"),
    ]
    assert call(url, "POST", control_path(AdminRoutes.RESET)).status == 204

    statuses = [call(url, "GET", path, token=token).status for path, token in sent]
    journal = call(url, "GET", control_path(AdminRoutes.REQUESTS)).json()["requests"]

    assert statuses == [200, 404, 401, 200, 200]
    assert [(r["path"], r["status"]) for r in journal] == [
        (path.partition("?")[0], status) for (path, _), status in zip(sent, statuses, strict=True)
    ]
    ids = [r["id"] for r in journal]
    assert ids == list(range(ids[0], ids[0] + len(sent)))


def test_a_fault_or_a_rate_limit_takes_the_environ(url: str) -> None:
    hit = f"{CONVERSATIONS}/{seeded_id(url)}"
    fault = {"method": "GET", "path": f"{CONVERSATIONS}/*", "status": 503, "times": 1}
    assert call(url, "POST", control_path(AdminRoutes.ADD_FAULT), fault).status == 201
    faulted = call(url, "GET", hit, token="t")
    assert (
        call(
            url, "PUT", control_path(AdminRoutes.SET_RATE_LIMIT), {"requests": 1, "windowSeconds": 60}
        ).status
        == 200
    )
    limited = [call(url, "GET", hit, token="t").status for _ in range(2)]

    assert faulted.status == 503
    assert limited == [200, 429]


def test_without_the_journal_a_bodyless_read_answers_as_through_the_environ() -> None:
    with serving("--no-journal") as url:
        target = f"{CONVERSATIONS}/{seeded_id(url)}"
        request = f"GET {target} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer t\r\n\r\n".encode()
        direct = exchange(url, request)
        assert call(url, "POST", control_path(AdminRoutes.ADD_STUB), ELSEWHERE).status == 201
        through_environ = exchange(url, request)

    assert direct[0] == 200
    assert comparable(direct) == comparable(through_environ)
    assert json.loads(direct[2])["id"] == target.rsplit("/", 1)[1]


class _Headers:
    """What ``RsgiBridge`` reads of Granian's RSGIHeaders, over a list of (name, value) pairs."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs

    def items(self) -> list[tuple[str, str]]:
        return list(self.pairs)

    def keys(self) -> list[str]:
        return list(dict.fromkeys(name for name, _ in self.pairs))

    def get(self, name: str, default: Any = None) -> Any:
        return next((value for key, value in self.pairs if key == name), default)

    def get_all(self, name: str) -> list[str]:
        return [value for key, value in self.pairs if key == name]

    def __contains__(self, name: object) -> bool:
        return any(key == name for key, _ in self.pairs)

    def __len__(self) -> int:
        return len(self.keys())


class _Scope:
    proto, http_version, scheme, method, query_string = "http", "1.1", "http", "GET", ""
    server, client = "127.0.0.1:8080", "127.0.0.1:50000"

    def __init__(self, path: str, authorization: str) -> None:
        self.path = path
        self.headers = _Headers([("host", "localhost"), ("authorization", authorization)])


class _Protocol:
    def response_bytes(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.answer = (status, headers, body)


@pytest.mark.parametrize(
    ("path", "authorization", "status", "through_wsgi"),
    [
        (f"{CONVERSATIONS}/{HIT}", "Bearer t", 200, False),
        (f"{CONVERSATIONS}/{HIT}", "Bearer nope", 401, True),
        (f"{CONVERSATIONS}/no-such-id", "Bearer t", 404, True),
    ],
)
def test_only_a_miss_reaches_the_wsgi_app(
    path: str, authorization: str, status: int, through_wsgi: bool
) -> None:
    """What the sockets cannot tell: a hit is answered without an environ or the WSGI app."""
    app = create_app({"CONVERSATIONS": 2, "TOKENS": ["t"]})
    front = app.wsgi_app  # the outermost layer, as serve's worker takes it
    assert isinstance(front, Cors)
    called: list[str] = []

    def wsgi(environ: Any, start_response: Any) -> Any:
        called.append(environ["PATH_INFO"])
        return front(environ, start_response)

    bridge = RsgiBridge(
        wsgi, threads=1, max_body=1024, body_timeout=1, inline=lambda: True, bodyless=front.answer_bodyless
    )
    path = path.replace(HIT, str(backend_of(app).store.entries()[0].conversation.id))
    protocol = _Protocol()
    coroutine = bridge.__rsgi__(_Scope(path, authorization), protocol)
    with pytest.raises(StopIteration):
        coroutine.send(None)

    assert protocol.answer[0] == status
    assert called == ([path] if through_wsgi else [])
