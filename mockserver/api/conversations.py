"""``/api/v2/conversations``: one conversation, and the paged listing."""

from __future__ import annotations

import math

from flask import Blueprint, Response, request

from contracts import (
    CallCommand,
    Conversation,
    ConversationEntityListing,
    CreateCallbackOnConversationCommand,
)
from mockserver.api.callbacks import require_numbers, require_queue
from mockserver.errors import ApiError
from mockserver.extension import backend
from mockserver.numbers import ascii_int
from mockserver.openapi import QueryParameter, operation
from mockserver.store import Entry
from mockserver.wire import decode_body, json_response, listing_json, raw_json

bp = Blueprint("conversations", __name__, url_prefix="/api/v2/conversations")

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
MAX_PAGE_NUMBER = 2**31 - 1  # the API's int32


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
)
def place_call(conversation_id: str) -> Response:
    command: CallCommand = decode_body(CallCommand)
    return json_response(backend().participants.place_call(conversation_id, command))


@bp.post("/<conversation_id>/participants/<participant_id>/callbacks")
@operation(
    summary="Create a new callback for the specified participant on the conversation",
    operation_id="postConversationParticipantCallbacks",
    tag="Conversations",
    request=CreateCallbackOnConversationCommand,
    responses={201: None},
)
def schedule_callback(conversation_id: str, participant_id: str) -> Response:
    command: CreateCallbackOnConversationCommand = decode_body(CreateCallbackOnConversationCommand)
    require_numbers(command.callback_numbers, command.caller_id)
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
    query=(
        QueryParameter("pageSize", "Page size.", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}),
        QueryParameter(
            "pageNumber",
            "Page number, from 1.",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_NUMBER},
        ),
        QueryParameter(
            "communicationType",
            "Only conversations with this media: Callback (every one here) or Call.",
            {"type": "string"},
        ),
    ),
)
def list_conversations() -> Response:
    """The caller's active conversations (those not ended): all at once, or a page at a time if asked.

    The official SDKs send no paging parameters, and the real API answers them every active
    conversation of its caller; a client that asks for pages gets pages of ``pageSize`` (25 by
    default).
    """
    active = _of_type(backend().active(), request.args.get("communicationType"))
    paged = "pageSize" in request.args or "pageNumber" in request.args
    size = _positive_int("pageSize", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE) if paged else max(1, len(active))
    number = _positive_int("pageNumber", 1, MAX_PAGE_NUMBER)
    count = max(1, math.ceil(len(active) / size))

    def uri(page: int) -> str:
        return f"{bp.url_prefix}?pageSize={size}&pageNumber={page}"

    listing = ConversationEntityListing(
        entities=(),  # the page's stored bodies are spliced in below
        page_size=size,
        page_number=number,
        total=len(active),
        page_count=count,
        first_uri=uri(1),
        self_uri=uri(number),
        last_uri=uri(count),
        next_uri=uri(number + 1) if number < count else None,
        previous_uri=uri(number - 1) if number > 1 else None,
    )
    page = active[(number - 1) * size : number * size]
    return raw_json(listing_json(listing, [entry.body for entry in page]))


def _of_type(entries: list[Entry], communication_type: str | None) -> list[Entry]:
    """The entries holding ``communication_type``'s media (case ignored); all for none given."""
    if communication_type is None:
        return entries
    media = communication_type.lower().rstrip("s")
    if media == "callback":
        return entries  # every conversation here is a callback conversation
    if media == "call":
        return [entry for entry in entries if entry.calls]
    return []


def _positive_int(name: str, default: int, maximum: int | None) -> int:
    text = request.args.get(name)
    if text is None:
        return default
    bound = f" and at most {maximum}" if maximum else ""
    value = ascii_int(text)
    if value is None or value < 1 or (maximum is not None and value > maximum):
        raise ApiError.invalid(
            "invalid.value", f"$.{name}", f"{name} must be an integer of at least 1{bound}; got {text!r}."
        )
    return value
