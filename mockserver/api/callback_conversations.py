"""``/api/v2/conversations/callbacks/{conversationId}``: a callback conversation and its participants.

The callback-only view (``CallbackConversation``), and what an agent's client does to its
participants: answer, decline or hang up, wrap up, attributes, communications, the recording.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from contracts import (
    AssignedWrapupCode,
    CallbackConversation,
    CallbackConversationEntityListing,
    Conversation,
    Empty,
    MediaParticipantRequest,
    ParticipantAttributes,
    RecordingState,
    SetRecordingState,
    TransferRequest,
    WrapupCode,
    WrapupInput,
)
from mockserver.notifications import users
from mockserver.state import identity, projections
from mockserver.state.errors import ApiError
from mockserver.state.participants import DISCONNECT_ONLY, PARTICIPANT_UPDATE
from mockserver.web.auth import principal
from mockserver.web.current import backend
from mockserver.web.openapi import QueryParameter, operation
from mockserver.web.wire import decode_body, decode_optional_body, json_response, raw_json

bp = Blueprint("callback_conversations", __name__, url_prefix="/api/v2/conversations/callbacks")

PARTICIPANT = "/<conversation_id>/participants/<participant_id>"
COMMUNICATION = PARTICIPANT + "/communications/<communication_id>"
_PROVISIONAL = QueryParameter(
    "provisional", "Whether to read the provisional wrap-up rather than the final one.", {"type": "boolean"}
)


@bp.get("")
@operation(
    summary="Get the logged-in user's active conversations and their Callback participants state",
    operation_id="getConversationsCallbacks",
    tag="Conversations",
    responses={200: CallbackConversationEntityListing},
    codes={400: ("not.a.user",)},
)
def list_callback_conversations() -> Response:
    """Every active conversation of the caller at once (as ``GET /conversations`` finds them; a
    client-credentials token: 400 ``not.a.user``): the route takes no paging, as the real one."""
    user = users.require_user(principal())
    _total, entries = backend().active(user_id=user.lists_for)
    active = [entry.conversation for entry in entries]
    listing = projections.callback_conversation_listing(
        active, page_size=max(1, len(active)), page_number=1, total=len(active)
    )
    return json_response(listing)


@bp.get("/<conversation_id>")
@operation(
    summary="Get callback conversation",
    operation_id="getConversationsCallback",
    tag="Conversations",
    responses={200: CallbackConversation},
    codes={404: ("conversation.error.conversation.not.found",)},
)
def get_callback_conversation(conversation_id: str) -> Response:
    return json_response(projections.callback_conversation(backend().callback_conversation(conversation_id)))


@bp.patch("/<conversation_id>")
@operation(
    summary="Update a conversation by disconnecting all of the participants",
    operation_id="patchConversationsCallback",
    tag="Conversations",
    request=Conversation,
    narrowing=DISCONNECT_ONLY,
    responses={200: Conversation},
    codes={
        400: ("conversation.error.conversation.disconnected",),
        404: ("conversation.error.conversation.not.found",),
    },
)
def disconnect_conversation(conversation_id: str) -> Response:
    body: Conversation = decode_body(Conversation)
    return json_response(backend().participants.disconnect(conversation_id, body.state))


def _own(conversation_id: str, participant_id: str) -> None:
    """Refuse a caller acting on another user's participant, as Genesys does.

    A user may change a participant that is no user's (the customer's, the acd's) or its own;
    another user's participant (an agent answering the offer made to someone else) is 404
    ``conversation.error.not.conversation.participant``. A user holding the mock's own
    ``identity.ANY_PARTICIPANT`` (the admin role names it, so the default role) acts on any participant, and
    an OAuth client as before (the
    description lists no user-context code for these routes). An unknown conversation or
    participant is left to the command's own 404.
    """
    caller = principal()
    if not caller.is_user or caller.holds(identity.ANY_PARTICIPANT):
        return
    entry = backend().find_entry(conversation_id)
    if entry is None:
        return
    target = next((p for p in entry.conversation.participants or () if p.id == participant_id), None)
    if target is not None and target.user_id is not None and target.user_id != caller.id:
        raise ApiError(
            404,
            "conversation.error.not.conversation.participant",
            "User is not a participant in the conversation.",
            entity_id=participant_id,
        )


@bp.patch(PARTICIPANT)
@operation(
    summary="Update conversation participant",
    operation_id="patchConversationsCallbackParticipant",
    tag="Conversations",
    request=MediaParticipantRequest,
    narrowing=PARTICIPANT_UPDATE,
    responses={202: None},
    codes={
        400: (
            "conversation.participant.update.invalid",
            "callback.error.answer.not.alerting",
            "conversation.error.participant.no.active.conversations",
        ),
        404: ("conversation.error.not.conversation.participant",),
    },
)
def update_participant(conversation_id: str, participant_id: str) -> Response:
    body: MediaParticipantRequest = decode_body(MediaParticipantRequest)
    _own(conversation_id, participant_id)
    backend().participants.update(conversation_id, participant_id, body)
    return Response(status=202)


@bp.patch(PARTICIPANT + "/attributes")
@operation(
    summary="Update the attributes on a conversation participant",
    operation_id="patchConversationsCallbackParticipantAttributes",
    tag="Conversations",
    request=ParticipantAttributes,
    responses={202: ParticipantAttributes},
    codes={
        400: ("callback.error.scheduled.callback.number.limit.exceeded",),  # too many attributes
        404: ("conversation.error.not.conversation.participant",),
    },
)
def update_attributes(conversation_id: str, participant_id: str) -> Response:
    body: ParticipantAttributes = decode_body(ParticipantAttributes)
    merged = backend().participants.set_attributes(conversation_id, participant_id, body.attributes or {})
    return json_response(ParticipantAttributes(attributes=merged), 202)


@bp.patch(COMMUNICATION)
@operation(
    summary="Update conversation participant's communication by disconnecting it",
    operation_id="patchConversationsCallbackParticipantCommunication",
    tag="Conversations",
    request=MediaParticipantRequest,
    narrowing=DISCONNECT_ONLY,
    responses={200: Empty},
    codes={
        400: (
            "communication.state.required",
            "conversation.participant.update.invalid",
            "conversation.error.participant.no.active.conversations",
        ),
        404: (
            "conversation.error.not.conversation.participant",
            "conversation.error.communication.not.found",
        ),
    },
)
def update_communication(conversation_id: str, participant_id: str, communication_id: str) -> Response:
    _own(conversation_id, participant_id)
    body: MediaParticipantRequest = decode_body(MediaParticipantRequest)
    backend().participants.update_communication(conversation_id, participant_id, communication_id, body)
    return json_response(Empty())


@bp.get(PARTICIPANT + "/wrapup")
@operation(
    summary="Get the wrap-up for this conversation participant",
    operation_id="getConversationsCallbackParticipantWrapup",
    tag="Conversations",
    responses={200: AssignedWrapupCode},
    query=(_PROVISIONAL,),
    errors=(400,),
    codes={404: ("conversation.error.not.conversation.participant",)},
)
def participant_wrapup(conversation_id: str, participant_id: str) -> Response:
    wrapup = backend().participants.assigned_wrapup(conversation_id, participant_id, None, _provisional())
    return json_response(wrapup)


@bp.get(COMMUNICATION + "/wrapup")
@operation(
    summary="Get the wrap-up for this conversation communication",
    operation_id="getConversationsCallbackParticipantCommunicationWrapup",
    tag="Conversations",
    responses={200: AssignedWrapupCode},
    query=(_PROVISIONAL,),
    errors=(400,),
    codes={
        404: ("conversation.error.not.conversation.participant", "conversation.error.communication.not.found")
    },
)
def communication_wrapup(conversation_id: str, participant_id: str, communication_id: str) -> Response:
    participants = backend().participants
    return json_response(
        participants.assigned_wrapup(conversation_id, participant_id, communication_id, _provisional())
    )


@bp.post(COMMUNICATION + "/wrapup")
@operation(
    summary="Apply wrap-up for this conversation communication",
    operation_id="postConversationsCallbackParticipantCommunicationWrapup",
    tag="Conversations",
    request=WrapupInput,
    optional_body=True,
    responses={202: None},
    codes={
        400: ("conversation.participant.update.invalid",),
        404: (
            "conversation.error.not.conversation.participant",
            "conversation.error.communication.not.found",
        ),
    },
)
def wrap_up(conversation_id: str, participant_id: str, communication_id: str) -> Response:
    body = decode_optional_body(WrapupInput) or WrapupInput()  # none: after-call work ends, uncoded
    backend().participants.wrap_up(conversation_id, participant_id, communication_id, body)
    return Response(status=202)


@bp.get(PARTICIPANT + "/wrapupcodes")
@operation(
    summary="Get list of wrapup codes for this conversation participant",
    operation_id="getConversationsCallbackParticipantWrapupcodes",
    tag="Conversations",
    responses={200: tuple[WrapupCode, ...]},
    codes={404: ("conversation.error.not.conversation.participant",)},
)
def wrapup_codes(conversation_id: str, participant_id: str) -> Response:
    codes = backend().participants.wrapup_codes(conversation_id, participant_id)
    return json_response(codes)


@bp.post(PARTICIPANT + "/replace")
@operation(
    summary="Replace this participant with the specified user and/or address",
    operation_id="postConversationsCallbackParticipantReplace",
    tag="Conversations",
    request=TransferRequest,
    responses={202: None},
    codes={
        400: (
            "callback.error.user.id.queue.id",
            "callback.error.transfer.not.connected",
            "conversations.error.transfer.same.party",
            "conversations.error.queue.not.found",
        ),
        404: ("conversation.error.not.conversation.participant",),
    },
)
def replace_participant(conversation_id: str, participant_id: str) -> Response:
    body: TransferRequest = decode_body(TransferRequest)
    backend().participants.transfer(conversation_id, participant_id, body)
    return Response(status=202)


@bp.put("/<conversation_id>/recordingstate")
@operation(
    summary="Update a conversation by setting its recording state",
    operation_id="putConversationsCallbackRecordingstate",
    tag="Conversations",
    request=SetRecordingState,
    responses={200: RecordingState},
    codes={400: ("conversation.error.conversation.disconnected",)},
)
def set_recording_state(conversation_id: str) -> Response:
    body: SetRecordingState = decode_body(SetRecordingState)
    if body.recording_state is None:  # its class declares it needed (one_of_required): the document says so
        raise ApiError.invalid("constraint.validation", "$.recordingState", "recordingState is required.")
    state = backend().participants.set_recording_state(conversation_id, body.recording_state)
    return raw_json(f'"{state.value}"')


def _provisional() -> bool:
    text = request.args.get("provisional", "false")
    if text not in ("true", "false"):
        raise ApiError.invalid(
            "invalid.value", "$.provisional", f"provisional must be true or false; got {text!r}."
        )
    return text == "true"
