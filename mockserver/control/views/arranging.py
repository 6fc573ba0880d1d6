"""The control API's views that arrange data: reset, seed, list every active conversation, put exact
conversations, callbacks and queues.

Views only: the bodies are ``models``, their rules ``rules``, the state and its rules the backend's.
"""

from __future__ import annotations

import attrs
from flask import Blueprint, Response, request

from contracts import Callback, Conversation, ConversationEntityListing, Queue, QueueFields
from factories import ConversationFactory
from mockserver.control.models import QueueSetup, SeededConversations, SeedRequest
from mockserver.control.route_table import ControlRoutes
from mockserver.control.rules import check_same_id, check_traits
from mockserver.control.views.shared import control_view, decode_checked
from mockserver.state import paging
from mockserver.web.current import backend
from mockserver.web.openapi import PAGING, QueryParameter
from mockserver.web.wire import decode_body, json_response, listing_json, raw_json

bp = Blueprint("control_arranging", __name__)


@control_view(
    bp,
    ControlRoutes.RESET,
    summary="Back to the seeded dataset; clear the journal, faults and rate limit",
    operation_id="adminReset",
    responses={204: None},
)
def reset() -> Response:
    backend().reset()
    return Response(status=204)


@control_view(
    bp,
    ControlRoutes.SEED,
    summary="Generate more conversations into the current data",
    operation_id="adminSeed",
    request=SeedRequest,
    responses={201: SeededConversations},
)
def seed() -> Response:
    wanted: SeedRequest = decode_checked(SeedRequest)
    check_traits(wanted.traits or (), ConversationFactory.traits)
    ids, seed = backend().seed(wanted.count, wanted.traits or ConversationFactory.traits, wanted.seed)
    return json_response(SeededConversations(conversation_ids=tuple(ids), seed=seed), 201)


@control_view(
    bp,
    ControlRoutes.CONVERSATIONS,
    summary="A page of the active conversations, every user's (or one user's), in the order they became active",
    operation_id="adminConversations",
    responses={200: ConversationEntityListing},
    query=(
        *PAGING,
        QueryParameter("userId", "Only those with a participant of this user id.", {"type": "string"}),
    ),
    errors=(400,),
)
def conversations() -> Response:
    """What ``GET /api/v2/conversations`` answers a user, for every user at once: a user's token
    lists only that user's conversations, and a client's none."""
    size, number = paging.page_size(request.args), paging.page_number(request.args)
    user_id = request.args.get("userId")
    total, page = backend().active((number - 1) * size, number * size, user_id=user_id)
    listing = ConversationEntityListing(
        entities=(), **paging.links(request.path, page_size=size, page_number=number, total=total)
    )
    return raw_json(listing_json(listing, [entry.body for entry in page]))


@control_view(
    bp,
    ControlRoutes.PUT_CONVERSATION,
    summary="Store this exact conversation (replacing one with its id)",
    operation_id="adminPutConversation",
    request=Conversation,
    responses={200: Conversation, 201: Conversation},
    errors=(409,),
)
def put_conversation(conversation_id: str) -> Response:
    conversation: Conversation = decode_body(Conversation)
    check_same_id(conversation.id, conversation_id, "$.id")
    conversation = attrs.evolve(conversation, id=conversation_id)
    existed = backend().put_conversation(conversation)
    return json_response(conversation, 200 if existed else 201)


@control_view(
    bp,
    ControlRoutes.DELETE_CONVERSATION,
    summary="Remove a stored conversation and its planned step (a reset brings back a seeded one)",
    operation_id="adminDeleteConversation",
    responses={204: None},
    errors=(404,),
)
def delete_conversation(conversation_id: str) -> Response:
    backend().delete_conversation(conversation_id)
    return Response(status=204)


@control_view(
    bp,
    ControlRoutes.PUT_CALLBACK,
    summary="Store this exact callback in a participant of a stored conversation",
    operation_id="adminPutCallback",
    request=Callback,
    responses={200: Conversation},
    errors=(409,),
)
def put_callback(conversation_id: str, participant_id: str, callback_id: str) -> Response:
    callback: Callback = decode_body(Callback)
    check_same_id(callback.id, callback_id, "$.id")
    callback = attrs.evolve(callback, id=callback_id)
    return json_response(backend().put_callback(conversation_id, participant_id, callback))


@control_view(
    bp,
    ControlRoutes.REPLACE_CALLBACK,
    summary="Store this exact callback in place of the stored callback with its id, wherever it is",
    operation_id="adminReplaceCallback",
    request=Callback,
    responses={200: Conversation},
    errors=(404, 409),
)
def replace_callback(callback_id: str) -> Response:
    callback: Callback = decode_body(Callback)
    check_same_id(callback.id, callback_id, "$.id")
    return json_response(backend().replace_callback(attrs.evolve(callback, id=callback_id)))


@control_view(
    bp,
    ControlRoutes.PUT_QUEUE,
    summary="Store this queue under this id, with these members (replacing a queue with its id)",
    operation_id="adminPutQueue",
    request=QueueSetup,
    narrowing={"required": ["name"], "properties": {"name": {"minLength": 1}}},  # the API's queue rule
    responses={200: Queue, 201: Queue},
    errors=(404, 409),
)
def put_queue(queue_id: str) -> Response:
    setup: QueueSetup = decode_checked(QueueSetup)
    check_same_id(setup.id, queue_id, "$.id")
    fields = QueueFields(**{field.name: getattr(setup, field.name) for field in attrs.fields(QueueFields)})
    queue, created = backend().queues.put(queue_id, fields, setup.members, exclusive=setup.exclusive)
    return json_response(queue, 201 if created else 200)
