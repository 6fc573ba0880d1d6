"""The control API on a live server: arrange data, read the journal, verify, guard and switch off."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest

import contracts
from contracts import Callback, Conversation
from factories import ConversationFactory, check_conversation
from mockserver.control.client import AdminError
from mockserver.testing.server import MockServer
from tests.support import CONFIG, NOW, TOKEN
from tests.support.control import ADMIN_PREFIX, LISTING, AdminRoutes, control_path
from tests.support.live import call
from tests.support.seeded import OTHER_QUEUE_ID, QUEUE_ID

CONVERSATIONS = "/api/v2/conversations"
CALLBACKS = "/api/v2/conversations/callbacks"
NEW_CALLBACK = {"callbackNumbers": ["+13175550100"], "queueId": QUEUE_ID}


def a_conversation(seed: int = 99, trait: str = "scheduled") -> Conversation:
    conversation = ConversationFactory(seed, now=NOW).build(trait)
    assert isinstance(conversation, Conversation)
    return conversation


def error_of(answer: Any) -> tuple[int, str, list[str]]:
    body = answer.json()
    return body["status"], body["code"], [detail["fieldName"] for detail in body["details"]]


# Arranging data


def test_seed_adds_generated_conversations_that_reset_removes(callback_mock_server: MockServer) -> None:
    ids = callback_mock_server.seed(3, traits=["voicemail"], seed=5)

    assert len(ids) == 3
    for conversation_id in ids:
        answer = call(callback_mock_server.url, "GET", f"{CONVERSATIONS}/{conversation_id}")
        assert answer.status == 200
        conversation = contracts.loads(answer.body, Conversation)
        check_conversation(conversation)
        callbacks = [cb for p in conversation.participants or () for cb in p.callbacks or ()]
        assert any(cb.voicemail is not None for cb in callbacks)
    callback_mock_server.reset()
    assert call(callback_mock_server.url, "GET", f"{CONVERSATIONS}/{ids[0]}").status == 404


def test_seed_with_a_seed_repeats_and_without_one_reports_it(callback_mock_server: MockServer) -> None:
    first = call(
        callback_mock_server.url, "POST", control_path(AdminRoutes.SEED), {"count": 2, "seed": 11}
    ).json()
    again = call(
        callback_mock_server.url, "POST", control_path(AdminRoutes.SEED), {"count": 2, "seed": 11}
    ).json()
    random_seed = call(callback_mock_server.url, "POST", control_path(AdminRoutes.SEED), {}).json()

    assert first == again == {"conversationIds": first["conversationIds"], "seed": 11}
    assert len(random_seed["conversationIds"]) == 1
    again_random = callback_mock_server.seed(1, seed=random_seed["seed"])
    assert again_random == random_seed["conversationIds"]


def test_put_conversation_serves_exactly_that_payload(callback_mock_server: MockServer) -> None:
    conversation = a_conversation()
    wire = contracts.unstructure(conversation)

    created = call(
        callback_mock_server.url,
        "PUT",
        control_path(AdminRoutes.PUT_CONVERSATION, conversation_id=conversation.id),
        wire,
    )
    replaced = call(
        callback_mock_server.url,
        "PUT",
        control_path(AdminRoutes.PUT_CONVERSATION, conversation_id=conversation.id),
        wire,
    )
    served = call(callback_mock_server.url, "GET", f"{CONVERSATIONS}/{conversation.id}")

    assert (created.status, replaced.status, served.status) == (201, 200, 200)
    assert served.json() == wire == created.json()


def test_put_conversation_takes_its_id_from_the_path(callback_mock_server: MockServer) -> None:
    wire = contracts.unstructure(attrs.evolve(a_conversation(), id=None))
    answer = call(
        callback_mock_server.url,
        "PUT",
        control_path(AdminRoutes.PUT_CONVERSATION, conversation_id="my-own-id"),
        wire,
    )
    assert answer.status == 201
    assert call(callback_mock_server.url, "GET", f"{CONVERSATIONS}/my-own-id").json()["id"] == "my-own-id"


def test_put_callback_replaces_one_callback_in_a_stored_conversation(
    callback_mock_server: MockServer,
) -> None:
    conversation = a_conversation()
    callback_mock_server.put_conversation(conversation)
    participant = next(p for p in conversation.participants or () if p.purpose == "customer")
    assert participant.callbacks
    changed = attrs.evolve(participant.callbacks[0], callback_user_name="Jo Exact", held=True)

    stored = callback_mock_server.put_callback(conversation.id or "", participant.id or "", changed)

    served = call(callback_mock_server.url, "GET", f"{CONVERSATIONS}/{conversation.id}").json()
    assert served == stored
    leg = next(p for p in served["participants"] if p["id"] == participant.id)
    assert leg["callbacks"][0] == contracts.unstructure(changed)


def test_put_callback_adds_a_callback_with_a_new_id(callback_mock_server: MockServer) -> None:
    conversation = a_conversation()
    callback_mock_server.put_conversation(conversation)
    participant = (conversation.participants or ())[0]
    extra = Callback(id="extra-callback", state=contracts.CallbackState.SCHEDULED)

    stored = callback_mock_server.put_callback(conversation.id or "", participant.id or "", extra)

    leg = next(p for p in stored["participants"] if p["id"] == participant.id)
    assert leg["callbacks"][-1] == {"id": "extra-callback", "state": "scheduled"}


def test_replace_callback_finds_the_stored_callback_by_its_id_alone(callback_mock_server: MockServer) -> None:
    conversation = a_conversation()
    callback_mock_server.put_conversation(conversation)
    agent = next(p for p in conversation.participants or () if p.purpose != "customer" and p.callbacks)
    assert agent.callbacks
    changed = attrs.evolve(agent.callbacks[0], callback_user_name="Jo Exact", held=True)

    stored = callback_mock_server.replace_callback(changed)

    served = call(callback_mock_server.url, "GET", f"{CONVERSATIONS}/{conversation.id}").json()
    assert served == stored
    expected = contracts.unstructure(conversation)
    leg = next(p for p in expected["participants"] if p["id"] == agent.id)
    leg["callbacks"][0] = contracts.unstructure(changed)
    assert served == expected


def test_replace_callback_takes_its_id_from_the_path(callback_mock_server: MockServer) -> None:
    conversation = a_conversation()
    callback_mock_server.put_conversation(conversation)
    callback_id = next(cb.id for p in conversation.participants or () for cb in p.callbacks or ())

    answer = call(
        callback_mock_server.url,
        "PUT",
        control_path(AdminRoutes.REPLACE_CALLBACK, callback_id=callback_id),
        {"state": "scheduled"},
    )

    assert answer.status == 200
    assert {"id": callback_id, "state": "scheduled"} in [
        cb for p in answer.json()["participants"] for cb in p.get("callbacks", [])
    ]


def test_replace_callback_held_by_two_conversations_is_a_conflict(callback_mock_server: MockServer) -> None:
    conversation = a_conversation()
    twin = attrs.evolve(conversation, id="twin")
    callback_mock_server.put_conversation(conversation)
    callback_mock_server.put_conversation(twin)
    callback = next(cb for p in conversation.participants or () for cb in p.callbacks or ())
    before = {e.id: e.body for e in callback_mock_server.backend.store.entries()}

    with pytest.raises(AdminError) as raised:
        callback_mock_server.replace_callback(attrs.evolve(callback, held=True))

    assert raised.value.status == 409
    assert raised.value.body["code"] == "conflict"
    assert "twin" in raised.value.body["message"]
    assert {e.id: e.body for e in callback_mock_server.backend.store.entries()} == before


def test_delete_conversation_removes_it_until_a_reset_brings_a_seeded_one_back(
    callback_mock_server: MockServer,
) -> None:
    seeded = callback_mock_server.backend.store.entries()[0].id
    added = a_conversation()
    callback_mock_server.put_conversation(added)
    total = call(callback_mock_server.url, "GET", LISTING).json()["total"]

    answers = [
        call(
            callback_mock_server.url,
            "DELETE",
            control_path(AdminRoutes.DELETE_CONVERSATION, conversation_id=conversation_id),
        )
        for conversation_id in (seeded, added.id)
    ]

    assert [(answer.status, answer.body) for answer in answers] == [(204, b""), (204, b"")]
    for conversation_id in (seeded, added.id):
        assert call(callback_mock_server.url, "GET", f"{CONVERSATIONS}/{conversation_id}").status == 404
    listing = call(callback_mock_server.url, "GET", LISTING).json()
    assert listing["total"] < total
    assert {seeded, added.id}.isdisjoint(entity["id"] for entity in listing["entities"])
    callback_mock_server.reset()
    assert call(callback_mock_server.url, "GET", f"{CONVERSATIONS}/{seeded}").status == 200
    assert call(callback_mock_server.url, "GET", f"{CONVERSATIONS}/{added.id}").status == 404


def test_delete_conversation_through_the_client(callback_mock_server: MockServer) -> None:
    conversation_id = callback_mock_server.seed(1)[0]

    callback_mock_server.delete_conversation(conversation_id)

    with pytest.raises(AdminError) as raised:
        callback_mock_server.delete_conversation(conversation_id)
    assert raised.value.status == 404
    assert raised.value.body["code"] == "not.found"


def test_a_deleted_conversation_takes_no_more_steps() -> None:
    with MockServer({**CONFIG, "CONVERSATIONS": 0}) as server:
        server.put_conversation(a_conversation())
        engine = server.backend.engine
        assert engine.next_due != float("inf")  # a scheduled callback: its firing is planned

        server.delete_conversation(a_conversation().id or "")

        assert engine.next_due == float("inf")
        server.clock.advance(hours=24 * 31)
        assert server.backend.store.entries() == []


BAD_ARRANGEMENTS = [
    # (label, method, path, body, status, code, detail paths)
    (
        "seed count zero",
        "POST",
        control_path(AdminRoutes.SEED),
        {"count": 0},
        400,
        "invalid.value",
        ["$.count"],
    ),
    (
        "seed count too big",
        "POST",
        control_path(AdminRoutes.SEED),
        {"count": 1001},
        400,
        "invalid.value",
        ["$.count"],
    ),
    (
        "seed count a string",
        "POST",
        control_path(AdminRoutes.SEED),
        {"count": "3"},
        400,
        "invalid.value",
        ["$.count"],
    ),
    (
        "seed no traits",
        "POST",
        control_path(AdminRoutes.SEED),
        {"traits": []},
        400,
        "invalid.value",
        ["$.traits"],
    ),
    (
        "seed unknown trait",
        "POST",
        control_path(AdminRoutes.SEED),
        {"traits": ["held", "x"]},
        400,
        "invalid.value",
        ["$.traits[1]"],
    ),
    (
        "seed unknown field",
        "POST",
        control_path(AdminRoutes.SEED),
        {"colour": 1},
        400,
        "invalid.property",
        ["$.colour"],
    ),
    (
        "conversation bad state",
        "PUT",
        control_path(AdminRoutes.PUT_CONVERSATION, conversation_id="c-1"),
        {"participants": [{"callbacks": [{"state": "ringing"}]}]},
        400,
        "invalid.value",
        ["$.participants[0].callbacks[0].state"],
    ),
    (
        "conversation bad date",
        "PUT",
        control_path(AdminRoutes.PUT_CONVERSATION, conversation_id="c-1"),
        {"startTime": "yesterday"},
        400,
        "invalid.date",
        ["$.startTime"],
    ),
    (
        "conversation other id",
        "PUT",
        control_path(AdminRoutes.PUT_CONVERSATION, conversation_id="c-1"),
        {"id": "c-2"},
        409,
        "conflict",
        ["$.id"],
    ),
    (
        "conversation unknown field",
        "PUT",
        control_path(AdminRoutes.PUT_CONVERSATION, conversation_id="c-1"),
        {"participants": [{"wrapUp": {}}]},
        400,
        "invalid.property",
        ["$.participants[0].wrapUp"],
    ),
    (
        "callback in no conversation",
        "PUT",
        control_path(AdminRoutes.PUT_CALLBACK, conversation_id="nope", participant_id="p", callback_id="cb"),
        {},
        404,
        "not.found",
        [],
    ),
    (
        "callback bad held",
        "PUT",
        control_path(AdminRoutes.PUT_CALLBACK, conversation_id="nope", participant_id="p", callback_id="cb"),
        {"held": "no"},
        400,
        "invalid.value",
        ["$.held"],
    ),
    (
        "verify negative count",
        "POST",
        control_path(AdminRoutes.VERIFY),
        {"count": -1},
        400,
        "invalid.value",
        ["$.count"],
    ),
    (
        "verify bad path",
        "POST",
        control_path(AdminRoutes.VERIFY),
        {"path": "api"},
        400,
        "invalid.value",
        ["$.path"],
    ),
    (
        "filter bad status",
        "GET",
        control_path(AdminRoutes.REQUESTS, "status=ok"),
        None,
        400,
        "invalid.value",
        ["$.status"],
    ),
    (
        "rate limit zero",
        "PUT",
        control_path(AdminRoutes.SET_RATE_LIMIT),
        {"requests": 0},
        400,
        "invalid.value",
        ["$.requests"],
    ),
    (
        "rate limit missing",
        "PUT",
        control_path(AdminRoutes.SET_RATE_LIMIT),
        {},
        400,
        "constraint.validation",
        ["$.requests"],
    ),
    (
        "replace unknown callback",
        "PUT",
        control_path(AdminRoutes.REPLACE_CALLBACK, callback_id="nope"),
        {},
        404,
        "not.found",
        [],
    ),
    (
        "replace callback other id",
        "PUT",
        control_path(AdminRoutes.REPLACE_CALLBACK, callback_id="cb-1"),
        {"id": "cb-2"},
        409,
        "conflict",
        ["$.id"],
    ),
    (
        "replace callback bad held",
        "PUT",
        control_path(AdminRoutes.REPLACE_CALLBACK, callback_id="cb-1"),
        {"held": "no"},
        400,
        "invalid.value",
        ["$.held"],
    ),
    (
        "replace callback unknown field",
        "PUT",
        control_path(AdminRoutes.REPLACE_CALLBACK, callback_id="cb-1"),
        {"colour": 1},
        400,
        "invalid.property",
        ["$.colour"],
    ),
    (
        "delete unknown conversation",
        "DELETE",
        control_path(AdminRoutes.DELETE_CONVERSATION, conversation_id="nope"),
        None,
        404,
        "not.found",
        [],
    ),
    (
        "unknown fault",
        "DELETE",
        control_path(AdminRoutes.REMOVE_FAULT, fault_id="fault-404"),
        None,
        404,
        "not.found",
        [],
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code", "fields"),
    [case[1:] for case in BAD_ARRANGEMENTS],
    ids=[case[0] for case in BAD_ARRANGEMENTS],
)
def test_bad_control_calls_get_the_apis_error_format_and_change_nothing(
    callback_mock_server: MockServer,
    method: str,
    path: str,
    body: Any,
    status: int,
    code: str,
    fields: list[str],
) -> None:
    before = {e.conversation.id: e.body for e in callback_mock_server.backend.store.entries()}

    answer = call(callback_mock_server.url, method, path, body)

    assert error_of(answer) == (status, code, fields)
    assert answer.json()["contextId"] == answer.headers["inin-correlation-id"]
    after = {e.conversation.id: e.body for e in callback_mock_server.backend.store.entries()}
    assert after == before
    assert callback_mock_server.faults() == []


def test_a_bad_body_names_the_field_the_expectation_and_what_arrived(
    callback_mock_server: MockServer,
) -> None:
    answer = call(callback_mock_server.url, "POST", control_path(AdminRoutes.SEED), {"count": 5000})
    assert answer.json()["message"] == "$.count must be at most 1000; got 5000."


# The journal


def test_the_journal_records_what_the_client_sent_and_what_it_got(callback_mock_server: MockServer) -> None:
    created = call(callback_mock_server.url, "POST", CALLBACKS, NEW_CALLBACK, headers={"X-Trace": "t-1"})
    listed = call(callback_mock_server.url, "GET", f"{CONVERSATIONS}?pageSize=2&pageNumber=1")
    missing = call(callback_mock_server.url, "GET", f"{CONVERSATIONS}/nope")

    recorded = callback_mock_server.requests()

    assert [(r["method"], r["path"], r["status"]) for r in recorded] == [
        ("POST", CALLBACKS, 200),
        ("GET", CONVERSATIONS, 200),
        ("GET", f"{CONVERSATIONS}/nope", 404),
    ]
    post, listing, _missing = recorded
    assert json.loads(post["body"]) == NEW_CALLBACK
    assert post["headers"]["Authorization"] == "Bearer [redacted]"
    assert post["headers"]["X-Trace"] == "t-1"
    assert post["headers"]["Content-Type"] == "application/json"
    assert TOKEN not in json.dumps(recorded)
    assert listing["query"] == {"pageSize": ["2"], "pageNumber": ["1"]}
    assert [r["correlationId"] for r in recorded] == [
        a.headers["inin-correlation-id"] for a in (created, listed, missing)
    ]
    assert all(r["time"].endswith("Z") and r["fault"] is None for r in recorded)


def test_reads_answered_by_the_fast_path_are_journaled_like_any_request(
    callback_mock_server: MockServer,
) -> None:
    conversation_id = callback_mock_server.seed(1)[0]
    path = f"{CONVERSATIONS}/{conversation_id}"
    fast = call(callback_mock_server.url, "GET", f"{path}?expand=x", headers={"X-Trace": "t-2"})
    # Any fault makes every request take the general path: this one matches no request.
    callback_mock_server.fault("DELETE", "/nowhere", status=500)
    general = call(callback_mock_server.url, "GET", f"{path}?expand=x", headers={"X-Trace": "t-2"})

    recorded = callback_mock_server.requests()

    assert fast.body == general.body
    assert [r["correlationId"] for r in recorded] == [
        a.headers["inin-correlation-id"] for a in (fast, general)
    ]
    first, second = (
        {k: v for k, v in r.items() if k not in ("id", "time", "correlationId", "durationMs")}
        for r in recorded
    )
    for entry in (first, second):
        assert entry.pop("responseHeaders").pop("ININ-Correlation-Id")
    assert first == second
    assert (first["method"], first["path"], first["status"]) == ("GET", path, 200)
    assert first["query"] == {"expand": ["x"]}
    assert first["headers"]["X-Trace"] == "t-2"
    assert first["headers"]["Authorization"] == "Bearer [redacted]"
    assert all(r["durationMs"] >= 0 for r in recorded)


def test_the_journal_filters_and_clears(callback_mock_server: MockServer) -> None:
    for path in (f"{CONVERSATIONS}/a", f"{CONVERSATIONS}/b", CONVERSATIONS):
        call(callback_mock_server.url, "GET", path)
    call(callback_mock_server.url, "POST", CALLBACKS, NEW_CALLBACK)

    assert len(callback_mock_server.requests(method="GET")) == 3
    assert len(callback_mock_server.requests(path=f"{CONVERSATIONS}/{{id}}")) == 3  # callbacks is one too
    assert len(callback_mock_server.requests(path=f"{CONVERSATIONS}/*", status=404)) == 2
    assert len(callback_mock_server.requests(path="/api/**", method="POST")) == 1
    callback_mock_server.clear_requests()
    assert callback_mock_server.requests() == []


def test_control_calls_are_not_journaled(callback_mock_server: MockServer) -> None:
    callback_mock_server.seed(1)
    callback_mock_server.faults()
    assert callback_mock_server.requests() == []


def test_the_journal_keeps_the_latest_requests_up_to_its_limit() -> None:
    with MockServer({**CONFIG, "CONVERSATIONS": 1, "JOURNAL_LIMIT": 3}) as server:
        for n in range(5):
            call(server.url, "GET", f"{CONVERSATIONS}/n{n}")
        answer = call(server.url, "GET", control_path(AdminRoutes.REQUESTS)).json()
    assert [r["path"] for r in answer["requests"]] == [f"{CONVERSATIONS}/n{n}" for n in (2, 3, 4)]
    assert answer["total"] == 3


def test_verify_counts_matching_requests(callback_mock_server: MockServer) -> None:
    call(callback_mock_server.url, "POST", CALLBACKS, NEW_CALLBACK)
    call(callback_mock_server.url, "POST", CALLBACKS, {**NEW_CALLBACK, "queueId": OTHER_QUEUE_ID})

    assert len(callback_mock_server.verify("POST", CALLBACKS, count=2)) == 2
    matched = callback_mock_server.verify(
        "POST", CALLBACKS, count=1, body_contains=f'"{OTHER_QUEUE_ID}"', status=200
    )
    assert json.loads(matched[0]["body"])["queueId"] == OTHER_QUEUE_ID
    callback_mock_server.verify(
        "post", "/api/v2/conversations/*", headers={"content-type": "application/json"}
    )
    callback_mock_server.verify("GET", "**", count=0)


def test_verify_on_a_mismatch_shows_the_nearest_requests(callback_mock_server: MockServer) -> None:
    # A PATCH that names a change (one that names none is a 400) on a conversation the server lacks: a 404.
    call(callback_mock_server.url, "PATCH", CALLBACKS, {"conversationId": "nope", "queueId": QUEUE_ID})
    call(callback_mock_server.url, "GET", f"{CONVERSATIONS}?pageSize=3")

    answer = call(
        callback_mock_server.url,
        "POST",
        control_path(AdminRoutes.VERIFY),
        {"method": "POST", "path": CALLBACKS},
    )

    assert answer.status == 409
    result = answer.json()
    assert (result["ok"], result["count"], result["matched"]) == (False, 0, [])
    assert [r["method"] for r in result["nearest"]] == ["PATCH", "GET"]
    assert result["message"].startswith(
        f"Expected at least 1 request(s) matching POST {CALLBACKS}; received 0 of 2 request(s) in all."
    )
    assert f"PATCH {CALLBACKS} -> 404: differs in method PATCH" in result["message"]
    with pytest.raises(AssertionError, match="Nearest requests received"):
        callback_mock_server.verify("POST", CALLBACKS, count=1)


# Guarding, moving and switching off the control API


def test_an_admin_token_guards_the_control_api_only() -> None:
    with MockServer({**CONFIG, "CONVERSATIONS": 1, "ADMIN_TOKEN": "admin-secret"}) as server:
        refused = call(server.url, "POST", control_path(AdminRoutes.RESET), token=None)
        wrong = call(server.url, "POST", control_path(AdminRoutes.RESET), token=TOKEN)
        allowed = call(server.url, "POST", control_path(AdminRoutes.RESET), token="admin-secret")
        api = call(server.url, "GET", f"{CONVERSATIONS}?pageSize=1")
        server.seed(1)  # the fixture object sends the admin token itself
    assert error_of(refused)[:2] == error_of(wrong)[:2] == (401, "bad.credentials")
    assert (allowed.status, api.status) == (204, 200)


def test_the_control_api_can_move() -> None:
    with MockServer({**CONFIG, "CONVERSATIONS": 1, "ADMIN_PREFIX": "/_mock"}) as server:
        assert call(server.url, "POST", control_path(AdminRoutes.RESET, prefix="/_mock")).status == 204
        assert server.seed(1)
        assert call(server.url, "POST", control_path(AdminRoutes.RESET)).status == 404


def test_switched_off_the_control_api_is_absent() -> None:
    with MockServer({**CONFIG, "CONVERSATIONS": 1, "ADMIN": False}) as server:
        for method, path in [
            ("POST", control_path(AdminRoutes.RESET)),
            ("GET", control_path(AdminRoutes.REQUESTS)),
            ("POST", control_path(AdminRoutes.ADD_FAULT)),
        ]:
            answer = call(server.url, method, path, {} if method == "POST" else None)
            assert error_of(answer) == (404, "not.found", [])
        document = call(server.url, "GET", "/openapi.json", token=None).json()
        server.reset()  # the fixture still resets in process
    assert not [path for path in document["paths"] if path.startswith(ADMIN_PREFIX)]
    assert CONVERSATIONS in document["paths"]


def test_with_the_journal_off_journal_calls_say_so() -> None:
    with MockServer({**CONFIG, "CONVERSATIONS": 1, "JOURNAL": False}) as server:
        call(server.url, "GET", f"{CONVERSATIONS}/x")
        answer = call(server.url, "GET", control_path(AdminRoutes.REQUESTS))
        with pytest.raises(AdminError, match="journal is switched off"):
            server.verify("GET", "**")
    assert error_of(answer) == (404, "not.found", [])


def test_wait_for_requests_returns_once_they_arrive(callback_mock_server: MockServer) -> None:
    import threading

    path = "/api/v2/conversations"
    sender = threading.Timer(0.05, lambda: [call(callback_mock_server.url, "GET", path) for _ in range(2)])
    sender.start()
    arrived = callback_mock_server.wait_for_requests("GET", path, count=2, timeout=10)
    sender.join()
    assert [r["status"] for r in arrived] == [200, 200]


def test_wait_for_requests_times_out_with_what_arrived(callback_mock_server: MockServer) -> None:
    call(callback_mock_server.url, "GET", "/api/v2/conversations")
    with pytest.raises(TimeoutError, match="1 of 3 request"):
        callback_mock_server.wait_for_requests("GET", "/api/v2/**", count=3, timeout=0.1)


def test_verify_sequence_checks_the_order(callback_mock_server: MockServer) -> None:
    url, listing, one = callback_mock_server.url, "/api/v2/conversations", "/api/v2/conversations/{id}"
    call(url, "GET", listing)
    call(url, "GET", f"{listing}/nope")
    call(url, "GET", listing)

    matched = callback_mock_server.verify_sequence(
        [("GET", listing), {"path": one, "status": 404}, ("GET", listing)]
    )
    assert matched == callback_mock_server.requests()
    with pytest.raises(AssertionError, match=r"pattern 1 .* matched no request"):
        callback_mock_server.verify_sequence([{"path": one, "status": 404}, ("GET", one)])
