"""The mock's backend: the store, the seeded dataset and what each command does to it.

As in moto, state and its rules live here and HTTP lives in the blueprints.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import attrs
from flask import Flask, current_app

import contracts
from contracts import (
    Callback,
    CallbackDisconnectIdentifier,
    CallbackIdentifier,
    CallbackIdentifierType,
    CallbackState,
    CampaignInteraction,
    CampaignInteractions,
    Conversation,
    ConversationBasic,
    CreateCallbackCommand,
    CreateCallbackResponse,
    DisconnectType,
    DomainEntityRef,
    Participant,
    PatchCallbackRequest,
    PatchCallbackResponse,
    Segment,
)
from factories import ConversationFactory
from mockserver.errors import ApiError
from mockserver.store import ConversationStore, MemoryStore

EXTENSION = "callback_mock"


class MockState:
    """The conversations a server holds and the commands that change them."""

    def __init__(
        self, *, seed: int, conversations: int, now: datetime | None, store: ConversationStore
    ) -> None:
        self.store = store
        self._now = now
        self._factory = ConversationFactory(seed, now=now)
        # Every stage of a callback's life, in turn, so a small dataset already shows them all.
        stages = itertools.cycle(ConversationFactory.traits)
        store.seed(self._generate(next(stages)) for _ in range(conversations))

    def _generate(self, trait: str, **overrides: Any) -> Conversation:
        conversation = self._factory.build(trait, **overrides)
        assert isinstance(conversation, Conversation)  # the factory is not basic=True
        return conversation

    def now(self) -> datetime:
        return self._now or datetime.now(timezone.utc)

    def conversation(self, conversation_id: str) -> Conversation:
        entry = self.store.get(conversation_id)
        if entry is None:
            raise ApiError.not_found(conversation_id)
        return entry.conversation

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
            conversation=_ref(conversation), callback_identifiers=_identifiers(conversation)
        )

    def reschedule(self, patch: PatchCallbackRequest) -> PatchCallbackResponse:
        with self.store.transaction():
            conversation = self.conversation(patch.conversation_id)
            state = _customer_callback(conversation).state
            if state is not CallbackState.SCHEDULED:
                raise ApiError.invalid(
                    "bad.request",
                    "$.conversationId",
                    f"The callback can no longer be rescheduled: it is {state}, not scheduled.",
                )
            changes: dict[str, Any] = {
                "callback_scheduled_time": patch.callback_scheduled_time,
                "callback_numbers": patch.callback_numbers,
            }
            changes = {key: value for key, value in changes.items() if value is not None}

            def rescheduled(participant: Participant) -> Participant:
                callbacks = tuple(attrs.evolve(cb, **changes) for cb in participant.callbacks or ())
                if participant.purpose == "acd" and patch.queue_id is not None:
                    participant = attrs.evolve(participant, queue_id=patch.queue_id)
                return attrs.evolve(participant, callbacks=callbacks)

            updated = _with_participants(conversation, rescheduled)
            self.store.put([updated])
        return PatchCallbackResponse(conversation=_ref(updated), callback_identifiers=_identifiers(updated))

    def disconnect(self, identifiers: tuple[CallbackDisconnectIdentifier, ...]) -> None:
        """Disconnect every named callback, or, if any is unknown, none of them."""
        with self.store.transaction():
            now = self.now()
            changed: dict[str, Conversation] = {}
            for index, identifier in enumerate(identifiers):
                conversation = changed.get(identifier.conversation_id) or self.conversation(
                    identifier.conversation_id
                )
                if not any(cb.id == identifier.callback_id for cb in _callbacks(conversation)):
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
                changed[identifier.conversation_id] = _disconnected(conversation, identifier.callback_id, now)
            self.store.put(changed.values())

    def reset(self) -> None:
        self.store.reset()

    def campaign_interactions(self, campaign_id: str) -> CampaignInteractions:
        """The campaign's live interactions: its preview callbacks' conversations, by stage."""
        campaign = DomainEntityRef(id=campaign_id, self_uri=f"/api/v2/outbound/campaigns/{campaign_id}")
        stages: dict[str, list[CampaignInteraction]] = {stage: [] for stage in _STAGES.values()}
        known = False
        for entry in self.store.entries():
            if campaign_id not in entry.campaign_ids:
                continue
            conversation = entry.conversation
            callback = _previewed(conversation, campaign_id)
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


def _disconnected(conversation: Conversation, callback_id: str, now: datetime) -> Conversation:
    def ended(participant: Participant) -> Participant:
        callbacks = tuple(
            _disconnect_callback(cb, now) if cb.id == callback_id else cb
            for cb in participant.callbacks or ()
        )
        participant = attrs.evolve(participant, callbacks=callbacks)
        if participant.end_time is None and all(cb.disconnected_time for cb in callbacks):
            participant = attrs.evolve(participant, end_time=now)
        return participant

    updated = _with_participants(conversation, ended)
    if updated.end_time is None and all(p.end_time for p in updated.participants or ()):
        updated = attrs.evolve(updated, end_time=now)
    return updated


def _disconnect_callback(callback: Callback, now: datetime) -> Callback:
    if callback.state in (CallbackState.DISCONNECTED, CallbackState.TERMINATED):
        return callback  # already over: disconnecting again changes nothing
    segments = tuple(
        attrs.evolve(segment, end_time=now, how_ended="Disconnect", disconnect_type="client")
        if segment.end_time is None
        else segment
        for segment in callback.segments or ()
    )
    return attrs.evolve(
        callback,
        state=CallbackState.DISCONNECTED,
        disconnect_type=DisconnectType.CLIENT,
        disconnected_time=now,
        held=False if callback.held else callback.held,
        start_hold_time=None,
        segments=segments or _alert_segment(callback, now),
    )


def _alert_segment(callback: Callback, now: datetime) -> tuple[Segment, ...] | None:
    """An alerting callback has no segment yet; ending it leaves the one its alert made."""
    if callback.start_alerting_time is None:
        return callback.segments
    return (
        Segment(
            start_time=callback.start_alerting_time,
            end_time=now,
            type="Alert",
            how_ended="Disconnect",
            disconnect_type="client",
        ),
    )


def _with_participants(conversation: Conversation, change: Any) -> Conversation:
    return attrs.evolve(conversation, participants=tuple(change(p) for p in conversation.participants or ()))


def _callbacks(conversation: Conversation) -> Iterator[Callback]:
    for participant in conversation.participants or ():
        yield from participant.callbacks or ()


def _previewed(conversation: Conversation, campaign_id: str) -> Callback | None:
    """The callback of ``conversation`` that previews a contact of the campaign, if any."""
    for callback in _callbacks(conversation):
        if callback.dialer_preview is not None and callback.dialer_preview.campaign_id == campaign_id:
            return callback
    return None


def _customer_callback_or_none(conversation: Conversation) -> Callback | None:
    for participant in conversation.participants or ():
        if participant.purpose == "customer" and participant.callbacks:
            return participant.callbacks[0]
    return None


def _customer_callback(conversation: Conversation) -> Callback:
    callback = _customer_callback_or_none(conversation)
    if callback is None:
        raise ApiError.not_found(conversation.id or "")
    return callback


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


def _ref(conversation: Conversation) -> DomainEntityRef:
    return DomainEntityRef(id=conversation.id, self_uri=conversation.self_uri)


def _identifiers(conversation: Conversation) -> tuple[CallbackIdentifier, ...]:
    kinds = {"acd": CallbackIdentifierType.ACD, "customer": CallbackIdentifierType.EXTERNAL}
    return tuple(
        CallbackIdentifier(type=kinds[participant.purpose], id=callback.id)
        for participant in conversation.participants or ()
        if participant.purpose in kinds
        for callback in participant.callbacks or ()
        if callback.id is not None
    )


def get() -> MockState:
    """The state of the current app."""
    state: MockState = current_app.extensions[EXTENSION]
    return state


def init_app(app: Flask) -> None:
    """Generate the seeded dataset and attach the state to ``app``."""
    app.extensions[EXTENSION] = MockState(
        seed=int(app.config["SEED"]),
        conversations=int(app.config["CONVERSATIONS"]),
        now=app.config["NOW"],
        store=MemoryStore(),
    )
