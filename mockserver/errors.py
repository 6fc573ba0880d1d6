"""The base of every error the mock server's code raises: ``MockServerError``.

Each error still mixes in the builtin it is (a setting's ``ValueError``, serve's ``RuntimeError``),
and a room with several narrows it once more: ``state.errors.StateError`` (``ApiError``,
``ClockError``, ``StepError``), ``store.StoreError``. Nothing here imports anything.
"""

from __future__ import annotations


class MockServerError(Exception):
    """An error raised by the mock server's code (catch this to catch any of them)."""
