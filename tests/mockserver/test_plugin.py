"""The server fixtures as a user gets them: installed plugin, fresh test files."""

from __future__ import annotations

import pytest

from mockserver.server import MockServer

USING_THE_SERVER = """
    import json, urllib.request

    def get(url):
        request = urllib.request.Request(url, headers={"Authorization": "Bearer any"})
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())

    def create(url):
        body = json.dumps({"callbackNumbers": ["+13175550100"], "queueId": "q"}).encode()
        request = urllib.request.Request(url + "/api/v2/conversations/callbacks", data=body, method="POST",
            headers={"Authorization": "Bearer any", "Content-Type": "application/json"})
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read())["conversation"]["id"]

    def test_first(callback_mock_server):
        create(callback_mock_server.url)
        status, listing = get(callback_mock_server.url + "/api/v2/conversations?pageSize=100")
        assert status == 200
        assert listing["total"] == ACTIVE + 1

    def test_second_sees_a_reset_server(callback_mock_server):
        status, listing = get(callback_mock_server.url + "/api/v2/conversations?pageSize=100")
        assert listing["total"] == ACTIVE

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
    return sum(entry.conversation.end_time is None for entry in server.state.store.entries())


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
        assert len(running.state.store.entries()) == 20  # the fixture reset it after the create


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
