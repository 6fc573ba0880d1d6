"""``ConversationFactory`` and ``ConversationBasicFactory``: whole callback conversations whose legs agree."""

from __future__ import annotations

from datetime import datetime
from random import Random
from typing import Any, ClassVar, TypeVar

import contracts
from contracts import ContractError, Conversation, ConversationBasic
from factories._base import Factory
from factories._plan import STAGES, UNSET, draw_facts, plan
from factories._render import BASIC, FULL, Models, conversation
from factories._seeding import derive, to_ms
from factories.errors import OverrideError
from factories.invariants import check_conversation

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
        create command's ``data``). A combination that breaks an invariant raises ``OverrideError``.
        """
        stage = self.trait(trait) or "scheduled"
        unknown = [name for name in overrides if name not in CONVERSATION_OVERRIDES]
        if unknown:
            problems = [
                f"{name}: not a conversation override ({', '.join(CONVERSATION_OVERRIDES)})"
                for name in unknown
            ]
            raise OverrideError(type(self).__name__, stage, unknown, problems)
        scheduled: Any = overrides.get("callback_scheduled_time", UNSET)
        if isinstance(scheduled, datetime):
            scheduled = to_ms(scheduled)
        if "callback_numbers" in overrides:
            overrides["callback_numbers"] = tuple(overrides["callback_numbers"])
        rng = self.random
        facts = draw_facts(rng, self.org, overrides)
        built: V = conversation(
            plan(rng, self.org, self.clock(), STAGES[stage], facts, scheduled), rng, self.org, self.models
        )
        if overrides:
            try:  # an override of the wrong JSON type would make an invalid payload
                contracts.loads(contracts.dumps(built), type(built))
            except ContractError as exc:
                raise OverrideError(type(self).__name__, stage, overrides, exc.errors) from None
            except Exception as exc:  # noqa: BLE001 - a value of the wrong type fails to unstructure
                raise OverrideError(type(self).__name__, stage, overrides, [repr(exc)]) from None
            problems = check_conversation(built)
            if problems:
                raise OverrideError(type(self).__name__, stage, overrides, problems)
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
