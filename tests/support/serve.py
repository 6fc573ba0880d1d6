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
def serving(
    *options: str,
    env: Mapping[str, str] | None = None,
    stderr: int = subprocess.DEVNULL,
    answering: bool = True,
) -> Iterator[Served]:
    """``serve`` with ``options`` on free ports, once it answers; stopped by SIGTERM, which must end it cleanly.

    ``env``: variables over this process's own (one that gives the stream's port keeps it); ``stderr``: where serve's goes (``subprocess.PIPE``
    to read it, with ``process.communicate`` once the test has stopped it); ``answering=False``:
    handed over the moment it printed its URLs, without waiting for an answer first.
    """
    streaming = [] if env and "CALLBACK_MOCK_STREAMING_PORT" in env else ["--streaming-port", "0"]
    process = subprocess.Popen(
        [*COMMAND, "serve", "--port", "0", *streaming, *options],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip().rsplit(" ", 1)[-1]
    stream = process.stdout.readline().strip().rsplit(" ", 1)[-1]
    deadline = time.monotonic() + 30
    while answering:
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
        stopping = process.poll() is None  # a test may have stopped it
        if stopping:
            process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)  # drains and closes the pipes it writes to
        if stopping:
            assert process.returncode == 0


@contextmanager
def serving_url(*options: str, env: Mapping[str, str] | None = None) -> Iterator[str]:
    """``serve`` with 5 conversations, token ``t`` and ``options`` (and ``env``): its URL."""
    with serving("--conversations", "5", "--token", "t", *options, env=env) as served:
        yield served.url
