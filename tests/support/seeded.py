"""What the seeded dataset holds: conversations of a given kind, the org's queues.

A callback names one of the org's queues (the server refuses another): ``queue_ids(seed)`` are
the ids a server seeded with ``seed`` has, ``QUEUE_ID`` the first of the test servers' (``CONFIG``'s
seed), ``SERVE_QUEUE_ID`` one of ``serve``'s (its default seed).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from contracts import Callback, Conversation
from factories import ConversationFactory
from mockserver.config import DEFAULTS
from mockserver.web.current import backend_of
from tests.support import CONFIG


def queue_ids(seed: int = CONFIG["SEED"]) -> list[str]:
    """The ids of the org's queues in a server seeded with ``seed``, in the org's order."""
    return [queue.id for queue in ConversationFactory(seed).org.queues]


QUEUE_ID, OTHER_QUEUE_ID = queue_ids()[:2]  # queues of a server with CONFIG's seed
SERVE_QUEUE_ID = queue_ids(DEFAULTS["SEED"])[0]  # a queue of ``serve`` with its default seed


def first_customer_callback(conversation: Conversation) -> Callback:
    """The callback on the conversation's first customer leg (a seeded conversation has one)."""
    return next(
        p.callbacks[0] for p in conversation.participants or () if p.purpose == "customer" and p.callbacks
    )


def seeded(app: Flask, wanted: Callable[[Callback], bool]) -> Conversation:
    """The first seeded conversation whose customer callback is ``wanted``."""
    for entry in backend_of(app).store.entries():
        if wanted(first_customer_callback(entry.conversation)):
            conversation: Conversation = entry.conversation
            return conversation
    raise LookupError("the seeded dataset has no such conversation")
