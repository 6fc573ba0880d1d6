"""``CallbackProvider``: Faker values for the callback domain.

Add it to any ``Faker``: ``fake.add_provider(CallbackProvider)``, then ``fake.e164_number()``,
``fake.queue_name()``, ``fake.wrapup_name()``... The factories draw from it too, through seeded
pools, so the values a test sees and the values a user makes up come from one place.
"""

from __future__ import annotations

from faker.providers import BaseProvider

from factories._vocabulary import (
    _DEFAULT_COUNTRY,
    _NOTES,
    HOW_ENDED,
    PROVIDER,
    QUEUE_KINDS,
    QUEUE_TOPICS,
    SEGMENT_TYPES,
    WRAPUP_NAMES,
    WRAPUP_TAGS,
    country_of,
    e164,
)


class CallbackProvider(BaseProvider):
    """Faker provider of Genesys Cloud callback values."""

    def e164_number(self, country: str | None = None) -> str:
        """A phone number in E.164 form (``+14155550123``) for ``country`` or the Faker's locale."""
        if country is None:
            try:
                country = str(self.generator.current_country_code())
            except AttributeError:  # a locale without a territory, such as "en"
                country = _DEFAULT_COUNTRY
        return e164(self.generator.random, country)

    def callback_user_name(self) -> str:
        """The name a customer gives when asking for a callback."""
        name: str = self.generator.name()
        return name

    def callback_provider(self) -> str:
        """The ``provider`` of a callback created through the API."""
        return PROVIDER

    def queue_name(self) -> str:
        """A routing queue name, such as ``Billing Callbacks``."""
        return f"{self.random_element(QUEUE_TOPICS)} {self.random_element(QUEUE_KINDS)}"

    def wrapup_name(self) -> str:
        """A wrap-up code name, such as ``Issue Resolved``."""
        name: str = self.random_element(WRAPUP_NAMES)
        return name

    def wrapup_code(self) -> str:
        """A wrap-up code id (a UUID, as the API uses)."""
        return str(self.generator.uuid4())

    def wrapup_notes(self) -> str:
        """What an agent types after a callback."""
        template: str = self.random_element(_NOTES)
        return template.format(n=self.numerify("#######"))

    def wrapup_tags(self) -> list[str]:
        """A few wrap-up tags."""
        return list(self.random_sample(WRAPUP_TAGS, length=self.random_int(0, 3)))

    def segment_type(self) -> str:
        """A segment type seen on callbacks."""
        kind: str = self.random_element(SEGMENT_TYPES)
        return kind

    def segment_how_ended(self) -> str:
        """How a callback segment ended."""
        how: str = self.random_element(HOW_ENDED)
        return how


__all__ = [
    "HOW_ENDED",
    "PROVIDER",
    "QUEUE_KINDS",
    "QUEUE_TOPICS",
    "SEGMENT_TYPES",
    "WRAPUP_NAMES",
    "WRAPUP_TAGS",
    "CallbackProvider",
    "country_of",
    "e164",
]
