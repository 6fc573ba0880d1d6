"""Settings from text: a CALLBACK_MOCK_* variable means exactly what serve's option means."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from mockserver import config
from mockserver.app import create_app
from mockserver.control.models import Lifecycle, LifecycleMode, RateLimit
from mockserver.web.auth import is_authorized
from tests.support.control import AdminRoutes, control_path


@pytest.mark.parametrize(
    ("name", "text", "value"),
    [
        ("TOKENS", "secret", ("secret",)),  # one token, not a string to search within
        ("TOKENS", '["a", "b"]', ("a", "b")),
        ("ADMIN_TOKEN", "12345", "12345"),  # a string, never a number
        ("ADMIN_TOKEN", '"quoted"', '"quoted"'),
        ("SEED", "42", 42),
        ("CONVERSATIONS", "0", 0),
        ("JOURNAL", "false", False),
        ("JOURNAL", "1", True),
        ("ADMIN_PREFIX", "/control/", "/control"),
        ("RATE_LIMIT", "300/60", {"requests": 300, "windowSeconds": 60}),
        ("RATE_LIMIT", '{"requests": 5, "windowSeconds": 1}', {"requests": 5, "windowSeconds": 1}),
        ("NOW", "2030-01-01T09:00:00Z", datetime(2030, 1, 1, 9, tzinfo=timezone.utc)),
        ("NOW", "2030-01-01T09:00:00", datetime(2030, 1, 1, 9, tzinfo=timezone.utc)),
        ("CLOCK_FROZEN", "true", True),
        ("LIFECYCLE", "manual", {"mode": "manual"}),
        ("LIFECYCLE", '{"mode": "off", "seed": 3}', {"mode": "off", "seed": 3}),
        ("BODY_TIMEOUT", "2.5", 2.5),
        ("EVENT_SINK", " https://bus.example/events ", "https://bus.example/events"),
    ],
)
def test_a_setting_reads_as_its_option_does(name: str, text: str, value: Any) -> None:
    assert config.parse(name, text) == value


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("SEED", "\u00b2"),  # str.isdigit is true of it
        ("SEED", "\u0661"),  # and int reads it as 1
        ("SEED", "-1"),
        ("CONVERSATIONS", "many"),
        ("JOURNAL", "maybe"),
        ("TOKENS", "[1]"),
        ("TOKENS", "  "),
        ("ADMIN_PREFIX", "admin"),
        ("ADMIN_PREFIX", "/"),
        ("ADMIN_PREFIX", "/api"),
        ("ADMIN_PREFIX", "/api/v2/x"),
        ("ADMIN_PREFIX", "/openapi.json"),
        ("RATE_LIMIT", "0/60"),
        ("RATE_LIMIT", "2/\u00b2"),
        ("RATE_LIMIT", '{"requests": 1}'),
        ("NOW", "yesterday"),
        ("LIFECYCLE", "sometimes"),
        ("BODY_TIMEOUT", "0"),
        ("BODY_TIMEOUT", "nan"),
        ("EVENT_SINK", "ftp://bus.example/events"),
        ("EVENT_SINK", "http://"),
        ("EVENT_SINK", "http://bus example/events"),
    ],
)
def test_a_bad_setting_is_refused_with_its_name(name: str, text: str) -> None:
    with pytest.raises(config.SettingError) as raised:
        config.parse(name, text)
    assert str(raised.value).startswith(f"{name}: expected ")


def test_the_app_reads_its_variables_with_the_same_parsers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLBACK_MOCK_TOKENS", "secret")
    monkeypatch.setenv("CALLBACK_MOCK_ADMIN_TOKEN", "12345")
    monkeypatch.setenv("CALLBACK_MOCK_CONVERSATIONS", "3")
    app = create_app()
    assert app.config["TOKENS"] == ("secret",)
    assert app.config["ADMIN_TOKEN"] == "12345"
    assert is_authorized("Bearer secret", app.config["TOKENS"])
    assert not is_authorized("Bearer sec", app.config["TOKENS"])  # not a substring test
    client = app.test_client()
    assert (
        client.post(control_path(AdminRoutes.RESET), headers={"Authorization": "Bearer 12345"}).status_code
        == 204
    )


_NOON = datetime(2030, 1, 15, 12, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("name", "value", "parsed"),
    [
        ("TOKENS", "secret", ("secret",)),  # one token, as the variable's text means
        ("TOKENS", ["a", "b"], ("a", "b")),
        ("TOKENS", ("a",), ("a",)),
        ("NOW", _NOON, _NOON),
        ("NOW", "2030-01-15T12:00:00Z", _NOON),
        ("NOW", datetime(2030, 1, 15, 12), _NOON),  # naive: UTC
        ("NOW", None, None),
        ("SEED", 7, 7),
        ("SEED", "7", 7),
        ("JOURNAL", False, False),
        ("JOURNAL", "off", False),
        ("BODY_TIMEOUT", 2, 2.0),
        ("ADMIN_TOKEN", None, None),
        ("ADMIN_TOKEN", "12345", "12345"),
        ("RATE_LIMIT", {"requests": 5, "windowSeconds": 1}, {"requests": 5, "windowSeconds": 1}),
        ("LIFECYCLE", {"mode": "off"}, {"mode": "off"}),
        ("STREAMING_PORT", 65_535, 65_535),
    ],
)
def test_a_python_value_is_read_by_the_rules_of_its_text(name: str, value: Any, parsed: Any) -> None:
    assert config.parse(name, value) == parsed
    assert create_app({"CONVERSATIONS": 0, name: value}).config[name] == parsed


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("TOKENS", 5, "a JSON array (or list) of non-empty strings, or one token"),
        ("TOKENS", ["a", ""], "a JSON array (or list) of non-empty strings, or one token"),
        ("TOKENS", [1], "a JSON array (or list) of non-empty strings, or one token"),
        ("TOKENS", "", "a JSON array (or list) of non-empty strings, or one token"),
        ("TOKENS", None, "a JSON array (or list) of non-empty strings, or one token"),
        ("NOW", 1_700_000_000, "an ISO-8601 time such as 2030-01-01T09:00:00Z, or a datetime"),
        ("NOW", "9999-12-31T23:59:58Z", "a time from 0001-02-01T00:00:00.000Z to 9999-11-30T23:59:59.999Z"),
        ("NOW", datetime(1, 1, 1), "a time from 0001-02-01T00:00:00.000Z to 9999-11-30T23:59:59.999Z"),
        ("SEED", True, "an integer of at least 0"),  # a bool is no integer
        ("SEED", 1.5, "an integer of at least 0"),
        ("SEED", -1, "an integer of at least 0"),
        ("JOURNAL", 1, "true or false"),  # an int is no bool
        ("JOURNAL", None, "true or false"),
        ("BODY_TIMEOUT", True, "a positive number of seconds"),
        ("BODY_TIMEOUT", 0, "a positive number of seconds"),
        ("ADMIN_TOKEN", 12345, "a non-empty token"),
        ("ADMIN_PREFIX", 5, "a path such as /__admin"),
        ("RATE_LIMIT", 5, "REQUESTS/SECONDS such as 300/60"),
        ("LIFECYCLE", ["off"], "one of auto, manual, off"),
        ("STREAMING_PORT", 65_536, "an integer of at least 0 and at most 65535"),
        ("STORE", 6379, "memory, or a Redis URL"),
    ],
)
def test_a_bad_python_value_is_refused_with_its_name(name: str, value: Any, expected: str) -> None:
    with pytest.raises(config.SettingError) as parsed:
        config.parse(name, value)
    with pytest.raises(config.SettingError) as made:
        create_app({"CONVERSATIONS": 0, name: value})  # what the fixtures' config and marker build
    for raised in (parsed.value, made.value):
        assert raised.name == name
        assert raised.text == value
        assert str(raised).startswith(f"{name}: expected {expected}")
        assert str(raised).endswith(f", got {value!r}")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("NOWW", "one of the mock's settings (did you mean NOW?) or one of Flask's own"),
        ("now", "one of the mock's settings (did you mean NOW?) or one of Flask's own"),
        ("LIFECYLE", "one of the mock's settings (did you mean LIFECYCLE?) or one of Flask's own"),
        ("CALLBACK_MOCK_SEED", "one of the mock's settings (did you mean SEED?) or one of Flask's own"),
        ("NOTHING_LIKE_IT", "one of the mock's settings or one of Flask's own"),
    ],
)
def test_a_key_that_is_no_setting_is_refused_with_the_nearest_setting(name: str, expected: str) -> None:
    with pytest.raises(config.SettingError) as made:
        create_app({"CONVERSATIONS": 0, name: "2030-01-15T12:00:00Z"})
    assert (made.value.name, made.value.expected) == (name, expected)
    assert str(made.value) == f"{name}: expected {expected}, got '2030-01-15T12:00:00Z'"


def test_flasks_own_keys_are_kept_as_given() -> None:
    app = create_app({"CONVERSATIONS": 0, "TESTING": True, "MAX_CONTENT_LENGTH": 1000})
    assert (app.config["TESTING"], app.config["MAX_CONTENT_LENGTH"]) == (True, 1000)


def test_a_configured_token_is_one_token_not_a_string_to_search() -> None:
    client = create_app({"CONVERSATIONS": 0, "TOKENS": "secret"}).test_client()
    for token, status in (("secret", 200), ("sec", 401), ("e", 401), ("secrets", 401)):
        answer = client.get("/api/v2/conversations", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == status, token


def test_a_configured_start_may_be_text() -> None:
    from mockserver.testing.server import MockServer

    server = MockServer({"CONVERSATIONS": 0, "NOW": "2030-01-15T12:00:00Z", "CLOCK_FROZEN": True})
    assert server.backend.clock.now() == _NOON


@pytest.mark.parametrize("setting", config.SETTINGS, ids=lambda setting: setting.name)
def test_a_default_reads_back_from_the_text_it_is_shown_as(setting: config.Setting) -> None:
    if setting.default in (None, ()):
        assert setting.name not in config.shown(config.DEFAULTS)  # no value: left out
    else:
        assert config.parse(setting.name, config.shown(config.DEFAULTS)[setting.name]) == setting.default


def test_the_settings_page_holds_the_table_of_the_code() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "reference" / "settings.md").read_text()
    table = page.split("<!-- settings:start -->\n", 1)[1].split("<!-- settings:end -->", 1)[0]
    assert table == config.settings_markdown()


def test_the_settings_table_lists_every_setting_with_its_variable_and_option() -> None:
    rows = [row.split(" | ") for row in config.settings_markdown().splitlines()[2:]]
    assert [row[0].removeprefix("| ") for row in rows] == [f"`{s.name}`" for s in config.SETTINGS]
    assert [row[1] for row in rows] == [f"`CALLBACK_MOCK_{s.name}`" for s in config.SETTINGS]
    for setting, row in zip(config.SETTINGS, rows, strict=True):
        assert row[2].startswith("(from --host)" if setting.derived else f"`{setting.flag}")


def test_the_control_api_shows_the_settings_in_their_variables_words_tokens_redacted() -> None:
    app = create_app(
        {
            "CONVERSATIONS": 0,
            "TOKENS": ["a", "b"],
            "ADMIN_TOKEN": "admin",
            "LIFECYCLE": Lifecycle(mode=LifecycleMode.MANUAL),
            "RATE_LIMIT": RateLimit(requests=5, window_seconds=60),
            "NOW": "2030-01-15T12:00:00Z",
        }
    )
    answer = app.test_client().get(
        control_path(AdminRoutes.SETTINGS), headers={"Authorization": "Bearer admin"}
    )
    assert answer.status_code == 200
    shown: dict[str, str] = answer.get_json()["settings"]
    assert shown["ADMIN_TOKEN"] == config.REDACTED
    assert json.loads(shown["TOKENS"]) == [config.REDACTED] * 2
    assert config.parse("LIFECYCLE", shown["LIFECYCLE"])["mode"] == "manual"
    assert config.parse("RATE_LIMIT", shown["RATE_LIMIT"]) == {"requests": 5, "windowSeconds": 60}
    assert config.parse("NOW", shown["NOW"]) == _NOON
    assert "STREAMING_URL" not in shown  # none
    assert "ALLOWED_HOSTS" not in shown  # an empty list
    plain = {"TOKENS", "ADMIN_TOKEN", "LIFECYCLE", "RATE_LIMIT"}  # checked above
    assert {name: config.parse(name, text) for name, text in shown.items() if name not in plain} == {
        name: app.config[name] for name in shown if name not in plain
    }
