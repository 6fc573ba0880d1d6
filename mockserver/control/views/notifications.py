"""The control API's notifications: what was pushed to which channel, ``socket_closing`` on demand, and the
event-bus sink of the detail events (its target and every attempt to deliver to it).

Views only, as in the other ``views``: the channels and their log are the backend's.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, request

from mockserver import config_parsers
from mockserver.control.models import (
    EventSinkTarget,
    NotificationList,
    SinkDeliveryList,
    SocketClosingRequest,
    SocketClosingResult,
)
from mockserver.control.route_table import ControlRoutes
from mockserver.control.views.shared import control_view, decode_checked
from mockserver.state.errors import ApiError
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


@control_view(
    bp,
    ControlRoutes.SET_EVENT_SINK,
    summary="Forward every detail event to a URL, in the EventBridge envelope of Genesys's partner source",
    operation_id="adminSetEventSink",
    request=EventSinkTarget,
    responses={200: EventSinkTarget},
)
def set_event_sink() -> Response:
    target: EventSinkTarget = decode_checked(EventSinkTarget)
    try:
        config_parsers.http_url(target.url)
    except ValueError as wrong:
        raise ApiError.invalid(
            "invalid.value", "$.url", f"$.url must be {wrong}; got {target.url!r}."
        ) from None
    backend().event_sink.set(target)
    return json_response(target)


@control_view(
    bp,
    ControlRoutes.CLEAR_EVENT_SINK,
    summary="Forward detail events nowhere (a reset returns to EVENT_SINK's)",
    operation_id="adminClearEventSink",
    responses={204: None},
)
def clear_event_sink() -> Response:
    backend().event_sink.set(None)
    return Response(status=204)


@control_view(
    bp,
    ControlRoutes.EVENT_SINK_DELIVERIES,
    summary="Every attempt to deliver a detail event to the sink, oldest first (a reset clears them)",
    operation_id="adminEventSinkDeliveries",
    responses={200: SinkDeliveryList},
)
def event_sink_deliveries() -> Response:
    return json_response(SinkDeliveryList(deliveries=tuple(backend().event_sink.deliveries())))
