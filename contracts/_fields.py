"""Field declarations that carry their API description for the schema export."""

from __future__ import annotations

from typing import Any

import attrs

DESCRIPTION = "description"


def optional(description: str) -> Any:
    """Declare an optional field: absent on the wire, ``None`` in Python."""
    return attrs.field(default=None, metadata={DESCRIPTION: description})


def required(description: str) -> Any:
    """Declare a field the wire must always carry."""
    return attrs.field(metadata={DESCRIPTION: description})


def description_of(attribute: attrs.Attribute[Any]) -> str | None:
    """The API description declared for ``attribute``, if any."""
    text = attribute.metadata.get(DESCRIPTION)
    return text if isinstance(text, str) else None
