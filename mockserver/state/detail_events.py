"""Detail events: the hub between what derives them from the conversations' changes and what consumes them.

Genesys emits analytics detail events (``v2.detail.events.conversation.{id}.acd.start`` and its kin) as
a conversation's participants start, end, wrap up and change attributes. Whatever derives them from this
server's changes publishes each here, in order per conversation, with its topic, its body in wire form
(camelCase keys, the SDK event model's JSON) and the instant it happened on the server's clock (epoch
ms); the notification channels, the process-automation triggers and the event-bus sink listen. Listeners
are called in publishing order, under the store's lock, and must not block. Nothing here imports Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

# topic, event body (wire form), when it happened (epoch ms on the server's clock)
DetailListener = Callable[[str, Mapping[str, Any], int], None]


class DetailEvents:
    """The listeners of one server's detail events."""

    def __init__(self) -> None:
        self._listeners: list[DetailListener] = []

    def listen(self, listener: DetailListener) -> None:
        self._listeners.append(listener)

    def publish(self, topic: str, body: Mapping[str, Any], at: int) -> None:
        for listener in self._listeners:
            listener(topic, body, at)
