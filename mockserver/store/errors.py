"""The store's errors, under ``StoreError``: importable without the stores (``serve``'s supervising
process refuses a store URL with them, and holds neither the contract nor the factories)."""

from __future__ import annotations

from mockserver.errors import MockServerError

__all__ = ["OutOfDateError", "StoreError", "StoreUnavailableError"]


class StoreError(MockServerError, RuntimeError):
    """The store cannot do what was asked: unreachable, seeded otherwise, or its lock lost.

    The base of every error the store package raises.
    """


class StoreUnavailableError(StoreError):
    """The store cannot answer now (unreachable, silent past its timeout, its lock not freed in time):
    the server answers 503, telling the client to retry after ``retry_after`` seconds."""

    def __init__(self, message: str, *, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class OutOfDateError(StoreError):
    """Another process changed the parts since this one last synced: sync, and answer on that state."""
