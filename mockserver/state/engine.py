"""The lifecycle engine: runs each conversation's next step when the clock, or a read, reaches it.

``lifecycle`` says what a step is and when it is due; this keeps the schedule of one server's
conversations and runs it against the store. The backend calls it with the store's lock held
(``catch_up`` takes the lock itself), so a due step runs once however many requests arrive.
Nothing here imports Flask.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
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
from mockserver.store.base import ConversationStore, PartShare, Timetable
from mockserver.store.memory import LocalPartShare, MemorySchedule


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
        # advanceOn reads: -inf, so a fast-path read takes the branch that leaves it to the view.
        self.wake_at: float = -math.inf if self.counts_reads else self._clock.when(self.next_due)

    def apply(self, conversation: Conversation, kind: str, at: datetime) -> Conversation:
        """``conversation`` after the step ``kind`` at ``at`` (``StepError`` if it does not fit)."""
        self._factory_share.touch()  # a step may draw from the factory's stream
        return lifecycle.apply(conversation, kind, at, self.settings, self._factory)

    def catch_up(self) -> None:
        """Run every step the clock has reached (called before each request is answered)."""
        if self.next_due <= self._clock.ms():
            with self._store.transaction():
                self.run_due(self._clock.ms())

    def run_due(self, until: int) -> None:
        """Every step due by ``until``, in time order, each stamped with its own due time.

        Each conversation is decoded once and stored once however many steps it takes.
        """
        working: dict[str, Conversation] = {}
        for due, conversation_id, kind in self._schedule.pop_due(until):
            conversation = working.get(conversation_id)
            if conversation is None:
                entry = self._store.get(conversation_id)
                if entry is None:
                    continue
                conversation = entry.conversation
            conversation = self.apply(conversation, kind, from_ms(due))
            self._changes.publish(conversation, None)  # every step is told, though stored once
            working[conversation_id] = conversation
            self._schedule.plan(conversation_id, lifecycle.next_step(conversation, self.settings))
        if working:
            self._store.put(working.values())
        self.refresh()

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
