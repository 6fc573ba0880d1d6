"""References to other entities of the API, shared by the conversation models and the route bodies."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from contracts._fields import optional

_TIMESTAMP = "Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"


@frozen(kw_only=True)
class DomainEntityRef:
    """A reference to another entity of the API."""

    id: str | None = optional("The globally unique identifier for the object.")
    name: str | None = optional("The name of the entity.")
    self_uri: str | None = optional("The URI for this object")


@frozen(kw_only=True)
class AddressableEntityRef:
    """A reference to another entity of the API, without its name."""

    id: str | None = optional("The globally unique identifier for the object.")
    self_uri: str | None = optional("The URI for this object")


@frozen(kw_only=True)
class DivisionEntityRef(DomainEntityRef):
    """An entity of a conversation within one division."""

    date_division_updated: datetime | None = optional(
        f"The time the entity division was last updated. {_TIMESTAMP}"
    )


@frozen(kw_only=True)
class ConversationDivisionMembership:
    """A division a conversation belongs to, and its entities there."""

    division: DomainEntityRef | None = optional("A division the conversation belongs to.")
    entities: tuple[DivisionEntityRef, ...] | None = optional(
        "The entities on the conversation within the division. These are the users, queues, work "
        "flows, etc. that can be on conversations and and be assigned to different divisions."
    )


@frozen(kw_only=True)
class ScoredAgent:
    """An agent with a score for routing to preferred agents."""

    agent: DomainEntityRef | None = optional("The agent")
    score: int | None = optional(
        "Agent's score for the current conversation, from 0 - 100, higher being better"
    )
