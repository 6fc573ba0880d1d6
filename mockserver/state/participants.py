"""The commands on a callback conversation's participants: what an agent's client sends.

Answer, decline and hang up (``PATCH .../participants/{id}``), disconnect a communication or the
whole conversation, wrap up, read the wrap-up and its codes, set attributes and the recording
state, place the call to the customer, and schedule a new callback on a conversation. Each
command reads the conversation, checks the API's rule, makes the edit (``step_edits`` for a step of
the life, so the engine plans what comes next) and stores it, under the store's lock. The errors
are the route-specific ones of the real API. Nothing here imports Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Protocol

import attrs

from contracts import (
    E164,
    AssignedWrapupCode,
    Call,
    Callback,
    CallbackState,
    CallCommand,
    CallState,
    Conversation,
    CreateCallbackOnConversationCommand,
    Detail,
    Direction,
    MediaParticipantRequest,
    MediaParticipantState,
    Participant,
    RecordingState,
    Segment,
    TransferRequest,
    Wrapup,
    WrapupCode,
    WrapupInput,
    camel,
    empty_media,
)
from factories import ConversationFactory
from mockserver.state import edits, lifecycle, step_edits
from mockserver.state.engine import Engine
from mockserver.state.errors import CONVERSATION_NOT_FOUND, ApiError
from mockserver.state.limits import Limits
from mockserver.state.queues import QueueCommands
from mockserver.store.base import ConversationStore

TRANSFER_QUEUE_CODE = "conversations.error.queue.not.found"  # a transfer to a queue the org does not have
_ENDED = (CallbackState.DISCONNECTED, CallbackState.TERMINATED)
# MediaParticipantRequest's properties the mock does not act on: asked for, they are refused
# ("Failed to update all properties") rather than accepted and ignored.
_UNSUPPORTED = ("recording", "muted", "confined", "held", "resume_time")
# The states a participant's update moves it to (answer; decline or hang up).
_STATES = (MediaParticipantState.CONNECTED, MediaParticipantState.DISCONNECTED)
# What PATCH .../participants/{participantId} takes of its body (the checks of ``update``); the
# document adds it to the body's schema.
PARTICIPANT_UPDATE: dict[str, Any] = {
    "properties": {
        **{camel(name): False for name in _UNSUPPORTED},
        "state": {"enum": [state.value for state in _STATES]},
    }
}

# What the disconnect-only routes take of a shared body: its state, disconnected (the checks
# below); the document adds it to the body's schema.
DISCONNECT_ONLY: dict[str, Any] = {
    "required": ["state"],
    "properties": {"state": {"const": MediaParticipantState.DISCONNECTED.value}},
}


class Host(Protocol):
    """What the participant commands need of the backend that holds them (``backend.Backend``).

    Declared here, by the commands that need it, so this module does not import the backend
    that imports it.
    """

    store: ConversationStore
    limits: Limits
    factory: ConversationFactory
    engine: Engine

    @property
    def queues(self) -> QueueCommands: ...

    def now(self) -> datetime: ...

    def conversation(
        self, conversation_id: str, code: str | None = None, field: str | None = None
    ) -> Conversation: ...

    def put(self, conversations: Iterable[Conversation]) -> None: ...

    def apply(self, conversation: Conversation, kind: str, at: datetime) -> Conversation: ...

    def new_round(
        self, conversation: Conversation, command: CreateCallbackOnConversationCommand, at: datetime
    ) -> Conversation: ...

    def new_id(self) -> str: ...


class ParticipantCommands:
    """The participant-level commands of one backend."""

    def __init__(self, backend: Host) -> None:
        self._backend = backend

    def _edit(
        self,
        conversation_id: str,
        edit: Callable[[Conversation, datetime], Conversation],
        missing: str | None = None,
    ) -> Conversation:
        """``edit`` of the stored conversation, stored; an unknown one is a 404 with the route's
        ``missing`` code (``not.found`` if None)."""
        backend = self._backend
        with backend.store.transaction():
            conversation = edit(backend.conversation(conversation_id, missing), backend.now())
            backend.put([conversation])
        return conversation

    # PATCH .../participants/{participantId} and .../communications/{communicationId}

    def update(self, conversation_id: str, participant_id: str, request: MediaParticipantRequest) -> None:
        """Answer (state connected), decline or hang up (disconnected), wrap up or skip wrap-up."""
        for name in _UNSUPPORTED:
            if getattr(request, name) is not None:
                raise _update_invalid(f"$.{camel(name)}", f"{camel(name)} is not supported by the mock.")
        self._backend.limits.check_texts(request)  # a wrap-up's notes are stored

        def update(conversation: Conversation, at: datetime) -> Conversation:
            participant = _participant(conversation, participant_id)
            if request.state is not None:
                conversation = self._change_state(conversation, participant, request.state, at)
            if request.wrapup is not None:
                conversation = _wrap_up(conversation, participant_id, request.wrapup, at)
            if request.wrapup_skipped:
                conversation = step_edits.wrapup_skipped(conversation, participant_id, at)
            return conversation

        updated = self._edit(conversation_id, update)
        if request.wrapup is not None or request.wrapup_skipped:
            self._released(updated, participant_id)

    def _released(self, conversation: Conversation, participant_id: str) -> None:
        """An agent who wrapped up is free for the ACD again (``IDLE``), and offered what waits."""
        participant = _participant(conversation, participant_id)
        if participant.purpose == "agent" and participant.user_id is not None:
            self._backend.engine.released(participant.user_id)

    def update_communication(
        self,
        conversation_id: str,
        participant_id: str,
        communication_id: str,
        request: MediaParticipantRequest,
    ) -> None:
        """Disconnect one communication (its callback): the only change the API takes here."""
        if request.state is not MediaParticipantState.DISCONNECTED:
            raise ApiError.invalid(
                "communication.state.required",
                "$.state",
                "Can only update a communication's state to disconnected.",
            )

        def update(conversation: Conversation, at: datetime) -> Conversation:
            participant = _participant(conversation, participant_id)
            _communication(participant, communication_id)
            return self._change_state(
                conversation, participant, request.state or MediaParticipantState.DISCONNECTED, at
            )

        self._edit(conversation_id, update)

    def _change_state(
        self, conversation: Conversation, participant: Participant, state: MediaParticipantState, at: datetime
    ) -> Conversation:
        callback = (participant.callbacks or ())[0]
        agent = participant.purpose == "agent"
        apply = self._backend.apply
        if state not in _STATES:
            taken = " or ".join(state.value for state in _STATES)
            raise _update_invalid("$.state", f"$.state must be {taken}; got {state.value!r}.")
        if state is MediaParticipantState.CONNECTED:
            if not agent or callback.state is not CallbackState.ALERTING:
                raise ApiError.invalid(
                    "callback.error.answer.not.alerting", "$.state", "Only alerting calls can be answered."
                )
            return apply(conversation, "answer", at)
        if callback.state in _ENDED:
            raise ApiError.invalid(
                "conversation.error.participant.no.active.conversations",
                "$.state",
                "The participant has no active communication to disconnect.",
            )
        if agent and callback.state is CallbackState.ALERTING:
            return apply(conversation, "decline", at)
        if agent and callback.state is CallbackState.CONNECTED:
            return apply(conversation, "hang_up", at)
        return edits.disconnected(conversation, callback.id or "", at)

    # The whole conversation

    def disconnect(self, conversation_id: str, state: MediaParticipantState | None) -> Conversation:
        """PATCH .../callbacks/{id} ``{"state": "disconnected"}``: every live leg ends now."""
        if state is not MediaParticipantState.DISCONNECTED:
            raise ApiError.invalid(
                "invalid.value",
                "$.state",
                "On update, 'disconnected' will disconnect the conversation. No other values are valid.",
            )

        def disconnect(conversation: Conversation, at: datetime) -> Conversation:
            if conversation.end_time is not None:
                raise ApiError.invalid(
                    "conversation.error.conversation.disconnected",
                    "$.state",
                    "The conversation is already disconnected.",
                )
            for participant in conversation.participants or ():
                callback = (participant.callbacks or (None,))[0]
                if callback is None or callback.state in _ENDED:
                    continue
                if participant.purpose == "agent" and callback.state is CallbackState.CONNECTED:
                    conversation = self._backend.apply(conversation, "hang_up", at)
                else:
                    conversation = edits.disconnected(conversation, callback.id or "", at)
            return step_edits.ended_if_over(conversation, at)

        return self._edit(conversation_id, disconnect, CONVERSATION_NOT_FOUND)

    def set_recording_state(self, conversation_id: str, state: RecordingState) -> RecordingState:
        def record(conversation: Conversation, at: datetime) -> Conversation:
            if conversation.end_time is not None:
                raise ApiError.invalid(
                    "conversation.error.conversation.disconnected",
                    "$.recordingState",
                    "The conversation is disconnected: its recording cannot change.",
                )
            return attrs.evolve(conversation, recording_state=state)

        self._edit(conversation_id, record)
        return state

    # Wrap-up

    def wrap_up(
        self, conversation_id: str, participant_id: str, communication_id: str, wrapup: WrapupInput
    ) -> None:
        """POST .../communications/{communicationId}/wrapup."""
        self._backend.limits.check_texts(wrapup)

        def wrap(conversation: Conversation, at: datetime) -> Conversation:
            _communication(_participant(conversation, participant_id), communication_id)
            return _wrap_up(conversation, participant_id, wrapup, at)

        self._released(self._edit(conversation_id, wrap), participant_id)

    def assigned_wrapup(
        self, conversation_id: str, participant_id: str, communication_id: str | None, provisional: bool
    ) -> AssignedWrapupCode:
        """The wrap-up assigned to the participant (or one communication); empty if none (yet)."""
        participant = _participant(self._backend.conversation(conversation_id), participant_id)
        callback = (
            _communication(participant, communication_id)
            if communication_id
            else (participant.callbacks or ())[0]
        )
        wrapup = callback.wrapup or participant.wrapup
        if wrapup is None or bool(wrapup.provisional) != provisional:
            return AssignedWrapupCode()
        return AssignedWrapupCode(
            code=wrapup.code,
            notes=wrapup.notes,
            tags=wrapup.tags,
            duration_seconds=wrapup.duration_seconds,
            end_time=wrapup.end_time,
        )

    def wrapup_codes(self, conversation_id: str, participant_id: str) -> list[WrapupCode]:
        """The wrap-up codes the participant's queue offers: the organisation's."""
        _participant(self._backend.conversation(conversation_id), participant_id)
        return [
            WrapupCode(id=code, name=name, self_uri=f"/api/v2/routing/wrapupcodes/{code}")
            for code, name in self._backend.factory.org.wrapups
        ]

    # Attributes

    def set_attributes(
        self, conversation_id: str, participant_id: str, attributes: dict[str, str]
    ) -> dict[str, str]:
        """Merge ``attributes`` into the participant's; the participant's attributes after."""
        limits = self._backend.limits
        limits.check_texts({"attributes": attributes})
        merged: dict[str, str] = {}

        def update(conversation: Conversation, at: datetime) -> Conversation:
            participant = _participant(conversation, participant_id, need_callback=False)
            merged.update({**(participant.attributes or {}), **attributes})
            limits.check_attributes(merged, "$.attributes")
            changed = attrs.evolve(participant, attributes=dict(merged))
            return edits.with_participants(conversation, lambda p: changed if p.id == participant_id else p)

        self._edit(conversation_id, update)
        return merged

    # Transfers

    def transfer(self, conversation_id: str, participant_id: str, request: TransferRequest) -> None:
        """POST .../participants/{pid}/replace: the connected agent hands the callback to a user or a queue.

        To a user, it is offered to them at once; to a queue, it goes back to be offered again
        (``offerDelaySeconds`` later). The address may name either: an agent of the organisation's
        is a user, anything else a queue.
        """
        backend = self._backend
        backend.limits.check_texts(request)  # a user's name is stored
        agents = dict(backend.factory.org.agents)
        user_id = request.user_id or (request.address if request.address in agents else None)
        queue_id = request.queue_id or (request.address if request.address not in agents else None)
        if bool(user_id) == bool(queue_id):
            raise ApiError.invalid(
                "callback.error.user.id.queue.id",
                "$.userId",
                "In destination, exactly one of userId or queueId is required.",
            )

        def transfer(conversation: Conversation, at: datetime) -> Conversation:
            participant = _participant(conversation, participant_id)
            callback = (participant.callbacks or ())[0]
            if participant.purpose != "agent" or callback.state is not CallbackState.CONNECTED:
                raise ApiError.invalid(
                    "callback.error.transfer.not.connected",
                    "$",
                    "Only connected participants can be transferred",
                )
            if queue_id is not None:  # the one code the route's error list has for it; inferred
                path = "$.queueId" if request.queue_id else "$.address"
                backend.queues.routed(queue_id, code=TRANSFER_QUEUE_CODE, path=path)
            if user_id is not None and user_id == participant.user_id:
                raise ApiError.invalid(
                    "conversations.error.transfer.same.party",
                    "$.userId",
                    "The transfer target is the participant itself.",
                )
            handed = step_edits.transferred(conversation, participant_id, at)
            if user_id is None:
                return handed  # back to the queue: the engine offers it again
            user = (user_id, request.user_name or agents.get(user_id, user_id))
            try:
                return lifecycle.offered_to(handed, user, at, backend.engine.settings, backend.factory)
            except lifecycle.StepError as error:
                raise ApiError.invalid("invalid.value", "$", str(error)) from None

        self._edit(conversation_id, transfer)

    # Calls and new callbacks

    def place_call(self, conversation_id: str, command: CallCommand) -> Conversation:
        """POST /api/v2/conversations/calls/{id}: the connected agent calls the customer back."""
        if not E164.fullmatch(command.call_number):
            raise ApiError.invalid(
                "callback.error.parse.call.number",
                "$.callNumber",
                f"$.callNumber must be an E.164 number such as '+14155550123'; got {command.call_number!r}.",
            )

        def call(conversation: Conversation, at: datetime) -> Conversation:
            agent = next(
                (
                    p
                    for p in conversation.participants or ()
                    if p.purpose == "agent"
                    and p.callbacks
                    and p.callbacks[0].state is CallbackState.CONNECTED
                ),
                None,
            )
            if agent is None:
                raise ApiError.invalid(
                    "conversation.error.participant.no.active.conversations",
                    "$",
                    "A call can be placed only by an agent connected to the callback.",
                )
            return _with_call(conversation, agent, command.call_number, self._backend.new_id, at)

        return self._edit(conversation_id, call)

    def schedule_callback(
        self,
        conversation_id: str,
        participant_id: str,
        command: CreateCallbackOnConversationCommand | None,
    ) -> None:
        """POST /api/v2/conversations/{id}/participants/{pid}/callbacks: a new callback, same conversation.

        The body is optional: without one the new callback is the last one again (its numbers,
        queue, name, script, caller id and data), placed at once.
        """

        def schedule(conversation: Conversation, at: datetime) -> Conversation:
            participant = _participant(conversation, participant_id, need_callback=False)
            if participant.purpose == "acd":
                raise ApiError.invalid(
                    "conversation.error.cannot.callback.acd",
                    "$",
                    "Cannot create a callback for an ACD participant.",
                )
            live = [cb for cb in edits.callbacks(conversation) if cb.state not in _ENDED]
            if any(cb.state is CallbackState.SCHEDULED for cb in live):
                raise ApiError.invalid(
                    "callback.error.scheduled.callback.already.exists",
                    "$",
                    "A callback is already scheduled on this conversation.",
                )
            if live:
                raise ApiError.invalid(
                    "callback.error.callback.already.being.routed",
                    "$",
                    "A callback is already in the process of being routed on this conversation.",
                )
            return self._backend.new_round(conversation, command or _again(conversation), at)

        self._edit(conversation_id, schedule, CONVERSATION_NOT_FOUND)


def _again(conversation: Conversation) -> CreateCallbackOnConversationCommand:
    """The command that makes the conversation's last callback again, placed at once."""
    customer = next(
        p for p in reversed(conversation.participants or ()) if p.purpose == "customer" and p.callbacks
    )
    callback = (customer.callbacks or ())[0]
    acd = next(
        (
            p
            for p in conversation.participants or ()
            if p.purpose == "acd" and p.callbacks and p.callbacks[0].peer_id == callback.id
        ),
        None,
    )
    return CreateCallbackOnConversationCommand(
        callback_numbers=callback.callback_numbers or (),
        queue_id=acd.queue_id if acd is not None else customer.queue_id,
        callback_user_name=callback.callback_user_name,
        script_id=callback.script_id,
        caller_id=callback.caller_id,
        caller_id_name=callback.caller_id_name,
        data=dict(customer.attributes or {}),
    )


def _participant(
    conversation: Conversation, participant_id: str, *, need_callback: bool = True
) -> Participant:
    participant = next((p for p in conversation.participants or () if p.id == participant_id), None)
    if participant is None or (need_callback and not participant.callbacks):
        raise ApiError(
            404,
            "conversation.error.not.conversation.participant",
            "User is not a participant in the conversation.",
            details=(
                Detail(
                    error_code="conversation.error.not.conversation.participant", entity_id=participant_id
                ),
            ),
            entity_id=participant_id,
        )
    return participant


def _communication(participant: Participant, communication_id: str) -> Callback:
    for callback in participant.callbacks or ():
        if callback.id == communication_id:
            return callback
    raise ApiError(
        404,
        "conversation.error.communication.not.found",
        "Communication could not be found.",
        entity_id=communication_id,
    )


def _wrap_up(
    conversation: Conversation, participant_id: str, wrapup: WrapupInput, at: datetime
) -> Conversation:
    """The participant's wrap-up: final (after-call work complete) or provisional (kept as such)."""
    callback = (_participant(conversation, participant_id).callbacks or ())[0]
    if callback.state not in _ENDED or callback.connected_time is None:
        raise _update_invalid(
            "$.wrapup", "Only a participant whose answered callback has ended can be wrapped up."
        )
    code = Wrapup(code=wrapup.code, name=wrapup.name, notes=wrapup.notes, tags=wrapup.tags)
    if wrapup.provisional:
        provisional = attrs.evolve(callback, wrapup=attrs.evolve(code, provisional=True))
        return edits.with_callback(conversation, participant_id, provisional) or conversation
    return step_edits.wrapped_up(conversation, participant_id, code, at)


def _with_call(
    conversation: Conversation, agent: Participant, number: str, new_id: Callable[[], str], at: datetime
) -> Conversation:
    """The agent's outbound call to ``number``, and the party it reached, both connected at ``at``."""
    agent_call, their_call = new_id(), new_id()

    def call(call_id: str, peer: str) -> Call:
        return Call(
            state=CallState.CONNECTED,
            id=call_id,
            direction=Direction.OUTBOUND,
            held=False,
            segments=(Segment(start_time=at, type="Interact"),),
            connected_time=at,
            provider="Edge",
            peer_id=peer,
        )

    dialled = Participant(
        id=new_id(),
        start_time=at,
        connected_time=at,
        name=number,
        purpose="external",
        address=number,
        attributes=agent.attributes,
        **empty_media(Participant),
    )
    dialled = attrs.evolve(dialled, calls=(call(their_call, agent_call),))
    calling = attrs.evolve(agent, calls=(*(agent.calls or ()), call(agent_call, their_call)))
    updated = edits.with_participants(conversation, lambda p: calling if p.id == agent.id else p)
    return attrs.evolve(updated, participants=(*(updated.participants or ()), dialled))


def _update_invalid(path: str, message: str) -> ApiError:
    return ApiError.invalid("conversation.participant.update.invalid", path, message)
