"""``CallbackFactory`` and ``CallbackBasicFactory``: one core, two models.

A callback is built as one leg of a planned conversation, so a single callback obeys exactly the
lifecycle that whole conversations do.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, TypeVar

from contracts import Callback, CallbackBasic, CallbackFields, DisconnectType
from factories._base import Factory
from factories._overrides import apply, contract_problems
from factories._plan import OUTCOMES, STAGES, TIMES, Leg, Plan, draw_facts, plan
from factories._render import callback_fields
from factories._seeding import to_ms
from factories.errors import OverrideError, OverrideKind
from factories.invariants import callback_problems, value_problems

C = TypeVar("C", bound=CallbackFields)

# trait -> (conversation stage, leg): the leg of that stage the trait describes.
LEGS: dict[str, tuple[str, str]] = {
    "scheduled": ("scheduled", "customer"),
    "voicemail": ("voicemail", "customer"),
    "routed": ("alerting", "customer"),
    "transferred": ("alerting", "acd"),
    "automated": ("automated", "customer"),
    **{outcome: (outcome, "agent") for outcome in OUTCOMES},
}
# The trait a ``state`` override selects when no trait is named.
TRAIT_OF_STATE = {
    "scheduled": "scheduled",
    "dialing": "automated",
    "alerting": "alerting",
    "connected": "connected",
    "disconnected": "disconnected",
    "terminated": "terminated",
}
# Overridden moments move the leg's whole timeline, so the fields derived from them follow.
ANCHORS = {
    "callback_scheduled_time": "scheduled",
    "start_alerting_time": "alerting",
    "connected_time": "connected",
    "start_hold_time": "hold",
    "disconnected_time": "disconnected",
}


def leg_of(built: Plan, role: str) -> Leg:
    """The leg of ``role`` in a plan: the last agent's for ``agent``."""
    return built.customer if role == "customer" else built.acd if role == "acd" else built.agents[-1]


def _anchor(leg: Leg, overrides: dict[str, Any]) -> None:
    kind = overrides.get("disconnect_type")
    if isinstance(kind, str) and kind in DisconnectType._value2member_map_:  # the last segment ends so too
        leg.disconnect_type = DisconnectType(kind)
    given = sorted(
        (TIMES.index(ANCHORS[name]), ANCHORS[name], to_ms(value))
        for name, value in overrides.items()
        if name in ANCHORS and isinstance(value, datetime)
    )
    if not given:
        return
    _, first, moment = given[0]
    current = getattr(leg, first)
    if current is not None:
        leg.shift(moment - current)
    for _, name, moment in given:
        setattr(leg, name, moment)


class _CallbackCore(Factory[C]):
    """What both callback factories share; ``__model__`` picks the class."""

    __default_trait__: ClassVar[str | None] = "disconnected"
    traits: ClassVar[tuple[str, ...]] = tuple(LEGS)

    def build(self, trait: str | None = None, **overrides: Any) -> C:
        """One callback in the lifecycle stage ``trait``.

        Traits: ``scheduled``, ``voicemail``, ``routed`` (the customer leg once routed),
        ``automated`` (the customer leg being dialled by an automated callback config),
        ``transferred`` (the acd leg once routed), and the agent legs ``alerting``,
        ``unanswered``, ``declined``, ``connected``, ``held``, ``preview``, ``after_call_work``,
        ``disconnected`` (the default: answered, wrapped up) and ``terminated``. Without a
        trait, a ``state`` override picks the matching one. Overrides take snake_case names;
        nested models take a mapping of their own fields. Moving a moment
        (``connected_time``...) moves the timeline with it. An unknown name, a value of the
        wrong type, one the contract refuses or a lifecycle contradiction raises
        ``OverrideError`` (its ``kind`` says which).
        """
        if trait is None and "state" in overrides:
            trait = TRAIT_OF_STATE.get(str(getattr(overrides["state"], "value", overrides["state"])))
        name = self.trait(trait) or "disconnected"
        stage, role = LEGS[name]
        rng, org = self.random, self.org
        facts = draw_facts(rng, org, {})
        leg = leg_of(plan(rng, org, self.clock(), STAGES[stage], facts), role)
        if not overrides:
            return self.__model__(**callback_fields(leg, facts, rng, org))  # type: ignore[no-any-return]
        _anchor(leg, overrides)
        fields = callback_fields(leg, facts, rng, org)
        problems: list[str] = []
        apply(self.__model__, fields, overrides, problems, "$.")
        if problems:
            raise OverrideError(type(self).__name__, name, overrides, problems, kind=OverrideKind.INVALID)
        built: C = self.__model__(**fields)
        problems = contract_problems(built) + value_problems(built, "$")
        if problems:
            raise OverrideError(type(self).__name__, name, overrides, problems, kind=OverrideKind.CONTRACT)
        problems = callback_problems(built, "$", values=False)
        if problems:
            raise OverrideError(type(self).__name__, name, overrides, problems, kind=OverrideKind.LIFECYCLE)
        return built


class CallbackFactory(_CallbackCore[Callback]):
    """Lifecycle-consistent ``Callback`` objects: ``CallbackFactory(seed=42).build("connected")``."""

    __model__ = Callback


class CallbackBasicFactory(_CallbackCore[CallbackBasic]):
    """Lifecycle-consistent ``CallbackBasic`` objects, as ``CallbackFactory`` builds ``Callback``."""

    __model__ = CallbackBasic
