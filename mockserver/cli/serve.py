"""``callback-contracts serve``: the mock server as a process, on Granian.

Granian (HTTP in Rust, the app in one Python process) was chosen by measurement over waitress,
cheroot and gunicorn: see ``benchmarks/bench_server.py``. One worker process by default: the
memory store lives in it, so every request must reach it. With a shared store (``--store
redis://...``) ``--workers N`` runs N, each answering from the store.

This module imports neither Flask nor the factories: Granian's supervising process forks the
worker from it, and the worker alone loads the app (``worker_app``).
"""

from __future__ import annotations

import gc
import json
import os
import socket
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from mockserver import serving_limits, settings
from mockserver.config import DEFAULTS

F = TypeVar("F", bound=Callable[..., Any])

if TYPE_CHECKING:
    from mockserver.rsgi import RsgiBridge

# How long SIGTERM waits for the worker before Granian kills it (its workers_kill_timeout): a
# request still in flight then (a latency fault, a body still arriving) is cut.
SHUTDOWN_SECONDS = 5
STREAMING_PORT = "the API's port + 1"  # serve's notification stream, unless an option or variable says


def worker_app() -> RsgiBridge:
    """The app of Granian's worker, built from the ``CALLBACK_MOCK_*`` variables ``serve`` sets.

    Flask's WSGI app behind ``RsgiBridge``: Granian reads every body, bounded in time and size,
    before the app runs, on the event loop, or on one of ``CALLBACK_MOCK_THREADS`` threads while a
    fault is set.
    """
    # Start-up allocates objects by the hundred thousand and frees few: collecting while importing
    # and seeding is wasted work (benchmarks/README.md). Frozen, they stay out of later collections too.
    gc.disable()
    try:
        from mockserver.app import create_app
        from mockserver.control.middleware import Control
        from mockserver.extension import backend_of
        from mockserver.notifications.stream import Stream
        from mockserver.rsgi import RsgiBridge

        app = create_app()
        # The notification stream lives in this process, beside the state it streams.
        backend = backend_of(app)
        channels = backend.notifications
        Stream.from_config(channels, app.config).start(
            app.config["STREAMING_HOST"],
            int(app.config["STREAMING_PORT"]),
            reuse_port=int(app.config["WORKERS"]) > 1,
        )
        if app.config["STREAMING_URL"]:
            channels.connect_base = app.config["STREAMING_URL"]
        control = app.wsgi_app  # create_app's outermost WSGI layer: it answers bodyless reads itself
        assert isinstance(control, Control)
        bridge = RsgiBridge(
            app,
            threads=int(os.environ.get("CALLBACK_MOCK_THREADS", "2")),
            max_body=int(app.config["MAX_CONTENT_LENGTH"]),
            body_timeout=float(app.config["BODY_TIMEOUT"]),
            inline=lambda: not backend.faults.active,  # a fault may sleep: then a thread runs the app
            bodyless=control.answer_bodyless,
        )
    finally:
        gc.enable()
    gc.freeze()
    return bridge


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


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


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8080, show_default=True, help="Port to bind; 0 picks a free one.")
@click.option("--threads", default=2, show_default=True, help="Threads serving requests.")
@_option(
    "--streaming-port",
    "STREAMING_PORT",
    "Port of the notification stream (the channels' connectUri); 0 picks a free one.",
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
def serve(host: str, port: int, threads: int, **given: str | None) -> None:
    """Serve the mock Genesys Cloud API on its seeded dataset until SIGINT or SIGTERM.

    Any setting may also come from a CALLBACK_MOCK_* variable, read by the same parser as its
    option (CALLBACK_MOCK_JOURNAL=false, CALLBACK_MOCK_TOKENS=secret); an option given wins.
    """
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    try:
        configured = settings.from_environ()  # refused here, before anything starts
    except settings.SettingError as error:
        raise click.UsageError(f"{settings.PREFIX}{error}") from None
    workers = (
        settings.parse("WORKERS", given["workers"])
        if given["workers"]
        else configured.get("WORKERS", DEFAULTS["WORKERS"])
    )
    store = given["store"] or configured.get("STORE", DEFAULTS["STORE"])
    if workers > 1 and store == "memory":
        raise click.UsageError(
            "--workers above 1 needs a shared --store (redis://...): each worker would hold a state of its own"
        )
    asked_port = port
    if port == 0:
        port = _free_port(host)
    # The app is built in Granian's worker process; it reads its config from the environment.
    exported = {settings.PREFIX + name.upper(): text for name, text in given.items() if text is not None}
    # The stream binds where the API does; its port is serve's own default unless one was given.
    exported.update({"CALLBACK_MOCK_THREADS": str(threads), "CALLBACK_MOCK_STREAMING_HOST": host})
    os.environ.update(exported)
    # The stream's port: the one given; else the API's + 1, so two servers on their own ports do
    # not ask for the same one; a free one (picked here, so the printed URL is the real one) when
    # the API's port was picked or 0 was given.
    streaming = os.environ.get("CALLBACK_MOCK_STREAMING_PORT")
    if streaming is None:
        streaming = "0" if asked_port == 0 else str(port + 1)
    if streaming == "0":
        streaming = str(_free_port(host))
    os.environ["CALLBACK_MOCK_STREAMING_PORT"] = streaming_port = streaming
    admin = given["admin"] is None and configured.get("ADMIN", True)
    if (
        admin
        and host in ("0.0.0.0", "::", "")
        and not (given["admin_token"] or configured.get("ADMIN_TOKEN"))
    ):
        click.echo(
            f"warning: the control API ({configured.get('ADMIN_PREFIX', DEFAULTS['ADMIN_PREFIX'])}) is open "
            f"to every host that reaches {host}: anyone can reset, seed and fault this server. "
            "Pass --admin-token, --no-admin or --host 127.0.0.1.",
            err=True,
        )
    shown_host = f"[{host}]" if ":" in host else host
    limits = settings.from_environ()  # what was configured, the options given included (exported above)
    serving_limits.raise_open_files(limits)
    server = Granian(
        "mockserver.cli.serve:worker_app",
        address=host,
        port=port,
        interface=Interfaces.RSGI,
        factory=True,
        workers=workers,
        workers_kill_timeout=SHUTDOWN_SECONDS,
        websockets=False,
        log_level=LogLevels.warning,
        **serving_limits.granian_options(limits),
    )

    # Granian calls its startup hooks once the socket is bound: the URL is announced only then.
    def announce() -> None:
        click.echo(f"callback-contracts mock server on http://{shown_host}:{port}")
        click.echo(f"notification stream on ws://{shown_host}:{streaming_port}")

    server.on_startup(announce)
    server.serve()
