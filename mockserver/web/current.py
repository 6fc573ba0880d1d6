"""The backend as the app's Flask extension: attached once by ``create_app``, read by every view."""

from __future__ import annotations

from flask import Flask, current_app

from mockserver.state.backend import Backend

EXTENSION = "callback_mock"


def init_app(app: Flask, backend: Backend) -> None:
    """Attach ``backend``; before any view runs, it runs whatever the clock has made due."""
    app.extensions[EXTENSION] = backend
    app.before_request(backend.engine.catch_up)


def backend() -> Backend:
    """The backend of the current app."""
    current: Backend = current_app.extensions[EXTENSION]
    return current


def backend_of(app: Flask) -> Backend:
    """The backend of ``app``, outside a request."""
    current: Backend = app.extensions[EXTENSION]
    return current
