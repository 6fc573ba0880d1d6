"""The control API's Flask views, one blueprint per family, all registered from ``route_table``.

``arranging`` (reset, seed, exact conversations and callbacks), ``journal`` (the requests received),
``faults`` (faults and the rate limit), ``stubs``, ``clock`` (the clock and the lifecycle) and
``notifications``, ``identities`` (users, OAuth clients, roles, tokens), ``triggers`` (workflows and executions); ``shared`` holds what every view uses. Views only: bodies are ``models``, their
rules ``rules``, the state the backend's.
"""

from __future__ import annotations

from flask import Flask

from mockserver.control.views import (
    arranging,
    clock,
    faults,
    identities,
    journal,
    notifications,
    settings,
    stubs,
    triggers,
)


def init_app(app: Flask, prefix: str) -> None:
    """Register every control view under ``prefix`` (``ADMIN_PREFIX``)."""
    for module in (arranging, journal, faults, stubs, clock, notifications, settings, identities, triggers):
        app.register_blueprint(module.bp, url_prefix=prefix)
