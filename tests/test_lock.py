"""The locked environment: requirements.lock pins what pyproject.toml asks for, and CI installs what the
README's test command installs.

CI's ``bash .ci/lock --check`` resolves again against the package index (the exact check); these run
offline on every machine, so a pyproject.toml edit without a new lock fails here first.
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the lock brings tomli for 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
_PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)(?: ; ([^\\]+?))? \\$", re.MULTILINE)


def _pins() -> dict[str, list[tuple[Version, Marker | None]]]:
    pins: dict[str, list[tuple[Version, Marker | None]]] = {}
    for name, version, marker in _PIN.findall((ROOT / "requirements.lock").read_text()):
        pins.setdefault(canonicalize_name(name), []).append(
            (Version(version), Marker(marker) if marker else None)
        )
    return pins


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    texts = list(project["project"]["dependencies"])
    for extra in project["project"]["optional-dependencies"].values():
        texts += [text for text in extra if not text.startswith("callback-contracts")]
    for group in ("dev", "docs"):  # what builds and locks the repository, and what builds its documentation
        texts += project["dependency-groups"][group]
    return [Requirement(text) for text in texts]


@pytest.mark.parametrize("requirement", _requirements(), ids=str)
def test_every_requirement_is_pinned_within_its_range(requirement: Requirement) -> None:
    pinned = _pins().get(canonicalize_name(requirement.name))
    assert pinned, f"{requirement.name} is not in requirements.lock: run bash .ci/lock"
    for version, _marker in pinned:
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements.lock pins {requirement.name}=={version}, outside {requirement}: run bash .ci/lock"
        )


def test_every_pin_carries_hashes() -> None:
    text = (ROOT / "requirements.lock").read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    assert entries
    for entry in entries:
        assert "--hash=sha256:" in entry, entry.splitlines()[0]


def _readme_test_command() -> list[str]:
    """The README's second command, as its parts joined by &&."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    command = next(line for line in block.splitlines() if "python -m pytest" in line)
    return [part.strip() for part in command.split("&&")]


def test_ci_installs_and_runs_what_the_readme_says() -> None:
    """Each install step and the test command of the README run in .ci/run (pip's --quiet aside)."""
    ci = [
        shlex.split(line.replace(" --quiet", ""))
        for line in (ROOT / ".ci/run").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    checked = 0
    for part in _readme_test_command():
        words = shlex.split(part)
        if words[:2] == ["pip", "install"] or words[:3] == ["python", "-m", "pytest"]:
            normal = ["python", "-m", *words] if words[0] == "pip" else words
            assert normal in ci, f"the README's {part!r} is not in .ci/run"
            checked += 1
    assert checked == 3  # two installs and the tests
