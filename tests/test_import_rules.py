"""The import rules CI checks (``lint-imports``, ``[tool.importlinter]`` in pyproject.toml) cover every module."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 (pytest depends on tomli there)
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

ROOT = Path(__file__).resolve().parent.parent


def _contracts() -> dict[str, dict[str, Any]]:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {contract["name"]: contract for contract in settings["contracts"]}


@pytest.mark.parametrize(
    ("package", "contract"),
    [
        ("contracts", "A package's private modules are its own"),
        ("factories", "The factories' private modules are their own"),
    ],
)
def test_every_private_module_is_forbidden_to_the_other_packages(package: str, contract: str) -> None:
    private = {f"{package}.{path.stem}" for path in (ROOT / package).glob("_*.py") if path.stem != "__init__"}
    assert set(_contracts()[contract]["forbidden_modules"]) == private
