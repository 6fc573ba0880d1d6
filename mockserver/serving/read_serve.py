"""``serve --read-workers N``: the owner's process and the read workers, started and stopped together.

serve's process forks the owner's (``_run_owner``): Granian's server of one worker, today's app
(``worker_app``) on a loopback port bound here, its store ``published://PREFIX`` (the memory store
publishing into the segments ``PREFIX-answers``, ``-gate`` and ``-ring``). Once the owner serves,
serve runs Granian's server of N read workers (``readers.reader_app``) on the public port, and
announces the URLs once they serve too. The notification stream is the owner's: its port is the
one serve announces. When serve stops, it stops the owner and removes the segments, whatever
state the owner left them in. Every process of the mode is forked from serve's, after it made the
journal ring's lock (``journal_ring.ring_lock``), which they all inherit: Granian's servers here
fork their workers whatever Python's default start method is (3.14's spawns them).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import secrets
import signal
import socket
from collections.abc import Callable
from functools import partial
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from typing import Any

from granian.server.mp import MPServer

from mockserver.serving.worker import (
    READER_TARGET,
    READERS_VARIABLE,
    TARGET,
    Server,
    StartError,
    _die_with,
    bind,
    start_reader,
    start_worker,
)
from mockserver.store.journal_ring import ring_lock

_SEGMENTS = ("answers", "gate", "ring")
_READY = "ready"
_STOP_SECONDS = 10


def serve_with_readers(
    count: int,
    *,
    host: str,
    listener: socket.socket,
    announce: Callable[[], None],
    reuse_port: bool,
    options: dict[str, Any],
) -> None:
    """Serve on ``listener`` with ``count`` read workers and one owner until stopped (see the module)."""
    prefix = f"callback-mock-{os.getpid()}-{secrets.token_hex(4)}"
    owner_listener = bind("127.0.0.1", 0, what="the owner's loopback port", option="--port")
    settings = f"{owner_listener.getsockname()[1]} {prefix} {secrets.token_hex(16)}"
    os.environ[READERS_VARIABLE] = settings
    ring_lock()  # made before the owner and the read workers are forked: they share it
    said, say = Pipe(duplex=False)
    owner = multiprocessing.get_context("fork").Process(
        target=_run_owner,
        args=(owner_listener, listener, prefix, say, reuse_port, options, os.getpid()),
        name="callback-mock-owner",
    )
    owner.start()
    owner_listener.close()
    try:
        while not said.poll(0.05):
            if not owner.is_alive():
                raise StartError("the store's owner ended before it served; see its lines above")
        word = said.recv()
        if word != _READY:
            raise StartError(word)
        # Each read worker listens on a socket of its own on the public port (SO_REUSEPORT), so the
        # kernel spreads the connections over them: on one shared socket, the worker that woke
        # first took every connection of a burst (wrk's 64 all went to one worker). The port was
        # found free above (bound without the option); it is held, bound and not listening, with
        # the option until the read workers listen on it.
        port = listener.getsockname()[1]
        listener.close()
        held = bind(host, port, what="the API", option="--port", reuse_port=True)

        def announced() -> None:
            held.close()
            announce()

        reports, report = Pipe(duplex=False)
        server = _SpreadServer(
            READER_TARGET,
            address=host,
            port=port,
            workers=count,
            listener=held,
            reports=reports,
            announce=announced,
            **options,
        )
        server._spawn_method = "fork"  # type: ignore[attr-defined]  # Granian's start method: see the module
        loader: Callable[..., Any] = partial(start_reader, report, os.getpid())
        server.serve(target_loader=loader)
        if server.refused is not None:
            raise StartError(server.refused)
    finally:
        if owner.is_alive() and owner.pid is not None:
            os.kill(owner.pid, signal.SIGTERM)
        owner.join(_STOP_SECONDS)
        if owner.is_alive():
            owner.kill()
            owner.join()
        for segment in _SEGMENTS:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"/dev/shm/{prefix}-{segment}")


class _SpreadServer(Server):
    """serve's server of workers, each binding the port itself with SO_REUSEPORT (Granian's own way on
    Linux), rather than sharing serve's one socket."""

    def _init_shared_socket(self) -> None:
        MPServer._init_shared_socket(self)  # type: ignore[no-untyped-call]


def _run_owner(
    owner_listener: socket.socket,
    public: socket.socket,
    prefix: str,
    say: Connection,
    reuse_port: bool,
    options: dict[str, Any],
    parent: int,
) -> None:
    """The owner's process: Granian's server of one worker, today's app on the loopback port."""
    _die_with(parent)
    public.close()  # the read workers' alone
    os.environ["CALLBACK_MOCK_STORE"] = f"published://{prefix}"
    reports, report = Pipe(duplex=False)
    server = Server(
        TARGET,
        address="127.0.0.1",
        port=owner_listener.getsockname()[1],
        workers=1,
        listener=owner_listener,
        reports=reports,
        announce=lambda: say.send(_READY),
        **options,
    )
    server._spawn_method = "fork"  # type: ignore[attr-defined]  # Granian's start method: see the module
    loader: Callable[..., Any] = partial(start_worker, report, os.getpid(), reuse_port)
    server.serve(target_loader=loader)
    if server.refused is not None:
        with contextlib.suppress(OSError):
            say.send(server.refused)
