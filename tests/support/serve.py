"""``callback-contracts serve`` from this checkout as a process on free ports, for the tests of it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from attrs import frozen

from tests.support.live import call

ROOT = Path(__file__).resolve().parents[2]
# This checkout's command line, run from its root (a console script would import whichever copy
# the environment installed).
COMMAND = [sys.executable, "-c", "from mockserver.cli import main; main()"]


@frozen
class Served:
    """A running ``serve``: its process, and the URLs of its API and its notification stream."""

    process: subprocess.Popen[str]
    url: str
    stream: str


@contextmanager
def serving(*options: str, env: Mapping[str, str] | None = None) -> Iterator[Served]:
    """``serve`` with ``options`` on free ports, once it answers; stopped by SIGTERM, which must end it cleanly.

    ``env``: variables added to this process's (one that gives the stream's port keeps it).
    """
    streaming = [] if env and "CALLBACK_MOCK_STREAMING_PORT" in env else ["--streaming-port", "0"]
    process = subprocess.Popen(
        [*COMMAND, "serve", "--port", "0", *streaming, *options],
        cwd=ROOT,
        env=None if env is None else {**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip().rsplit(" ", 1)[-1]
    stream = process.stdout.readline().strip().rsplit(" ", 1)[-1]
    deadline = time.monotonic() + 30
    while True:
        try:
            if call(url, "GET", "/openapi.json", token=None).status == 200:
                break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise
            time.sleep(0.02)
    try:
        yield Served(process, url, stream)
    finally:
        if process.poll() is None:  # a test may have killed it
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0


@contextmanager
def serving_url(*options: str) -> Iterator[str]:
    """``serve`` with 5 conversations, token ``t`` and ``options``: its URL."""
    with serving("--conversations", "5", "--token", "t", *options) as served:
        yield served.url
