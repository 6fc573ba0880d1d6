"""The application factory: ``create_app(config)`` wires the parts together."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app

from mockserver import admin, auth, callbacks, campaigns, conversations, errors, openapi, state
from mockserver.wire import raw_json

DEFAULTS: dict[str, Any] = {
    "SEED": 0,  # seed of the generated dataset
    "CONVERSATIONS": 50,  # conversations generated at start and restored by every reset
    "NOW": None,  # a fixed clock (datetime) for reproducible data; None is the real time
    "TOKENS": (),  # accepted bearer tokens; empty accepts any bearer token
    "MAX_CONTENT_LENGTH": 1024 * 1024,  # larger request bodies get 413
    "ADMIN": True,  # serve the control API
    "ADMIN_PREFIX": "/__admin",  # where the control API lives
    "ADMIN_TOKEN": None,  # if set, the control API's bearer token
    "JOURNAL": True,  # record every API request for the control API to show and verify
    "JOURNAL_LIMIT": 10_000,  # requests kept; the oldest go first
    "RATE_LIMIT": None,  # {"requests": N, "windowSeconds": W}: a budget per bearer token
}


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create a mock Genesys Cloud server for callback conversations.

    ``config`` overrides ``DEFAULTS``; any key may also come from ``CALLBACK_MOCK_*`` variables.
    """
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("CALLBACK_MOCK")
    if config:
        app.config.from_mapping(config)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    errors.init_app(app)
    auth.init_app(app)
    state.init_app(app)
    for blueprint in (conversations.bp, callbacks.bp, campaigns.bp):
        app.register_blueprint(blueprint)
    app.add_url_rule("/openapi.json", "openapi", _openapi)
    admin.init_app(app)
    return app


def _openapi() -> Response:
    """The OpenAPI 3.1 document of this app's routes (no token needed)."""
    return raw_json(openapi.dumps(current_app._get_current_object()))  # type: ignore[attr-defined]
