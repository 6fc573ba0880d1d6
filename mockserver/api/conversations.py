"""``/api/v2/conversations``: one conversation, and the paged listing."""

from __future__ import annotations

from flask import Blueprint, Response, request

from contracts import (
    CallCommand,
    Conversation,
    ConversationEntityListing,
    CreateCallbackOnConversationCommand,
)
from mockserver.api.callbacks import decode_command, require_queue, with_numbers
from mockserver.notifications import users
from mockserver.state import paging
from mockserver.web.auth import principal
from mockserver.web.current import backend
from mockserver.web.openapi import PAGING, QueryParameter, operation
from mockserver.web.wire import decode_body, json_response, listing_json, raw_json

bp = Blueprint("conversations", __name__, url_prefix="/api/v2/conversations")


@bp.get("/<conversation_id>")
@operation(
    summary="Get a conversation",
    operation_id="getConversation",
    tag="Conversations",
    responses={200: Conversation},
)
def get_conversation(conversation_id: str) -> Response:
    return raw_json(backend().body(conversation_id))


@bp.post("/calls/<conversation_id>")
@operation(
    summary="Place a new call as part of a callback conversation",
    operation_id="postConversationsCall",
    tag="Conversations",
    request=CallCommand,
    responses={200: Conversation},
    codes={
        400: (
            "callback.error.parse.call.number",
            "conversation.error.participant.no.active.conversations",
            "not.a.user",
        )
    },
)
def place_call(conversation_id: str) -> Response:
    users.require_user(principal())  # a call is placed by a user's station: a client has none
    command: CallCommand = decode_body(CallCommand)
    return json_response(backend().participants.place_call(conversation_id, command))


@bp.post("/<conversation_id>/participants/<participant_id>/callbacks")
@operation(
    summary="Create a new callback for the specified participant on the conversation",
    operation_id="postConversationParticipantCallbacks",
    tag="Conversations",
    request=CreateCallbackOnConversationCommand,
    optional_body=True,
    responses={201: None},
    codes={
        400: (
            "conversation.error.cannot.callback.acd",
            "callback.error.scheduled.callback.already.exists",
            "callback.error.callback.already.being.routed",
            "callback.error.missing.callback.numbers",
            "callback.error.parse.call.number",
            "conversation.error.queue.required",  # no queue, or one the org does not have
            "callback.error.scheduled.callback.limit.exceeded",
            "callback.error.scheduled.callback.number.limit.exceeded",  # too many data attributes
        ),
        404: ("conversation.error.not.conversation.participant", "conversation.error.conversation.not.found"),
    },
)
def schedule_callback(conversation_id: str, participant_id: str) -> Response:
    command: CreateCallbackOnConversationCommand | None = None
    if request.get_data(cache=True):  # the body is optional: without one, the callback is made again
        command = with_numbers(decode_command(CreateCallbackOnConversationCommand))
        require_queue(command, "conversation.error.queue.required")
    backend().participants.schedule_callback(conversation_id, participant_id, command)
    return Response(status=201)


@bp.get("")
@operation(
    summary="Get active conversations for the logged in user",
    operation_id="getConversations",
    tag="Conversations",
    responses={200: ConversationEntityListing},
    errors=(400,),
    codes={400: ("not.a.user",)},
    query=(
        *PAGING,
        QueryParameter(
            "communicationType",
            "Only conversations with this media: Callback (every one here) or Call.",
            {"type": "string"},
        ),
    ),
)
def list_conversations() -> Response:
    """The caller's active conversations (those not ended): all at once, or a page at a time if asked.

    The caller's: those with a participant whose ``userId`` is the caller's, whatever its role
    (every user's only for a role naming the mock's own ``identity.ANY_CONVERSATION``); a
    client-credentials token has no user, and is answered 400 ``not.a.user``. The official SDKs send no paging
    parameters, and the real API answers them every active conversation of its caller; a client
    that asks for pages gets pages of ``pageSize`` (25 by default).
    """
    user = users.require_user(principal())
    calls = _calls_only(request.args.get("communicationType"))
    paged = "pageSize" in request.args or "pageNumber" in request.args
    size = paging.page_size(request.args) if paged else None
    number = paging.page_number(request.args)
    # Only the page is read; without paging that is every active conversation, as answered.
    start, stop = (0, None) if size is None else ((number - 1) * size, number * size)
    total, page = (
        (0, []) if calls is None else backend().active(start, stop, calls=calls, user_id=user.lists_for)
    )
    size = size or max(1, total)
    listing = ConversationEntityListing(
        entities=(),  # the page's stored bodies are spliced in below
        **paging.links(bp.url_prefix or "", page_size=size, page_number=number, total=total),
    )
    return raw_json(listing_json(listing, [entry.body for entry in page]))


def _calls_only(communication_type: str | None) -> bool | None:
    """Whether ``communication_type`` (case ignored) keeps only conversations holding a call;
    None when it names a media no conversation here has."""
    if communication_type is None:
        return False
    media = communication_type.lower().rstrip("s")
    if media == "callback":
        return False  # every conversation here is a callback conversation
    if media == "call":
        return True
    return None
