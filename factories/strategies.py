"""Hypothesis strategies for callbacks and conversations (needs Hypothesis: the ``hypothesis`` extra).

Each example is built by a factory, so every generated value is strictly valid and
lifecycle-consistent; Hypothesis chooses the trait and the seed, and shrinks towards small ones.
Factories are kept per (class, organisation seed), so Faker is drawn from only a few times.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from hypothesis import strategies as st

from contracts import Callback, CallbackBasic, Conversation, ConversationBasic
from factories._base import Factory
from factories.callbacks import CallbackBasicFactory, CallbackFactory
from factories.conversations import ConversationBasicFactory, ConversationFactory

ORGS = 8  # distinct organisations (name pools) a strategy draws from


@lru_cache(maxsize=64)
def _factory(kind: Any, org: int, now: datetime | None) -> Factory[Any]:
    factory: Factory[Any] = kind(org, now=now)
    return factory


def _built(kind: Any, traits: Sequence[str] | None, now: datetime | None) -> st.SearchStrategy[Any]:
    def build(org: int, seed: int, trait: str) -> Any:
        factory = _factory(kind, org, now)
        factory.random.seed(seed)
        return factory.build(trait)

    return st.builds(
        build,
        st.integers(0, ORGS - 1),
        st.integers(0, 2**32 - 1),
        st.sampled_from(tuple(traits or kind.traits)),
    )


def callbacks(
    *, traits: Sequence[str] | None = None, now: datetime | None = None
) -> st.SearchStrategy[Callback]:
    """Consistent ``Callback`` objects of the given traits (all by default)."""
    return _built(CallbackFactory, traits, now)


def callback_basics(
    *, traits: Sequence[str] | None = None, now: datetime | None = None
) -> st.SearchStrategy[CallbackBasic]:
    """Consistent ``CallbackBasic`` objects of the given traits (all by default)."""
    return _built(CallbackBasicFactory, traits, now)


def conversations(
    *, traits: Sequence[str] | None = None, now: datetime | None = None, basic: bool = False
) -> st.SearchStrategy[Conversation | ConversationBasic]:
    """Consistent callback conversations (``ConversationBasic`` with ``basic=True``)."""
    return _built(ConversationBasicFactory if basic else ConversationFactory, traits, now)
