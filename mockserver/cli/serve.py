"""``callback-contracts serve``: the mock server as a process, on Granian.

Granian (HTTP in Rust, the app in one Python process) was chosen by measurement over waitress,
cheroot and gunicorn: see ``benchmarks/bench_server.py``. One process on purpose: the store is
in memory, so every request must reach the same one.

This module imports neither Flask nor the factories: Granian's supervising process forks the
worker from it, and the worker alone loads the app (``worker_app``).
"""

from __future__ import annotations

import gc
import json
import os
import socket
from typing import TYPE_CHECKING

import click

from mockserver.config import DEFAULTS

if TYPE_CHECKING:
    from mockserver.rsgi import RsgiBridge

# How long SIGTERM waits for the worker before Granian kills it (its workers_kill_timeout): a
# request still in flight then (a latency fault, a body still arriving) is cut.
SHUTDOWN_SECONDS = 5


def worker_app() -> RsgiBridge:
    """The app of Granian's worker, built from the ``CALLBACK_MOCK_*`` variables ``serve`` sets.

    Flask's WSGI app behind ``RsgiBridge``: Granian reads every body, bounded in time and size,
    before one of ``CALLBACK_MOCK_THREADS`` threads runs the app.
    """
    # Start-up allocates objects by the hundred thousand and frees few: collecting while importing
    # and seeding is wasted work (~15 ms of ~230). Frozen, they stay out of later collections too.
    gc.disable()
    try:
        from mockserver.app import create_app
        from mockserver.rsgi import RsgiBridge

        app = create_app()
        bridge = RsgiBridge(
            app,
            threads=int(os.environ.get("CALLBACK_MOCK_THREADS", "2")),
            max_body=int(app.config["MAX_CONTENT_LENGTH"]),
            body_timeout=float(app.config["BODY_TIMEOUT"]),
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


def _rate_limit(text: str) -> dict[str, int]:
    requests, _, seconds = text.partition("/")
    if not (requests.isdigit() and seconds.isdigit() and int(requests) > 0 and int(seconds) > 0):
        raise click.BadParameter(
            f"expected REQUESTS/SECONDS such as 300/60, got {text!r}", param_hint="--rate-limit"
        )
    return {"requests": int(requests), "windowSeconds": int(seconds)}


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8080, show_default=True, help="Port to bind; 0 picks a free one.")
@click.option("--seed", default=DEFAULTS["SEED"], show_default=True, help="Seed of the generated dataset.")
@click.option(
    "--conversations",
    default=DEFAULTS["CONVERSATIONS"],
    show_default=True,
    help="Conversations generated at start and restored by every reset.",
)
@click.option("--token", "tokens", multiple=True, help="Accept only these bearer tokens (repeatable).")
@click.option("--threads", default=2, show_default=True, help="Threads serving requests.")
@click.option(
    "--admin-prefix", default=None, help=f"Where the control API lives [default: {DEFAULTS['ADMIN_PREFIX']}]."
)
@click.option("--no-admin", is_flag=True, default=False, help="Serve no control API (/__admin answers 404).")
@click.option("--admin-token", default=None, help="Require this bearer token on the control API.")
@click.option("--no-journal", is_flag=True, default=False, help="Record no requests (the journal is off).")
@click.option(
    "--rate-limit",
    default=None,
    metavar="REQUESTS/SECONDS",
    help="Allow each bearer token so many requests per window, e.g. 300/60; more get 429.",
)
def serve(
    host: str,
    port: int,
    seed: int,
    conversations: int,
    tokens: tuple[str, ...],
    threads: int,
    admin_prefix: str | None,
    no_admin: bool,
    admin_token: str | None,
    no_journal: bool,
    rate_limit: str | None,
) -> None:
    """Serve the mock Genesys Cloud API on its seeded dataset until SIGINT or SIGTERM.

    Any setting may also come from a CALLBACK_MOCK_* variable (CALLBACK_MOCK_JOURNAL=false).
    """
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    if port == 0:
        port = _free_port(host)
    # The app is built in Granian's worker process; it reads its config from the environment.
    os.environ.update(
        {
            "CALLBACK_MOCK_SEED": str(seed),
            "CALLBACK_MOCK_CONVERSATIONS": str(conversations),
            "CALLBACK_MOCK_TOKENS": json.dumps(list(tokens)),
            "CALLBACK_MOCK_THREADS": str(threads),
        }
    )
    control = {
        "CALLBACK_MOCK_ADMIN_PREFIX": json.dumps(admin_prefix) if admin_prefix else None,
        "CALLBACK_MOCK_ADMIN": "false" if no_admin else None,
        "CALLBACK_MOCK_ADMIN_TOKEN": json.dumps(admin_token) if admin_token else None,
        "CALLBACK_MOCK_JOURNAL": "false" if no_journal else None,
        "CALLBACK_MOCK_RATE_LIMIT": json.dumps(_rate_limit(rate_limit)) if rate_limit else None,
    }
    os.environ.update({name: value for name, value in control.items() if value is not None})
    shown_host = f"[{host}]" if ":" in host else host
    click.echo(f"callback-contracts mock server on http://{shown_host}:{port}", err=False)
    Granian(
        "mockserver.cli.serve:worker_app",
        address=host,
        port=port,
        interface=Interfaces.RSGI,
        factory=True,
        workers=1,
        workers_kill_timeout=SHUTDOWN_SECONDS,
        websockets=False,
        log_level=LogLevels.warning,
    ).serve()
