"""The lifecycle engine: runs each conversation's next step when the clock, or a read, reaches it.

``lifecycle`` says what a step is and when it is due; this keeps the schedule of one server's
conversations and runs it against the store. Due steps run in chunks (``run_chunk``), each a
transaction of at most ``CHUNK_SECONDS``, so a long advance never holds the store from the other
requests; one thread at a time runs them (``_running``), so a due step runs once however many
threads notice it. A ``waking.Waker`` runs them at their due time without any request; a
request that finds a step due runs a chunk itself if no other thread is running one.
Nothing here imports Flask.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import contracts
from contracts import AfterCallWorkState, CallbackState, Conversation, DisconnectType
from factories import ConversationFactory
from mockserver.control.models import AdvanceOn, Lifecycle
from mockserver.state import lifecycle
from mockserver.state.changes import Changes
from mockserver.state.clock import Clock, from_ms
from mockserver.state.lifecycle import StepError
from mockserver.store.base import ConversationStore, Entry, PartShare, Timetable
from mockserver.store.memory import LocalPartShare, MemorySchedule

# The most CPU time a chunk of due steps spends holding the store's lock: between chunks, other
# requests are answered (the thread's CPU, not the wall's: on a loaded machine a wall-clock budget
# made chunks of a few steps, each decoding and storing its conversations again).
CHUNK_SECONDS = 0.02


class Engine:
    """The schedule of one server's conversations, the settings they live by, and the runner."""

    def __init__(
        self,
        store: ConversationStore,
        clock: Clock,
        factory: ConversationFactory,
        settings: Lifecycle,
        changes: Changes,
        *,
        schedule: Timetable | None = None,
        share: PartShare | None = None,
        factory_share: PartShare | None = None,
    ) -> None:
        self._store = store
        self._changes = changes
        self._clock = clock
        self._factory = factory
        # The settings and read counts are a ``SharedPart`` of the server (its share is touched when
        # they change); the schedule is the store's; every step draws from the factory's stream.
        self._share = LocalPartShare() if share is None else share
        self._factory_share = LocalPartShare() if factory_share is None else factory_share
        self._schedule: Timetable = schedule if schedule is not None else MemorySchedule()
        self.initial = settings
        self._reads: dict[str, int] = {}
        # Set when the next step falls due sooner than it did (planned, the clock moved, another
        # process said so): a waker sleeping until the old time wakes to look again.
        self.woken = threading.Event()
        self.due_at = math.inf  # the real time (time.time()) the next step falls due; inf: none, or frozen
        self._running = threading.Lock()  # held by the thread running due steps
        self._use(settings)

    def _use(self, settings: Lifecycle) -> None:
        self.settings = settings
        # advanceOn reads: every read may move a conversation, so the fast path leaves reads to the view.
        self.counts_reads = settings.advance_on is AdvanceOn.READS
        self.refresh()

    def keep_as_baseline(self) -> None:
        """Make the current schedule the one ``reset`` returns to (after seeding)."""
        self._schedule.keep_as_baseline()

    def reset(self) -> None:
        """Back to the configured settings and the baseline's schedule."""
        self._schedule.reset()
        self._reads = {}
        self._use(self.initial)
        self._share.touch()

    def configure(self, settings: Lifecycle, conversations: Iterable[Conversation]) -> None:
        """Live under ``settings`` from now on: ``conversations`` (every one stored) planned again."""
        self._schedule.clear()
        self._reads = {}
        self._use(settings)
        self.plan(conversations)
        self._share.touch()

    def plan(self, conversations: Iterable[Conversation]) -> None:
        """Plan each conversation's next step, none of them due before now (it was just written)."""
        settings, now = self.settings, self._clock.ms()
        by_clock = not self.counts_reads
        self._schedule.plan_all(
            [
                (_id(conversation), lifecycle.next_step(conversation, settings, now) if by_clock else None)
                for conversation in conversations
            ]
        )
        self.refresh()

    def forget(self, conversation_id: str) -> None:
        """Drop a conversation's planned step and read count (it was deleted)."""
        self._schedule.plan(conversation_id, None)
        if self._reads.pop(conversation_id, None) is not None:
            self._share.touch()
        self.refresh()

    def refresh(self) -> None:
        """Note when the next step is due (after planning, running, or moving the clock)."""
        due = self._schedule.next_due()
        # When the next step is due (server ms; inf for none), and the real time when the clock will
        # reach it (time.time(); inf while frozen): every request compares the latter with time().
        self.next_due: float = math.inf if due is None else due
        due_at = self._clock.when(self.next_due)
        # advanceOn reads: -inf, so a fast-path read takes the branch that leaves it to the view.
        self.wake_at: float = -math.inf if self.counts_reads else due_at
        if due_at < self.due_at:
            self.woken.set()
        self.due_at = due_at

    def apply(self, conversation: Conversation, kind: str, at: datetime) -> Conversation:
        """``conversation`` after the step ``kind`` at ``at`` (``StepError`` if it does not fit)."""
        self._factory_share.touch()  # a step may draw from the factory's stream
        return lifecycle.apply(conversation, kind, at, self.settings, self._factory)

    def catch_up(self) -> None:
        """Run a chunk of the steps the clock has reached, unless another thread is running them
        (called before each request is answered: a request never waits for a long advance)."""
        if self.next_due <= self._clock.ms() and self._running.acquire(blocking=False):
            try:
                with self._store.transaction():
                    self.run_due(self._clock.ms(), budget=CHUNK_SECONDS)
            finally:
                self._running.release()

    def run_chunk(self) -> bool:
        """Run a chunk of the steps the clock has reached (waiting for a thread running some); whether
        more are due."""
        with self._running, self._store.transaction():
            return self.run_due(self._clock.ms(), budget=CHUNK_SECONDS)

    def run_until(self, until: int) -> None:
        """Every step due by ``until``, a chunk at a time, the store's lock let go between chunks.

        What a chunk stored is kept decoded for the next ones, used while the store still holds
        exactly those bytes (no request changed the conversation in between).
        """
        kept: dict[str, tuple[bytes, Conversation]] = {}
        more = True
        while more:
            with self._running, self._store.transaction():
                more = self.run_due(until, budget=CHUNK_SECONDS, kept=kept)

    def run_due(
        self, until: int, budget: float = math.inf, kept: dict[str, tuple[bytes, Conversation]] | None = None
    ) -> bool:
        """The steps due by ``until``, in time order, each stamped with its own due time, for at most
        ``budget`` seconds of this thread's CPU; whether it stopped with steps left to run.

        Each conversation is decoded once and stored once however many steps it takes; ``kept``
        (id -> stored body, conversation) saves decoding what an earlier chunk stored.
        """
        working: dict[str, Conversation] = {}
        kept = {} if kept is None else kept
        deadline = time.thread_time() + budget
        stopped = False
        for due, conversation_id, kind in self._schedule.pop_due(until):
            conversation = working.get(conversation_id)
            if conversation is None:
                entry = self._store.get(conversation_id)
                if entry is None:
                    continue
                carried = kept.get(conversation_id)
                conversation = (
                    carried[1]
                    if carried is not None and (carried[0] is entry.body or carried[0] == entry.body)
                    else entry.conversation
                )
            conversation = self.apply(conversation, kind, from_ms(due))
            self._changes.publish(conversation, None)  # every step is told, though stored once
            working[conversation_id] = conversation
            self._schedule.plan(conversation_id, lifecycle.next_step(conversation, self.settings))
            if time.thread_time() >= deadline:
                stopped = True
                break
        if working:
            entries = [Entry.of(conversation) for conversation in working.values()]
            self._store.put_entries(entries)
            for entry, conversation in zip(entries, working.values(), strict=True):
                kept[entry.id] = (entry.body, conversation)
        self.refresh()
        return stopped

    def listen(self) -> Callable[[], None]:
        """Look again whenever another process says the schedule or the clock changed; the function
        that stops listening."""
        return self._schedule.listen(self.refresh)

    def announce(self) -> None:
        """Tell the other processes' wakers that the schedule or the clock changed."""
        self._schedule.announce()

    def read(self, conversation_id: str) -> None:
        """advanceOn reads: every readsPerStep-th read of a conversation takes its next step."""
        with self._store.transaction():
            count = self._reads[conversation_id] = self._reads.get(conversation_id, 0) + 1
            self._share.touch()
            if count % self.settings.reads_per_step:
                return
            entry = self._store.get(conversation_id)
            if entry is None:
                return
            step = lifecycle.next_step(entry.conversation, self.settings, self._clock.ms())
            if step is not None:
                conversation = self.apply(entry.conversation, step.kind, from_ms(step.due))
                self._store.put([conversation])
                self._changes.publish(conversation, None)

    def advanced(self, conversation: Conversation, stage: str) -> Conversation:
        """``conversation`` moved on to ``stage`` (a key of ``lifecycle.PATHS``), every step stamped now.

        The steps happen at the clock's current instant, so what a test does next (answer, hang up)
        comes after them. Raises ``StepError`` if the conversation has already gone another way.
        """
        path = lifecycle.PATHS[stage]
        done = steps_taken(conversation)
        if done is None or path[: len(done)] != done:
            taken = ", ".join(done or ()) or "none"
            raise StepError(f"it cannot move on to {stage}: it has already taken the steps {taken}")
        at = self._clock.now()
        for kind in path[len(done) :]:
            conversation = self.apply(conversation, kind, at)
        return conversation

    def dump(self) -> Any:
        return {"settings": contracts.unstructure(self.settings), "reads": self._reads}

    def load(self, data: Any) -> None:
        self._reads = dict(data["reads"])
        self._use(contracts.structure(data["settings"], Lifecycle))


def steps_taken(conversation: Conversation) -> tuple[str, ...] | None:
    """The steps of ``lifecycle.PATHS`` a conversation has taken, read off its legs; None if off them."""
    legs = lifecycle.legs_of(conversation)
    if legs is None:
        return None
    if legs.current_callback.state is CallbackState.SCHEDULED:
        return ()
    taken: list[str] = ["fire"]
    for agent in legs.agents:
        callback = (agent.callbacks or (None,))[0]
        if callback is None:
            return None
        taken.append("offer")
        if callback.state is CallbackState.ALERTING:
            continue
        if callback.connected_time is None:
            taken.append("timeout" if callback.disconnect_type is DisconnectType.SYSTEM else "decline")
            continue
        taken.append("answer")
        if callback.state is CallbackState.CONNECTED:
            continue
        taken.append("hang_up")
        acw = callback.after_call_work
        if acw is not None and acw.state is AfterCallWorkState.COMPLETE:
            taken.append("wrap_up")
    return tuple(taken)


def _id(conversation: Conversation) -> str:
    if conversation.id is None:
        raise ValueError("a stored conversation needs an id")
    return conversation.id
