"""The backend's assembly: its parts over one store, built from a server's settings, and seeded.

The store, the clock, the conversation factory and its random stream, the journal, faults, stubs,
the routing state (queues, members, routing statuses), the identities (users, OAuth clients, roles,
tokens), the rate limiter, the lifecycle engine and the notification channels: each made with its share of
the store (so another process sees its changes), and the dataset seeded by the first process to
start on the store. ``backend.Backend`` adds the reads and commands over them. Nothing here
imports Flask.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

import orjson

import contracts
from contracts import Conversation, check_bounds
from factories import ConversationFactory
from mockserver.config import DEFAULTS
from mockserver.control.faults import Faults, RateLimiter
from mockserver.control.models import EventSinkTarget, Lifecycle, RateLimit
from mockserver.control.stubs import Stubs
from mockserver.notifications.channels import Channels
from mockserver.notifications.event_sink import EventSink
from mockserver.state.changes import Changes
from mockserver.state.clock import Clock
from mockserver.state.detail_events import DetailEvents
from mockserver.state.detail_publishing import DetailPublisher
from mockserver.state.engine import Engine
from mockserver.state.identity import Identity
from mockserver.state.ids import new_uuid
from mockserver.state.limits import Limits
from mockserver.state.routing import Routing, seeded_queue
from mockserver.state.trigger_runs import TriggerRuns
from mockserver.state.triggers import Triggers
from mockserver.store import open_store
from mockserver.store.base import LAYOUT, ConversationStore, PartShare, SharedPart

_P = TypeVar("_P", bound=SharedPart)
_A = TypeVar("_A", bound="Assembly")


class Assembly:
    """The parts of a backend's state over one store, the dataset seeded; ``Backend`` adds the commands."""

    def __init__(
        self,
        *,
        store: ConversationStore,
        seed: int,
        conversations: int,
        now: datetime | None = None,
        frozen: bool = False,
        journal: tuple[int, int] | None = (DEFAULTS["JOURNAL_LIMIT"], DEFAULTS["JOURNAL_BYTES"]),
        rate_limit: RateLimit | None = None,
        lifecycle: Lifecycle | None = None,
        notifications_limit: int = DEFAULTS["NOTIFICATIONS_LIMIT"],
        limits: Limits | None = None,
        event_sink: str | None = None,
    ) -> None:
        """``journal``: its bounds, requests and bytes (None: no journal)."""
        self.limits = Limits() if limits is None else limits
        if conversations > self.limits.conversations:
            raise ValueError(
                f"CONVERSATIONS: expected at most MAX_CONVERSATIONS ({self.limits.conversations}), "
                f"got {conversations}"
            )
        self.store = store
        self._shares: list[PartShare] = []
        self.clock = Clock(now, frozen=frozen)
        self._clock_share = self._part_share("clock", self.clock)
        self.factory = ConversationFactory(seed, now=self.clock.now())
        self._random = _RandomStream(self.factory.random)
        self._random_share = self._part_share("factory", self._random)
        self.journal = None if journal is None else store.journal(*journal)
        self.faults = self._shared_part("faults", Faults)
        self.stubs = self._shared_part("stubs", Stubs)
        self.initial_limit = rate_limit
        self.limiter = self._shared_part(
            "rate-limit",
            lambda share: RateLimiter(rate_limit, clock=self.clock.ms, windows=store.windows(), share=share),
        )
        org = self.factory.org
        self.routing = self._shared_part(
            "routing",
            lambda share: Routing(
                org.agents,
                [seeded_queue(q.id, q.name, q.alerting_timeout_seconds, q.auto_answer) for q in org.queues],
                clock=self.clock.now,
                share=share,
            ),
        )
        self.identity = self._shared_part(
            "identity", lambda share: Identity(org.agents, clock_ms=self.clock.ms, share=share)
        )
        self.changes = Changes()
        # The detail events derived from those changes, told to the channels, triggers and event sink.
        self.detail_events = DetailEvents()
        # The process-automation triggers, the workflows tests describe, and what events started.
        self.automation = self._shared_part("triggers", lambda share: Triggers(share=share))
        self.trigger_runs = TriggerRuns(self.automation, self.clock)
        self.detail_events.listen(self.trigger_runs.on_event)
        self.engine = self._shared_part(
            "lifecycle",
            lambda share: Engine(
                store,
                self.clock,
                self.factory,
                lifecycle or Lifecycle(),
                self.changes,
                schedule=store.schedule(),
                share=share,
                factory_share=self._random_share,
                routing=self.routing,
            ),
        )
        self.routing.on_available(self.engine.wake)  # a member free again is offered what waits
        store.on_sync(self.engine.refresh)  # another process may have planned or moved the clock
        # Every change reaches the channels subscribed to it: API commands and control-API puts and
        # seeds (with their request's correlation id), lifecycle steps (with a fresh one).
        self.notifications = self._shared_part(
            "channels",
            lambda share: Channels(
                self.clock,
                limit=notifications_limit,
                new_id=new_uuid,
                share=share,
                pushed=store.log("pushed", notifications_limit),
                relay=store.relay(),
            ),
        )
        self.changes.listen(self.notifications.on_change, self.notifications.holding)
        # Each change's detail events, published once (the keys published are shared), heard by the channels.
        self.detail_publisher = self._shared_part(
            "detail-events", lambda share: DetailPublisher(self.clock, self.detail_events, share=share)
        )
        self.changes.listen(self.detail_publisher.on_change)
        self.detail_events.listen(self.notifications.on_detail)
        # ... and forwarded to the event-bus sink, if one is set (EVENT_SINK, or the control API).
        self.event_sink = self._shared_part(
            "event-sink",
            lambda share: EventSink(
                self.clock,
                initial=None if event_sink is None else EventSinkTarget(url=event_sink),
                new_id=new_uuid,
                deliveries=store.log("sink-deliveries", notifications_limit),
                share=share,
            ),
        )
        self.detail_events.listen(self.event_sink.on_detail)
        # The first process to start on a store seeds it; the others find its dataset there.
        settled = {
            "seed": seed,
            "conversations": conversations,
            "now": None if now is None else now.isoformat(),
            "layout": LAYOUT,
        }
        with store.seeding(orjson.dumps(settled).decode()) as first:
            if first:
                # Every stage of a callback's life, in turn, so a small dataset already shows them all.
                stages = itertools.cycle(ConversationFactory.traits)
                generated = (self._generate(next(stages)) for _ in range(conversations))
                baseline = {stored_id(conversation): conversation for conversation in generated}
                store.seed(baseline.values())
                self.engine.plan(baseline.values())
                self.engine.keep_as_baseline()
                # Where the factory's random stream stood after seeding: every reset returns it there,
                # so what a test creates after a reset has the same ids whatever ran before.
                self._random.keep_as_baseline()
                for share in self._shares:
                    share.touch()

    def _shared_part(self, name: str, make: Callable[[PartShare], _P]) -> _P:
        """The part called ``name``, made with its share from the store (which then holds it)."""
        share = self.store.part_share(name)
        part = make(share)
        self._hold(share, part)
        return part

    def _part_share(self, name: str, part: SharedPart) -> PartShare:
        """The share of a part made without one (its changes are touched by the backend)."""
        share = self.store.part_share(name)
        self._hold(share, part)
        return share

    def _hold(self, share: PartShare, part: SharedPart) -> None:
        share.holds(part)
        self._shares.append(share)

    @classmethod
    def from_config(cls: type[_A], config: Mapping[str, Any]) -> _A:
        """The backend a server's settings describe (``mockserver.config.DEFAULTS``' keys)."""
        journal = (int(config["JOURNAL_LIMIT"]), int(config["JOURNAL_BYTES"])) if config["JOURNAL"] else None
        configured = config["RATE_LIMIT"]
        return cls(
            store=open_store(
                config.get("STORE", DEFAULTS["STORE"]),
                prefix=str(config.get("STORE_PREFIX", DEFAULTS["STORE_PREFIX"])),
                timeout=float(config.get("STORE_TIMEOUT", DEFAULTS["STORE_TIMEOUT"])),
            ),
            seed=int(config["SEED"]),
            conversations=int(config["CONVERSATIONS"]),
            now=config["NOW"],
            frozen=bool(config.get("CLOCK_FROZEN", DEFAULTS["CLOCK_FROZEN"])),
            journal=journal,
            rate_limit=_rate_limit(configured) if configured else None,
            lifecycle=_checked(config.get("LIFECYCLE"), Lifecycle, "LIFECYCLE"),
            notifications_limit=int(config.get("NOTIFICATIONS_LIMIT", DEFAULTS["NOTIFICATIONS_LIMIT"])),
            limits=Limits.of(config),
            event_sink=config.get("EVENT_SINK"),
        )

    def close_senders(self) -> None:
        """Stop the background senders (the event sink's, the workflows'): the attempt in flight ends,
        what waits is dropped, neither blocks; the next delivery starts its sender again."""
        self.event_sink.close()
        self.trigger_runs.sender.close()

    def now(self) -> datetime:
        return self.clock.now()

    def _generate(self, trait: str, **overrides: Any) -> Conversation:
        self._random_share.touch()
        conversation = self.factory.build(trait, **overrides)
        assert isinstance(conversation, Conversation)  # the factory is not basic=True
        return conversation


class _RandomStream:
    """The factory's random stream as a part: where it stands, and where a reset returns it."""

    def __init__(self, stream: random.Random) -> None:
        self.stream = stream
        self.baseline = stream.getstate()

    def keep_as_baseline(self) -> None:
        self.baseline = self.stream.getstate()

    def reset(self) -> None:
        self.stream.setstate(self.baseline)

    def dump(self) -> Any:
        return {"now": _state_data(self.stream.getstate()), "baseline": _state_data(self.baseline)}

    def load(self, data: Any) -> None:
        self.stream.setstate(_state_of(data["now"]))
        self.baseline = _state_of(data["baseline"])


def _state_data(state: tuple[Any, ...]) -> list[Any]:
    version, internal, gauss = state
    return [version, list(internal), gauss]


def _state_of(data: list[Any]) -> tuple[Any, ...]:
    version, internal, gauss = data
    return (version, tuple(internal), gauss)


def stored_id(conversation: Conversation) -> str:
    """The id a conversation is stored under (it must have one)."""
    if conversation.id is None:
        raise ValueError("a stored conversation needs an id")
    return conversation.id


def _rate_limit(configured: Any) -> RateLimit:
    """RATE_LIMIT from the config (a mapping, or JSON from CALLBACK_MOCK_RATE_LIMIT), checked."""
    limit: RateLimit = _checked(configured, RateLimit, "RATE_LIMIT")
    return limit


def _checked(configured: Any, model: type[Any], name: str) -> Any:
    """A setting given as a model or its wire mapping, as the model, its bounds checked; None stays."""
    if configured is None:
        return None
    value = configured if isinstance(configured, model) else contracts.structure(configured, model)
    broken = check_bounds(value)
    if broken:
        path, expectation, got = broken[0]
        raise ValueError(f"{name}: {path} must be {expectation}; got {got!r}")
    return value
