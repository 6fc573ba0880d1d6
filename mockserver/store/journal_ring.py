"""The journal's numbers and the read workers' entries, shared between processes (issue 26).

Under ``serve --read-workers N`` the owner keeps the journal, and the read workers answer most
reads: each keeps its entry here, numbered from the same counter the owner numbers its own
requests from, so the journal is in arrival order whichever process answered. The owner drains
the ring into its journal before anything reads the journal (``SharedJournal``), and now and then
so it never fills; a read worker that finds it full hands its request to the owner instead.

One segment (``/dev/shm``): a header (the last number given, the bytes used, the entries held),
then the entries, each its length and ``marshal``'s bytes of a ``KeptRequest`` (whose fields are
strings, numbers, bytes, a dict and tuples of strings). Every access holds the segment file's
``lockf`` lock, which is process-shared and released by the kernel if its holder dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import marshal
import mmap
import os
import struct
import threading
from collections.abc import Callable
from fcntl import LOCK_EX, LOCK_UN, lockf
from marshal import dumps
from typing import Any, Final, NamedTuple, cast

from mockserver.control.journal import Journal, KeptRequest

__all__ = ["JournalRing", "RingRow", "SharedJournal"]

_SHM: Final = "/dev/shm"
_HEADER: Final = struct.Struct("<QQQ")  # the last number given, bytes used, entries held
_NUMBER: Final = struct.Struct("<Q")  # the header's first field
_ENTRY: Final = struct.Struct("<IQQ")  # an entry's length, number and journal size, before its bytes
RING_BYTES: Final = 8 * 1024 * 1024


class JournalRing:
    """The shared counter and the entries the read workers keep, in a segment named ``name``."""

    def __init__(self, name: str, *, create: bool, size: int = RING_BYTES) -> None:
        path = os.path.join(_SHM, name.lstrip("/"))
        flags = os.O_RDWR | (os.O_CREAT | os.O_EXCL if create else 0)
        self._descriptor = os.open(path, flags, 0o600)
        if create:
            os.ftruncate(self._descriptor, _HEADER.size + size)
        self._view = mmap.mmap(self._descriptor, os.fstat(self._descriptor).st_size)
        self._capacity = len(self._view) - _HEADER.size
        self._threads = threading.Lock()  # lockf locks a process, not its threads
        self.name = name
        self._path = path if create else None

    def next_id(self) -> int:
        """The next number of the journal (the owner's requests take theirs here too)."""
        view, descriptor = self._view, self._descriptor
        self._threads.acquire()
        lockf(descriptor, LOCK_EX)
        try:
            number = _NUMBER.unpack_from(view, 0)[0] + 1
            _NUMBER.pack_into(view, 0, number)
        finally:
            lockf(descriptor, LOCK_UN)
            self._threads.release()
        return int(number)

    def keep(self, kept: KeptRequest) -> int | None:
        """Number ``kept`` (its id is replaced) and keep it: its number, or None if the ring is full."""
        return self.keep_fields(tuple(kept)[1:], kept.size())

    def keep_fields(self, fields: tuple[Any, ...], size: int) -> int | None:
        """``keep`` of a ``KeptRequest``'s fields but its id, and its ``size()`` (a read worker's
        busiest call)."""
        data = dumps(fields)
        view, descriptor = self._view, self._descriptor
        self._threads.acquire()
        lockf(descriptor, LOCK_EX)
        try:
            number, used, held = _HEADER.unpack_from(view, 0)
            start = _HEADER.size + used
            end = used + _ENTRY.size + len(data)
            if end > self._capacity:
                return None
            number += 1
            _ENTRY.pack_into(view, start, len(data), number, size)
            view[start + _ENTRY.size : _HEADER.size + end] = data
            _HEADER.pack_into(view, 0, number, end, held + 1)
        finally:
            lockf(descriptor, LOCK_UN)
            self._threads.release()
        return int(number)

    def drain(self) -> list[KeptRequest]:
        """The entries kept since the last drain, in the order kept; the ring is empty after."""
        return [row.decoded() for row in self.drain_rows()]

    def drain_rows(self) -> list[RingRow]:
        """``drain``'s entries, not yet decoded (the owner decodes those its journal still holds
        when it is read)."""
        with self._locked():
            number, used, held = _HEADER.unpack_from(self._view, 0)
            if not held:
                return []
            data = self._view[_HEADER.size : _HEADER.size + used]
            _HEADER.pack_into(self._view, 0, number, 0, 0)
        rows, at = [], 0
        for _ in range(held):
            length, entry_id, size = _ENTRY.unpack_from(data, at)
            start = at + _ENTRY.size
            rows.append(RingRow(entry_id, size, data[start : start + length]))
            at = start + length
        return rows

    def close(self) -> None:
        self._view.close()
        os.close(self._descriptor)
        if self._path is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._path)

    def _locked(self) -> _Held:
        return _Held(self._threads, self._descriptor)


class RingRow(NamedTuple):
    """A read worker's journal entry as the ring holds it: its number, its size as the journal
    bounds it (``KeptRequest.size``) and its bytes, decoded when the journal is read."""

    id: int
    bytes_size: int
    data: bytes

    def size(self) -> int:
        return self.bytes_size

    def decoded(self) -> KeptRequest:
        return KeptRequest(self.id, *marshal.loads(self.data))


class _Held:
    """The ring's lock held: the process's threads one at a time, then the processes (``lockf``)."""

    def __init__(self, threads: threading.Lock, descriptor: int) -> None:
        self._threads = threads
        self._descriptor = descriptor

    def __enter__(self) -> None:
        self._threads.acquire()
        fcntl.lockf(self._descriptor, fcntl.LOCK_EX)

    def __exit__(self, *_: object) -> None:
        fcntl.lockf(self._descriptor, fcntl.LOCK_UN)
        self._threads.release()


class SharedJournal(Journal):
    """The owner's journal: numbered from ``ring``'s counter, the read workers' entries drained into
    it before it is read (the control API, the console, strict mode) or cleared."""

    def __init__(self, ring: JournalRing, limit: int, max_bytes: int = 64 * 1024 * 1024) -> None:
        super().__init__(limit, max_bytes)
        self.ring = ring
        self.next_id: Callable[[], int] = ring.next_id

    def drain(self) -> None:
        """Keep what the read workers kept (decoded only if still kept when the journal is read)."""
        for row in self.ring.drain_rows():
            self.record(cast(KeptRequest, row))  # a row stands for its KeptRequest until read

    @property
    def bytes(self) -> int:
        self.drain()
        return super().bytes

    def clear(self) -> None:
        self.ring.drain()  # what was answered before the clear goes with it
        super().clear()

    def __len__(self) -> int:
        self.drain()
        return super().__len__()

    def _kept(self) -> list[KeptRequest]:
        self.drain()
        rows: list[KeptRequest | RingRow] = list(super()._kept())
        return [row.decoded() if isinstance(row, RingRow) else row for row in rows]
