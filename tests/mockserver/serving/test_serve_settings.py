"""Every setting reaches serve's worker: each has an option, and a value given by its option or by its
variable is what the running server runs with (``GET /__admin/settings``), and does."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from mockserver import config
from mockserver.cli.serve import serve
from mockserver.config import BY_NAME, REDACTED, SETTINGS, Setting
from tests.support.control import AdminRoutes, control_path
from tests.support.live import call
from tests.support.ports import free_port
from tests.support.redis import forget, fresh_prefix
from tests.support.seeded import QUEUE_ID
from tests.support.serve import serving

GIVEN = [setting for setting in SETTINGS if not setting.derived]  # STREAMING_HOST: serve's --host
ADMIN_TOKEN = "admin-secret"
# A valid value other than the default for every setting but ADMIN (off, nothing could be read
# back: test_no_admin_by_option_or_variable) and those of the test's own (its Redis, free ports).
OTHER = {
    "SEED": "7",
    "CONVERSATIONS": "3",
    "NOW": "2031-02-03T04:05:06Z",
    "CLOCK_FROZEN": "true",
    "LIFECYCLE": "manual",
    "TOKENS": '["t", "u"]',
    "MAX_CONTENT_LENGTH": "200000",
    "BODY_TIMEOUT": "7.5",
    "ADMIN_PREFIX": "/__control",
    "ADMIN_TOKEN": ADMIN_TOKEN,
    "JOURNAL": "false",
    "JOURNAL_LIMIT": "5",
    "JOURNAL_BYTES": "100000",
    "RATE_LIMIT": "300/60",
    "STREAMING_URL": "ws://mock.example:8081",
    "HEARTBEAT_SECONDS": "12.5",
    "NOTIFICATIONS_LIMIT": "7",
    "WORKERS": "2",
    "THREADS": "3",
    "STORE_TIMEOUT": "2.5",
    "ALLOWED_HOSTS": '["mock.example", ".example.org"]',
    "MAX_CONVERSATIONS": "400",
    "MAX_TEXT_LENGTH": "200",
    "MAX_CALLBACK_NUMBERS": "3",
    "MAX_ATTRIBUTES": "20",
    "MAX_CALLBACKS": "9",
    "IDLE_SECONDS": "8.5",
    "CONNECTIONS": "100",
    "STREAM_OUTBOX_BYTES": "65536",
    "EVENT_SINK": "http://127.0.0.1:9/events",
}
# READ_WORKERS: not beside WORKERS 2 and a shared store (test_read_workers serves with it)
OWN = {"ADMIN", "STORE", "STORE_PREFIX", "STREAMING_PORT", "READ_WORKERS"}


@pytest.mark.parametrize("setting", GIVEN, ids=lambda setting: setting.name)
def test_every_setting_has_an_option(setting: Setting) -> None:
    assert setting.option in {parameter.name for parameter in serve.params}


def test_serve_has_an_option_for_each_setting_the_address_and_the_profile() -> None:
    options = {setting.option for setting in SETTINGS if setting.flag is not None}
    # --profile sets several settings at once (the in-process fixture's clock, frozen, and seed)
    assert {parameter.name for parameter in serve.params} == options | {"host", "port", "profile"}


def test_every_setting_serve_takes_has_another_value_here() -> None:
    assert set(OTHER) | OWN == {setting.name for setting in GIVEN}
    for name, text in OTHER.items():
        assert config.parse(name, text) != BY_NAME[name].default, name


def _options(given: dict[str, str]) -> list[str]:
    """``given`` as serve's options: a switch alone, a repeatable option once per value."""
    options: list[str] = []
    for name, text in given.items():
        setting = BY_NAME[name]
        assert setting.flag is not None
        if setting.flag_value is not None:
            assert text == setting.flag_value
            options.append(setting.flag)
        elif setting.multiple:
            options += [part for value in json.loads(text) for part in (setting.flag, value)]
        else:
            options += [setting.flag, text]
    return options


@pytest.fixture
def given(redis_url: str) -> Iterator[dict[str, str]]:
    """Every setting serve takes but ADMIN, each with a value other than its default."""
    prefix = fresh_prefix()
    yield {**OTHER, "STORE": redis_url, "STORE_PREFIX": prefix, "STREAMING_PORT": str(free_port())}
    forget(redis_url, prefix)


@pytest.mark.parametrize("by", ["option", "variable"])
def test_every_setting_given_is_what_the_server_runs_with(by: str, given: dict[str, str]) -> None:
    if by == "option":
        running = serving(*_options(given))
    else:
        running = serving(env={BY_NAME[name].variable: text for name, text in given.items()})
    with running as served:
        assert served.stream.endswith(f":{given['STREAMING_PORT']}")
        answer = call(
            served.url, "GET", control_path(AdminRoutes.SETTINGS, prefix="/__control"), token=ADMIN_TOKEN
        )
        assert answer.status == 200
        answered: dict[str, str] = answer.json()["settings"]
        secret = {setting.name for setting in SETTINGS if setting.secret}
        assert {name: answered[name] for name in secret} == {
            "TOKENS": json.dumps([REDACTED, REDACTED]),
            "ADMIN_TOKEN": REDACTED,
        }
        assert {name: config.parse(name, text) for name, text in answered.items() if name not in secret} == {
            **{name: config.parse(name, text) for name, text in given.items() if name not in secret},
            "ADMIN": True,
            "READ_WORKERS": 0,  # not given: one process, as WORKERS 2 needs
            "STREAMING_HOST": "127.0.0.1",  # serve's --host
        }

        # And a few of them, by what the server does.
        assert (
            call(served.url, "GET", control_path(AdminRoutes.SETTINGS), token="t").status == 404
        )  # ADMIN_PREFIX: an API path
        assert (
            call(served.url, "GET", control_path(AdminRoutes.SETTINGS, prefix="/__control"), token="t").status
            == 401
        )  # ADMIN_TOKEN
        assert call(served.url, "GET", "/api/v2/conversations", token="other").status == 401  # TOKENS
        assert call(served.url, "GET", "/api/v2/conversations", token="u").status == 200
        clock = call(
            served.url, "GET", control_path(AdminRoutes.CLOCK, prefix="/__control"), token=ADMIN_TOKEN
        ).json()
        assert (clock["now"], clock["frozen"]) == ("2031-02-03T04:05:06.000Z", True)  # NOW, CLOCK_FROZEN
        numbers = ["+13175550100", "+13175550101", "+13175550102", "+13175550103"]
        create = {"callbackNumbers": numbers, "queueId": QUEUE_ID}
        refused = call(served.url, "POST", "/api/v2/conversations/callbacks", create, token="t")
        assert refused.status == 400  # MAX_CALLBACK_NUMBERS
        assert [detail["fieldName"] for detail in refused.json()["details"]] == ["$.callbackNumbers"]


@pytest.mark.parametrize("by", ["option", "variable"])
def test_no_admin_by_option_or_variable(by: str) -> None:
    running = serving("--no-admin") if by == "option" else serving(env={"CALLBACK_MOCK_ADMIN": "false"})
    with running as served:
        assert call(served.url, "GET", control_path(AdminRoutes.SETTINGS), token=None).status == 404


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
        create = {"callbackNumbers": ["+13175550100", "+13175550101"], "queueId": QUEUE_ID}
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
