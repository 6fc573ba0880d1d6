"""``callback_mock_trigger_executions`` as a user gets it: a fresh test file, the installed plugin."""

from __future__ import annotations

import pytest

WAITING_FOR_EXECUTIONS = """
    import json, urllib.request

    TOPIC = "v2.detail.events.conversation.{id}.acd.start"

    def create_trigger(url):
        body = {"name": "Prioritize", "topicName": TOPIC, "enabled": True,
                "target": {"type": "Workflow", "id": "wf-1"},
                "matchCriteria": [{"jsonPath": "mediaType", "operator": "Equal", "value": "CALLBACK"}]}
        request = urllib.request.Request(url + "/api/v2/processautomation/triggers", data=json.dumps(body).encode(),
            method="POST", headers={"Authorization": "Bearer any", "Content-Type": "application/json"})
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read())["id"]

    def publish(server, conversation_id, media_type):
        backend = server.backend
        at = backend.clock.ms()
        body = {"conversationId": conversation_id, "mediaType": media_type, "eventTime": at}
        with backend.store.transaction():
            backend.detail_events.publish(TOPIC.replace("{id}", conversation_id), body, at)

    def test_the_execution_is_waited_for(callback_mock_server, callback_mock_trigger_executions):
        trigger_id = create_trigger(callback_mock_server.url)
        publish(callback_mock_server, "c-voice", "VOICE")
        publish(callback_mock_server, "c-1", "CALLBACK")
        (execution,) = callback_mock_trigger_executions.wait_for(
            trigger_id=trigger_id, predicate=lambda e: e["input"]["conversationId"] == "c-1", timeout=5
        )
        assert execution["status"] == "Started"
        assert [e["input"]["conversationId"] for e in callback_mock_trigger_executions.all()] == ["c-1"]

    def test_waiting_for_what_never_comes(callback_mock_server, callback_mock_trigger_executions):
        assert callback_mock_trigger_executions.all() == []  # the server was reset
        trigger_id = create_trigger(callback_mock_server.url)
        publish(callback_mock_server, "c-voice", "VOICE")
        callback_mock_trigger_executions.wait_for(trigger_id=trigger_id, timeout=0.3)
"""


def test_the_executions_fixture_waits_for_an_execution_and_says_why_a_wait_failed(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(WAITING_FOR_EXECUTIONS)

    # In process, as the other plugin tests: a subprocess would import the installed package.
    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*TimeoutError: 0 of 1 executions matched within 0.3 s (trigger *, workflow None, status None);"
            " listed (trigger, status, attempts): []",
            "FAILED *::test_waiting_for_what_never_comes*",
        ]
    )
