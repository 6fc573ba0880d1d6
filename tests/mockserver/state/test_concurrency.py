"""Many clients at once: the store ends up holding exactly what the responses said."""

from __future__ import annotations

import random
import threading

import pytest

from contracts import CallbackState, Conversation, loads
from mockserver.testing.server import MockServer
from tests.support.live import call
from tests.support.seeded import QUEUE_ID

THREADS = 16
OPERATIONS = 200


# The quick suite's 50 operations a thread; the slow stage's 200 (19 s over both stores).
@pytest.mark.parametrize("operations", [50, pytest.param(OPERATIONS, marks=pytest.mark.slow)])
def test_mixed_creates_patches_and_disconnects_lose_nothing(
    callback_mock_server: MockServer, operations: int
) -> None:
    base = callback_mock_server.url
    seeded = {entry.conversation.id for entry in callback_mock_server.backend.store.entries()}
    expected_numbers: dict[str, str] = {}  # conversation id -> the numbers of its last accepted patch
    disconnected: set[tuple[str, str]] = set()
    failures: list[str] = []
    lock = threading.Lock()

    def client(worker: int) -> None:
        rng = random.Random(worker)
        mine: list[tuple[str, str]] = []  # (conversation id, customer callback id), still scheduled
        for step in range(operations):
            kind = step % 4 if mine else 0
            if kind in (0, 3):
                number = f"+1317555{worker:02d}{step:02d}"[:12]
                answer = call(
                    base,
                    "POST",
                    "/api/v2/conversations/callbacks",
                    {"callbackNumbers": [number], "queueId": QUEUE_ID},
                )
                if answer.status != 200:
                    failures.append(f"create: {answer.status} {answer.body!r}")
                    continue
                body = answer.json()
                customer = next(i["id"] for i in body["callbackIdentifiers"] if i["type"] == "EXTERNAL")
                mine.append((body["conversation"]["id"], customer))
                with lock:
                    expected_numbers[body["conversation"]["id"]] = number
            elif kind == 1:
                conversation_id, _ = rng.choice(mine)
                number = f"+1415555{worker:02d}{step:02d}"[:12]
                answer = call(
                    base,
                    "PATCH",
                    "/api/v2/conversations/callbacks",
                    {"conversationId": conversation_id, "callbackNumbers": [number]},
                )
                if answer.status != 200:
                    failures.append(f"patch: {answer.status} {answer.body!r}")
                    continue
                with lock:
                    expected_numbers[conversation_id] = number
            else:
                target = mine.pop(rng.randrange(len(mine)))
                identifiers = [{"conversationId": target[0], "callbackId": target[1]}]
                answer = call(
                    base,
                    "POST",
                    "/api/v2/conversations/callbacks/bulk/disconnect",
                    {"callbackDisconnectIdentifiers": identifiers},
                )
                if answer.status != 202:
                    failures.append(f"disconnect: {answer.status} {answer.body!r}")
                    continue
                with lock:
                    disconnected.add(target)

    threads = [threading.Thread(target=client, args=(worker,)) for worker in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    stored = {entry.conversation.id: entry for entry in callback_mock_server.backend.store.entries()}
    created = set(stored) - seeded
    assert created == set(expected_numbers)
    assert len(stored) == len(seeded) + len(expected_numbers)
    disconnected_ids = {conversation_id for conversation_id, _ in disconnected}
    for conversation_id, number in expected_numbers.items():
        conversation = loads(stored[conversation_id].body, Conversation)  # the served bytes agree too
        customer = next(
            p.callbacks[0] for p in conversation.participants or () if p.purpose == "customer" and p.callbacks
        )
        assert customer.callback_numbers == (number,)
        state = CallbackState.DISCONNECTED if conversation_id in disconnected_ids else CallbackState.SCHEDULED
        assert customer.state is state
