"""The control API's body rules beyond what the contract decodes: each broken one an ``ApiError``.

The views decode a body (``views.shared.decode_checked``) and call these; they know nothing of
HTTP, so they are tested and read apart from Flask. Every error names its field as a JSON path.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from contracts import Detail, check_bounds, conflicting, server_assigned
from mockserver.control.matchers import MatchError, RequestMatch, check_match
from mockserver.control.models import (
    HEADER_NAME,
    HEADER_VALUE,
    HOP_BY_HOP,
    HOP_BY_HOP_PREFIX,
    Fault,
    FaultKind,
    Stub,
)
from mockserver.control.patterns import path_error
from mockserver.control.stubs import StubAnswer
from mockserver.state.errors import ApiError


def check_declared_bounds(body: Any) -> None:
    """The bounds ``body``'s model declares: every violation named by its path, in one 400."""
    broken = check_bounds(body)
    if broken:
        messages = [f"{path} must be {expectation}; got {value!r}." for path, expectation, value in broken]
        details = tuple(Detail(error_code="invalid.value", field_name=path) for path, _, _ in broken)
        raise ApiError(400, "invalid.value", " ".join(messages), details=details)


def check_traits(traits: Iterable[str], known: Iterable[str]) -> None:
    """Each trait a seed asks for is one the factory knows."""
    known = tuple(known)
    for index, trait in enumerate(traits):
        if trait not in known:
            raise ApiError.invalid(
                "invalid.value",
                f"$.traits[{index}]",
                f"$.traits[{index}] must be one of {', '.join(known)}; got {trait!r}.",
            )


def check_same_id(given: str | None, wanted: str, path: str) -> None:
    """A body whose id contradicts the path's is a conflict (409): the schema cannot say so."""
    if given is not None and given != wanted:
        message = f"{path} must be the id in the path, {wanted!r}; got {given!r}."
        raise ApiError(409, "conflict", message, details=(Detail(error_code="conflict", field_name=path),))


def check_path(pattern: str, path: str) -> None:
    """``pattern`` (at JSON path ``path``) is a path pattern ``patterns`` reads."""
    problem = path_error(pattern)
    if problem:
        raise ApiError.invalid("invalid.value", path, f"{path}: {problem}; got {pattern!r}.")


def check_matchers(match: RequestMatch | None, path: str = "$.match") -> None:
    """Every matcher of ``match`` (at JSON path ``path``) usable: each broken one a 400 naming its path."""
    if match is None:
        return
    try:
        check_match(match, path)
    except MatchError as error:
        raise ApiError.invalid("invalid.value", error.path, str(error)) from None


def check_fault(fault: Fault) -> None:
    """A fault's rules beyond its declared bounds: what its kind needs and takes."""
    if fault.kind is FaultKind.STATUS and fault.status is None:
        raise ApiError.invalid("constraint.validation", "$.status", "A fault of kind status needs a status.")
    if fault.kind is not FaultKind.STATUS and fault.status is not None:
        raise ApiError.invalid(
            "constraint.validation",
            "$.status",
            f"A fault of kind {fault.kind} takes no status; got {fault.status}.",
        )
    if fault.kind is FaultKind.LATENCY and fault.delay is None:
        raise ApiError.invalid("constraint.validation", "$.delay", "A fault of kind latency needs a delay.")
    if fault.delay is not None:
        missing = fault.delay.missing()
        if missing:
            raise ApiError.invalid(
                "constraint.validation",
                f"$.delay.{missing[0]}",
                f"A {fault.delay.distribution} delay needs {' and '.join(missing)}.",
            )
        if (
            fault.delay.min_ms is not None
            and fault.delay.max_ms is not None
            and fault.delay.min_ms > fault.delay.max_ms
        ):
            raise ApiError.invalid("constraint.validation", "$.delay.maxMs", "maxMs must be at least minMs.")
    if fault.content_type is not None and fault.kind is not FaultKind.CONTENT_TYPE:
        raise ApiError.invalid(
            "constraint.validation",
            "$.contentType",
            f"A fault of kind {fault.kind} takes no contentType; got {fault.content_type!r}.",
        )
    check_matchers(fault.match)
    check_unassigned(fault)


def check_stub(stub: Stub) -> None:
    """A stub's rules beyond its declared bounds (``check_declared_bounds`` checks those, bodyBase64's too).

    Each is declared on ``Stub`` for the document as well: body and bodyBase64 exclusive, the
    headers' patterns, the server-assigned (``readOnly``) fields.
    """
    both = conflicting(stub)
    if both:
        raise ApiError.invalid(
            "constraint.validation", f"$.{both[-1]}", f"A stub takes {' or '.join(both)}, not both."
        )
    for name, value in (stub.headers or {}).items():
        path = f"$.headers[{name!r}]"
        if not HEADER_NAME.fullmatch(name):
            raise ApiError.invalid("invalid.value", path, f"{path}: not a header name; got {name!r}.")
        if not HEADER_VALUE.fullmatch(value):
            message = f"{path} must be printable ASCII without line breaks; got {value!r}."
            raise ApiError.invalid("invalid.value", path, message)
        lowered = name.lower()
        if lowered in HOP_BY_HOP or lowered.startswith(HOP_BY_HOP_PREFIX):
            message = f"{path}: the server frames the answer and keeps the connection; got {name!r}."
            raise ApiError.invalid("invalid.value", path, message)
        length = len(StubAnswer(stub).body) if lowered == "content-length" else None
        if length is not None and value.strip() != str(length):
            message = f"{path} must be the body's length, {length}, or left out; got {value!r}."
            raise ApiError.invalid("invalid.value", path, message)
    check_matchers(stub.match)
    check_unassigned(stub)


def check_unassigned(body: Any) -> None:
    """A body that is also an answer (a stub, a fault) leaves what the server assigns (``readOnly``) alone."""
    given = server_assigned(body)
    if given:
        message = f"The server assigns {', '.join(given)}: leave them out."
        raise ApiError.invalid("invalid.property", f"$.{given[0]}", message)
