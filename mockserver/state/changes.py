"""Every change the server makes to a conversation, told to whoever listens (the notifications).

The backend publishes each conversation it stores (an API command, a control-API put or seed)
with the correlation id of the request that caused it; the engine publishes each lifecycle step,
with no cause and its due time (on the server's clock; a change of a request's has none: it
happens now). Listeners are called in the order the changes are made, under the store's lock,
so a listener sees one conversation's changes in order and must not block. Nothing here imports
Flask.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from contracts import Conversation

# The correlation id of the request being answered, set as each request begins.
CAUSE: ContextVar[str | None] = ContextVar("callback_mock_cause", default=None)

Listener = Callable[[Conversation, "str | None", "int | None"], None]


class Changes:
    """The listeners of one server's changes."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def listen(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def publish(self, conversation: Conversation, cause: str | None, at: int | None = None) -> None:
        """Tell every listener; ``at``: when the change happened, if not now (a step's due time, in ms)."""
        for listener in self._listeners:
            listener(conversation, cause, at)
