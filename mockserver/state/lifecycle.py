"""A callback's life: what happens next to a conversation, and when.

A step is data (when, which conversation, what happens); the store's schedule (``Timetable``:
``mockserver.store.memory.MemorySchedule`` in a heap, the Redis store's in a sorted set) keeps the
next step of every conversation ordered by time, so running what is due costs the work due, not a
scan of every conversation. ``next_step`` reads a conversation's stage off its legs, whoever made
it (the factories, a create command, a test's exact payload), and ``apply`` makes the step with
``edits``. Choices of the simulated agents come from a random stream seeded by the settings' seed
and the callback's id, so they are the same however often a step is planned again.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from typing import NamedTuple

import attrs

from contracts import (
    AfterCallWorkState,
    Callback,
    CallbackMediaSettings,
    CallbackMode,
    CallbackReactionType,
    CallbackState,
    Conversation,
    DisconnectType,
    Participant,
    Wrapup,
)
from factories import ConversationFactory
from mockserver.control.models import Lifecycle, LifecycleMode
from mockserver.state import StateError, step_edits
from mockserver.state.clock import to_ms

_ENDED = (CallbackState.DISCONNECTED, CallbackState.TERMINATED)
DEFAULT_ALERTING_TIMEOUT_MS = 30_000
# How long a customer-first dial rings before it counts as not answered (inferred: no source says).
CUSTOMER_NO_ANSWER_MS = 30_000
# The steps of a customer-first dial, each a stage of ``advance`` too.
DIAL_STEPS = ("reach", "machine", "no_answer")
# The stages ``advance`` can move a conversation to, each as the steps that reach it from the start.
PATHS: dict[str, tuple[str, ...]] = {
    "alerting": ("fire", "offer"),
    "unanswered": ("fire", "offer", "timeout"),
    "declined": ("fire", "offer", "decline"),
    "connected": ("fire", "offer", "answer"),
    "after_call_work": ("fire", "offer", "answer", "hang_up"),
    "disconnected": ("fire", "offer", "answer", "hang_up", "wrap_up"),
    "reoffered": ("fire", "offer", "timeout", "offer", "decline", "offer", "answer", "hang_up", "wrap_up"),
    # customer-first callbacks only (``customer_first_path`` puts the customer's answer before the offers)
    "dialing": ("fire",),
    "customer_answered": ("fire", "reach"),
    "machine": ("fire", "machine"),
    "no_answer": ("fire", "no_answer"),
}


# The stages only a customer-first callback reaches (tests/mockserver/api/test_sdk_customer_first.py).
CUSTOMER_FIRST_STAGES = ("dialing", "customer_answered", "machine", "no_answer")


def customer_first_path(stage: str) -> tuple[str, ...]:
    """The steps to ``stage`` of a customer-first callback: the customer answers before any offer."""
    path = PATHS[stage]
    if path[1:2] == ("offer",):
        return ("fire", "reach", *path[1:])
    return path


def customer_first(media: CallbackMediaSettings | None) -> bool:
    """Whether a queue with these callback settings dials the customer first."""
    return media is not None and media.mode is CallbackMode.CUSTOMER_FIRST


def dial_attempts(callback: Callback) -> int:
    """The customer-first dials made to this callback's customer (its ``Dialing`` segments)."""
    return sum(1 for segment in callback.segments or () if segment.type == "Dialing")


class Step(NamedTuple):
    """What happens next to a conversation and when (ms since the epoch)."""

    due: int
    kind: str


class Legs(NamedTuple):
    """A callback conversation's participants by role; the agents in the order they were offered."""

    customer: Participant
    acd: Participant | None
    agents: list[Participant]

    @property
    def current_callback(self) -> Callback:
        """The customer leg's callback: the current one (``edits.current_callback``)."""
        return (self.customer.callbacks or ())[0]

    @property
    def last_agent(self) -> tuple[Participant, Callback] | None:
        for agent in reversed(self.agents):
            if agent.callbacks:
                return agent, agent.callbacks[0]
        return None


def legs_of(conversation: Conversation) -> Legs | None:
    """The legs of a callback conversation's current callback; None if it has no customer callback.

    The current callback is the last customer leg's (a conversation given a new callback holds
    one customer leg per callback); the acd leg and the agent offers are those whose callback's
    peerId is its id.
    """
    participants = conversation.participants or ()
    customers = [p for p in participants if p.purpose == "customer" and p.callbacks]
    if not customers:
        return None
    customer = customers[-1]
    own_id = (customer.callbacks or ())[0].id

    def peers(purpose: str) -> list[Participant]:
        return [
            p
            for p in participants
            if p.purpose == purpose and p.callbacks and p.callbacks[0].peer_id == own_id
        ]

    acd = next(iter(peers("acd")), None)
    return Legs(customer, acd, peers("agent"))


def _draw(settings: Lifecycle, *key: object) -> random.Random:
    return random.Random(f"{settings.seed}:" + ":".join(map(str, key)))


def _seconds(rng: random.Random, mean: float) -> int:
    """A duration in ms around ``mean`` seconds (half to one and a half times it)."""
    return round(mean * 1000 * rng.uniform(0.5, 1.5))


def next_step(conversation: Conversation, settings: Lifecycle, not_before: int | None = None) -> Step | None:
    """The next step of ``conversation`` under ``settings``, or None if nothing will happen to it.

    A step is due its delay after the event it follows (a callback fires ``fireDelaySeconds``
    after its scheduled time). Given ``not_before``, a step that would already be due is due its
    delay after ``not_before`` instead: a conversation written as it is now (seeded, put, created
    for a time gone by) starts its stage at that moment rather than having it end at once.
    """
    if settings.mode is LifecycleMode.OFF:
        return None
    legs = legs_of(conversation)
    if legs is None:
        return None
    timed = _next(conversation, legs, settings)
    if timed is None:
        return None
    since, delay, kind = timed
    if not_before is not None and since + delay < not_before:
        since = not_before
    return Step(since + delay, kind)


def _next(conversation: Conversation, legs: Legs, settings: Lifecycle) -> tuple[int, int, str] | None:
    """The next step as (the event it follows, its delay after that event, in ms; its kind)."""
    customer = legs.current_callback
    state = customer.state
    if state is CallbackState.SCHEDULED:
        base = customer.callback_scheduled_time or conversation.start_time
        if base is None:
            return None
        return to_ms(base), round(settings.fire_delay_seconds * 1000), "fire"
    if state is CallbackState.DIALING and customer.automated_callback_config_id is None:
        return _dial_outcome(conversation, customer, settings)
    if state is CallbackState.DIALING and customer.automated_callback_config_id is not None:
        since = customer.connected_time or _last_segment_start(customer) or conversation.start_time
        ring = _seconds(_draw(settings, customer.id, "reach"), settings.ring_seconds)
        return None if since is None else (to_ms(since), ring, "reach")
    last = legs.last_agent
    if state is CallbackState.CONNECTED:
        if last is None or last[1].state in _ENDED:
            transferred = last is not None and last[1].disconnect_type is DisconnectType.TRANSFER
            if last is None or last[1].connected_time is None or transferred:
                since = last[1].disconnected_time if last is not None else customer.connected_time
                if since is None:
                    return None
                return to_ms(since), round(settings.offer_delay_seconds * 1000), "offer"
            # answered and over: the customer leg waits out the agent's after-call work (below)
        if customer.automated_callback_config_id is not None and not legs.agents:
            since = customer.connected_time
            talk = _seconds(_draw(settings, customer.id, "talk"), settings.talk_seconds)
            return None if since is None else (to_ms(since), talk, "finish")
    if last is None:
        return None
    agent, callback = last
    if callback.state is CallbackState.ALERTING and callback.start_alerting_time is not None:
        alerting = to_ms(callback.start_alerting_time)
        timeout = agent.alerting_timeout_ms or DEFAULT_ALERTING_TIMEOUT_MS
        if settings.mode is not LifecycleMode.AUTO:
            return alerting, timeout, "timeout"  # the client under test answers, or nobody does
        rng = _draw(settings, callback.id, "offer")
        roll, ring = rng.random(), _seconds(rng, settings.ring_seconds)
        if roll < settings.answer_probability and ring < timeout:
            return alerting, ring, "answer"
        if roll < settings.answer_probability + settings.decline_probability and ring < timeout:
            return alerting, ring, "decline"
        return alerting, timeout, "timeout"
    if settings.mode is not LifecycleMode.AUTO:
        return None  # hanging up and wrapping up are the agent's, here the client under test
    if callback.state is CallbackState.CONNECTED and callback.connected_time is not None:
        talk = _seconds(_draw(settings, callback.id, "talk"), settings.talk_seconds)
        return max(to_ms(callback.connected_time), _held_since(callback)), talk, "hang_up"
    acw = callback.after_call_work
    if callback.state in _ENDED and acw is not None and acw.state is AfterCallWorkState.PENDING:
        since = acw.start_time or callback.disconnected_time
        wrap = _seconds(_draw(settings, callback.id, "wrapup"), settings.wrapup_seconds)
        return None if since is None else (to_ms(since), wrap, "wrap_up")
    return None


def _dial_outcome(
    conversation: Conversation, customer: Callback, settings: Lifecycle
) -> tuple[int, int, str] | None:
    """A customer-first dial: in auto mode the simulated customer answers, is a machine, or lets it
    ring out, drawn per attempt; in manual mode it rings out unless a test moves it (``advance``)."""
    since = _last_segment_start(customer) or conversation.start_time
    if since is None:
        return None
    if settings.mode is not LifecycleMode.AUTO:
        return to_ms(since), CUSTOMER_NO_ANSWER_MS, "no_answer"
    rng = _draw(settings, customer.id, "dial", dial_attempts(customer))
    roll, ring = rng.random(), _seconds(rng, settings.ring_seconds)
    if ring < CUSTOMER_NO_ANSWER_MS and roll < settings.customer_answer_probability:
        return to_ms(since), ring, "reach"
    if (
        ring < CUSTOMER_NO_ANSWER_MS
        and roll < settings.customer_answer_probability + settings.machine_probability
    ):
        return to_ms(since), ring, "machine"
    return to_ms(since), CUSTOMER_NO_ANSWER_MS, "no_answer"


def _last_segment_start(callback: Callback) -> datetime | None:
    return callback.segments[-1].start_time if callback.segments else None


def _held_since(callback: Callback) -> int:
    return to_ms(callback.start_hold_time) if callback.start_hold_time is not None else 0


class StepError(StateError, ValueError):
    """A step that does not fit the conversation's stage (the backend answers it as the API would)."""


def apply(
    conversation: Conversation,
    kind: str,
    at: datetime,
    settings: Lifecycle,
    factory: ConversationFactory,
    media: CallbackMediaSettings | None = None,
) -> Conversation:
    """``conversation`` after the step ``kind`` at ``at``; raises ``StepError`` if it does not fit.

    ``media`` is the callback's queue's callback settings: a customer-first queue's callback dials
    its customer when it fires, and they decide what an answer, a machine or no answer does.
    """
    legs = legs_of(conversation)
    if legs is None:
        raise StepError("no customer callback to follow")
    customer = legs.customer
    acd_id = legs.acd.id if legs.acd is not None else None
    last = legs.last_agent
    if kind == "fire" and customer_first(media):
        return step_edits.dialled(conversation, customer.id, at)
    if kind == "fire":
        return step_edits.fired(conversation, customer.id, acd_id, at)
    dialling = legs.current_callback.state is CallbackState.DIALING
    if kind in DIAL_STEPS and dialling and legs.current_callback.automated_callback_config_id is None:
        return _dial_ended(conversation, legs, kind, at, media or CallbackMediaSettings())
    if kind in DIAL_STEPS and not dialling:
        raise StepError(f"no dial to the customer to end with {kind.replace('_', ' ')}")
    if kind == "offer":
        return step_edits.offered(conversation, _offer(conversation, legs, at, settings, factory))
    if kind == "reach":
        return step_edits.reached(conversation, customer.id, at)
    if kind == "finish":
        return step_edits.finished(conversation, customer.id, at)
    if last is None:
        raise StepError(f"no agent offer to {kind.replace('_', ' ')}")
    agent_id = last[0].id or ""
    if kind == "timeout":
        return step_edits.not_answered(conversation, agent_id, at, DisconnectType.SYSTEM)
    if kind == "decline":
        return step_edits.not_answered(conversation, agent_id, at, DisconnectType.CLIENT)
    if kind == "answer":
        return step_edits.answered(conversation, agent_id, acd_id, at)
    if kind == "hang_up":
        return step_edits.hung_up(conversation, agent_id, customer.id, at)
    if kind == "wrap_up":
        return step_edits.wrapped_up(conversation, agent_id, _wrapup(factory, settings, last[1]), at)
    raise StepError(f"unknown step {kind!r}")


def _dial_ended(
    conversation: Conversation, legs: Legs, kind: str, at: datetime, media: CallbackMediaSettings
) -> Conversation:
    """A customer-first dial answered by the customer (``reach``), a machine, or nobody.

    A reaction ``TransferToQueue`` puts the callback in queue (its acd leg fires: an agent is found
    as for agent-first); ``HangUp`` ends it (``system``); ``TransferToFlow`` ends it ``transfer``
    (the mock runs no flows). Unanswered, it is dialled again ``retryDelaySeconds`` later up to
    ``maxRetryCount`` times, then ends ``system``. Defaults (inferred): a live voice goes to the
    queue, a machine is hung up on, no retries, a 30 s retry delay.
    """
    customer = legs.customer
    acd_id = legs.acd.id if legs.acd is not None else None
    if kind == "no_answer":
        if dial_attempts(legs.current_callback) <= (media.max_retry_count or 0):
            retry = at + timedelta(seconds=media.retry_delay_seconds or 30)
            return step_edits.redial_at(conversation, customer.id, at, retry)
        return step_edits.dial_ended(
            conversation, customer.id, acd_id, at, DisconnectType.SYSTEM, "Disconnect"
        )
    if kind == "reach":
        reaction = media.live_voice_reaction_type or CallbackReactionType.TRANSFER_TO_QUEUE
    else:
        reaction = media.answering_machine_reaction_type or CallbackReactionType.HANG_UP
    if reaction is CallbackReactionType.TRANSFER_TO_QUEUE:
        reached = step_edits.reached(conversation, customer.id, at)
        return step_edits.fired(reached, acd_id, acd_id, at)  # in queue: the acd leg fires
    if reaction is CallbackReactionType.TRANSFER_TO_FLOW:
        return step_edits.dial_ended(
            conversation, customer.id, acd_id, at, DisconnectType.TRANSFER, "Transfer"
        )
    return step_edits.dial_ended(conversation, customer.id, acd_id, at, DisconnectType.SYSTEM, "Disconnect")


def offered_to(
    conversation: Conversation,
    user: tuple[str, str],
    at: datetime,
    settings: Lifecycle,
    factory: ConversationFactory,
) -> Conversation:
    """``conversation`` offered at ``at`` to ``user`` (id, name): a transfer to a user."""
    legs = legs_of(conversation)
    if legs is None:
        raise StepError("no customer callback to follow")
    return step_edits.offered(conversation, _offer(conversation, legs, at, settings, factory, user))


def _offer(
    conversation: Conversation,
    legs: Legs,
    at: datetime,
    settings: Lifecycle,
    factory: ConversationFactory,
    user: tuple[str, str] | None = None,
) -> Participant:
    org = factory.org
    rng = _draw(settings, legs.current_callback.id, "offer", len(legs.agents))  # one stream per callback
    user_id, name = org.agents[rng.randrange(len(org.agents))] if user is None else user
    customer = legs.current_callback
    media = customer.queue_media_settings
    seconds = media.alerting_timeout_seconds if media is not None else None
    queue = legs.acd if legs.acd is not None else legs.customer
    offer = step_edits.offer(
        legs.customer,
        customer,
        participant_id=_uuid(rng),
        callback_id=_uuid(rng),
        user_id=user_id,
        user_name=name,
        queue_id=queue.queue_id,
        queue_name=queue.queue_name,
        timeout_ms=seconds * 1000 if seconds else DEFAULT_ALERTING_TIMEOUT_MS,
        at=at,
    )
    # The offer carries the acd leg's routing data, as the captured agent participants do.
    return attrs.evolve(offer, conversation_routing_data=queue.conversation_routing_data)


def _wrapup(factory: ConversationFactory, settings: Lifecycle, callback: Callback) -> Wrapup:
    org = factory.org
    rng = _draw(settings, callback.id, "code")
    code, name = org.wrapups[rng.randrange(len(org.wrapups))]
    return Wrapup(code=code, name=name, notes=org.notes[rng.randrange(len(org.notes))], tags=())


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))
