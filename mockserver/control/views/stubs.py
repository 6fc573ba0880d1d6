"""The control API's views of stubs: list, add, remove.

Views only: a stub's rules are ``rules``', the stubs the backend's; the control layer
(``control.middleware``) answers API requests with them.
"""

from __future__ import annotations

from flask import Blueprint, Response

from mockserver.control.models import Stub, StubList
from mockserver.control.route_table import ControlRoutes
from mockserver.control.rules import check_path, check_stub
from mockserver.control.views.shared import control_view, decode_checked
from mockserver.state.errors import ApiError
from mockserver.web.current import backend
from mockserver.web.wire import json_response

bp = Blueprint("control_stubs", __name__)


@control_view(
    bp,
    ControlRoutes.STUBS,
    summary="The stubs, in the order they are tried, with their hit counts",
    operation_id="adminStubs",
    responses={200: StubList},
)
def stubs() -> Response:
    return json_response(backend().stubs.listing())


@control_view(
    bp,
    ControlRoutes.ADD_STUB,
    summary="Answer matching API requests with exactly this status, headers and body",
    operation_id="adminAddStub",
    request=Stub,
    responses={201: Stub},
)
def add_stub() -> Response:
    stub: Stub = decode_checked(Stub)
    check_path(stub.path, "$.path")
    check_stub(stub)
    return json_response(backend().stubs.add(stub), 201)


@control_view(
    bp,
    ControlRoutes.CLEAR_STUBS,
    summary="Remove every stub",
    operation_id="adminClearStubs",
    responses={204: None},
)
def clear_stubs() -> Response:
    backend().stubs.clear()
    return Response(status=204)


@control_view(
    bp,
    ControlRoutes.REMOVE_STUB,
    summary="Remove one stub",
    operation_id="adminRemoveStub",
    responses={204: None},
)
def remove_stub(stub_id: str) -> Response:
    if not backend().stubs.remove(stub_id):
        raise ApiError.not_found(stub_id)
    return Response(status=204)
