"""A Redis server of the test session's own, on a free port, for the tests that run on both stores."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis

from tests.support.ports import free_port

SERVERS = ("redis-server", "valkey-server")  # Debian's packages; either speaks the protocol


def _server_command() -> str:
    """redis-server or valkey-server: missing, the test is skipped, or fails under CI=true."""
    found = next((path for name in SERVERS if (path := shutil.which(name))), None)
    if found is None:
        missing = "neither redis-server nor valkey-server is on PATH (apt-get install redis-server)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the Redis tests: {missing}")
        pytest.skip(missing)
    return found


@contextmanager
def redis_server(directory: Path) -> Iterator[str]:
    """Start a throwaway Redis (no persistence) on a free port; its URL until the block ends."""
    with dedicated_redis(directory) as server:
        yield server.url


def fresh_prefix() -> str:
    """A namespace no other server of the session uses."""
    return f"test-{uuid.uuid4().hex[:12]}"


def forget(url: str, prefix: str) -> None:
    """Delete every key under ``prefix``: a finished test's server leaves nothing behind."""
    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@contextmanager
def on_store(store: str, config: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """``config`` on ``store`` (``memory`` or a Redis URL): a fresh Redis namespace, deleted afterwards."""
    if store == "memory":
        yield config
        return
    prefix = fresh_prefix()
    try:
        yield {**config, "STORE": store, "STORE_PREFIX": prefix}
    finally:
        forget(store, prefix)


class Dedicated:
    """A Redis server of one test's own on a fixed free port, to kill, pause and start again there.

    Without persistence: started again, it is empty.
    """

    def __init__(self, directory: Path) -> None:
        found = _server_command()
        self._command = [
            found,
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(directory),
        ]
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [*self._command, "--port", str(self.port)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        client = redis.Redis.from_url(self.url)
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    if time.monotonic() > deadline or self.process.poll() is not None:
                        raise RuntimeError(f"Redis did not start on port {self.port}") from None
                    time.sleep(0.02)
        finally:
            client.close()

    def signal(self, number: int) -> None:
        assert self.process is not None
        self.process.send_signal(number)

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # a paused one cannot hear SIGTERM
            self.process.terminate()
            self.process.wait(timeout=10)


@contextmanager
def dedicated_redis(directory: Path) -> Iterator[Dedicated]:
    """A started ``Dedicated`` Redis, stopped when the block ends."""
    server = Dedicated(directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()
