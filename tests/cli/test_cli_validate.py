"""``validate``: every payload in captured files checked whole, each problem named by file, record and path."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

Invoke = Callable[..., Result]
Payload = dict[str, Any]


def _write(path: Path, *documents: Any, ndjson: bool = False) -> str:
    if ndjson:
        path.write_text("".join(json.dumps(document) + "\n" for document in documents))
    else:
        (document,) = documents
        path.write_text(json.dumps(document, indent=2))
    return str(path)


# -- good input ------------------------------------------------------------------------------


def test_one_valid_callback(invoke: Invoke, tmp_path: Path, callback: Payload) -> None:
    result = invoke("validate", _write(tmp_path / "one.json", callback))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "checked 1 callback in 1 record of 1 file: all valid\n"


def test_an_array_is_one_record_per_element(invoke: Invoke, tmp_path: Path, callback: Payload) -> None:
    result = invoke("validate", _write(tmp_path / "many.json", [callback, callback, callback]))
    assert result.exit_code == 0
    assert result.stderr == "checked 3 callbacks in 3 records of 1 file: all valid\n"


def test_ndjson_streams_line_by_line(invoke: Invoke, tmp_path: Path, callback: Payload) -> None:
    result = invoke("validate", _write(tmp_path / "many.ndjson", *[callback] * 5, ndjson=True))
    assert result.exit_code == 0
    assert result.stderr == "checked 5 callbacks in 5 records of 1 file: all valid\n"


def test_the_callbacks_inside_each_kind_of_response_are_found(
    invoke: Invoke, tmp_path: Path, conversation: Payload
) -> None:
    listing = {"entities": [conversation, conversation], "pageSize": 25, "pageNumber": 1, "total": 2}
    interaction = {"id": "i-1", "conversation": conversation}
    campaign = {"pendingInteractions": [interaction], "scheduledInteractions": [interaction, interaction]}
    files = [
        _write(tmp_path / "conversation.json", conversation),
        _write(tmp_path / "listing.json", listing),
        _write(tmp_path / "campaign.json", campaign),
    ]
    result = invoke("validate", *files)
    assert result.exit_code == 0, result.stdout
    assert result.stderr == "checked 3 payloads (12 callbacks) in 3 records of 3 files: all valid\n"


@pytest.mark.parametrize(
    ("model", "wrap", "checked"),
    [
        ("Callback", lambda cb, conv: cb, "1 callback in 1 record"),
        ("CallbackBasic", lambda cb, conv: [cb, cb], "2 callbacks in 2 records"),
        ("Conversation", lambda cb, conv: conv, "1 payload (2 callbacks) in 1 record"),
        ("ConversationBasic", lambda cb, conv: [conv, conv], "2 payloads (4 callbacks) in 2 records"),
        (
            "ConversationEntityListing",
            lambda cb, conv: {"entities": [conv]},
            "1 payload (2 callbacks) in 1 record",
        ),
        (
            "CampaignInteractions",
            lambda cb, conv: {"pendingInteractions": [{"conversation": conv}]},
            "1 payload (2 callbacks) in 1 record",
        ),
        ("Conversation", lambda cb, conv: {"id": "c-2"}, "1 payload (0 callbacks) in 1 record"),
    ],
)
def test_model_option_reads_every_record_as_that_model(
    invoke: Invoke,
    tmp_path: Path,
    callback: Payload,
    conversation: Payload,
    model: str,
    wrap: Callable[[Payload, Payload], Any],
    checked: str,
) -> None:
    result = invoke("validate", "--model", model, _write(tmp_path / "in.json", wrap(callback, conversation)))
    assert result.exit_code == 0, result.stdout
    assert result.stderr == f"checked {checked} of 1 file: all valid\n"


def test_model_option_is_not_second_guessed(invoke: Invoke, tmp_path: Path, conversation: Payload) -> None:
    """A conversation read as a Callback has unknown fields; detection would have accepted it."""
    result = invoke("validate", "--model", "Callback", _write(tmp_path / "c.json", conversation))
    assert result.exit_code == 1
    assert (
        f"{tmp_path / 'c.json'}:1: $.participants: expected no such field, got unknown field 'participants'"
        in (result.stdout.splitlines())
    )


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(lambda cb: json.dumps(cb), id="compact JSON"),
        pytest.param(lambda cb: json.dumps(cb, indent=4), id="pretty JSON"),
        pytest.param(lambda cb: json.dumps([cb, cb], indent=1), id="pretty array"),
        pytest.param(lambda cb: f"{json.dumps(cb)}\n\n{json.dumps(cb)}\n", id="NDJSON"),
        pytest.param(lambda cb: f"\n\n{json.dumps(cb)}\n\n", id="blank lines around"),
    ],
)
def test_stdin_is_sniffed(invoke: Invoke, callback: Payload, text: Callable[[Payload], str]) -> None:
    result = invoke("validate", "-", input=text(callback))
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""


def test_tolerant_accepts_what_the_sdks_accept(invoke: Invoke, callback: Payload) -> None:
    callback.update(state="parked", futureField={"x": 1}, peerId=None)
    assert invoke("validate", "-", input=json.dumps(callback)).exit_code == 1
    assert invoke("validate", "--tolerant", "-", input=json.dumps(callback)).exit_code == 0


def test_tolerant_reads_a_whole_conversation_as_the_sdks_do(invoke: Invoke, conversation: Payload) -> None:
    conversation.update(futureField=1, endTime=None, recordingState="paused-forever")
    conversation["participants"][0].update(futurePurpose="x")
    strict = invoke("validate", "-", input=json.dumps(conversation))
    assert strict.exit_code == 1
    assert len(strict.stdout.splitlines()) == 4
    assert invoke("validate", "--tolerant", "-", input=json.dumps(conversation)).exit_code == 0


# Every media list of the SDK's Participant, by wire name: a real conversation carries them all.
MEDIA_LISTS = [
    "calls",
    "chats",
    "cobrowsesessions",
    "emails",
    "messages",
    "internalMessages",
    "screenMonitorings",
    "screenshares",
    "socialExpressions",
    "videos",
]
# One communication of each other medium, a few fields each, as the API would send them.
MEDIA_ITEMS: dict[str, dict[str, Any]] = {
    "calls": {"state": "disconnected", "id": "call-1", "direction": "outbound", "disconnectType": "client"},
    "chats": {"state": "connected", "id": "chat-1", "direction": "inbound", "held": False},
    "cobrowsesessions": {"state": "connected", "id": "cb-1", "self": {"name": "Ada", "addressRaw": "x"}},
    "emails": {
        "state": "transmitting",
        "id": "email-1",
        "subject": "Your callback",
        "draftAttachments": [{"attachmentId": "a-1", "name": "note.txt", "contentLength": 12}],
        "errorInfo": {"code": "email.error", "limit": {"key": "size", "namespace": "email", "value": 10}},
    },
    "messages": {
        "state": "connected",
        "id": "message-1",
        "type": "sms",
        "messages": [{"messageId": "m-1", "messageURI": "/api/v2/m/1", "messageStatus": "delivery-success"}],
    },
    "internalMessages": {"state": "connected", "id": "im-1", "messages": [{"messageId": "im-m-1"}]},
    "screenMonitorings": {"state": "none", "id": "sm-1", "monitoringType": "AgentLevel"},
    "screenshares": {"state": "disconnected", "id": "ss-1", "disconnectType": "peer", "sharing": False},
    "socialExpressions": {"state": "connected", "id": "se-1", "socialMediaHub": "twitter"},
    "videos": {"state": "connected", "id": "video-1", "audioMuted": False, "self": {"name": "Ada"}},
}


@pytest.mark.parametrize("filled", [False, True], ids=["empty lists, as captured", "one of each medium"])
def test_a_conversation_carrying_every_media_list_validates(
    invoke: Invoke, conversation: Payload, filled: bool
) -> None:
    # As the captured GET /api/v2/conversations/{id} of a callback: recordingState, divisions and
    # each participant's other media lists (empty there; here also one communication of each).
    conversation["recordingState"] = "NONE"
    conversation["divisions"] = [
        {
            "division": {"id": "d-1", "selfUri": "/api/v2/authorization/divisions/d-1"},
            "entities": [{"id": "q-1", "selfUri": "/api/v2/routing/queues/q-1"}],
        }
    ]
    for participant in conversation["participants"]:
        participant["wrapupRequired"] = False
        for media in MEDIA_LISTS:
            participant[media] = [MEDIA_ITEMS[media]] if filled else []
    result = invoke("validate", "-", input=json.dumps(conversation))
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""
    assert result.stderr == "checked 1 payload (2 callbacks) in 1 record of 1 file: all valid\n"


# -- bad input -------------------------------------------------------------------------------

STATES = "'alerting', 'dialing', 'contacting', 'offering', 'connected', 'disconnected', 'terminated', 'scheduled', 'none'"


def _set(path: str, value: Any) -> Callable[[Payload], None]:
    """Set one wire value by a dotted path with list indexes: ``segments.0.startTime``."""

    def change(payload: Payload) -> None:
        *parents, last = path.split(".")
        target: Any = payload
        for step in parents:
            target = target[int(step)] if step.isdigit() else target[step]
        target[int(last) if last.isdigit() else last] = value

    return change


BAD_CALLBACKS = [
    (_set("state", "parked"), f"$.state: expected one of {STATES}, got 'parked'"),
    (_set("held", "false"), "$.held: expected a boolean, got 'false'"),
    (_set("timeoutSeconds", 1.5), "$.timeoutSeconds: expected an integer, got 1.5"),
    (_set("timeoutSeconds", True), "$.timeoutSeconds: expected an integer, got true"),
    (_set("peerId", None), "$.peerId: expected a string, got null"),
    (_set("nickname", "x"), "$.nickname: expected no such field, got unknown field 'nickname'"),
    (_set("segments", {}), "$.segments: expected an array, got {}"),
    (
        _set("segments.1.startTime", "yesterday"),
        "$.segments[1].startTime: expected an ISO-8601 datetime, got 'yesterday'",
    ),
    (_set("callbackNumbers.0", 3175550123), "$.callbackNumbers[0]: expected a string, got 3175550123"),
    (
        _set("voicemail.uploadStatus", "lost"),
        "$.voicemail.uploadStatus: expected one of 'pending', 'complete', 'failed', 'timeout', 'none', got 'lost'",
    ),
    (
        _set("dialerPreview.phoneNumberColumns.0.type", None),
        "$.dialerPreview.phoneNumberColumns[0].type: expected a string, got null",
    ),
    (_set("wrapup.durationSeconds", "30"), "$.wrapup.durationSeconds: expected an integer, got '30'"),
    (
        _set("afterCallWork.state", "Pending"),
        "$.afterCallWork.state: expected one of 'unknown', 'notApplicable', 'skipped', 'pending', 'complete', got 'Pending'",
    ),
    (
        _set("queueMediaSettings.autoAnswerAlertToneSeconds", "1"),
        "$.queueMediaSettings.autoAnswerAlertToneSeconds: expected a number, got '1'",
    ),
]


@pytest.mark.parametrize(
    ("change", "message"), BAD_CALLBACKS, ids=[m.split(":")[0] for _, m in BAD_CALLBACKS]
)
def test_a_bad_callback_is_named_by_file_record_and_path(
    invoke: Invoke, tmp_path: Path, callback: Payload, change: Callable[[Payload], None], message: str
) -> None:
    good = copy.deepcopy(callback)
    change(callback)
    name = _write(tmp_path / "captured.ndjson", good, good, callback, ndjson=True)
    result = invoke("validate", name)
    assert result.exit_code == 1
    assert result.stdout == f"{name}:3: {message}\n"
    assert result.stderr == "checked 3 callbacks in 3 records of 1 file: 1 invalid\n"


@pytest.mark.parametrize(
    ("change", "message"), BAD_CALLBACKS[:4], ids=[m.split(":")[0] for _, m in BAD_CALLBACKS[:4]]
)
def test_a_bad_callback_deep_in_a_response_gets_its_full_path(
    invoke: Invoke, conversation: Payload, change: Callable[[Payload], None], message: str
) -> None:
    change(conversation["participants"][1]["callbacks"][0])
    listing = {"entities": [conversation, conversation]}
    result = invoke("validate", "-", input=json.dumps(listing))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"<stdin>:1: $.entities[{entity}].participants[1].callbacks[0]{message[1:]}" for entity in (0, 1)
    ]


def test_every_problem_of_every_file_is_printed(invoke: Invoke, tmp_path: Path, callback: Payload) -> None:
    good = _write(tmp_path / "good.json", callback)
    callback.update(held="no", direction="sideways")
    bad = _write(tmp_path / "bad.json", [callback, {"id": 7}])
    result = invoke("validate", good, bad)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{bad}:1: $.direction: expected one of 'inbound', 'outbound', got 'sideways'",
        f"{bad}:1: $.held: expected a boolean, got 'no'",
        f"{bad}:2: $.id: expected a string, got 7",
    ]
    assert result.stderr == "checked 3 callbacks in 3 records of 2 files: 2 invalid\n"


# The envelope's own fields, decoded as strictly as the callbacks: (--model or detected, the
# change to a valid response, every problem it must report).
ENVELOPE_CASES = [
    pytest.param(
        "Conversation",
        [_set("startTime", "yesterday"), _set("colour", "red"), _set("participants.0.purpose", 123)],
        [
            "$.startTime: expected an ISO-8601 datetime, got 'yesterday'",
            "$.participants[0].purpose: expected a string, got 123",
            "$.colour: expected no such field, got unknown field 'colour'",
        ],
        id="Conversation fields",
    ),
    pytest.param(
        None,
        [_set("participants.1.wrapupPrompt", "never"), _set("participants.1.attributes", {"crm": 42})],
        [
            "$.participants[1].wrapupPrompt: expected one of 'mandatory', 'optional', 'agentRequested', "
            "'timeout', 'forcedTimeout', got 'never'",
            "$.participants[1].attributes['crm']: expected a string, got 42",
        ],
        id="Participant fields, detected",
    ),
    pytest.param(
        "ConversationBasic",
        [_set("recordingState", "active")],
        ["$.recordingState: expected no such field, got unknown field 'recordingState'"],
        id="ConversationBasic has no recordingState",
    ),
    pytest.param(
        "Conversation",
        [_set("participants", {})],
        ["$.participants: expected an array, got {}"],
        id="participants not an array",
    ),
    pytest.param(
        None,
        [_set("participants", [[]])],
        ["$.participants[0]: expected an object (Participant), got []"],
        id="a participant not an object",
    ),
    pytest.param(
        None,
        [_set("participants.0.callbacks", "none")],
        ["$.participants[0].callbacks: expected an array, got 'none'"],
        id="callbacks not an array",
    ),
]


@pytest.mark.parametrize(("model", "changes", "messages"), ENVELOPE_CASES)
def test_a_conversation_is_checked_whole(
    invoke: Invoke,
    conversation: Payload,
    model: str | None,
    changes: list[Callable[[Payload], None]],
    messages: list[str],
) -> None:
    for change in changes:
        change(conversation)
    args = ["--model", model] if model else []
    result = invoke("validate", *args, "-", input=json.dumps(conversation))
    assert result.exit_code == 1
    assert sorted(result.stdout.splitlines()) == sorted(f"<stdin>:1: {message}" for message in messages)
    assert result.stderr.endswith(" in 1 record of 1 file: 1 invalid\n")


@pytest.mark.parametrize(
    ("model", "document", "messages"),
    [
        (
            "ConversationEntityListing",
            {"entities": [], "pageSize": "25", "cursor": "x"},
            [
                "$.cursor: expected no such field, got unknown field 'cursor'",
                "$.pageSize: expected an integer, got '25'",
            ],
        ),
        (
            None,  # either listing: both are tried, and the problems differ
            {"entities": [1]},
            [
                "$: expected one of ConversationEntityListing, CallbackConversationEntityListing "
                "(its keys fit each equally), got none that decodes it",
                "  as ConversationEntityListing: $.entities[0]: expected an object (Conversation), got 1",
                "  as CallbackConversationEntityListing: $.entities[0]: expected an object "
                "(CallbackConversation), got 1",
            ],
        ),
        (
            None,
            {"entities": [{"id": 7, "participants": []}], "total": True},
            ["$.entities[0].id: expected a string, got 7", "$.total: expected an integer, got true"],
        ),
        (
            "CampaignInteractions",
            {"campaign": {"id": 5}, "pendingInteractions": [{"creationTime": "soon"}]},
            [
                "$.campaign.id: expected a string, got 5",
                "$.pendingInteractions[0].creationTime: expected an ISO-8601 datetime, got 'soon'",
            ],
        ),
        (
            None,
            {"scheduledInteractions": [{"conversation": []}]},
            ["$.scheduledInteractions[0].conversation: expected an object (ConversationBasic), got []"],
        ),
        (
            "Conversation",
            [{"id": "ok"}, {"id": "bad", "endTime": 0}],
            ["$[1].endTime: expected an ISO-8601 datetime, got 0"],
        ),
    ],
    ids=[
        "listing fields",
        "listing entity",
        "listing detected",
        "campaign fields",
        "campaign detected",
        "array",
    ],
)
def test_every_response_model_is_checked_whole(
    invoke: Invoke, tmp_path: Path, model: str | None, document: Any, messages: list[str]
) -> None:
    name = _write(tmp_path / "response.ndjson", document, ndjson=True)
    args = ["--model", model] if model else []
    result = invoke("validate", *args, name)
    assert result.exit_code == 1
    assert sorted(result.stdout.splitlines()) == sorted(f"{name}:1: {message}" for message in messages)
    assert result.stderr.endswith(": 1 invalid\n")


def test_a_record_that_is_no_object_is_an_invalid_callback(invoke: Invoke) -> None:
    result = invoke("validate", "-", input='["just a string", 3]')
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "<stdin>:1: $: expected an object (Callback), got 'just a string'",
        "<stdin>:2: $: expected an object (Callback), got 3",
    ]
    assert result.stderr == "checked 2 callbacks in 2 records of 1 file: 2 invalid\n"


GOOD = '{"id": "a"}'
STRING_KEY = "unexpected character, expected a string key"


@pytest.mark.parametrize(
    ("name", "text", "record", "got"),
    [
        ("broken.json", '{\n  "id": "x",\n}\n', 1, "trailing comma is not allowed: line 2 column 12"),
        ("broken.txt", "{oops", 1, f"{STRING_KEY}: line 1 column 2"),
        ("lines.txt", "[1,\n2,\n  x]\n", 1, "unexpected character, expected a JSON value: line 3 column 3"),
        ("cut.ndjson", f'{GOOD}\n\n{{"id": \n{GOOD}\n', 3, "unexpected end of data: line 3 column 8"),
        (
            "fifth.ndjson",  # the fifth record, on line 8; its column counts characters, not bytes
            f'{GOOD}\n\n{GOOD}\n\n\n{GOOD}\n{GOOD}\n{{"id": "é", oops}}\n{GOOD}\n',
            8,
            f"{STRING_KEY}: line 8 column 13",
        ),
        (
            "crlf.jsonl",
            f'{GOOD}\r\n\r\n{{"id": 1,}}\r\n',
            3,
            "trailing comma is not allowed: line 3 column 9",
        ),
        ("last.ndjson", f'{GOOD}\n{{"id": "b"', 2, "unexpected end of data: line 2 column 11"),
        ("sniffed.txt", f"\n{GOOD}\n\n{GOOD}\n{{oops}}\n", 5, f"{STRING_KEY}: line 5 column 2"),
    ],
)
def test_text_that_is_not_json_is_a_broken_record_at_its_line_and_column(
    invoke: Invoke, tmp_path: Path, name: str, text: str, record: int, got: str
) -> None:
    path = tmp_path / name
    path.write_bytes(text.encode())
    result = invoke("validate", str(path))
    assert result.exit_code == 1
    assert result.stdout == f"{path}:{record}: $: expected JSON text, got {got}\n"
    assert result.stderr.endswith(": 1 broken record\n")


def test_an_invalid_ndjson_record_is_named_by_its_line(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "spaced.ndjson"
    path.write_text(f'{GOOD}\n\n\n{GOOD}\n   \n{{"id": 5}}\n\n{{"held": "no"}}\n')
    result = invoke("validate", str(path))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{path}:6: $.id: expected a string, got 5",
        f"{path}:8: $.held: expected a boolean, got 'no'",
    ]
    assert result.stderr == "checked 4 callbacks in 4 records of 1 file: 2 invalid\n"


@pytest.mark.parametrize(
    ("texts", "status", "notes", "summary"),
    [
        pytest.param(
            {"a.json": GOOD}, 0, [], "checked 1 callback in 1 record of 1 file: all valid", id="valid"
        ),
        pytest.param(
            {"a.json": '{"id": 1}'},
            1,
            [],
            "checked 1 callback in 1 record of 1 file: 1 invalid",
            id="invalid",
        ),
        pytest.param(
            {"a.json": "{"}, 1, [], "checked 0 payloads in 1 record of 1 file: 1 broken record", id="not JSON"
        ),
        pytest.param(
            {"a.json": "[]"},
            3,
            ["note: a.json holds nothing to check"],
            "checked 0 payloads in 0 records of 1 file: nothing to check",
            id="empty array",
        ),
        pytest.param(
            {"a.json": ""},
            3,
            ["note: a.json holds nothing to check"],
            "checked 0 payloads in 0 records of 1 file: nothing to check",
            id="empty file",
        ),
        pytest.param(
            {"a.ndjson": "\n \n\n"},
            3,
            ["note: a.ndjson holds nothing to check"],
            "checked 0 payloads in 0 records of 1 file: nothing to check",
            id="blank lines",
        ),
        pytest.param(
            {"a.ndjson": "[]\n[]\n"},
            3,
            ["note: a.ndjson holds nothing to check"],
            "checked 0 payloads in 2 records of 1 file: nothing to check",
            id="NDJSON of empty arrays",
        ),
        pytest.param(
            {"a.txt": "  \n"},
            3,
            ["note: a.txt holds nothing to check"],
            "checked 0 payloads in 0 records of 1 file: nothing to check",
            id="sniffed blank",
        ),
        pytest.param(
            {"a.json": GOOD, "b.json": "[]"},
            0,
            ["note: b.json holds nothing to check"],
            "checked 1 callback in 1 record of 2 files: all valid",
            id="one empty among valid",
        ),
        pytest.param(
            {"a.json": "[]", "b.json": "{"},
            1,
            ["note: a.json holds nothing to check"],
            "checked 0 payloads in 1 record of 2 files: 1 broken record",
            id="empty and broken",
        ),
        pytest.param(
            {"a.json": "[]", "missing.json": None},
            2,
            [
                "note: a.json holds nothing to check",
                "error: cannot read missing.json: No such file or directory",
            ],
            "checked 0 payloads in 0 records of 2 files: 1 unreadable file",
            id="empty and unreadable",
        ),
        pytest.param(
            {"a.json": '{"id": 1}', "missing.json": None},
            2,
            ["error: cannot read missing.json: No such file or directory"],
            "checked 1 callback in 1 record of 2 files: 1 invalid, 1 unreadable file",
            id="invalid and unreadable",
        ),
    ],
)
def test_the_exit_status_tells_valid_invalid_unreadable_and_nothing_apart(
    invoke: Invoke,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    texts: dict[str, str | None],
    status: int,
    notes: list[str],
    summary: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, text in texts.items():
        if text is not None:
            (tmp_path / name).write_text(text)
    result = invoke("validate", *texts)
    assert result.exit_code == status
    assert result.stderr.splitlines() == [*notes, summary]


def test_stdin_with_nothing_to_check(invoke: Invoke) -> None:
    result = invoke("validate", "-", input="[]")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "note: <stdin> holds nothing to check",
        "checked 0 payloads in 0 records of 1 file: nothing to check",
    ]


def test_the_help_documents_the_exit_statuses(invoke: Invoke) -> None:
    text = invoke("validate", "--help").stdout
    for line in (
        "0  every payload is valid",
        "1  some payload is invalid, or some record is not JSON",
        "2  usage error, or a file cannot be read",
        "3  nothing to check: no payload in any file (empty files, [])",
    ):
        assert line in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.json"], "error: cannot read missing.json: No such file or directory"),
        (["."], "error: cannot read .: Is a directory"),
    ],
)
def test_unreadable_input_exits_2_after_checking_the_rest(
    invoke: Invoke,
    tmp_path: Path,
    callback: Payload,
    args: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    good = _write(tmp_path / "good.json", callback)
    result = invoke("validate", *args, good)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        message,
        "checked 1 callback in 1 record of 2 files: 1 unreadable file",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Missing argument 'FILES...'"),
        (["--model", "Participant", "-"], "Invalid value for '--model'"),
        (["--strict", "-"], "No such option"),
    ],
)
def test_usage_errors_exit_2(invoke: Invoke, args: list[str], message: str) -> None:
    result = invoke("validate", *args, input="{}")
    assert result.exit_code == 2
    assert message in result.stderr


def test_as_a_real_process(process: Callable[..., Any], tmp_path: Path, callback: Payload) -> None:
    good = _write(tmp_path / "good.json", callback)
    assert process(["validate", good]).returncode == 0
    callback["held"] = "yes"
    done = process(["validate", "-"], input=json.dumps(callback).encode())
    assert done.returncode == 1
    assert done.stdout == b"<stdin>:1: $.held: expected a boolean, got 'yes'\n"
    assert process(["validate", str(tmp_path / "absent.json")]).returncode == 2
