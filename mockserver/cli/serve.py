"""``callback-contracts serve``: the mock server as a process, on Granian.

Granian (HTTP in Rust, the app in one Python process) was chosen by measurement over waitress,
cheroot and gunicorn: see ``benchmarks/bench_server.py``. One worker process by default: the
memory store lives in it, so every request must reach it. With a shared store (``--store
redis://...``) ``--workers N`` runs N, each answering from the store.

This module imports neither Flask nor the factories: Granian's supervising process forks the
worker from it, and the worker alone loads the app (``worker_app``).

How it starts and stops: the supervising process binds the API's socket itself (a port in use is
refused there, in one line), and the notification stream's port (a free one unless one is given).
Each worker builds the app, starts the stream, and says so on a pipe (``_start_worker``); the URLs
are printed only once every worker has, so a script that waits for them talks to a server that
answers. A worker that cannot start (its store refuses, the stream's port was taken) says why on
the same pipe, and serve prints that one line and exits 2. A worker never outlives its supervising
process, however that one ends (``_die_with``).
"""

from __future__ import annotations

import contextlib
import copy
import ctypes
import errno
import gc
import json
import logging
import os
import re
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click
from granian._granian import SocketHolder
from granian.constants import Interfaces
from granian.log import LOGGING_CONFIG, LogLevels
from granian.server.mp import MPServer

from mockserver import config
from mockserver.config import DEFAULTS, SETTINGS, Setting
from mockserver.config_parsers import as_text
from mockserver.errors import MockServerError
from mockserver.serving import limits as serving_limits
from mockserver.store import is_shared

F = TypeVar("F", bound=Callable[..., Any])

if TYPE_CHECKING:
    from mockserver.serving.rsgi import RsgiBridge

# How long SIGTERM waits for the worker before Granian kills it (its workers_kill_timeout): a
# request still in flight then (a latency fault, a body still arriving) is cut.
SHUTDOWN_SECONDS = 5
# What serve exits with when it cannot start: a port in use, a store that refuses, a bad setting.
REFUSED = 2
_READY = "ready"  # what a worker sends its supervising process once it serves
_PR_SET_PDEATHSIG = 1  # prctl(2)


class StartError(MockServerError, RuntimeError):
    """Why serve cannot start: one line that names the cause and the fix."""


def worker_app(*, reuse_port: bool | None = None) -> RsgiBridge:
    """The app of Granian's worker, built from the ``CALLBACK_MOCK_*`` variables ``serve`` sets.

    Flask's WSGI app behind ``RsgiBridge``: Granian reads every body, bounded in time and size,
    before the app runs, on the event loop, or on one of its THREADS threads while a fault is set.
    The stream binds its port with ``SO_REUSEPORT`` if ``reuse_port`` (by default
    when there are several workers); one it cannot bind is a ``StartError``.
    """
    # Start-up allocates objects by the hundred thousand and frees few: collecting while importing
    # and seeding is wasted work (benchmarks/README.md). Frozen, they stay out of later collections too.
    gc.disable()
    try:
        from mockserver.app import create_app
        from mockserver.notifications.stream import Stream
        from mockserver.serving.rsgi import RsgiBridge
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
        )
    finally:
        gc.enable()
    gc.freeze()
    return bridge


def _start_worker(report: Connection, parent: int, reuse_port: bool, target: str) -> RsgiBridge:
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
        from mockserver.store import StoreError

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
    with contextlib.suppress(OSError):  # a worker respawned by a reload: nobody listens any more
        report.send(_READY)
    return bridge


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


def _bind(host: str, port: int, *, what: str, option: str, reuse_port: bool = False) -> socket.socket:
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


class _Server(MPServer):
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


def _logging() -> dict[str, Any]:
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


class _Refusal(click.ClickException):
    """A bad option, shown as serve's other refusals are: one line, exit 2."""

    exit_code = REFUSED

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class _Command(click.Command):
    """``serve``: an option it cannot read is one line (click's usage and hint above it drowned it)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            raise _Refusal(f"{error.format_message()}; see serve --help") from None


def _checked(setting: Setting) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """An option's callback: its text read by the setting's own parser, as the variable's is."""

    def check(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is None or value == ():
            return None
        texts = value if isinstance(value, tuple) else (value,)
        text = json.dumps(list(texts)) if isinstance(value, tuple) else str(value)
        try:
            config.parse(setting.name, text)
        except config.SettingError as error:
            raise click.BadParameter(f"expected {error.expected}, got {value!r}") from None
        return text

    return check


def _option(setting: Setting) -> Callable[[F], F]:
    """serve's option for ``setting``: given, it is the worker's CALLBACK_MOCK_<NAME>; absent, the
    variable (or the default) stands."""
    assert setting.flag is not None
    default = setting.default if setting.shown is None else setting.shown
    shown = default not in (None, ()) and setting.flag_value is None
    note = f" [default: {as_text(default)}]" if shown else ""
    extra: dict[str, Any] = {"multiple": True} if setting.multiple else {}
    if setting.flag_value is not None:
        extra["flag_value"] = setting.flag_value
    if setting.metavar is not None:
        extra["metavar"] = setting.metavar
    return click.option(
        setting.flag,
        setting.option,
        default=None,
        callback=_checked(setting),
        help=(setting.flag_help or setting.help) + note,
        **extra,
    )


def _options(command: F) -> F:
    """Every setting's option that serve has (``mockserver.config.SETTINGS``), in the table's order."""
    for setting in reversed(SETTINGS):
        if setting.flag is not None:
            command = _option(setting)(command)
    return command


@click.command(cls=_Command)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8080, show_default=True, help="Port to bind; 0 picks a free one.")
@_options
def serve(host: str, port: int, **given: str | None) -> None:
    """Serve the mock Genesys Cloud API on its seeded dataset until SIGINT or SIGTERM.

    Any setting may also come from a CALLBACK_MOCK_* variable, read by the same parser as its
    option (CALLBACK_MOCK_JOURNAL=false, CALLBACK_MOCK_TOKENS=secret); an option given wins.
    The URLs are printed once the server answers; if it cannot start (a port in use, a store that
    refuses, a bad setting), one line says why and serve exits 2.
    """
    try:
        _serve(host, port, given)
    except StartError as error:
        _refuse(str(error))


def _refuse(reason: str) -> NoReturn:
    click.echo(f"error: {reason}", err=True)
    sys.exit(REFUSED)


def _serve(host: str, port: int, given: dict[str, str | None]) -> None:
    try:
        configured = config.from_environ()  # refused here, before anything starts
    except config.SettingError as error:
        raise StartError(f"{config.PREFIX}{error}") from None
    workers = (
        config.parse("WORKERS", given["workers"])
        if given["workers"]
        else configured.get("WORKERS", DEFAULTS["WORKERS"])
    )
    store = given["store"] or configured.get("STORE", DEFAULTS["STORE"])
    if workers > 1 and not is_shared(store):
        raise StartError(
            "--workers above 1 needs a shared --store (redis://...): each worker would hold a state of its own"
        )
    listener = _bind(host, port, what="the API", option="--port")
    port = listener.getsockname()[1]
    # The app is built in Granian's worker process; it reads its config from the environment.
    exported = {s.variable: text for s in SETTINGS if (text := given.get(s.option)) is not None}
    exported[config.BY_NAME["STREAMING_HOST"].variable] = host  # the stream binds where the API does
    os.environ.update(exported)
    # The stream's port: the one given (checked here: in use, it is refused before any worker
    # starts); else a free one, picked by binding port 0 and held here (SO_REUSEPORT, not
    # listening) until the workers have bound it too, so that nothing else takes it meanwhile.
    # Never the API's port + 1, as it once was: that port may be anyone's (an outgoing
    # connection's ephemeral port).
    streaming = config.BY_NAME["STREAMING_PORT"].variable
    asked = int(os.environ.get(streaming, DEFAULTS["STREAMING_PORT"]))
    held = _bind(host, asked, what="the notification stream", option="--streaming-port", reuse_port=not asked)
    streaming_port = held.getsockname()[1]
    if asked:
        held.close()
    os.environ[streaming] = str(streaming_port)
    admin = given["admin"] is None and configured.get("ADMIN", DEFAULTS["ADMIN"])
    if (
        admin
        and host in ("0.0.0.0", "::", "")
        and not (given["admin_token"] or configured.get("ADMIN_TOKEN"))
    ):
        click.echo(
            f"warning: the control API ({configured.get('ADMIN_PREFIX', DEFAULTS['ADMIN_PREFIX'])}) is open "
            f"to every host that reaches {host}: anyone can reset, seed and fault this server. "
            "Pass --admin-token, --no-admin or --host 127.0.0.1. "
            "Clients that reach it by a host name (not an IP address) need --allowed-host NAME.",
            err=True,
        )
    shown_host = f"[{host}]" if ":" in host else host

    def announce() -> None:
        held.close()
        click.echo(f"callback-contracts mock server on http://{shown_host}:{port}")
        click.echo(f"notification stream on ws://{shown_host}:{streaming_port}")
        sys.stdout.flush()

    limits = config.from_environ()  # what was configured, the options given included (exported above)
    serving_limits.raise_open_files(limits)
    reports, report = Pipe(duplex=False)
    server = _Server(
        "mockserver.cli.serve:worker_app",
        address=host,
        port=port,
        interface=Interfaces.RSGI,
        factory=True,
        workers=workers,
        workers_kill_timeout=SHUTDOWN_SECONDS,
        websockets=False,
        log_level=LogLevels.warning,
        log_dictconfig=_logging(),
        listener=listener,
        reports=reports,
        announce=announce,
        **serving_limits.granian_options(limits),
    )
    loader: Callable[..., Any] = partial(_start_worker, report, os.getpid(), workers > 1 or not asked)
    server.serve(target_loader=loader)
    if server.refused is not None:
        raise StartError(server.refused)
