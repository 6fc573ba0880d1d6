"""Control API paths built from its one route table, so a renamed route or prefix leaves no test behind.

Tests import the table and build their paths here (``control_path(AdminRoutes.REQUESTS)``), never
from ``mockserver`` directly: this module is the one place that names where the table lives.
"""

from __future__ import annotations

from mockserver.config import DEFAULTS
from mockserver.control.route_table import AdminRoute, AdminRoutes

__all__ = ["ADMIN_PREFIX", "LISTING", "AdminRoute", "AdminRoutes", "control_path"]

ADMIN_PREFIX: str = DEFAULTS["ADMIN_PREFIX"]


def control_path(route: AdminRoute, query: str = "", *, prefix: str = ADMIN_PREFIX, **values: object) -> str:
    """The route's path under ``prefix`` with its parameters filled in, and ``query`` after a ``?`` if given.

    A value is written as ``str()`` writes it (as the f-strings it replaces did), percent-encoded.
    """
    path = prefix + route.url(**{name: str(value) for name, value in values.items()})
    return f"{path}?{query}" if query else path


# Every active conversation, whoever's (a page of 100): an API token lists only its own user's.
LISTING = control_path(AdminRoutes.CONVERSATIONS, "pageSize=100")
