"""No test writes out a control API path: each is built from the route table (``control_path``).

So renaming a route, or the default prefix, cannot leave a test calling the old place. A test
whose point is the literal path says so with a ``# literal:`` comment on that line.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.control import ADMIN_PREFIX

TESTS = Path(__file__).resolve().parent
# A string literal that starts with the prefix and goes on to a route: "<prefix>/requests".
WRITTEN_OUT = re.compile(rf"""[rbfRBF]*["']{re.escape(ADMIN_PREFIX)}/\w""")
MARKER = "# literal:"


def written_out(root: Path) -> list[str]:
    """Every line under ``root`` (its Python files) that writes out a control path without the marker."""
    return [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in sorted(root.rglob("*.py"))
        if "node_modules" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if WRITTEN_OUT.search(line) and MARKER not in line
    ]


def test_no_test_writes_out_a_control_path() -> None:
    assert written_out(TESTS) == []


def test_a_written_out_path_is_found(tmp_path: Path) -> None:
    (tmp_path / "test_x.py").write_text(
        f'call(url, "GET", "{ADMIN_PREFIX}/requests")\n'
        f'call(url, "GET", f"{ADMIN_PREFIX}/conversations/{{id}}")\n'
        f'document["paths"]["{ADMIN_PREFIX}/clock"]  {MARKER} the document\'s own key\n'
        f'call(url, "GET", "{ADMIN_PREFIX}")\n'
    )
    assert [line.split(":")[1] for line in written_out(tmp_path)] == ["1", "2"]
