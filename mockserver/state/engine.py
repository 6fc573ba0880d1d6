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

import attrs

import contracts
from contracts import AfterCallWorkState, CallbackState, Conversation, DisconnectType, RoutingStatusType
from factories import ConversationFactory
from mockserver.control.models import AdvanceOn, Lifecycle, LifecycleMode
from mockserver.state import acd, callback_routing, lifecycle
from mockserver.state.changes import Changes
from mockserver.state.clock import Clock, from_ms, to_ms
from mockserver.state.lifecycle import Legs, StepError
from mockserver.state.routing import Routing, RoutingError
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
        routing: Routing | None = None,
    ) -> None:
        self._store = store
        self._routing = routing
        # While steps run: the due time of the one running; and the earliest at which one freed a
        # member (the ACD is woken after that round's work is stored).
        self._stepping_at: int | None = None
        self._freed_at: int | None = None
        self._forcing = False  # the control API's advance: an offer whatever the statuses
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
        """``conversation`` after the step ``kind`` at ``at`` (``StepError`` if it does not fit).

        An offer goes to the member the ACD chooses (``NobodyAvailable`` if none may take it), and
        the offered agent's routing status follows the step: ``INTERACTING`` from the offer,
        ``NOT_RESPONDING`` once it ends unanswered, ``IDLE`` again after the wrap-up.
        """
        self._factory_share.touch()  # a step may draw from the factory's stream
        if self._routing is None:
            return lifecycle.apply(conversation, kind, at, self.settings, self._factory)
        legs = lifecycle.legs_of(conversation)
        if kind in ("fire", *lifecycle.DIAL_STEPS) and legs is not None:
            # Only these steps read the queue's callback settings (customer-first or not).
            media = self._callback_settings(legs)
            return lifecycle.apply(conversation, kind, at, self.settings, self._factory, media)
        if kind == "offer" and legs is not None:
            user_id = self._choose(conversation, legs, at)
            offered = lifecycle.offered_to(
                conversation, (user_id, self._name(user_id)), at, self.settings, self._factory
            )
            self._set_status(user_id, RoutingStatusType.INTERACTING)
            return offered
        last = legs.last_agent if legs is not None else None
        after = lifecycle.apply(conversation, kind, at, self.settings, self._factory)
        agent = last[0].user_id if last is not None else None
        if agent is not None and kind in ("timeout", "decline") and self._interacting(agent):
            self._set_status(agent, acd.after_offer_ends(RoutingStatusType.INTERACTING, answered=False))
        elif agent is not None and kind == "wrap_up":
            self.released(agent)
        return after

    def _callback_settings(self, legs: Legs) -> contracts.CallbackMediaSettings | None:
        """The callback settings of the callback's queue (None: a queue the routing state lacks)."""
        queue = legs.acd if legs.acd is not None else legs.customer
        held = self._routing.queue(queue.queue_id or "") if self._routing is not None else None
        media = held.media_settings if held is not None else None
        return media.callback if media is not None else None

    def released(self, user_id: str) -> None:
        """The agent is done with a callback (wrapped up): ``IDLE`` again, and offered what waits.

        Only an agent the ACD made ``INTERACTING`` changes: one who went off queue meanwhile stays
        so, and the seeded conversations' offers (made before any status) change nobody.
        """
        if self._interacting(user_id):
            self._set_status(user_id, RoutingStatusType.IDLE)

    def _interacting(self, user_id: str) -> bool:
        routing = self._routing
        return (
            routing is not None
            and routing.has_user(user_id)
            and routing.status(user_id).status is RoutingStatusType.INTERACTING
        )

    def wake(self) -> None:
        """Offer the callbacks waiting in queue to the members available now (a member became available).

        A waiting callback is one whose offer fell due with nobody to take it. The ACD assigns each
        queue's waiting callbacks to its available members (``acd.assign``), and each one given a
        member has its offer planned now. It reads the conversations the store indexes as waiting
        for an agent long enough for their offer to be due (``Conversations.queued``), never the
        rest of the store.
        """
        if self._routing is None or self.counts_reads or self.settings.mode is LifecycleMode.OFF:
            return
        if self._stepping_at is not None:  # a step freed the member: woken once the steps' work is stored
            self._freed_at = min(self._freed_at or self._stepping_at, self._stepping_at)
            return
        self._wake(self._clock.ms())

    def waiting(self, now: int) -> dict[str | None, list[acd.Waiting]]:
        """The callbacks waiting in each queue at ``now``: their offer fell due with nobody to take it.

        Only the conversations the store indexes as waiting for an agent since the offer delay
        before ``now`` are read (decoded); the lifecycle's next step confirms each one's offer.
        """
        by_queue: dict[str | None, list[acd.Waiting]] = {}
        for entry in self._store.queued(now - round(self.settings.offer_delay_seconds * 1000)):
            conversation = entry.conversation
            step = lifecycle.next_step(conversation, self.settings)
            legs = lifecycle.legs_of(conversation)
            if step is None or step.kind != "offer" or step.due > now or legs is None:
                continue
            queue = legs.acd if legs.acd is not None else legs.customer
            entered = legs.current_callback.connected_time or from_ms(step.due)
            by_queue.setdefault(queue.queue_id, []).append(
                callback_routing.waiting(_id(conversation), queue, entered, self._refused(legs))
            )
        return by_queue

    def members(self, queue_id: str | None) -> list[acd.Member]:
        """The queue's members as the ACD sees them now."""
        return self._members(queue_id)

    def _wake(self, now: int, *, run: bool = True) -> None:
        with self._store.transaction():
            by_queue = self.waiting(now)
            planned = False
            for queue_id, waiting in by_queue.items():
                for offer in acd.assign(waiting, self._members(queue_id)):
                    self._schedule.plan(offer.conversation_id, lifecycle.Step(now, "offer"))
                    planned = True
            if planned and run:
                self.run_due(now)  # offered at once: a frozen clock would otherwise hold them
            self.refresh()

    def _set_status(self, user_id: str, status: RoutingStatusType) -> None:
        if self._routing is not None and self._routing.has_user(user_id):
            self._routing.set_status(user_id, status)

    def _name(self, user_id: str) -> str:
        users = dict(self._routing.users()) if self._routing is not None else {}
        return users.get(user_id, user_id)

    def _members(self, queue_id: str | None) -> list[acd.Member]:
        """The queue's members as the ACD sees them.

        A queue the routing state does not hold (an id no queue has) has every org user for a member,
        each available, the org's first agent (``agent:0``) first, as if idle longest.
        """
        routing = self._routing
        if routing is None:
            return []
        try:
            ids = routing.member_ids(queue_id or "")
        except RoutingError:
            # In the org's order: agent:0 first, as the ACD offers it to whoever is idle longest.
            return [
                acd.Member(user_id=user_id, since=index) for index, (user_id, _) in enumerate(routing.users())
            ]
        now, grace = self._clock.ms(), round(self.settings.offer_delay_seconds * 1000)
        members = []
        for user_id in ids:
            status = routing.status(user_id)
            kind = status.status or RoutingStatusType.OFF_QUEUE
            since = to_ms(status.start_time) if status.start_time is not None else 0
            if (
                self.settings.mode is LifecycleMode.AUTO
                and kind is RoutingStatusType.NOT_RESPONDING
                and since + grace <= now
            ):
                kind = RoutingStatusType.IDLE  # a simulated agent sets themselves back on queue
            members.append(acd.Member(user_id=user_id, status=kind, since=since))
        return members

    def _refused(self, legs: Legs) -> frozenset[str]:
        """On a queue the routing state does not hold, the agents who did not answer this callback.

        Such a queue's members have no statuses to turn ``NOT_RESPONDING``; leaving out whoever
        let the callback go keeps its offers bounded (one per org user) all the same.
        """
        queue = legs.acd if legs.acd is not None else legs.customer
        if self._routing is None or self._routing.queue(queue.queue_id or "") is not None:
            return frozenset()
        return frozenset(
            agent.user_id
            for agent in legs.agents
            if agent.user_id is not None
            and agent.callbacks
            and agent.callbacks[0].state in (CallbackState.DISCONNECTED, CallbackState.TERMINATED)
            and agent.callbacks[0].connected_time is None
        )

    def _choose(self, conversation: Conversation, legs: Legs, at: datetime) -> str:
        """Whom the ACD offers ``conversation``'s callback to now; ``NobodyAvailable`` if nobody may take it."""
        queue = legs.acd if legs.acd is not None else legs.customer
        item = callback_routing.waiting(_id(conversation), queue, at, self._refused(legs))
        members = self._members(queue.queue_id)
        best = acd.candidates(item, members)
        if not best and self._forcing:
            # The control API's advance moves it on whatever the statuses: the best member, as if idle.
            everyone = members or [acd.Member(user_id=user_id) for user_id, _ in self._users()]
            best = acd.candidates(item, [attrs.evolve(m, status=RoutingStatusType.IDLE) for m in everyone])
        if not best:
            raise NobodyAvailable("nobody on its queue is available to offer it to")
        return best[0].user_id

    def _users(self) -> list[tuple[str, str]]:
        return self._routing.users() if self._routing is not None else []

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
        # The channels hand the stream what the run pushed when it ends (or every so often, if it is
        # long), not as each step runs: its thread then never contends with this one for the
        # interpreter (benchmarks/README.md, bench_waking (c)).
        with self._changes.holding():
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
        kept = {} if kept is None else kept
        deadline = time.thread_time() + budget
        stopped = False
        while True:
            working: dict[str, Conversation] = {}
            self._freed_at = None
            try:
                for due, conversation_id, kind in self._schedule.pop_due(until):
                    self._stepping_at = due
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
                    try:
                        conversation = self.apply(conversation, kind, from_ms(due))
                    except NobodyAvailable:
                        continue  # it waits in queue: offered when a member becomes available (``wake``)
                    # Every step is told, though stored once, to the channels alive at its due time.
                    self._changes.publish(conversation, None, due)
                    working[conversation_id] = conversation
                    self._schedule.plan(conversation_id, lifecycle.next_step(conversation, self.settings))
                    if self._freed_at is not None:
                        # A member was freed: the ACD assigns what waits before any later step runs,
                        # so where a chunk ends never changes who is offered what.
                        break
                    if time.thread_time() >= deadline:
                        stopped = True
                        break
            finally:
                self._stepping_at = None
            if working:
                entries = [Entry.of(conversation) for conversation in working.values()]
                self._store.put_entries(entries)
                for entry, conversation in zip(entries, working.values(), strict=True):
                    kept[entry.id] = (entry.body, conversation)
            if self._freed_at is None:
                break
            # Offers planned at the step that freed a member: run in the next round (or chunk).
            self._wake(self._freed_at, run=False)
            if stopped or time.thread_time() >= deadline:
                stopped = True
                break
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
        legs = lifecycle.legs_of(conversation)
        first = legs is not None and lifecycle.customer_first(self._callback_settings(legs))
        path = lifecycle.customer_first_path(stage) if first else lifecycle.PATHS[stage]
        done = steps_taken(conversation)
        if done is None or path[: len(done)] != done:
            taken = ", ".join(done or ()) or "none"
            raise StepError(f"it cannot move on to {stage}: it has already taken the steps {taken}")
        at = self._clock.now()
        self._forcing = True
        try:
            for kind in path[len(done) :]:
                conversation = self.apply(conversation, kind, at)
        finally:
            self._forcing = False
        return conversation

    def dump(self) -> Any:
        return {"settings": contracts.unstructure(self.settings), "reads": self._reads}

    def load(self, data: Any) -> None:
        self._reads = dict(data["reads"])
        self._use(contracts.structure(data["settings"], Lifecycle))


class NobodyAvailable(StepError):
    """No member of the callback's queue may be offered it now: it waits in queue."""


def steps_taken(conversation: Conversation) -> tuple[str, ...] | None:
    """The steps of ``lifecycle.PATHS`` a conversation has taken, read off its legs; None if off them."""
    legs = lifecycle.legs_of(conversation)
    if legs is None:
        return None
    if legs.current_callback.state is CallbackState.SCHEDULED:
        return ()
    taken: list[str] = ["fire"]
    customer = legs.current_callback
    if lifecycle.dial_attempts(customer) and customer.automated_callback_config_id is None:
        if customer.state is CallbackState.DIALING:
            return tuple(taken)
        taken.append("reach")  # a customer-first callback: the customer answered before any offer
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
