"""The application factory: ``create_app(config)`` wires the parts together."""

from __future__ import annotations

from typing import Any

from flask import Flask

from mockserver import auth, extension, handlers, openapi, settings, wire
from mockserver.api import callback_conversations, callbacks, campaigns, conversations, notifications
from mockserver.api.fast_reads import ConversationReads
from mockserver.backend import Backend
from mockserver.config import DEFAULTS, Paths
from mockserver.control import clock_routes, notification_routes
from mockserver.control import routes as control_routes
from mockserver.control.middleware import Control


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create a mock Genesys Cloud server for callback conversations.

    ``config`` overrides ``DEFAULTS``; any key may also come from ``CALLBACK_MOCK_*`` variables.
    Every setting, from either, goes through its parser (``settings.parse``): a bad one is refused
    (``settings.SettingError``) with its name, what it takes and what arrived.
    """
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    app.config.update(settings.from_environ())  # what serve's options mean, parsed alike
    if config:
        app.config.from_mapping(settings.checked(config))  # text or Python values, by the same rules
    app.json.sort_keys = False  # type: ignore[attr-defined]
    paths = Paths.of(app.config)
    backend = Backend.from_config(app.config)
    extension.init_app(app, backend)
    handlers.init_app(app)
    wire.init_app(app)
    auth.init_app(app, paths)
    for blueprint in (
        conversations.bp,
        callbacks.bp,
        callback_conversations.bp,
        campaigns.bp,
        notifications.bp,
    ):
        app.register_blueprint(blueprint)
    openapi.init_app(app)
    if app.config["ADMIN"]:
        for blueprint in (control_routes.bp, clock_routes.bp, notification_routes.bp):
            app.register_blueprint(blueprint, url_prefix=paths.admin_prefix)
    # The WSGI layers, innermost first: the fast path answers stored conversations before Flask;
    # the control middleware wraps both, so the journal and faults see every API request alike.
    reads = ConversationReads(app.wsgi_app, app, backend)
    app.wsgi_app = Control(  # type: ignore[method-assign]
        reads,
        journal=backend.journal,
        faults=backend.faults,
        limiter=backend.limiter,
        stubs=backend.stubs,
        exempt=paths.exempt,
        max_body=int(app.config["MAX_CONTENT_LENGTH"]),
        clock=backend.clock,
        fast_read=reads.readable,
        read=backend.store.read_journaled,
        aread=backend.store.aread_journaled,
        sync=backend.store.sync,
    )
    return app
