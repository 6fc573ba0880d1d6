"""Realistic, lifecycle-consistent and reproducible Genesys Cloud callback payloads."""

from __future__ import annotations

from factories.callbacks import CallbackBasicFactory, CallbackFactory
from factories.conversations import ConversationFactory
from factories.errors import FactoryError, OverrideError, UnknownTraitError
from factories.invariants import check_callback, check_conversation
from factories.providers import CallbackProvider

__all__ = [
    "CallbackBasicFactory",
    "CallbackFactory",
    "CallbackProvider",
    "ConversationFactory",
    "FactoryError",
    "OverrideError",
    "UnknownTraitError",
    "check_callback",
    "check_conversation",
]
