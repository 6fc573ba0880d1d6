"""What the test suites share: the server's settings, and helpers the conftest files build on.

Tests and conftest files import from here (``from tests.support import TOKEN``), never from a
conftest: pytest imports conftest files itself, under names of its own choosing.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

TOKEN = "test-token"
NOW = datetime(2030, 1, 15, 12, 0, tzinfo=timezone.utc)
# The clock stands still at NOW: nothing moves unless a test moves time.
CONFIG: dict[str, Any] = {
    "TESTING": True,
    "SEED": 7,
    "CONVERSATIONS": 30,
    "NOW": NOW,
    "CLOCK_FROZEN": True,
    "TOKENS": (TOKEN,),
}
