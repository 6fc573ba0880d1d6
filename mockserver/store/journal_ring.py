"""The journal's numbers and the read workers' entries, shared between processes (issue 26).

Under ``serve --read-workers N`` the owner keeps the journal, and the read workers answer most
reads: each keeps its entry here, numbered from the same counter the owner numbers its own
requests from, so the journal is in arrival order whichever process answered. The owner drains
the ring into its journal before anything reads the journal (``SharedJournal``), and now and then
so it never fills; a read worker that finds it full hands its request to the owner instead.

One segment (``/dev/shm``): a header (the last number given, the bytes used, the entries held),
then the entries, each its length and ``marshal``'s bytes of a ``KeptRequest`` (whose fields are
strings, numbers, bytes, a dict and tuples of strings). Every access holds ``ring_lock()``, a
semaphore serve's process makes before it forks the owner and the read workers, who inherit it:
taken and given back without a system call while no other process holds it, and, when another
holds it, tried again ``_SPINS`` times before sleeping on it (``_take``): it is held a microsecond
or two. What a read worker's journal cost under load was that sleep, not the lock's system calls:
a worker put to sleep on the lock gives up its GIL to Granian's threads and waits for it again,
and on a loaded machine the holder is often descheduled while it holds it (benchmarks/README.md,
"the journal's lock"). A process that dies holding it (for the microseconds of a keep or a
drain) leaves it held: the read workers then send their reads to the owner, and the owner, which
waits on it without end, finds the holder the header names dead within ``DEAD_HOLDER_SECONDS`` and
gives the lock back for it (``_hold``).
"""

from __future__ import annotations

import contextlib
import marshal
import mmap
import multiprocessing
import os
import struct
import threading
from collections.abc import Callable
from marshal import dumps
from multiprocessing.synchronize import Lock
from typing import Any, Final, NamedTuple, cast

from mockserver.control.journal import Journal, KeptRequest

__all__ = ["JournalRing", "RingRow", "SharedJournal", "inherited_lock", "ring_lock"]

_SHM: Final = "/dev/shm"
# The last number given, bytes used, entries held, and the process holding the lock (0: none).
_HEADER: Final = struct.Struct("<QQQQ")
_NUMBER: Final = struct.Struct("<Q")  # the header's first field
_HOLDER: Final = struct.Struct("<Q")  # its last
_HOLDER_AT: Final = 24
_ENTRY: Final = struct.Struct("<IQQ")  # an entry's length, number and journal size, before its bytes
RING_BYTES: Final = 8 * 1024 * 1024
KEEP_WAIT_SECONDS: Final = 0.5  # a read worker's wait for the lock before its read goes to the owner
_SPINS: Final = 2000  # tries of a held lock before sleeping on it (~0.1 ms)
DEAD_HOLDER_SECONDS: Final = 0.5  # the owner's wait for the lock before it asks whether its holder died
_LOCKS: dict[str, tuple[Lock, int]] = {}  # this process's lock and the process that made it


def ring_lock() -> Lock:
    """The rings' lock: made on the first call, and shared by the processes forked after it."""
    if "ring" not in _LOCKS:
        _LOCKS["ring"] = (multiprocessing.get_context("fork").Lock(), os.getpid())
    return _LOCKS["ring"][0]


def _take(lock: Lock, wait: float | None) -> bool:
    """Take ``lock`` (a ``ring_lock()``) within ``wait`` seconds (None: however long): tried
    ``_SPINS`` times before sleeping on it, since its holder gives it back within microseconds."""
    for _ in range(_SPINS):
        if lock.acquire(False):
            return True
    return lock.acquire(True, wait)


def _dead(pid: int) -> bool:
    """Whether process ``pid`` has ended (gone, or a zombie its parent has not reaped yet)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rpartition(b")")[2].split()[0] == b"Z"
    except (FileNotFoundError, ProcessLookupError):
        return True


def inherited_lock() -> bool:
    """Whether this process holds a ``ring_lock()`` made by the process it was forked from (a read
    worker started any other way would share no lock with the owner)."""
    return "ring" in _LOCKS and _LOCKS["ring"][1] != os.getpid()


class JournalRing:
    """The shared counter and the entries the read workers keep, in a segment named ``name``."""

    def __init__(
        self, name: str, *, create: bool, size: int = RING_BYTES, keep_wait: float = KEEP_WAIT_SECONDS
    ) -> None:
        path = os.path.join(_SHM, name.lstrip("/"))
        flags = os.O_RDWR | (os.O_CREAT | os.O_EXCL if create else 0)
        self._descriptor = os.open(path, flags, 0o600)
        if create:
            os.ftruncate(self._descriptor, _HEADER.size + size)
        self._view = mmap.mmap(self._descriptor, os.fstat(self._descriptor).st_size)
        self._capacity = len(self._view) - _HEADER.size
        self._lock = ring_lock()  # a semaphore: it keeps out this process's other threads too
        self._keep_wait = keep_wait
        self._rescuing = threading.Lock()  # one thread of the owner at a time frees a dead holder's lock
        self.name = name
        self._path = path if create else None

    def next_id(self) -> int:
        """The next number of the journal (the owner's requests take theirs here too)."""
        view = self._view
        self._hold()
        try:
            number = _NUMBER.unpack_from(view, 0)[0] + 1
            _NUMBER.pack_into(view, 0, number)
        finally:
            self._give_back()
        return int(number)

    def keep(self, kept: KeptRequest) -> int | None:
        """Number ``kept`` (its id is replaced) and keep it: its number, or None if the ring is full."""
        return self.keep_fields(tuple(kept)[1:], kept.size())

    def keep_fields(self, fields: tuple[Any, ...], size: int) -> int | None:
        """``keep`` of a ``KeptRequest``'s fields but its id, and its ``size()`` (a read worker's
        busiest call); None too if the lock stays held ``keep_wait`` seconds."""
        data = dumps(fields)
        view = self._view
        if not self._hold(self._keep_wait):
            return None
        try:
            number, used, held, holder = _HEADER.unpack_from(view, 0)
            start = _HEADER.size + used
            end = used + _ENTRY.size + len(data)
            if end > self._capacity:
                return None
            number += 1
            _ENTRY.pack_into(view, start, len(data), number, size)
            view[start + _ENTRY.size : _HEADER.size + end] = data
            _HEADER.pack_into(view, 0, number, end, held + 1, holder)
        finally:
            self._give_back()
        return int(number)

    def drain(self) -> list[KeptRequest]:
        """The entries kept since the last drain, in the order kept; the ring is empty after."""
        return [row.decoded() for row in self.drain_rows()]

    def drain_rows(self) -> list[RingRow]:
        """``drain``'s entries, not yet decoded (the owner decodes those its journal still holds
        when it is read)."""
        view = self._view
        self._hold()
        try:
            number, used, held, holder = _HEADER.unpack_from(view, 0)
            if not held:
                return []
            data = view[_HEADER.size : _HEADER.size + used]
            _HEADER.pack_into(view, 0, number, 0, 0, holder)
        finally:
            self._give_back()
        rows, at = [], 0
        for _ in range(held):
            length, entry_id, size = _ENTRY.unpack_from(data, at)
            start = at + _ENTRY.size
            rows.append(RingRow(entry_id, size, data[start : start + length]))
            at = start + length
        return rows

    def _hold(self, wait: float | None = None) -> bool:
        """Take the lock within ``wait`` seconds (None: until taken) and name this process its holder.

        Waiting without end is the owner's: a process that died holding the lock (killed between
        taking and giving it back) would otherwise stop the owner for good. So every
        ``DEAD_HOLDER_SECONDS`` it looks at the holder named in the header and, if that process has
        ended, gives its hold back for it (a semaphore may be released by any process); the entry
        the dead one was writing is not in the header's count, so it is never read."""
        if wait is not None:
            taken = _take(self._lock, wait)
        else:
            while not (taken := _take(self._lock, DEAD_HOLDER_SECONDS)):
                with self._rescuing:  # read again under it: another thread may have freed it already
                    holder = _HOLDER.unpack_from(self._view, _HOLDER_AT)[0]
                    if holder and _dead(holder):
                        _HOLDER.pack_into(self._view, _HOLDER_AT, 0)
                        self._lock.release()
        if taken:
            _HOLDER.pack_into(self._view, _HOLDER_AT, os.getpid())  # (a handle may cross a fork)
        return taken

    def _give_back(self) -> None:
        _HOLDER.pack_into(self._view, _HOLDER_AT, 0)
        self._lock.release()

    def close(self) -> None:
        self._view.close()
        os.close(self._descriptor)
        if self._path is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._path)


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
