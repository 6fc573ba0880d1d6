"""The topics served, how a topic name is checked, and which topics a conversation's change matches.

Four topics carry callback conversations (reference A6). A change matches:

- ``v2.users.{userId}.conversations[.callbacks]`` for each user on the conversation: every
  participant with a ``userId`` (the agents offered or connected). The customer and acd legs have
  no user and notify no user topic, as the real service has no user for them.
- ``v2.routing.queues.{queueId}.conversations[.callbacks]`` for each queue a participant came in
  on (``queueId`` of any leg: the acd leg's queue, and an agent's).

The analytics detail events (reference A, D) are topics of one conversation each:
``v2.detail.events.conversation.{conversationId}.customer.start`` and its kin (``DETAIL_KINDS``),
pushed as ``DetailEvents`` publishes them (``Channels.on_detail``). The SDK's notification mappings
name them with ``{id}`` only; no wildcard form is documented for the notification service, so none
is accepted (``*`` in place of the id is an unknown topic).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from contracts import (
    DETAIL_EVENT_MODELS,
    AvailableTopic,
    Conversation,
    PermissionDetails,
    PermissionType,
    TopicVisibility,
)

GENERIC = "conversations"
CALLBACKS = "conversations.callbacks"
# A topic name: its family's prefix, an id segment (no dots), then which body it carries.
_TOPIC = re.compile(r"v2\.(users|routing\.queues)\.([^.\s?&]+)\.(conversations|conversations\.callbacks)")
MAX_TOPICS = 1000  # per channel (reference A2)
DETAIL = "detail"  # the body kind of a detail-event topic
DETAIL_KINDS = (
    "customer.start",
    "customer.end",
    "acd.start",
    "acd.end",
    "user.start",
    "user.end",
    "acw",
    "wrapup",
    "attributes",
)
_DETAIL_TOPIC = re.compile(
    r"v2\.detail\.events\.conversation\.([0-9A-Za-z-]+)\.("
    + "|".join(re.escape(k) for k in DETAIL_KINDS)
    + ")"
)
DETAIL_MODEL_NAMES = {kind: DETAIL_EVENT_MODELS[kind].__name__ for kind in DETAIL_KINDS}
# What a detail-event topic requires (inferred: the analytics detail view permission).
DETAIL_PERMISSION = "analytics:conversationDetail:view"
# Either, anchored for any JSON Schema engine ("(?!\n)": a Python "$" also matches before a final newline).
TOPIC_PATTERN = rf"^(?:{_TOPIC.pattern}|{_DETAIL_TOPIC.pattern})$(?!\n)"

TEMPLATES = {
    "v2.users.{id}.conversations": ("ConversationEventTopicConversation", "a user's conversations"),
    "v2.users.{id}.conversations.callbacks": (
        "ConversationCallbackEventTopicCallbackConversation",
        "a user's callback conversations, their participants flattened",
    ),
    "v2.routing.queues.{id}.conversations": (
        "QueueConversationEventTopicConversation",
        "a queue's conversations",
    ),
    "v2.routing.queues.{id}.conversations.callbacks": (
        "QueueConversationCallbackEventTopicCallbackConversation",
        "a queue's callback conversations, their participants flattened",
    ),
}


# What a queue's topics require (inferred: no public copy of the callback topics' permissions); a
# user's topics require the current user (the caller is that user), as ``available`` says.
QUEUE_PERMISSION = "routing:queue:view"


def missing(topic: str, user_id: str, holds: Callable[[str], bool]) -> tuple[str, ...] | None:
    """What the caller (``user_id``, holding what ``holds`` says) lacks for a served topic: None if nothing.

    A user's topic answers ``()`` (no permission grants another user's topics) when it is not the caller's.
    """
    if _DETAIL_TOPIC.fullmatch(topic):
        return None if holds(DETAIL_PERMISSION) else (DETAIL_PERMISSION,)
    match = _TOPIC.fullmatch(topic)
    if match is None:
        return None
    if match.group(1) == "users":
        return None if match.group(2) == user_id else ()
    return None if holds(QUEUE_PERMISSION) else (QUEUE_PERMISSION,)


def body_kind(topic: str) -> str | None:
    """Which body ``topic`` carries (``GENERIC``, ``CALLBACKS`` or ``DETAIL``), or None if it is not served."""
    if _DETAIL_TOPIC.fullmatch(topic):
        return DETAIL
    match = _TOPIC.fullmatch(topic)
    return match.group(3) if match else None


def matching(conversation: Conversation) -> Iterator[tuple[str, str]]:
    """Each topic a change of ``conversation`` notifies, with its body kind; users first, in order."""
    users: dict[str, None] = {}
    queues: dict[str, None] = {}
    for participant in conversation.participants or ():
        if participant.user_id:
            users[participant.user_id] = None
        if participant.queue_id:
            queues[participant.queue_id] = None
    for family, ids in (("users", users), ("routing.queues", queues)):
        for entity_id in ids:
            yield f"v2.{family}.{entity_id}.{GENERIC}", GENERIC
            yield f"v2.{family}.{entity_id}.{CALLBACKS}", CALLBACKS


def available() -> list[AvailableTopic]:
    """The topics served, as ``GET /api/v2/notifications/availabletopics`` lists them."""
    return [
        AvailableTopic(
            id=template,
            description=f"Every change of {what} ({model}).",
            permission_details=(
                PermissionDetails(
                    type=PermissionType.REQUIRES_CURRENT_USER
                    if template.startswith("v2.users")
                    else PermissionType.REQUIRES_PERMISSIONS,
                    permissions=() if template.startswith("v2.users") else (QUEUE_PERMISSION,),
                    allows_current_user=template.startswith("v2.users"),
                    enforced=True,
                ),
            ),
            requires_permissions=() if template.startswith("v2.users") else (QUEUE_PERMISSION,),
            enforced=True,
            visibility=TopicVisibility.PUBLIC,
            transports=("Websocket",),
            topic_parameters=("user",) if template.startswith("v2.users") else ("queue",),
        )
        for template, (model, what) in TEMPLATES.items()
    ] + [
        AvailableTopic(
            id=f"v2.detail.events.conversation.{{id}}.{kind}",
            description=f"A conversation's {kind} detail events ({DETAIL_MODEL_NAMES[kind]}).",
            permission_details=(
                PermissionDetails(
                    type=PermissionType.REQUIRES_PERMISSIONS,
                    permissions=(DETAIL_PERMISSION,),
                    allows_current_user=False,
                    enforced=True,
                ),
            ),
            requires_permissions=(DETAIL_PERMISSION,),
            enforced=True,
            visibility=TopicVisibility.PUBLIC,
            transports=("Websocket",),
            topic_parameters=("conversation",),
        )
        for kind in DETAIL_KINDS
    ]
