"""The console: web pages of the mock's state under ``{ADMIN_PREFIX}/ui``, served by the mock itself.

Server-rendered (Flask's Jinja templates, shipped as package data) with one small script that
refreshes a page as the mock moves and copies a request as curl: no build step, nothing to
install. The pages read what the control API reads (the backend's conversations, journal,
notifications, faults, stubs, rate limit, clock) and write through the backend as its views do.
``views`` answers, ``access`` keeps the admin token's cookie, ``rows`` and ``timeline`` shape
what the pages show.
"""

from __future__ import annotations

from flask import Flask

from mockserver.config import Paths
from mockserver.console import views


def init_app(app: Flask, paths: Paths) -> None:
    """Serve the console under ``paths.console_prefix``."""
    app.register_blueprint(views.bp, url_prefix=paths.console_prefix)
