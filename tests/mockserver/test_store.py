"""The store keeps bytes and a few facts, and answers as if it kept the conversations."""

from __future__ import annotations

import tracemalloc

import attrs
import pytest
from flask.testing import FlaskClient

import contracts
from contracts import Conversation, ConversationEntityListing
from factories import ConversationFactory
from mockserver.store import Entry, MemoryStore
from mockserver.wire import listing_json
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


def test_reset_restores_the_seeded_entries_themselves(conversations: list[Conversation]) -> None:
    store = MemoryStore()
    store.seed(conversations[:3])
    seeded = store.entries()
    store.put([attrs.evolve(conversations[0], name="changed"), conversations[3]])
    assert store.entries()[0].conversation.name == "changed"

    store.reset()

    assert store.entries() == seeded
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
