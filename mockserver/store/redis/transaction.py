"""A Redis store's transactions: its lock held across a read-check-write, the parts loaded and saved.

Every read-check-write holds the store's lock (``lock.Lease``): one process at a time, whichever
machine it runs on. A transaction waits for it at most ``WAIT_SECONDS``, then answers 503. Every
write inside is a Lua script fenced by the lock's token (``scripts``), so a holder whose lease ran
out cannot overwrite the next holder's work.

Each shared part is kept as fields (``fields``) in a hash of its own, with a version in another
hash and, in a sorted set, the version at which each field last changed. A transaction loads the
fields that other processes changed since this one last looked, and saves, with a new version,
the fields of the parts it touched that changed (and "*", the version of them all). A ``Tracked``
part names the pieces it changed: only those are dumped and compared with the copy last saved,
and a load hands it only the pieces another process changed, so a change costs what it changed,
not the part's size.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import orjson
from redis.exceptions import ResponseError

from mockserver.store.base import Tracked
from mockserver.store.errors import StoreUnavailableError
from mockserver.store.redis import fields, scripts
from mockserver.store.redis.lock import LEASE_MS, Lease
from mockserver.store.redis.outage import Client, Outage

if TYPE_CHECKING:
    from mockserver.store.redis.store import Keys

WAIT_SECONDS = 10.0  # how long a transaction waits for the lock before answering 503


class RedisPartShare:
    """A part's place in a Redis store: its version as last seen here, its data as last saved or loaded.

    What to save at the transaction's end: the whole part if ``touched`` (compared whole with
    ``data``), else the pieces of a ``Tracked`` part named in ``pieces``.
    """

    def __init__(self, transactions: Transactions, name: str) -> None:
        self.transactions = transactions
        self.name = name
        keys = transactions.keys
        self.keys = [keys("part", name), keys("changed", name)]  # its fields, their versions
        self.part: Any = None
        self.tracked = False
        self.version = 0  # 0: never seen (the store numbers from 1)
        self.data: Any = fields.GONE  # as the store holds it (GONE: nothing there yet)
        self.touched = False
        self.pieces: set[tuple[str, ...]] = set()

    def holds(self, part: Any) -> None:
        self.part = part
        self.tracked = isinstance(part, Tracked)

    @contextmanager
    def changing(self) -> Iterator[None]:
        with self.transactions.transaction():
            self.touched = self.touched or not self.tracked
            yield

    def touch(self) -> None:
        self.touched = True

    def changed(self, *path: str) -> None:
        if (
            self.transactions.depth
        ):  # in this thread's transaction, which saves it (else a caller only looked)
            self.pieces.add(path)

    def forget(self) -> None:
        """Hold nothing as saved: the next transaction loads the part whole (a save failed midway)."""
        self.version, self.data, self.touched = 0, fields.GONE, False
        self.pieces.clear()


class Transactions:
    """The store's lock, each thread's transaction depth, and every part's share in this process."""

    def __init__(self, client: Client, keys: Keys, outage: Outage) -> None:
        self.redis = client
        self.keys = keys
        self.outage = outage
        # This process's threads queue here first, so only one at a time polls for Redis's lock.
        self._here = threading.RLock()
        self._lock = Lease(client, keys("lock"))
        self._local = threading.local()  # per thread: its transaction's depth
        self._shares: dict[str, RedisPartShare] = {}
        self._fenced = client.register_script(scripts.FENCED)
        self._save_parts = client.register_script(scripts.SAVE)
        self._load_parts = client.register_script(scripts.LOAD)
        self.seen = 0  # the version of all the parts this process has loaded

    @property
    def depth(self) -> int:
        depth: int = getattr(self._local, "depth", 0)
        return depth

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the store's lock (reentrant in a thread), with every part up to date; save what changed."""
        if self.depth:
            self._local.depth += 1
            try:
                yield
            finally:
                self._local.depth -= 1
            return
        self.outage.check()
        if not self._here.acquire(timeout=WAIT_SECONDS):
            raise StoreUnavailableError(f"the store's lock was not free within {WAIT_SECONDS:g} s")
        try:
            self._lock.acquire(WAIT_SECONDS)
            self._local.depth = 1
            try:
                self._refresh(self.redis.hgetall(self.keys("versions")), emptied=True)
                yield
            finally:
                try:
                    self._save()
                finally:
                    self._local.depth = 0
                    self._lock.release()
        finally:
            self._here.release()

    def fenced(self, *commands: tuple[Any, ...]) -> list[Any]:
        """Run ``commands`` in one script, only while this thread holds the lock; their replies."""
        with self.transaction():
            result: list[Any] = self.call(self._fenced, [self.keys("lock")], _words(list(commands)))
            return result

    def call(self, script: Any, keys: list[str], args: list[Any]) -> Any:
        """Run a fenced script with this thread's token and lease."""
        try:
            return script(keys=keys, args=[self._lock.token, LEASE_MS, *args])
        except ResponseError as error:
            if "LOCKLOST" in str(error):
                raise StoreUnavailableError(
                    "the store's lock was lost mid-transaction: its lease ran out, its holder unheard"
                ) from None
            raise

    def part_share(self, name: str) -> RedisPartShare:
        share = self._shares[name] = RedisPartShare(self, name)
        return share

    def catch_up(self, versions: dict[Any, Any]) -> None:
        """Load what other processes saved (``versions``: the parts' as read), unless a transaction runs here.

        Not while another thread here is in a transaction: it loaded the parts, and is changing them.
        """
        if self._here.acquire(blocking=False):
            try:
                self._refresh(versions)
            finally:
                self._here.release()

    def _refresh(self, versions: dict[Any, Any], *, emptied: bool = False) -> bool:
        """Load the fields of every part another process saved since this one last did; whether any was.

        With ``emptied`` (inside a transaction), a store that lost every version (Redis restarted
        without its data) has every part saved whole again, as this process holds it.
        """
        if emptied and self.seen and b"*" not in versions:
            for share in self._shares.values():
                share.forget()
                share.touched = True
        self.seen = int(versions.get(b"*", 0))  # all of them, once this returns
        stale = [
            share
            for share in self._shares.values()
            if (version := versions.get(share.name.encode())) is not None and int(version) != share.version
        ]
        if not stale:
            return False
        keys = [self.keys("versions")]
        args: list[Any] = []
        for share in stale:
            keys += share.keys
            args += [share.name, share.version if share.data is not fields.GONE else 0]
        for share, (version, flat) in zip(stale, self._load_parts(keys=keys, args=args), strict=True):
            if version is None:
                continue
            found = {
                fields.decode(flat[i]): fields.GONE if flat[i + 1] is None else orjson.loads(flat[i + 1])
                for i in range(0, len(flat), 2)
            }
            whole = share.version == 0 or share.data is fields.GONE or not share.tracked
            start = None if share.version == 0 or share.data is fields.GONE else share.data
            share.data = fields.apply(start, found) if found else share.data
            share.version = int(version)
            if share.data is fields.GONE:
                continue
            if whole:
                share.part.load(fields.normal(share.data))  # a copy: the part may keep what it is given
            else:
                share.part.load_changed(share.data, found)
        return True

    def _save(self) -> None:
        """Save the fields that changed of every part touched (``scripts.SAVE``): one round trip."""
        keys = [self.keys("lock"), self.keys("versions")]
        args: list[Any] = []
        saved: list[RedisPartShare] = []
        due = [share for share in self._shares.values() if share.touched or share.pieces]
        try:
            for share in due:
                found = _changes(share)
                share.touched = False
                share.pieces.clear()
                if not found:
                    continue
                put = [
                    (fields.encode(path), orjson.dumps(value))
                    for path, value in found.items()
                    if value is not fields.GONE
                ]
                gone = [fields.encode(path) for path, value in found.items() if value is fields.GONE]
                keys += share.keys
                args += [share.name, len(put), *(word for pair in put for word in pair), len(gone), *gone]
                saved.append(share)
            if not saved:
                return
            # "*": the version of all the parts, which a fast read compares with the one this process saw.
            replies = self.call(self._save_parts, keys, args)
        except BaseException:
            for share in due:  # its ``data`` may hold what was not saved: the next transaction loads it whole
                share.forget()
            raise
        for share, version in zip(saved, replies, strict=False):
            share.version = int(version)
        self.seen = int(replies[-1])


def _changes(share: RedisPartShare) -> dict[fields.Path, Any]:
    """The fields that changed of ``share``'s part since it was last saved; ``share.data`` made the new data.

    Touched (or never saved), the part is dumped and compared whole; else each piece it named is
    dumped and compared with what ``data`` holds there, or its parent where that is one field
    (``fields.piece``): the cost of the pieces, whatever the part's size.
    """
    part = share.part
    if share.touched or share.data is fields.GONE or not share.tracked:
        data = fields.normal(part.dump())
        found = fields.changes(share.data, data)
        share.data = data
        return found
    found = {}
    for path in sorted(share.pieces, key=len):  # a parent before its members: they are then equal
        new = fields.copy(part.dump_at(path))
        while path and not fields.piece(share.data, path, new):
            path = path[:-1]
            new = fields.copy(part.dump_at(path))
        here = fields.changes(fields.at(share.data, path), new, path)
        share.data = fields.apply(share.data, here)
        found.update(here)
    return found


def _words(commands: list[tuple[Any, ...]]) -> list[Any]:
    words: list[Any] = []
    for command in commands:
        words += [len(command), *command]
    return words
