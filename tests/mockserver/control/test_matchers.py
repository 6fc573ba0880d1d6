"""Matchers on stubs, faults and verifications: a table per kind, on a real socket, and the bad ones refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mockserver.control.client import AdminError
from mockserver.state.jsonpaths import ENVIRONMENT, compiled
from mockserver.testing.server import MockServer
from tests.support.control import AdminRoutes, control_path
from tests.support.live import call
from tests.support.serve import serving_url

STUBBED = "/api/v2/stubbed/{id}"
CALLBACKS = "/api/v2/conversations/callbacks"
BODY: dict[str, Any] = {
    "queueId": "q-1",
    "callbackNumbers": ["+13175550100", "+13175550101"],
    "routingData": {"priority": 3, "skillIds": []},
    "data": {"vip": True, "tier": 2},
}

# (the matcher, the query string of a request it matches, of one it does not)
QUERY = [
    ({"pageSize": {"equalTo": "25"}}, "pageSize=25", "pageSize=250"),
    ({"pageSize": {"equalTo": ""}}, "pageSize=", "pageSize=0"),
    ({"state": {"matches": "^conn"}}, "state=connected", "state=disconnected"),
    ({"state": {"doesNotMatch": "^dis"}}, "state=connected", "state=disconnected"),
    ({"state": {"contains": "nect"}}, "state=connected", "state=ended"),
    ({"state": {"exists": True}}, "state=", "other=1"),
    ({"state": {"exists": False}}, "other=1", "state=x"),
    ({"state": {}}, "state=x", ""),
    ({"id": {"equalTo": "b"}}, "id=a&id=b", "id=a&id=c"),  # one of the values
    ({"id": {"doesNotMatch": "c"}}, "id=a&id=b", "id=a&id=c"),  # none of the values
    ({"a": {"equalTo": "1"}, "b": {"equalTo": "2"}}, "a=1&b=2", "a=1&b=3"),  # every matcher
]
HEADERS = [
    ({"X-Tenant": {"equalTo": "acme"}}, {"X-Tenant": "acme"}, {"X-Tenant": "Acme"}),
    ({"x-tenant": {"equalTo": "acme"}}, {"X-TENANT": "acme"}, {}),  # names in any case
    ({"X-Tenant": {"matches": "^ac.e$"}}, {"X-Tenant": "acme"}, {"X-Tenant": "acmes"}),
    ({"X-Tenant": {"doesNotMatch": "^test"}}, {"X-Tenant": "acme"}, {"X-Tenant": "test-1"}),
    ({"User-Agent": {"contains": "suite/2"}}, {"User-Agent": "suite/2.1"}, {"User-Agent": "suite/1"}),
    ({"X-Trace": {"exists": False}}, {}, {"X-Trace": "1"}),
    (
        {"Content-Type": {"contains": "json"}},
        {"Content-Type": "application/json"},
        {"Content-Type": "text/plain"},
    ),
]
# (the matcher, a body it matches, one it does not)
BODY_EQUALITY: list[tuple[Any, Any, Any]] = [
    ({"equalTo": BODY}, BODY, {**BODY, "queueId": "q-2"}),
    ({"equalTo": [1, 2]}, [1, 2.0], [1, 2, 3]),
    ({"equalTo": {"n": 1}}, {"n": 1.0}, {"n": True}),  # JSON equality: true is not 1
    ({"contains": '"queueId"'}, BODY, {"other": 1}),
    ({"exists": False}, None, BODY),  # no body
]
BODY_REGEX: list[tuple[Any, Any, Any]] = [
    ({"matches": r'"queueId":\s*"q-1"'}, BODY, {"queueId": "q-2"}),
    ({"doesNotMatch": "secret"}, BODY, {"note": "a secret"}),
]
JSONPATH_VALUE: list[tuple[Any, Any, Any]] = [
    ({"jsonPath": "$.queueId", "equalTo": "q-1"}, BODY, {**BODY, "queueId": "q-2"}),
    ({"jsonPath": "$.callbackNumbers[0]", "matches": r"^\+1"}, BODY, {"callbackNumbers": ["+44"]}),
    ({"jsonPath": "$.callbackNumbers[*]", "equalTo": "+13175550101"}, BODY, {"callbackNumbers": ["+1"]}),
    ({"jsonPath": "$.routingData.priority", "equalTo": 3}, BODY, {"routingData": {"priority": "3"}}),
    ({"jsonPath": "$.routingData.priority", "matches": "^[0-9]$"}, BODY, {"routingData": {"priority": 10}}),
    ({"jsonPath": "$.data", "equalTo": {"tier": 2, "vip": True}}, BODY, {"data": {"tier": 2}}),
    ({"jsonPath": "$.data.vip", "equalTo": True}, BODY, {"data": {"vip": 1}}),
    ({"jsonPath": "$.queueId", "contains": "-"}, BODY, {"queueId": "q1"}),
    (
        {"jsonPath": "$.callbackNumbers[*]", "doesNotMatch": "^\\+44"},
        BODY,
        {"callbackNumbers": ["+1", "+44"]},
    ),
]
JSONPATH_PREDICATE: list[tuple[Any, Any, Any]] = [
    ({"jsonPath": "$.routingData.priority", "exists": True}, BODY, {"routingData": {}}),
    ({"jsonPath": "$.routingData.priority"}, BODY, {"queueId": "q-1"}),  # a path alone: selects something
    ({"jsonPath": "$.routingData.skillIds", "exists": True}, BODY, {"routingData": {"priority": 3}}),
    ({"jsonPath": "$.data.secret", "exists": False}, BODY, {"data": {"secret": None}}),
    ({"jsonPath": "$.callbackNumbers[?@ == '+13175550100']"}, BODY, {"callbackNumbers": ["+1"]}),
    ({"jsonPath": "$[?@.priority > 2]"}, {"routingData": {"priority": 3}}, {"routingData": {"priority": 2}}),
    ({"jsonPath": "$.queueId", "exists": True}, BODY, "not json"),
]


def _stubbed(server: MockServer, match: dict[str, Any], method: str = "GET") -> str:
    return server.stub(method, STUBBED, status=299, body="stubbed", match=match)


def _status(
    server: MockServer, *, query: str = "", headers: dict[str, str] | None = None, body: Any = None
) -> int:
    path = STUBBED.format(id="x") + (f"?{query}" if query else "")
    if isinstance(body, str):
        return call(server.url, "POST", path, body.encode(), headers=headers).status
    return call(server.url, "POST" if body is not None else "GET", path, body, headers=headers).status


@pytest.mark.parametrize(("matcher", "hit", "miss"), QUERY)
def test_a_query_matcher(callback_mock_server: MockServer, matcher: Any, hit: str, miss: str) -> None:
    stub_id = _stubbed(callback_mock_server, {"query": matcher})
    assert _status(callback_mock_server, query=hit) == 299
    assert _status(callback_mock_server, query=miss) != 299
    [listed] = callback_mock_server.stubs()
    assert (listed["id"], listed["hits"]) == (stub_id, 1)


@pytest.mark.parametrize(("matcher", "hit", "miss"), HEADERS)
def test_a_header_matcher(
    callback_mock_server: MockServer, matcher: Any, hit: dict[str, str], miss: dict[str, str]
) -> None:
    _stubbed(callback_mock_server, {"headers": matcher})
    assert _status(callback_mock_server, headers=hit) == 299
    assert _status(callback_mock_server, headers=miss) != 299


@pytest.mark.parametrize(
    ("matcher", "hit", "miss"),
    [
        *(pytest.param(*row, id=f"equality-{index}") for index, row in enumerate(BODY_EQUALITY)),
        *(pytest.param(*row, id=f"regex-{index}") for index, row in enumerate(BODY_REGEX)),
        *(pytest.param(*row, id=f"jsonpath-value-{index}") for index, row in enumerate(JSONPATH_VALUE)),
        *(
            pytest.param(*row, id=f"jsonpath-predicate-{index}")
            for index, row in enumerate(JSONPATH_PREDICATE)
        ),
    ],
)
def test_a_body_matcher(callback_mock_server: MockServer, matcher: Any, hit: Any, miss: Any) -> None:
    _stubbed(callback_mock_server, {"body": [matcher]}, method="*")
    assert _status(callback_mock_server, body=hit) == 299
    assert _status(callback_mock_server, body=miss) != 299


def test_a_fault_with_matchers_fails_only_the_requests_they_match(callback_mock_server: MockServer) -> None:
    server = callback_mock_server
    fault_id = server.fault(
        "POST", CALLBACKS, status=503, match={"body": [{"json_path": "$.queueId", "equal_to": "q-down"}]}
    )
    assert call(server.url, "POST", CALLBACKS, {"queueId": "q-down"}).status == 503
    assert call(server.url, "POST", CALLBACKS, {"queueId": "q-up"}).status != 503
    [listed] = server.faults()
    assert (listed["id"], listed["applied"], listed["match"]) == (
        fault_id,
        1,
        {"body": [{"jsonPath": "$.queueId", "equalTo": "q-down"}]},
    )


def test_verify_takes_the_same_matchers_and_says_which_one_failed(callback_mock_server: MockServer) -> None:
    server = callback_mock_server
    call(server.url, "POST", CALLBACKS, {**BODY, "queueId": "q-7"}, headers={"X-Tenant": "acme"})
    queue = {"body": [{"jsonPath": "$.queueId", "equalTo": "q-7"}]}
    [matched] = server.verify(
        "POST", CALLBACKS, match={**queue, "headers": {"X-Tenant": {"equalTo": "acme"}}}
    )
    assert matched["method"] == "POST"
    with pytest.raises(AssertionError) as failed:
        server.verify("POST", CALLBACKS, match={"body": [{"jsonPath": "$.queueId", "matches": "^q-8"}]})
    assert "body $.queueId matches '^q-8'" in str(failed.value)
    assert "differs in body ($.queueId matches '^q-8')" in str(failed.value)


def test_verify_sequence_takes_the_same_matchers(callback_mock_server: MockServer) -> None:
    server = callback_mock_server
    for queue_id in ("q-1", "q-2", "q-1"):
        call(server.url, "POST", CALLBACKS + "?source=app", {"queueId": queue_id})

    def queue(name: str) -> dict[str, Any]:
        body = [{"json_path": "$.queueId", "equal_to": name}]
        return {"method": "POST", "path": CALLBACKS, "match": {"query": {"source": {}}, "body": body}}

    found = server.verify_sequence([queue("q-2"), queue("q-1")])
    assert found == server.requests()[1:]  # the second and third: the first is q-1's too
    with pytest.raises(AssertionError, match="pattern 1"):
        server.verify_sequence([queue("q-2"), queue("q-2")])


def test_matchers_read_the_request_as_granian_hands_it_under_serve() -> None:
    match = {
        "query": {"tier": {"equalTo": "gold"}},
        "headers": {"X-Tenant": {"matches": "^ac"}, "Content-Type": {"contains": "json"}},
        "body": [{"jsonPath": "$.callbackNumbers[0]", "matches": "^\\+1"}],
    }
    stub = {"method": "POST", "path": "/api/v2/stubbed/{id}", "status": 299, "body": "gold", "match": match}
    fault = {
        "method": "POST",
        "path": "/api/v2/stubbed/{id}",
        "status": 503,
        "match": {"body": [{"contains": "down"}]},
    }
    with serving_url() as url:
        for route, spec in ((AdminRoutes.ADD_STUB, stub), (AdminRoutes.ADD_FAULT, fault)):
            assert call(url, "POST", control_path(route), spec).status == 201
        path, tenant = "/api/v2/stubbed/1?tier=gold", {"X-Tenant": "acme"}
        assert call(url, "POST", path, {"callbackNumbers": ["+13175550100"]}, headers=tenant).status == 299
        assert call(url, "POST", path, {"callbackNumbers": ["+44"]}, headers=tenant).status != 299
        assert call(url, "POST", path, {"callbackNumbers": ["+13175550100"]}).status != 299
        assert call(url, "POST", path, {"note": "down"}, headers=tenant).status == 503
        journaled = call(url, "GET", control_path(AdminRoutes.REQUESTS)).json()["requests"]
        assert journaled[0]["body"] == '{"callbackNumbers": ["+13175550100"]}'


# (the match, the JSON path named, a phrase of the message)
BAD = [
    ({"query": {"a": {"matches": "("}}}, "$.match.query['a'].matches", "not a regular expression"),
    (
        {"headers": {"X": {"doesNotMatch": "[a-"}}},
        "$.match.headers['X'].doesNotMatch",
        "not a regular expression",
    ),
    ({"body": [{"jsonPath": "$.["}]}, "$.match.body[0].jsonPath", "not a JSONPath"),
    ({"body": [{}, {"jsonPath": "queueId"}]}, "$.match.body[1].jsonPath", "not a JSONPath"),
    ({"body": [{"jsonPath": ""}]}, "$.match.body[0].jsonPath", "at least 1"),
    ({"query": {"a": {"equalsTo": "1"}}}, "$.match.query['a'].equalsTo", "no such field"),
    ({"body": [{"jsonPath": "$.a", "greaterThan": 1}]}, "$.match.body[0].greaterThan", "no such field"),
    ({"nobody": []}, "$.match.nobody", "no such field"),
    ({"query": {"a": {"equalTo": 3}}}, "$.match.query['a'].equalTo", "string"),
    ({"headers": {"a": {"exists": "yes"}}}, "$.match.headers['a'].exists", "bool"),
    ({"body": [{"matches": 3}]}, "$.match.body[0].matches", "string"),
    ({"body": {"jsonPath": "$.a"}}, "$.match.body", ""),
    ({"body": []}, "$.match.body", "at least 1"),
    ({"body": [{"jsonPath": "$.a", "equalTo": 1, "contains": "1"}]}, "$.match.body[0].contains", "at most"),
    ({"query": {"a": {"exists": True, "matches": "x"}}}, "$.match.query['a'].exists", "at most"),
]


@pytest.mark.parametrize("kind", ["stub", "fault", "verify"])
@pytest.mark.parametrize(("match", "path", "phrase"), BAD)
def test_a_bad_matcher_is_refused_naming_its_path(
    callback_mock_server: MockServer, kind: str, match: Any, path: str, phrase: str
) -> None:
    server = callback_mock_server
    add: Callable[[], object] = {
        "stub": lambda: server.stub("GET", STUBBED, match=match),
        "fault": lambda: server.fault("GET", STUBBED, status=500, match=match),
        "verify": lambda: server.verify("GET", STUBBED, match=match),
    }[kind]
    with pytest.raises(AdminError) as refused:
        add()
    error = refused.value
    assert (error.status, error.body["status"]) == (400, 400)
    assert error.body["code"] in ("invalid.value", "invalid.property")
    assert [detail["fieldName"] for detail in error.body["details"]][:1] == [path]
    assert phrase in error.body["message"]
    assert (server.stubs(), server.faults()) == ([], [])


DOCUMENTS: list[Any] = [
    BODY,
    [BODY, [1, 2]],
    {"a": [{"b": None}, {"b": [0]}], "0": "key", "b c": 1},
    "text",
    3,
    None,
]


@pytest.mark.parametrize(
    "path",
    ["$", "$.queueId", "$.callbackNumbers[1]", "$.callbackNumbers[-1]", "$.callbackNumbers[-3]",
     "$.callbackNumbers[2]", "$[0].queueId", "$[1][0]", "$[0]", "$['0']", "$.a[1].b[0]", "$.a[0].b",
     "$['b c']", "$.routingData.priority.x", "$.a[*].b", "$..b", "$[?@.b]"],
)  # fmt: skip
def test_a_singular_path_is_read_as_the_library_reads_it(path: str) -> None:
    # Singular queries of names and indexes take a shortcut past python-jsonpath: it must select alike.
    found = compiled(path)
    shortcut = "*" not in path and "?" not in path and ".." not in path
    assert (found.keys is not None) == shortcut
    for document in DOCUMENTS:
        assert found.findall(document) == ENVIRONMENT.compile(path).findall(document), document
