"""``callback-contracts serve``: the mock server as a process, on Granian.

Granian (HTTP in Rust, the app in one Python process) was chosen by measurement over waitress,
cheroot and gunicorn: see ``benchmarks/bench_server.py``. One worker process by default: the
memory store lives in it, so every request must reach it. With a shared store (``--store
redis://...``) ``--workers N`` runs N, each answering from the store.

This module is the command: its options, and how it starts and stops Granian's server. The
worker's side (the app a worker loads, the pipe it reports on, the supervising server) is
``mockserver.serving.worker``. Neither imports Flask nor the factories: Granian's supervising
process forks the workers from this one, and each worker alone loads the app.

How it starts and stops: the supervising process binds the API's socket itself (a port in use is
refused there, in one line), and the notification stream's port (a free one unless one is given).
The URLs are printed only once every worker serves; a worker that cannot start says why, and serve
prints that one line and exits 2.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from functools import partial
from multiprocessing import Pipe
from typing import Any, NoReturn, TypeVar

import click
from granian.constants import Interfaces
from granian.log import LogLevels

from mockserver import settings
from mockserver.config import DEFAULTS
from mockserver.serving import limits as serving_limits
from mockserver.serving.worker import TARGET, Server, StartError, bind, logging_config, start_worker

F = TypeVar("F", bound=Callable[..., Any])

# How long SIGTERM waits for the worker before Granian kills it (its workers_kill_timeout): a
# request still in flight then (a latency fault, a body still arriving) is cut.
SHUTDOWN_SECONDS = 5
STREAMING_PORT = "a free one"  # serve's notification stream, unless an option or variable says
# What serve exits with when it cannot start: a port in use, a store that refuses, a bad setting.
REFUSED = 2


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


def _setting(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """An option's callback: its text read by the setting's own parser, as the variable's is."""

    def check(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is None or value == ():
            return None
        texts = value if isinstance(value, tuple) else (value,)
        text = json.dumps(list(texts)) if isinstance(value, tuple) else str(value)
        try:
            settings.parse(name, text)
        except settings.SettingError as error:
            raise click.BadParameter(f"expected {error.expected}, got {value!r}") from None
        return text

    return check


def _option(flag: str, name: str, help: str, *, shown: Any = None, **kwargs: Any) -> Callable[[F], F]:
    """An option for setting ``name``: given, it is the worker's CALLBACK_MOCK_<name>; absent, the
    variable (or the default, ``shown`` if serve's own differs) stands."""
    default = DEFAULTS[name] if shown is None else shown
    note = f" [default: {default}]" if default not in (None, ()) and "flag_value" not in kwargs else ""
    return click.option(flag, name.lower(), default=None, callback=_setting(name), help=help + note, **kwargs)


@click.command(cls=_Command)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8080, show_default=True, help="Port to bind; 0 picks a free one.")
@click.option("--threads", default=2, show_default=True, help="Threads serving requests.")
@_option(
    "--streaming-port",
    "STREAMING_PORT",
    "Port of the notification stream (the channels' connectUri; printed on serve's second line); "
    "0 or none picks a free one.",
    shown=STREAMING_PORT,
)
@_option(
    "--streaming-url",
    "STREAMING_URL",
    "The stream's address in channels' connectUri, if clients reach it elsewhere (ws://balancer:8081).",
    metavar="URL",
)
@_option(
    "--heartbeat",
    "HEARTBEAT_SECONDS",
    "Seconds between channel.metadata heartbeats on each socket (real time).",
)
@_option("--seed", "SEED", "Seed of the generated dataset.")
@_option("--conversations", "CONVERSATIONS", "Conversations generated at start and restored by every reset.")
@_option("--token", "TOKENS", "Accept only these bearer tokens (repeatable).", multiple=True)
@_option("--now", "NOW", "The clock's start (ISO-8601); it runs on from there.", metavar="ISO")
@_option("--frozen", "CLOCK_FROZEN", "The clock stands still until set or advanced.", flag_value="true")
@_option(
    "--lifecycle",
    "LIFECYCLE",
    "How conversations live: auto, manual, off, or a JSON object of the control API's Lifecycle.",
    metavar="MODE",
)
@_option("--admin-prefix", "ADMIN_PREFIX", "Where the control API lives.")
@_option("--no-admin", "ADMIN", "Serve no control API (its paths answer 404).", flag_value="false")
@_option("--admin-token", "ADMIN_TOKEN", "Require this bearer token on the control API.")
@_option("--no-journal", "JOURNAL", "Record no requests (the journal is off).", flag_value="false")
@_option(
    "--rate-limit",
    "RATE_LIMIT",
    "Allow each bearer token so many requests per window, e.g. 300/60; more get 429.",
    metavar="REQUESTS/SECONDS",
)
@_option("--body-timeout", "BODY_TIMEOUT", "Seconds a client has to send a body; slower ones get 408.")
@_option(
    "--store",
    "STORE",
    "Where the state lives: memory, or redis://HOST:PORT/DB, shared by every serve pointed at it.",
    metavar="URL",
)
@_option(
    "--store-prefix", "STORE_PREFIX", "The namespace of this mock's keys in a shared store.", metavar="NAME"
)
@_option("--workers", "WORKERS", "Worker processes; more than one needs a shared --store.", metavar="N")
@_option(
    "--allowed-host",
    "ALLOWED_HOSTS",
    "Answer to this host name too (repeatable; .example.com: it and its subdomains; *: any); other names get 421.",
    multiple=True,
    metavar="NAME",
)
@_option(
    "--store-timeout",
    "STORE_TIMEOUT",
    "Seconds a shared store's command may take; past it the store counts as down (503).",
)
@_option(
    "--idle-seconds",
    "IDLE_SECONDS",
    "Seconds a connection may stay silent (no request, no handshake, idle keep-alive) before it is closed.",
)
@_option("--connections", "CONNECTIONS", "Connections each worker serves at once; more wait.", metavar="N")
@_option(
    "--stream-outbox-bytes",
    "STREAM_OUTBOX_BYTES",
    "Bytes a notification socket may leave unread; past it the socket is closed (1008).",
    metavar="N",
)
@_option(
    "--notifications-limit",
    "NOTIFICATIONS_LIMIT",
    "Pushed notifications the control API keeps; the oldest go first.",
    metavar="N",
)
@_option("--max-conversations", "MAX_CONVERSATIONS", "Conversations stored at once.", metavar="N")
@_option("--max-text-length", "MAX_TEXT_LENGTH", "Characters of any text in a request body.", metavar="N")
@_option("--max-callback-numbers", "MAX_CALLBACK_NUMBERS", "callbackNumbers of one callback.", metavar="N")
@_option("--max-attributes", "MAX_ATTRIBUTES", "Entries of a callback's data or attributes.", metavar="N")
@_option("--max-callbacks", "MAX_CALLBACKS", "Customer callbacks in one conversation.", metavar="N")
@_option("--journal-limit", "JOURNAL_LIMIT", "Requests the journal keeps; the oldest go first.", metavar="N")
@_option("--journal-bytes", "JOURNAL_BYTES", "Bytes of bodies the journal keeps.", metavar="N")
@_option("--max-body", "MAX_CONTENT_LENGTH", "Bytes of a request body; a larger one gets 413.", metavar="N")
def serve(host: str, port: int, threads: int, **given: str | None) -> None:
    """Serve the mock Genesys Cloud API on its seeded dataset until SIGINT or SIGTERM.

    Any setting may also come from a CALLBACK_MOCK_* variable, read by the same parser as its
    option (CALLBACK_MOCK_JOURNAL=false, CALLBACK_MOCK_TOKENS=secret); an option given wins.
    The URLs are printed once the server answers; if it cannot start (a port in use, a store that
    refuses, a bad setting), one line says why and serve exits 2.
    """
    try:
        _serve(host, port, threads, given)
    except StartError as error:
        _refuse(str(error))


def _refuse(reason: str) -> NoReturn:
    click.echo(f"error: {reason}", err=True)
    sys.exit(REFUSED)


def _serve(host: str, port: int, threads: int, given: dict[str, str | None]) -> None:
    try:
        configured = settings.from_environ()  # refused here, before anything starts
    except settings.SettingError as error:
        raise StartError(f"{settings.PREFIX}{error}") from None
    workers = (
        settings.parse("WORKERS", given["workers"])
        if given["workers"]
        else configured.get("WORKERS", DEFAULTS["WORKERS"])
    )
    store = given["store"] or configured.get("STORE", DEFAULTS["STORE"])
    if workers > 1 and store == "memory":
        raise StartError(
            "--workers above 1 needs a shared --store (redis://...): each worker would hold a state of its own"
        )
    listener = bind(host, port, what="the API", option="--port")
    port = listener.getsockname()[1]
    # The app is built in Granian's worker process; it reads its config from the environment.
    exported = {settings.PREFIX + name.upper(): text for name, text in given.items() if text is not None}
    # The stream binds where the API does.
    exported.update({"CALLBACK_MOCK_THREADS": str(threads), "CALLBACK_MOCK_STREAMING_HOST": host})
    os.environ.update(exported)
    # The stream's port: the one given (checked here: in use, it is refused before any worker
    # starts); else a free one, picked by binding port 0 and held here (SO_REUSEPORT, not
    # listening) until the workers have bound it too, so that nothing else takes it meanwhile.
    # Never the API's port + 1, as it once was: that port may be anyone's (an outgoing
    # connection's ephemeral port).
    asked = int(os.environ.get("CALLBACK_MOCK_STREAMING_PORT", "0"))
    held = bind(host, asked, what="the notification stream", option="--streaming-port", reuse_port=not asked)
    streaming_port = held.getsockname()[1]
    if asked:
        held.close()
    os.environ["CALLBACK_MOCK_STREAMING_PORT"] = str(streaming_port)
    admin = given["admin"] is None and configured.get("ADMIN", True)
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

    limits = settings.from_environ()  # what was configured, the options given included (exported above)
    serving_limits.raise_open_files(limits)
    reports, report = Pipe(duplex=False)
    server = Server(
        TARGET,
        address=host,
        port=port,
        interface=Interfaces.RSGI,
        factory=True,
        workers=workers,
        workers_kill_timeout=SHUTDOWN_SECONDS,
        websockets=False,
        log_level=LogLevels.warning,
        log_dictconfig=logging_config(),
        listener=listener,
        reports=reports,
        announce=announce,
        **serving_limits.granian_options(limits),
    )
    loader: Callable[..., Any] = partial(start_worker, report, os.getpid(), workers > 1 or not asked)
    server.serve(target_loader=loader)
    if server.refused is not None:
        raise StartError(server.refused)
