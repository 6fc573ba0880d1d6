"""The payload tables shared by the converter and JSON Schema tests.

Each table is a list of ``pytest.param`` with an id, so one table drives the converter's tests and
the schema's agreement tests alike.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

import contracts
from contracts import (
    AssignedWrapupCode,
    BulkCallbackPatchRequest,
    BulkCallbackPatchResponse,
    Callback,
    CallbackBasic,
    CallbackConversation,
    CallbackConversationEntityListing,
    CallCommand,
    Conversation,
    ConversationBasic,
    CreateCallbackCommand,
    CreateCallbackOnConversationCommand,
    Empty,
    ErrorBody,
    MediaParticipantRequest,
    ParticipantAttributes,
    PatchCallbackRequest,
    Segment,
    SetRecordingState,
    WrapupCode,
)

DATA = Path(__file__).parent / "data"

# The nine models the contract declares in full, as the SDK has them.
CALLBACK_MODELS = [
    contracts.Callback,
    contracts.CallbackBasic,
    contracts.Segment,
    contracts.DialerPreview,
    contracts.PhoneNumberColumn,
    contracts.Voicemail,
    contracts.Wrapup,
    contracts.AfterCallWork,
    contracts.ConversationQueueMediaSettings,
]


def data_json(name: str) -> Any:
    """A JSON file of ``tests/contracts/data``."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))


FULL: dict[str, Any] = data_json("callback_full.json")
# A callback conversation as GET /api/v2/conversations/callbacks/{id} shows it after an agent
# answered the second offer, after CAPTURE's timeline; and one with every field filled in.
CALLBACK_CONVERSATION: dict[str, Any] = data_json("callback_conversation.json")
CALLBACK_CONVERSATION_FULL: dict[str, Any] = data_json("callback_conversation_full.json")


def full(**changes: Any) -> dict[str, Any]:
    """A copy of the fully populated callback with top-level fields replaced."""
    payload = copy.deepcopy(FULL)
    payload.update(changes)
    return payload


def full_with(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """A copy of the fully populated callback with the value at ``path`` replaced."""
    payload = copy.deepcopy(FULL)
    target: Any = payload
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return payload


ALERTING = {
    "state": "alerting",
    "initialState": "alerting",
    "id": "0b4c2d1e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
    "segments": [],
    "direction": "outbound",
    "held": False,
    "callbackNumbers": ["+13175550100"],
    "startAlertingTime": "2022-07-04T10:56:34.973Z",
    "provider": "PureCloud Callback",
}

# Keys in declaration order, the order the converter writes.
CONVERSATION = {
    "id": "c0a1b2c3-d4e5-4f60-8172-8394a5b6c7d8",
    "startTime": "2022-07-04T10:55:00.000Z",
    "selfUri": "/api/v2/conversations/c0a1b2c3-d4e5-4f60-8172-8394a5b6c7d8",
    "participants": [
        {
            "id": "p-customer",
            "startTime": "2022-07-04T10:55:00.000Z",
            "purpose": "customer",
            "attributes": {"ticket": "T-1", "note.first_call": "yes"},
            "callbacks": [FULL],
        },
        {"id": "p-acd", "purpose": "acd", "wrapupPrompt": "optional", "callbacks": [ALERTING]},
    ],
}

# Canonical wire payloads: decoding then encoding gives them back unchanged.
CANONICAL = [
    pytest.param(Callback, FULL, id="callback-full"),
    pytest.param(CallbackBasic, FULL, id="callback-basic-full"),
    pytest.param(Callback, {}, id="callback-empty"),
    pytest.param(Callback, {"state": "scheduled"}, id="callback-minimal"),
    pytest.param(Callback, ALERTING, id="callback-alerting-empty-segments"),
    pytest.param(Callback, {"segments": [], "callbackNumbers": []}, id="callback-empty-lists"),
    pytest.param(Callback, full(wrapup={}, voicemail={}, afterCallWork={}), id="callback-empty-objects"),
    pytest.param(
        Callback,
        {"segments": [{"startTime": "2022-07-04T10:57:04.973Z", "type": "Interact"}]},
        id="segment-in-progress",
    ),
    pytest.param(Segment, FULL["segments"][1], id="segment"),
    pytest.param(Conversation, CONVERSATION, id="conversation"),
    pytest.param(ConversationBasic, CONVERSATION, id="conversation-basic"),
    pytest.param(
        CreateCallbackCommand,
        {
            "callbackNumbers": ["+13175550100"],
            "queueId": "q-1",
            "customerFirstCallbackDeliveryMode": "UseQueueSetting",
            "callbackScheduledTime": "2030-01-01T12:00:00.000Z",
            "data": {"orderId": "42"},
        },
        id="create-command",
    ),
    pytest.param(
        ErrorBody,
        {"code": "bad.request", "status": 400, "messageParams": {}, "errors": [{"code": "invalid.date"}]},
        id="error-body",
    ),
    pytest.param(CallbackConversation, CALLBACK_CONVERSATION, id="callback-conversation"),
    pytest.param(CallbackConversation, CALLBACK_CONVERSATION_FULL, id="callback-conversation-full"),
    pytest.param(
        CallbackConversationEntityListing,
        {
            "pageSize": 25,
            "pageNumber": 1,
            "total": 1,
            "pageCount": 1,
            "firstUri": "/api/v2/conversations/callbacks?pageSize=25&pageNumber=1",
            "selfUri": "/api/v2/conversations/callbacks?pageSize=25&pageNumber=1",
            "lastUri": "/api/v2/conversations/callbacks?pageSize=25&pageNumber=1",
            "entities": [CALLBACK_CONVERSATION],
        },
        id="callback-conversation-listing",
    ),
    pytest.param(MediaParticipantRequest, {"state": "connected"}, id="answer"),
    pytest.param(
        MediaParticipantRequest,
        {
            "wrapup": {
                "code": "7c6b5a49-3e2d-4c1b-8a9f-0e1d2c3b4a59",
                "notes": "Customer reached.",
                "tags": ["callback"],
                "durationSeconds": 30,
                "endTime": "2022-07-04T11:21:55.000Z",
                "provisional": False,
                "disableEndTimeUpdates": True,
            },
            "state": "disconnected",
            "wrapupSkipped": False,
        },
        id="disconnect-with-wrapup",
    ),
    pytest.param(
        ParticipantAttributes, {"attributes": {"orderId": "42", "note.first_call": ""}}, id="attributes"
    ),
    pytest.param(
        AssignedWrapupCode,
        {
            "code": "wc-1",
            "notes": "n",
            "tags": [],
            "durationSeconds": 30,
            "endTime": "2022-07-04T11:21:55.000Z",
        },
        id="assigned-wrapup-code",
    ),
    pytest.param(
        WrapupCode,
        {
            "name": "Callback completed",
            "id": "wc-1",
            "division": {"id": "d-1", "name": "Home", "selfUri": "/api/v2/authorization/divisions/d-1"},
            "dateCreated": "2022-01-01T00:00:00.000Z",
            "createdBy": "u-1",
            "selfUri": "/api/v2/routing/wrapupcodes/wc-1",
        },
        id="wrapup-code",
    ),
    pytest.param(
        BulkCallbackPatchRequest,
        {
            "patchCallbackRequests": [
                {"conversationId": "c-1", "callbackScheduledTime": "2030-01-01T12:00:00.000Z"}
            ]
        },
        id="bulk-patch-request",
    ),
    pytest.param(
        BulkCallbackPatchResponse,
        {
            "results": [
                {
                    "entity": {
                        "conversation": {"id": "c-1", "selfUri": "/api/v2/conversations/c-1"},
                        "callbackIdentifiers": [{"type": "EXTERNAL", "id": "cb-1"}],
                    }
                },
                {
                    "error": {
                        "message": "Unable to update an already triggered callback.",
                        "code": "callback.error.already.triggered",
                    }
                },
            ],
            "errorCount": 1,
            "errorIndexes": [1],
        },
        id="bulk-patch-response",
    ),
    pytest.param(
        CreateCallbackOnConversationCommand,
        {
            "callbackNumbers": ["+13175550100"],
            "queueId": "q-1",
            "callbackScheduledTime": "2030-01-01T12:00:00.000Z",
        },
        id="callback-on-conversation",
    ),
    pytest.param(CallCommand, {"callNumber": "+13175550100"}, id="call-command"),
    pytest.param(SetRecordingState, {"recordingState": "PAUSED"}, id="recording-state"),
    pytest.param(Empty, {}, id="empty"),
]

# Other spellings a client sends: accepted, and written back in the API's one form.
NORMALIZED = [
    pytest.param("2022-07-04T11:00:00Z", "2022-07-04T11:00:00.000Z", id="to-the-second"),
    pytest.param("2022-07-04T11:00Z", "2022-07-04T11:00:00.000Z", id="to-the-minute"),
    pytest.param("2030-01-01T12:00:00+00:00", "2030-01-01T12:00:00.000Z", id="isoformat-utc"),
    pytest.param("2030-01-01T12:00:00.123456+00:00", "2030-01-01T12:00:00.123Z", id="isoformat-micro"),
    pytest.param("2022-07-04T12:56:34.973+02:00", "2022-07-04T10:56:34.973Z", id="offset"),
    pytest.param("2022-07-04T05:56:34.973-0500", "2022-07-04T10:56:34.973Z", id="offset-basic"),
    pytest.param("2022-07-04T10:56:34.9Z", "2022-07-04T10:56:34.900Z", id="one-digit"),
    pytest.param("2022-07-04T10:56:34.973999999Z", "2022-07-04T10:56:34.973Z", id="nine-digits"),
    pytest.param("2022-07-04T10:56:34,973Z", "2022-07-04T10:56:34.973Z", id="comma"),
    pytest.param("2022-07-04t10:56:34.973z", "2022-07-04T10:56:34.973Z", id="lower-case"),
    pytest.param("2022-07-04T10:56:34.973", "2022-07-04T10:56:34.973Z", id="no-zone-is-utc"),
    pytest.param("2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000Z", id="leap-day"),
    pytest.param("2022-07-05T00:30:00+01:00", "2022-07-04T23:30:00.000Z", id="offset-crosses-midnight"),
]

# Payloads strict mode rejects: (model, payload, the exact paths in the order reported).
BAD = [
    # wrong JSON types
    pytest.param(Callback, full(held="false"), ["$.held"], id="string-false-for-bool"),
    pytest.param(Callback, full(held=0), ["$.held"], id="zero-for-bool"),
    pytest.param(Callback, full(timeoutSeconds="30"), ["$.timeoutSeconds"], id="string-for-int"),
    pytest.param(Callback, full(timeoutSeconds=True), ["$.timeoutSeconds"], id="bool-for-int"),
    pytest.param(Callback, full(timeoutSeconds=30.5), ["$.timeoutSeconds"], id="fraction-for-int"),
    pytest.param(Callback, full(id=42), ["$.id"], id="int-for-string"),
    pytest.param(Callback, full(callbackNumbers="+13175550100"), ["$.callbackNumbers"], id="string-for-list"),
    pytest.param(Callback, full(callbackNumbers=[13175550100]), ["$.callbackNumbers[0]"], id="int-in-list"),
    pytest.param(Callback, full(segments={}), ["$.segments"], id="object-for-list"),
    pytest.param(Callback, full(segments=["Alert"]), ["$.segments[0]"], id="string-for-object-in-list"),
    pytest.param(Callback, full(wrapup=[]), ["$.wrapup"], id="list-for-object"),
    pytest.param(Callback, full(wrapup={"tags": "billing"}), ["$.wrapup.tags"], id="nested-string-for-list"),
    pytest.param(
        Callback, full(wrapup={"durationSeconds": 4.2}), ["$.wrapup.durationSeconds"], id="nested-float"
    ),
    pytest.param(
        Callback,
        full_with(("queueMediaSettings", "autoAnswerAlertToneSeconds"), "0.5"),
        ["$.queueMediaSettings.autoAnswerAlertToneSeconds"],
        id="string-for-number",
    ),
    pytest.param(
        Callback,
        full_with(("dialerPreview", "phoneNumberColumns", 0, "columnName"), 3),
        ["$.dialerPreview.phoneNumberColumns[0].columnName"],
        id="deep-in-list",
    ),
    pytest.param(Callback, [FULL], ["$"], id="array-for-root"),
    pytest.param(Callback, "callback", ["$"], id="string-for-root"),
    # dates
    pytest.param(
        Callback,
        full_with(("segments", 1, "startTime"), "yesterday"),
        ["$.segments[1].startTime"],
        id="date-word",
    ),
    pytest.param(
        Callback, full(connectedTime="2022-02-30T10:00:00Z"), ["$.connectedTime"], id="date-no-such-day"
    ),
    pytest.param(
        Callback, full(connectedTime="2023-02-29T10:00:00Z"), ["$.connectedTime"], id="date-not-leap"
    ),
    pytest.param(Callback, full(connectedTime="2022-07-04"), ["$.connectedTime"], id="date-only"),
    pytest.param(Callback, full(connectedTime="2022-07-04 10:56:34Z"), ["$.connectedTime"], id="date-space"),
    pytest.param(
        Callback, full(connectedTime="2022-07-04T24:00:00Z"), ["$.connectedTime"], id="date-hour-24"
    ),
    pytest.param(Callback, full(connectedTime="0000-01-01T00:00:00Z"), ["$.connectedTime"], id="date-year-0"),
    pytest.param(
        Callback, full(connectedTime="2022-07-04T10:56:34Z\n"), ["$.connectedTime"], id="date-newline"
    ),
    pytest.param(Callback, full(connectedTime="2022-W27-1T10:56:34Z"), ["$.connectedTime"], id="date-week"),
    pytest.param(
        Callback, full(connectedTime="20220704T105634Z"), ["$.connectedTime"], id="date-basic-format"
    ),
    pytest.param(
        Callback, full(connectedTime="\u0662022-07-04T10:56:34Z"), ["$.connectedTime"], id="date-arabic-digit"
    ),
    pytest.param(Callback, full(connectedTime=1656932194973), ["$.connectedTime"], id="date-epoch-millis"),
    pytest.param(
        Callback, full_with(("wrapup", "endTime"), ""), ["$.wrapup.endTime"], id="date-empty-nested"
    ),
    # unknown keys
    pytest.param(Callback, full(queueId="q-1"), ["$.queueId"], id="unknown-key"),
    pytest.param(
        Callback, full(voicemail={"id": "vm-1", "duration": 3}), ["$.voicemail.duration"], id="unknown-nested"
    ),
    pytest.param(
        Callback,
        full_with(("segments", 0, "queueId"), "q-1"),
        ["$.segments[0].queueId"],
        id="unknown-in-list",
    ),
    pytest.param(Callback, full(start_time=FULL["startAlertingTime"]), ["$.start_time"], id="snake-case-key"),
    pytest.param(Callback, full(b=1, a=2), ["$.a", "$.b"], id="unknown-keys-sorted"),
    # unknown enum values
    pytest.param(Callback, full(state="parked"), ["$.state"], id="unknown-enum"),
    pytest.param(Callback, full(direction="Outbound"), ["$.direction"], id="enum-case"),
    pytest.param(
        Callback, full(disconnectType="transfer.unknown"), ["$.disconnectType"], id="unknown-dotted-enum"
    ),
    pytest.param(Callback, full(state=1), ["$.state"], id="int-for-enum"),
    pytest.param(
        Callback,
        full_with(("afterCallWork", "state"), "done"),
        ["$.afterCallWork.state"],
        id="unknown-nested-enum",
    ),
    pytest.param(
        Callback,
        full_with(("voicemail", "uploadStatus"), "COMPLETE"),
        ["$.voicemail.uploadStatus"],
        id="nested-enum-case",
    ),
    # null where the API leaves a field out
    pytest.param(Callback, full(held=None), ["$.held"], id="null-bool"),
    pytest.param(Callback, full(wrapup=None), ["$.wrapup"], id="null-object"),
    pytest.param(Callback, full(state=None), ["$.state"], id="null-enum"),
    pytest.param(Callback, full(segments=[None]), ["$.segments[0]"], id="null-in-list"),
    pytest.param(Callback, full(callbackNumbers=[None]), ["$.callbackNumbers[0]"], id="null-string-in-list"),
    pytest.param(
        Callback,
        full_with(("dialerPreview", "phoneNumberColumns", 0, "columnName"), None),
        ["$.dialerPreview.phoneNumberColumns[0].columnName"],
        id="null-deep-in-list",
    ),
    # several problems at once: all reported, in field order, unknown keys last
    pytest.param(
        Callback,
        {
            "state": "parked",
            "segments": [{"startTime": "2022-07-04T10:56:34.973Z"}, {"startTime": "yesterday", "kind": 1}],
            "held": "false",
            "dialerPreview": {"phoneNumberColumns": [{"columnName": "Cell"}, {"columnName": 3}]},
            "timeoutSeconds": "30",
            "queueMediaSettings": {"enableAutoAnswer": None},
            "extra": True,
        },
        [
            "$.state",
            "$.segments[1].startTime",
            "$.segments[1].kind",
            "$.held",
            "$.dialerPreview.phoneNumberColumns[1].columnName",
            "$.timeoutSeconds",
            "$.queueMediaSettings.enableAutoAnswer",
            "$.extra",
        ],
        id="several",
    ),
    # the envelopes
    pytest.param(
        Conversation,
        {"participants": [{"callbacks": [full_with(("segments", 1, "endTime"), "soon")]}]},
        ["$.participants[0].callbacks[0].segments[1].endTime"],
        id="conversation-deep",
    ),
    pytest.param(
        ConversationBasic,
        {
            "participants": [
                {},
                {"callbacks": [{"afterCallWork": {"state": "done"}}], "wrapupPrompt": "never"},
            ]
        },
        ["$.participants[1].wrapupPrompt", "$.participants[1].callbacks[0].afterCallWork.state"],
        id="conversation-basic-enums",
    ),
    pytest.param(CreateCallbackCommand, {}, ["$.callbackNumbers"], id="required-missing"),
    pytest.param(
        CreateCallbackCommand,
        {"callbackNumbers": ["+13175550100"], "customerFirstCallbackDeliveryMode": "Whenever"},
        ["$.customerFirstCallbackDeliveryMode"],
        id="command-enum",
    ),
    pytest.param(
        CreateCallbackCommand,
        {"callbackNumbers": ["+13175550100"], "data": {"orderId": 42, "note.first_call": None}},
        ["$.data['orderId']", "$.data['note.first_call']"],
        id="map-values",
    ),
    pytest.param(
        PatchCallbackRequest,
        {"queueId": 3, "callbackScheduledTime": "tomorrow"},
        ["$.conversationId", "$.queueId", "$.callbackScheduledTime"],
        id="patch-missing-and-wrong",
    ),
    pytest.param(
        ErrorBody,
        {"errors": [{"errors": [{"status": "400"}]}]},
        ["$.errors[0].errors[0].status"],
        id="recursive",
    ),
    pytest.param(ErrorBody, {"messageParams": []}, ["$.messageParams"], id="list-for-map"),
    # the callback routes: a CallbackMediaParticipant is not a Participant, nor its callback
    pytest.param(
        CallbackConversation,
        {"participants": [{"state": "scheduled"}, {"disconnectType": "endpoint.dnd"}]},
        ["$.participants[0].state", "$.participants[1].disconnectType"],
        id="participant-enums-are-their-own",
    ),
    pytest.param(
        CallbackConversation,
        {"participants": [{"initialState": "scheduled", "callbacks": [], "peerId": "x"}]},
        ["$.participants[0].callbacks", "$.participants[0].initialState", "$.participants[0].peerId"],
        id="participant-has-no-callback-fields",
    ),
    pytest.param(
        CallbackConversation,
        {"participants": [{"journeyContext": {"customerSession": {"id": "s-1"}}}]},
        [
            "$.participants[0].journeyContext.customer",
            "$.participants[0].journeyContext.customerSession.type",
        ],
        id="journey-required",
    ),
    pytest.param(MediaParticipantRequest, {"state": "answered"}, ["$.state"], id="participant-request-enum"),
    pytest.param(
        MediaParticipantRequest,
        {"wrapup": {"code": "wc-1", "disableEndTimeUpdates": "yes"}},
        ["$.wrapup.disableEndTimeUpdates"],
        id="wrapup-input",
    ),
    pytest.param(
        ParticipantAttributes, {"attributes": {"orderId": 42}}, ["$.attributes['orderId']"], id="attributes"
    ),
    pytest.param(WrapupCode, {"id": "wc-1"}, ["$.name"], id="wrapup-code-name"),
    pytest.param(BulkCallbackPatchRequest, {}, ["$.patchCallbackRequests"], id="bulk-patch-missing"),
    pytest.param(
        BulkCallbackPatchRequest,
        {"patchCallbackRequests": [{"conversationId": "c-1"}, {"queueId": "q-1"}]},
        ["$.patchCallbackRequests[1].conversationId"],
        id="bulk-patch-element",
    ),
    pytest.param(CallCommand, {"phoneColumn": "Cell"}, ["$.callNumber"], id="call-number-missing"),
    pytest.param(SetRecordingState, {"recordingState": "paused"}, ["$.recordingState"], id="recording-case"),
    pytest.param(Empty, {"state": "disconnected"}, ["$.state"], id="empty-takes-nothing"),
]

# Full messages for a few of the payloads above: what the reader of an error sees.
MESSAGES = [
    pytest.param(Callback, full(held="false"), ["$.held: expected a boolean, got 'false'"], id="bool"),
    pytest.param(
        Callback, full(timeoutSeconds="30"), ["$.timeoutSeconds: expected an integer, got '30'"], id="int"
    ),
    pytest.param(
        Callback,
        full(timeoutSeconds=2**63),
        ["$.timeoutSeconds: expected an integer of at most 64 bits, got 9223372036854775808"],
        id="int-beyond-64-bits",
    ),
    pytest.param(
        Callback,
        full(queueMediaSettings={"alertingTimeoutSeconds": -(2**90)}),
        [
            "$.queueMediaSettings.alertingTimeoutSeconds: expected an integer of at most 64 bits, got -1237940039285380274899124224"
        ],
        id="int-beyond-what-orjson-writes",
    ),
    pytest.param(
        Callback,
        full(callbackNumbers="+13175550100"),
        ["$.callbackNumbers: expected an array, got '+13175550100'"],
        id="list",
    ),
    pytest.param(
        Callback,
        full_with(("segments", 1, "startTime"), "yesterday"),
        ["$.segments[1].startTime: expected an ISO-8601 datetime, got 'yesterday'"],
        id="date",
    ),
    pytest.param(
        Callback,
        full(connectedTime=1656932194973),
        ["$.connectedTime: expected an ISO-8601 datetime, got 1656932194973"],
        id="date-number",
    ),
    pytest.param(
        Callback,
        full(direction="sideways"),
        ["$.direction: expected one of 'inbound', 'outbound', got 'sideways'"],
        id="enum",
    ),
    pytest.param(Callback, full(wrapup=None), ["$.wrapup: expected an object (Wrapup), got null"], id="null"),
    pytest.param(
        Callback,
        full(segments=[None]),
        ["$.segments[0]: expected an object (Segment), got null"],
        id="null-in-list",
    ),
    pytest.param(
        Callback,
        full(queueId="q-1"),
        ["$.queueId: expected no such field, got unknown field 'queueId'"],
        id="unknown",
    ),
    pytest.param(
        CreateCallbackCommand, {}, ["$.callbackNumbers: expected a value, got nothing"], id="missing"
    ),
]

# Payloads only tolerant mode accepts: (model, payload, the model strict mode would build from
# the payload without the newer API's additions).
TOLERATED = [
    pytest.param(Callback, full(queueId="q-1"), FULL, id="unknown-key"),
    pytest.param(Callback, full_with(("segments", 0, "queueId"), "q-1"), FULL, id="unknown-in-list"),
    pytest.param(Callback, full(voicemail={**FULL["voicemail"], "duration": 3}), FULL, id="unknown-nested"),
    pytest.param(Callback, {"held": None, "wrapup": None, "segments": None}, {}, id="null-as-absent"),
    pytest.param(
        Callback,
        full_with(("dialerPreview", "phoneNumberColumns", 0, "type"), None),
        full_with(
            ("dialerPreview", "phoneNumberColumns", 0),
            {"columnName": "Cell", "callableTimeColumnName": "CellTime"},
        ),
        id="null-deep-in-list",
    ),
]

# Unknown enum values tolerant mode keeps as their raw strings: (payload, attribute path, value).
RAW_ENUMS = [
    pytest.param(full(state="parked"), ("state",), "parked", id="state"),
    pytest.param(
        full(disconnectType="transfer.unknown"), ("disconnect_type",), "transfer.unknown", id="dotted"
    ),
    pytest.param(
        full_with(("afterCallWork", "state"), "done"), ("after_call_work", "state"), "done", id="nested"
    ),
    pytest.param(
        full_with(("voicemail", "uploadStatus"), "scanning"),
        ("voicemail", "upload_status"),
        "scanning",
        id="voicemail",
    ),
]

# What tolerant mode still rejects: (model, payload, paths).
STILL_BAD = [
    pytest.param(Callback, full(held="false"), ["$.held"], id="string-for-bool"),
    pytest.param(Callback, full(timeoutSeconds="30", extra=1), ["$.timeoutSeconds"], id="string-for-int"),
    pytest.param(Callback, full(callbackNumbers="+13175550100"), ["$.callbackNumbers"], id="string-for-list"),
    pytest.param(Callback, full(connectedTime="yesterday"), ["$.connectedTime"], id="bad-date"),
    pytest.param(Callback, full(segments=[None]), ["$.segments[0]"], id="null-in-list"),
    pytest.param(Callback, full(state=1), ["$.state"], id="int-for-enum"),
    pytest.param(
        Callback,
        full_with(("dialerPreview", "phoneNumberColumns", 0, "columnName"), 3),
        ["$.dialerPreview.phoneNumberColumns[0].columnName"],
        id="deep-in-list",
    ),
    pytest.param(CreateCallbackCommand, {"callbackNumbers": None}, ["$.callbackNumbers"], id="required-null"),
    pytest.param(Callback, [], ["$"], id="array-for-root"),
]
