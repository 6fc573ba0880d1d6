"""``ConversationFactory`` and ``ConversationBasicFactory``: whole callback conversations whose legs agree."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from random import Random
from typing import Any, ClassVar, TypeVar

from contracts import Callback, Conversation, ConversationBasic, Participant
from factories._base import Factory
from factories._overrides import contract_problems, field_types, merge
from factories._plan import STAGES, UNSET, draw_facts, plan
from factories._render import BASIC, FULL, Models, conversation
from factories._seeding import derive, to_ms
from factories.errors import OverrideError, OverrideKind
from factories.invariants import conversation_problems, conversation_value_problems

CONVERSATION_OVERRIDES = (
    "id",
    "callback_numbers",
    "callback_scheduled_time",
    "callback_user_name",
    "script_id",
    "queue_id",
    "queue_name",
    "caller_id",
    "caller_id_name",
    "attributes",
)


V = TypeVar("V", bound="Conversation | ConversationBasic")


@cache
def override_types() -> dict[str, Any]:
    """Each override's type: that of the field it sets on the conversation, its participants or callbacks."""
    tables = [field_types(model) for model in (Conversation, Participant, Callback)]
    return {name: next(table[name] for table in tables if name in table) for name in CONVERSATION_OVERRIDES}


class _ConversationCore(Factory[V]):
    """What both conversation factories share; ``models`` picks the classes of every leg."""

    __default_trait__: ClassVar[str | None] = "scheduled"
    traits: ClassVar[tuple[str, ...]] = tuple(STAGES)
    models: Models

    def build(self, trait: str | None = None, **overrides: Any) -> V:
        """One conversation at the stage ``trait``; overrides apply to every leg alike.

        Overrides: ``id`` (the conversation's), ``callback_numbers``, ``callback_scheduled_time``,
        ``callback_user_name``, ``script_id``, ``queue_id``, ``queue_name``, ``caller_id``,
        ``caller_id_name`` and ``attributes`` (copied to every participant, as the API copies a
        create command's ``data``). An unknown name, a value of the wrong type, one the contract
        refuses or a combination that breaks an invariant raises ``OverrideError`` (its ``kind``
        says which).
        """
        stage = self.trait(trait) or "scheduled"
        given: dict[str, Any] = {}
        problems: list[str] = []
        merge(override_types(), "a conversation override", given, overrides, problems)
        if problems:
            raise OverrideError(type(self).__name__, stage, overrides, problems, kind=OverrideKind.INVALID)
        scheduled: Any = given.get("callback_scheduled_time", UNSET)
        if isinstance(scheduled, datetime):
            scheduled = to_ms(scheduled)
        rng = self.random
        facts = draw_facts(rng, self.org, given)
        built: V = conversation(
            plan(rng, self.org, self.clock(), STAGES[stage], facts, scheduled), rng, self.org, self.models
        )
        if given:
            problems = contract_problems(built) + conversation_value_problems(built)
            if problems:
                raise OverrideError(
                    type(self).__name__, stage, overrides, problems, kind=OverrideKind.CONTRACT
                )
            problems = conversation_problems(built, values=False)
            if problems:
                raise OverrideError(
                    type(self).__name__, stage, overrides, problems, kind=OverrideKind.LIFECYCLE
                )
        return built


class ConversationFactory(_ConversationCore["Conversation | ConversationBasic"]):
    """Callback conversations: a customer leg, an acd leg and one agent leg per offer.

    Traits are the stages of a callback's life: ``scheduled`` (just created), ``voicemail``,
    ``alerting``, ``unanswered``, ``declined``, ``connected``, ``held``, ``preview``,
    ``after_call_work``, ``disconnected``, ``terminated`` and ``reoffered`` (an unanswered and a
    declined offer before an answered one) and ``automated`` (placed by an automated callback
    config, no agent). ``basic=True`` builds ``ConversationBasic``, as ``ConversationBasicFactory`` does.
    """

    __model__ = Conversation

    def __init__(
        self,
        seed: int | None = None,
        *,
        now: datetime | None = None,
        basic: bool = False,
        locale: str | None = None,
    ) -> None:
        super().__init__(seed, now=now, locale=locale)
        self.basic = basic
        self.models = BASIC if basic else FULL


class ConversationBasicFactory(_ConversationCore[ConversationBasic]):
    """``ConversationBasic`` objects, as ``ConversationFactory`` builds ``Conversation``."""

    __model__ = ConversationBasic
    models = BASIC

    def __init__(
        self, seed: int | None = None, *, now: datetime | None = None, locale: str | None = None
    ) -> None:
        super().__init__(seed, now=now, locale=locale)
        # Drawn as ConversationFactory draws: a seed gives the basic form of that factory's conversation,
        # as ConversationFactory(basic=True) does, so a pinned seed still replays the same payloads.
        self.random = Random(derive(self.seed, ConversationFactory.__name__))
