"""The application factory: ``create_app(config)`` wires the parts together."""

from __future__ import annotations

from typing import Any

from flask import Flask

from mockserver import admin, auth, callbacks, campaigns, conversations, errors, fastpath, state
from mockserver.config import DEFAULTS


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
