"""A Redis prefix remembers what it was seeded with: a process of other settings, or of another store
layout (what a stored entry holds), refuses it and says why, rather than misreading its entries."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
import redis

from mockserver.state.assembly import Assembly
from mockserver.store import open_store
from mockserver.store.base import LAYOUT
from mockserver.store.errors import StoreError
from tests.support.redis import forget, fresh_prefix

SETTINGS: dict[str, Any] = {"seed": 3, "conversations": 2, "now": None}


def _assembly(url: str, prefix: str) -> Assembly:
    """A server's state on the prefix, with ``SETTINGS``."""
    store = open_store(url, prefix=prefix)
    return Assembly(store=store, seed=SETTINGS["seed"], conversations=SETTINGS["conversations"])


@pytest.mark.parametrize(
    ("seeded_with", "named"),
    [
        ({**SETTINGS, "layout": LAYOUT - 1}, f'"layout":{LAYOUT - 1}'),
        (dict(SETTINGS), '"now":null}'),  # seeded before the layout was part of it
        ({**SETTINGS, "seed": 4, "layout": LAYOUT}, '"seed":4'),
    ],
    ids=["an-older-layout", "no-layout", "another-seed"],
)
def test_a_prefix_seeded_otherwise_is_refused_naming_what_it_holds(
    redis_url: str, seeded_with: dict[str, Any], named: str
) -> None:
    prefix = fresh_prefix()
    try:
        client = redis.Redis.from_url(redis_url)
        client.set(f"{prefix}:seeded", orjson.dumps(seeded_with))
        client.close()
        with pytest.raises(StoreError) as refused:
            _assembly(redis_url, prefix)
        assert named in str(refused.value)
        assert "use another --store-prefix" in str(refused.value)
    finally:
        forget(redis_url, prefix)


def test_a_prefix_seeded_alike_is_joined(redis_url: str) -> None:
    prefix = fresh_prefix()
    try:
        first = _assembly(redis_url, prefix)
        second = _assembly(redis_url, prefix)  # the same settings and layout: it joins, seeding nothing
        assert sorted(e.id for e in second.store.entries()) == sorted(e.id for e in first.store.entries())
        assert len(first.store.entries()) == SETTINGS["conversations"]
        first.store.close()
        second.store.close()
    finally:
        forget(redis_url, prefix)
