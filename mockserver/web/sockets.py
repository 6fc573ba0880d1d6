"""Resetting a client's connection (TCP RST) from inside the app, whichever server holds the socket.

A socket closed with a zero linger time resets its connection, but only when its last file
descriptor closes: the server's own descriptor is replaced by an unconnected socket (its later
writes and shutdown fail, as on any broken connection) so the app's duplicate is the last one.
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct

_ZERO_LINGER = struct.pack("ii", 1, 0)
_INET = (socket.AF_INET, socket.AF_INET6)


def reset(descriptor: int) -> None:
    """Reset the connection of the socket at ``descriptor`` now, leaving the descriptor open."""
    connection = socket.socket(fileno=os.dup(descriptor))
    try:
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _ZERO_LINGER)
        with socket.socket(connection.family, socket.SOCK_STREAM) as placeholder:
            os.dup2(placeholder.fileno(), descriptor)
    finally:
        connection.close()


def find(local: tuple[str, int], peer: tuple[str, int]) -> int | None:
    """The descriptor of this process's socket connected from ``local`` to ``peer`` (Linux's /proc)."""
    try:
        descriptors = os.listdir("/proc/self/fd")
    except OSError:
        return None
    for name in descriptors:
        descriptor = int(name)
        with contextlib.suppress(OSError):
            if not os.readlink(f"/proc/self/fd/{name}").startswith("socket:"):
                continue
            with socket.socket(fileno=os.dup(descriptor)) as probe:
                if probe.family not in _INET or probe.type != socket.SOCK_STREAM:
                    continue
                if _same(probe.getsockname(), local) and _same(probe.getpeername(), peer):
                    return descriptor
    return None


def _same(address: tuple[object, ...], wanted: tuple[str, int]) -> bool:
    host, port = str(address[0]), int(str(address[1]))
    return port == wanted[1] and host.removeprefix("::ffff:") == wanted[0].removeprefix("::ffff:")
