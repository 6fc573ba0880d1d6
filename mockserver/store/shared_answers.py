"""The stored answers' bytes in shared memory: one process writes them, any process reads them.

The measured part of issue 26 (serving reads on every core): a process that owns the store
``publish``es each conversation's encoded answer here as it stores it, and other processes
``get`` it without asking the owner. One sequence number guards the whole table, a seqlock
across processes: the writer makes it odd, changes the index and the bytes, and makes it even
again; a reader reads it, copies the answer, reads it again, and retries if it was odd or
moved. So a reader sees an answer whole, and once ``publish`` has returned, every ``get`` that
begins after it (in any process) sees that answer or a newer one: nothing is cached on the
reader's side.

The layout, in one ``multiprocessing.shared_memory`` segment: a header (the sequence, the
number of slots, the data area's size and its used bytes), an index of fixed slots (open
addressing, linear probing: a key's length and bytes, then its answer's offset and length), then
the data area, where answers are appended. A replaced or removed answer leaves its old bytes
behind; when the data area is full the writer compacts it, under one odd sequence. What it costs
(docs/server.md): ``SLOT`` bytes a slot (twice the answers it may hold, so probes stay short)
and the data area, sized for twice the answers' bytes.

The seqlock relies on the processor keeping stores in order and loads in order, as x86-64
does (its memory model is total store order); on a weaker model (ARM) a reader might see a new
sequence with old bytes, and the pair of reads would need fences Python does not offer. One
writer at a time: a process's threads share its ``publish`` through a lock, and only the
process that created the table writes to it. Readers map the segment's file under ``/dev/shm``
(Linux), so no reader's end removes it.
"""

from __future__ import annotations

import mmap
import os
import struct
import threading
import time
import zlib
from multiprocessing import shared_memory
from typing import Final

from mockserver.errors import MockServerError

__all__ = ["KEY_BYTES", "SLOT", "AnswerTableError", "SharedAnswers"]

_HEADER: Final = struct.Struct("<QQQQ")  # sequence, slots, data bytes, used data bytes
_SEQUENCE: Final = struct.Struct("<Q")
_SLOT: Final = struct.Struct("<B47sQQ")  # key length (0 empty, 255 removed), key, offset, length
_KEY_PART: Final = 48  # a slot's key length and key
_PLACE: Final = struct.Struct("<QQ")  # a slot's offset and length, after its key part
SLOT: Final = _SLOT.size  # 64 bytes
KEY_BYTES: Final = 47  # the longest key: a conversation id is 36
_EMPTY, _REMOVED = 0, 255
_SHM: Final = "/dev/shm"  # where Linux keeps POSIX shared memory (shm_overview(7))
_SPINS_BEFORE_YIELD = 64
_PROBES_KEPT = 65_536  # a writer holds the sequence odd for microseconds: spin, then yield


class AnswerTableError(MockServerError, ValueError):
    """An answer the table cannot hold: its key or its bytes do not fit."""


class SharedAnswers:
    """Answers by key in a shared-memory segment, written by the process that made it (``create``)
    and read by any that ``attach`` its ``name``."""

    def __init__(self, view: mmap.mmap, name: str, *, segment: shared_memory.SharedMemory | None) -> None:
        self._mapped = view
        self._segment = segment  # the owner's: it removes the segment when it closes
        self._name = name
        self._buffer = memoryview(view)
        # The reads slice the mmap itself, which hands out bytes at once (a memoryview's slices are
        # views, and compare item by item).
        self._view = view
        self._probes: dict[str, tuple[bytes, int]] = {}
        self.owner = segment is not None
        _, slots, data_bytes, _ = _HEADER.unpack_from(view, 0)
        self.slots: int = slots
        self.data_bytes: int = data_bytes
        self._index = _HEADER.size
        self._data = self._index + self.slots * SLOT
        self._lock = threading.Lock()  # the writer's threads, one at a time
        self._count = 0  # live answers (the writer's own count)
        self._live_bytes = 0  # their bytes

    @classmethod
    def create(cls, *, answers: int, data_bytes: int, name: str | None = None) -> SharedAnswers:
        """A new table for up to ``answers`` answers and ``data_bytes`` bytes of them at once (its
        segment named ``name``, or a fresh name)."""
        if answers < 1 or data_bytes < 1:
            raise AnswerTableError(
                f"a table holds at least one answer and one byte: answers is {answers},"
                f" data_bytes is {data_bytes}"
            )
        slots = 2 * answers  # at most half full: a probe stays short
        size = _HEADER.size + slots * SLOT + data_bytes
        segment = shared_memory.SharedMemory(name=name, create=True, size=size)
        view = _open(segment.name)
        # A new segment is zero-filled (ftruncate), so every slot starts empty.
        _HEADER.pack_into(view, 0, 0, slots, data_bytes, 0)
        return cls(view, segment.name, segment=segment)

    @classmethod
    def attach(cls, name: str) -> SharedAnswers:
        """The table another process created, to read."""
        return cls(_open(name), name, segment=None)

    @property
    def name(self) -> str:
        return self._name

    def __len__(self) -> int:
        """How many answers the table holds (the writer's count)."""
        return self._count

    @property
    def sequence(self) -> int:
        """The table's sequence: even between writes, two more after each."""
        value: int = _SEQUENCE.unpack_from(self._buffer, 0)[0]
        return value

    def get(self, key: str) -> bytes | None:
        """The answer stored under ``key``, whole, as of a moment during this call; None if none."""
        probe = self._probes.get(key)
        if probe is None:
            probe = self._probe(key)
            if probe is None:
                return None
        view, data, limit = self._view, self._data, self.data_bytes
        spins = 0
        while True:
            before = _SEQUENCE.unpack_from(view, 0)[0]
            if not before & 1:
                found = self._find(probe)
                answer = None
                if found is not None:
                    offset, length = _PLACE.unpack_from(view, found + _KEY_PART)
                    if offset + length <= limit:  # else torn: the sequence says so below
                        answer = bytes(view[data + offset : data + offset + length])
                if _SEQUENCE.unpack_from(view, 0)[0] == before:
                    return answer
            spins += 1
            if spins % _SPINS_BEFORE_YIELD == 0:
                time.sleep(0)  # let the writer's process run

    def publish(self, key: str, answer: bytes) -> None:
        """Store ``answer`` under ``key``: every ``get`` that begins once this returns sees it."""
        encoded = self._key(key)
        probe = self._probe(key)
        assert probe is not None  # _key checked it
        if len(answer) > self.data_bytes:
            raise AnswerTableError(
                f"an answer of {len(answer)} bytes does not fit a table of {self.data_bytes} data bytes"
            )
        with self._lock:
            found = self._find(probe)
            old_length = 0 if found is None else _SLOT.unpack_from(self._buffer, found)[3]
            if found is None and self._count >= self.slots // 2:
                raise AnswerTableError(f"the table holds {self.slots // 2} answers: {key!r} is one more")
            if self._live_bytes - old_length + len(answer) > self.data_bytes:
                raise AnswerTableError(
                    f"the table's {self.data_bytes} data bytes cannot hold {len(answer)} more"
                    f" beside the {self._live_bytes - old_length} it holds"
                )
            self._begin()
            try:
                used = _HEADER.unpack_from(self._buffer, 0)[3]
                if used + len(answer) > self.data_bytes:
                    used = self._compact(leaving=found)
                self._buffer[self._data + used : self._data + used + len(answer)] = answer
                slot = found if found is not None else self._free_slot(encoded)
                _SLOT.pack_into(self._buffer, slot, len(encoded), encoded, used, len(answer))
                self._set_used(used + len(answer))
            finally:
                self._end()
            if found is None:
                self._count += 1
            self._live_bytes += len(answer) - old_length

    def remove(self, key: str) -> bool:
        """Remove the answer under ``key``; whether there was one."""
        probe = self._probe(self._key(key).decode())
        assert probe is not None  # _key checked it
        with self._lock:
            found = self._find(probe)
            if found is None:
                return False
            length = _SLOT.unpack_from(self._buffer, found)[3]
            self._begin()
            try:
                _SLOT.pack_into(self._buffer, found, _REMOVED, b"", 0, 0)
            finally:
                self._end()
            self._count -= 1
            self._live_bytes -= length
            return True

    def clear(self) -> None:
        """Remove every answer."""
        with self._lock:
            self._begin()
            try:
                self._buffer[self._index : self._data] = bytes(self._data - self._index)
                self._set_used(0)
            finally:
                self._end()
            self._count = self._live_bytes = 0

    def close(self) -> None:
        """Let go of the segment; the owner removes it too."""
        self._buffer.release()
        self._mapped.close()
        if self._segment is not None:
            self._segment.close()
            self._segment.unlink()

    def _key(self, key: str) -> bytes:
        if not self.owner:
            raise AnswerTableError("only the process that created the table writes to it")
        encoded = key.encode("ascii", "replace")
        if not 0 < len(encoded) <= KEY_BYTES or not key.isascii():
            raise AnswerTableError(f"a key is 1-{KEY_BYTES} ASCII characters: got {key!r}")
        return encoded

    def _probe(self, key: str) -> tuple[bytes, int] | None:
        """What ``_find`` compares a slot's key part with, and the slot to start from; None for a
        key no slot can hold. Kept: the busiest keys are asked for again and again."""
        encoded = key.encode("ascii", "replace")
        if not 0 < len(encoded) <= KEY_BYTES:
            return None
        probe = (bytes((len(encoded),)) + encoded.ljust(KEY_BYTES, b"\0"), zlib.crc32(encoded) % self.slots)
        if len(self._probes) >= _PROBES_KEPT:
            self._probes.clear()
        self._probes[key] = probe
        return probe

    def _find(self, probe: tuple[bytes, int]) -> int | None:
        """The offset of the slot whose key part is ``probe``'s, or None: looks from its start slot
        to the first empty one."""
        view, index, slots = self._view, self._index, self.slots
        wanted, start = probe
        for step in range(slots):
            at = index + ((start + step) % slots) * SLOT
            part = bytes(view[at : at + _KEY_PART])  # bytes already, from an mmap
            if part == wanted:
                return at
            if part[0] == _EMPTY:
                return None
        return None

    def _free_slot(self, key: bytes) -> int:
        start, index, slots = zlib.crc32(key) % self.slots, self._index, self.slots
        for probe in range(slots):
            at = index + ((start + probe) % slots) * SLOT
            if self._buffer[at] in (_EMPTY, _REMOVED):
                return at
        raise AnswerTableError("no free slot")  # unreachable: the count keeps half the slots free

    def _compact(self, *, leaving: int | None) -> int:
        """Rewrite the live answers to the data area's start (the sequence is odd), but the one at
        slot ``leaving`` (about to be replaced): the bytes used."""
        buffer, data = self._buffer, self._data
        live: list[tuple[int, bytes]] = []
        for slot in range(self.slots):
            at = self._index + slot * SLOT
            mark, _, offset, length = _SLOT.unpack_from(buffer, at)
            if mark not in (_EMPTY, _REMOVED) and at != leaving:
                live.append((at, bytes(buffer[data + offset : data + offset + length])))
        used = 0
        for at, answer in live:
            buffer[data + used : data + used + len(answer)] = answer
            _PLACE.pack_into(buffer, at + _KEY_PART, used, len(answer))
            used += len(answer)
        return used

    def _set_used(self, used: int) -> None:
        struct.pack_into("<Q", self._buffer, 24, used)

    def _begin(self) -> None:
        _SEQUENCE.pack_into(self._buffer, 0, self.sequence + 1)

    def _end(self) -> None:
        _SEQUENCE.pack_into(self._buffer, 0, self.sequence + 1)


def _open(name: str) -> mmap.mmap:
    """The segment ``name`` mapped, as its file (``/dev/shm`` on Linux): opened so, a reader is no
    owner to the standard library, whose ``SharedMemory`` (before 3.13's ``track=False``) would
    have its resource tracker remove the segment when the reader's process ends."""
    descriptor = os.open(os.path.join(_SHM, name.lstrip("/")), os.O_RDWR)
    try:
        return mmap.mmap(descriptor, os.fstat(descriptor).st_size)
    finally:
        os.close(descriptor)
