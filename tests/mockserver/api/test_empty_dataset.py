"""An empty dataset (``CONVERSATIONS: 0``): every listing empty, every command still working."""

from __future__ import annotations

import pytest

from mockserver import create_app
from tests.support import CONFIG, TOKEN
from tests.support.control import LISTING, AdminRoutes, control_path
from tests.support.seeded import QUEUE_ID

HEADERS = {"Authorization": f"Bearer {TOKEN}"}
NEW_CALLBACK = {"callbackNumbers": ["+13175550100"], "queueId": QUEUE_ID}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/v2/conversations", {"entities": [], "total": 0}),
        ("/api/v2/conversations?pageSize=5&pageNumber=1", {"entities": [], "total": 0, "pageCount": 1}),
        ("/api/v2/conversations?communicationType=call", {"entities": [], "total": 0}),
        ("/api/v2/conversations/callbacks", {"entities": []}),
        (control_path(AdminRoutes.REQUESTS), {"requests": [], "total": 0}),
    ],
)
def test_create_app_with_no_conversations_answers_empty_listings(
    path: str, expected: dict[str, object]
) -> None:
    client = create_app({**CONFIG, "CONVERSATIONS": 0}).test_client()

    answer = client.get(path, headers=HEADERS)

    assert answer.status_code == 200
    body = answer.get_json()
    assert {key: body.get(key) for key in expected} == expected


def test_an_empty_dataset_takes_commands_and_a_reset_empties_it_again() -> None:
    client = create_app({**CONFIG, "CONVERSATIONS": 0}).test_client()

    created = client.post("/api/v2/conversations/callbacks", json=NEW_CALLBACK, headers=HEADERS)
    listed = client.get(LISTING, headers=HEADERS).get_json()  # every user's: the callback is no one's yet
    client.post(control_path(AdminRoutes.RESET), headers=HEADERS)
    after_reset = client.get(LISTING, headers=HEADERS).get_json()

    assert created.status_code == 200
    assert listed["total"] == 1
    assert after_reset["total"] == 0


def test_the_fixture_with_no_conversations(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture(scope="session")
        def callback_mock_server_config():
            return {"CONVERSATIONS": 0}
        """
    )
    pytester.makepyfile(
        """
        import json, urllib.request

        def test_empty(callback_mock_server):
            request = urllib.request.Request(
                callback_mock_server.url + "/api/v2/conversations",
                headers={"Authorization": "Bearer any"},
            )
            with urllib.request.urlopen(request) as response:
                assert json.loads(response.read())["total"] == 0
            assert callback_mock_server.seed(2)
            callback_mock_server.reset()
            assert callback_mock_server.backend.store.entries() == []
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1)
