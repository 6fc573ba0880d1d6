"""``ConversationFactory``: whole callback conversations whose legs agree with each other."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

import contracts
from contracts import ContractError, Conversation, ConversationBasic
from factories._base import Factory
from factories._plan import STAGES, UNSET, draw_facts, plan
from factories._render import BASIC, FULL, conversation
from factories._seeding import to_ms
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


class ConversationFactory(Factory["Conversation | ConversationBasic"]):
    """Callback conversations: a customer leg, an acd leg and one agent leg per offer.

    Traits are the stages of a callback's life: ``scheduled`` (just created), ``voicemail``,
    ``alerting``, ``unanswered``, ``declined``, ``connected``, ``held``, ``preview``,
    ``after_call_work``, ``disconnected``, ``terminated`` and ``reoffered`` (an unanswered and a
    declined offer before an answered one) and ``automated`` (placed by an automated callback
    config, no agent). ``basic=True`` builds ``ConversationBasic``.
    """

    __model__ = Conversation
    __default_trait__: ClassVar[str | None] = "scheduled"
    traits: ClassVar[tuple[str, ...]] = tuple(STAGES)

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

    def build(self, trait: str | None = None, **overrides: Any) -> Conversation | ConversationBasic:
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
        built: Conversation | ConversationBasic = conversation(
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
