"""Control API paths built from its one route table, so a renamed route or prefix leaves no test behind.

Tests import the table and build their paths here (``control_path(AdminRoutes.REQUESTS)``), never
from ``mockserver`` directly: this module is the one place that names where the table lives.
"""

from __future__ import annotations

from typing import Any

from mockserver.config import DEFAULTS
from mockserver.control.route_table import AdminRoute, AdminRoutes
from mockserver.state.identity import ADMIN_PERMISSIONS, ADMIN_ROLE, ANY_CONVERSATION

__all__ = [
    "ADMIN_PREFIX",
    "LISTING",
    "LISTS_EVERY",
    "LIST_EVERY",
    "AdminRoute",
    "AdminRoutes",
    "a_user_taking_part",
    "control_path",
]

ADMIN_PREFIX: str = DEFAULTS["ADMIN_PREFIX"]


def control_path(route: AdminRoute, query: str = "", *, prefix: str = ADMIN_PREFIX, **values: object) -> str:
    """The route's path under ``prefix`` with its parameters filled in, and ``query`` after a ``?`` if given.

    A value is written as ``str()`` writes it (as the f-strings it replaces did), percent-encoded.
    """
    path = prefix + route.url(**{name: str(value) for name, value in values.items()})
    return f"{path}?{query}" if query else path


# Every active conversation, whoever's (a page of 100): an API token lists only its own user's.
LISTING = control_path(AdminRoutes.CONVERSATIONS, "pageSize=100")

# The escape hatch for a test whose point is the API's listing over many conversations: the default
# role (a token of its own's) put back naming the mock's own ``mock:conversation:any``, so that token
# lists every user's, as every token did before listings were per caller.
LIST_EVERY = control_path(AdminRoutes.PUT_ROLE, role=ADMIN_ROLE)
LISTS_EVERY: dict[str, list[str]] = {"permissions": [*ADMIN_PERMISSIONS, ANY_CONVERSATION]}


def a_user_taking_part(listing: Any) -> str:
    """The id of the first user (an agent) taking part in a conversation of a listing's JSON: whom a
    test lists as to see what an agent's client sees."""
    return str(
        next(p["userId"] for c in listing["entities"] for p in c.get("participants", ()) if p.get("userId"))
    )
