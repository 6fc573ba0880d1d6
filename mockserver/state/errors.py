"""The state's errors and the API's: ``ApiError`` (a status, a code, a message, details) and the codes of each status.

``StateError`` is the base of the state's errors (``clock.ClockError`` and ``lifecycle.StepError``
too). The backend and the views raise them; ``handlers`` turns each into the API's ErrorBody with the
request's correlation id. Nothing here needs Flask, so the backend can raise them too.
"""

from __future__ import annotations

from http import HTTPStatus

from contracts import ContractError, Detail, ErrorBody, ProblemKind
from mockserver.state import StateError

# The API's code and message for the statuses Werkzeug raises on its own.
_HTTP_CODES: dict[int, tuple[str, str]] = {
    400: ("bad.request", "The request could not be understood by the server due to malformed syntax."),
    401: ("authentication.required", "No authentication bearer token specified in authorization header."),
    403: ("not.authorized", "You are not authorized to perform the requested action."),
    404: ("not.found", "The requested resource was not found."),
    405: ("method.not.allowed", "The requested method is not allowed on this resource."),
    408: (
        "client.timeout",
        "The client did not produce a request within the time the server was prepared to wait.",
    ),
    413: ("request.entity.too.large", "The request is over the size limit."),
    415: (
        "unsupported.media.type",
        "Unsupported Media Type - Unsupported or incorrect media type, such as an incorrect character set.",
    ),
    429: (
        "too.many.requests.retry.after",
        "Rate limit exceeded the maximum. Retry the request in [1] seconds",
    ),
    500: (
        "internal.server.error",
        "The server encountered an unexpected condition which prevented it from fulfilling the request.",
    ),
    503: (
        "service.unavailable",
        "Service Unavailable - The server is currently unavailable (because it is overloaded or down for maintenance).",
    ),
    504: ("request.timeout", "The request timed out."),
}

_PROBLEM_CODES = {
    ProblemKind.DATE: "invalid.date",
    ProblemKind.UNKNOWN_FIELD: "invalid.property",
    ProblemKind.MISSING: "constraint.validation",
    ProblemKind.SYNTAX: "bad.request",
}
# The codes a body that fails validation is answered with (a 400's details), on any route that reads one.
VALIDATION_CODES = frozenset({*_PROBLEM_CODES.values(), "invalid.value"})
_DATE_MESSAGE = "Dates must be specified as ISO-8601 strings. For example: yyyy-MM-ddTHH:mm:ss.SSSZ"


# The route-specific codes of an unknown conversation and of a conversation with no such callback.
CONVERSATION_NOT_FOUND = "conversation.error.conversation.not.found"
CALLBACK_NOT_FOUND = "callback.error.callback.not.found"


class ApiError(StateError):
    """An error the API answers with an ErrorBody: a status, a code and what went wrong."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        details: tuple[Detail, ...] = (),
        params: dict[str, str] | None = None,
        entity_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.params = params
        self.entity_id = entity_id

    @classmethod
    def not_found(cls, entity_id: str, code: str | None = None, field: str | None = None) -> ApiError:
        """The 404 of an unknown id: ``not.found``, or a route's own ``code`` (naming the ``field``
        of the body that held the id, if it came in one)."""
        generic, message = _HTTP_CODES[404]
        code = code or generic
        details = () if field is None else (Detail(error_code=code, field_name=field, entity_id=entity_id),)
        return cls(404, code, message, entity_id=entity_id, details=details)

    @classmethod
    def rate_limited(cls, retry_after: int) -> ApiError:
        """The API's 429, telling the client how many seconds to wait (sent as ``Retry-After``)."""
        code, _ = _HTTP_CODES[429]
        message = f"Rate limit exceeded the maximum. Retry the request in [{retry_after}] seconds"
        return cls(429, code, message, params={"retryAfter": str(retry_after)})

    @classmethod
    def unavailable(cls, retry_after: int) -> ApiError:
        """The API's 503 while a backend it needs is down, telling the client when to retry (``Retry-After``)."""
        code, message = _HTTP_CODES[503]
        return cls(503, code, message, params={"retryAfter": str(retry_after)})

    @classmethod
    def invalid(cls, code: str, path: str, message: str) -> ApiError:
        """A request body that decodes but breaks a rule the contract's types cannot express."""
        return cls(400, code, message, details=(Detail(error_code=code, field_name=path),))

    @classmethod
    def malformed(cls, problem: str, line: int, column: int) -> ApiError:
        """A request body that is not JSON: the API's generic 400, with where the parser stopped.

        The position (in the message and in messageParams ``line``, ``column``, ``problem``) is
        the mock's addition; the real API answers the generic message alone (inferred).
        """
        code, message = _HTTP_CODES[400]
        where = f"line {line}, column {column}: {problem}"
        params = {"line": str(line), "column": str(column), "problem": problem}
        return cls(400, code, f"{message} At {where}", params=params)

    @classmethod
    def from_contract(cls, error: ContractError) -> ApiError:
        """A request body that does not match the contract: one detail per problem."""
        details = tuple(
            Detail(error_code=_PROBLEM_CODES.get(problem.kind, "invalid.value"), field_name=problem.path)
            for problem in error.problems
        )
        code = details[0].error_code or "invalid.value"
        first = error.problems[0]
        message = _DATE_MESSAGE if code == "invalid.date" else "; ".join(error.errors)
        params = {"field": first.path, "expected": first.expected, "got": first.got}
        return cls(400, code, message, details=details, params=params)

    def body(self, context_id: str) -> ErrorBody:
        """The ErrorBody, its ``contextId`` the request's correlation id."""
        return ErrorBody(
            message=self.message,
            code=self.code,
            status=self.status,
            entity_id=self.entity_id,
            message_with_params=self.message,
            message_params=self.params,
            context_id=context_id,
            details=self.details,
            errors=(),
        )


def platform_code(status: int) -> str | None:
    """The code the platform answers ``status`` with on any route (None: a status only routes' own codes use)."""
    entry = _HTTP_CODES.get(status)
    return None if entry is None else entry[0]


def http_error(status: int) -> ApiError:
    """The API's error for a plain HTTP status (a status it has no code for: named after it)."""
    if status in _HTTP_CODES:
        code, message = _HTTP_CODES[status]
    else:
        phrase = status_phrase(status)
        code, message = phrase.lower().replace(" ", ".").replace("-", "."), phrase
    return ApiError(status, code, message)


def status_phrase(status: int) -> str:
    """The reason phrase of ``status`` ("Error" for a number HTTP does not name)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
