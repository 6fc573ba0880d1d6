"""What every control view shares: its registration at a route of the table, its body decoded and checked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint

from mockserver.control.route_table import ControlRoute
from mockserver.control.rules import check_declared_bounds
from mockserver.web.openapi import operation
from mockserver.web.openapi.operation import F
from mockserver.web.wire import decode_body


def control_view(blueprint: Blueprint, route: ControlRoute, **described: Any) -> Callable[[F], F]:
    """Register a view at its route of ``ControlRoutes`` (the table ``AdminClient`` calls too).

    ``described`` is the view's ``operation`` in the document, tagged admin (its token and faults
    follow from its path).
    """

    def decorate(view: F) -> F:
        operation(tag="admin", **described)(view)
        blueprint.route(route.rule, methods=[route.method])(view)
        return view

    return decorate


def decode_checked(model: type[Any]) -> Any:
    """The body as ``model``, its declared bounds checked: every violation named by its path."""
    body = decode_body(model)
    check_declared_bounds(body)
    return body
