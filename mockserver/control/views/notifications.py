"""The control API's notifications: what was pushed to which channel, and ``socket_closing`` on demand.

Views only, as in the other ``views``: the channels and their log are the backend's.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, request

from mockserver.control.models import NotificationList, SocketClosingRequest, SocketClosingResult
from mockserver.control.route_table import ControlRoutes
from mockserver.control.views.shared import control_view, decode_checked
from mockserver.web.current import backend
from mockserver.web.openapi import QueryParameter
from mockserver.web.wire import json_response

bp = Blueprint("control_notifications", __name__)


@control_view(
    bp,
    ControlRoutes.NOTIFICATIONS,
    summary="The notifications pushed, oldest first (a reset clears them, and removes every channel)",
    operation_id="adminNotifications",
    responses={200: NotificationList},
    query=(
        QueryParameter("channelId", "Only those pushed to this channel.", {"type": "string"}),
        QueryParameter("topic", "Only those of this topic.", {"type": "string"}),
    ),
)
def notifications() -> Response:
    pushed = backend().notifications.pushed(
        channel_id=request.args.get("channelId"), topic=request.args.get("topic")
    )
    return json_response(NotificationList(notifications=tuple(pushed)))


@control_view(
    bp,
    ControlRoutes.SOCKET_CLOSING,
    summary="Send v2.system.socket_closing to every connected socket (or one channel's); they stay open",
    operation_id="adminSocketClosing",
    request=SocketClosingRequest,
    responses={200: SocketClosingResult},
    errors=(404,),
)
def socket_closing() -> Response:
    wanted: SocketClosingRequest = decode_checked(SocketClosingRequest)
    told = backend().notifications.socket_closing(wanted.channel_id, g.correlation_id)
    return json_response(SocketClosingResult(channel_ids=tuple(told)))
