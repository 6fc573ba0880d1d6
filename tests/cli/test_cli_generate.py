"""``generate``: seeded fixture files that ``validate`` accepts, for every model and trait."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from factories import CallbackFactory, ConversationFactory
from mockserver.cli import generate as cli_generate

Invoke = Callable[..., Result]

MODELS_AND_TRAITS = [
    *((model, trait) for model in ("Callback", "CallbackBasic") for trait in CallbackFactory.traits),
    *(
        (model, trait)
        for model in ("Conversation", "ConversationBasic")
        for trait in ConversationFactory.traits
    ),
]


@pytest.mark.parametrize(("model", "trait"), MODELS_AND_TRAITS)
@pytest.mark.parametrize("fmt", ["json", "ndjson"])
def test_generate_then_validate_round_trip(invoke: Invoke, model: str, trait: str, fmt: str) -> None:
    generated = invoke("generate", "--model", model, "--trait", trait, "--count", "3", "--format", fmt)
    assert generated.exit_code == 0, generated.stderr
    assert generated.stderr == ""
    checked = invoke("validate", "--model", model, "-", input=generated.stdout_bytes)
    assert checked.exit_code == 0, checked.stdout
    assert checked.stderr.startswith("checked ")
    assert checked.stderr.endswith(" in 3 records of 1 file: all valid\n")


@pytest.mark.parametrize("model", ["Callback", "CallbackBasic", "Conversation", "ConversationBasic"])
def test_detection_finds_what_generate_wrote(invoke: Invoke, model: str) -> None:
    generated = invoke("generate", "--model", model, "--count", "4", "--format", "ndjson")
    checked = invoke("validate", "-", input=generated.stdout_bytes)
    assert checked.exit_code == 0, checked.stdout


def test_the_same_seed_gives_the_same_bytes(invoke: Invoke) -> None:
    args = ("generate", "--model", "Conversation", "--count", "5", "--seed", "42")
    first, second = invoke(*args).stdout_bytes, invoke(*args).stdout_bytes
    assert first == second
    assert invoke(*args[:-1], "43").stdout_bytes != first
    assert invoke(*args, "--now", "2031-06-01T00:00:00Z").stdout_bytes != first


def test_json_is_one_array_and_ndjson_one_payload_a_line(invoke: Invoke) -> None:
    as_json = invoke("generate", "--model", "Callback", "--count", "3", "--seed", "1").stdout
    as_ndjson = invoke(
        "generate", "--model", "Callback", "--count", "3", "--seed", "1", "--format", "ndjson"
    ).stdout
    assert json.loads(as_json) == [json.loads(line) for line in as_ndjson.splitlines()]
    assert len(as_ndjson.splitlines()) == 3


@pytest.mark.parametrize(("fmt", "text"), [("json", "[]\n"), ("ndjson", "")])
def test_zero_payloads(invoke: Invoke, fmt: str, text: str) -> None:
    result = invoke("generate", "--model", "Callback", "--count", "0", "--format", fmt)
    assert (result.exit_code, result.stdout) == (0, text)


def test_defaults_one_payload_of_the_default_trait_on_a_fixed_clock(invoke: Invoke) -> None:
    (payload,) = json.loads(invoke("generate", "--model", "Callback").stdout)
    assert payload["state"] == "disconnected"
    assert (
        invoke("generate", "--model", "Callback").stdout
        == invoke("generate", "--model", "Callback", "--seed", "0", "--now", cli_generate.DEFAULT_NOW).stdout
    )


def test_output_file(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "fixtures.ndjson"
    result = invoke(
        "generate", "--model", "CallbackBasic", "--count", "7", "--format", "ndjson", "--output", str(target)
    )
    assert (result.exit_code, result.stdout) == (0, "")
    assert len(target.read_text().splitlines()) == 7
    assert invoke("validate", str(target)).exit_code == 0


@pytest.fixture
def umask() -> Iterator[Callable[[int], int]]:
    """Set the process's umask for this test; the one before comes back after it."""
    before = os.umask(0o022)
    yield os.umask
    os.umask(before)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_new_output_file_gets_the_umasks_mode(
    invoke: Invoke, tmp_path: Path, umask: Callable[[int], int], mask: int, mode: int
) -> None:
    umask(mask)
    target = tmp_path / "callbacks.json"
    assert invoke("generate", "--model", "Callback", "-o", str(target)).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == mode  # as open(target, "w") would make it


def test_a_replaced_output_file_keeps_its_mode(
    invoke: Invoke, tmp_path: Path, umask: Callable[[int], int]
) -> None:
    target = tmp_path / "callbacks.json"
    target.write_text("previous\n")
    target.chmod(0o640)
    assert invoke("generate", "--model", "Callback", "-o", str(target)).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text() != "previous\n"


def test_a_failed_run_leaves_the_output_file_as_it_was(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "fixtures.json"
    target.write_text("previous\n")

    def interrupted(output: Any, payloads: Any, fmt: str) -> None:
        output.write(b"[{")
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_generate, "_write", interrupted)
    result = invoke("generate", "--model", "Callback", "--output", str(target))
    assert result.exit_code == 1  # click's answer to Ctrl-C
    assert target.read_text() == "previous\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["fixtures.json"]


def test_no_progress_bar_when_stderr_is_not_a_terminal(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_generate, "PROGRESS_FROM", 2)
    result = invoke("generate", "--model", "Callback", "--count", "3", "--format", "ndjson")
    assert result.stderr == ""


def test_a_progress_bar_when_stderr_is_a_terminal(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_generate, "PROGRESS_FROM", 2)
    monkeypatch.setattr(cli_generate, "_is_terminal", lambda stream: True)
    result = invoke("generate", "--model", "Callback", "--count", "3", "--format", "ndjson")
    assert result.exit_code == 0
    assert "Callback x 3" in result.stderr
    assert len(result.stdout.splitlines()) == 3  # the bar never mixes into the payloads


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Missing option '--model'"),
        (["--model", "Segment"], "Invalid value for '--model'"),
        (
            ["--model", "Callback", "--count", "-1"],
            "Invalid value for '--count': -1 is not in the range x>=0.",
        ),
        (
            ["--model", "Callback", "--count", "many"],
            "Invalid value for '--count': 'many' is not a valid integer",
        ),
        (["--model", "Callback", "--seed", "0x2a"], "Invalid value for '--seed'"),
        (
            ["--model", "Callback", "--trait", "reoffered"],
            "Invalid value for '--trait': 'reoffered' is not a trait of Callback; choose from scheduled, ",
        ),
        (
            ["--model", "ConversationBasic", "--trait", "routed"],
            "Invalid value for '--trait': 'routed' is not a trait of ConversationBasic; choose from scheduled, ",
        ),
        (
            ["--model", "Callback", "--now", "tomorrow"],
            "Invalid value for '--now': expected an ISO-8601 datetime, got 'tomorrow'",
        ),
        (["--model", "Callback", "--format", "xml"], "Invalid value for '--format'"),
        (["--model", "Callback", "--output", "no/such/dir/out.json"], "Invalid value for '--output'"),
    ],
)
def test_usage_errors_exit_2_and_write_nothing(invoke: Invoke, args: list[str], message: str) -> None:
    result = invoke("generate", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr


def test_as_a_real_process(process: Callable[..., Any], invoke: Invoke, tmp_path: Path) -> None:
    args = ["generate", "--model", "Conversation", "--count", "4", "--seed", "9", "--format", "ndjson"]
    done = process(args)
    assert done.returncode == 0
    assert done.stderr == b""
    assert done.stdout == invoke(*args).stdout_bytes  # the same bytes in another process
    checked = process(["validate", "-"], input=done.stdout)
    assert checked.returncode == 0
    assert process(["generate", "--model", "Callback", "--trait", "nope"]).returncode == 2
