"""``serve``'s connections are bounded: silent ones are closed after ``IDLE_SECONDS``, so they cannot lock others out.

A worker serves ``CONNECTIONS`` at once; more wait to be accepted. Before, a connection that sent
nothing held its place for ever (Granian's auto HTTP mode read the first bytes without a time
limit): ``CONNECTIONS`` silent sockets locked every other client out.
"""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, suppress

import pytest

from tests.support.live import call
from tests.support.ports import address
from tests.support.serve import Served, serving

LIMIT = 4
IDLE = 1.0


@pytest.fixture(scope="module")
def bounded() -> Iterator[Served]:
    """``serve`` with 4 connections a worker and a 1 s idle bound, from its variables."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CALLBACK_MOCK_CONNECTIONS", str(LIMIT))
        patch.setenv("CALLBACK_MOCK_IDLE_SECONDS", str(IDLE))
        with serving("--conversations", "5") as served:
            yield served


def closed_after(connection: socket.socket) -> float:
    """Seconds until the server closes ``connection`` (which sends nothing more)."""
    started = time.monotonic()
    with suppress(ConnectionResetError):
        assert connection.recv(1) == b""
    return time.monotonic() - started


def test_more_silent_connections_than_the_limit_do_not_lock_a_client_out(bounded: Served) -> None:
    with ExitStack() as stack:
        silent = [
            stack.enter_context(socket.create_connection(address(bounded.url), timeout=30))
            for _ in range(3 * LIMIT)
        ]
        started = time.monotonic()
        answer = call(bounded.url, "GET", "/openapi.json", token=None)
        waited = time.monotonic() - started

        assert answer.status == 200
        # Accepted once the silent ones ahead of it were closed, LIMIT at a time, each after IDLE.
        assert IDLE * 0.9 <= waited < 3 * IDLE + 10  # it did wait: the limit holds
        assert closed_after(silent[0]) < IDLE + 5


def test_a_silent_connection_is_closed_after_the_idle_bound(bounded: Served) -> None:
    with socket.create_connection(address(bounded.url), timeout=30) as silent:
        assert IDLE * 0.9 <= closed_after(silent) < IDLE + 5


def test_an_idle_keep_alive_connection_is_closed_after_the_idle_bound(bounded: Served) -> None:
    kept = http.client.HTTPConnection(*address(bounded.url), timeout=30)
    try:
        kept.request("GET", "/openapi.json")
        response = kept.getresponse()
        response.read()
        assert (response.status, response.will_close) == (200, False)
        assert kept.sock is not None
        assert IDLE * 0.9 <= closed_after(kept.sock) < IDLE + 5
    finally:
        kept.close()


def test_a_silent_connection_to_the_stream_is_closed_after_the_idle_bound(bounded: Served) -> None:
    with socket.create_connection(address(bounded.stream), timeout=30) as silent:
        assert IDLE * 0.9 <= closed_after(silent) < IDLE + 5


def test_the_open_files_limit_is_raised_for_the_connections() -> None:
    """In a process of its own, whose soft limit is 256: enough for 2,000 connections and spare files."""
    code = (
        "import resource\n"
        "from mockserver.serving.limits import raise_open_files\n"
        "hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))\n"
        "print(raise_open_files({'CONNECTIONS': 2000}), resource.getrlimit(resource.RLIMIT_NOFILE)[0], hard)\n"
    )
    returned, soft, hard = (
        int(n)
        for n in subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
    )

    assert returned == soft == (3024 if hard == -1 else min(3024, hard))
