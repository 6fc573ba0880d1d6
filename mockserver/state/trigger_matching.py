"""Which triggers an event fires, and the input their workflow receives: pure functions, no state.

A trigger names a topic as the topics list does, its ids as ``{id}``
(``v2.detail.events.conversation.{id}.acd.start``); an event's topic has the id filled in. Each
match criterion reads the event body at its JSONPath (relative to the body, as Genesys's
``mediaType``; ``$.mediaType`` reads the same), as a stub's matchers read and compare
(``jsonpaths``: RFC 9535, JSON equality), and compares what it finds:
where the path finds several values, one that satisfies the operator is enough; where it finds
none, only ``Exists`` (with ``false``) holds. The operators' meanings beyond their names are inferred
(the API documents the names only): ``Contains`` (a found array or string holds ``value``), ``All``
(a found array holds every one of ``values``), ``Exists`` (``value`` true or false: whether the path
finds anything), ``Size`` (a found array or string has ``value`` items). Nothing here imports Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from attrs import frozen

from contracts import MatchCriteria, MatchOperator, WorkflowDataFormat
from mockserver.state import jsonpaths
from mockserver.state.jsonpaths import same

ID = "{id}"
# Genesys sends the workflow's Json input under this one variable (Architect's ``jsonData``, JSON).
JSON_INPUT = "jsonData"


def topic_keys(topic: str) -> Iterator[str]:
    """The names a trigger may give ``topic`` by: itself, and each of its segments as ``{id}``."""
    yield topic
    segments = topic.split(".")
    for i in range(len(segments)):
        yield ".".join((*segments[:i], ID, *segments[i + 1 :]))


Check = Callable[[Mapping[str, Any]], bool]


def compile_criteria(criteria: Sequence[MatchCriteria]) -> Check:
    """One function that says whether an event body meets every criterion (checked ones: see ``problems``)."""
    checks = [_compiled(criterion) for criterion in criteria]
    return lambda body: all(check(body) for check in checks)


def absolute(path: str) -> str:
    """``path`` from the event body's root: Genesys's relative ``mediaType`` is ``$.mediaType``.

    The one trigger-side step before a path is compiled as every JSONPath is (``jsonpaths``).
    """
    if path.startswith("$"):
        return path
    return f"${path}" if path.startswith("[") else f"$.{path}"


def reader(path: str) -> Callable[[Mapping[str, Any]], list[Any]]:
    """What ``path`` (a JSONPath, relative or not) finds in an event body, as a list."""
    return jsonpaths.compiled(absolute(path)).findall


def _compiled(criterion: MatchCriteria) -> Check:
    find = reader(criterion.json_path or "$")
    operator, value, values = criterion.operator, criterion.value, criterion.values or ()
    if operator is MatchOperator.EXISTS:
        return lambda body: bool(find(body)) is value
    holds = _holds(operator, value, values)
    return lambda body: any(holds(found) for found in find(body))


def _holds(operator: MatchOperator | None, value: Any, values: Sequence[Any]) -> Callable[[Any], bool]:
    if operator is MatchOperator.EQUAL:
        return lambda found: same(found, value)
    if operator is MatchOperator.NOT_EQUAL:
        return lambda found: not same(found, value)
    if operator is MatchOperator.IN:
        return lambda found: any(same(found, v) for v in values)
    if operator is MatchOperator.NOT_IN:
        return lambda found: not any(same(found, v) for v in values)
    if operator is MatchOperator.CONTAINS:
        return lambda found: _contains(found, value)
    if operator is MatchOperator.ALL:
        return lambda found: isinstance(found, list) and all(_contains(found, v) for v in values)
    if operator is MatchOperator.SIZE:
        return lambda found: isinstance(found, (list, str)) and len(found) == value
    compare = _ORDERS[operator]
    return lambda found: _number(found) and compare(found, value)


_ORDERS: dict[MatchOperator | None, Callable[[Any, Any], bool]] = {
    MatchOperator.GREATER_THAN: lambda a, b: a > b,
    MatchOperator.GREATER_THAN_OR_EQUAL: lambda a, b: a >= b,
    MatchOperator.LESS_THAN: lambda a, b: a < b,
    MatchOperator.LESS_THAN_OR_EQUAL: lambda a, b: a <= b,
}


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _contains(found: Any, value: Any) -> bool:
    if isinstance(found, list):
        return any(same(item, value) for item in found)
    return isinstance(found, str) and isinstance(value, str) and value in found


@frozen
class Problem:
    """A rule a criterion breaks: where (a JSON path of the request body), and what is wrong."""

    path: str
    message: str


_LISTED = frozenset({MatchOperator.IN, MatchOperator.NOT_IN, MatchOperator.ALL})


def problems(criteria: Sequence[MatchCriteria], at: str = "$.matchCriteria") -> list[Problem]:
    """What is wrong with ``criteria`` (empty: nothing), each at its JSON path in the body."""
    found: list[Problem] = []
    for i, criterion in enumerate(criteria):
        here = f"{at}[{i}]"
        found.extend(_problems(criterion, here))
    return found


def _problems(criterion: MatchCriteria, here: str) -> Iterator[Problem]:
    if not criterion.json_path:
        yield Problem(f"{here}.jsonPath", "a JSONPath is required")
    else:
        try:
            jsonpaths.compiled(absolute(criterion.json_path))
        except jsonpaths.JSONPathError as error:
            first = str(error).splitlines()[0]
            yield Problem(f"{here}.jsonPath", f"a valid JSONPath is required ({first})")
    operator = criterion.operator
    if operator is None:
        yield Problem(f"{here}.operator", "an operator is required")
        return
    if criterion.value is not None and criterion.values is not None:
        yield Problem(f"{here}.values", "only one of value and values can be included")
        return
    if operator in _LISTED:
        if not criterion.values:
            yield Problem(f"{here}.values", f"{operator} needs a non-empty values list")
        return
    value: Any = criterion.value
    if value is None:
        yield Problem(f"{here}.value", f"{operator} needs a value")
    elif operator is MatchOperator.EXISTS and not isinstance(value, bool):
        yield Problem(f"{here}.value", f"Exists needs true or false; got {value!r}")
    elif operator is MatchOperator.SIZE and not (_number(value) and value >= 0 and float(value).is_integer()):
        yield Problem(f"{here}.value", f"Size needs a whole number of at least 0; got {value!r}")
    elif operator in _ORDERS and not _number(value):
        yield Problem(f"{here}.value", f"{operator} needs a number; got {value!r}")


def workflow_input(body: Mapping[str, Any], data_format: WorkflowDataFormat) -> dict[str, Any]:
    """What the workflow receives: the whole event as ``jsonData`` (Json), or its top-level primitives.

    Genesys's documentation: "For JSON data format, the entire event is sent to the workflow as a
    JSON object. The workflow must be configured to have an input variable named jsonData";
    "the top-level primitives such as strings, enums, numbers, and Boolean are sent to the workflow".
    """
    if data_format is WorkflowDataFormat.JSON:
        return {JSON_INPUT: dict(body)}
    return {key: value for key, value in body.items() if isinstance(value, (str, int, float, bool))}


class Sieve:
    """The triggers of one topic, narrowed for an event by the value of their most telling equality.

    Each trigger with an ``Equal`` criterion on a path of names and a string value is filed under
    that value, by the one of its criteria whose path tells the triggers apart best (the most
    distinct values among them); the others are always candidates. An event's candidates are then
    the triggers filed under its values plus those, in the triggers' order: what is left to check in
    full, so 100 triggers that each name their own queue cost one check, not 100.
    """

    def __init__(self, entries: Sequence[tuple[Any, Sequence[MatchCriteria]]]) -> None:
        distinct: dict[tuple[str, ...], set[str]] = {}
        for _, criteria in entries:
            for keys, value in _equalities(criteria):
                distinct.setdefault(keys, set()).add(value)
        self._filed: dict[tuple[str, ...], dict[str, list[tuple[int, Any]]]] = {}
        self._always: list[tuple[int, Any]] = []
        for position, (item, criteria) in enumerate(entries):
            best = max(_equalities(criteria), key=lambda pair: len(distinct[pair[0]]), default=None)
            if best is None:
                self._always.append((position, item))
            else:
                self._filed.setdefault(best[0], {}).setdefault(best[1], []).append((position, item))

    def candidates(self, body: Mapping[str, Any]) -> list[Any]:
        found = list(self._always)
        for keys, by_value in self._filed.items():
            node: Any = body
            for key in keys:
                node = node.get(key) if isinstance(node, dict) else None
            if isinstance(node, str):
                found.extend(by_value.get(node, ()))
        if len(found) > 1:
            found.sort(key=lambda pair: pair[0])
        return [item for _, item in found]


def _equalities(criteria: Sequence[MatchCriteria]) -> Iterator[tuple[tuple[str, ...], str]]:
    """The criteria an event must meet by a string's equality at a path of names: (the names, the string)."""
    for criterion in criteria:
        if criterion.operator is MatchOperator.EQUAL and isinstance(criterion.value, str):
            try:
                keys = jsonpaths.compiled(absolute(criterion.json_path or "$")).keys
            except jsonpaths.JSONPathError:
                continue  # refused where the trigger is made: never filed
            if keys and all(isinstance(key, str) for key in keys):
                yield tuple(str(key) for key in keys), criterion.value
