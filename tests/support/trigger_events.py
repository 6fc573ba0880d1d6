"""Detail events for the trigger tests: bodies built from the official SDK's event models, published
into a live server's hub as the derivation publishes them (under the store's lock), and a small HTTP
service standing in for a workflow's URL."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson

from mockserver.state.backend import Backend

ACD_START = "v2.detail.events.conversation.{id}.acd.start"
ACW = "v2.detail.events.conversation.{id}.acw"


def event_body(sdk: Any, model: str, **fields: Any) -> dict[str, Any]:
    """The wire JSON of the SDK's event ``model`` (``AcdStartDetailEventTopicAcdStartEvent``) with ``fields``."""
    made = getattr(sdk, model)()
    for name, value in fields.items():
        setattr(made, name, value)
    body: dict[str, Any] = sdk.ApiClient().sanitize_for_serialization(made)
    return body


def acd_start(
    sdk: Any, conversation_id: str, media_type: str, at: int, queue_id: str = "q-1"
) -> dict[str, Any]:
    return event_body(
        sdk,
        "AcdStartDetailEventTopicAcdStartEvent",
        event_time=at,
        conversation_id=conversation_id,
        participant_id=f"{conversation_id}-acd",
        session_id=f"{conversation_id}-session",
        media_type=media_type,
        direction="OUTBOUND",
        queue_id=queue_id,
        callback_numbers=["+13175550100"],
        routing_priority=0,
    )


def acw(sdk: Any, conversation_id: str, wrapup_code: str, at: int, queue_id: str = "q-1") -> dict[str, Any]:
    return event_body(
        sdk,
        "AcwDetailEventTopicAfterCallWorkEvent",
        event_time=at,
        conversation_id=conversation_id,
        participant_id=f"{conversation_id}-agent",
        session_id=f"{conversation_id}-session",
        media_type="CALLBACK",
        direction="OUTBOUND",
        queue_id=queue_id,
        wrapup_code=wrapup_code,
        wrapup_duration_ms=1500,
    )


def publish(backend: Backend, template: str, body: dict[str, Any], at: int) -> None:
    """Publish ``body`` on ``template``'s topic with its conversation's id, as the derivation does."""
    with backend.store.transaction():
        backend.detail_events.publish(template.replace("{id}", body["conversationId"]), body, at)


class Hook:
    """A workflow's URL: answers each POST with ``status``, or holds it while ``hold`` is clear."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.received: list[tuple[dict[str, str], Any]] = []
        self.arrived = threading.Event()
        self.hold = threading.Event()
        self.hold.set()
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                hook.received.append((dict(self.headers), orjson.loads(self.rfile.read(length))))
                hook.arrived.set()
                hook.hold.wait(30)
                self.send_response(hook.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/workflow"


@contextmanager
def serving_hook(status: int = 200) -> Iterator[Hook]:
    hook = Hook(status)
    thread = threading.Thread(target=hook.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        hook.hold.set()
        hook.server.shutdown()
        hook.server.server_close()
        thread.join()
