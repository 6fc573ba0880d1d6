"""Fixtures of the factory tests: a fixed clock."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.support import NOW


@pytest.fixture
def now() -> datetime:
    """The fixed clock of the factory tests."""
    return NOW
