"""The command group: its commands, and what running one of them imports."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import Result

from mockserver.cli import main

Invoke = Callable[..., Result]


def test_the_group_lists_its_commands(invoke: Invoke) -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("drift", "generate", "schema", "serve", "validate", "verify"):
        assert f"\n  {command} " in result.stdout


def test_serve_takes_its_options(invoke: Invoke) -> None:
    result = invoke("serve", "--help")
    assert result.exit_code == 0
    assert "--port" in result.stdout


def test_a_command_that_cannot_be_imported_says_why(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(main.lazy, "broken", "mockserver.no_such_module:command")
    listing = invoke("--help")
    assert listing.exit_code == 0
    assert "broken    (unavailable: No module named 'mockserver.no_such_module')" in listing.stdout
    result = invoke("broken")
    assert result.exit_code == 1
    assert result.stderr == "Error: broken is unavailable here: No module named 'mockserver.no_such_module'\n"


def test_an_unknown_command_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke("frobnicate")
    assert result.exit_code == 2
    assert "No such command 'frobnicate'" in result.stderr


def test_the_contract_commands_do_not_load_flask() -> None:
    """validate, schema and drift work where only the contract's dependencies are wanted."""
    script = (
        "import sys, mockserver\n"
        "before = 'flask' in sys.modules\n"
        "from mockserver.cli import main\n"
        "for args in (['schema', '--model', 'Callback'], ['drift'], ['validate', '-']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(('flask' in sys.modules) == before)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], input=b"{}", capture_output=True, timeout=60, check=False
    )
    assert done.stdout.splitlines()[-1] == b"True", done.stderr


def test_help_as_a_real_process(process: Callable[..., Any]) -> None:
    done = process(["--help"])
    assert done.returncode == 0
    assert b"validate" in done.stdout
