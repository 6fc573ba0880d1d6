"""Settings from text: a CALLBACK_MOCK_* variable means exactly what serve's option means."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from mockserver import settings
from mockserver.app import create_app
from mockserver.auth import is_authorized


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
    ],
)
def test_a_setting_reads_as_its_option_does(name: str, text: str, value: Any) -> None:
    assert settings.parse(name, text) == value


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
    ],
)
def test_a_bad_setting_is_refused_with_its_name(name: str, text: str) -> None:
    with pytest.raises(settings.SettingError) as raised:
        settings.parse(name, text)
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
    assert client.post("/__admin/reset", headers={"Authorization": "Bearer 12345"}).status_code == 204
