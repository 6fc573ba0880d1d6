"""The application factory: ``create_app(config)`` wires the parts together."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask

from mockserver import console
from mockserver.api import (
    acd,
    analytics,
    callback_conversations,
    callbacks,
    campaigns,
    conversations,
    notifications,
    oauth,
    process_automation,
    routing,
)
from mockserver.api.fast_reads import ConversationReads
from mockserver.config import DEFAULTS, Paths, checked, from_environ
from mockserver.control import views as control_views
from mockserver.control.middleware import ControlLayer, Controls, StoredReads
from mockserver.state.backend import Backend
from mockserver.store.errors import StoreUnavailableError
from mockserver.web import auth, openapi, wire
from mockserver.web import current as extension
from mockserver.web import error_handlers as handlers
from mockserver.web.cors import Cors
from mockserver.web.guard import WebGuard

if TYPE_CHECKING:
    from collections.abc import Iterable

    from _typeshed.wsgi import StartResponse, WSGIEnvironment


class MockApp(Flask):
    """Flask, answering 503 for a request the store cannot serve wherever that is found.

    Inside Flask a handler answers it (``handlers``); the WSGI layers around Flask (the control
    layer, which ``serve`` takes from ``wsgi_app``) sync and journal through the store too,
    so it is caught here as well, outside every layer.
    """

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            return self.wsgi_app(environ, start_response)
        except StoreUnavailableError as error:
            return handlers.unavailable(error, start_response)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create a mock Genesys Cloud server for callback conversations.

    ``config`` overrides ``DEFAULTS``; any key may also come from ``CALLBACK_MOCK_*`` variables.
    Every setting, from either, goes through its parser (``mockserver.config.parse``): a bad one is refused
    (``mockserver.config.SettingError``) with its name, what it takes and what arrived.
    """
    app = MockApp(__name__)
    app.config.from_mapping(DEFAULTS)
    app.config.update(from_environ())  # what serve's options mean, parsed alike
    if config:
        app.config.from_mapping(checked(config, others=app.default_config))  # text or Python values, alike
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
        routing.bp,
        acd.bp,
        analytics.bp,
        oauth.bp,
        process_automation.bp,
    ):
        app.register_blueprint(blueprint)
    openapi.init_app(app)
    if app.config["ADMIN"]:
        control_views.init_app(app, paths.admin_prefix)
        console.init_app(app, paths)
    # The WSGI layers, innermost first: the fast path answers stored conversations before Flask;
    # the control middleware wraps both, so the journal and faults see every API request alike;
    # the guard refuses what web pages must not send before anything runs or is recorded; CORS,
    # outermost, answers preflights and gives every API answer, a refusal too, its headers. Each
    # outer layer hands requests without a body to the next one's answer_bodyless (serve's path).
    reads = ConversationReads(app.wsgi_app, app, backend)
    control = ControlLayer(
        reads,
        Controls(
            journal=backend.journal,
            faults=backend.faults,
            limiter=backend.limiter,
            stubs=backend.stubs,
            clock=backend.clock,
            sync=backend.store.sync,
        ),
        exempt=paths.exempt,
        max_body=int(app.config["MAX_CONTENT_LENGTH"]),
        reads=StoredReads(reads.readable, backend.store.read_journaled, backend.store.aread_journaled),
    )
    guard = WebGuard(
        control,
        allowed_hosts=app.config["ALLOWED_HOSTS"],
        admin_prefix=paths.admin_prefix,
        bodyless=control.answer_bodyless,
    )
    app.wsgi_app = Cors(guard, bodyless=guard.answer_bodyless)  # type: ignore[method-assign]
    return app
