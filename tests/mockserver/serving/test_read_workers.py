"""``serve --read-workers 2`` (issue 26): reads on every core, as fresh and as controlled as one process's.

One server for the module (the memory store's owner and two read workers), reset before each
test. Each gate test sets what must send GET by id to the owner and checks the answers show it:
a read worker answering from the table would have answered 200 with the stored body.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from mockserver.testing.remote import RemoteMockServer
from tests.support import TOKEN
from tests.support.live import call
from tests.support.serve import COMMAND, Served, serving

READS = 12  # reads over fresh connections: the two workers each take some


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with serving(
        "--conversations", "3", "--token", TOKEN, "--read-workers", "2", "--lifecycle", "off"
    ) as served:
        yield served


@pytest.fixture
def server(served: Served) -> RemoteMockServer:
    remote = RemoteMockServer(served.url)
    remote.reset()
    return remote


@pytest.fixture
def conversation_id(server: RemoteMockServer) -> str:
    found: str = server.conversations()["entities"][0]["id"]
    return found


def _statuses(url: str, path: str, token: str = TOKEN, count: int = READS) -> list[int]:
    return [call(url, "GET", path, token=token).status for _ in range(count)]


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_reads_are_answered_by_the_read_workers_while_the_owner_is_stopped(
    served: Served, server: RemoteMockServer, conversation_id: str
) -> None:
    path = f"/api/v2/conversations/{conversation_id}"
    body = call(served.url, "GET", path).body  # the owner finds the token permitted
    # serve's children: the owner's process (whose child is the owner's worker) and the read workers.
    owners = [child for child in _children(served.process.pid) if _children(child)]
    assert len(owners) == 1
    stopped = [owners[0], *_children(owners[0])]
    for pid in stopped:
        os.kill(pid, signal.SIGSTOP)
    try:
        answers = [call(served.url, "GET", path, timeout=5) for _ in range(READS)]
    finally:
        for pid in stopped:
            os.kill(pid, signal.SIGCONT)
    assert [(a.status, a.body) for a in answers] == [(200, body)] * READS
    assert len({a.headers["inin-correlation-id"] for a in answers}) == READS


def _read_rounds(url: str, conversation_id: str, rounds: int, readers: int = 6) -> None:
    """Write round n through one connection, then read through ``readers`` connections at once:
    every read must show round n (no older answer), ``rounds`` times."""
    target = urlsplit(url)
    path = f"/api/v2/conversations/{conversation_id}"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    participant = call(url, "GET", path).json()["participants"][0]["id"]
    writer = http.client.HTTPConnection(target.hostname or "", target.port, timeout=10)
    connections = [
        http.client.HTTPConnection(target.hostname or "", target.port, timeout=10) for _ in range(readers)
    ]
    start, done = threading.Barrier(readers + 1), threading.Barrier(readers + 1)
    seen: list[list[str]] = [[] for _ in range(readers)]

    def read(index: int) -> None:
        for _ in range(rounds):
            start.wait()
            connections[index].request("GET", path, headers=auth)
            answer = connections[index].getresponse()
            seen[index].append(json.loads(answer.read())["participants"][0]["attributes"].get("round", ""))
            done.wait()

    threads = [threading.Thread(target=read, args=(index,)) for index in range(readers)]
    for thread in threads:
        thread.start()
    try:
        for number in range(rounds):
            body = f'{{"attributes": {{"round": "{number}"}}}}'
            writer.request(
                "PATCH",
                f"/api/v2/conversations/callbacks/{conversation_id}/participants/{participant}/attributes",
                body=body,
                headers={**auth, "Content-Type": "application/json"},
            )
            answer = writer.getresponse()
            answer.read()
            assert answer.status == 202
            start.wait()
            done.wait()
    finally:
        for thread in threads:
            thread.join(timeout=30)
    for index in range(readers):
        assert seen[index] == [str(number) for number in range(rounds)]


def test_a_write_is_seen_by_the_next_read_on_every_worker(
    served: Served, server: RemoteMockServer, conversation_id: str
) -> None:
    _read_rounds(served.url, conversation_id, 40)


@pytest.mark.slow
def test_a_write_is_seen_by_the_next_read_on_every_worker_1000_rounds(
    served: Served, server: RemoteMockServer, conversation_id: str
) -> None:
    _read_rounds(served.url, conversation_id, 1000)


def test_a_fault_reaches_every_read(served: Served, server: RemoteMockServer, conversation_id: str) -> None:
    path = f"/api/v2/conversations/{conversation_id}"
    assert _statuses(served.url, path) == [200] * READS
    server.fault("GET", path, status=503)
    assert _statuses(served.url, path) == [503] * READS
    server.clear_faults()
    assert _statuses(served.url, path) == [200] * READS


def test_a_stub_answers_every_read(served: Served, server: RemoteMockServer, conversation_id: str) -> None:
    path = f"/api/v2/conversations/{conversation_id}"
    _statuses(served.url, path)
    server.stub("GET", path, status=200, body={"stubbed": True})
    answers = [call(served.url, "GET", path) for _ in range(READS)]
    assert [a.json() for a in answers] == [{"stubbed": True}] * READS


def test_the_rate_limit_counts_every_read(
    served: Served, server: RemoteMockServer, conversation_id: str
) -> None:
    path = f"/api/v2/conversations/{conversation_id}"
    _statuses(served.url, path)
    server.rate_limit(3)
    assert sorted(_statuses(served.url, path)) == [200] * 3 + [429] * (READS - 3)


def test_reads_counted_by_the_lifecycle_reach_the_owner(
    served: Served, server: RemoteMockServer, conversation_id: str
) -> None:
    path = f"/api/v2/conversations/{conversation_id}"
    _statuses(served.url, path)
    server.set_lifecycle(mode="auto", advance_on="reads", reads_per_step=1)
    bodies = {call(served.url, "GET", path).body for _ in range(4)}
    assert len(bodies) == 4  # each read moved the conversation a step (or its answer's time)


def test_a_token_whose_role_lost_the_permission_is_refused(
    served: Served, server: RemoteMockServer, conversation_id: str
) -> None:
    path = f"/api/v2/conversations/{conversation_id}"
    user = server.add_user("Reader", roles=["agent"])
    token = server.issue_token(user_id=user["id"])
    assert _statuses(served.url, path, token) == [200] * READS  # the owner found it permitted
    server.put_role("agent", [])
    assert _statuses(served.url, path, token) == [403] * READS


def test_an_expired_token_is_refused(served: Served, server: RemoteMockServer, conversation_id: str) -> None:
    path = f"/api/v2/conversations/{conversation_id}"
    token = server.issue_token(expires_in=60)
    assert _statuses(served.url, path, token) == [200] * READS
    server.clock.advance(seconds=61)
    assert _statuses(served.url, path, token) == [401] * READS


def test_every_read_is_journaled_in_arrival_order(
    served: Served, server: RemoteMockServer, conversation_id: str
) -> None:
    path = f"/api/v2/conversations/{conversation_id}"
    server.clear_requests()
    answers = [call(served.url, "GET", path, headers={"X-Round": str(n)}) for n in range(READS)]
    kept = server.requests(method="GET", path=path)
    assert [r["headers"]["X-Round"] for r in kept] == [str(n) for n in range(READS)]
    ids = [r["id"] for r in kept]
    assert ids == sorted(ids)
    assert len(set(ids)) == READS
    assert [r["correlationId"] for r in kept] == [a.headers["inin-correlation-id"] for a in answers]
    # The first read of the token went to the owner, the rest mostly to the read workers: one shape.
    first = kept[0]
    for recorded in kept[1:]:
        assert set(recorded) == set(first)
        assert recorded["status"] == 200
        assert recorded["fault"] is None
        assert recorded["stub"] is None
        assert recorded["responseHeaders"]["Content-Length"] == first["responseHeaders"]["Content-Length"]
        assert {k: v for k, v in recorded["headers"].items() if k != "X-Round"} == {
            k: v for k, v in first["headers"].items() if k != "X-Round"
        }


def test_a_write_the_owner_answers_sees_the_client_address_and_headers(
    served: Served, server: RemoteMockServer
) -> None:
    server.clear_requests()
    answer = call(served.url, "GET", "/api/v2/conversations", headers={"X-Probe": "p"})
    assert answer.status == 200
    kept = server.requests(method="GET", path="/api/v2/conversations")
    assert kept[-1]["headers"]["X-Probe"] == "p"
    assert not any(name.lower().startswith("x-callback-mock") for name in kept[-1]["headers"])


def test_the_notification_channel_points_at_the_owner_stream(
    served: Served, server: RemoteMockServer
) -> None:
    channel = call(served.url, "POST", "/api/v2/notifications/channels").json()
    assert urlsplit(channel["connectUri"]).port == urlsplit(served.stream).port


@pytest.mark.parametrize(
    "options",
    [["--workers", "2", "--store", "redis://127.0.0.1:9"], ["--store", "redis://127.0.0.1:9"]],
    ids=["workers", "shared store"],
)
def test_read_workers_serve_the_memory_store_alone(options: list[str]) -> None:
    refused = subprocess.run(
        [*COMMAND, "serve", "--port", "0", "--read-workers", "2", *options],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "error: --read-workers serves the memory store: pass neither --workers above 1 nor a shared --store"
    )


@pytest.mark.parametrize("options", [[], ["--read-workers", "2"]], ids=["one process", "read workers"])
def test_the_read_workers_port_is_refused_to_another_serve(served: Served, options: list[str]) -> None:
    # The read workers each listen with SO_REUSEPORT; serve checks the port without it first.
    port = str(urlsplit(served.url).port)
    refused = subprocess.run(
        [*COMMAND, "serve", "--port", port, "--streaming-port", "0", *options],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode == 2
    assert f"127.0.0.1:{port} (the API) is in use" in refused.stderr
