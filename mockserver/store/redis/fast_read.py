"""A Redis store's busiest request, GET by id: one script (``scripts.READ``), one round trip.

The script checks "*" against the version this process loaded and that no step is due, reads the
body and journals the read; if either check fails it reads nothing and the request is synced and
answered the general way. No local cache: any would answer from a copy that another process may
already have changed, which a test that writes through one replica and reads through another sees.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import hiredis
import orjson
from redis.exceptions import NoScriptError, RedisError, ResponseError

from mockserver.control.journal import LENGTH, Journal, KeptRequest
from mockserver.store.errors import OutOfDateError, StoreError
from mockserver.store.redis import scripts
from mockserver.store.redis.outage import LOST, Client, Outage
from mockserver.store.redis.parts import JOURNAL_KEYS, journal_item
from mockserver.store.redis.pipelined import Pipelined

if TYPE_CHECKING:
    from mockserver.store.redis.store import Keys
    from mockserver.store.redis.transaction import Transactions

_LENGTH_MARK = orjson.dumps(["Content-Length", LENGTH])[1:-1]  # as the entry's JSON holds it


class FastRead:
    """A conversation's body read and its read journaled in one step, blocking or on an event loop."""

    def __init__(
        self,
        client: Client,
        keys: Keys,
        outage: Outage,
        transactions: Transactions,
        *,
        url: str,
        timeout: float,
        sync: Callable[[], None],
    ) -> None:
        self.redis = client
        self.outage = outage
        self._transactions = transactions  # whose ``seen`` the script compares with the store's
        self._url = url
        self._timeout = timeout
        self._sync = sync  # the store's, run when the script finds this process out of date
        self._read = client.register_script(scripts.READ)
        self._keys = [
            *(keys(name) for name in JOURNAL_KEYS),
            *(keys(name) for name in ("versions", "steps", "bodies")),
        ]
        self._idle: list[Any] = []  # the connections not in use
        # Each event loop's pipelined connection (Granian's worker has one loop).
        self._pipelined: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Pipelined] = (
            weakref.WeakKeyDictionary()
        )

    def read_journaled(
        self, conversation_id: str, journal: Journal | None, draft: KeptRequest | None, now_ms: int
    ) -> bytes | None:
        """One round trip (``scripts.READ``): the parts' version checked, the body read, the entry kept.

        Sent and read on a connection of the store's own, without redis-py's pool and command
        machinery (half this call's time here): the busiest request costs one round trip and
        little besides. ``list.pop`` and ``append`` are atomic, so the idle list needs no lock.
        """
        command = self._command(conversation_id, journal, draft, now_ms)
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
        return self._answer(answer)

    async def aread_journaled(
        self, conversation_id: str, journal: Journal | None, draft: KeptRequest | None, now_ms: int
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
            pipelined = self._pipelined[loop] = Pipelined(self._url, timeout=self._timeout)
        try:
            answer = await pipelined.call(*self._command(conversation_id, journal, draft, now_ms))
        except (OSError, TimeoutError, StoreError) as error:
            self.outage.lost(error)
            return None
        if isinstance(answer, hiredis.ReplyError):
            if not str(answer).startswith("NOSCRIPT"):
                raise ResponseError(str(answer))
            self.redis.script_load(scripts.READ)
            return await self.aread_journaled(conversation_id, journal, draft, now_ms)
        return self._answer(answer)

    def close(self) -> None:
        """Let go of the connections kept for blocking reads."""
        while self._idle:
            self._idle.pop().disconnect()

    def _command(
        self, conversation_id: str, journal: Journal | None, draft: KeptRequest | None, now_ms: int
    ) -> tuple[Any, ...]:
        if journal is not None and draft is not None:
            item, size = journal_item(draft), draft.size()
            limit, bound = journal.limit, journal.max_bytes
        else:
            item, size, limit, bound = b"", 0, 0, 0
        keys = self._keys
        args = (item, size, limit, bound, self._transactions.seen, now_ms, conversation_id, _LENGTH_MARK)
        return ("EVALSHA", self._read.sha, len(keys), *keys, *args)

    def _answer(self, answer: Any) -> bytes | None:
        if answer == -1:
            self._sync()
            raise OutOfDateError
        return answer  # type: ignore[no-any-return]
