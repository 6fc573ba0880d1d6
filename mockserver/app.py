"""The application factory: ``create_app(config)`` wires the parts together."""

from __future__ import annotations

from typing import Any

from flask import Flask

from mockserver import admin, auth, callbacks, campaigns, conversations, errors, fastpath, state

DEFAULTS: dict[str, Any] = {
    "SEED": 0,  # seed of the generated dataset
    "CONVERSATIONS": 50,  # conversations generated at start and restored by every reset
    "NOW": None,  # a fixed clock (datetime) for reproducible data; None is the real time
    "TOKENS": (),  # accepted bearer tokens; empty accepts any bearer token
    "MAX_CONTENT_LENGTH": 1024 * 1024,  # larger request bodies get 413
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
    for blueprint in (conversations.bp, callbacks.bp, campaigns.bp, admin.bp):
        app.register_blueprint(blueprint)
    fastpath.init_app(app)
    return app
