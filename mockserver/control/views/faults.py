"""The control API's views of faults and the rate limit: list, add, remove, set, lift.

Views only: a fault's rules are ``rules``', the faults and the limiter the backend's; the
control layer (``control.middleware``) carries them out on API requests.
"""

from __future__ import annotations

from flask import Blueprint, Response

from mockserver.control.models import Fault, FaultList, RateLimit
from mockserver.control.route_table import ControlRoutes
from mockserver.control.rules import check_fault, check_path
from mockserver.control.views.shared import control_view, decode_checked
from mockserver.state.errors import ApiError
from mockserver.web.current import backend
from mockserver.web.wire import json_response

bp = Blueprint("control_faults", __name__)


@control_view(
    bp,
    ControlRoutes.FAULTS,
    summary="The active faults",
    operation_id="adminFaults",
    responses={200: FaultList},
)
def faults() -> Response:
    return json_response(backend().faults.listing())


@control_view(
    bp,
    ControlRoutes.ADD_FAULT,
    summary="Inject a fault into matching requests",
    operation_id="adminAddFault",
    request=Fault,
    responses={201: Fault},
)
def add_fault() -> Response:
    fault: Fault = decode_checked(Fault)
    check_path(fault.path, "$.path")
    check_fault(fault)
    return json_response(backend().faults.add(fault), 201)


@control_view(
    bp,
    ControlRoutes.CLEAR_FAULTS,
    summary="Remove every fault",
    operation_id="adminClearFaults",
    responses={204: None},
)
def clear_faults() -> Response:
    backend().faults.clear()
    return Response(status=204)


@control_view(
    bp,
    ControlRoutes.REMOVE_FAULT,
    summary="Remove one fault",
    operation_id="adminRemoveFault",
    responses={204: None},
)
def remove_fault(fault_id: str) -> Response:
    if not backend().faults.remove(fault_id):
        raise ApiError.not_found(fault_id)
    return Response(status=204)


@control_view(
    bp,
    ControlRoutes.RATE_LIMIT,
    summary="The rate limit in force",
    operation_id="adminRateLimit",
    responses={200: RateLimit},
    errors=(404,),
)
def rate_limit() -> Response:
    limit = backend().limiter.limit
    if limit is None:
        raise ApiError.not_found("rate-limit")
    return json_response(limit)


@control_view(
    bp,
    ControlRoutes.SET_RATE_LIMIT,
    summary="Limit each bearer token to so many requests per window",
    operation_id="adminSetRateLimit",
    request=RateLimit,
    responses={200: RateLimit},
)
def set_rate_limit() -> Response:
    limit: RateLimit = decode_checked(RateLimit)
    backend().limiter.set(limit)
    return json_response(limit)


@control_view(
    bp,
    ControlRoutes.CLEAR_RATE_LIMIT,
    summary="Lift the rate limit",
    operation_id="adminClearRateLimit",
    responses={204: None},
)
def clear_rate_limit() -> Response:
    backend().limiter.set(None)
    return Response(status=204)
