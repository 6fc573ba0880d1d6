"""``validate`` on what a callback client reads and sends: the live mock's answers, auto-detected.

The answers are fetched from ``serve`` running as a process (every callback route a client reads,
and the answers to its writes); each is validated without ``--model``, and a broken copy is
refused with the JSON paths of exactly the broken fields, which shows it was read as its own
model (read as another, its other keys would be unknown fields too).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from mockserver.cli.detect import detect
from mockserver.cli.options import WIRE_MODELS
from tests.support.control import LIST_EVERY, LISTS_EVERY
from tests.support.live import call
from tests.support.seeded import queue_ids
from tests.support.serve import serving

Invoke = Callable[..., Result]
TOKEN = "t"
SEED = 3
CALLBACKS = "/api/v2/conversations/callbacks"


@pytest.fixture(scope="module")
def answers() -> Iterator[dict[str, Any]]:
    """What the live mock answers each route a callback client calls, by a name for the route."""
    with serving("--conversations", "4", "--seed", str(SEED), "--token", TOKEN) as served:

        def get(path: str, method: str = "GET", body: Any = None, status: int = 200) -> Any:
            answer = call(served.url, method, path, body, token=TOKEN)
            assert answer.status == status, answer.body
            return answer.json()

        # TOKEN's role (a token of its own's) names mock:conversation:any: the listings hold every
        # conversation (a user's own are too few to show a listing's shape), as before they were per caller.
        assert call(served.url, "PUT", LIST_EVERY, LISTS_EVERY).status == 200
        found: dict[str, Any] = {"conversations": get("/api/v2/conversations")}
        conversation = found["conversations"]["entities"][0]
        id_ = conversation["id"]
        found["conversation"] = get(f"/api/v2/conversations/{id_}")
        found["callbacks"] = get(CALLBACKS)
        found["callback conversation"] = get(f"{CALLBACKS}/{id_}")
        participant = next(p for p in found["conversation"]["participants"] if p.get("callbacks"))
        leg = f"{CALLBACKS}/{id_}/participants/{participant['id']}"
        found["participant wrapup"] = get(leg + "/wrapup")
        found["communication wrapup"] = get(
            f"{leg}/communications/{participant['callbacks'][0]['id']}/wrapup"
        )
        found["wrapup codes"] = get(leg + "/wrapupcodes")
        # A callback names one of the org's queues: the server refuses another.
        queue = queue_ids(SEED)[0]
        create = {"callbackNumbers": ["+13175550123"], "queueId": queue, "callbackUserName": "Ada"}
        found["create"] = get(CALLBACKS, "POST", create)
        new = found["create"]["conversation"]["id"]
        found["patch"] = get(CALLBACKS, "PATCH", {"conversationId": new, "callbackNumbers": ["+13175550125"]})
        bulk = {"patchCallbackRequests": [{"conversationId": new, "callbackNumbers": ["+13175550124"]}]}
        found["bulk update"] = get(CALLBACKS + "/bulk/update", "POST", bulk)
        customer = next(p for p in get(f"{CALLBACKS}/{new}")["participants"] if p["purpose"] == "customer")
        attributes = {"attributes": {"reason": "billing"}}
        found["attributes"] = get(
            f"{CALLBACKS}/{new}/participants/{customer['id']}/attributes", "PATCH", attributes, 202
        )
        found["disconnect"] = get(f"{CALLBACKS}/{new}", "PATCH", {"state": "disconnected"})
        found["error"] = get(f"{CALLBACKS}/no-such-conversation", status=404)
        yield found


def _write(tmp_path: Path, document: Any) -> str:
    path = tmp_path / "answer.json"
    path.write_text(json.dumps(document))
    return str(path)


# Each route's answer and the model auto-detection reads it as. An empty object (no wrap-up yet)
# fits every model without required fields, and is valid as each.
DETECTED = [
    ("conversations", "ConversationEntityListing"),
    ("conversation", "Conversation"),
    ("callbacks", "CallbackConversationEntityListing"),
    ("callback conversation", "CallbackConversation"),
    ("wrapup codes", "WrapupCode"),
    ("create", "CreateCallbackResponse"),
    ("patch", "CreateCallbackResponse"),  # PatchCallbackResponse has its shape
    ("bulk update", "BulkCallbackPatchResponse"),
    ("attributes", "ParticipantAttributes"),
    ("disconnect", "Conversation"),
    ("error", "ErrorBody"),
]


@pytest.mark.parametrize(("route", "model"), DETECTED, ids=[route for route, _ in DETECTED])
def test_every_answer_is_valid_and_read_as_its_model(
    invoke: Invoke, tmp_path: Path, answers: dict[str, Any], route: str, model: str
) -> None:
    answer = answers[route]
    for record in answer if isinstance(answer, list) else [answer]:
        assert [found.__name__ for found in detect(record)] == [model]
    result = invoke("validate", _write(tmp_path, answer))
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""
    assert result.stderr.endswith(": all valid\n")


@pytest.mark.parametrize("route", ["participant wrapup", "communication wrapup"])
def test_an_empty_wrapup_is_valid(
    invoke: Invoke, tmp_path: Path, answers: dict[str, Any], route: str
) -> None:
    assert "AssignedWrapupCode" in [model.__name__ for model in detect(answers[route])]
    assert invoke("validate", _write(tmp_path, answers[route])).exit_code == 0


def _first_leg(answer: dict[str, Any]) -> dict[str, Any]:
    leg: dict[str, Any] = answer["participants"][0]
    return leg


BROKEN = [
    pytest.param(
        "callback conversation",
        lambda a: _first_leg(a).update(callbackNumbers="+13175550123", state="sideways"),
        [
            "$.participants[0].callbackNumbers: expected an array, got '+13175550123'",
            "$.participants[0].state: expected one of 'alerting', 'dialing', 'contacting', 'offering', "
            "'connected', 'disconnected', 'terminated', 'converting', 'uploading', 'transmitting', 'parked', "
            "'none', got 'sideways'",
        ],
        id="callback conversation",
    ),
    pytest.param(
        "callbacks",
        lambda a: _first_leg(a["entities"][1]).update(held="no"),
        ["$.entities[1].participants[0].held: expected a boolean, got 'no'"],
        id="callbacks listing",
    ),
    pytest.param(
        "conversation",
        lambda a: a["participants"][0]["callbacks"][0].update(skipEnabled=1),
        ["$.participants[0].callbacks[0].skipEnabled: expected a boolean, got 1"],
        id="conversation",
    ),
    pytest.param(
        "create",
        lambda a: a["callbackIdentifiers"][0].update(type="INTERNAL"),
        ["$.callbackIdentifiers[0].type: expected one of 'ACD', 'EXTERNAL', 'DIALER', got 'INTERNAL'"],
        id="create",
    ),
    pytest.param(
        "bulk update",
        lambda a: a.update(errorCount="0"),
        ["$.errorCount: expected an integer, got '0'"],
        id="bulk update",
    ),
    pytest.param(
        "wrapup codes",
        lambda a: a[1].update(name=5),
        ["$[1].name: expected a string, got 5"],
        id="wrapup codes",
    ),
    pytest.param(
        "error",
        lambda a: a.update(status="404"),
        ["$.status: expected an integer, got '404'"],
        id="error",
    ),
]


@pytest.mark.parametrize(("route", "breaking", "problems"), BROKEN)
def test_a_broken_answer_is_refused_by_its_paths(
    invoke: Invoke,
    tmp_path: Path,
    answers: dict[str, Any],
    route: str,
    breaking: Callable[[Any], None],
    problems: list[str],
) -> None:
    answer = copy.deepcopy(answers[route])
    breaking(answer)
    name = _write(tmp_path, answer)
    result = invoke("validate", name)
    assert result.exit_code == 1
    # A top-level array is one record per element: its problems carry the element's number.
    in_records = [(2, p.replace("$[1]", "$", 1)) if p.startswith("$[1]") else (1, p) for p in problems]
    assert sorted(result.stdout.splitlines()) == sorted(
        f"{name}:{record}: {problem}" for record, problem in in_records
    )


# The bodies a callback client sends, each told apart by its keys (a conversation may carry a
# recordingState too: a body of that key alone fits both, and is valid as either).
REQUESTS = [
    (
        {"callbackNumbers": ["3172222222"], "queueId": "q-1", "callbackUserName": "Ada"},
        "CreateCallbackCommand",
    ),
    ({"conversationId": "c-1", "callbackScheduledTime": "2030-01-15T12:00:00Z"}, "PatchCallbackRequest"),
    ({"patchCallbackRequests": [{"conversationId": "c-1"}]}, "BulkCallbackPatchRequest"),
    (
        {"callbackDisconnectIdentifiers": [{"conversationId": "c-1", "callbackId": "cb-1"}]},
        "BulkCallbackDisconnectRequest",
    ),
    ({"state": "disconnected", "wrapupSkipped": True}, "MediaParticipantRequest"),
    ({"code": "w-1", "name": "Resolved", "disableEndTimeUpdates": True}, "WrapupInput"),
    ({"userId": "u-1", "transferType": "Attended"}, "TransferRequest"),
    ({"recordingState": "PAUSED"}, "Conversation SetRecordingState"),
    ({"callNumber": "+13175550123"}, "CallCommand"),
    ({"attributes": {"reason": "billing"}}, "ParticipantAttributes"),
]


@pytest.mark.parametrize(("body", "model"), REQUESTS, ids=[model.split()[-1] for _, model in REQUESTS])
def test_every_request_body_is_read_as_its_model(
    invoke: Invoke, tmp_path: Path, body: dict[str, Any], model: str
) -> None:
    assert [found.__name__ for found in detect(body)] == model.split()
    # The strict contract checks the bodies' types and required fields, not the server's rules on values.
    assert invoke("validate", _write(tmp_path, body)).exit_code == 0
    broken = {**body, "unexpected": True}
    result = invoke("validate", _write(tmp_path, broken))
    assert result.exit_code == 1
    assert result.stdout.endswith(": $.unexpected: expected no such field, got unknown field 'unexpected'\n")


@pytest.mark.parametrize("model", WIRE_MODELS)
def test_every_model_a_client_reads_or_sends_has_a_schema_and_a_model_option(
    invoke: Invoke, model: str
) -> None:
    schema = invoke("schema", "--model", model)
    assert schema.exit_code == 0
    document = json.loads(schema.stdout)
    assert document["title"] == model
    # An empty object is valid exactly as a model that requires no field.
    result = invoke("validate", "--model", model, "-", input="{}")
    assert result.exit_code == (1 if document.get("required") else 0)
    assert result.stdout.splitlines() == [
        f"<stdin>:1: $.{field}: expected a value, got nothing" for field in document.get("required", ())
    ]
