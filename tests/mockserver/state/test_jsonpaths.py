"""One reading of JSONPath and JSON equality: a trigger's criterion and a stub's matcher agree on every row."""

from __future__ import annotations

import json
from typing import Any

import pytest

from contracts import MatchCriteria, MatchOperator
from mockserver.control.matchers import (
    BodyMatcher,
    MatchError,
    RecordedView,
    RequestMatch,
    check_match,
    matches,
)
from mockserver.state.trigger_matching import compile_criteria, problems

NESTED = {"a": [1, {"b": True}]}

# (a path, a document, a value, whether the path finds the value there)
EQUALITY: list[tuple[str, Any, Any, bool]] = [
    ("$.flags", {"flags": [True]}, [1], False),  # JSON: true is not 1, inside an array too
    ("$.flags", {"flags": [1]}, [True], False),
    ("$.flags", {"flags": [1]}, [1.0], True),
    ("$.n", {"n": 1}, 1.0, True),  # 1 is 1.0
    ("$.n", {"n": 1.0}, 1, True),
    ("$.n", {"n": True}, 1, False),
    ("$.n", {"n": 1}, True, False),
    ("$.n", {"n": "1"}, 1, False),
    ("$.o", {"o": NESTED}, {"a": [1.0, {"b": True}]}, True),  # objects compared deeply
    ("$.o", {"o": NESTED}, {"a": [1, {"b": 1}]}, False),
    ("$.o", {"o": NESTED}, {"a": [1]}, False),
    ("$.list[*]", {"list": [1, 2]}, 2, True),  # one value found is enough
    ("$.list[-1]", {"list": [1, 2]}, 2, True),
    ("$.list[2]", {"list": [1, 2]}, 2, False),
    ("$.a[?@.b == 1].c", {"a": [{"b": 1, "c": "x"}, {"b": 2, "c": "y"}]}, "x", True),
    ("$.a[?@.b == 1].c", {"a": [{"b": 1, "c": "x"}, {"b": 2, "c": "y"}]}, "y", False),
    ("$['b c']", {"b c": "v"}, "v", True),
    ("$.in", {"in": "v"}, "v", True),  # a keyword of the library's, read as a name when rooted
    ("$.missing", {"n": 1}, 1, False),
]

# (a path, whether both take it): RFC 9535 as written, the library's extensions refused by both
PATHS: list[tuple[str, bool]] = [
    ("$.queueId", True),
    ("$.callbackNumbers[*]", True),
    ("$.a[?@.b == true]", True),
    ("$..b", True),
    ("$.a[?@.b =~ /x/]", False),
    ("$.a[?@.b in ['x']]", False),
    ("$.a | $.b", False),
    ("$.a[~]", False),
    ("$[", False),
]


def _trigger_holds(path: str, document: Any, value: Any) -> bool:
    return compile_criteria([MatchCriteria(json_path=path, operator=MatchOperator.EQUAL, value=value)])(
        document
    )


def _stub_holds(path: str, document: Any, value: Any) -> bool:
    match = RequestMatch(body=(BodyMatcher(json_path=path, equal_to=value),))
    return matches(match, RecordedView({}, {}, json.dumps(document)))


@pytest.mark.parametrize(("path", "document", "value", "holds"), EQUALITY)
def test_a_trigger_criterion_and_a_stub_matcher_find_and_compare_alike(
    path: str, document: Any, value: Any, holds: bool
) -> None:
    assert (_trigger_holds(path, document, value), _stub_holds(path, document, value)) == (holds, holds)


@pytest.mark.parametrize(("path", "taken"), PATHS)
def test_a_trigger_criterion_and_a_stub_matcher_take_the_same_paths(path: str, taken: bool) -> None:
    criterion = MatchCriteria(json_path=path, operator=MatchOperator.EXISTS, value=True)
    trigger_takes = not problems([criterion])
    try:
        check_match(RequestMatch(body=(BodyMatcher(json_path=path),)), "$.match")
    except MatchError:
        stub_takes = False
    else:
        stub_takes = True
    assert (trigger_takes, stub_takes) == (taken, taken)
