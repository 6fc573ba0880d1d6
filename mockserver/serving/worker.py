"""The worker side of ``serve``: the app Granian's workers load, and the process that supervises them.

Imports neither Flask nor the factories at module level: Granian's supervising process (``serve``,
``mockserver.cli.serve``) forks the workers from it, and each worker alone loads the app
(``worker_app``).

Each worker builds the app, starts the notification stream, and says so on a pipe
(``start_worker``); ``Server`` announces the URLs only once every worker has, so a script that
waits for them talks to a server that answers. A worker that cannot start (its store refuses, the
stream's port was taken) says why on the same pipe. A worker never outlives its supervising
process, however that one ends (``_die_with``). The API's socket is bound by the supervising
process (``bind``), so a port in use is refused there, in one line (a ``StartError``).
"""

from __future__ import annotations

import contextlib
import copy
import ctypes
import errno
import gc
import logging
import os
import re
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from granian._granian import SocketHolder
from granian.log import LOGGING_CONFIG
from granian.server.mp import MPServer

from mockserver.errors import MockServerError

if TYPE_CHECKING:
    from mockserver.serving.owner import OwnerApp
    from mockserver.serving.rsgi import RsgiBridge

# Granian's target of the app, which each worker loads (through ``start_worker``).
TARGET = "mockserver.serving.worker:worker_app"
READER_TARGET = "mockserver.serving.readers:reader_app"  # a read worker's (``start_reader``)
# What serve tells the owner's worker and the read workers: "<owner port> <segments' prefix> <secret>".
READERS_VARIABLE = "CALLBACK_MOCK_READERS_OWNER"
_READY = "ready"  # what a worker sends its supervising process once it serves
_PR_SET_PDEATHSIG = 1  # prctl(2)


class StartError(MockServerError, RuntimeError):
    """Why serve cannot start: one line that names the cause and the fix."""


def worker_app(*, reuse_port: bool | None = None) -> RsgiBridge:
    """The app of Granian's worker, built from the ``CALLBACK_MOCK_*`` variables ``serve`` sets.

    Flask's WSGI app behind ``RsgiBridge``: Granian reads every body, bounded in time and size,
    before the app runs, on the event loop, or on one of its ``THREADS`` threads while a
    fault is set. The stream binds its port with ``SO_REUSEPORT`` if ``reuse_port`` (by default
    when there are several workers); one it cannot bind is a ``StartError``.
    """
    # Start-up allocates objects by the hundred thousand and frees few: collecting while importing
    # and seeding is wasted work (benchmarks/README.md). Frozen, they stay out of later collections too.
    gc.disable()
    try:
        from mockserver.app import create_app
        from mockserver.notifications.stream import Stream
        from mockserver.serving.rsgi import RsgiBridge
        from mockserver.state.waking import Waker
        from mockserver.web.cors import Cors
        from mockserver.web.current import backend_of

        app = create_app()
        # The notification stream lives in this process, beside the state it streams.
        backend = backend_of(app)
        channels = backend.notifications
        host, port = app.config["STREAMING_HOST"], int(app.config["STREAMING_PORT"])
        try:
            Stream.from_config(channels, app.config).start(
                host,
                port,
                reuse_port=int(app.config["WORKERS"]) > 1 if reuse_port is None else reuse_port,
            )
        except OSError as error:
            raise StartError(
                _unbound(host, port, "the notification stream", "--streaming-port", error)
            ) from None
        if app.config["STREAMING_URL"]:
            channels.connect_base = app.config["STREAMING_URL"]
        front = app.wsgi_app  # create_app's outermost layer: it answers bodyless reads through the rest
        assert isinstance(front, Cors)
        bridge = RsgiBridge(
            app,
            threads=int(app.config["THREADS"]),
            max_body=int(app.config["MAX_CONTENT_LENGTH"]),
            body_timeout=float(app.config["BODY_TIMEOUT"]),
            inline=lambda: not backend.faults.active,  # a fault may sleep: then a thread runs the app
            bodyless=front.answer_bodyless,
            writes_off_loop=backend.store.shared,  # a write may wait for another replica's lock
            slow_prefix=str(app.config["ADMIN_PREFIX"]).rstrip("/") + "/",
            on_close=backend.close_senders,  # on a graceful stop: no POST starts after it
        )
        # The lifecycle's steps run at their due time, whether or not a request arrives; the
        # thread is a daemon, and ends with the worker.
        Waker(backend.engine).start()
    finally:
        gc.enable()
    gc.freeze()
    return bridge


def start_worker(report: Connection, parent: int, reuse_port: bool, target: str) -> RsgiBridge | OwnerApp:
    """Granian's loader of the app in a worker: ``worker_app``, then a word to the supervising
    process on ``report``: ready, or why it cannot start (then it waits to be stopped, so that
    Granian does not take its end for a crash)."""
    _die_with(parent)
    # Until Granian's own handlers take over (once this returns), SIGTERM ends the worker at once
    # rather than reaching the supervising process's handler, inherited and useless here; a SIGINT
    # to the whole group (Ctrl-C) is for the supervising process, which then stops the workers.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        bridge = worker_app(reuse_port=reuse_port)
    except Exception as error:
        from mockserver.store.errors import StoreError

        if not isinstance(error, StartError | StoreError):
            raise
        reason = (
            str(error)
            if isinstance(error, StartError)
            else f"{str(error).rstrip('.')}; check --store (or CALLBACK_MOCK_STORE)"
        )
        with contextlib.suppress(OSError):
            report.send(reason)
        while True:
            signal.pause()
    served: RsgiBridge | OwnerApp = bridge
    readers = os.environ.get(READERS_VARIABLE)
    if readers:  # serve --read-workers' owner: the read workers forward it what they cannot answer
        from mockserver.serving.owner import owner_app

        served = owner_app(bridge, readers)
    with contextlib.suppress(OSError):  # a worker respawned by a reload: nobody listens any more
        report.send(_READY)
    return served


def start_reader(report: Connection, parent: int, target: str) -> Any:
    """Granian's loader of a read worker (``serve --read-workers``): ``readers.reader_app``, then
    ready on ``report``."""
    _die_with(parent)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from mockserver.serving.readers import reader_app

    app = reader_app()
    gc.freeze()  # as worker_app: what start-up made stays out of the collections
    with contextlib.suppress(OSError):
        report.send(_READY)
    return app


def _die_with(parent: int) -> None:
    """End this process (SIGKILL) as soon as ``parent``, its supervising process, ends, however it
    ends: the kernel's parent-death signal on Linux, else a thread that watches the parent's id."""
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
            if os.getppid() != parent:  # it ended before the signal was asked for
                os.kill(os.getpid(), signal.SIGKILL)
            return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, name="callback-mock-parent", daemon=True).start()


def _unbound(host: str, port: int, what: str, option: str, error: OSError) -> str:
    """The one line that says why ``what`` could not bind ``host:port``, and what to pass instead."""
    shown = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    cause = (
        "is in use"
        if isinstance(error, OSError) and error.errno == errno.EADDRINUSE
        else f"cannot be bound ({error.strerror or error})"
    )
    return f"{shown} ({what}) {cause}; pass {option} PORT, or 0 for a free one"


def bind(host: str, port: int, *, what: str, option: str, reuse_port: bool = False) -> socket.socket:
    """A TCP socket bound to ``host:port`` (0 picks a free port), or the StartError saying why not."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        bound = socket.socket(family, socket.SOCK_STREAM)
    except OSError as error:
        raise StartError(f"{host} ({what}) is not an address to bind: {error}; pass --host ADDRESS") from None
    try:
        if os.name == "posix":
            bound.setsockopt(
                socket.SOL_SOCKET, socket.SO_REUSEADDR, 1
            )  # as servers do: TIME_WAIT is no obstacle
        if reuse_port:
            bound.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        bound.bind((host, port))
    except OSError as error:
        bound.close()
        raise StartError(_unbound(host, port, what, option, error)) from None
    return bound


class Server(MPServer):
    """Granian's server of worker processes, with serve's start: on ``listener``, a socket bound here
    (Granian's own, on Linux, is bound by each worker with ``SO_REUSEPORT``: a port in use went
    unnoticed until a worker failed, and a second serve on the port shared it silently), and
    ``announce`` called once every worker has said it serves on ``reports``."""

    def __init__(
        self,
        *args: Any,
        listener: socket.socket,
        reports: Connection,
        announce: Callable[[], None],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.listener = listener
        self.reports = reports
        self.announce = announce
        self.refused: str | None = None  # why a worker could not start

    def _init_shared_socket(self) -> None:
        # What Granian does where it shares one socket among its workers (off Linux; before 2.6
        # everywhere), with a socket bound here.
        self.listener.listen(self.backlog)
        self.listener.set_inheritable(True)
        fd = self.listener.fileno()
        self._ssp = None
        self._shd = SocketHolder(fd, False, self.backlog)  # type: ignore[call-arg,assignment]  # (fd, uds, backlog)
        self._sfd = fd  # type: ignore[assignment]
        self._sso = self.listener

    def startup(self, spawn_target: Any, target_loader: Any) -> None:
        super().startup(spawn_target, target_loader)  # type: ignore[no-untyped-call]
        waiting = self.workers
        while waiting and not self.main_loop_interrupt.is_set():  # a signal, or a worker's crash
            if not self.reports.poll(0.05):
                continue
            word = self.reports.recv()
            if word != _READY:
                self.refused = word
                self.signal_handler_interrupt()
                return
            waiting -= 1
        if not waiting:
            self.announce()

    def signal_handler_interrupt(self, *args: Any, **kwargs: Any) -> None:
        # The workers are this process's to stop: one that a group's signal (Ctrl-C, systemd's
        # stop) ends before this process asks is no crash, and Granian must not log it as one.
        for worker in self.wrks:
            worker.interrupt_by_parent = True
        super().signal_handler_interrupt(*args, **kwargs)  # type: ignore[no-untyped-call]


class _QuietFaults(logging.Filter):
    """Leaves out Granian's ERROR and traceback for a connection a fault cut on purpose: ``RsgiBridge``
    raises its ``InjectedFault`` to make Granian abort the connection, and logs one INFO line itself.

    Granian logs the error from Rust, its traceback in the message (no ``exc_info``): the
    traceback's last line names the exception's class.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR or not record.name.startswith("_granian"):
            return True
        last = record.getMessage().rsplit("\n", 1)[-1]
        return re.match(r"(?:[\w.]+\.)?InjectedFault: ", last) is None


def logging_config() -> dict[str, Any]:
    """Granian's logging config, on stderr (stdout is for the URLs), without the faults' ERRORs,
    and with the app's own lines (``mockserver.*``, INFO and up)."""
    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    handlers: dict[str, dict[str, Any]] = config["handlers"]
    for handler in handlers.values():
        handler["stream"] = "ext://sys.stderr"
    handlers["console"]["filters"] = ["faults"]
    config["filters"] = {"faults": {"()": _QuietFaults}}
    config["loggers"]["mockserver"] = {"handlers": ["console"], "level": "INFO", "propagate": False}
    return config
