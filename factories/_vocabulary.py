"""The callback domain's vocabulary and phone numbers, without Faker.

``CallbackProvider`` draws from these with Faker's random; the factories draw from them with their
own. Kept apart from the provider so that building payloads need not import Faker, which is slow.
"""

from __future__ import annotations

import re
from random import Random

from factories._seeding import pick

# A national significant number per country, as patterns: X any digit, N 2-9, others literal.
# Mobile and geographic ranges a callback customer would give; not an exhaustive numbering plan.
_NUMBERING: dict[str, tuple[str, tuple[str, ...]]] = {
    "US": ("1", ("NXXNXXXXXX",)),
    "CA": ("1", ("NXXNXXXXXX",)),
    "GB": ("44", ("7NXXXXXXXX", "20NXXXXXXX", "161NXXXXXX")),
    "IE": ("353", ("8NXXXXXXX", "1NXXXXXX")),
    "FR": ("33", ("6XXXXXXXX", "7XXXXXXXX", "1NXXXXXXX")),
    "DE": ("49", ("15NXXXXXXXX", "17NXXXXXXX", "30NXXXXXXX")),
    "AT": ("43", ("66NXXXXXXX", "1NXXXXXX")),
    "CH": ("41", ("7NXXXXXXX", "44NXXXXXX")),
    "NL": ("31", ("6NXXXXXXX", "20NXXXXXX")),
    "BE": ("32", ("4NXXXXXXX", "2NXXXXXX")),
    "ES": ("34", ("6XXXXXXXX", "91NXXXXXX")),
    "PT": ("351", ("9NXXXXXXX",)),
    "IT": ("39", ("3NXXXXXXXX", "06NXXXXXX")),
    "PL": ("48", ("5NXXXXXXX",)),
    "SE": ("46", ("7NXXXXXXX",)),
    "NO": ("47", ("4XXXXXXX", "9XXXXXXX")),
    "DK": ("45", ("NXXXXXXX",)),
    "FI": ("358", ("4NXXXXXXX",)),
    "JP": ("81", ("90NXXXXXXX", "80NXXXXXXX", "3NXXXXXXX")),
    "KR": ("82", ("10NXXXXXXX",)),
    "CN": ("86", ("13NXXXXXXXX", "18NXXXXXXXX")),
    "IN": ("91", ("9NXXXXXXXX", "8NXXXXXXXX")),
    "AU": ("61", ("4NXXXXXXX", "2NXXXXXXX")),
    "NZ": ("64", ("21NXXXXXX",)),
    "BR": ("55", ("NN9NXXXXXXX",)),
    "MX": ("52", ("55NXXXXXXX", "33NXXXXXXX")),
    "ZA": ("27", ("NNXXXXXXX",)),
}
_DEFAULT_COUNTRY = "US"

QUEUE_TOPICS = (
    "Billing", "Sales", "Support", "Technical Support", "Returns", "Claims", "Retention",
    "Onboarding", "Collections", "Appointments", "Premium Support", "Orders",
)  # fmt: skip
QUEUE_KINDS = ("Callbacks", "Callback", "Inbound", "Priority", "Tier 1", "Tier 2")
WRAPUP_NAMES = (
    "Resolved", "Issue Resolved", "Callback Completed", "Sale Made", "Follow-up Required",
    "Escalated to Tier 2", "Left Voicemail", "No Answer", "Wrong Number", "Customer Not Available",
    "Payment Taken", "Appointment Booked", "Refund Issued", "Complaint Logged", "Information Provided",
)  # fmt: skip
WRAPUP_TAGS = ("billing", "vip", "complaint", "follow-up", "upsell", "refund", "escalation", "repeat-caller")
_NOTES = (
    "Customer asked about invoice {n}; explained the charges.",
    "Rescheduled the delivery of order {n} to next week.",
    "Called back as requested, issue with account {n} resolved.",
    "Customer wants a supervisor to call back regarding case {n}.",
    "Refund for order {n} approved, 5-7 working days.",
    "No answer on first number, reached customer on second.",
    "Updated billing address and resent statement {n}.",
    "Booked an engineer visit, reference {n}.",
)
SEGMENT_TYPES = ("Scheduled", "Interact", "Alert", "Hold")
HOW_ENDED = ("Interact", "Disconnect", "Hold")
PROVIDER = "PureCloud Callback"


def e164(rng: Random, country: str) -> str:
    """A plausible E.164 number for ``country`` (ISO 3166 alpha-2), drawn from ``rng``."""
    code, patterns = _COMPILED.get(country) or _COMPILED[_DEFAULT_COUNTRY]
    chunks = patterns[pick(rng, 0, len(patterns))] if len(patterns) > 1 else patterns[0]
    # One draw per run of digits rather than one per digit: numbers are drawn on every payload.
    return code + "".join(
        chunk if isinstance(chunk, str) else f"{pick(rng, chunk[0], chunk[1]):0{chunk[2]}d}"
        for chunk in chunks
    )


def _compile(pattern: str) -> tuple[str | tuple[int, int, int], ...]:
    """``"7NXX"`` as ``("7", (200, 1000, 3))``: literals, and the range of each run of digits."""
    runs = re.findall(r"[0-9]+|N?X*", pattern)
    return tuple(
        run
        if run[0].isdigit()
        else (2 * 10 ** (len(run) - 1) if run[0] == "N" else 0, 10 ** len(run), len(run))
        for run in runs
        if run
    )


_COMPILED = {
    country: ("+" + code, tuple(_compile(p) for p in patterns))
    for country, (code, patterns) in _NUMBERING.items()
}


def country_of(locale: str) -> str:
    """The country of a Faker locale such as ``de_DE``; the default country when it names none."""
    _, _, territory = locale.partition("_")
    return territory if territory in _NUMBERING else _DEFAULT_COUNTRY
