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
from datetime import datetime, timezone
from functools import partial
from multiprocessing import Pipe
from typing import Any, NoReturn, TypeVar

import click
from granian.constants import Interfaces
from granian.log import LogLevels

from mockserver import config
from mockserver.config import DEFAULTS, SETTINGS, Setting
from mockserver.config_parsers import as_text
from mockserver.serving import limits as serving_limits
from mockserver.serving.worker import TARGET, Server, StartError, bind, logging_config, start_worker
from mockserver.store import is_shared

F = TypeVar("F", bound=Callable[..., Any])

# How long SIGTERM waits for the worker before Granian kills it (its workers_kill_timeout): a
# request still in flight then (a latency fault, a body still arriving) is cut.
SHUTDOWN_SECONDS = 5
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


# serve's profiles: settings a use of the server needs together, given where no option or variable does.
PYTEST_PROFILE = "pytest"


def _profiled(profile: str | None, given: dict[str, str | None]) -> dict[str, str | None]:
    """``given`` with the profile's settings where neither an option nor a variable gives them.

    ``pytest``: as the plugin's in-process server (``callback_mock_server``): its clock stands still
    at one instant (now, to the millisecond, unless ``--now``), so every reset returns to it, and
    its seed and size are the defaults unless given. The plugin reads that clock from the server
    (``--callback-mock-url``) and takes it as the factories' ``callback_now``.
    """
    if profile != PYTEST_PROFILE:
        return given
    now = config.BY_NAME["NOW"]
    started = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if given["now"] is None and now.variable not in os.environ:
        given = {**given, "now": started}
    return {**given, "clock_frozen": "true"}


@click.command(cls=_Command)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8080, show_default=True, help="Port to bind; 0 picks a free one.")
@click.option(
    "--profile",
    type=click.Choice([PYTEST_PROFILE]),
    default=None,
    help="pytest: behave as the pytest plugin's in-process server does (its clock frozen at now or "
    "--now, its seed), for pytest --callback-mock-url.",
)
@_options
def serve(host: str, port: int, profile: str | None, **given: str | None) -> None:
    """Serve the mock Genesys Cloud API on its seeded dataset until SIGINT or SIGTERM.

    Any setting may also come from a CALLBACK_MOCK_* variable, read by the same parser as its
    option (CALLBACK_MOCK_JOURNAL=false, CALLBACK_MOCK_TOKENS=secret); an option given wins.
    The URLs are printed once the server answers; if it cannot start (a port in use, a store that
    refuses, a bad setting), one line says why and serve exits 2.
    """
    try:
        _serve(host, port, _profiled(profile, given))
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
    read_workers = (
        config.parse("READ_WORKERS", given["read_workers"])
        if given["read_workers"]
        else configured.get("READ_WORKERS", DEFAULTS["READ_WORKERS"])
    )
    if read_workers and (workers > 1 or is_shared(store)):
        raise StartError(
            "--read-workers serves the memory store: pass neither --workers above 1 nor a shared --store"
        )
    listener = bind(host, port, what="the API", option="--port")
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
    held = bind(host, asked, what="the notification stream", option="--streaming-port", reuse_port=not asked)
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
    options: dict[str, Any] = {
        "interface": Interfaces.RSGI,
        "factory": True,
        "workers_kill_timeout": SHUTDOWN_SECONDS,
        "websockets": False,
        "log_level": LogLevels.warning,
        "log_dictconfig": logging_config(),
        **serving_limits.granian_options(limits),
    }
    reports, report = Pipe(duplex=False)
    if read_workers:
        from mockserver.serving.read_serve import serve_with_readers

        serve_with_readers(
            read_workers,
            host=host,
            listener=listener,
            announce=announce,
            reuse_port=not asked,
            options=options,
        )
        return
    server = Server(
        TARGET,
        address=host,
        port=port,
        workers=workers,
        listener=listener,
        reports=reports,
        announce=announce,
        **options,
    )
    loader: Callable[..., Any] = partial(start_worker, report, os.getpid(), workers > 1 or not asked)
    server.serve(target_loader=loader)
    if server.refused is not None:
        raise StartError(server.refused)
