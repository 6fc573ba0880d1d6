"""The ACD's decisions: which waiting callback is offered to which queue member, as pure functions.

Nothing here reads a store or a clock: the caller hands over a queue's waiting callbacks and its
members with their routing statuses, and gets back the offers to make. The rules, from Genesys's
documentation (what the mock infers is marked so in docs/lifecycle.md):

- Only a member whose routing status is ``IDLE`` (on queue, not busy) is offered anything ("While Not
  Responding, the agent does not receive new interactions"; an agent on a call is ``INTERACTING``).
- Waiting callbacks go in order of their score: the time they entered the queue less 60,000 ms for
  each point of priority (FIFO, "every point of Priority shifts that arrival time back by one
  minute"); ties by conversation id.
- Each callback, in that order, takes the best member still free for it: an agent-owned callback
  only its owner (it waits for them); otherwise its preferred and scored agents who are members
  first, highest score first, then any member with every skill it asks for; among equals the
  member idle longest ("has gone the longest since handling an ACD interaction"), then by id.
- Each member takes at most one offer a round; a callback nobody can take waits, and does not stop
  those behind it from being offered.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from attrs import frozen

from contracts import RoutingStatusType as RoutingStatus

PRIORITY_MS = 60_000  # what one point of priority is worth against time waited
PREFERRED_SCORE = 100  # a preferred agent's score when the request gives none (Genesys: "no preference: 100")


@frozen(kw_only=True)
class Member:
    """A queue member as the ACD sees them: their routing status and since when (ms)."""

    user_id: str
    status: RoutingStatus = RoutingStatus.IDLE
    since: int = 0
    skills: frozenset[str] | None = None  # None: the mock knows none of their skills, and asks for none

    @property
    def available(self) -> bool:
        return self.status is RoutingStatus.IDLE


@frozen(kw_only=True)
class Waiting:
    """A callback waiting in a queue: since when (ms), its priority, and whom it asks for."""

    conversation_id: str
    entered: int
    priority: int = 0
    scored_agents: tuple[tuple[str, int], ...] = ()  # (user id, score): preferred and scored agents
    owner: str | None = None  # an agent-owned callback's owner: only they are offered it
    skills: frozenset[str] = frozenset()
    excluded: frozenset[str] = frozenset()  # who must not be offered it (declined or let it time out)

    @property
    def score(self) -> int:
        """Lower goes first: the time entered, moved back a minute for each point of priority."""
        return self.entered - self.priority * PRIORITY_MS


@frozen(kw_only=True)
class Offer:
    """One routing decision: offer ``conversation_id`` to ``user_id``."""

    conversation_id: str
    user_id: str


def order(waiting: Iterable[Waiting]) -> list[Waiting]:
    """The waiting callbacks in the order the ACD serves them."""
    return sorted(waiting, key=lambda item: (item.score, item.conversation_id))


def candidates(item: Waiting, members: Sequence[Member]) -> list[Member]:
    """The available members ``item`` may be offered to, best first."""
    free = [member for member in members if member.available and member.user_id not in item.excluded]
    if item.owner is not None:
        return [member for member in free if member.user_id == item.owner]
    scores = dict(item.scored_agents)
    preferred = sorted(
        (member for member in free if member.user_id in scores),
        key=lambda member: (-scores[member.user_id], member.since, member.user_id),
    )
    skilled = sorted(
        (
            member
            for member in free
            if member.user_id not in scores and (member.skills is None or item.skills <= member.skills)
        ),
        key=lambda member: (member.since, member.user_id),
    )
    return preferred + skilled


def assign(waiting: Iterable[Waiting], members: Sequence[Member]) -> list[Offer]:
    """This round's offers: each waiting callback in order takes its best member not yet taken."""
    taken: set[str] = set()
    offers: list[Offer] = []
    for item in order(waiting):
        best = next((m for m in candidates(item, members) if m.user_id not in taken), None)
        if best is not None:
            taken.add(best.user_id)
            offers.append(Offer(conversation_id=item.conversation_id, user_id=best.user_id))
    return offers


def after_offer_ends(status: RoutingStatus, *, answered: bool) -> RoutingStatus:
    """An offered agent's status once the offer ends: answered, ``INTERACTING``; else ``NOT_RESPONDING``."""
    if answered:
        return RoutingStatus.INTERACTING
    return RoutingStatus.NOT_RESPONDING if status is not RoutingStatus.OFF_QUEUE else status


def estimated_wait_ms(position: int, available: int, staffed: int, handle_ms: int) -> int:
    """The mock's estimate of the wait of the ``position``-th waiting callback (0 is next).

    With an available member for it, nothing; otherwise one handle time for each round of the
    queue's staffed members (on queue, busy or not) that must end before it:
    ``((position - available) // staffed + 1) * handle_ms``. With nobody on queue it counts one
    member, who will come back: the estimate still grows with the work waiting.
    """
    if position < available:
        return 0
    return ((position - available) // max(staffed, 1) + 1) * handle_ms
