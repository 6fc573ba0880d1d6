"""``GET /api/v2/users/me``'s answer for the caller, and the check of routes that need a user.

Who a token acts for is ``mockserver.state.identity``'s (an org user, a user of its own, or an
OAuth client). A client-credentials token has no user: a route that needs one answers it as
Genesys does, 400 ``not.a.user``.
"""

from __future__ import annotations

from contracts import UserMe, UserState
from mockserver.state.errors import ApiError
from mockserver.state.identity import Principal

NOT_A_USER = (
    "This request requires a user context. Client credentials cannot be used for requests to this resource."
)


def require_user(principal: Principal) -> Principal:
    """``principal`` if it is a user; 400 ``not.a.user`` if it is an OAuth client."""
    if not principal.is_user:
        raise ApiError(400, "not.a.user", NOT_A_USER)
    return principal


def user_me(principal: Principal) -> UserMe:
    """The caller as ``users/me`` answers it (400 ``not.a.user`` for a client)."""
    user = require_user(principal)
    login = user.name.lower().replace(" ", ".")
    return UserMe(
        id=user.id,
        name=user.name,
        email=f"{login}@example.com",
        state=UserState.ACTIVE,
        username=f"{login}@example.com",
        version=1,
        self_uri=f"/api/v2/users/{user.id}",
    )
