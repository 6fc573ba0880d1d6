"""The state and its rules: every read and change of the conversations, the clock, the lifecycle (no HTTP).

``StateError`` is the base of the room's errors. It is declared here, with nothing heavier than the
package's own base, so a module that raises one (the clock, which ``serve``'s supervising process
reads the settings with) imports no more than it needs.
"""

from __future__ import annotations

from mockserver.errors import MockServerError


class StateError(MockServerError):
    """An error of the state's rules: the API's own (``ApiError``) and those the backend turns into one."""
