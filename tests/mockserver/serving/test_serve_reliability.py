"""``callback-contracts serve`` as a process under hostile clients: stalls, slow bodies, SIGTERM.

Real sockets and a real process: what is tested is Granian's behaviour with the app behind it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest

from mockserver.cli.serve import SHUTDOWN_SECONDS
from tests.support.control import AdminRoutes, control_path
from tests.support.live import call
from tests.support.ports import address
from tests.support.seeded import SERVE_QUEUE_ID
from tests.support.serve import COMMAND, ROOT, serving, serving_url

CALLBACKS = "/api/v2/conversations/callbacks"
LISTING = "/api/v2/conversations?pageSize=1"
CREATE = json.dumps({"callbackNumbers": ["+13175550100"], "queueId": SERVE_QUEUE_ID}).encode()
BODY_TIMEOUT = 1.0  # the module's server: a body has a second to arrive


def stalled_upload(url: str, announced: int = 5000, sent: bytes = b"{") -> socket.socket:
    """A POST that announces ``announced`` bytes of body, sends ``sent``, and then nothing."""
    sock = socket.create_connection(address(url))
    head = (
        f"POST {CALLBACKS} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer t\r\n"
        f"Content-Type: application/json\r\nContent-Length: {announced}\r\n\r\n"
    )
    sock.sendall(head.encode() + sent)
    return sock


def raw_exchange(url: str, request: bytes, *, timeout: float = 10) -> tuple[int, dict[str, str], Any]:
    """Send raw bytes, read the answer to the end of the connection: status, headers, JSON body."""
    with socket.create_connection(address(url), timeout=timeout) as sock:
        sock.sendall(request)
        return read_answer(sock)


def read_answer(sock: socket.socket) -> tuple[int, dict[str, str], Any]:
    """The HTTP answer on ``sock``, read until the server closes the connection."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, json.loads(body) if body else None


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    with serving_url(env={"CALLBACK_MOCK_BODY_TIMEOUT": str(BODY_TIMEOUT)}) as url:
        yield url


def test_stalled_uploads_hold_up_no_one_and_get_408(served: str) -> None:
    """More stalled uploads than the app has threads (2): every other request is still answered
    at once, and each stalled one gets the API's 408 after BODY_TIMEOUT, its connection closed."""
    stalled = [stalled_upload(served) for _ in range(4)]
    started = time.monotonic()
    try:
        answered = [
            call(served, "GET", LISTING, token="t", timeout=BODY_TIMEOUT / 2).status for _ in range(5)
        ]
        created = call(served, "POST", CALLBACKS, CREATE, token="t", timeout=BODY_TIMEOUT / 2).status
        assert answered == [200] * 5
        assert created == 200
        assert time.monotonic() - started < BODY_TIMEOUT
        for sock in stalled:
            sock.settimeout(BODY_TIMEOUT + 5)
            code, headers, body = read_answer(sock)  # ends: the server closed the connection
            assert (code, body["code"], body["status"]) == (408, "client.timeout", 408)
            assert body["contextId"] == headers["inin-correlation-id"]
            assert headers["content-type"] == "application/json"
        assert BODY_TIMEOUT <= time.monotonic() - started < BODY_TIMEOUT + 3
    finally:
        for sock in stalled:
            sock.close()


def test_a_slow_body_that_arrives_in_time_is_served(served: str) -> None:
    sock = stalled_upload(served, announced=len(CREATE), sent=CREATE[:10])
    with sock:
        time.sleep(BODY_TIMEOUT / 4)  # the client's own pace, not a wait for the server
        sock.sendall(CREATE[10:])
        sock.settimeout(5)
        assert sock.recv(12) == b"HTTP/1.1 200"


def chunked(body: bytes, size: int = 65536) -> bytes:
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n"


OVER = json.dumps(
    {"callbackNumbers": ["+13175550100"], "queueId": SERVE_QUEUE_ID, "callbackUserName": "x" * 2**20}
)


@pytest.mark.parametrize(
    ("framing", "body", "expected", "code"),
    [
        ("content-length", OVER.encode(), 413, "request.entity.too.large"),
        ("chunked", OVER.encode(), 413, "request.entity.too.large"),
        ("chunked", CREATE, 200, None),
        ("chunked", b'{"callbackNumbers": ["+13175550100"], "queueId": 7}', 400, "invalid.value"),
    ],
    ids=["announced-over", "chunked-over", "chunked-under", "chunked-invalid"],
)
def test_a_body_over_the_limit_is_413_however_it_is_framed(
    served: str, framing: str, body: bytes, expected: int, code: str | None
) -> None:
    """Past MAX_CONTENT_LENGTH (1 MiB) is 413, never a body cut to its first MiB."""
    framed = (
        f"Content-Length: {len(body)}\r\n\r\n".encode() + body
        if framing == "content-length"
        else b"Transfer-Encoding: chunked\r\n\r\n" + chunked(body)
    )
    head = f"POST {CALLBACKS} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer t\r\nConnection: close\r\n"
    head += "Content-Type: application/json\r\n"
    answer, headers, error = raw_exchange(served, head.encode() + framed)
    assert answer == expected
    if code is not None:
        assert (error["code"], error["contextId"]) == (code, headers["inin-correlation-id"])


def test_sigterm_ends_serve_within_its_bound_while_an_upload_is_open() -> None:
    """A body still arriving (BODY_TIMEOUT far off) delays SIGTERM by SHUTDOWN_SECONDS at most."""
    with serving("--conversations", "5", env={"CALLBACK_MOCK_BODY_TIMEOUT": "60"}) as served:
        process = served.process
        sock = stalled_upload(served.url)
        with sock:
            time.sleep(0.2)  # let the request reach the worker
            started = time.monotonic()
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=SHUTDOWN_SECONDS + 10) == 0
            assert time.monotonic() - started < SHUTDOWN_SECONDS + 2


def test_serve_keeps_the_settings_of_the_environment() -> None:
    """No option given: the variables stand, read as the options would read them."""
    env = {"CALLBACK_MOCK_TOKENS": "secret", "CALLBACK_MOCK_CONVERSATIONS": "3", "CALLBACK_MOCK_SEED": "7"}
    with serving(env={**env, "CALLBACK_MOCK_ADMIN_TOKEN": "12345"}) as served:
        listing = call(served.url, "GET", "/api/v2/conversations?pageSize=100", token="secret")
        assert listing.status == 200
        assert listing.json()["total"] <= 3
        assert call(served.url, "GET", LISTING, token="sec").status == 401  # a token, not a substring
        assert call(served.url, "POST", control_path(AdminRoutes.RESET), token="12345").status == 204


def test_serve_starts_the_clock_and_the_lifecycle_as_told() -> None:
    options = ("--now", "2030-01-01T09:00:00Z", "--frozen", "--lifecycle", "manual")
    with serving_url(*options) as url:
        assert call(url, "GET", control_path(AdminRoutes.CLOCK)).json() == {
            "now": "2030-01-01T09:00:00.000Z",
            "frozen": True,
        }
        assert call(url, "GET", control_path(AdminRoutes.LIFECYCLE)).json()["mode"] == "manual"


@pytest.mark.parametrize(
    ("options", "env", "message"),
    [
        (["--admin-prefix", "admin"], {}, "Invalid value for '--admin-prefix'"),
        (["--admin-prefix", "/"], {}, "Invalid value for '--admin-prefix'"),
        (["--seed", "\u00b2"], {}, "Invalid value for '--seed'"),
        (["--lifecycle", "sometimes"], {}, "Invalid value for '--lifecycle'"),
        ([], {"CALLBACK_MOCK_TOKENS": "[1]"}, "CALLBACK_MOCK_TOKENS: expected"),
        ([], {"CALLBACK_MOCK_ADMIN_PREFIX": "/"}, "CALLBACK_MOCK_ADMIN_PREFIX: expected"),
    ],
)
def test_a_bad_setting_stops_serve_before_it_announces_a_url(
    options: list[str], env: dict[str, str], message: str
) -> None:
    done = subprocess.run(
        [*COMMAND, "serve", "--port", "0", "--streaming-port", "0", *options],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert message in done.stderr


def test_serve_on_every_address_with_an_open_control_api_warns() -> None:
    with serving("--conversations", "5", "--host", "0.0.0.0", stderr=subprocess.PIPE) as served:
        served.process.send_signal(signal.SIGTERM)
        _, stderr = served.process.communicate(timeout=30)
    # The warning's own words name the default prefix: the literal is the point.
    assert "warning: the control API (/__admin) is open to every host" in stderr
