"""The mock's backend: every read and change of its state, and the rules of each command.

As in moto, state and its rules live here and HTTP lives in the views: a view parses its
request, calls one method here and answers what it returns. Only this module touches the store;
the journal, faults and rate limiter are held here too, so one ``reset`` returns all of it to
the start. Nothing here imports Flask.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

import contracts
from contracts import (
    Callback,
    CallbackDisconnectIdentifier,
    CallbackState,
    CampaignInteraction,
    CampaignInteractions,
    Conversation,
    ConversationBasic,
    CreateCallbackCommand,
    CreateCallbackResponse,
    DomainEntityRef,
    PatchCallbackRequest,
    PatchCallbackResponse,
)
from factories import ConversationFactory
from mockserver import edits
from mockserver.control.faults import Faults, RateLimiter
from mockserver.control.journal import Journal
from mockserver.control.models import RateLimit
from mockserver.errors import ApiError
from mockserver.models import check_bounds  # TODO(house): contracts.check_bounds
from mockserver.store import ConversationStore, Entry, MemoryStore


class Backend:
    """The conversations a server holds, the commands that change them, and the control state."""

    def __init__(
        self,
        *,
        store: ConversationStore,
        seed: int,
        conversations: int,
        now: datetime | None = None,
        journal: Journal | None = None,
        rate_limit: RateLimit | None = None,
    ) -> None:
        self.store = store
        self._now = now
        self._factory = ConversationFactory(seed, now=now)
        self.journal = journal
        self.faults = Faults()
        self.initial_limit = rate_limit
        self.limiter = RateLimiter(rate_limit)
        # The stored entry of an id, or None: the store's own method, as the fast path calls it
        # on every request.
        self.entry: Callable[[str], Entry | None] = store.get
        # Every stage of a callback's life, in turn, so a small dataset already shows them all.
        stages = itertools.cycle(ConversationFactory.traits)
        store.seed(self._generate(next(stages)) for _ in range(conversations))

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Backend:
        """The backend a server's settings describe (``mockserver.config.DEFAULTS``' keys)."""
        journal = Journal(int(config["JOURNAL_LIMIT"])) if config["JOURNAL"] else None
        configured = config["RATE_LIMIT"]
        return cls(
            store=MemoryStore(),
            seed=int(config["SEED"]),
            conversations=int(config["CONVERSATIONS"]),
            now=config["NOW"],
            journal=journal,
            rate_limit=_rate_limit(configured) if configured else None,
        )

    def now(self) -> datetime:
        return self._now or datetime.now(timezone.utc)

    def _generate(self, trait: str, **overrides: Any) -> Conversation:
        conversation = self._factory.build(trait, **overrides)
        assert isinstance(conversation, Conversation)  # the factory is not basic=True
        return conversation

    # Reading

    def conversation(self, conversation_id: str) -> Conversation:
        return self._entry(conversation_id).conversation

    def body(self, conversation_id: str) -> bytes:
        """The stored conversation's wire JSON."""
        return self._entry(conversation_id).body

    def _entry(self, conversation_id: str) -> Entry:
        entry = self.store.get(conversation_id)
        if entry is None:
            raise ApiError.not_found(conversation_id)
        return entry

    def entries(self) -> list[Entry]:
        """Every stored conversation, in the order first stored."""
        return self.store.entries()

    def active(self) -> list[Entry]:
        """The conversations not yet ended, in the order they were first stored."""
        return [entry for entry in self.store.entries() if entry.active]

    def campaign_interactions(self, campaign_id: str) -> CampaignInteractions:
        """The campaign's live interactions: its preview callbacks' conversations, by stage."""
        campaign = DomainEntityRef(id=campaign_id, self_uri=f"/api/v2/outbound/campaigns/{campaign_id}")
        stages: dict[str, list[CampaignInteraction]] = {stage: [] for stage in _STAGES.values()}
        known = False
        for entry in self.store.entries():
            if campaign_id not in entry.campaign_ids:
                continue
            conversation = entry.conversation
            callback = edits.previewed(conversation, campaign_id)
            if callback is None:
                continue
            known = True
            stage = _STAGES.get(callback.state) if callback.state else None
            if stage is not None:
                stages[stage].append(_interaction(conversation, entry.body, callback, campaign))
        if not known:
            raise ApiError.not_found(campaign_id)
        return CampaignInteractions(
            campaign=campaign, **{stage: tuple(items) for stage, items in stages.items()}
        )

    # The API's commands

    def create(self, command: CreateCallbackCommand) -> CreateCallbackResponse:
        queue_id = command.queue_id or (command.routing_data.queue_id if command.routing_data else None)
        overrides: dict[str, Any] = {
            "callback_numbers": command.callback_numbers,
            "callback_scheduled_time": command.callback_scheduled_time or self.now(),
            "callback_user_name": command.callback_user_name,
            "script_id": command.script_id,
            "queue_id": queue_id,
            "caller_id": command.caller_id,
            "caller_id_name": command.caller_id_name,
            "attributes": command.data,
        }
        with self.store.transaction():  # the factory's random stream is not thread-safe
            conversation = self._generate(
                "scheduled", **{key: value for key, value in overrides.items() if value is not None}
            )
            self.store.put([conversation])
        return CreateCallbackResponse(
            conversation=edits.ref(conversation), callback_identifiers=edits.identifiers(conversation)
        )

    def reschedule(self, patch: PatchCallbackRequest) -> PatchCallbackResponse:
        with self.store.transaction():
            conversation = self.conversation(patch.conversation_id)
            callback = edits.customer_callback(conversation)
            if callback is None:
                raise ApiError.not_found(patch.conversation_id)
            if callback.state is not CallbackState.SCHEDULED:
                raise ApiError.invalid(
                    "bad.request",
                    "$.conversationId",
                    f"The callback can no longer be rescheduled: it is {callback.state}, not scheduled.",
                )
            updated = edits.rescheduled(
                conversation,
                queue_id=patch.queue_id,
                callback_scheduled_time=patch.callback_scheduled_time,
                callback_numbers=patch.callback_numbers,
            )
            self.store.put([updated])
        return PatchCallbackResponse(
            conversation=edits.ref(updated), callback_identifiers=edits.identifiers(updated)
        )

    def disconnect(self, identifiers: Sequence[CallbackDisconnectIdentifier]) -> None:
        """Disconnect every named callback, or, if any is unknown, none of them."""
        with self.store.transaction():
            now = self.now()
            changed: dict[str, Conversation] = {}
            for index, identifier in enumerate(identifiers):
                conversation = changed.get(identifier.conversation_id) or self.conversation(
                    identifier.conversation_id
                )
                if not any(cb.id == identifier.callback_id for cb in edits.callbacks(conversation)):
                    raise ApiError(
                        404,
                        "not.found",
                        f"No callback {identifier.callback_id} in conversation {identifier.conversation_id}.",
                        details=(
                            contracts.Detail(
                                error_code="not.found",
                                field_name=f"$.callbackDisconnectIdentifiers[{index}].callbackId",
                                entity_id=identifier.callback_id,
                            ),
                        ),
                        entity_id=identifier.callback_id,
                    )
                changed[identifier.conversation_id] = edits.disconnected(
                    conversation, identifier.callback_id, now
                )
            self.store.put(changed.values())

    # Arranging data (the control API)

    def seed(self, count: int, traits: Sequence[str], seed: int | None) -> tuple[list[str], int]:
        """Generate ``count`` conversations cycling ``traits`` into the current data; their ids and seed."""
        seed = seed if seed is not None else random.randrange(2**31)
        factory = ConversationFactory(seed, now=self.now())
        conversations = [factory.build(traits[i % len(traits)]) for i in range(count)]
        self.store.put(conversations)  # type: ignore[arg-type]
        return [conversation.id or "" for conversation in conversations], seed

    def put_conversation(self, conversation: Conversation) -> bool:
        """Store this exact conversation; whether it replaced one."""
        with self.store.transaction():
            existed = self.store.get(_id(conversation)) is not None
            self.store.put([conversation])
        return existed

    def put_callback(self, conversation_id: str, participant_id: str, callback: Callback) -> Conversation:
        """Store this exact callback in a participant of a stored conversation; the conversation."""
        with self.store.transaction():
            updated = edits.with_callback(self.conversation(conversation_id), participant_id, callback)
            if updated is None:
                raise ApiError.not_found(participant_id)
            self.store.put([updated])
        return updated

    def reset(self) -> None:
        """Back to the seeded dataset; journal cleared, faults removed, the configured rate limit back."""
        self.store.reset()
        if self.journal is not None:
            self.journal.clear()
        self.faults.clear()
        self.limiter.set(self.initial_limit)


def _id(conversation: Conversation) -> str:
    if conversation.id is None:
        raise ValueError("a stored conversation needs an id")
    return conversation.id


def _rate_limit(configured: Any) -> RateLimit:
    """RATE_LIMIT from the config (a mapping, or JSON from CALLBACK_MOCK_RATE_LIMIT), checked."""
    limit = configured if isinstance(configured, RateLimit) else contracts.structure(configured, RateLimit)
    broken = check_bounds(limit)
    if broken:
        path, expectation, value = broken[0]
        raise ValueError(f"RATE_LIMIT: {path} must be {expectation}; got {value!r}")
    return limit


# Which list of CampaignInteractions a callback's state puts its conversation in; ended ones in none.
_STAGES = {
    CallbackState.SCHEDULED: "scheduled_interactions",
    CallbackState.NONE: "pending_interactions",
    CallbackState.DIALING: "proceeding_interactions",
    CallbackState.CONTACTING: "proceeding_interactions",
    CallbackState.OFFERING: "previewing_interactions",
    CallbackState.ALERTING: "previewing_interactions",
    CallbackState.CONNECTED: "interacting_interactions",
}


def _interaction(
    conversation: Conversation, body: bytes, callback: Callback, campaign: DomainEntityRef
) -> CampaignInteraction:
    return CampaignInteraction(
        id=callback.id,
        campaign=campaign,
        destination_address=(callback.callback_numbers or (None,))[0],
        creation_time=conversation.start_time,
        caller_name=callback.callback_user_name,
        caller_address=callback.caller_id,
        conversation=contracts.loads(body, ConversationBasic),  # the same wire shape
        dialing_mode="preview",
    )
