"""The control API's clock and lifecycle: move time, choose how conversations live, move one on.

Views only, as in the other ``views``: the backend owns the clock, the schedule and their rules.
"""

from __future__ import annotations

from flask import Blueprint, Response

from contracts import Conversation
from mockserver.control.models import Advance, ClockChange, ClockState, Lifecycle
from mockserver.control.route_table import ControlRoutes
from mockserver.control.views.shared import control_view, decode_checked
from mockserver.state.lifecycle import PATHS
from mockserver.web.current import backend
from mockserver.web.wire import json_response

bp = Blueprint("control_clock", __name__)


@control_view(
    bp,
    ControlRoutes.CLOCK,
    summary="The server's clock",
    operation_id="adminClock",
    responses={200: ClockState},
)
def clock() -> Response:
    return json_response(backend().clock_state())


@control_view(
    bp,
    ControlRoutes.MOVE_CLOCK,
    summary="Jump, advance, freeze or thaw the clock; every step that falls due runs, in time order",
    operation_id="adminMoveClock",
    request=ClockChange,
    responses={200: ClockState},
)
def move_clock() -> Response:
    change: ClockChange = decode_checked(ClockChange)
    return json_response(backend().move_clock(change))


@control_view(
    bp,
    ControlRoutes.LIFECYCLE,
    summary="How conversations live",
    operation_id="adminLifecycle",
    responses={200: Lifecycle},
)
def lifecycle() -> Response:
    return json_response(backend().engine.settings)


@control_view(
    bp,
    ControlRoutes.SET_LIFECYCLE,
    summary="Set how conversations live (their next steps are planned again)",
    operation_id="adminSetLifecycle",
    request=Lifecycle,
    responses={200: Lifecycle},
)
def set_lifecycle() -> Response:
    settings: Lifecycle = decode_checked(Lifecycle)
    return json_response(backend().set_lifecycle(settings))


@control_view(
    bp,
    ControlRoutes.ADVANCE,
    summary="Move one conversation on to a stage of its life, keeping its ids and timeline",
    operation_id="adminAdvanceConversation",
    request=Advance,
    narrowing={"properties": {"to": {"enum": list(PATHS)}}},  # the stages the backend takes
    responses={200: Conversation},
    errors=(409,),  # a stage the conversation cannot reach from where it is
)
def advance(conversation_id: str) -> Response:
    wanted: Advance = decode_checked(Advance)
    return json_response(backend().advance(conversation_id, wanted.to))
