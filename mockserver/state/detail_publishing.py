"""Each detail event published once, in time order per conversation, from every change of the server.

``on_change`` is a change listener (``Changes``): it derives every event the changed conversation
implies (``detail_derivation.implied``) and publishes into ``DetailEvents`` those whose keys were
not published before, in time order, remembering their keys. The keys are a ``Tracked`` part of the
store, a piece per conversation, so every replica on one Redis store publishes each event once, and
a reset forgets them. Events that happened before the server started (or was last reset), as a
seeded conversation's past does, are remembered without being published: a listener hears what
happens while it listens. Nothing here imports Flask.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from contracts import Conversation
from mockserver.state.clock import Clock
from mockserver.state.detail_derivation import Implied, implied
from mockserver.state.detail_events import DetailEvents
from mockserver.store.base import ABSENT, PartShare, Path
from mockserver.store.memory import LocalPartShare


class DetailPublisher:
    """The keys of the detail events published per conversation, and the instant before which none are."""

    def __init__(self, clock: Clock, events: DetailEvents, *, share: PartShare | None = None) -> None:
        self._clock = clock
        self._events = events
        self._share = LocalPartShare() if share is None else share
        self._published: dict[str, dict[str, None]] = {}  # conversation id -> keys (an ordered set)
        self._baseline = clock.ms()

    def on_change(self, conversation: Conversation, cause: str | None, at: int | None = None) -> None:
        """The backend's listener: publish what ``conversation`` implies that was not published yet."""
        conversation_id = conversation.id
        if conversation_id is None:
            return
        found = implied(conversation, self._clock.ms() if at is None else at)
        if not found:
            return
        fresh: list[Implied] = []
        with self._share.changing():
            known = self._published.get(conversation_id)
            new = [event for event in found if known is None or event.key not in known]
            if not new:
                return
            keys = self._published.setdefault(conversation_id, {})
            for event in new:
                keys[event.key] = None
                if event.at >= self._baseline:
                    fresh.append(event)
            self._share.changed("published", conversation_id)
        for event in fresh:
            self._events.publish(event.topic(conversation_id), event.body(), event.at)

    def reset(self) -> None:
        """Nothing published; the events from now on are heard (call after the clock's reset)."""
        with self._share.changing():
            self._published = {}
            self._baseline = self._clock.ms()
            self._share.touch()

    # As a part: ``{"baseline": ms, "published": {conversation id: [key, ...]}}``, each conversation a piece

    def dump(self) -> Any:
        return {"baseline": self._baseline, "published": {cid: list(k) for cid, k in self._published.items()}}

    def dump_at(self, path: Path) -> Any:
        if path == ("baseline",):
            return self._baseline
        if len(path) == 2:
            keys = self._published.get(path[1])
            return ABSENT if keys is None else list(keys)
        return self.dump()[path[0]] if path else self.dump()

    def load(self, data: Any) -> None:
        self._baseline = data["baseline"]
        self._published = {cid: dict.fromkeys(keys) for cid, keys in data["published"].items()}

    def load_changed(self, data: Any, paths: Iterable[tuple[Any, ...]]) -> None:
        self._baseline = data["baseline"]
        held = data["published"]
        for path in paths:
            if path[0] != "published":
                continue
            if len(path) == 1:  # emptied, or filled from empty
                self.load(data)
                return
            keys = held.get(path[1])
            if keys is None:
                self._published.pop(path[1], None)
            else:
                self._published[path[1]] = dict.fromkeys(keys)
