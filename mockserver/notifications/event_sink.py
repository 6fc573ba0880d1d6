"""The event-bus sink: every detail event POSTed to a URL in the Amazon EventBridge envelope of Genesys's partner source.

``on_detail`` is a ``DetailEvents`` listener: under the store's lock, it only wraps the event and
puts it on a bounded queue (a full queue drops it, and says so in the deliveries): a background
thread (a ``delivery.Courier``) POSTs each (unless a reset came since it was queued, on any
replica: the reset's generation is part of the store), with at most ``MAX_ATTEMPTS`` attempts, a
short pause between them, and records every attempt in a log of the store (``deliveries``), so
nothing here ever holds up the engine. ``close`` (the server's stop) drops what waits and never
blocks; the next event starts the thread again.

The envelope, as a capture of the Genesys EventBridge integration shows it: ``version`` "0", ``id``,
``detail-type`` (the topic's template, ``v2.detail.events.conversation.{id}.acd.start``), ``source``
``aws.partner/genesys.com/cloud/{orgId}/{suffix}``, ``account``, ``time`` (ISO, to the second),
``region``, ``resources`` [], and ``detail``: ``{topicName, version "2", eventBody, metadata
{CorrelationId}, timestamp}``. The org id, suffix, account and region are the target's (inferred
defaults). The target is a part of the store (every replica sends to it); a reset returns it to
``EVENT_SINK``'s. Nothing here imports Flask.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from http.client import HTTPException
from typing import Any

import orjson

import contracts
from mockserver.control.models import EventSinkTarget, SinkDelivery
from mockserver.state.clock import Clock, from_ms
from mockserver.state.delivery import OPENER, Courier
from mockserver.store.base import Log, PartShare
from mockserver.store.memory import LocalPartShare

MAX_ATTEMPTS = 3  # each event, at most
PAUSES = (0.05, 0.2)  # seconds before the second and third attempts (real time: the sink is real)
TIMEOUT_SECONDS = 2.0  # each attempt
QUEUE_LIMIT = 1000  # events waiting to be sent; past it, an event is dropped (and the drop recorded)
_DETAIL_PREFIX = "v2.detail.events.conversation."


def template(topic: str) -> str:
    """The topic with its conversation id as ``{id}``: the envelope's ``detail-type``."""
    rest = topic[len(_DETAIL_PREFIX) :]
    return f"{_DETAIL_PREFIX}{{id}}.{rest.split('.', 1)[1]}" if topic.startswith(_DETAIL_PREFIX) else topic


def envelope(
    target: EventSinkTarget, topic: str, body: Mapping[str, Any], at: int, new_id: str
) -> dict[str, Any]:
    """The EventBridge event of one detail event (``at``: when it happened, epoch ms)."""
    instant = from_ms(at)
    return {
        "version": "0",
        "id": new_id,
        "detail-type": template(topic),
        "source": f"aws.partner/genesys.com/cloud/{target.organization_id}/{target.event_source_suffix}",
        "account": target.account,
        "time": instant.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": target.region,
        "resources": [],
        "detail": {
            "topicName": topic,
            "version": "2",
            "eventBody": dict(body),
            "metadata": {"CorrelationId": new_id},
            "timestamp": contracts.format_datetime(instant),
        },
    }


class EventSink:
    """The sink's target (a part of the store), its queue and sender thread, and the attempts' log."""

    def __init__(
        self,
        clock: Clock,
        *,
        initial: EventSinkTarget | None,
        new_id: Callable[[], str],
        deliveries: Log,
        share: PartShare | None = None,
    ) -> None:
        self._clock = clock
        self._initial = initial
        self._target = initial
        self._new_id = new_id
        self._deliveries = deliveries
        self._share = LocalPartShare() if share is None else share
        self._courier: Courier[tuple[int, str, dict[str, Any]]] = Courier(
            "event-sink", self._send_one, limit=QUEUE_LIMIT
        )
        # A reset starts a new generation (kept in the store, so every replica sees it): what was
        # queued or in flight before it is neither sent nor recorded.
        self._generation = 0

    @property
    def target(self) -> EventSinkTarget | None:
        with self._share.changing():
            return self._target

    def set(self, target: EventSinkTarget | None) -> None:
        with self._share.changing():
            self._target = target

    def reset(self) -> None:
        """The configured target again, no attempts recorded."""
        with self._share.changing():
            self._target = self._initial
            self._generation += 1
            self._deliveries.clear()

    def deliveries(self) -> list[SinkDelivery]:
        return [contracts.structure(item, SinkDelivery) for item in self._deliveries.items()]

    def on_detail(self, topic: str, body: Mapping[str, Any], at: int) -> None:
        """The detail events' listener: queue the event for the sender (never waits)."""
        target = self._target
        if target is None:
            return
        event = envelope(target, topic, body, at, self._new_id())
        if not self._courier.put((self._generation, target.url, event)):
            dropped = f"dropped: {QUEUE_LIMIT} events were waiting"
            self._record(self._generation, target.url, event, 1, None, dropped)

    def close(self) -> None:
        """Stop the sender after the attempt in flight and drop what waits (never blocks for long)."""
        self._courier.close()

    # As a part: ``{"target": EventSinkTarget's wire form or None, "generation": resets so far}``

    def dump(self) -> Any:
        target = None if self._target is None else contracts.unstructure(self._target)
        return {"target": target, "generation": self._generation}

    def load(self, data: Any) -> None:
        given = data["target"]
        self._target = None if given is None else contracts.structure(given, EventSinkTarget)
        self._generation = int(data.get("generation", 0))

    # Inside

    def _send_one(self, item: tuple[int, str, dict[str, Any]], stop: threading.Event) -> None:
        generation, url, event = item
        data = orjson.dumps(event)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            if stop.is_set() or not self._current(generation):
                return
            if self._send(generation, url, event, data, attempt):
                return
            if attempt < MAX_ATTEMPTS and stop.wait(PAUSES[attempt - 1]):
                return

    def _current(self, generation: int) -> bool:
        """Whether no reset came since ``generation`` (read under the part's lock: another replica may have reset)."""
        with self._share.changing():
            return generation == self._generation

    def _send(self, generation: int, url: str, event: dict[str, Any], data: bytes, attempt: int) -> bool:
        request = urllib.request.Request(
            url, data=data, method="POST", headers={"Content-Type": "application/json"}
        )
        status: int | None = None
        error: str | None = None
        try:
            with OPENER.open(request, timeout=TIMEOUT_SECONDS) as answer:
                status = answer.status
        except urllib.error.HTTPError as refused:
            status = refused.code
        except (
            OSError,
            ValueError,
            HTTPException,
        ) as failed:  # refused, reset, timed out, a URL it cannot open
            error = f"{type(failed).__name__}: {failed}"
        self._record(generation, url, event, attempt, status, error)
        return status is not None and 200 <= status < 300

    def _record(
        self,
        generation: int,
        url: str,
        event: dict[str, Any],
        attempt: int,
        status: int | None,
        error: str | None,
    ) -> None:
        recorded = contracts.unstructure(
            SinkDelivery(
                event_id=event["id"],
                detail_type=event["detail-type"],
                topic_name=event["detail"]["topicName"],
                url=url,
                attempt=attempt,
                status=status,
                error=error,
                delivered=status is not None and 200 <= status < 300,
                time=self._clock.now(),
            )
        )
        with self._share.changing():
            if generation == self._generation:  # else a reset came since (on any replica): it is forgotten
                self._deliveries.append(recorded)
