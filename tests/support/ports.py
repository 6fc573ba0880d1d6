"""Ports for the tests that open sockets themselves: a free one, and the host and port a URL names."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit


def free_port() -> int:
    """A port that was free a moment ago: nothing listens on it once this returns."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def address(url: str) -> tuple[str, int]:
    """The host (an IPv6 one without its brackets) and port of ``http://host:port`` or ``ws://host:port``."""
    parts = urlsplit(url)
    assert parts.hostname is not None
    assert parts.port is not None
    return parts.hostname, parts.port
