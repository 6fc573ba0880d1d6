"""The node scripts of ``tests/js``: where they live, and the node that runs them.

Without node or ``tests/js/node_modules`` (``npm ci --prefix tests/js``) a test of a script skips
locally, and fails in CI (``CI=true``), where a skip would pass a check that never ran.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

JS = Path(__file__).resolve().parents[1] / "js"


def node(*packages: str) -> str:
    """The node executable, with ``packages`` installed; skipped (failed under CI) if missing."""
    found = shutil.which("node")
    absent = [package for package in packages if not (JS / "node_modules" / package).is_dir()]
    missing = (
        "node is not on PATH"
        if found is None
        else f"tests/js/node_modules lacks {', '.join(absent)} (npm ci --prefix tests/js)"
        if absent
        else None
    )
    if missing is None and found is not None:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the JavaScript tests: {missing}")
    pytest.skip(missing or "")
