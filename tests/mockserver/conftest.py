"""Fixtures that find conversations of a given kind in the seeded dataset."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from contracts import Callback, CallbackState, Conversation
from mockserver.extension import backend_of


def customer_callback(conversation: Conversation) -> Callback:
    return next(
        p.callbacks[0] for p in conversation.participants or () if p.purpose == "customer" and p.callbacks
    )


def seeded(app: Flask, wanted: Callable[[Callback], bool]) -> Conversation:
    for entry in backend_of(app).store.entries():
        if wanted(customer_callback(entry.conversation)):
            conversation: Conversation = entry.conversation
            return conversation
    raise LookupError("the seeded dataset has no such conversation")


@pytest.fixture
def scheduled(app: Flask) -> Conversation:
    """A seeded conversation whose callback is still scheduled."""
    return seeded(app, lambda cb: cb.state is CallbackState.SCHEDULED)


@pytest.fixture
def not_scheduled(app: Flask) -> Conversation:
    """A seeded conversation whose callback is no longer scheduled."""
    return seeded(app, lambda cb: cb.state is not CallbackState.SCHEDULED)


@pytest.fixture
def snapshot(app: Flask) -> Callable[[], dict[str, bytes]]:
    """Every stored conversation's wire JSON, to compare before and after a request."""
    return lambda: {entry.conversation.id: entry.body for entry in backend_of(app).store.entries()}
