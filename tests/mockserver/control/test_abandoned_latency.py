"""A request held by a latency fault whose client gives up is journaled when the client goes."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

from mockserver.testing import RemoteMockServer
from mockserver.testing.server import MockServer
from tests.support import TOKEN
from tests.support.live import call
from tests.support.serve import serving

PATH = "/api/v2/users/me"
DELAY_MS = 20_000  # far longer than any test waits: its end would never be seen


@contextmanager
def _server(kind: str) -> Iterator[MockServer | RemoteMockServer]:
    if kind == "in process":
        with MockServer({"CONVERSATIONS": 0}) as server:
            yield server
    else:
        with serving("--conversations", "0") as served:
            yield RemoteMockServer(served.url)


def _abandon(server: MockServer | RemoteMockServer) -> None:
    """Send a request, and close the connection once the fault holds it (its ``applied`` counted as
    its delay begins), before any answer."""
    netloc = urlsplit(server.url).netloc
    host, _, port = netloc.rpartition(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(
            f"GET {PATH} HTTP/1.1\r\nHost: {netloc}\r\nAuthorization: Bearer {TOKEN}\r\n\r\n".encode()
        )
        deadline = time.monotonic() + 5
        while not [f for f in server.faults() if f["applied"]]:  # the request reaches the delay
            assert time.monotonic() < deadline, "the request never reached the fault"
            time.sleep(0.01)


@pytest.mark.parametrize("kind", ["in process", "serve"])
def test_an_abandoned_delayed_request_is_journaled_when_its_client_goes(kind: str) -> None:
    with _server(kind) as server:
        fault_id = server.fault("GET", PATH, kind="latency", delay={"ms": DELAY_MS})
        _abandon(server)
        [kept] = server.wait_for_requests("GET", PATH, timeout=5)  # not the 20 s of the delay
        assert (kept["status"], kept["fault"]) == (None, fault_id)
        # a request the client waits for is answered as ever while the fault is set (on a thread)
        assert call(server.url, "GET", "/api/v2/routing/queues").status == 200
        server.remove_fault(fault_id)
        assert call(server.url, "GET", PATH).status == 200
