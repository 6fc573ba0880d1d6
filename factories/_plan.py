"""Planning a callback conversation: its legs, what happened to each and when.

A plan is pure timeline arithmetic on integer milliseconds; ``_render`` turns it into models.
The conversation is planned forwards from the moment it was routed and then placed so that its
last event lies a plausible while before the factory's ``now``.
"""

from __future__ import annotations

from random import Random
from typing import Any

from attrs import define, frozen

from contracts import AfterCallWorkState, CallbackState, DisconnectType
from factories._org import Org, Queue, make_queue
from factories._seeding import DAY, HOUR, MINUTE, SECOND, pick, uuid4
from factories._vocabulary import e164

ROLES = ("customer", "acd", "agent")
# The moments of a leg, in the order of a callback's life.
TIMES = ("created", "scheduled", "routed", "alerting", "connected", "hold", "disconnected", "acw_end")
UNSET: Any = object()  # "not overridden", as None is a value a caller may ask for


@frozen
class Stage:
    """How far a conversation has come: routed to agents or not, and the outcome of each offer."""

    offers: tuple[str, ...] = ()
    routed: bool = True
    voicemail: bool = False
    automated: bool = False  # placed by an automated callback config, not offered to agents


OUTCOMES = (
    "alerting", "unanswered", "declined", "connected", "held", "preview",
    "after_call_work", "disconnected", "terminated",
)  # fmt: skip
STAGES: dict[str, Stage] = {
    "scheduled": Stage(routed=False),
    "voicemail": Stage(routed=False, voicemail=True),
    **{outcome: Stage((outcome,)) for outcome in OUTCOMES},
    "reoffered": Stage(("unanswered", "declined", "disconnected")),
    "automated": Stage(automated=True),
}
_ONGOING = frozenset({"alerting", "connected", "held", "preview"})
_BACK_TO_QUEUE = frozenset({"unanswered", "declined"})
_MIRROR = {DisconnectType.CLIENT: DisconnectType.PEER, DisconnectType.PEER: DisconnectType.CLIENT}


@define
class Leg:
    """One participant's callback: its ids, states and moments (ms since the epoch, or None)."""

    role: str
    id: str
    state: CallbackState
    initial_state: CallbackState
    peer_id: str | None = None
    created: int | None = None
    scheduled: int | None = None
    routed: int | None = None
    alerting: int | None = None
    connected: int | None = None
    hold: int | None = None
    disconnected: int | None = None
    acw_end: int | None = None
    disconnect_type: DisconnectType | None = None
    acw: AfterCallWorkState | None = None
    preview: bool = False
    voicemail: bool = False
    automated: bool = False
    agent: tuple[str, str] | None = None

    def shift(self, delta: int) -> None:
        """Move every moment of the leg by ``delta`` milliseconds."""
        for name in TIMES:
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, value + delta)

    @property
    def ended(self) -> bool:
        """Whether the communication is over."""
        return self.state is CallbackState.DISCONNECTED or self.state is CallbackState.TERMINATED


@define
class Facts:
    """What every leg of one conversation agrees on."""

    conversation_id: str
    numbers: tuple[str, ...]
    user_name: str
    script_id: str | None
    queue: Queue
    caller_id: str | None
    caller_id_name: str | None
    attributes: dict[str, str]
    created: int = 0
    scheduled: int | None = None


@define
class Plan:
    """A whole conversation: the shared facts and the legs in the order they joined."""

    facts: Facts
    customer: Leg
    acd: Leg
    agents: list[Leg]

    @property
    def legs(self) -> list[Leg]:
        return [self.customer, self.acd, *self.agents]


def draw_facts(rng: Random, org: Org, overrides: dict[str, Any]) -> Facts:
    """The shared facts of a new conversation; ``overrides`` replace draws by name."""
    queue = org.queues[pick(rng, 0, len(org.queues))]
    number = e164(rng, org.country)
    numbers = (number,) if rng.random() < 0.8 else (number, e164(rng, org.country))
    attributes = {} if rng.random() < 0.5 else {"reason": rng.choice(("billing", "order", "support"))}
    facts = Facts(
        conversation_id=uuid4(rng),
        numbers=numbers,
        user_name=org.customers[pick(rng, 0, len(org.customers))],
        script_id=org.scripts[pick(rng, 0, len(org.scripts))],
        queue=queue,
        caller_id=org.caller_id,
        caller_id_name=org.caller_id_name,
        attributes=attributes,
    )
    queue_id = overrides.get("queue_id", UNSET)
    queue_name = overrides.get("queue_name", UNSET)
    if queue_id is not UNSET or queue_name is not UNSET:
        facts.queue = make_queue(
            queue.id if queue_id is UNSET else queue_id,
            queue.name if queue_name is UNSET else queue_name,
            queue.alerting_timeout_seconds,
            queue.auto_answer,
        )
    if not overrides:
        return facts
    for name in ("callback_numbers", "callback_user_name", "script_id", "caller_id", "caller_id_name"):
        if name in overrides:
            setattr(facts, _FACT_OF[name], overrides[name])
    if "id" in overrides:
        facts.conversation_id = overrides["id"]
    if "attributes" in overrides:
        facts.attributes = dict(overrides["attributes"])
    return facts


_FACT_OF = {
    "callback_numbers": "numbers",
    "callback_user_name": "user_name",
    "script_id": "script_id",
    "caller_id": "caller_id",
    "caller_id_name": "caller_id_name",
}


def _offer(rng: Random, outcome: str, start: int, timeout: int, leg: Leg) -> int:
    """Play one agent offer from ``start`` into ``leg``; return the time of its last event."""
    leg.alerting = alerting = start + pick(rng, 200, 3 * SECOND)
    if outcome == "alerting":
        return alerting
    if outcome in _BACK_TO_QUEUE:
        unanswered = outcome == "unanswered"
        leg.state = CallbackState.DISCONNECTED
        leg.disconnect_type = DisconnectType.SYSTEM if unanswered else DisconnectType.CLIENT
        leg.disconnected = alerting + (timeout + pick(rng, 0, 500) if unanswered else pick(rng, 1500, 12000))
        return leg.disconnected
    leg.state = CallbackState.CONNECTED
    leg.connected = connected = alerting + pick(rng, 1500, 15 * SECOND)
    leg.preview = outcome == "preview"
    if outcome in ("connected", "preview"):
        return connected
    if outcome == "held":
        leg.hold = connected + pick(rng, 20 * SECOND, 5 * MINUTE)
        return leg.hold
    leg.disconnected = connected + pick(rng, 45 * SECOND, 20 * MINUTE)
    if outcome == "terminated":  # the line dropped: the endpoint went away, wrap-up still follows
        leg.state, leg.disconnect_type = CallbackState.TERMINATED, DisconnectType.ENDPOINT
    else:
        leg.state = CallbackState.DISCONNECTED
        leg.disconnect_type = DisconnectType.CLIENT if rng.random() < 0.6 else DisconnectType.PEER
    if outcome == "after_call_work":
        leg.acw = AfterCallWorkState.PENDING
        return leg.disconnected
    leg.acw = AfterCallWorkState.COMPLETE
    leg.acw_end = leg.disconnected + pick(rng, 5 * SECOND, 3 * MINUTE)
    return leg.acw_end


def plan(rng: Random, org: Org, now: int, stage: Stage, facts: Facts, scheduled: Any = UNSET) -> Plan:
    """Plan a conversation at ``stage`` as seen at ``now``; ``scheduled`` fixes the scheduled time."""
    customer = Leg("customer", uuid4(rng), CallbackState.SCHEDULED, CallbackState.SCHEDULED)
    acd = Leg("acd", uuid4(rng), CallbackState.SCHEDULED, CallbackState.SCHEDULED, customer.id)
    customer.voicemail = acd.voicemail = stage.voicemail
    customer.automated = acd.automated = stage.automated
    agents: list[Leg] = []
    if not stage.routed:
        facts.created = now - pick(rng, MINUTE, 3 * HOUR)
        if scheduled is UNSET:
            scheduled = None if stage.voicemail else _ceil_minute(now + pick(rng, 10 * MINUTE, 2 * DAY))
        facts.scheduled = scheduled
    else:
        # Offers are played from a routing moment of 0, then the whole conversation is placed.
        timeout = facts.queue.alerting_timeout_seconds * SECOND
        count = len(stage.offers)
        picks = rng.sample(range(len(org.agents)), count) if count != 1 else [pick(rng, 0, len(org.agents))]
        last = 0
        for chosen, outcome in zip(picks, stage.offers, strict=True):
            leg = Leg("agent", uuid4(rng), CallbackState.ALERTING, CallbackState.ALERTING, customer.id)
            leg.agent = org.agents[chosen]
            last = _offer(rng, outcome, last + (pick(rng, SECOND, MINUTE) if agents else 0), timeout, leg)
            agents.append(leg)
        final = stage.offers[-1] if stage.offers else "automated"
        age = (
            pick(rng, 100, timeout - SECOND)
            if final == "alerting"
            else pick(rng, SECOND, 10 * MINUTE)
            if final in _ONGOING
            else pick(rng, 5 * SECOND, HOUR)
        )
        delay = pick(rng, 200, 20 * SECOND)
        routed = now - age - last
        if scheduled is UNSET:
            scheduled = _floor_minute(routed - delay) if rng.random() < 0.8 else None
        if scheduled is not None:
            routed = scheduled + delay
            facts.created = scheduled - pick(rng, 10 * MINUTE, 2 * DAY)
        else:
            facts.created = routed - pick(rng, SECOND, 5 * MINUTE)
        facts.scheduled = scheduled
        for leg in agents:
            leg.shift(routed)
        _route(customer, acd, agents[-1] if agents else None, routed, final)
    for leg in (customer, acd, *agents):
        leg.scheduled = facts.scheduled
    customer.created = acd.created = facts.created
    return Plan(facts, customer, acd, agents)


def _route(customer: Leg, acd: Leg, last_agent: Leg | None, routed: int, final: str) -> None:
    customer.routed = acd.routed = routed
    acd.state, acd.disconnect_type, acd.disconnected = (
        CallbackState.DISCONNECTED,
        DisconnectType.TRANSFER,
        routed,
    )
    if last_agent is None:  # an automated callback: the system is dialling the customer
        customer.state = CallbackState.DIALING
        return
    customer.state, customer.connected = CallbackState.CONNECTED, routed
    if not last_agent.ended or final in _BACK_TO_QUEUE:
        return
    agent_side = last_agent.disconnect_type or DisconnectType.ENDPOINT
    if agent_side is DisconnectType.CLIENT:
        # The agent ended the callback: the customer's leg stays connected through the agent's
        # after-call work, as captured, and ends with it (inferred; docs/lifecycle.md).
        if last_agent.acw_end is None:
            return
        customer.state, customer.disconnected = CallbackState.DISCONNECTED, last_agent.acw_end
        customer.disconnect_type = DisconnectType.PEER
        return
    customer.state = CallbackState.DISCONNECTED
    customer.disconnected = last_agent.disconnected
    customer.disconnect_type = _MIRROR.get(agent_side, agent_side)


def _floor_minute(ms: int) -> int:
    return ms - ms % MINUTE


def _ceil_minute(ms: int) -> int:
    return -(-ms // MINUTE) * MINUTE
