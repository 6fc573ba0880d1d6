"""``RedisStore``: a server's whole state on a Redis server, so any number of processes serve it as one.

Every key starts with the store's prefix (``--store-prefix``): several mocks share one Redis and
never touch each other's keys, resets included.

- **Conversations**: a hash of id -> stored value (a line of what the views ask of every entry,
  then the wire JSON), and sorted sets of the ids in the order first stored, of the active ones
  and of the active ones holding a call, in the order they became active: a listing's page is a
  ``ZRANGE`` of its ranks, costing the page. A sorted set of the ids whose callback may wait for
  an agent, scored by since when (``Entry.queued_at``), lets the ACD read those due alone. The seeded dataset is the same keys under ``base:``;
  a reset copies them back (``COPY``), in one script with the rest of the reset.
- **Transactions** (``transaction``): every read-check-write (create, reschedule, an answer,
  all-or-none bulk disconnect, a lifecycle step, a control-API change) holds the store's lock
  (``lock.Lease``: a key on a short lease that the holder's watchdog renews, so a dead holder's
  lock is free within ``LEASE_MS``), its writes fenced by the lock's token. Readers never take
  the lock: each read is one script or command, atomic on the server.
- **Parts** (each ``SharedPart``: the clock, the lifecycle settings, faults, stubs, the rate
  limit, the channels, the factory's random stream): each is kept as fields (``fields``: each
  channel's, each stub's members under their own paths), loaded and saved by the transactions
  (``transaction``) a change at a time. A request syncs before anything reads them: one round
  trip for the versions and the schedule's first step, so a fault set through one process
  applies to the next request on another.
- **Outages** (``outage.Outage``): every command has a timeout (``STORE_TIMEOUT``); a Redis that
  refuses, drops or stays silent marks the store down, and each request then fails at once with
  ``StoreUnavailableError`` (503) until a ping answers again. A Redis restarted empty has lost the
  seeded dataset: every process keeps a copy of it (``DUMP``), and a reset restores it.
- **The busiest request**, GET by id, is one script (``fast_read``), one round trip.
- **Counts** that every request may move (rate-limit windows, the journal) are scripts of their
  own, needing no lock: a budget is spent once across processes. Fault and stub counts are
  parts, changed inside a transaction: a fault's ``times`` is counted once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import orjson
import redis

from contracts import Conversation
from mockserver.config import DEFAULTS
from mockserver.control.journal import Journal, KeptRequest
from mockserver.store.base import Entry
from mockserver.store.errors import StoreError
from mockserver.store.redis import scripts
from mockserver.store.redis.fast_read import FastRead
from mockserver.store.redis.outage import LOST, Client, Outage
from mockserver.store.redis.parts import RedisJournal, RedisLog, RedisRelay, RedisSchedule, RedisWindows
from mockserver.store.redis.transaction import RedisPartShare, Transactions

_LIVE = ("bodies", "order", "active", "calling", "sequence", "queued", "participants", "users")
_INDEXES = ("mine", "mine-calling")  # the prefixes of each user's indexes (``scripts._UNINDEX``)


class Keys:
    """The names of a store's keys, every one under its prefix."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __call__(self, *names: str) -> str:
        return ":".join((self.prefix, *names))

    def conversations(self, under: str = "") -> list[str]:
        """The conversation keys (bodies, order, active, calling, sequence, queued, participants, users), live or under ``base``."""
        return [self(under, name) if under else self(name) for name in _LIVE]

    def indexes(self, under: str = "") -> list[str]:
        """The users' indexes: the set of users, and the prefixes of their keys (``<prefix>:<user id>``)."""
        return [self(under, name) if under else self(name) for name in ("users", *_INDEXES)]

    def user_index(self, user_id: str, *, calls: bool) -> str:
        return ":".join((self(_INDEXES[1] if calls else _INDEXES[0]), user_id))

    def baseline(self) -> list[str]:
        """What a reset copies back: the seeded conversations and their schedule (not the users' indexes)."""
        return [*self.conversations("base"), self("base", "steps"), self("base", "planned")]


class RedisStore:
    """The conversations and every part of one server, on Redis under ``prefix``."""

    shared = True  # any number of processes serve one state from it

    def __init__(self, url: str, *, prefix: str, timeout: float = DEFAULTS["STORE_TIMEOUT"]) -> None:
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
        self._transactions = Transactions(self.redis, self.keys, self.outage)
        self._fast = FastRead(
            self.redis, self.keys, self.outage, self._transactions, url=url, timeout=timeout, sync=self.sync
        )
        self._baseline: list[tuple[str, bytes]] = []  # the seeded dataset's keys, DUMPed
        self._fingerprint = ""
        self._listeners: list[Callable[[], None]] = []
        self._schedule: RedisSchedule | None = None
        self._relays: list[RedisRelay] = []
        self._put = self.redis.register_script(scripts.PUT)
        self._delete = self.redis.register_script(scripts.DELETE)
        self._page = self.redis.register_script(scripts.PAGE)
        self._copy_indexes = self.redis.register_script(scripts.COPY_INDEXES)
        self._queued = self.redis.register_script(scripts.QUEUED)

    # Transactions (``transaction``)

    def transaction(self) -> AbstractContextManager[None]:
        """Hold the store's lock (reentrant in a thread), with every part up to date; save what changed."""
        return self._transactions.transaction()

    def fenced(self, *commands: tuple[Any, ...]) -> list[Any]:
        """Run ``commands`` in one script, only while this thread holds the lock; their replies."""
        return self._transactions.fenced(*commands)

    def call(self, script: Any, keys: list[str], args: list[Any]) -> Any:
        """Run a fenced script (its first key the lock's) with this thread's token and lease."""
        return self._transactions.call(script, keys, args)

    def part_share(self, name: str) -> RedisPartShare:
        return self._transactions.part_share(name)

    def sync(self) -> None:
        """One round trip: the parts' versions and the schedule's first step; then what changed is loaded."""
        if self._transactions.depth:
            return  # a transaction has already brought everything up to date
        pipe = self.redis.pipeline(transaction=False)
        pipe.hgetall(self.keys("versions"))
        pipe.zrange(self.keys("steps"), 0, 0, withscores=True)
        versions, first = pipe.execute()
        self._transactions.catch_up(versions)
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
        users, mine, calling = self.keys.indexes("base")
        indexed = [user.decode() for user in self.redis.smembers(users)]  # type: ignore[union-attr]
        pipe = self.redis.pipeline(transaction=True)
        keys = [*self.keys.baseline(), *(f"{index}:{user}" for user in indexed for index in (mine, calling))]
        for key in keys:
            pipe.dump(key)
        self._baseline = [(key, dumped) for key, dumped in zip(keys, pipe.execute(), strict=True) if dumped]

    # Conversations

    def get(self, conversation_id: str) -> Entry | None:
        value = self.redis.hget(self.keys("bodies"), conversation_id)
        return None if value is None else _entry(conversation_id, value)  # type: ignore[arg-type]

    def read_journaled(
        self, conversation_id: str, journal: Journal | None, draft: KeptRequest | None, now_ms: int
    ) -> bytes | None:
        """One round trip (``fast_read``): the parts' version checked, the body read, the entry kept."""
        return self._fast.read_journaled(conversation_id, journal, draft, now_ms)

    async def aread_journaled(
        self, conversation_id: str, journal: Journal | None, draft: KeptRequest | None, now_ms: int
    ) -> bytes | None:
        """``read_journaled`` awaited on the event loop: the loop serves other requests meanwhile."""
        return await self._fast.aread_journaled(conversation_id, journal, draft, now_ms)

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
        self, start: int = 0, stop: int | None = None, *, calls: bool = False, user_id: str | None = None
    ) -> tuple[int, list[Entry]]:
        last = -1 if stop is None else stop - 1
        if user_id is not None:
            index = self.keys.user_index(user_id, calls=calls)
        else:
            index = self.keys("calling" if calls else "active")
        if stop is not None and stop <= start:
            return int(self.redis.zcard(index)), []
        count, values = self._page(keys=[index, self.keys("bodies")], args=[start, last])
        return int(count), [_entry(values[i].decode(), values[i + 1]) for i in range(0, len(values), 2)]

    def queued(self, until: int) -> list[Entry]:
        """The entries whose callback has waited for an agent since ``until`` or before, earliest first."""
        values = self._queued(keys=[self.keys("queued"), self.keys("bodies")], args=[until])
        return [_entry(values[i].decode(), values[i + 1]) for i in range(0, len(values), 2)]

    def put(self, conversations: Iterable[Conversation]) -> None:
        self._write("", [Entry.of(conversation) for conversation in conversations])

    def put_entries(self, entries: list[Entry]) -> None:
        self._write("", entries)

    def _write(self, under: str, entries: list[Entry]) -> None:
        keys = [self.keys("lock"), *self.keys.conversations(under), *self.keys.indexes(under)[1:]]
        for start in range(0, len(entries), 500):  # a script's arguments stay well within Lua's stack
            words: list[Any] = []
            for entry in entries[start : start + 500]:
                words += [
                    entry.id,
                    _value(entry),
                    int(entry.active),
                    int(entry.calls),
                    orjson.dumps(entry.user_ids),
                    _since(entry),
                ]
            with self.transaction():
                self.call(self._put, keys, words)

    def delete(self, conversation_id: str) -> bool:
        live = self.keys.conversations()
        keys = [self.keys("lock"), *live[:4], *live[5:], *self.keys.indexes()[1:]]
        with self.transaction():
            return bool(self.call(self._delete, keys, [conversation_id]))

    def seed(self, conversations: Iterable[Conversation]) -> None:
        """Make ``conversations`` the dataset under ``base:`` that ``reset`` copies back, and reset."""
        with self.transaction():
            self.call(self._copy_indexes, [self.keys("lock"), *self.keys.indexes("base")], [])
            self.fenced(*(("DEL", key) for key in self.keys.conversations("base")))
            self._write("base", [Entry.of(conversation) for conversation in conversations])
            self.reset()

    def reset(self) -> None:
        """Back to the seeded dataset; a store that lost it (Redis restarted empty) gets it back first."""
        if self._baseline and not self.redis.exists(self.keys("seeded")):
            self.fenced(
                *(("RESTORE", key, 0, dumped, "REPLACE") for key, dumped in self._baseline),
                ("SET", self.keys("seeded"), self._fingerprint),
            )
        live, base = self.keys.conversations(), self.keys.conversations("base")
        with self.transaction():  # the users' indexes are copied back with the conversations, as one change
            self.call(
                self._copy_indexes, [self.keys("lock"), *self.keys.indexes(), *self.keys.indexes("base")], []
            )
            self.fenced(
                *(("DEL", key) for key in live),
                *(("COPY", b, key) for b, key in zip(base, live, strict=True)),
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
        self._fast.close()
        self.redis.close()
        self.redis.connection_pool.disconnect()


def _value(entry: Entry) -> bytes:
    """An entry as stored: what the views ask of it, on one line, then its body."""
    return (
        orjson.dumps([entry.active, entry.calls, entry.campaign_ids, entry.user_ids, entry.queued_at])
        + b"\n"
        + entry.body
    )


def _entry(conversation_id: str, value: bytes) -> Entry:
    line, _, body = value.partition(b"\n")
    active, calls, campaign_ids, user_ids, queued_at = orjson.loads(line)
    return Entry(
        id=conversation_id,
        body=body,
        active=active,
        campaign_ids=tuple(campaign_ids),
        calls=calls,
        user_ids=tuple(user_ids),
        queued_at=queued_at,
    )


def _since(entry: Entry) -> int | str:
    """Since when it waits for an agent, as the put script takes it ("": it does not)."""
    return "" if entry.queued_at is None else entry.queued_at
