"""The control API's view of the server's settings: what it runs with, as the variables say them."""

from __future__ import annotations

import attrs
from flask import Blueprint, Response, current_app

from contracts import unstructure
from mockserver.config import shown
from mockserver.control.models import ServerSettings
from mockserver.control.route_table import ControlRoutes
from mockserver.control.views.shared import control_view
from mockserver.web.wire import json_response

bp = Blueprint("control_settings", __name__)


@control_view(
    bp,
    ControlRoutes.SETTINGS,
    summary="The settings the server runs with, as their variables say them (tokens redacted)",
    operation_id="adminSettings",
    responses={200: ServerSettings},
)
def server_settings() -> Response:
    plain = {  # a Python config may hold a Lifecycle or a RateLimit: their wire form
        name: unstructure(value) if attrs.has(type(value)) else value
        for name, value in current_app.config.items()
    }
    return json_response(ServerSettings(settings=shown(plain)))
