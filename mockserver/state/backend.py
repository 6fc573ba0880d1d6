"""The mock's backend: every read and change of its state, and the rules of each command.

As in moto, state and its rules live here and HTTP lives in the views: a view parses its
request, calls one method here and answers what it returns. Only the backend touches the store;
the journal, faults and rate limiter are held here too, so one ``reset`` returns all of it to
the start. Its parts are made and seeded in ``assembly``; this module holds what reads and changes
them. Nothing here imports Flask.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

import attrs
import orjson

import contracts
from contracts import (
    AnalyticsConversationWithoutAttributes,
    BulkCallbackPatchResponse,
    BulkError,
    BulkResult,
    Callback,
    CallbackDisconnectIdentifier,
    CallbackState,
    CampaignInteractions,
    Conversation,
    ConversationTagsUpdate,
    CreateCallbackCommand,
    CreateCallbackResponse,
    PatchCallbackRequest,
    PatchCallbackResponse,
)
from factories import ConversationFactory
from mockserver.control.models import ClockChange, ClockState, Lifecycle
from mockserver.state import callback_routing, campaigns, edits, lifecycle, step_edits
from mockserver.state.acd_commands import AcdCommands
from mockserver.state.analytics_queries import AnalyticsCommands
from mockserver.state.assembly import Assembly, stored_id
from mockserver.state.changes import CAUSE
from mockserver.state.clock import ClockError, iso
from mockserver.state.errors import CALLBACK_NOT_FOUND, CONVERSATION_NOT_FOUND, ApiError
from mockserver.state.ids import new_uuid
from mockserver.state.lifecycle import StepError
from mockserver.state.participants import ParticipantCommands
from mockserver.state.queues import QueueCommands
from mockserver.state.routing import callback_media
from mockserver.state.trigger_commands import TriggerCommands
from mockserver.store.base import Entry

# The API's limits: a callback at most 30 days ahead; a bulk request's size is not documented.
MAX_SCHEDULE_AHEAD = timedelta(days=30)
MAX_BULK = 100
# What refuses a queue the org does not have, by route: the one queue code each route's error list
# has (the create's and a participant's callback's name a missing queue; inferred for an unknown one).
CREATE_QUEUE_CODE = "callback.error.missing.queue.id"
ROUND_QUEUE_CODE = "conversation.error.queue.required"
PATCH_QUEUE_CODE = "callback.error.queue.not.found"
# Which of ClockChange's fields (its wire path, its attribute) a ClockError's argument names.
_CLOCK_FIELDS = {"instant": ("$.now", "now"), "seconds": ("$.advanceSeconds", "advance_seconds")}


# The create command's fields a conversation lacks when the command does (``_scheduled``).
_NOT_DRAWN = frozenset({"caller_id", "caller_id_name", "script_id"})


class Backend(Assembly):
    """The conversations a server holds, the commands that change them, and the control state."""

    @cached_property
    def participants(self) -> ParticipantCommands:
        """The participant-level commands (``PATCH .../participants/{id}`` and the rest)."""
        return ParticipantCommands(self)

    @cached_property
    def acd(self) -> AcdCommands:
        """The ACD's routes: a waiting callback's routing changed, a queue's estimated wait time."""
        return AcdCommands(self)

    @cached_property
    def queues(self) -> QueueCommands:
        """The routing routes' commands (queues, members, routing statuses) over ``routing``."""
        return QueueCommands(self.routing, self.store.transaction)

    @cached_property
    def triggers(self) -> TriggerCommands:
        """The process-automation routes' commands over ``automation`` (the triggers)."""
        return TriggerCommands(self.automation, self.store.transaction)

    @cached_property
    def analytics(self) -> AnalyticsCommands:
        """The analytics reads (details query, a conversation's details, queue observations), derived
        from the stored conversations and the routing state."""
        return AnalyticsCommands(self.store.entries, lambda: self.store.active()[1], self.routing, self.now)

    def analytics_details(self, conversation_id: str) -> AnalyticsConversationWithoutAttributes:
        """``GET /api/v2/analytics/conversations/{id}/details``: the stored conversation as analytics details it."""
        return self.analytics.conversation(self._entry_or_404(conversation_id))

    def tag(self, conversation_id: str, update: ConversationTagsUpdate) -> str:
        """Keep ``update``'s external tag on the conversation (REST's ``externalTag``, analytics' too); the tag."""
        with self.store.transaction():
            conversation = self.conversation(conversation_id, CONVERSATION_NOT_FOUND)
            self.put([attrs.evolve(conversation, external_tag=update.external_tag)])
        return update.external_tag or ""

    @cached_property
    def find_entry(self) -> Callable[[str], Entry | None]:
        """The stored entry of an id, or None: the store's own method, as the fast path calls it on
        every request."""
        return self.store.get

    # Reading

    def conversation(
        self, conversation_id: str, code: str | None = None, field: str | None = None
    ) -> Conversation:
        """The stored conversation; an unknown id is a 404 with ``code`` (``not.found`` if None)
        naming ``field`` of the body that held it."""
        entry = self.store.get(conversation_id)
        if entry is None:
            raise ApiError.not_found(conversation_id, code, field)
        return entry.conversation

    def callback_conversation(self, conversation_id: str) -> Conversation:
        """The conversation, as ``GET .../callbacks/{id}`` reads it (a read may move it on)."""
        if self.engine.counts_reads:
            self.engine.read(conversation_id)
        entry = self.store.get(conversation_id)
        if entry is None:
            raise ApiError(
                404, CONVERSATION_NOT_FOUND, "The conversation does not exist.", entity_id=conversation_id
            )
        return entry.conversation

    def body(self, conversation_id: str) -> bytes:
        """The stored conversation's wire JSON, as a client reads it (a read may move it on)."""
        if self.engine.counts_reads:
            self.engine.read(conversation_id)
        return self._entry_or_404(conversation_id).body

    def _entry_or_404(self, conversation_id: str) -> Entry:
        entry = self.store.get(conversation_id)
        if entry is None:
            raise ApiError.not_found(conversation_id)
        return entry

    def entries(self) -> list[Entry]:
        """Every stored conversation, in the order first stored."""
        return self.store.entries()

    def active(
        self, start: int = 0, stop: int | None = None, *, calls: bool = False, user_id: str | None = None
    ) -> tuple[int, list[Entry]]:
        """How many conversations are not yet ended (holding a call, if ``calls``; with ``user_id``
        among their participants, if given), and those from ``start`` to ``stop`` in the order they
        became active: the cost of the page, not of the store."""
        return self.store.active(start, stop, calls=calls, user_id=user_id)

    def campaign_interactions(self, campaign_id: str) -> CampaignInteractions:
        """The campaign's live interactions: its preview callbacks' conversations, by stage."""
        interactions = campaigns.interactions(self.store.entries(), campaign_id)
        if interactions is None:
            raise ApiError.not_found(campaign_id)
        return interactions

    # The API's commands

    def create(self, command: CreateCallbackCommand) -> CreateCallbackResponse:
        with self.store.transaction():  # the factory's random stream is not thread-safe
            self.limits.check_room(self.store.count(), 1)
            conversation = self._scheduled(command, self.now(), queue_code=CREATE_QUEUE_CODE)
            self.put([conversation])
        return CreateCallbackResponse(
            conversation=edits.ref(conversation), callback_identifiers=edits.identifiers(conversation)
        )

    def _scheduled(
        self, command: CreateCallbackCommand, at: datetime, *, queue_code: str, **ids: Any
    ) -> Conversation:
        """The conversation a create command makes, started at ``at``: its customer and acd legs, scheduled.

        Its queue is one of the org's (``queue_code`` refuses another), whose name and callback
        settings it carries.
        """
        self._check_scheduled_time(command.callback_scheduled_time, at)
        self.limits.check_texts(command)
        self.limits.check_numbers(command.callback_numbers)
        self.limits.check_attributes(command.data, "$.data")
        queue_id = command.queue_id or (command.routing_data.queue_id if command.routing_data else None)
        queue = None
        if queue_id is not None:
            path = "$.queueId" if command.queue_id else "$.routingData.queueId"
            queue = self._queue_ref(queue_id, code=queue_code, path=path)
        overrides: dict[str, Any] = {
            "callback_numbers": command.callback_numbers,
            "callback_scheduled_time": command.callback_scheduled_time or at,
            "callback_user_name": command.callback_user_name,
            "script_id": command.script_id,
            "queue_id": queue_id,
            "queue_name": None if queue is None else queue.name,
            "caller_id": command.caller_id,
            "caller_id_name": command.caller_id_name,
            "attributes": command.data,
            **ids,
        }
        # Numbers sent with validateCallbackNumbers false are kept as sent (mockserver.state.numbers);
        # the factory makes only what its invariants allow (E.164), so they are put in after it.
        unvalidated = not all(contracts.E164.fullmatch(number) for number in command.callback_numbers)
        if unvalidated:
            del overrides["callback_numbers"]
        # What the client left out is drawn, but for what the API leaves out too: no caller id,
        # caller name or script a create command did not name (none is invented, as captured).
        built = self._generate(
            "scheduled",
            **{key: value for key, value in overrides.items() if value is not None or key in _NOT_DRAWN},
        )
        data = callback_routing.routing_data(queue_id, command.routing_data)
        owned_by = callback_routing.owner(command.routing_data)
        built = edits.with_participants(
            built, lambda leg: callback_routing.routed(leg, data, owned_by) if leg.purpose == "acd" else leg
        )
        if unvalidated:
            built = edits.rescheduled(built, queue=None, callback_numbers=command.callback_numbers)
        return step_edits.started(built if queue is None else edits.queued(built, queue), at)

    def _queue_ref(self, queue_id: str, *, code: str, path: str) -> edits.QueueRef:
        """What a callback routed on ``queue_id`` carries of it; a 400 ``code`` naming ``path`` if no such queue."""
        queue = self.queues.routed(queue_id, code=code, path=path)
        return edits.QueueRef(id=queue_id, name=queue.name, media=callback_media(queue))

    @staticmethod
    def _check_scheduled_time(scheduled: datetime | None, now: datetime) -> None:
        if scheduled is not None and scheduled - now > MAX_SCHEDULE_AHEAD:
            raise ApiError.invalid(
                "callback.error.scheduled.time.too.far.in.future",
                "$.callbackScheduledTime",
                "The callback scheduled time cannot be more than 30 days into the future.",
            )

    def new_round(
        self, conversation: Conversation, command: CreateCallbackCommand, at: datetime
    ) -> Conversation:
        """``conversation`` (every leg ended) with a new scheduled callback: a customer and an acd leg more."""
        self.limits.check_callbacks(
            sum(len(p.callbacks or ()) for p in conversation.participants or () if p.purpose == "customer")
        )
        fresh = self._scheduled(command, at, queue_code=ROUND_QUEUE_CODE, id=conversation.id)
        return attrs.evolve(
            conversation,
            end_time=None,
            participants=(*(conversation.participants or ()), *(fresh.participants or ())),
        )

    def new_id(self) -> str:
        """A fresh entity id (a random UUID)."""
        return new_uuid()

    def reschedule(self, patch: PatchCallbackRequest) -> PatchCallbackResponse:
        with self.store.transaction():
            updated = self._rescheduled(patch)
            self.put([updated])
        return PatchCallbackResponse(
            conversation=edits.ref(updated), callback_identifiers=edits.identifiers(updated)
        )

    def bulk_reschedule(self, patches: Sequence[PatchCallbackRequest]) -> BulkCallbackPatchResponse:
        """Each patch on its own: the ones that apply are stored, the others answer their error."""
        if len(patches) > MAX_BULK:
            raise ApiError.invalid(
                "callback.error.too.many.entities",
                "$.patchCallbackRequests",
                f"There were too many entities in the bulk edit request (at most {MAX_BULK}).",
            )
        results: list[BulkResult] = []
        errors: list[int] = []
        with self.store.transaction():
            for index, patch in enumerate(patches):
                try:
                    updated = self._rescheduled(patch, at=f"$.patchCallbackRequests[{index}]")
                except ApiError as error:
                    errors.append(index)
                    results.append(BulkResult(error=BulkError(message=error.message, code=error.code)))
                    continue
                self.put([updated])
                entity = PatchCallbackResponse(
                    conversation=edits.ref(updated), callback_identifiers=edits.identifiers(updated)
                )
                results.append(BulkResult(entity=entity))
        return BulkCallbackPatchResponse(
            results=tuple(results), error_count=len(errors), error_indexes=tuple(errors)
        )

    def _rescheduled(self, patch: PatchCallbackRequest, *, at: str = "$") -> Conversation:
        """The conversation ``patch`` reschedules, checked (the store's lock held); not stored.

        ``at``: the patch's JSON path in the request (a bulk update's entry).
        """
        missing = contracts.missing_alternatives(patch)
        if missing:
            raise ApiError.invalid(
                "callback.error.missing.required.information.for.patch.request",
                "$",
                "The patch request requires either a scheduled time or queueId: it names none of "
                + ", ".join(f"$.{path}" for path in missing)
                + " beside $.conversationId.",
            )
        conversation = self.conversation(patch.conversation_id, CALLBACK_NOT_FOUND, "$.conversationId")
        callback = edits.current_callback(conversation)
        if callback is None:
            raise ApiError.not_found(patch.conversation_id, CALLBACK_NOT_FOUND, "$.conversationId")
        if callback.state is not CallbackState.SCHEDULED:
            raise ApiError(
                412,
                "callback.error.already.triggered",
                "Unable to update an already triggered callback.",
                details=(
                    contracts.Detail(
                        error_code="callback.error.already.triggered",
                        field_name="$.conversationId",
                        entity_id=patch.conversation_id,
                    ),
                ),
                entity_id=patch.conversation_id,
            )
        self._check_scheduled_time(patch.callback_scheduled_time, self.now())
        self.limits.check_texts(patch)
        self.limits.check_numbers(patch.callback_numbers)
        queue = None
        if patch.queue_id is not None:
            queue = self._queue_ref(patch.queue_id, code=PATCH_QUEUE_CODE, path=f"{at}.queueId")
        return edits.rescheduled(
            conversation,
            queue=queue,
            callback_scheduled_time=patch.callback_scheduled_time,
            callback_numbers=patch.callback_numbers,
        )

    def disconnect(self, identifiers: Sequence[CallbackDisconnectIdentifier]) -> None:
        """Disconnect every named callback, or, if any is unknown, none of them."""
        with self.store.transaction():
            now = self.now()
            changed: dict[str, Conversation] = {}
            for index, identifier in enumerate(identifiers):
                at = f"$.callbackDisconnectIdentifiers[{index}]"
                conversation = changed.get(identifier.conversation_id) or self.conversation(
                    identifier.conversation_id, CONVERSATION_NOT_FOUND, f"{at}.conversationId"
                )
                if not any(cb.id == identifier.callback_id for cb in edits.callbacks(conversation)):
                    raise ApiError.not_found(identifier.callback_id, CALLBACK_NOT_FOUND, f"{at}.callbackId")
                changed[identifier.conversation_id] = edits.disconnected(
                    conversation, identifier.callback_id, now
                )
            self.put(changed.values())

    # Arranging data (the control API)

    def seed(self, count: int, traits: Sequence[str], seed: int | None) -> tuple[list[str], int]:
        """Generate ``count`` conversations cycling ``traits`` into the current data; their ids and seed."""
        seed = seed if seed is not None else random.randrange(2**31)
        factory = ConversationFactory(seed, now=self.now())
        with self.store.transaction():
            self.limits.check_room(self.store.count(), count, "$.count")
            conversations: list[Conversation] = [factory.build(traits[i % len(traits)]) for i in range(count)]  # type: ignore[misc]
            self.put(conversations)
        return [conversation.id or "" for conversation in conversations], seed

    def put_conversation(self, conversation: Conversation) -> bool:
        """Store this exact conversation; whether it replaced one."""
        with self.store.transaction():
            existed = self.store.get(stored_id(conversation)) is not None
            if not existed:
                self.limits.check_room(self.store.count(), 1)
            self.put([conversation])
        return existed

    def delete_conversation(self, conversation_id: str) -> None:
        """Remove a stored conversation and its planned step (a reset brings back a seeded one)."""
        with self.store.transaction():
            if not self.store.delete(conversation_id):
                raise ApiError.not_found(conversation_id)
            self.engine.forget(conversation_id)

    def put_callback(self, conversation_id: str, participant_id: str, callback: Callback) -> Conversation:
        """Store this exact callback in a participant of a stored conversation; the conversation."""
        with self.store.transaction():
            updated = edits.with_callback(self.conversation(conversation_id), participant_id, callback)
            if updated is None:
                raise ApiError.not_found(participant_id)
            self.put([updated])
        return updated

    def replace_callback(self, callback: Callback) -> Conversation:
        """Store this exact callback in place of the stored callback with its id, wherever it is; the conversation.

        404 if no stored callback has the id; 409 if several do (the participant's route says which).
        """
        callback_id = callback.id or ""
        # A holder's body has the id as some object's "id": the bytes rule out the rest undecoded.
        needle = b'"id":' + orjson.dumps(callback_id)
        with self.store.transaction():
            holders = [
                (conversation, participant.id or "")
                for entry in self.store.entries()
                if needle in entry.body
                for conversation in (entry.conversation,)
                for participant in conversation.participants or ()
                if any(cb.id == callback_id for cb in participant.callbacks or ())
            ]
            if not holders:
                raise ApiError.not_found(callback_id)
            if len(holders) > 1:
                where = ", ".join(f"{c.id}/{pid}" for c, pid in holders)
                raise ApiError(
                    409,
                    "conflict",
                    f"Several stored callbacks have the id {callback_id!r} (conversation/participant: "
                    f"{where}); put it through .../participants/{{pid}}/callbacks/{{id}}.",
                    details=(
                        contracts.Detail(error_code="conflict", field_name="$.id", entity_id=callback_id),
                    ),
                    entity_id=callback_id,
                )
            conversation, participant_id = holders[0]
            updated = edits.with_callback(conversation, participant_id, callback)
            assert updated is not None  # the participant was just found
            self.put([updated])
        return updated

    def reset(self) -> None:
        """Back to the start: the seeded dataset and its schedule, the clock, the configured rate
        limit and lifecycle, the seeded queues, members and routing statuses; the journal cleared,
        faults removed."""
        with self.store.transaction():  # one change, as every process sees it
            self.store.reset()
            self.clock.reset()
            self._clock_share.touch()
            self.engine.reset()
            self._random.reset()
            self._random_share.touch()
            if self.journal is not None:
                self.journal.clear()
            self.notifications.reset()
            self.detail_publisher.reset()  # after the clock's: events from its start on are heard
            self.event_sink.reset()
            self.faults.clear()
            self.stubs.clear()
            self.routing.reset()
            self.identity.reset()
            self.automation.reset()
            self.limiter.set(self.initial_limit)
        self.engine.announce()

    # The clock and the lifecycle

    def clock_state(self) -> ClockState:
        return ClockState(now=self.clock.now(), frozen=self.clock.frozen)

    def move_clock(self, change: ClockChange) -> ClockState:
        """Jump, advance and freeze or thaw, in that order, running every step that falls due.

        The steps run a chunk at a time after the move, the store's lock let go between chunks: a
        long advance holds up no other request (which meanwhile reads the moved clock)."""
        with self.store.transaction():
            try:
                self.clock.move(instant=change.now, seconds=change.advance_seconds)
            except ClockError as error:
                path, name = _CLOCK_FIELDS[error.argument]
                value = getattr(change, name)
                got = iso(value) if isinstance(value, datetime) else value
                raise ApiError.invalid("invalid.value", path, f"{path}: {error}; got {got!r}.") from None
            if change.frozen is not None:
                self.clock.freeze(change.frozen)
            self._clock_share.touch()
            self.engine.refresh()  # when the next step is due on the moved clock
        self.engine.run_until(self.clock.ms())
        self.trigger_runs.run_due()  # delayed starts and delivery retries the clock reached
        self.engine.announce()  # other processes' wakers read the moved clock
        return self.clock_state()

    def set_lifecycle(self, settings: Lifecycle) -> Lifecycle:
        """Live under ``settings`` from now on: every conversation's next step planned again."""
        with self.store.transaction():
            self.engine.configure(settings, (entry.conversation for entry in self.store.entries()))
        self.engine.announce()
        return settings

    def advance(self, conversation_id: str, stage: str) -> Conversation:
        """Move one conversation on to ``stage`` (a trait name), each step stamped from now on."""
        path = lifecycle.PATHS.get(stage)
        if path is None:
            known = ", ".join(lifecycle.PATHS)
            raise ApiError.invalid("invalid.value", "$.to", f"$.to must be one of {known}; got {stage!r}.")
        with self.store.transaction():
            try:
                conversation = self.engine.advanced(self.conversation(conversation_id), stage)
            except StepError as error:
                raise ApiError(
                    409,
                    "conflict",
                    f"The conversation: {error}.",
                    details=(contracts.Detail(error_code="conflict", field_name="$.to"),),
                ) from None
            self.put([conversation])
        return conversation

    # The engine

    def apply(self, conversation: Conversation, kind: str, at: datetime) -> Conversation:
        """``conversation`` after the step ``kind`` at ``at``; a step that does not fit is a 400."""
        try:
            return self.engine.apply(conversation, kind, at)
        except StepError as error:
            raise ApiError.invalid(
                "invalid.value", "$", f"Cannot {kind.replace('_', ' ')}: {error}."
            ) from None

    def put(self, conversations: Iterable[Conversation]) -> None:
        """Store ``conversations`` and plan each one's next step from now (the store's lock held)."""
        conversations = list(conversations)
        self.store.put(conversations)
        cause = CAUSE.get()
        for conversation in conversations:
            self.changes.publish(conversation, cause)
        self.engine.plan(conversations)
