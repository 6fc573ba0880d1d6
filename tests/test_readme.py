"""The README's runnable examples run: each block marked ``<!-- readme-test: script|pytest -->``.

A ``script`` block runs as a program; a ``pytest`` block is a test file, run by pytester in a
fresh directory as a team's own tests would be (the plugins registered by the package alone).
"""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
_BLOCK = re.compile(r"^<!-- readme-test: (\w+) -->\n```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _blocks(kind: str) -> list[tuple[int, str]]:
    text = README.read_text()
    return [
        (text.count("\n", 0, match.start()) + 2, match[2])
        for match in _BLOCK.finditer(text)
        if match[1] == kind
    ]


def test_every_marked_block_is_a_known_kind() -> None:
    kinds = re.findall(r"^<!-- readme-test: (\w+) -->$", README.read_text(), re.MULTILINE)
    assert set(kinds) == {"script", "pytest"}
    assert len(kinds) == len(_blocks("script")) + len(_blocks("pytest"))  # each followed by its block


@pytest.mark.parametrize(("line", "code"), _blocks("script"), ids=[f"line {n}" for n, _ in _blocks("script")])
def test_a_script_block_runs(
    line: int, code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run in an empty directory (capsys keeps what it prints out of the report)."""
    monkeypatch.chdir(tmp_path)
    exec(compile(code, f"README.md:{line}", "exec"), {"__name__": "__main__"})


@pytest.mark.parametrize(("line", "code"), _blocks("pytest"), ids=[f"line {n}" for n, _ in _blocks("pytest")])
def test_a_pytest_block_passes(line: int, code: str, pytester: pytest.Pytester, sdk: ModuleType) -> None:
    pytester.makepyfile(**{f"test_readme_line_{line}": code})

    result = pytester.runpytest("-p", "no:cacheprovider")

    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) > 0
    assert set(outcomes) <= {"passed", "warnings"}, result.stdout.str()
