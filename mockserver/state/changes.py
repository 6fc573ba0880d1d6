"""Every change the server makes to a conversation, told to whoever listens (the notifications).

The backend publishes each conversation it stores (an API command, a control-API put or seed)
with the correlation id of the request that caused it; the engine publishes each lifecycle step,
with no cause and its due time (on the server's clock; a change of a request's has none: it
happens now). Listeners are called in the order the changes are made, under the store's lock,
so a listener sees one conversation's changes in order and must not block. Nothing here imports
Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from contextvars import ContextVar

from contracts import Conversation

# The correlation id of the request being answered, set as each request begins.
CAUSE: ContextVar[str | None] = ContextVar("callback_mock_cause", default=None)

Listener = Callable[[Conversation, "str | None", "int | None"], None]


class Changes:
    """The listeners of one server's changes."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._holders: list[Callable[[], AbstractContextManager[None]]] = []

    def listen(
        self, listener: Listener, holding: Callable[[], AbstractContextManager[None]] | None = None
    ) -> None:
        """``listener`` hears every change; ``holding``, if given, is entered for a run of changes
        (``holding``), in which the listener may hold back what it tells others until the run ends."""
        self._listeners.append(listener)
        if holding is not None:
            self._holders.append(holding)

    @contextmanager
    def holding(self) -> Iterator[None]:
        """A run of changes (the engine's steps up to an instant): each listener that can hold back
        what it tells others about them does, until the run ends."""
        with ExitStack() as held:
            for holding in self._holders:
                held.enter_context(holding())
            yield

    def publish(self, conversation: Conversation, cause: str | None, at: int | None = None) -> None:
        """Tell every listener; ``at``: when the change happened, if not now (a step's due time, in ms)."""
        for listener in self._listeners:
            listener(conversation, cause, at)
