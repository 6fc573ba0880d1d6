"""Conversations of a given kind, found in the seeded dataset."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from contracts import Callback, Conversation
from mockserver.web.current import backend_of


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
