"""The routing state: the org's queues, their settings and members, and its users' routing statuses.

The org's users are the factory organisation's agents (``Org.agents``; the tokens ``agent:<n>`` and
``agent:<userId>`` act for them). Each queue is a ``Queue`` as the API answers it, less what is
derived (its member counts, its URI), with its members' user ids; each user has a routing status
since an instant on the server clock. The seeded state, which a reset returns to, is every org
queue with every agent a joined member, every agent ``IDLE``: any agent may be offered any queue's
callback, as before queues had members.

``Routing`` is a ``Tracked`` part of the server: every change is made inside its share's
``changing()`` and names what it changed (``("queues", id)``, ``("users", id)``), so with the
Redis store every process sees it, a piece at a time. The ACD's decisions read it
(``members``, ``status``) and write statuses (``set_status``); the routes read and write it through
the backend. Nothing here imports Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

import attrs

import contracts
from contracts import (
    AcwSettings,
    AcwWrapupPrompt,
    AgentOwnedRouting,
    CallbackMediaSettings,
    CallbackMode,
    ConversationQueueMediaSettings,
    LastAgentRoutingMode,
    Queue,
    QueueMediaSettings,
    QueueMember,
    RoutingStatus,
    RoutingStatusType,
    ScoringMethod,
    ServiceLevel,
    SkillEvaluationMethod,
)
from mockserver.state import StateError
from mockserver.state.clock import from_ms, to_ms
from mockserver.store.base import ABSENT, PartShare, Path
from mockserver.store.memory import LocalPartShare

QUEUES_URI = "/api/v2/routing/queues"
SEEDED_STATUS = RoutingStatusType.IDLE
# The settings a seeded queue has besides its callbacks' alerting (the org's draw): the API's
# defaults for a new queue where the reference names them, the mock's choice where it does not.
DEFAULT_SERVICE_LEVEL = ServiceLevel(percentage=0.8, duration_ms=20_000)


def seeded_queue(queue_id: str, name: str, alerting_timeout_seconds: int, auto_answer: bool) -> Queue:
    """A queue of the seeded org: agent-first callbacks with the org's alerting timeout and auto-answer."""
    return Queue(
        id=queue_id,
        name=name,
        media_settings=QueueMediaSettings(
            callback=CallbackMediaSettings(
                enable_auto_answer=auto_answer,
                alerting_timeout_seconds=alerting_timeout_seconds,
                service_level=DEFAULT_SERVICE_LEVEL,
                auto_answer_alert_tone_seconds=0.0,
                manual_answer_alert_tone_seconds=1.0,
                mode=CallbackMode.AGENT_FIRST,
                enable_auto_dial_and_end=False,
            )
        ),
        scoring_method=ScoringMethod.TIMESTAMP_AND_PRIORITY,
        last_agent_routing_mode=LastAgentRoutingMode.DISABLED,
        acw_settings=AcwSettings(wrapup_prompt=AcwWrapupPrompt.OPTIONAL),
        skill_evaluation_method=SkillEvaluationMethod.ALL,
        agent_owned_routing=AgentOwnedRouting(
            enable_agent_owned_callbacks=False, max_owned_callback_hours=1, max_owned_callback_delay_hours=7
        ),
    )


def callback_media(queue: Queue) -> ConversationQueueMediaSettings:
    """What a callback routed on ``queue`` carries as ``queueMediaSettings``: its callback settings'.

    The one place a callback's queue settings come from (create, patch, a participant's callback).
    """
    settings = queue.media_settings.callback if queue.media_settings is not None else None
    settings = settings or CallbackMediaSettings()
    return ConversationQueueMediaSettings(
        alerting_timeout_seconds=settings.alerting_timeout_seconds,
        auto_answer_alert_tone_seconds=settings.auto_answer_alert_tone_seconds,
        manual_answer_alert_tone_seconds=settings.manual_answer_alert_tone_seconds,
        enable_auto_answer=settings.enable_auto_answer,
    )


@attrs.define
class _Held:
    """A queue as kept: its settings (no counts, no URI) and its members' user ids, in the order added."""

    queue: Queue
    members: dict[str, None]  # an ordered set

    def dump(self) -> Any:
        return {"queue": contracts.unstructure(self.queue), "members": list(self.members)}

    @classmethod
    def load(cls, data: Any) -> _Held:
        return cls(contracts.structure(data["queue"], Queue), dict.fromkeys(data["members"]))


class RoutingError(StateError, LookupError):
    """A queue or user the routing state does not hold; ``kind`` says which, ``id`` which one."""

    def __init__(self, kind: str, entity_id: str) -> None:
        super().__init__(f"no {kind} {entity_id!r}")
        self.kind = kind
        self.id = entity_id


class Routing:
    """The org's queues and members and its users' routing statuses, with the seeded state a reset restores."""

    def __init__(
        self,
        users: Sequence[tuple[str, str]],
        seeded: Iterable[Queue],
        *,
        clock: Callable[[], datetime],
        share: PartShare | None = None,
    ) -> None:
        """``users``: the org's (user id, name) pairs; ``seeded``: its queues, each with every user a member."""
        self._share = LocalPartShare() if share is None else share
        self._clock = clock
        self._names = dict(users)
        now = to_ms(clock())
        self._queues: dict[str, _Held] = {
            queue.id or "": _Held(queue, dict.fromkeys(self._names)) for queue in seeded
        }
        self._users: dict[str, tuple[RoutingStatusType, int]] = dict.fromkeys(
            self._names, (SEEDED_STATUS, now)
        )
        self._baseline = self._state()
        self._available: list[Callable[[], None]] = []

    def on_available(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` whenever a member may have become available (the ACD offers what waits)."""
        self._available.append(listener)

    def _became_available(self) -> None:
        for listener in self._available:
            listener()

    # Reading

    def users(self) -> list[tuple[str, str]]:
        """The org's users, (user id, name), in the org's order."""
        return list(self._names.items())

    def queue(self, queue_id: str) -> Queue | None:
        """The queue as the API answers it (with its member counts and URI), or None."""
        held = self._queues.get(queue_id)
        return None if held is None else self._view(held)

    def queues(self) -> list[Queue]:
        """Every queue, by name (as the API sorts them), ties by id."""
        held = sorted(self._queues.values(), key=lambda h: (h.queue.name or "", h.queue.id or ""))
        return [self._view(h) for h in held]

    def member_ids(self, queue_id: str) -> tuple[str, ...]:
        """The queue's members' user ids, in the order they were added; ``RoutingError`` if no such queue."""
        return tuple(self._held(queue_id).members)

    def members(self, queue_id: str) -> list[QueueMember]:
        """The queue's members by name (as the API sorts them), each with their routing status."""
        held = self._held(queue_id)
        listed = sorted(held.members, key=lambda user_id: (self._names[user_id], user_id))
        return [
            QueueMember(
                id=user_id,
                name=self._names[user_id],
                ring_number=1,
                joined=True,
                member_by="user",
                routing_status=self.status(user_id),
                self_uri=f"/api/v2/users/{user_id}",
            )
            for user_id in listed
        ]

    def status(self, user_id: str) -> RoutingStatus:
        """The user's routing status; ``RoutingError`` if the org has no such user."""
        held = self._users.get(user_id)
        if held is None:
            raise RoutingError("user", user_id)
        status, since = held
        return RoutingStatus(user_id=user_id, status=status, start_time=from_ms(since))

    def has_user(self, user_id: str) -> bool:
        return user_id in self._names

    # Changing

    def set_status(self, user_id: str, status: RoutingStatusType) -> RoutingStatus:
        """Give the user ``status`` from now (a status set again keeps its start time)."""
        with self._share.changing():
            held = self._users.get(user_id)
            if held is None:
                raise RoutingError("user", user_id)
            if held[0] is not status:
                self._users[user_id] = (status, to_ms(self._clock()))
                self._share.changed("users", user_id)
            answer = self.status(user_id)  # as set: an offer it leads to comes after
        if status is RoutingStatusType.IDLE and held[0] is not status:
            self._became_available()
        return answer

    def put_queue(self, queue: Queue, members: Sequence[str] | None = None) -> tuple[Queue, bool]:
        """Keep ``queue`` (its id set) as given, members ``members`` (None: those it had, or none); whether it is new.

        Counts and the URI are derived, never kept; the creation date is kept from the queue
        replaced, the modification date is now.
        """
        queue_id = queue.id or ""
        with self._share.changing():
            self._check_users(members or ())
            old = self._queues.get(queue_id)
            now = self._clock()
            kept = attrs.evolve(
                queue,
                member_count=None,
                user_member_count=None,
                joined_member_count=None,
                self_uri=None,
                date_created=(old.queue.date_created if old is not None else None)
                or queue.date_created
                or now,
                date_modified=now,
            )
            if members is None:
                members = list(old.members) if old is not None else []
            self._queues[queue_id] = _Held(kept, dict.fromkeys(members))
            self._share.changed("queues", queue_id)
            answer = self._view(self._queues[queue_id]), old is None
        self._became_available()
        return answer

    def add_members(self, queue_id: str, user_ids: Sequence[str]) -> None:
        """Make each user a member of the queue (a member already stays where it is)."""
        with self._share.changing():
            held = self._held(queue_id)
            self._check_users(user_ids)
            held.members.update(dict.fromkeys(user_ids))
            self._share.changed("queues", queue_id)
        self._became_available()

    def remove_members(self, queue_id: str, user_ids: Sequence[str]) -> None:
        """Take each user out of the queue (one not a member is no error)."""
        with self._share.changing():
            held = self._held(queue_id)
            for user_id in user_ids:
                held.members.pop(user_id, None)
            self._share.changed("queues", queue_id)

    def reset(self) -> None:
        """Back to the seeded queues, members and statuses."""
        with self._share.changing():
            self._place(self._baseline)
            self._share.changed("queues")
            self._share.changed("users")

    # Inside

    def _held(self, queue_id: str) -> _Held:
        held = self._queues.get(queue_id)
        if held is None:
            raise RoutingError("queue", queue_id)
        return held

    def _check_users(self, user_ids: Iterable[str]) -> None:
        for user_id in user_ids:
            if user_id not in self._names:
                raise RoutingError("user", user_id)

    def _view(self, held: _Held) -> Queue:
        count = len(held.members)
        return attrs.evolve(
            held.queue,
            member_count=count,
            user_member_count=count,
            joined_member_count=count,
            self_uri=f"{QUEUES_URI}/{held.queue.id}",
        )

    def _state(self) -> Any:
        return {
            "queues": {key: held.dump() for key, held in self._queues.items()},
            "users": {key: _status_dump(value) for key, value in self._users.items()},
        }

    def _place(self, state: Any) -> None:
        self._queues = {key: _Held.load(item) for key, item in state["queues"].items()}
        self._users = {key: _status_load(item) for key, item in state["users"].items()}

    # As a part: ``{"queues": {id: queue}, "users": {id: status}, "baseline": {...}}``, each queue and
    # user a piece; the baseline is one, written when the state is seeded.

    def dump(self) -> Any:
        return {**self._state(), "baseline": self._baseline}

    def dump_at(self, path: Path) -> Any:
        if len(path) == 2:
            if path[0] == "queues":
                held = self._queues.get(path[1])
                return ABSENT if held is None else held.dump()
            user = self._users.get(path[1])
            return ABSENT if user is None else _status_dump(user)
        return self.dump()[path[0]] if path else self.dump()

    def load(self, data: Any) -> None:
        self._baseline = data["baseline"]
        self._place(data)

    def load_changed(self, data: Any, paths: Iterable[tuple[Any, ...]]) -> None:
        changed: set[tuple[str, str]] = set()
        for path in paths:
            if len(path) < 2:  # a whole family (a reset), or the baseline
                self.load(data)
                return
            changed.add((path[0], path[1]))  # a queue or user, or a field below one
        for family, key in changed:
            held = data[family].get(key)
            if family == "queues":
                if held is None:
                    self._queues.pop(key, None)
                else:
                    self._queues[key] = _Held.load(held)
            elif held is None:
                self._users.pop(key, None)
            else:
                self._users[key] = _status_load(held)


def _status_dump(value: tuple[RoutingStatusType, int]) -> Any:
    return {"status": value[0].value, "since": value[1]}


def _status_load(data: Any) -> tuple[RoutingStatusType, int]:
    return RoutingStatusType(data["status"]), int(data["since"])
