"""The documentation's runnable examples run, and its generated reference pages are what the code renders.

Each block of README.md and of every page under docs/ marked ``<!-- readme-test: script|pytest -->``
runs: a ``script`` block as a program; a ``pytest`` block as a test file, run by pytester in a fresh
directory as a team's own tests would be (the plugins registered by the package alone).
"""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pytest

from mockserver.control.route_table import AdminRoutes
from tests.support import reference_pages

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
# How many marked blocks the README and the pages hold at least: moving an example between pages keeps
# it, and dropping its marker (so that it no longer runs) fails here.
MARKED_AT_LEAST = 8  # the six of the manual before it moved to docs/, and the two of the README's tour
_BLOCK = re.compile(r"^<!-- readme-test: (\w+) -->\n```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _blocks(kind: str) -> list[tuple[str, str]]:
    """Each marked block of ``kind``: its place (``docs/server.md:42``) and its code."""
    found = []
    for page in PAGES:
        text = page.read_text()
        name = page.relative_to(ROOT).as_posix()
        found += [
            (f"{name}:{text.count(chr(10), 0, match.start()) + 2}", match[2])
            for match in _BLOCK.finditer(text)
            if match[1] == kind
        ]
    return found


def test_every_marked_block_is_a_known_kind_and_none_was_dropped() -> None:
    kinds = [
        kind
        for page in PAGES
        for kind in re.findall(r"^<!-- readme-test: (\w+) -->$", page.read_text(), re.MULTILINE)
    ]
    assert set(kinds) == {"script", "pytest"}
    assert len(kinds) == len(_blocks("script")) + len(_blocks("pytest"))  # each followed by its block
    assert len(kinds) >= MARKED_AT_LEAST


def test_the_readme_tours_with_executed_examples() -> None:
    """The front door's examples run too: at least one script and one pytest block are the README's."""
    places = [place for kind in ("script", "pytest") for place, _ in _blocks(kind)]
    assert any(place.startswith("README.md:") for place, _ in _blocks("script")), places
    assert any(place.startswith("README.md:") for place, _ in _blocks("pytest")), places


@pytest.mark.parametrize(("place", "code"), _blocks("script"), ids=[place for place, _ in _blocks("script")])
def test_a_script_block_runs(
    place: str, code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run in an empty directory (capsys keeps what it prints out of the report)."""
    monkeypatch.chdir(tmp_path)
    exec(compile(code, place, "exec"), {"__name__": "__main__"})


@pytest.mark.parametrize(("place", "code"), _blocks("pytest"), ids=[place for place, _ in _blocks("pytest")])
def test_a_pytest_block_passes(place: str, code: str, pytester: pytest.Pytester, sdk: ModuleType) -> None:
    pytester.makepyfile(**{"test_" + re.sub(r"\W", "_", place): code})

    result = pytester.runpytest("-p", "no:cacheprovider")

    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) > 0
    assert set(outcomes) <= {"passed", "warnings"}, result.stdout.str()


@pytest.mark.parametrize("page", list(reference_pages.PAGES), ids=lambda page: page.name)
def test_a_reference_page_is_what_the_code_renders(page: Path) -> None:
    """Run ``python -m tests.support.reference_pages`` after changing a route."""
    marker, render = reference_pages.PAGES[page]
    assert reference_pages.between(page.read_text(), marker) == render()


def test_the_control_table_has_every_route_and_its_client_method() -> None:
    """Each route of the table is a row, and each route but the rate limit's read has a client method."""
    rendered = reference_pages.render_control_api()
    rows = rendered.splitlines()[2:]
    routes = AdminRoutes.all()
    assert len(rows) == len(routes)
    assert [row for row in rows if "| (none) |" in row] == [
        row for row in rows if row.startswith("| `GET /__admin/rate-limit`")
    ]


def test_the_readme_links_every_page() -> None:
    """The front door leads to every page of the site (links as the site's own addresses)."""
    readme = (ROOT / "README.md").read_text()
    for page in sorted((ROOT / "docs").rglob("*.md")):
        assert f"](docs/{page.relative_to(ROOT / 'docs').as_posix()}" in readme, page
