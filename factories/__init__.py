"""Realistic, lifecycle-consistent and reproducible Genesys Cloud callback payloads.

Hypothesis strategies live in ``factories.strategies`` (the ``hypothesis`` extra installs Hypothesis); the
pytest fixtures in ``factories.plugin``, registered by installing the package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from factories import _first  # noqa: F401 - first: says if a project's own contracts shadows ours
from factories.callbacks import CallbackBasicFactory, CallbackFactory
from factories.catalogue import Case, coverage, edge_cases
from factories.conversations import ConversationBasicFactory, ConversationFactory
from factories.errors import FactoryError, OverrideError, OverrideKind, UnknownTraitError
from factories.invariants import check_callback, check_conversation
from factories.nested import (
    AfterCallWorkFactory,
    ConversationQueueMediaSettingsFactory,
    DialerPreviewFactory,
    PhoneNumberColumnFactory,
    SegmentFactory,
    VoicemailFactory,
    WrapupFactory,
)

__all__ = [
    "AfterCallWorkFactory",
    "CallbackBasicFactory",
    "CallbackFactory",
    "CallbackProvider",
    "Case",
    "ConversationBasicFactory",
    "ConversationFactory",
    "ConversationQueueMediaSettingsFactory",
    "DialerPreviewFactory",
    "FactoryError",
    "OverrideError",
    "OverrideKind",
    "PhoneNumberColumnFactory",
    "SegmentFactory",
    "UnknownTraitError",
    "VoicemailFactory",
    "WrapupFactory",
    "check_callback",
    "check_conversation",
    "coverage",
    "edge_cases",
]

if TYPE_CHECKING:
    from factories.providers import CallbackProvider
else:
    # Hidden from mypy, which reads the import above instead: a module-level __getattr__ it could see
    # would make it accept ``from factories import`` any name at all.

    def __getattr__(name: str) -> Any:
        # CallbackProvider subclasses Faker's BaseProvider: importing it imports Faker (slow), which
        # building payloads of the default organisation does without (serve's start-up).
        if name == "CallbackProvider":
            from factories.providers import CallbackProvider

            return CallbackProvider
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
