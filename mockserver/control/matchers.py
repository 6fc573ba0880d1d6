"""Request matchers: what a stub, a fault or a verification asks of a request beyond its method and path.

A ``RequestMatch`` holds matchers on query parameters, headers and the JSON body. Each matcher is
one test of a value (``ValueMatcher``): ``equalTo``, ``matches`` (a regex found in the text),
``doesNotMatch``, ``contains`` or ``exists``; none (``{}``) asks only that the value be present. A body matcher (``BodyMatcher``) tests the whole
body, or with ``jsonPath`` the values an RFC 9535 JSONPath selects (``state.jsonpaths``: read and
compared as the triggers' match criteria read and compare); a JSONPath alone, or one with a filter (``$.a[?@.b > 1]``), is a
predicate: it holds when the path selects something. Every matcher must hold.

``check_match`` validates one on creation (``MatchError`` names its JSON path); ``differences``
says what keeps a request from matching, over a ``Inbound`` view: a live request (``LiveRequest``,
read lazily from the WSGI environ) or a journaled one. Nothing here imports Flask.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any, Protocol
from urllib.parse import parse_qs

from attrs import frozen

from contracts import check_bounds, described, mutually_exclusive
from mockserver.errors import MockServerError
from mockserver.state.jsonpaths import JSONPathError, compiled, same

OPERATORS = ("equalTo", "matches", "doesNotMatch", "contains", "exists")
_NOT_JSON = object()  # a body that is no JSON document


@frozen
class _Tests:
    """The tests a matcher shares, whatever it tests (``ValueMatcher``, ``BodyMatcher``)."""

    matches: str | None = described(
        "A regular expression (Python's re) found in the text: anchor it with ^ and $ to match the whole.",
        None,
        maxLength=1000,
    )
    does_not_match: str | None = described(
        "A regular expression found in none of the values.", None, maxLength=1000
    )
    contains: str | None = described("Text the value contains.", None)
    exists: bool | None = described(
        "true: the value is present (a JSONPath selects something, a body is not empty); false: absent.",
        None,
    )


@mutually_exclusive(*OPERATORS)
@frozen
class ValueMatcher(_Tests):
    """A test of a query parameter or header: one of equalTo, matches, doesNotMatch, contains, exists
    (none: present)."""

    equal_to: str | None = described("The text it equals.", None)


@mutually_exclusive(*OPERATORS)
@frozen
class BodyMatcher(_Tests):
    """A test of the JSON body, or with jsonPath of the values a JSONPath selects in it: one of
    equalTo, matches, doesNotMatch, contains, exists (none: present)."""

    equal_to: Any = described(
        "The JSON value it equals (compared as JSON: 1 is 1.0, true is not 1; null is not taken).",
        None,
        **{"not": {"type": "null"}},  # type: ignore[arg-type]
    )
    json_path: str | None = described(
        "An RFC 9535 JSONPath into the JSON body ($.queueId, $.callbackNumbers[0], $.a[?@.b > 1]); the "
        "test holds if one of the values it selects passes (doesNotMatch: if none matches); with no "
        "test, if the path selects something. Absent: the test is of the whole body (equalTo: its "
        "JSON; matches, doesNotMatch, contains: its text; exists: whether it is empty).",
        None,
        minLength=1,
        maxLength=1000,
    )


Matcher = ValueMatcher | BodyMatcher


@frozen
class RequestMatch:
    """What a request must carry beyond its method and path: every matcher given must hold."""

    query: dict[str, ValueMatcher] | None = described(
        "Query parameters, by name: one of a parameter's values must pass (doesNotMatch: none may match).",
        None,
    )
    headers: dict[str, ValueMatcher] | None = described("Request headers, by name (in any case).", None)
    body: tuple[BodyMatcher, ...] | None = described("Tests of the JSON body.", None, minItems=1)


class MatchError(MockServerError, ValueError):
    """A matcher that cannot be used: ``path`` is its JSON path, the message what is wrong."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path


def check_match(match: RequestMatch, path: str) -> None:
    """Every matcher of ``match`` (at JSON path ``path``) usable: one operator, a regex and JSONPath that compile."""
    for kind in ("query", "headers"):
        for name, matcher in (getattr(match, kind) or {}).items():
            _check(matcher, f"{path}.{kind}[{name!r}]")
    for index, matcher in enumerate(match.body or ()):
        _check(matcher, f"{path}.body[{index}]")


def _check(matcher: Matcher, path: str) -> None:
    for field, expectation, value in check_bounds(matcher, path):
        raise MatchError(field, f"{field} must be {expectation}; got {value!r}.")
    given = _operators(matcher)
    json_path = matcher.json_path if isinstance(matcher, BodyMatcher) else None
    if len(given) > 1:
        message = f"{path} takes one of {', '.join(OPERATORS)} at most; got {' and '.join(given)}."
        raise MatchError(f"{path}.{given[1]}", message)
    for name, regex in (("matches", matcher.matches), ("doesNotMatch", matcher.does_not_match)):
        if regex is not None:
            try:
                _regex(regex)
            except re.error as error:
                raise MatchError(
                    f"{path}.{name}", f"{path}.{name}: not a regular expression ({error}); got {regex!r}."
                ) from None
    if json_path is not None:
        try:
            compiled(json_path)
        except JSONPathError as error:
            problem = str(error.args[0]) if error.args else type(error).__name__
            raise MatchError(
                f"{path}.jsonPath", f"{path}.jsonPath: not a JSONPath ({problem}); got {json_path!r}."
            ) from None


def _operators(matcher: Matcher) -> list[str]:
    values = (matcher.equal_to, matcher.matches, matcher.does_not_match, matcher.contains, matcher.exists)
    return [name for name, value in zip(OPERATORS, values, strict=True) if value is not None]


@lru_cache(maxsize=1024)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# Matching


class Inbound(Protocol):
    """A request as matchers see it."""

    verdicts: dict[int, bool]  # by the id of each match asked of it: a stub is tried twice a pick

    def query_values(self, name: str) -> tuple[str, ...] | None: ...
    def header(self, name: str) -> str | None: ...
    def text(self) -> str: ...
    def document(self) -> Any: ...  # the body's JSON, or _NOT_JSON


class LiveRequest:
    """A request being answered, read from its WSGI environ only as far as a matcher asks."""

    __slots__ = ("_body", "_document", "_query", "_read", "environ", "verdicts")

    def __init__(self, environ: Any, read: Callable[[], bytes]) -> None:
        self.environ = environ
        self.verdicts: dict[int, bool] = {}
        self._read = read  # the body, put back for the API (``recording.take_body``)
        self._body: bytes | None = None
        self._query: dict[str, list[str]] | None = None
        self._document: Any = None

    def body(self) -> bytes:
        if self._body is None:
            self._body = self._read()
        return self._body

    def query_values(self, name: str) -> tuple[str, ...] | None:
        if self._query is None:
            self._query = parse_qs(self.environ.get("QUERY_STRING", ""), keep_blank_values=True)
        values = self._query.get(name)
        return None if values is None else tuple(values)

    def header(self, name: str) -> str | None:
        key = name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        value: str | None = self.environ.get(key)
        return value

    def text(self) -> str:
        return self.body().decode("utf-8", "replace")

    def document(self) -> Any:
        if self._document is None:
            self._document = _parsed(self.body())
        return self._document


class RecordedView:
    """A journaled request, by its query (each name's values), headers and body text, as matchers see it:
    a ``RecordedRequest``'s, or the control API's JSON of one."""

    __slots__ = ("_body", "_document", "_headers", "_query", "verdicts")

    def __init__(self, query: Mapping[str, Sequence[str]], headers: Mapping[str, str], body: str) -> None:
        self._query = query
        self._headers = {key.lower(): value for key, value in headers.items()}
        self._body = body
        self.verdicts: dict[int, bool] = {}
        self._document: Any = None

    def query_values(self, name: str) -> tuple[str, ...] | None:
        values = self._query.get(name)
        return None if values is None else tuple(values)

    def header(self, name: str) -> str | None:
        return self._headers.get(name.lower())

    def text(self) -> str:
        return self._body

    def document(self) -> Any:
        if self._document is None:
            self._document = _parsed(self._body.encode())
        return self._document


def _parsed(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return _NOT_JSON


def matches(match: RequestMatch, request: Inbound) -> bool:
    """Whether every matcher of ``match`` holds for ``request`` (asked once a request)."""
    verdict = request.verdicts.get(id(match))
    if verdict is None:
        verdict = request.verdicts[id(match)] = _all_hold(match, request)
    return verdict


def _all_hold(match: RequestMatch, request: Inbound) -> bool:
    for name, matcher in (match.query or {}).items():
        if not _holds(matcher, request.query_values(name), text=True):
            return False
    for name, matcher in (match.headers or {}).items():
        header = request.header(name)
        if not _holds(matcher, None if header is None else (header,), text=True):
            return False
    return all(_body_holds(matcher, request) for matcher in match.body or ())


def differences(match: RequestMatch, request: Inbound) -> list[str]:
    """What keeps ``request`` from matching, one phrase per matcher that fails; empty if it matches."""
    found = []
    for name, matcher in (match.query or {}).items():
        values = request.query_values(name)
        if not _holds(matcher, values, text=True):
            found.append(f"query {name}={list(values or ())} ({describe(matcher)})")
    for name, matcher in (match.headers or {}).items():
        header = request.header(name)
        if not _holds(matcher, None if header is None else (header,), text=True):
            found.append(f"header {name}: {header!r} ({describe(matcher)})")
    for tested in match.body or ():
        if not _body_holds(tested, request):
            found.append(f"body ({describe(tested)})")
    return found


def describe(matcher: Matcher) -> str:
    """The matcher as a phrase: ``$.queueId equalTo 'q-1'``."""
    [operator, *_] = _operators(matcher) or ["exists"]
    value = {
        "equalTo": matcher.equal_to,
        "matches": matcher.matches,
        "doesNotMatch": matcher.does_not_match,
        "contains": matcher.contains,
        "exists": True if matcher.exists is None else matcher.exists,
    }[operator]
    subject = matcher.json_path if isinstance(matcher, BodyMatcher) and matcher.json_path else None
    return f"{subject + ' ' if subject else ''}{operator} {value!r}"


def describe_match(match: RequestMatch) -> list[str]:
    """Each matcher of ``match`` as a phrase, for a verification's message."""
    phrases = [f"query {name} {describe(m)}" for name, m in (match.query or {}).items()]
    phrases += [f"header {name} {describe(m)}" for name, m in (match.headers or {}).items()]
    phrases += [f"body {describe(m)}" for m in match.body or ()]
    return phrases


def _body_holds(matcher: BodyMatcher, request: Inbound) -> bool:
    if matcher.json_path is None:
        if matcher.equal_to is not None:
            return same(request.document(), matcher.equal_to)
        text = request.text()
        return _holds(matcher, (text,) if text else None, text=True)
    document = request.document()
    if document is _NOT_JSON:
        return matcher.exists is False
    found = compiled(matcher.json_path).findall(document)
    return _holds(matcher, tuple(found) if found else None, text=False)


def _holds(matcher: Matcher, values: tuple[Any, ...] | None, *, text: bool) -> bool:
    """Whether ``values`` (None: absent) pass ``matcher``: one of them passes (doesNotMatch: none matches)."""
    if matcher.exists is not None:
        return (values is not None) is matcher.exists
    if values is None:
        return False
    if not _operators(matcher):
        return True  # no test: present is enough
    if matcher.equal_to is not None:
        wanted = matcher.equal_to
        return any(value == wanted if text else same(value, wanted) for value in values)
    if matcher.contains is not None:
        return any(matcher.contains in _as_text(value) for value in values)
    if matcher.matches is not None:
        regex = _regex(matcher.matches)
        return any(regex.search(_as_text(value)) for value in values)
    regex = _regex(matcher.does_not_match or "")
    return not any(regex.search(_as_text(value)) for value in values)


def _as_text(value: Any) -> str:
    """A value as text: a string itself, anything else as its JSON."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
