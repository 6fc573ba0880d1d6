"""The strict decoder's first use, from many threads at once: each thread gets the right answer.

The fast converter generates a function per class the first time it meets the class; threads
meeting it together must neither see each other's half-built work nor fail over to the detailed
converter. A fresh converter per round, so every round is a first use.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

import contracts
from contracts import Conversation
from contracts._converter import converter
from factories import ConversationFactory

THREADS = 16


@pytest.fixture(scope="module")
def payload() -> dict[str, Any]:
    return contracts.unstructure(ConversationFactory(3).build("connected"))


@pytest.mark.parametrize("round_", range(20))
def test_first_use_of_a_fresh_converter_from_16_threads(payload: dict[str, Any], round_: int) -> None:
    fresh = converter.__wrapped__(strict=True, detailed=False)  # not the cached one: a first use
    barrier = threading.Barrier(THREADS)
    results: list[Any] = [None] * THREADS

    def decode(index: int) -> None:
        barrier.wait()
        try:
            results[index] = fresh.get_structure_hook(Conversation)(payload, Conversation)
        except BaseException as error:  # noqa: BLE001 - the test reports every thread's outcome
            results[index] = error

    threads = [threading.Thread(target=decode, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = contracts.structure(payload, Conversation)
    assert [type(r).__name__ for r in results if not isinstance(r, Conversation)] == []
    assert all(r == expected for r in results)
