"""The store keeps bytes and a few facts, and answers as if it kept the conversations."""

from __future__ import annotations

import threading
import tracemalloc
from collections.abc import Callable

import attrs
import pytest
from flask import Flask
from flask.testing import FlaskClient

import contracts
from contracts import Call, Conversation, ConversationEntityListing, Participant
from factories import ConversationFactory
from mockserver import config
from mockserver.store import SCHEMES, is_shared, open_store
from mockserver.store.base import ConversationStore, Entry
from mockserver.store.errors import StoreError
from mockserver.store.memory import MemoryStore
from mockserver.web.current import backend_of
from mockserver.web.wire import listing_json
from tests.support import NOW


@pytest.fixture
def conversations() -> list[Conversation]:
    """Conversations as the factory builds them: every stage of a callback's life, three times."""
    factory = ConversationFactory(7, now=NOW)
    built: list[Conversation] = []
    for trait in ConversationFactory.traits * 3:
        conversation = factory.build(trait)
        assert isinstance(conversation, Conversation)  # not basic=True
        built.append(conversation)
    return built


def test_an_entry_gives_back_the_conversation_it_was_made_of(conversations: list[Conversation]) -> None:
    for conversation in conversations:
        entry = Entry.of(conversation)
        assert entry.conversation == conversation
        assert entry.id == conversation.id
        assert entry.body == contracts.dumps(conversation).encode()


def test_an_entry_knows_whether_its_conversation_is_active_and_which_campaigns_it_previews(
    conversations: list[Conversation],
) -> None:
    campaigns_seen = set()
    for conversation in conversations:
        entry = Entry.of(conversation)
        previewed = {
            cb.dialer_preview.campaign_id
            for p in conversation.participants or ()
            for cb in p.callbacks or ()
            if cb.dialer_preview is not None
        }
        assert entry.active == (conversation.end_time is None)
        assert set(entry.campaign_ids) == previewed - {None}
        campaigns_seen |= previewed
    assert campaigns_seen, "the dataset should hold preview callbacks"
    assert {Entry.of(c).active for c in conversations} == {True, False}


def test_an_entry_body_takes_about_its_length_in_memory(conversations: list[Conversation]) -> None:
    """orjson returns its working buffer (4-8x the text); the store keeps a right-sized copy."""
    conversation = conversations[0]
    tracemalloc.start()
    try:
        entry = Entry.of(conversation)
        held, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held < 1.5 * len(entry.body) + 1024


def test_put_entries_stores_the_entries_as_put_stores_their_conversations(
    conversations: list[Conversation], fresh: ConversationStore
) -> None:
    entries = [Entry.of(conversation) for conversation in conversations[:3]]
    fresh.put_entries(entries[:2])
    fresh.put([conversations[2]])
    fresh.put_entries([Entry.of(attrs.evolve(conversations[0], name="again"))])

    assert [entry.id for entry in fresh.entries()] == [entry.id for entry in entries]
    assert fresh.entries()[1:] == entries[1:]
    assert fresh.entries()[0].conversation.name == "again"


def test_reset_restores_the_seeded_entries(
    conversations: list[Conversation], fresh: ConversationStore
) -> None:
    store = fresh
    store.seed(conversations[:3])
    seeded = store.entries()
    store.put([attrs.evolve(conversations[0], name="changed"), conversations[3]])
    assert store.entries()[0].conversation.name == "changed"

    store.reset()

    assert store.entries() == seeded
    if isinstance(store, MemoryStore):  # the very objects: a reset of the memory store copies nothing
        assert all(a is b for a, b in zip(store.entries(), seeded, strict=True))


@pytest.mark.parametrize("query", ["", "?pageSize=4", "?pageSize=4&pageNumber=3", "?pageSize=100"])
def test_a_listing_is_the_same_json_as_encoding_its_conversations(client: FlaskClient, query: str) -> None:
    response = client.get(f"/api/v2/conversations{query}")

    listing = contracts.loads(response.data, ConversationEntityListing)
    assert listing.entities
    assert response.data == contracts.dumps(listing).encode()


def test_listing_json_splices_the_bodies_in_place_of_the_entities(conversations: list[Conversation]) -> None:
    listing = ConversationEntityListing(
        entities=tuple(conversations[:3]), page_size=3, page_number=1, total=3, self_uri="/x"
    )
    bodies = [contracts.dumps(c).encode() for c in conversations[:3]]

    spliced = listing_json(attrs.evolve(listing, entities=()), bodies)

    assert spliced == contracts.dumps(listing).encode()


def _filler(count: int, *, prefix: str = "filler") -> list[Conversation]:
    """Minimal active conversations: cheap to store in tens of thousands."""
    return [Conversation(id=f"{prefix}-{i}") for i in range(count)]


def _peak_bytes(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - before


@pytest.mark.parametrize("stored", [10, 30_000])
def test_a_put_allocates_what_it_changes_not_a_copy_of_the_store(
    conversations: list[Conversation], stored: int
) -> None:
    """The old put copied the dict: ~1.2 MB at 30,000 entries for a one-conversation write."""
    store = MemoryStore()
    store.seed(_filler(stored))
    changed = attrs.evolve(conversations[0])

    peak = _peak_bytes(lambda: store.put([changed]))

    assert peak < 8 * len(Entry.of(changed).body) + 16_384


@pytest.mark.parametrize(
    ("start", "stop", "calls", "expected"),
    [
        (0, 3, False, ["a-0", "a-1", "a-2"]),
        (1, 2, False, ["a-1"]),
        (999, None, False, ["a-999", "calling", "again"]),  # "again" ended, then came back
        (1_002, 1_025, False, []),
        (0, None, True, ["calling"]),
    ],
)
def test_the_active_listing_reads_its_page_in_the_order_conversations_became_active(
    start: int, stop: int | None, calls: bool, expected: list[str], fresh: ConversationStore
) -> None:
    store = fresh
    store.seed([Conversation(id="again"), *_filler(1_000, prefix="a")])
    calling = Conversation(id="calling", participants=(Participant(calls=(Call(id="call"),)),))
    store.put([attrs.evolve(calling, name="first"), Conversation(id="again", end_time=NOW)])
    store.put([calling])  # a replaced entry keeps its place
    store.put([Conversation(id="again")])

    total, page = store.active(start, stop, calls=calls)

    assert [entry.id for entry in page] == expected
    assert total == (1 if calls else 1_002)


@pytest.mark.parametrize("stored", [10, 30_000])
def test_a_listing_page_costs_the_page_not_the_store(app: Flask, client: FlaskClient, stored: int) -> None:
    """The old listing built a list of every active entry (~240 KB at 30,000) for one of them."""
    backend_of(app).store.put(_filler(stored))
    client.get("/api/v2/conversations?pageSize=1")  # warm: Flask's first request of a route

    peak = _peak_bytes(lambda: client.get("/api/v2/conversations?pageSize=1&pageNumber=2"))

    assert peak < 120_000


def test_a_reader_of_several_entries_sees_all_of_a_put_or_none(
    conversations: list[Conversation], fresh: ConversationStore
) -> None:
    """A writer keeps A's name and B's end in step (B ended on odd rounds); readers must never
    see them out of step, in the entries or the active listing."""
    active = next(c for c in conversations if Entry.of(c).active)
    ended = next(c for c in conversations if not Entry.of(c).active)
    store = fresh
    store.seed([*_filler(2_000), attrs.evolve(active, id="A", name="0"), attrs.evolve(active, id="B")])
    rounds = 3_000 if isinstance(store, MemoryStore) else 300  # a Redis put is a round trip
    done = threading.Event()
    torn: list[str] = []

    def write() -> None:
        for i in range(1, rounds):
            b = attrs.evolve(ended if i % 2 else active, id="B")
            store.put([attrs.evolve(active, id="A", name=str(i)), b])
        done.set()

    def read() -> None:
        while not done.is_set():
            by_id = {entry.id: entry for entry in store.entries()}
            if (int(by_id["A"].conversation.name or 0) % 2 == 1) == by_id["B"].active:
                torn.append("entries")
            total, page = store.active()
            ids = {entry.id for entry in page}
            names = [entry.conversation.name for entry in page if entry.id == "A"]
            if total != len(page) or (int(names[0] or 0) % 2 == 1) == ("B" in ids):
                torn.append("active")

    writer = threading.Thread(target=write)
    readers = [threading.Thread(target=read) for _ in range(2)]
    for thread in (*readers, writer):
        thread.start()
    for thread in (writer, *readers):
        thread.join()
    assert torn == []


def test_delete_removes_an_entry_and_its_place_among_the_active_ids(fresh: ConversationStore) -> None:
    store = fresh
    calling = Conversation(id="calling", participants=(Participant(calls=(Call(id="call"),)),))
    store.seed([Conversation(id="a"), calling, Conversation(id="b"), Conversation(id="ended", end_time=NOW)])

    assert store.delete("calling") is True
    assert store.delete("ended") is True
    assert store.delete("calling") is False

    assert store.get("calling") is None
    assert [entry.id for entry in store.entries()] == ["a", "b"]
    total, page = store.active()
    assert (total, [entry.id for entry in page]) == (2, ["a", "b"])
    assert store.active(calls=True) == (0, [])
    store.reset()
    assert [entry.id for entry in store.entries()] == ["a", "calling", "b", "ended"]
    assert store.active(calls=True)[0] == 1


def test_a_reader_sees_a_deleted_conversation_whole_or_not_at_all(fresh: ConversationStore) -> None:
    store = fresh
    store.seed(_filler(2_000))
    done = threading.Event()
    torn: list[str] = []

    def write() -> None:
        for i in range(2_000 if isinstance(store, MemoryStore) else 300):
            store.delete(f"filler-{i}")
            store.put([Conversation(id=f"filler-{i}")])
        done.set()

    def read() -> None:
        while not done.is_set():
            total, page = store.active()
            if total != len(page) or total < 1_999:
                torn.append("active")

    reader = threading.Thread(target=read)
    reader.start()
    write()
    reader.join()
    assert torn == []


@pytest.mark.parametrize(
    ("url", "shared"),
    [
        ("memory", False),
        (None, False),  # no STORE at all: this process's
        ("redis://127.0.0.1:6379/0", True),
        ("rediss://cache.example:6380/1", True),
        ("unix:///run/redis/redis.sock", True),
    ],
)
def test_one_table_knows_the_store_urls_and_which_stores_are_shared(url: str | None, shared: bool) -> None:
    if url is not None:
        assert config.parse("STORE", url) == url  # the settings take what the table knows
    assert is_shared(url) is shared  # what serve asks before it starts workers


@pytest.mark.parametrize(
    "url", ["memory://", "Memory", "http://127.0.0.1:6379/0", "redis:/127.0.0.1", "redis"]
)
def test_a_url_the_table_does_not_know_is_refused_by_the_settings_and_the_store(url: str) -> None:
    with pytest.raises(config.SettingError, match="memory, or a Redis URL"):
        config.parse("STORE", url)
    with pytest.raises(
        StoreError, match=f"a store URL begins with one of {', '.join(s.start for s in SCHEMES)}"
    ):
        open_store(url, prefix="unknown")
