"""What each view takes and answers, declared beside it with ``@operation`` for the document.

The views (``mockserver.api``, ``mockserver.control``) import this module alone: the document
(``document``) and its links (``links``) read the declarations back from the app's view functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from attrs import field, frozen

from mockserver.state.paging import PAGE_NUMBER_SCHEMA, PAGE_SIZE_SCHEMA

F = TypeVar("F", bound=Callable[..., Any])

_ATTRIBUTE = "openapi_operation"  # where a view function keeps its Operation


@frozen
class QueryParameter:
    """A query parameter an operation reads."""

    name: str
    description: str
    schema: dict[str, Any]


# pageSize and pageNumber, as every paged listing here takes them (mockserver.state.paging checks them).
PAGING = (
    QueryParameter("pageSize", "Page size.", PAGE_SIZE_SCHEMA),
    QueryParameter("pageNumber", "Page number, from 1.", PAGE_NUMBER_SCHEMA),
)


@frozen
class Operation:
    """What one view takes and answers, for the document."""

    summary: str
    operation_id: str
    tag: str
    # The body: a model, or tuple[model, ...] for a JSON array of one.
    request: Any = None
    # Success status -> body: a model, tuple[model, ...] for an array, a WireEnum for a string, None for empty.
    responses: dict[int, Any] = field(factory=dict)
    errors: tuple[int, ...] = ()
    query: tuple[QueryParameter, ...] = ()
    # JSON Schema keywords this route adds to its request model's (``{"properties": {"state":
    # {"const": "disconnected"}}}``): what the route alone takes of a shared model.
    narrowing: dict[str, Any] | None = None
    # Error status -> the route's own codes (x-inin-error-codes) beyond the platform's for that status
    # (``{404: ("conversation.error.conversation.not.found",)}``): what ``drift --routes`` compares.
    codes: dict[int, tuple[str, ...]] = field(factory=dict)


def operation(**kwargs: Any) -> Callable[[F], F]:
    """Attach an ``Operation`` to a view function."""
    described = Operation(**kwargs)

    def decorate(view: F) -> F:
        setattr(view, _ATTRIBUTE, described)
        return view

    return decorate


def declared(view: Callable[..., Any]) -> Operation | None:
    """The ``Operation`` attached to ``view``, or None for an undocumented route."""
    described: Operation | None = getattr(view, _ATTRIBUTE, None)
    return described
