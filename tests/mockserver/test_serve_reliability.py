"""``callback-contracts serve`` as a process under hostile clients: stalls, slow bodies, SIGTERM.

Real sockets and a real process: what is tested is Granian's behaviour with the app behind it.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from mockserver.cli.serve import SHUTDOWN_SECONDS
from tests.support.control import AdminRoutes, control_path

ROOT = Path(__file__).resolve().parents[2]
CALLBACKS = "/api/v2/conversations/callbacks"
LISTING = "/api/v2/conversations?pageSize=1"
CREATE = json.dumps({"callbackNumbers": ["+13175550100"], "queueId": "q"}).encode()
BODY_TIMEOUT = 1.0  # the module's server: a body has a second to arrive


def serve_command(*options: str) -> list[str]:
    """``serve`` from this checkout (not whichever copy a console script would import)."""
    return [sys.executable, "-c", "from mockserver.cli import main; main()", "serve", *options]


@contextmanager
def serving(
    *options: str, env: dict[str, str] | None = None, stderr: int = subprocess.DEVNULL
) -> Iterator[subprocess.Popen[str]]:
    """``serve`` on a free port (5 conversations unless the options or variables say otherwise):
    the process, its URL in ``process.url``."""
    sized = "--conversations" in options or "CALLBACK_MOCK_CONVERSATIONS" in (env or {})
    process = subprocess.Popen(
        serve_command(
            "--port", "0", "--streaming-port", "0", *([] if sized else ["--conversations", "5"]), *options
        ),
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip().rsplit(" ", 1)[-1]
    process.url = url  # type: ignore[attr-defined]
    deadline = time.monotonic() + 30
    while status(url, "GET", "/openapi.json") != 200:
        assert time.monotonic() < deadline, "serve did not come up"
        time.sleep(0.02)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


def address(url: str) -> tuple[str, int]:
    host, _, port = url.removeprefix("http://").rpartition(":")
    return host, int(port)


def status(
    url: str, method: str, path: str, body: bytes | None = None, timeout: float = 5, token: str = "t"
) -> int | None:
    return answer(url, method, path, body, timeout, token)[0]


def answer(
    url: str, method: str, path: str, body: bytes | None = None, timeout: float = 5, token: str = "t"
) -> tuple[int | None, Any]:
    """The status and JSON body of one request (None, None if the connection failed)."""
    connection = http.client.HTTPConnection(*address(url), timeout=timeout)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else None
    except OSError:
        return None, None
    finally:
        connection.close()


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
    with serving("--token", "t", env={"CALLBACK_MOCK_BODY_TIMEOUT": str(BODY_TIMEOUT)}) as process:
        yield process.url  # type: ignore[attr-defined]


def test_stalled_uploads_hold_up_no_one_and_get_408(served: str) -> None:
    """More stalled uploads than the app has threads (2): every other request is still answered
    at once, and each stalled one gets the API's 408 after BODY_TIMEOUT, its connection closed."""
    stalled = [stalled_upload(served) for _ in range(4)]
    started = time.monotonic()
    try:
        answered = [status(served, "GET", LISTING, timeout=BODY_TIMEOUT / 2) for _ in range(5)]
        created = status(served, "POST", CALLBACKS, CREATE, timeout=BODY_TIMEOUT / 2)
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


OVER = json.dumps({"callbackNumbers": ["+13175550100"], "queueId": "q", "callbackUserName": "x" * 2**20})


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
    with serving(env={"CALLBACK_MOCK_BODY_TIMEOUT": "60"}) as process:
        sock = stalled_upload(process.url)  # type: ignore[attr-defined]
        with sock:
            time.sleep(0.2)  # let the request reach the worker
            started = time.monotonic()
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=SHUTDOWN_SECONDS + 10) == 0
            assert time.monotonic() - started < SHUTDOWN_SECONDS + 2


def test_serve_keeps_the_settings_of_the_environment() -> None:
    """No option given: the variables stand, read as the options would read them."""
    env = {"CALLBACK_MOCK_TOKENS": "secret", "CALLBACK_MOCK_CONVERSATIONS": "3", "CALLBACK_MOCK_SEED": "7"}
    with serving(env={**env, "CALLBACK_MOCK_ADMIN_TOKEN": "12345"}) as process:
        url = process.url  # type: ignore[attr-defined]
        code, listing = answer(url, "GET", "/api/v2/conversations?pageSize=100", token="secret")
        assert code == 200
        assert listing["total"] <= 3
        assert status(url, "GET", LISTING, token="sec") == 401  # a token, not a substring
        assert status(url, "POST", control_path(AdminRoutes.RESET), token="12345") == 204


def test_serve_starts_the_clock_and_the_lifecycle_as_told() -> None:
    options = ("--now", "2030-01-01T09:00:00Z", "--frozen", "--lifecycle", "manual")
    with serving(*options) as process:
        url = process.url  # type: ignore[attr-defined]
        assert answer(url, "GET", control_path(AdminRoutes.CLOCK))[1] == {
            "now": "2030-01-01T09:00:00.000Z",
            "frozen": True,
        }
        assert answer(url, "GET", control_path(AdminRoutes.LIFECYCLE))[1]["mode"] == "manual"


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
        serve_command("--port", "0", "--streaming-port", "0", *options),
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert message in done.stderr


def test_serve_on_every_address_with_an_open_control_api_warns() -> None:
    with serving("--host", "0.0.0.0", stderr=subprocess.PIPE) as process:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert "warning: the control API (/__admin) is open to every host" in stderr
