"""What the other stateful parts keep in a Redis store: the schedule, the journal, the rate-limit
windows, the pushed notifications, and the relay that reaches a socket in any process."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import orjson

from mockserver.control.journal import Journal, KeptRequest
from mockserver.state.lifecycle import Step
from mockserver.store.base import Sink
from mockserver.store.redis import scripts

if TYPE_CHECKING:
    from mockserver.store.redis.store import RedisStore

_log = logging.getLogger(__name__)


class RedisSchedule:
    """Each conversation's next step in a sorted set by due time; a due step is taken by one process.

    ``pop_due`` runs inside the store's transaction and takes each step with a fenced script
    (``scripts.POP``), so however many processes notice that a step is due, one of them runs it.
    ``head``, the first step's due time, is read by every request's ``sync``; planning makes it
    no later than the truth, so a process may look for due steps needlessly, never miss one.
    """

    def __init__(self, store: RedisStore) -> None:
        self._store = store
        self._keys = [
            store.keys("lock"),
            store.keys("steps"),
            store.keys("planned"),
            store.keys("steps-sequence"),
            store.keys("wakes"),
        ]
        self._base = [store.keys("base", "steps"), store.keys("base", "planned")]
        self._plan = store.redis.register_script(scripts.PLAN)
        self._pop = store.redis.register_script(scripts.POP)
        self.head: int | None = None
        self._redis = store.redis

    def plan(self, conversation_id: str, step: Step | None) -> None:
        self.plan_all([(conversation_id, step)])

    def plan_all(self, steps: list[tuple[str, Step | None]]) -> None:
        for start in range(0, len(steps), 500):
            words: list[Any] = []
            for conversation_id, step in steps[start : start + 500]:
                words += [
                    conversation_id,
                    "" if step is None else step.due,
                    "" if step is None else step.kind,
                ]
                if step is not None and (self.head is None or step.due < self.head):
                    self.head = step.due
            with self._store.transaction():
                self._store.call(self._plan, self._keys, words)

    def next_due(self) -> int | None:
        return self.head

    def pop_due(self, until: int) -> Iterator[tuple[int, str, str]]:
        while True:
            with self._store.transaction():
                taken = self._store.call(self._pop, self._keys[:3], [until])
            if not taken:
                break
            _, kind, conversation_id = taken[0].decode().split(" ", 2)
            yield int(float(taken[1])), conversation_id, kind
        self._read_head()

    def _read_head(self) -> None:
        first = self._store.redis.zrange(self._keys[1], 0, 0, withscores=True)
        self.head = int(first[0][1]) if first else None

    def listen(self, heard: Callable[[], None]) -> Callable[[], None]:
        """Hear the wakes' channel on a thread of redis-py's: each message syncs this process (the
        schedule's first step, the clock), then calls ``heard``."""

        def on_message(message: dict[str, Any]) -> None:
            self._store.sync()
            heard()

        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(**{self._keys[4]: on_message})
        thread = pubsub.run_in_thread(sleep_time=0.2, daemon=True, exception_handler=_lost_wakes)

        def stop() -> None:
            thread.stop()
            thread.join()
            pubsub.close()

        return stop

    def announce(self) -> None:
        self._redis.publish(self._keys[4], "changed")

    def clear(self) -> None:
        self._store.fenced(("DEL", self._keys[1]), ("DEL", self._keys[2]))
        self.head = None

    def keep_as_baseline(self) -> None:
        self._store.fenced(
            ("DEL", *self._base),
            ("COPY", self._keys[1], self._base[0]),
            ("COPY", self._keys[2], self._base[1]),
        )

    def reset(self) -> None:
        self._store.fenced(
            ("DEL", self._keys[1], self._keys[2]),
            ("COPY", self._base[0], self._keys[1]),
            ("COPY", self._base[1], self._keys[2]),
        )
        self._read_head()

    def __len__(self) -> int:
        return int(self._store.redis.hlen(self._keys[2]))


JOURNAL_KEYS = ("journal", "journal-bytes", "journal-sequence")  # its list, byte count and sequence


class RedisJournal(Journal):
    """The journal as a Redis list, bounded in requests and bytes by one script (``scripts.RECORD``).

    Under Redis a request is numbered as it is recorded, when its answer is known (one round trip
    instead of two), so the journal's order is the order the answers were made.
    """

    def __init__(self, store: RedisStore, limit: int, max_bytes: int) -> None:
        super().__init__(limit, max_bytes)
        self._redis = store.redis
        self._keys = [store.keys(name) for name in JOURNAL_KEYS]
        self._record = store.redis.register_script(scripts.RECORD)
        self.next_id = _zero  # numbered by the script

    def record(self, arrival: KeptRequest) -> None:
        self._record(
            keys=self._keys, args=[journal_item(arrival), arrival.size(), self.limit, self.max_bytes]
        )

    def clear(self) -> None:
        self._redis.delete(*self._keys[:2])

    def __len__(self) -> int:
        return int(self._redis.llen(self._keys[0]))

    @property
    def bytes(self) -> int:
        return int(self._redis.get(self._keys[1]) or 0)

    def _kept(self) -> list[KeptRequest]:
        kept = []
        values: list[Any] = self._redis.lrange(self._keys[0], 0, -1)
        for value in values:
            number, _, rest = value.partition(b" ")
            kept.append(_kept_request(int(number), orjson.loads(rest.partition(b" ")[2])))
        return kept


def _zero() -> int:
    return 0


def journal_item(arrival: KeptRequest) -> bytes:
    """An entry as the journal's list keeps it: a ``KeptRequest``'s fields but the number (the list's
    own, given as it is recorded), in order, as a JSON array that ``_kept_request`` reads back."""
    return orjson.dumps(
        (
            arrival.time,
            arrival.method,
            arrival.path,
            arrival.query_string,
            arrival.headers,
            arrival.body.decode("latin-1"),  # JSON has no bytes: each byte one character
            arrival.status,
            arrival.correlation_id,
            arrival.fault,
            arrival.duration_ms,
            arrival.stub,
            arrival.response_headers,
        )
    )


def _kept_request(number: int, item: list[Any]) -> KeptRequest:
    """The ``KeptRequest`` numbered ``number`` whose other fields ``journal_item`` wrote as ``item``."""
    fields = dict(zip(KeptRequest._fields[1:], item, strict=True))
    fields["body"] = fields["body"].encode("latin-1")
    fields["response_headers"] = tuple(tuple(pair) for pair in fields["response_headers"])
    return KeptRequest(id=number, **fields)


class RedisWindows:
    """Rate-limit windows in a hash, counted by one script (``scripts.TAKE``): a budget is spent once."""

    def __init__(self, store: RedisStore) -> None:
        self._redis = store.redis
        self._keys = [store.keys("windows"), store.keys("window-starts")]
        self._take = store.redis.register_script(scripts.TAKE)

    def take(self, token: str, now_ms: int, requests: int, window_ms: int) -> int | None:
        left = int(self._take(keys=self._keys, args=[token, now_ms, requests, window_ms]))
        return None if left < 0 else left

    def clear(self) -> None:
        self._redis.delete(*self._keys)

    def __len__(self) -> int:
        return int(self._redis.hlen(self._keys[0]))


class RedisLog:
    """The newest ``limit`` items in a Redis list (``RPUSH`` then ``LTRIM``, in one ``MULTI``)."""

    def __init__(self, store: RedisStore, name: str, limit: int) -> None:
        self._redis = store.redis
        self._key = store.keys("log", name)
        self._limit = limit

    def append(self, item: Any) -> None:
        pipe = self._redis.pipeline(transaction=True)
        pipe.rpush(self._key, orjson.dumps(item))
        pipe.ltrim(self._key, -self._limit, -1)
        pipe.execute()

    def items(self) -> list[Any]:
        return [orjson.loads(value) for value in self._redis.lrange(self._key, 0, -1)]

    def clear(self) -> None:
        self._redis.delete(self._key)


def _lost_wakes(error: BaseException, pubsub: Any, thread: Any) -> None:
    """The wakes' subscription lost Redis: say so and retry (redis-py reconnects on the next read)."""
    _log.warning("the lifecycle's waker lost its Redis connection (%s); retrying", error)
    time.sleep(0.5)


def _lost(error: BaseException, pubsub: Any, thread: Any) -> None:
    """The subscription lost Redis: say so and retry (redis-py reconnects on the next read)."""
    _log.warning("the notification relay lost its Redis connection (%s); retrying", error)
    time.sleep(0.5)


class RedisRelay:
    """What a socket must be told, published on a Redis channel; each process's stream hears it.

    ``send`` and ``close`` publish; every process whose stream runs (``local``) subscribes, in a
    thread of redis-py's, and hands each message to its stream, which writes to the socket if it
    holds it. A change made through one process so reaches a socket held by another, in the order
    the changes were made (Redis delivers a channel's messages in order).
    """

    def __init__(self, store: RedisStore) -> None:
        self._redis = store.redis
        self._channel = store.keys("relay")
        self._local: Sink | None = None
        self._thread: Any = None
        self._lock = threading.Lock()

    @property
    def local(self) -> Sink | None:
        return self._local

    @local.setter
    def local(self, sink: Sink | None) -> None:
        with self._lock:
            self._local = sink
            if sink is not None and self._thread is None:
                pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(**{self._channel: self._heard})
                self._thread = pubsub.run_in_thread(sleep_time=1.0, daemon=True, exception_handler=_lost)
            elif sink is None and self._thread is not None:
                self._thread.stop()
                self._thread = None

    def send(self, channel_ids: Sequence[str], text: str) -> None:
        self._redis.publish(self._channel, orjson.dumps(["send", channel_ids, text]))

    def close(self, channel_id: str) -> None:
        self._redis.publish(self._channel, orjson.dumps(["close", channel_id]))

    def _heard(self, message: dict[str, Any]) -> None:
        sink = self._local
        if sink is None:
            return
        what, channel, *text = orjson.loads(message["data"])
        if what == "send":
            sink.send(channel, text[0])  # the channels' ids
        else:
            sink.close(channel)
