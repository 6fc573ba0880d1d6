"""The server's settings and their defaults, importable without Flask (``serve``'s options use them)."""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    "SEED": 0,  # seed of the generated dataset
    "CONVERSATIONS": 50,  # conversations generated at start and restored by every reset
    "NOW": None,  # a fixed clock (datetime) for reproducible data; None is the real time
    "TOKENS": (),  # accepted bearer tokens; empty accepts any bearer token
    "MAX_CONTENT_LENGTH": 1024 * 1024,  # larger request bodies get 413
    "ADMIN": True,  # serve the control API
    "ADMIN_PREFIX": "/__admin",  # where the control API lives
    "ADMIN_TOKEN": None,  # if set, the control API's bearer token
    "JOURNAL": True,  # record every API request for the control API to show and verify
    "JOURNAL_LIMIT": 10_000,  # requests kept; the oldest go first
    "RATE_LIMIT": None,  # {"requests": N, "windowSeconds": W}: a budget per bearer token
}
