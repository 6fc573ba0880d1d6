"""When a read worker may answer GET by id from the shared table itself (issue 26).

The owner of the store publishes here what a read needs from its state: whether anything that
changes a read's answer is set (a fault, a stub, the rate limit, ``advanceOn: reads``), the real
time at which its lifecycle's next step is due, its clock (frozen at an instant, or its offset
from the real time: a journal entry's time), whether the journal is on, and the Authorization
headers it has found permitted to read a conversation, each until when (an issued token
expires). A read worker answers only while all of that allows it; else it hands the request to
the owner, which answers it as one process does.

One segment (``/dev/shm``) under one sequence number, a seqlock as ``SharedAnswers``' (x86-64's
total store order): the owner makes it odd, writes, makes it even; a reader keeps what it parsed
with the sequence it parsed it at and parses again only when the sequence moved.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import mmap
import os
import struct
import threading
import time
from typing import Final, NamedTuple

__all__ = ["GATE_TOKENS", "GateState", "ReadGate", "digest"]

_SHM: Final = "/dev/shm"
_SEQUENCE: Final = struct.Struct("<Q")
# sequence, open (1: no fault, stub, limit or counted read), journal on, wake at (s), frozen at (ms;
# -1: running), offset (ms), tokens held
_HEADER: Final = struct.Struct("<QBBdqqI")
_TOKEN: Final = struct.Struct("<16sd")  # an Authorization header's digest, until when (s) it passes
GATE_TOKENS: Final = 4096  # the most tokens held: a token beyond them is read through the owner


def digest(authorization: str) -> bytes:
    """What the gate holds of an Authorization header (never the header itself)."""
    return hashlib.blake2b(authorization.encode("utf-8", "surrogateescape"), digest_size=16).digest()


class GateState(NamedTuple):
    """What the owner publishes; a reader's copy of it."""

    open: bool
    journal: bool
    wake_at: float  # time.time() at which the next step is due (-inf: every read counts)
    frozen_ms: int  # -1 while the clock runs
    offset_ms: int
    tokens: dict[bytes, float]  # digest -> time.time() until which it passes

    def seconds(self) -> float:
        """The owner's clock now (a journal entry's time)."""
        if self.frozen_ms >= 0:
            return self.frozen_ms / 1000
        return time.time() + self.offset_ms / 1000


_CLOSED = GateState(False, True, -math.inf, -1, 0, {})


class ReadGate:
    """The gate's segment, ``name``: written by the process that created it, read by any."""

    def __init__(self, name: str, *, create: bool) -> None:
        path = os.path.join(_SHM, name.lstrip("/"))
        descriptor = os.open(path, os.O_RDWR | (os.O_CREAT | os.O_EXCL if create else 0), 0o600)
        try:
            if create:
                os.ftruncate(descriptor, _HEADER.size + GATE_TOKENS * _TOKEN.size)
            self._view = mmap.mmap(descriptor, os.fstat(descriptor).st_size)
        finally:
            os.close(descriptor)
        self.name = name
        self._path = path if create else None
        self._lock = threading.Lock()
        self._seen = -1  # the sequence ``_state`` was parsed at (a reader's)
        self._state = _CLOSED
        if create:
            self.publish(_CLOSED)  # closed until the owner publishes its state

    def state(self) -> GateState:
        """The state last published, whole (a reader's call: one read of the sequence while it stands)."""
        view = self._view
        sequence = _SEQUENCE.unpack_from(view, 0)[0]
        if sequence == self._seen:
            return self._state
        while True:
            if not sequence & 1:
                _, is_open, journal, wake_at, frozen_ms, offset_ms, count = _HEADER.unpack_from(view, 0)
                tokens = dict(_TOKEN.iter_unpack(view[_HEADER.size : _HEADER.size + count * _TOKEN.size]))
                if _SEQUENCE.unpack_from(view, 0)[0] == sequence:
                    self._state = GateState(
                        bool(is_open), bool(journal), wake_at, frozen_ms, offset_ms, tokens
                    )
                    self._seen = sequence
                    return self._state
            time.sleep(0)
            sequence = _SEQUENCE.unpack_from(view, 0)[0]

    def publish(self, state: GateState) -> None:
        """Make ``state`` the gate's (the owner's call): every ``state()`` that begins after sees it."""
        tokens = list(state.tokens.items())[:GATE_TOKENS]
        with self._lock:
            view = self._view
            sequence = _SEQUENCE.unpack_from(view, 0)[0]
            _SEQUENCE.pack_into(view, 0, sequence + 1)
            _HEADER.pack_into(
                view,
                0,
                sequence + 1,
                state.open,
                state.journal,
                state.wake_at,
                state.frozen_ms,
                state.offset_ms,
                len(tokens),
            )
            at = _HEADER.size
            for token, until in tokens:
                _TOKEN.pack_into(view, at, token, until)
                at += _TOKEN.size
            _SEQUENCE.pack_into(view, 0, sequence + 2)

    def close(self) -> None:
        self._view.close()
        if self._path is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._path)
