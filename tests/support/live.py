"""One HTTP exchange with a live server on a real socket, and what came back."""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlsplit

from attrs import frozen

from tests.support import TOKEN


@frozen
class Answer:
    status: int
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def call(
    base: str,
    method: str,
    path: str,
    body: Any = None,
    *,
    token: str | None = TOKEN,
    headers: dict[str, str] | None = None,
    content_type: str | None = "application/json",
    timeout: float = 30,
) -> Answer:
    """Send one request (``body`` as JSON unless it is bytes) on a new connection.

    ``headers`` win over the ``token``'s Authorization and over ``content_type``, which goes with a
    body only; ``content_type=None`` sends a body with no Content-Type, ``token=None`` no credentials.
    """
    connection = http.client.HTTPConnection(urlsplit(base).netloc, timeout=timeout)
    sent = dict(headers or {})
    if token is not None:
        sent.setdefault("Authorization", f"Bearer {token}")
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    if data is not None and content_type is not None:
        sent.setdefault("Content-Type", content_type)
    try:
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()
