"""Every setting reaches serve's worker: each has an option, and an option given changes what the server does."""

from __future__ import annotations

import pytest

from mockserver import settings
from mockserver.cli.serve import serve
from tests.support.control import AdminRoutes, control_path
from tests.support.live import call
from tests.support.serve import serving

# Set by serve itself from --host, never on its own.
DERIVED = {"STREAMING_HOST"}


@pytest.mark.parametrize("name", sorted(set(settings.PARSERS) - DERIVED))
def test_every_setting_has_an_option(name: str) -> None:
    assert name.lower() in {parameter.name for parameter in serve.params}


def test_options_given_reach_the_running_server() -> None:
    with serving(
        "--token",
        "t",
        "--max-callback-numbers",
        "1",
        "--allowed-host",
        "mock.example",
        "--journal-limit",
        "2",
        "--conversations",
        "3",
    ) as served:
        create = {"callbackNumbers": ["+13175550100", "+13175550101"], "queueId": "q-1"}
        refused = call(served.url, "POST", "/api/v2/conversations/callbacks", create, token="t")
        assert refused.status == 400
        assert [detail["fieldName"] for detail in refused.json()["details"]] == ["$.callbackNumbers"]
        admitted = call(
            served.url, "GET", "/api/v2/conversations", token="t", headers={"Host": "mock.example"}
        )
        assert admitted.status == 200
        other = call(served.url, "GET", "/api/v2/conversations", token="t", headers={"Host": "other.example"})
        assert other.status == 421
        for _ in range(3):
            call(served.url, "GET", "/api/v2/conversations/callbacks", token="t")
        journal = call(served.url, "GET", control_path(AdminRoutes.REQUESTS), token=None).json()
        assert journal["total"] == len(journal["requests"]) == 2
