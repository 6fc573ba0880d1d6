"""Who a bearer token acts for: stable users derived from the token, and the org's agents.

A token names a user in one of two ways:

- ``agent:<n>`` or ``agent:<userId>``: the org's ``n``-th agent (from 0) or the agent with that user
  id, so a test can act as the agent the lifecycle offers callbacks to.
- anything else: a user of its own, its id a UUID derived from the token (the same token, the same
  user, in every run and process).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from contracts import UserMe, UserState

_NAMESPACE = uuid.UUID("6f1c1d2e-4b8a-4c1e-9d7a-2b5c0e8f4a31")
AGENT_PREFIX = "agent:"


def user_for(token: str, agents: Sequence[tuple[str, str]]) -> UserMe:
    """The user ``token`` acts for; ``agents`` are the org's (user id, name) pairs."""
    if token.startswith(AGENT_PREFIX):
        wanted = token[len(AGENT_PREFIX) :]
        for index, (user_id, name) in enumerate(agents):
            if wanted in (user_id, str(index)):
                return _user(user_id, name)
    user_id = str(uuid.uuid5(_NAMESPACE, token))
    return _user(user_id, f"Mock User {user_id[:8]}")


def _user(user_id: str, name: str) -> UserMe:
    login = name.lower().replace(" ", ".")
    return UserMe(
        id=user_id,
        name=name,
        email=f"{login}@example.com",
        state=UserState.ACTIVE,
        username=f"{login}@example.com",
        version=1,
        self_uri=f"/api/v2/users/{user_id}",
    )
