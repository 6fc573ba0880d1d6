"""``drift --routes``: the mock's routes against a Swagger 2.0 description, from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "contracts" / "api" / "genesys-swagger.json"
KNOWN = ROOT / "tests" / "contracts" / "route_differences.txt"

Invoke = Callable[..., Result]


def test_the_committed_copy_with_the_known_differences_has_no_drift(invoke: Invoke) -> None:
    result = invoke("drift", "--routes", str(COMMITTED), "--known", str(KNOWN))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"No route drift: the mock's 51 operations match {COMMITTED} (")


def test_without_the_known_list_every_difference_is_a_line_to_list(invoke: Invoke) -> None:
    result = invoke("drift", "--routes", str(COMMITTED))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Route drift: ")
    assert "  definition PatchCallbackRequest | required-not-served | agentId" in lines
    assert "  POST /api/v2/conversations/callbacks | success-status-not-served | 202" in lines


def test_json_report_lists_known_unlisted_and_stale(invoke: Invoke, tmp_path: Path) -> None:
    known = tmp_path / "known.txt"
    known.write_text(
        "definition PatchCallbackRequest | required-not-served | agentId | real clients omit it\n"
        "GET /api/v2/nowhere | operation-not-in-api | /api/v2/nowhere | gone long ago\n"
    )
    result = invoke("drift", "--routes", "--json", str(COMMITTED), "--known", str(known))
    assert result.exit_code == 1
    report: dict[str, Any] = json.loads(result.stdout)
    assert report["source"] == str(COMMITTED)
    assert report["drift"] is True
    assert "PATCH /api/v2/conversations/callbacks" in report["operations"]
    assert report["known"] == [
        {
            "where": "definition PatchCallbackRequest",
            "kind": "required-not-served",
            "item": "agentId",
            "reason": "real clients omit it",
        }
    ]
    assert report["stale"] == [
        {
            "line": 2,
            "pattern": "GET /api/v2/nowhere | operation-not-in-api | /api/v2/nowhere",
            "reason": "gone long ago",
        }
    ]
    assert {
        "where": "POST /api/v2/conversations/callbacks",
        "kind": "success-status-not-served",
        "item": "202",
    } in report["differences"]  # unlisted in this known file


def test_a_doctored_description_is_reported(invoke: Invoke, tmp_path: Path) -> None:
    document = json.loads(COMMITTED.read_text())
    document["definitions"]["CreateCallbackCommand"]["required"] = []
    spec = tmp_path / "swagger.json"
    spec.write_text(json.dumps(document))
    result = invoke("drift", "--routes", str(spec), "--known", str(KNOWN))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1:] == [
        "  definition CreateCallbackCommand | required-not-in-api | callbackNumbers"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "error: {spec}: cannot read a Swagger 2.0 description: unexpected character"),
        ("[]", "error: {spec}: not a Swagger 2.0 description: no paths object at $.paths\n"),
        (
            '{"openapi": "3.1.0", "paths": {}}',
            "error: {spec}: not a Swagger 2.0 description: $.swagger is None, expected '2.0'\n",
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_named(invoke: Invoke, tmp_path: Path, text: str, message: str) -> None:
    spec = tmp_path / "junk.json"
    spec.write_text(text)
    result = invoke("drift", "--routes", str(spec))
    assert result.exit_code == 2
    assert result.stderr.startswith(message.format(spec=spec))


def test_a_known_list_that_cannot_be_read_is_named(invoke: Invoke, tmp_path: Path) -> None:
    known = tmp_path / "known.txt"
    known.write_text("just a sentence\n")
    result = invoke("drift", "--routes", str(COMMITTED), "--known", str(known))
    assert result.exit_code == 2
    assert (
        result.stderr == f"error: {known}:1: expected 'where | kind | item | reason', got 'just a sentence'\n"
    )
    missing = tmp_path / "missing.txt"
    result = invoke("drift", "--routes", str(COMMITTED), "--known", str(missing))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {missing}: cannot read the known differences: ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--routes"], "--routes compares with a Swagger 2.0 file: give SPEC."),
        (["--known", "known.txt"], "--known goes with --routes."),
    ],
)
def test_usage_errors(invoke: Invoke, args: list[str], message: str) -> None:
    result = invoke("drift", *args)
    assert result.exit_code == 2
    assert f"Error: {message}" in result.stderr
