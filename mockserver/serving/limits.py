"""What bounds ``serve``'s connections: Granian's settings, and the open files they need.

A connection that sends nothing holds one of a worker's ``CONNECTIONS`` (Granian's
``backpressure``, a semaphore taken before each accept) until it closes. In Granian's ``auto`` HTTP
mode the first bytes are read to tell HTTP/1 from HTTP/2 with no time limit, before hyper's
``header_read_timeout`` starts: 1,024 silent sockets (the default backpressure) then locked every
other client out for as long as they stayed open. In HTTP/1 mode that timeout runs from the
accept, so a silent connection, one that stalls in its headers and an idle keep-alive connection
are all closed after ``IDLE_SECONDS``, and whoever waits behind them is accepted. The mock speaks
HTTP/1.1 only (no client of the API needs cleartext HTTP/2). Imports neither Flask nor the app.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from granian.constants import HTTPModes
from granian.http import HTTP1Settings

from mockserver.config import DEFAULTS

BACKLOG = 1024  # Granian's default listen queue (the kernel caps it at net.core.somaxconn)
# Files a worker holds besides its connections: the listening sockets, the stream's sockets, a
# store's connections, the interpreter's own.
_SPARE_FILES = 1024


def _setting(config: Mapping[str, Any], name: str) -> Any:
    return config.get(name, DEFAULTS[name])


def granian_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments of ``Granian(...)`` that bound each connection, from the settings."""
    connections = int(_setting(config, "CONNECTIONS"))
    workers = int(_setting(config, "WORKERS"))
    return {
        "http": HTTPModes.http1,
        "backpressure": connections,  # per worker
        "backlog": max(BACKLOG, connections * workers),  # the one listening socket they share
        "http1_settings": HTTP1Settings(
            header_read_timeout=max(1, round(float(_setting(config, "IDLE_SECONDS")) * 1000))
        ),
    }


def raise_open_files(config: Mapping[str, Any]) -> int:
    """Raise this process's soft limit of open files towards what ``CONNECTIONS`` needs; the new limit.

    Granian's workers inherit it. A soft limit of 1,024, common outside containers, would refuse
    connections (EMFILE) before ``CONNECTIONS`` was reached; the hard limit is never passed.
    """
    if sys.platform == "win32":
        return 0
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = int(_setting(config, "CONNECTIONS")) + _SPARE_FILES
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        return target
    return int(soft)
