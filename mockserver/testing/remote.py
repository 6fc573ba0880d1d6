"""A mock server that another process runs (``serve``, a container), driven through its control API."""

from __future__ import annotations

from mockserver.config import DEFAULTS
from mockserver.control.client import AdminClient


class RemoteMockServer(AdminClient):
    """A mock server some other process runs, reached through its control API."""

    def __init__(
        self, url: str, *, admin_prefix: str = DEFAULTS["ADMIN_PREFIX"], admin_token: str | None = None
    ) -> None:
        self._url = url.rstrip("/")
        self.admin_prefix = admin_prefix.rstrip("/")
        self.admin_token = admin_token

    @property
    def url(self) -> str:
        return self._url
