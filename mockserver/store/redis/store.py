"""``RedisStore``: a server's whole state on a Redis server, so any number of processes serve it as one.

Every key starts with the store's prefix (``--store-prefix``): several mocks share one Redis and
never touch each other's keys, resets included.

- **Conversations**: a hash of id -> stored value (a line of what the views ask of every entry,
  then the wire JSON), and sorted sets of the ids in the order first stored, of the active ones
  and of the active ones holding a call, in the order they became active: a listing's page is a
  ``ZRANGE`` of its ranks, costing the page. The seeded dataset is the same keys under ``base:``;
  a reset copies them back (``COPY``), in one script with the rest of the reset.
- **Transactions**: every read-check-write (create, reschedule, an answer, all-or-none bulk
  disconnect, a lifecycle step, a control-API change) holds the store's lock (``lock.Lease``: a
  key on a short lease that the holder's watchdog renews, so a dead holder's lock is free within
  ``LEASE_MS``): one process at a time, whichever machine it runs on. A transaction waits for it
  at most ``WAIT_SECONDS``, then answers 503. Every write inside is a Lua script fenced by the
  lock's token (``scripts``), so a holder whose lease ran out cannot overwrite the next holder's
  work. Readers never take the lock: each read is one script or command, atomic on the server.
- **Parts** (``mockserver.store.parts``: the clock, the lifecycle settings, faults, stubs, the rate
  limit, the channels, the factory's random stream): each is kept as fields (``fields``: each
  channel's, each stub's members under their own paths) in a hash of its own, with a version in
  another hash and, in a sorted set, the version at which each field last changed. A transaction
  saves, with a new version, the fields of the parts it touched that changed (and "*", the version
  of them all), and loads the fields that other processes changed since this one last looked. A
  ``Tracked`` part (channels, faults, stubs) names the pieces it changed: only those are dumped
  and compared with the copy last saved, and a load hands it only the pieces another process
  changed, so a change costs what it changed, not the part's size; the other parts are small, and
  are dumped and compared whole. A request syncs before anything reads them:
  one round trip for the versions and the schedule's first step, so a fault set through one
  process applies to the next request on another.
- **Outages** (``outage.Outage``): every command has a timeout (``STORE_TIMEOUT``); a Redis that
  refuses, drops or stays silent marks the store down, and each request then fails at once with
  ``StoreUnavailableError`` (503) until a ping answers again. A Redis restarted empty has lost the
  seeded dataset: every process keeps a copy of it (``DUMP``), and a reset restores it.
- **The busiest request**, GET by id, is one script (``scripts.READ``): it checks "*" against
  the version this process loaded and that no step is due, reads the body and journals the
  read; if either check fails it reads nothing and the request is synced and answered the
  general way. No local cache: any would answer from a copy that another process may already
  have changed, which a test that writes through one replica and reads through another sees.
- **Counts** that every request may move (rate-limit windows, the journal) are scripts of their
  own, needing no lock: a budget is spent once across processes. Fault and stub counts are
  parts, changed inside a transaction: a fault's ``times`` is counted once.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import hiredis
import orjson
import redis
from redis.exceptions import NoScriptError, RedisError, ResponseError

from contracts import Conversation
from mockserver.control.journal import LENGTH, Arrival, Journal
from mockserver.store import Entry, StoreError, StoreUnavailableError
from mockserver.store.parts import OutOfDateError, Tracked
from mockserver.store.redis import fields, scripts
from mockserver.store.redis.lock import LEASE_MS, Lease
from mockserver.store.redis.outage import LOST, Client, Outage
from mockserver.store.redis.parts import (
    JOURNAL_KEYS,
    RedisJournal,
    RedisLog,
    RedisRelay,
    RedisSchedule,
    RedisWindows,
    journal_item,
)
from mockserver.store.redis.pipelined import Pipelined

WAIT_SECONDS = 10.0  # how long a transaction waits for the lock before answering 503
TIMEOUT_SECONDS = 3.0  # a command's timeout, unless the store is given one (STORE_TIMEOUT)
_LIVE = ("bodies", "order", "active", "calling", "sequence")
_LENGTH_MARK = orjson.dumps(["Content-Length", LENGTH])[1:-1]  # as the entry's JSON holds it


class Keys:
    """The names of a store's keys, every one under its prefix."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __call__(self, *names: str) -> str:
        return ":".join((self.prefix, *names))

    def conversations(self, under: str = "") -> list[str]:
        """The conversation keys (bodies, order, active, calling, sequence), live or under ``base``."""
        return [self(under, name) if under else self(name) for name in _LIVE]

    def baseline(self) -> list[str]:
        """What a reset copies back: the seeded conversations and their schedule."""
        return [*self.conversations("base"), self("base", "steps"), self("base", "planned")]


class _Share:
    """A part's place in a Redis store: its version as last seen here, its data as last saved or loaded.

    What to save at the transaction's end: the whole part if ``touched`` (compared whole with
    ``data``), else the pieces of a ``Tracked`` part named in ``pieces``.
    """

    def __init__(self, store: RedisStore, name: str) -> None:
        self.store = store
        self.name = name
        self.keys = [store.keys("part", name), store.keys("changed", name)]  # its fields, their versions
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
        with self.store.transaction():
            self.touched = self.touched or not self.tracked
            yield

    def touch(self) -> None:
        self.touched = True

    def changed(self, *path: str) -> None:
        if self.store._depth:  # in this thread's transaction, which saves it (else a caller only looked)
            self.pieces.add(path)

    def forget(self) -> None:
        """Hold nothing as saved: the next transaction loads the part whole (a save failed midway)."""
        self.version, self.data, self.touched = 0, fields.GONE, False
        self.pieces.clear()


class RedisStore:
    """The conversations and every part of one server, on Redis under ``prefix``."""

    def __init__(self, url: str, *, prefix: str, timeout: float = TIMEOUT_SECONDS) -> None:
        self.url = url
        self.timeout = timeout
        self.redis = Client(
            connection_pool=redis.ConnectionPool.from_url(
                url, socket_timeout=timeout, socket_connect_timeout=timeout
            )
        )
        probe = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        try:  # on the probe's connection: a store never reached is refused, not an outage to log
            probe.ping()
        except LOST as error:
            raise StoreError(f"cannot reach the store at {url}: {error}") from None
        self.outage = self.redis.outage = Outage(url, probe.ping)
        self.keys = Keys(prefix)
        # This process's threads queue here first, so only one at a time polls for Redis's lock.
        self._here = threading.RLock()
        self._lock = Lease(self.redis, self.keys("lock"))
        self._local = threading.local()  # per thread: its transaction's depth
        self._baseline: list[tuple[str, bytes]] = []  # the seeded dataset's keys, DUMPed
        self._fingerprint = ""
        self._shares: dict[str, _Share] = {}
        self._listeners: list[Callable[[], None]] = []
        self._schedule: RedisSchedule | None = None
        self._relays: list[RedisRelay] = []
        self._fenced = self.redis.register_script(scripts.FENCED)
        self._put = self.redis.register_script(scripts.PUT)
        self._delete = self.redis.register_script(scripts.DELETE)
        self._page = self.redis.register_script(scripts.PAGE)
        self._read = self.redis.register_script(scripts.READ)
        self._save_parts = self.redis.register_script(scripts.SAVE)
        self._load_parts = self.redis.register_script(scripts.LOAD)
        self._read_keys = [
            *(self.keys(name) for name in JOURNAL_KEYS),
            *(self.keys(name) for name in ("versions", "steps", "bodies")),
        ]
        self._seen = 0  # the version of all the parts this process has loaded
        self._idle: list[Any] = []  # the fast reads' connections not in use
        # Each event loop's pipelined connection (Granian's worker has one loop).
        self._pipelined: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Pipelined] = (
            weakref.WeakKeyDictionary()
        )

    # Transactions

    @property
    def _depth(self) -> int:
        depth: int = getattr(self._local, "depth", 0)
        return depth

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the store's lock (reentrant in a thread), with every part up to date; save what changed."""
        if self._depth:
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
            result: list[Any] = self._call(self._fenced, [self.keys("lock")], _words(list(commands)))
            return result

    def _call(self, script: Any, keys: list[str], args: list[Any]) -> Any:
        """Run a fenced script with this thread's token and lease."""
        try:
            return script(keys=keys, args=[self._lock.token, LEASE_MS, *args])
        except ResponseError as error:
            if "LOCKLOST" in str(error):
                raise StoreUnavailableError(
                    "the store's lock was lost mid-transaction: its lease ran out, its holder unheard"
                ) from None
            raise

    # Parts

    def share(self, name: str) -> _Share:
        share = self._shares[name] = _Share(self, name)
        return share

    def _refresh(self, versions: dict[Any, Any], *, emptied: bool = False) -> bool:
        """Load the fields of every part another process saved since this one last did; whether any was.

        With ``emptied`` (inside a transaction), a store that lost every version (Redis restarted
        without its data) has every part saved whole again, as this process holds it.
        """
        if emptied and self._seen and b"*" not in versions:
            for share in self._shares.values():
                share.forget()
                share.touched = True
        self._seen = int(versions.get(b"*", 0))  # all of them, once this returns
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
        saved: list[_Share] = []
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
            replies = self._call(self._save_parts, keys, args)
        except BaseException:
            for share in due:  # its ``data`` may hold what was not saved: the next transaction loads it whole
                share.forget()
            raise
        for share, version in zip(saved, replies, strict=False):
            share.version = int(version)
        self._seen = int(replies[-1])

    def sync(self) -> None:
        """One round trip: the parts' versions and the schedule's first step; then what changed is loaded."""
        if self._depth:
            return  # a transaction has already brought everything up to date
        pipe = self.redis.pipeline(transaction=False)
        pipe.hgetall(self.keys("versions"))
        pipe.zrange(self.keys("steps"), 0, 0, withscores=True)
        versions, first = pipe.execute()
        # Not while another thread here is in a transaction: it loaded the parts, and is changing them.
        if self._here.acquire(blocking=False):
            try:
                self._refresh(versions)
            finally:
                self._here.release()
        if self._schedule is not None:
            self._schedule.head = int(first[0][1]) if first else None
        for listener in self._listeners:
            listener()

    def on_sync(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    @contextmanager
    def seeding(self, fingerprint: str) -> Iterator[bool]:
        """The first process on a prefix seeds it; a later one with the same settings joins it."""
        with self.transaction():
            found: Any = self.redis.get(self.keys("seeded"))
            if found is not None and found.decode() != fingerprint:
                raise StoreError(
                    f"the store {self.url} under the prefix {self.keys.prefix!r} holds a mock seeded with "
                    f"{found.decode()}, not {fingerprint}: start with the same settings, or use another --store-prefix"
                )
            yield found is None
            if found is None:
                self.fenced(("SET", self.keys("seeded"), fingerprint))
            self._fingerprint = fingerprint
            self._keep_baseline()

    def _keep_baseline(self) -> None:
        """Keep the seeded dataset here (``DUMP``), to restore it if the store loses it."""
        pipe = self.redis.pipeline(transaction=True)
        keys = self.keys.baseline()
        for key in keys:
            pipe.dump(key)
        self._baseline = [(key, dumped) for key, dumped in zip(keys, pipe.execute(), strict=True) if dumped]

    # Conversations

    def get(self, conversation_id: str) -> Entry | None:
        value = self.redis.hget(self.keys("bodies"), conversation_id)
        return None if value is None else _entry(conversation_id, value)  # type: ignore[arg-type]

    def read_journaled(
        self, conversation_id: str, journal: Journal | None, draft: Arrival | None, now_ms: int
    ) -> bytes | None:
        """One round trip (``scripts.READ``): the parts' version checked, the body read, the entry kept.

        Sent and read on a connection of the store's own, without redis-py's pool and command
        machinery (half this call's time here): the busiest request costs one round trip and
        little besides. ``list.pop`` and ``append`` are atomic, so the idle list needs no lock.
        """
        command = self._read_command(conversation_id, journal, draft, now_ms)
        try:
            connection = self._idle.pop()
        except IndexError:  # every one is busy: one more, kept once done
            connection = self.redis.connection_pool.make_connection()
        self.outage.check()
        try:
            connection.send_packed_command([hiredis.pack_command(command)])
            answer = connection.read_response()
        except NoScriptError:
            self.redis.script_load(scripts.READ)  # Redis restarted: its scripts are gone
            return self.read_journaled(conversation_id, journal, draft, now_ms)
        except LOST as error:
            connection.disconnect()  # reconnected when next handed out
            raise self.outage.lost(error) from None
        except RedisError:
            connection.disconnect()
            raise
        finally:
            self._idle.append(connection)
        return self._read_answer(answer)

    async def aread_journaled(
        self, conversation_id: str, journal: Journal | None, draft: Arrival | None, now_ms: int
    ) -> bytes | None:
        """``read_journaled`` awaited on the event loop: the loop serves other requests meanwhile.

        On one pipelined connection per event loop (``Pipelined``), so however many requests wait,
        their round trips overlap. While the store is unreachable it answers None, with nothing
        read or kept: the app answers the request, and says the store is unavailable.
        """
        if self.outage.since is not None:
            return None
        loop = asyncio.get_running_loop()
        pipelined = self._pipelined.get(loop)
        if pipelined is None:
            pipelined = self._pipelined[loop] = Pipelined(self.url, timeout=self.timeout)
        try:
            answer = await pipelined.call(*self._read_command(conversation_id, journal, draft, now_ms))
        except (OSError, TimeoutError, StoreError) as error:
            self.outage.lost(error)
            return None
        if isinstance(answer, hiredis.ReplyError):
            if not str(answer).startswith("NOSCRIPT"):
                raise ResponseError(str(answer))
            self.redis.script_load(scripts.READ)
            return await self.aread_journaled(conversation_id, journal, draft, now_ms)
        return self._read_answer(answer)

    def _read_command(
        self, conversation_id: str, journal: Journal | None, draft: Arrival | None, now_ms: int
    ) -> tuple[Any, ...]:
        if journal is not None and draft is not None:
            item, size = journal_item(draft), draft.size()
            limit, bound = journal.limit, journal.max_bytes
        else:
            item, size, limit, bound = b"", 0, 0, 0
        keys = self._read_keys
        args = (item, size, limit, bound, self._seen, now_ms, conversation_id, _LENGTH_MARK)
        return ("EVALSHA", self._read.sha, len(keys), *keys, *args)

    def _read_answer(self, answer: Any) -> bytes | None:
        if answer == -1:
            self.sync()
            raise OutOfDateError
        return answer  # type: ignore[no-any-return]

    def entries(self) -> list[Entry]:
        """All conversations, in the order first stored: one consistent read (``MULTI``)."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.zrange(self.keys("order"), 0, -1)
        pipe.hgetall(self.keys("bodies"))
        ids, values = pipe.execute()
        return [_entry(key.decode(), values[key]) for key in ids if key in values]

    def count(self) -> int:
        return int(self.redis.zcard(self.keys("order")))

    def active(
        self, start: int = 0, stop: int | None = None, *, calls: bool = False
    ) -> tuple[int, list[Entry]]:
        last = -1 if stop is None else stop - 1
        if stop is not None and stop <= start:
            count = self.redis.zcard(self.keys("calling" if calls else "active"))
            return int(count), []
        count, values = self._page(
            keys=[self.keys("calling" if calls else "active"), self.keys("bodies")], args=[start, last]
        )
        return int(count), [_entry(values[i].decode(), values[i + 1]) for i in range(0, len(values), 2)]

    def put(self, conversations: Iterable[Conversation]) -> None:
        self._write(self.keys.conversations(), [Entry.of(conversation) for conversation in conversations])

    def _write(self, keys: list[str], entries: list[Entry]) -> None:
        for start in range(0, len(entries), 500):  # a script's arguments stay well within Lua's stack
            words: list[Any] = []
            for entry in entries[start : start + 500]:
                words += [entry.id, _value(entry), int(entry.active), int(entry.calls)]
            with self.transaction():
                self._call(self._put, [self.keys("lock"), *keys], words)

    def delete(self, conversation_id: str) -> bool:
        with self.transaction():
            return bool(
                self._call(
                    self._delete, [self.keys("lock"), *self.keys.conversations()[:4]], [conversation_id]
                )
            )

    def seed(self, conversations: Iterable[Conversation]) -> None:
        """Make ``conversations`` the dataset under ``base:`` that ``reset`` copies back, and reset."""
        with self.transaction():
            self.fenced(*(("DEL", key) for key in self.keys.conversations("base")))
            self._write(
                self.keys.conversations("base"), [Entry.of(conversation) for conversation in conversations]
            )
            self.reset()

    def reset(self) -> None:
        """Back to the seeded dataset; a store that lost it (Redis restarted empty) gets it back first."""
        if self._baseline and not self.redis.exists(self.keys("seeded")):
            self.fenced(
                *(("RESTORE", key, 0, dumped, "REPLACE") for key, dumped in self._baseline),
                ("SET", self.keys("seeded"), self._fingerprint),
            )
        live, base = self.keys.conversations(), self.keys.conversations("base")
        self.fenced(
            *(("DEL", key) for key in live), *(("COPY", b, key) for b, key in zip(base, live, strict=True))
        )

    # What the other parts keep here

    def schedule(self) -> RedisSchedule:
        self._schedule = RedisSchedule(self)
        return self._schedule

    def journal(self, limit: int, max_bytes: int) -> RedisJournal:
        return RedisJournal(self, limit, max_bytes)

    def windows(self) -> RedisWindows:
        return RedisWindows(self)

    def log(self, name: str, limit: int) -> RedisLog:
        return RedisLog(self, name, limit)

    def relay(self) -> RedisRelay:
        relay = RedisRelay(self)
        self._relays.append(relay)
        return relay

    def close(self) -> None:
        for relay in self._relays:
            relay.local = None
        while self._idle:
            self._idle.pop().disconnect()
        self.redis.close()
        self.redis.connection_pool.disconnect()


def _changes(share: _Share) -> dict[fields.Path, Any]:
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


def _value(entry: Entry) -> bytes:
    """An entry as stored: what the views ask of it, on one line, then its body."""
    return orjson.dumps([entry.active, entry.calls, entry.campaign_ids]) + b"\n" + entry.body


def _entry(conversation_id: str, value: bytes) -> Entry:
    line, _, body = value.partition(b"\n")
    active, calls, campaign_ids = orjson.loads(line)
    return Entry(id=conversation_id, body=body, active=active, campaign_ids=tuple(campaign_ids), calls=calls)
