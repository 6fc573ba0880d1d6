"""What the console lists: a row per conversation and per pushed notification, filtered.

A row is read from the stored wire JSON (``Entry.body``) with orjson, not decoded into contract
objects: a filter over every stored conversation costs a parse each, and a row's fields are
plain. A filter's text is looked for in the raw body first, so a conversation that cannot match
is passed over without a parse.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from attrs import frozen

from contracts import CallbackState
from mockserver.store.base import Entry

ENDED = "ended"  # the state the list gives a conversation with an end time
STATES = (*(state.value for state in CallbackState), ENDED)  # what the state filter offers
_LEGS = ("agent", "acd", "customer")  # whose callback's state is the conversation's, first found


@frozen
class ConversationRow:
    """One conversation as the list shows it."""

    id: str
    start_time: str | None
    state: str  # the state of its callback's furthest leg (agent, else ACD, else customer); ended
    queue_id: str | None
    queue_name: str | None
    agent_id: str | None
    agent_name: str | None
    customer: str | None
    scheduled: str | None


@frozen
class ConversationFilter:
    """The list's filters: each empty string matches every conversation."""

    state: str = ""
    queue: str = ""  # a queue's id or (part of) its name
    agent: str = ""  # an agent's user id or (part of) their name

    def passes(self, row: ConversationRow) -> bool:
        return (
            (not self.state or row.state == self.state)
            and _names(self.queue, row.queue_id, row.queue_name)
            and _names(self.agent, row.agent_id, row.agent_name)
        )

    @property
    def needles(self) -> tuple[bytes, ...]:
        """Text a matching body must hold, lower-cased: a cheap test before a parse."""
        found = [value.lower().encode() for value in (self.queue, self.agent) if value]
        if self.state:
            found.append(b'"endtime"' if self.state == ENDED else f'"state":"{self.state.lower()}"'.encode())
        return tuple(found)


def _names(wanted: str, id_: str | None, name: str | None) -> bool:
    return not wanted or wanted == id_ or wanted.lower() in (name or "").lower()


def row(body: bytes) -> ConversationRow:
    """The row of a stored conversation's wire JSON."""
    conversation: dict[str, Any] = orjson.loads(body)
    participants: list[dict[str, Any]] = conversation.get("participants") or []
    by_purpose: dict[str, dict[str, Any]] = {}
    for participant in participants:  # the last of each purpose: the current leg
        by_purpose[participant.get("purpose") or ""] = participant
    acd, agent, customer = by_purpose.get("acd"), by_purpose.get("agent"), by_purpose.get("customer")
    state = ENDED if conversation.get("endTime") else "none"
    if state != ENDED:
        for purpose in _LEGS:
            callbacks = (by_purpose.get(purpose) or {}).get("callbacks") or []
            if callbacks:
                state = callbacks[-1].get("state") or state
                break
    callback = ((customer or acd or {}).get("callbacks") or [{}])[-1]
    numbers = callback.get("callbackNumbers") or []
    return ConversationRow(
        id=conversation.get("id") or "",
        start_time=conversation.get("startTime"),
        state=state,
        queue_id=(acd or {}).get("queueId"),
        queue_name=(acd or {}).get("name"),
        agent_id=(agent or {}).get("userId"),
        agent_name=(agent or {}).get("name"),
        customer=callback.get("callbackUserName") or (numbers[0] if numbers else None),
        scheduled=callback.get("callbackScheduledTime"),
    )


def page(
    entries: Sequence[Entry], wanted: ConversationFilter, start: int, stop: int
) -> tuple[int, list[ConversationRow]]:
    """How many conversations pass ``wanted``, and the rows from ``start`` to ``stop``, newest first.

    Without a filter only the page's bodies are parsed: the cost of the page, not of the store.
    """
    newest = reversed(entries)
    if not wanted.needles:
        return len(entries), [row(entry.body) for entry in list(newest)[start:stop]]
    matched = 0
    rows: list[ConversationRow] = []
    for entry in newest:
        lowered = entry.body.lower()
        if not all(needle in lowered for needle in wanted.needles):
            continue
        found = row(entry.body)
        if wanted.passes(found):
            if start <= matched < stop:
                rows.append(found)
            matched += 1
    return matched, rows
