"""A notification channel for tests: opened over REST, its socket read in a thread, ``wait_for`` events.

Works against any server (in-process or remote): it only uses the real API's routes and the
channel's ``connectUri``, as a client would. Waiting is bounded by ``timeout`` and ends as soon as
the event arrives: nothing sleeps.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

JSON = dict[str, Any]


class NotificationChannel:
    """A channel of the server at ``url``, for the user ``token`` acts for, with its socket open."""

    def __init__(self, url: str, token: str = "agent:0") -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.user: JSON = self._call("GET", "/api/v2/users/me")
        self.channel: JSON = self._call("POST", "/api/v2/notifications/channels")
        self.id: str = self.channel["id"]
        self.messages: list[JSON] = []  # every message received, heartbeats and pongs included
        self._arrived = threading.Condition()
        self._socket: ClientConnection | None = None
        self._stack = ExitStack()
        self._reader: threading.Thread | None = None
        self.connect()

    def connect(self) -> None:
        """Open a (new) socket on the channel and wait until the server holds it (a ping answered)."""
        previous, previous_stack = self._socket, self._stack
        # connect() is meant as a context manager (websockets warns otherwise): one per socket.
        self._stack = ExitStack()
        self._socket = socket = self._stack.enter_context(
            connect(self.channel["connectUri"], compression=None, max_size=None)
        )
        self._reader = threading.Thread(target=self._read, args=(socket,), daemon=True)
        self._reader.start()
        start = len(self.messages)
        socket.send(json.dumps({"message": "ping"}))
        self.wait_for(
            topic="channel.metadata", predicate=lambda m: m["eventBody"]["message"] == "pong", after=start
        )
        if previous is not None:
            previous_stack.close()

    def subscribe(self, topics: Iterable[str], *, replace: bool = True) -> JSON:
        """Subscribe over REST (PUT replaces, POST adds); the listing the server answers."""
        body = [{"id": topic} for topic in topics]
        listing: JSON = self._call(
            "PUT" if replace else "POST", f"/api/v2/notifications/channels/{self.id}/subscriptions", body
        )
        return listing

    def events(self, topic: str | None = None) -> list[JSON]:
        """The conversation events received so far (of ``topic``), oldest first."""
        with self._arrived:
            return [m for m in self.messages if "version" in m and topic in (None, m["topicName"])]

    def wait_for(
        self,
        *,
        topic: str | None = None,
        predicate: Callable[[JSON], bool] = lambda message: True,
        timeout: float = 5.0,
        after: int = 0,
    ) -> JSON:
        """The first message (from index ``after``) of ``topic`` that ``predicate`` accepts.

        Returns as soon as it has arrived; raises ``TimeoutError`` after ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        seen = after
        with self._arrived:
            while True:
                for message in self.messages[seen:]:
                    if topic in (None, message.get("topicName")) and predicate(message):
                        return message
                seen = len(self.messages)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(self._timed_out(topic, after, timeout))
                self._arrived.wait(left)

    def _timed_out(self, topic: str | None, after: int, timeout: float) -> str:
        """What a wait that ran out saw: how many messages came, of the topic, and the topics that did."""
        seen = self.messages[after:]
        of_topic = [m for m in seen if topic in (None, m.get("topicName"))]
        arrived = sorted({str(m["topicName"]) for m in seen if "topicName" in m})
        return (
            f"no message of {topic or 'any topic'} matched the predicate within {timeout} s: "
            f"{len(of_topic)} of that topic arrived, {len(seen)} messages in all (topics: {arrived}); "
            f"channel {self.id}"
        )

    def close(self) -> None:
        if self._socket is not None:
            self._stack.close()
        if self._reader is not None:
            self._reader.join(timeout=5)

    def _read(self, socket: ClientConnection) -> None:
        try:
            while True:
                text = socket.recv()
                with self._arrived:
                    self.messages.append(json.loads(text))
                    self._arrived.notify_all()
        except ConnectionClosed:
            pass

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        request = urllib.request.Request(
            self.url + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read()
        return json.loads(text) if text else None

    def __enter__(self) -> NotificationChannel:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
