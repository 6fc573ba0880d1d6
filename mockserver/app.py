"""The application factory: ``create_app(config)`` wires the parts together."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app

from mockserver import admin, auth, callbacks, campaigns, conversations, errors, fastpath, openapi, state
from mockserver.config import DEFAULTS
from mockserver.wire import raw_json

OPENAPI_DOCUMENT = "callback_mock_openapi"


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
    fastpath.init_app(app)
    admin.init_app(app)  # its middleware wraps the fast path: journal and faults see every request
    return app


def _openapi() -> Response:
    """The OpenAPI 3.1 document of this app's routes (no token needed)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    # The routes are fixed once the app is made: the document is built on first request, then kept.
    document: bytes | None = app.extensions.get(OPENAPI_DOCUMENT)
    if document is None:
        document = app.extensions[OPENAPI_DOCUMENT] = openapi.dumps(app)
    return raw_json(document)
