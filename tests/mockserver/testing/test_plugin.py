"""The server fixtures as a user gets them: installed plugin, fresh test files."""

from __future__ import annotations

import logging
import urllib.request

import pytest

from mockserver.testing.server import MockServer

USING_THE_SERVER = """
    import json, urllib.request

    def get(url):
        request = urllib.request.Request(url, headers={"Authorization": "Bearer any"})
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())

    def create(url):
        _, queues = get(url + "/api/v2/routing/queues?pageSize=1")  # a callback names one of the org's
        body = json.dumps({"callbackNumbers": ["+13175550100"], "queueId": queues["entities"][0]["id"]})
        request = urllib.request.Request(url + "/api/v2/conversations/callbacks", data=body.encode(),
            method="POST", headers={"Authorization": "Bearer any", "Content-Type": "application/json"})
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read())["conversation"]["id"]

    def test_first(callback_mock_server):
        create(callback_mock_server.url)
        listing = callback_mock_server.conversations(page_size=100)  # every user's: the control API's
        assert listing["total"] == ACTIVE + 1

    def test_second_sees_a_reset_server(callback_mock_server):
        assert callback_mock_server.conversations(page_size=100)["total"] == ACTIVE

    def test_same_server_for_the_session(callback_mock_server, callback_mock_server_session):
        assert callback_mock_server is callback_mock_server_session
"""

CONFIG = """
    import pytest

    @pytest.fixture(scope="session")
    def callback_mock_server_config():
        return {"SEED": 3, "CONVERSATIONS": 20}
"""


def _active(seed: int, conversations: int) -> int:
    server = MockServer({"SEED": seed, "CONVERSATIONS": conversations})
    return sum(entry.conversation.end_time is None for entry in server.backend.store.entries())


def test_a_fresh_test_file_gets_a_live_server_reset_per_test(pytester: pytest.Pytester) -> None:
    active = _active(3, 20)
    pytester.makeconftest(CONFIG)
    pytester.makepyfile(USING_THE_SERVER.replace("ACTIVE", str(active)))

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=3)


def test_the_url_option_points_the_fixtures_at_a_running_server(pytester: pytest.Pytester) -> None:
    active = _active(3, 20)
    pytester.makepyfile(USING_THE_SERVER.replace("ACTIVE", str(active)).split("def test_same")[0])
    with MockServer({"SEED": 3, "CONVERSATIONS": 20}) as running:
        result = pytester.runpytest("-p", "no:cacheprovider", f"--callback-mock-url={running.url}")
        result.assert_outcomes(passed=2)
        assert len(running.backend.store.entries()) == 20  # the fixture reset it after the create


def test_the_url_can_come_from_the_environment(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    with MockServer() as running:
        pytester.makepyfile(
            f"""
            def test_url(callback_mock_server):
                assert callback_mock_server.url == "{running.url}"
            """
        )
        monkeypatch.setenv("CALLBACK_MOCK_URL", running.url)
        result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


CONTROLLING_THE_SERVER = """
    import json, urllib.error, urllib.request

    import pytest

    QUEUE = "q-controlled"

    @pytest.fixture(autouse=True)
    def queue(callback_mock_server):
        return callback_mock_server.put_queue(QUEUE, "Controlled", members=["agent:0"])

    def create(url, token="any"):
        body = json.dumps({"callbackNumbers": ["+13175550100"], "queueId": QUEUE}).encode()
        request = urllib.request.Request(url + "/api/v2/conversations/callbacks", data=body, method="POST",
            headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def test_arrange_and_inspect(callback_mock_server):
        [conversation_id] = callback_mock_server.seed(1, traits=["scheduled"], seed=3)
        assert create(callback_mock_server.url) == 200
        sent = callback_mock_server.verify("POST", "/api/v2/conversations/callbacks", count=1)
        assert json.loads(sent[0]["body"])["queueId"] == QUEUE
        with pytest.raises(AssertionError, match="Nearest requests received"):
            callback_mock_server.verify("PATCH", "/api/v2/conversations/callbacks")

    def test_break_it(callback_mock_server):
        assert callback_mock_server.requests() == []  # the reset cleared the last test's journal
        callback_mock_server.fault("POST", "/api/v2/conversations/callbacks", status=503, times=1)
        callback_mock_server.rate_limit(2)
        assert [create(callback_mock_server.url) for _ in range(4)] == [503, 200, 200, 429]

    def test_faults_and_limits_are_gone_after_the_reset(callback_mock_server):
        assert callback_mock_server.faults() == []
        assert [create(callback_mock_server.url) for _ in range(3)] == [200, 200, 200]
"""


@pytest.mark.parametrize("where", ["in process", "remote"])
def test_the_fixture_object_controls_the_server(pytester: pytest.Pytester, where: str) -> None:
    pytester.makepyfile(CONTROLLING_THE_SERVER)
    if where == "in process":
        result = pytester.runpytest("-p", "no:cacheprovider")
    else:
        with MockServer({"CONVERSATIONS": 5}) as running:
            result = pytester.runpytest("-p", "no:cacheprovider", f"--callback-mock-url={running.url}")
    result.assert_outcomes(passed=3)


def test_a_remote_server_with_an_admin_token(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        """
        def test_seed(callback_mock_server):
            assert len(callback_mock_server.seed(2)) == 2
        """
    )
    with MockServer({"CONVERSATIONS": 5, "ADMIN_TOKEN": "s3cret"}) as running:
        monkeypatch.setenv("CALLBACK_MOCK_ADMIN_TOKEN", "s3cret")
        allowed = pytester.runpytest("-p", "no:cacheprovider", f"--callback-mock-url={running.url}")
        monkeypatch.setenv("CALLBACK_MOCK_ADMIN_TOKEN", "wrong")
        refused = pytester.runpytest("-p", "no:cacheprovider", f"--callback-mock-url={running.url}")
    allowed.assert_outcomes(passed=1)
    refused.assert_outcomes(errors=1)
    refused.stdout.fnmatch_lines(["*AdminError: 401: The control API needs the admin token*"])


WAITING_FOR_NOTIFICATIONS = """
    import json, urllib.request

    import pytest

    QUEUE = "q-plugin"

    def create(url):
        body = json.dumps({"callbackNumbers": ["+13175550100"], "queueId": QUEUE}).encode()
        request = urllib.request.Request(url + "/api/v2/conversations/callbacks", data=body, method="POST",
            headers={"Authorization": "Bearer any", "Content-Type": "application/json"})
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read())["conversation"]["id"]

    def offered(conversation_id):
        def test(message):
            body = message["eventBody"]
            return body["id"] == conversation_id and any(
                p["purpose"] == "agent" and p["state"] == "alerting" for p in body["participants"])
        return test

    # No seeded conversations: their offers would keep agent:0 busy (the ACD offers to IDLE members only).
    @pytest.mark.callback_mock_config(CONVERSATIONS=0)
    def test_the_offer_arrives(callback_mock_server, callback_mock_notifications):
        callback_mock_server.put_queue(QUEUE, "Plugin", members=["agent:0"])
        topic = f"v2.routing.queues.{QUEUE}.conversations.callbacks"
        callback_mock_notifications.subscribe([topic])
        conversation_id = create(callback_mock_server.url)
        callback_mock_server.clock.advance(seconds=5)  # it fires after 1 s, is offered 2 s later
        event = callback_mock_notifications.wait_for(topic=topic, predicate=offered(conversation_id), timeout=5)
        assert event["metadata"]["CorrelationId"]

    def test_waiting_for_what_never_comes(callback_mock_server, callback_mock_notifications):
        callback_mock_server.put_queue(QUEUE, "Plugin")
        topic = f"v2.routing.queues.{QUEUE}.conversations.callbacks"
        callback_mock_notifications.subscribe([topic])
        create(callback_mock_server.url)
        callback_mock_notifications.wait_for(topic=topic, predicate=lambda message: False, timeout=0.3)
"""


def test_the_notifications_fixture_waits_for_an_event_and_says_why_a_wait_failed(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(WAITING_FOR_NOTIFICATIONS)

    # In process, as the other plugin tests: a subprocess would import the installed package, which
    # need not be the checkout under test (an editable install points at one checkout only).
    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*TimeoutError: no message of v2.routing.queues.q-plugin.conversations.callbacks matched the"
            " predicate within 0.3 s: 1 of that topic arrived, * messages in all (topics: *channel.metadata*); channel streaming-*",
            "FAILED *::test_waiting_for_what_never_comes*",
        ]
    )


EACH_ITS_OWN_CONFIG = """
    import pytest

    SESSION = []

    def test_unmarked_gets_the_session_server(callback_mock_server, callback_mock_server_session):
        assert callback_mock_server is callback_mock_server_session
        assert callback_mock_server.app.config["SEED"] == 3
        assert len(callback_mock_server.backend.store.entries()) == 20
        SESSION.append(callback_mock_server.url)

    @pytest.mark.callback_mock_config({"CONVERSATIONS": 2}, JOURNAL=False)
    def test_marked_gets_its_own(callback_mock_server, callback_mock_server_session):
        assert callback_mock_server is not callback_mock_server_session
        assert callback_mock_server.url not in SESSION
        assert callback_mock_server.app.config["SEED"] == 3  # the session's config, merged
        assert callback_mock_server.app.config["JOURNAL"] is False
        assert callback_mock_server.app.config["CLOCK_FROZEN"] is True
        assert len(callback_mock_server.backend.store.entries()) == 2
        MARKED.append(callback_mock_server)

    MARKED = []

    def test_the_marked_server_was_stopped_and_the_session_one_is_untouched(callback_mock_server):
        assert MARKED[0]._server is None
        assert len(callback_mock_server.backend.store.entries()) == 20

    @pytest.mark.callback_mock_config(CONVERSATIONS=4)
    class TestNearestWins:
        @pytest.mark.callback_mock_config(CONVERSATIONS=1)
        def test_the_test_over_its_class(self, callback_mock_server):
            assert len(callback_mock_server.backend.store.entries()) == 1

        def test_the_class_over_the_session(self, callback_mock_server):
            assert len(callback_mock_server.backend.store.entries()) == 4
"""


def test_a_marked_test_gets_a_server_with_its_own_config(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFIG)
    pytester.makepyfile(EACH_ITS_OWN_CONFIG)

    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly")

    result.assert_outcomes(passed=5)


def test_the_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("-p", "no:cacheprovider", "--markers")

    result.stdout.fnmatch_lines(["@pytest.mark.callback_mock_config(config=None, **settings):*"])


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ('callback_mock_config("SEED")', "*takes one dict of settings*'SEED'*"),
        ("callback_mock_config({}, {})", "*takes one dict of settings*"),
    ],
)
def test_a_bad_marker_is_an_error_of_its_test(pytester: pytest.Pytester, marker: str, message: str) -> None:
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.{marker}
        def test_it(callback_mock_server):
            pass
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([message])


def test_a_marked_test_against_a_running_server_is_skipped_rather_than_ignoring_its_config(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.callback_mock_config(CONVERSATIONS=1)
        def test_it(callback_mock_server):
            pass
        """
    )
    with MockServer() as running:
        result = pytester.runpytest("-p", "no:cacheprovider", "-rs", f"--callback-mock-url={running.url}")

    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED *callback_mock_config needs a server of the test's own*"])


FAILS_AFTER_REQUESTS = """
    import urllib.request

    import pytest

    def get(url):
        request = urllib.request.Request(url, headers={"Authorization": "Bearer any"})
        with urllib.request.urlopen(request) as response:
            return response.status

    def test_fails(callback_mock_server):
        for _ in range(3):
            assert get(callback_mock_server.url + "/api/v2/conversations") == 200
        assert False, "the client misbehaved"

    @pytest.mark.callback_mock_config(CONVERSATIONS=1)
    def test_fails_on_its_own_server(callback_mock_server):
        assert get(callback_mock_server.url + "/api/v2/conversations") == 200
        assert False, "the client misbehaved"
"""
REQUEST_LINE = '*"GET /api/v2/conversations HTTP/1.1" 200*'


def test_a_failed_tests_report_has_no_line_per_request(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(FAILS_AFTER_REQUESTS)

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*the client misbehaved*"])
    result.stdout.no_fnmatch_line(REQUEST_LINE)
    result.stderr.no_fnmatch_line(REQUEST_LINE)


@pytest.mark.parametrize("how", ["option", "ini"])
def test_request_lines_are_an_opt_in(pytester: pytest.Pytester, how: str) -> None:
    pytester.makepyfile(FAILS_AFTER_REQUESTS)
    if how == "ini":
        pytester.makeini("[pytest]\ncallback_mock_log_requests = true\n")
    flags = ["--callback-mock-log-requests"] if how == "option" else []

    result = pytester.runpytest("-p", "no:cacheprovider", *flags)

    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*Captured log call*", REQUEST_LINE, "*Captured log call*", REQUEST_LINE])


def test_the_in_process_server_logs_requests_only_when_asked(caplog: pytest.LogCaptureFixture) -> None:
    for log_requests in (False, True):
        caplog.clear()
        with MockServer({"CONVERSATIONS": 1}, log_requests=log_requests) as server:
            request = urllib.request.Request(
                server.url + "/api/v2/conversations", headers={"Authorization": "Bearer x"}
            )
            with caplog.at_level(logging.INFO, logger="werkzeug"), urllib.request.urlopen(request) as answer:
                assert answer.status == 200
        lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
        assert any('"GET /api/v2/conversations HTTP/1.1" 200' in line for line in lines) is log_requests


HYPOTHESIS_WITH_THE_SERVER = """
    from hypothesis import HealthCheck, given, settings

    from factories.strategies import conversations

    def listed(server):  # every user's conversations, through the control API
        return [c["id"] for c in server.conversations(page_size=100)["entities"]]

    @settings(max_examples=5, deadline=None)
    @given(conversation=conversations(traits=["scheduled"]))
    def test_recommended(callback_mock_server_session, conversation):
        server = callback_mock_server_session
        server.reset()  # every example starts from the seeded dataset
        server.put_conversation(conversation)
        assert listed(server).count(conversation.id) == 1
        assert len(listed(server)) == ACTIVE + 1

    @settings(max_examples=5, deadline=None)
    @given(conversation=conversations(traits=["scheduled"]))
    def test_function_scoped(callback_mock_server, conversation):
        pass

    @settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(conversation=conversations(traits=["scheduled"]))
    def test_suppressed_shares_one_reset(callback_mock_server, conversation):
        callback_mock_server.put_conversation(conversation)
        assert len(listed(callback_mock_server)) > ACTIVE  # reset once per test, not per example
"""


def test_hypothesis_with_the_session_server_and_a_reset_per_example(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(HYPOTHESIS_WITH_THE_SERVER.replace("ACTIVE", str(_active(0, 50))))

    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:schemathesis")

    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*FailedHealthCheck*unction-scoped fixture 'callback_mock_server'*",
            "*callback-contracts*",
            "callback_mock_server is reset once per test, not per Hypothesis example: take the session's "
            "server, callback_mock_server_session, and call its reset() at the start of each example*",
            "FAILED *test_function_scoped*",
        ]
    )


WAITING_FOR_BUS_EVENTS = """
    import urllib.request, json

    def create(url):
        body = json.dumps({"callbackNumbers": ["+13175550100"], "queueId": QUEUE}).encode()
        request = urllib.request.Request(url + "/api/v2/conversations/callbacks", data=body, method="POST",
                                         headers={"Authorization": "Bearer t", "Content-Type": "application/json"})
        with urllib.request.urlopen(request) as answer:
            return json.loads(answer.read())["conversation"]["id"]

    def test_the_acd_start_arrives(callback_mock_server, callback_mock_event_bus):
        global QUEUE
        QUEUE = callback_mock_server.backend.factory.org.queues[0].id
        conversation_id = create(callback_mock_server.url)
        event = callback_mock_event_bus.wait_for(
            lambda e: e["detail"]["topicName"] == f"v2.detail.events.conversation.{conversation_id}.acd.start",
            timeout=5,
        )
        assert event["detail-type"] == "v2.detail.events.conversation.{id}.acd.start"
        assert event["detail"]["eventBody"]["mediaType"] == "CALLBACK"

    def test_waiting_for_what_never_comes(callback_mock_server, callback_mock_event_bus):
        global QUEUE
        QUEUE = callback_mock_server.backend.factory.org.queues[0].id
        create(callback_mock_server.url)
        callback_mock_event_bus.wait_for(lambda e: False, timeout=0.3)
"""


def test_the_event_bus_fixture_records_the_sinks_events_and_says_why_a_wait_failed(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(WAITING_FOR_BUS_EVENTS)

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*TimeoutError: no event matched within 0.3 s: 2 arrived*acd.start*customer.start*",
            "FAILED *::test_waiting_for_what_never_comes*",
        ]
    )
