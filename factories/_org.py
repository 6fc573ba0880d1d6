"""The organisation a factory's payloads come from: pools drawn once from a seeded Faker.

Faker's realism is worth having and too slow to pay for on every field (``name()`` alone costs
tens of microseconds), so each factory draws its names, queues and wrap-up codes once, from a
Faker seeded with the factory's seed, and then picks from them with its ``random.Random``. Keeping
the pools per organisation is also what a real org looks like: a handful of queues and agents,
each wrap-up code always with the same name.
"""

from __future__ import annotations

from functools import cache, lru_cache
from random import Random
from typing import TYPE_CHECKING, cast

from attrs import frozen

from contracts import ConversationQueueMediaSettings
from factories._default_draws import DEFAULT_SEED, DRAWS
from factories._seeding import derive, uuid4
from factories._vocabulary import country_of, e164

if TYPE_CHECKING:
    from faker import Faker

DEFAULT_LOCALE = "en_US"


@frozen
class Queue:
    """A routing queue and the media settings its callbacks carry."""

    id: str
    name: str
    alerting_timeout_seconds: int
    auto_answer: bool
    media: ConversationQueueMediaSettings


def make_queue(id: str, name: str, alerting_timeout_seconds: int, auto_answer: bool) -> Queue:
    """A queue and the media settings it stamps on its callbacks, made once."""
    media = ConversationQueueMediaSettings(
        alerting_timeout_seconds=alerting_timeout_seconds,
        auto_answer_alert_tone_seconds=0.0,
        manual_answer_alert_tone_seconds=1.0,
        enable_auto_answer=auto_answer,
    )
    return Queue(id, name, alerting_timeout_seconds, auto_answer, media)


@frozen
class Org:
    """Everything a factory picks from: fixed for a seed and a locale."""

    country: str
    queues: tuple[Queue, ...]
    agents: tuple[tuple[str, str], ...]  # (user id, name)
    customers: tuple[str, ...]
    wrapups: tuple[tuple[str, str], ...]  # (code, name)
    notes: tuple[str, ...]
    scripts: tuple[str, ...]
    caller_id: str
    caller_id_name: str
    campaigns: tuple[tuple[str, str], ...]  # (campaign id, contact list id)
    callback_config: str  # the automated callback config of automated callbacks
    division: str  # the division its conversations belong to (drawn last: the earlier draws stay)


# The Faker providers the organisation draws from (besides CallbackProvider): loading only these
# instead of all of a locale's makes a Faker in a third of the time (benchmarks/README.md), and
# what it draws is the same, since each method's provider is the same.
_PROVIDERS = [
    "faker.providers.person",
    "faker.providers.company",
    "faker.providers.address",
    "faker.providers.misc",
]


@cache
def shared_faker(locale: str) -> Faker:
    """One Faker per locale with ``CallbackProvider``; always reseeded before it is drawn from."""
    from faker import Factory

    from factories.providers import CallbackProvider

    fake = Factory.create(locale, providers=_PROVIDERS)
    fake.add_provider(CallbackProvider)
    return cast("Faker", fake)  # a one-locale Faker hands every call to such a Generator


@frozen
class Draws:
    """What an organisation takes from Faker, in the order it draws them."""

    queue_names: tuple[str, ...]  # 12
    wrapup_names: tuple[str, ...]  # 24
    agent_names: tuple[str, ...]  # 12
    customers: tuple[str, ...]  # 40
    notes: tuple[str, ...]  # 16
    company: str


def draws_from(fake: Faker, seed: int) -> Draws:
    """The organisation's draws from ``fake``, seeded for ``seed``."""
    fake.seed_instance(derive(seed, "faker"))
    return Draws(
        queue_names=tuple(fake.queue_name() for _ in range(12)),
        wrapup_names=tuple(fake.wrapup_name() for _ in range(24)),
        agent_names=tuple(fake.name() for _ in range(12)),
        customers=tuple(fake.callback_user_name() for _ in range(40)),
        notes=tuple(fake.wrapup_notes() for _ in range(16)),
        company=str(fake.company()),
    )


def _draws(seed: int, locale: str, fake: Faker | None) -> Draws:
    if fake is None and seed == DEFAULT_SEED and locale == DEFAULT_LOCALE:
        # The default organisation (serve's, the fixtures' first) without importing Faker: its
        # draws are kept in the package, and a test checks them against Faker's.
        return Draws(**DRAWS)
    return draws_from(fake or shared_faker(locale), seed)


def _distinct(draw: list[str], size: int) -> tuple[str, ...]:
    return tuple(dict.fromkeys(draw))[:size]


@lru_cache(maxsize=128)
def org_for(seed: int, locale: str = DEFAULT_LOCALE, fake: Faker | None = None) -> Org:
    """The organisation of ``seed``: the same pools for the same seed, locale and Faker."""
    draws = _draws(seed, locale, fake)
    rng = Random(derive(seed, "org"))
    queue_names = _distinct(list(draws.queue_names), 4)
    wrapup_names = _distinct(list(draws.wrapup_names), 8)
    return Org(
        country=country_of(locale),
        queues=tuple(
            make_queue(uuid4(rng), name, rng.choice((15, 20, 30, 30, 45)), rng.random() < 0.2)
            for name in queue_names
        ),
        agents=tuple((uuid4(rng), name) for name in draws.agent_names),
        customers=draws.customers,
        wrapups=tuple((uuid4(rng), name) for name in wrapup_names),
        notes=draws.notes,
        scripts=tuple(uuid4(rng) for _ in range(3)),
        caller_id=e164(rng, country_of(locale)),
        caller_id_name=draws.company,
        campaigns=tuple((uuid4(rng), uuid4(rng)) for _ in range(2)),
        callback_config=uuid4(rng),
        division=uuid4(rng),
    )
