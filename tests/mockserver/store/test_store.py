"""The store keeps bytes and a few facts, and answers as if it kept the conversations."""

from __future__ import annotations

import threading
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import TypeVar

import attrs
import pytest
from flask import Flask
from flask.testing import FlaskClient

import contracts
from contracts import (
    Call,
    Conversation,
    ConversationEntityListing,
    Participant,
    RoutingStatus,
    RoutingStatusType,
)
from factories import ConversationFactory
from mockserver import config
from mockserver.control.models import Lifecycle, LifecycleMode
from mockserver.state import lifecycle
from mockserver.state.clock import Clock
from mockserver.state.detail_events import DetailEvents
from mockserver.state.detail_publishing import DetailPublisher
from mockserver.state.identity import (
    ADMIN_ROLE,
    AGENT_ROLE,
    CLIENT,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    USER,
    Account,
    Identity,
    IdentityError,
    Principal,
    TokenExpiredError,
    derived_user_id,
)
from mockserver.state.routing import Routing, RoutingError, seeded_queue
from mockserver.state.triggers import Triggers
from mockserver.state.workflows import Execution, ExecutionStatus, Workflow
from mockserver.store import SCHEMES, is_shared, open_store
from mockserver.store.base import ConversationStore, Entry, PartShare, SharedPart
from mockserver.store.errors import StoreError
from mockserver.store.memory import MemoryStore
from mockserver.web.current import backend_of
from mockserver.web.wire import listing_json
from tests.support import NOW
from tests.support.control import AdminRoutes, control_path


@pytest.fixture
def other_store(store: str, fresh: ConversationStore) -> Iterator[ConversationStore]:
    """``fresh`` as a second process on it sees it: the same store in memory, a second connection on Redis."""
    if isinstance(fresh, MemoryStore):
        yield fresh
        return
    other = open_store(store, prefix=fresh.keys.prefix)  # type: ignore[attr-defined]
    try:
        yield other
    finally:
        other.close()


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


def _as_agent(app: Flask) -> tuple[str, FlaskClient]:
    """The org's first agent's id, and a test client sending a token issued to it."""
    identity = backend_of(app).identity
    agent_id = backend_of(app).factory.org.agents[0][0]
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {identity.issue(USER, agent_id).token}"
    return agent_id, client


@pytest.mark.parametrize("query", ["", "pageSize=4", "pageSize=4&pageNumber=3", "pageSize=100"])
@pytest.mark.parametrize("caller", ["agent", "control"])
def test_a_listing_is_the_same_json_as_encoding_its_conversations(
    app: Flask, client: FlaskClient, conversations: list[Conversation], caller: str, query: str
) -> None:
    agent_id, agent = _as_agent(app)
    backend_of(app).store.put(
        attrs.evolve(c, id=f"mine-{i}", participants=(*(c.participants or ()), Participant(user_id=agent_id)))
        for i, c in enumerate(conversations)
    )
    if caller == "agent":
        response = agent.get(f"/api/v2/conversations?{query}")
    else:
        response = client.get(control_path(AdminRoutes.CONVERSATIONS, query))

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
    client.get(
        control_path(AdminRoutes.CONVERSATIONS, "pageSize=1")
    )  # warm: Flask's first request of a route

    peak = _peak_bytes(lambda: client.get(control_path(AdminRoutes.CONVERSATIONS, "pageSize=1&pageNumber=2")))

    assert peak < 120_000


def _of(*user_ids: str, name: str | None = None, calls: bool = False, ended: bool = False) -> Conversation:
    """A conversation with a participant for each user id (the first holding a call, if ``calls``)."""
    participants = tuple(
        Participant(
            id=f"p-{user_id}", user_id=user_id, calls=(Call(id="call"),) if calls and i == 0 else None
        )
        for i, user_id in enumerate(user_ids)
    )
    return Conversation(name=name, participants=participants, end_time=NOW if ended else None)


def _ids(listed: tuple[int, list[Entry]]) -> tuple[int, list[str]]:
    return listed[0], [entry.id for entry in listed[1]]


def test_each_user_lists_its_active_conversations_in_the_order_they_became_active(
    fresh: ConversationStore,
) -> None:
    store = fresh
    store.seed(
        [
            attrs.evolve(_of("u1"), id="a"),
            attrs.evolve(_of("u2"), id="b"),
            attrs.evolve(_of("u1", "u2", calls=True), id="both"),
            attrs.evolve(_of("u1", ended=True), id="ended"),
            attrs.evolve(_of(), id="nobody"),
            *(attrs.evolve(_of("u1"), id=f"u1-{i}") for i in range(5)),
        ]
    )

    assert _ids(store.active(user_id="u1")) == (7, ["a", "both", *(f"u1-{i}" for i in range(5))])
    assert _ids(store.active(user_id="u2")) == (2, ["b", "both"])
    assert _ids(store.active(2, 4, user_id="u1")) == (7, ["u1-0", "u1-1"])
    assert _ids(store.active(6, 6, user_id="u1")) == (7, [])
    assert _ids(store.active(user_id="u1", calls=True)) == (1, ["both"])
    assert _ids(store.active(user_id="u2", calls=True)) == (1, ["both"])
    assert _ids(store.active(user_id="nobody")) == (0, [])
    assert store.active()[0] == 9  # every user's, and no one's


def test_a_users_index_follows_its_conversations_puts_ends_and_deletes_and_a_reset_restores_it(
    fresh: ConversationStore,
) -> None:
    store = fresh
    store.seed([attrs.evolve(_of("u1"), id="a"), attrs.evolve(_of("u1", "u2"), id="b")])

    store.put([attrs.evolve(_of("u2", name="moved"), id="a")])  # u1 leaves it, u2 joins it
    assert _ids(store.active(user_id="u1")) == (1, ["b"])
    assert _ids(store.active(user_id="u2")) == (2, ["a", "b"])  # the order they became active
    assert store.active(user_id="u2")[1][0].conversation.name == "moved"
    store.put([attrs.evolve(_of("u1", "u2", ended=True), id="b"), attrs.evolve(_of("u3"), id="c")])
    assert _ids(store.active(user_id="u1")) == (0, [])
    assert _ids(store.active(user_id="u2")) == (1, ["a"])
    assert store.delete("c") is True
    assert _ids(store.active(user_id="u3")) == (0, [])
    store.put([attrs.evolve(_of("u1"), id="b")])  # back from the end: last, as in the active listing
    assert _ids(store.active(user_id="u1")) == (1, ["b"])
    assert _ids(store.active()) == (2, ["a", "b"])

    store.reset()

    assert _ids(store.active(user_id="u1")) == (2, ["a", "b"])
    assert _ids(store.active(user_id="u2")) == (1, ["b"])
    assert _ids(store.active(user_id="u3")) == (0, [])
    assert store.get("a") == Entry.of(attrs.evolve(_of("u1"), id="a"))
    assert store.get("a").user_ids == ("u1",)  # type: ignore[union-attr]


@pytest.mark.parametrize("stored", [10, 30_000])
def test_a_users_listing_page_costs_the_page_not_the_store(app: Flask, stored: int) -> None:
    """Every filler is the agent's: a page read by filtering would cost the store, as the old listing did."""
    agent_id, client = _as_agent(app)
    backend_of(app).store.put([attrs.evolve(_of(agent_id), id=f"mine-{i}") for i in range(stored)])
    client.get("/api/v2/conversations?pageSize=1")  # warm: Flask's first request of a route

    peak = _peak_bytes(lambda: client.get("/api/v2/conversations?pageSize=1&pageNumber=2"))

    listing = client.get("/api/v2/conversations?pageSize=1&pageNumber=2").get_json()
    assert listing["total"] >= stored
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


def test_the_store_indexes_the_callbacks_waiting_for_an_agent_by_when_the_lifecycle_offers_them(
    fresh: ConversationStore, conversations: list[Conversation]
) -> None:
    settings = Lifecycle(mode=LifecycleMode.AUTO, offer_delay_seconds=0)
    factory = ConversationFactory(7, now=NOW)
    scheduled = next(c for c in conversations if lifecycle.next_step(c, settings).kind == "fire")  # type: ignore[union-attr]
    fired = attrs.evolve(lifecycle.apply(scheduled, "fire", NOW, settings, factory), id="fired")
    stored = [*conversations, fired]
    with fresh.transaction():
        fresh.seed(stored)
    # With no offer delay, an offer is due when its callback began to wait.
    offers = {
        c.id: step.due for c in stored if (step := lifecycle.next_step(c, settings)) and step.kind == "offer"
    }
    assert "fired" in offers
    assert 0 < len(offers) < len(stored)

    def waiting(until: int) -> list[str]:
        return [key for _, key in sorted((due, key) for key, due in offers.items() if due <= until)]  # type: ignore[misc]

    times = sorted(set(offers.values()))
    for until in (times[0] - 1, times[0], times[len(times) // 2], times[-1], times[-1] + 1):
        assert [entry.id for entry in fresh.queued(until)] == waiting(until)
    assert all(entry.queued_at == offers[entry.id] for entry in fresh.queued(times[-1]))

    everyone = times[-1]
    first, *rest = waiting(everyone)
    answered = next(c for c in stored if c.id not in offers and lifecycle.legs_of(c) is not None)
    with fresh.transaction():
        fresh.put([attrs.evolve(answered, id="fired")])  # no longer waiting
        fresh.delete(first)
    assert [entry.id for entry in fresh.queued(everyone)] == [key for key in rest if key != "fired"]

    with fresh.transaction():
        fresh.reset()
    assert [entry.id for entry in fresh.queued(everyone)] == waiting(everyone)


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


_Part = TypeVar("_Part", bound=SharedPart)


def _part(store: ConversationStore, name: str, make: Callable[[PartShare], _Part]) -> _Part:
    """A server's part ``name`` on ``store``, made with its share and held by it; the first process to
    start on the store seeds it, as the assembly does."""
    share = store.part_share(name)
    made = make(share)
    share.holds(made)
    with store.seeding(name) as first:
        if first:
            share.touch()
    return made


def _routing(store: ConversationStore, clock: list[datetime]) -> Routing:
    """The routing state of a server on ``store``, over two queues of three users, seeded by the first."""
    users = [("u-1", "Ann"), ("u-2", "Bob"), ("u-3", "Cy")]
    queues = [seeded_queue(f"q-{n}", f"Queue {n}", 20, False) for n in (1, 2)]
    return _part(store, "routing", lambda share: Routing(users, queues, clock=lambda: clock[0], share=share))


def test_the_routing_state_is_one_across_processes_and_a_reset_returns_to_the_seeded(
    fresh: ConversationStore, other_store: ConversationStore
) -> None:
    clock = [NOW]
    first = _routing(fresh, clock)
    second = first if other_store is fresh else _routing(other_store, clock)
    seeded = ([q.name for q in first.queues()], [m.routing_status for m in first.members("q-1")])

    clock[0] = NOW + timedelta(seconds=5)
    with fresh.transaction():
        first.set_status("u-1", RoutingStatusType.OFF_QUEUE)
        first.remove_members("q-2", ["u-2", "u-3"])
        first.put_queue(seeded_queue("q-9", "Added", 45, True), ["u-3"])
    other_store.sync()

    assert second.status("u-1") == RoutingStatus(
        user_id="u-1", status=RoutingStatusType.OFF_QUEUE, start_time=NOW + timedelta(seconds=5)
    )
    assert second.member_ids("q-2") == ("u-1",)
    added = second.queue("q-9")
    assert added is not None
    assert (added.name, added.member_count, added.date_created) == ("Added", 1, clock[0])
    assert [q.name for q in second.queues()] == ["Added", "Queue 1", "Queue 2"]

    with other_store.transaction():
        second.reset()
    fresh.sync()

    assert ([q.name for q in first.queues()], [m.routing_status for m in first.members("q-1")]) == seeded
    assert first.member_ids("q-2") == ("u-1", "u-2", "u-3")
    assert first.queue("q-9") is None


def test_the_routing_state_refuses_a_queue_or_user_it_does_not_hold(fresh: ConversationStore) -> None:
    routing = _routing(fresh, [NOW])

    with pytest.raises(RoutingError) as queue:
        routing.add_members("q-unknown", ["u-1"])
    with pytest.raises(RoutingError) as user:
        routing.add_members("q-1", ["u-1", "u-unknown"])

    assert (queue.value.kind, queue.value.id) == ("queue", "q-unknown")
    assert (user.value.kind, user.value.id) == ("user", "u-unknown")
    assert routing.member_ids("q-1") == ("u-1", "u-2", "u-3")  # nothing added


def test_a_tag_is_kept_with_its_conversation_across_processes(
    fresh: ConversationStore, other_store: ConversationStore, conversations: list[Conversation]
) -> None:
    # The tags PUT .../tags sets live in the conversation's body: one piece of state in both stores.
    tagged = attrs.evolve(conversations[0], external_tag="negative-sentiment")
    with fresh.transaction():
        fresh.put([tagged])
    entry = other_store.get(tagged.id or "")
    assert entry is not None
    assert entry.conversation.external_tag == "negative-sentiment"
    assert b'"externalTag":"negative-sentiment"' in entry.body


def _identity(store: ConversationStore, clock: list[int]) -> Identity:
    """The identities of a server on ``store``, with two agents, seeded by the first."""
    agents = [("u-1", "Ann"), ("u-2", "Bob")]
    return _part(store, "identity", lambda share: Identity(agents, clock_ms=lambda: clock[0], share=share))


def test_users_clients_roles_and_tokens_are_one_across_processes_and_a_reset_returns_to_the_seeded(
    fresh: ConversationStore, other_store: ConversationStore
) -> None:
    clock = [1_000_000]
    first = _identity(fresh, clock)
    second = first if other_store is fresh else _identity(other_store, clock)
    with fresh.transaction():
        first.put_role("viewer", ["conversation:communication:view"])
        first.put_user("u-9", Account("Added", ("viewer",), ("routing:queue:view",)))
        first.put_client("c-9", Account("Reporting", ("viewer",), secret="s3cret", token_seconds=60))
        issued = first.client_credentials("c-9", "s3cret")
    other_store.sync()

    assert issued is not None
    assert second.principal(issued.token) == Principal(
        "c-9", "Reporting", CLIENT, frozenset({"conversation:communication:view"})
    )
    assert second.principal("agent:u-9").permissions == {
        "conversation:communication:view",
        "routing:queue:view",
    }
    assert second.principal("agent:1").id == "u-2"
    clock[0] += 60_000  # the client's tokens live 60 seconds
    with pytest.raises(TokenExpiredError):
        second.principal(issued.token)

    with other_store.transaction():
        second.reset()
    fresh.sync()

    assert "viewer" not in first.roles()
    assert [user_id for user_id, _ in first.users()] == ["u-1", "u-2", first.supervisor_id]
    assert first.principal(issued.token).id == derived_user_id(issued.token)  # no longer issued


def test_a_principal_is_found_once_per_token_until_any_process_changes_the_identities(
    fresh: ConversationStore, other_store: ConversationStore
) -> None:
    clock = [1_000_000]
    first = _identity(fresh, clock)
    second = first if other_store is fresh else _identity(other_store, clock)
    with fresh.transaction():
        issued = first.issue(USER, "u-1", seconds=60)
    other_store.sync()
    kept = {token: second.principal(token) for token in ("own-token", "agent:0", issued.token)}
    # Found once: the same principal again, its answers to permission checks kept with it.
    assert all(second.principal(token) is principal for token, principal in kept.items())
    assert kept["own-token"].holds("conversation:communication:view")  # the admin role's *:*:*

    with fresh.transaction():
        first.put_role(ADMIN_ROLE, ["routing:queue:view"])  # a token of its own acts with it
        first.put_role(AGENT_ROLE, ["conversation:callback:create"])
    other_store.sync()

    assert second.principal("own-token").permissions == {"routing:queue:view"}
    assert second.principal("agent:0").permissions == {"conversation:callback:create"}
    assert second.principal(issued.token).permissions == {"conversation:callback:create"}
    assert not second.principal("own-token").holds("conversation:communication:view")
    clock[0] += 60_000  # a kept principal still expires with its token
    with pytest.raises(TokenExpiredError):
        second.principal(issued.token)


def test_identities_refuse_a_role_they_do_not_hold_and_wrong_client_secrets(fresh: ConversationStore) -> None:
    identity = _identity(fresh, [0])

    with pytest.raises(IdentityError) as role:
        identity.put_user("u-9", Account("Added", ("no-such-role",)))

    assert (role.value.kind, role.value.id) == ("role", "no-such-role")
    assert identity.client_credentials(DEFAULT_CLIENT_ID, "wrong") is None
    assert identity.client_credentials("no-such-client", DEFAULT_CLIENT_SECRET) is None
    assert identity.client_credentials(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET) is not None


def _publisher(store: ConversationStore, clock: Clock) -> tuple[DetailPublisher, list[str]]:
    """A server's detail publisher on ``store`` and the topics it published, seeded by the first."""
    heard: list[str] = []
    events = DetailEvents()
    events.listen(lambda topic, body, at: heard.append(topic))
    return _part(store, "detail-events", lambda share: DetailPublisher(clock, events, share=share)), heard


def test_each_detail_event_is_published_once_across_processes_and_a_reset_forgets_them(
    fresh: ConversationStore, other_store: ConversationStore, conversations: list[Conversation]
) -> None:
    # Before every conversation's life: each event it implies happened while the servers listened.
    clock = Clock(NOW - timedelta(days=2), frozen=True)
    first, first_heard = _publisher(fresh, clock)
    second, second_heard = (first, first_heard) if other_store is fresh else _publisher(other_store, clock)
    ended = next(c for c in conversations if c.end_time is not None)
    first.on_change(ended, None)
    published = list(first_heard)
    second.on_change(ended, None)  # what the other published is not published again
    customer = next(p for p in ended.participants or () if p.purpose == "customer")
    relabelled = attrs.evolve(
        ended,
        participants=tuple(
            attrs.evolve(p, attributes={"tier": "gold"}) if p is customer else p
            for p in ended.participants or ()
        ),
    )
    second.on_change(relabelled, None)

    kinds = {topic.split(f"{ended.id}.", 1)[1] for topic in published}
    assert kinds >= {"customer.start", "customer.end", "acd.start", "acd.end"}
    assert (first_heard + second_heard if other_store is not fresh else first_heard) == [
        *published,
        f"v2.detail.events.conversation.{ended.id}.attributes",
    ]

    second.reset()
    other_store.sync()
    fresh.sync()
    first.on_change(ended, None)

    assert first_heard[-len(published) :] == published  # forgotten: published again


def _triggers(store: ConversationStore) -> Triggers:
    """The process-automation state of a server on ``store`` (empty when seeded)."""
    return _part(store, "triggers", lambda share: Triggers(share=share))


def test_triggers_workflows_and_executions_are_one_across_processes_and_a_reset_empties_them(
    fresh: ConversationStore, other_store: ConversationStore
) -> None:
    first = _triggers(fresh)
    second = first if other_store is fresh else _triggers(other_store)
    trigger = contracts.Trigger(
        id="t-1",
        name="Prioritize",
        topic_name="v2.detail.events.conversation.{id}.acd.start",
        target=contracts.TriggerTarget(type=contracts.TriggerTargetType.WORKFLOW, id="wf-1"),
        enabled=True,
        version=1,
        match_criteria=(
            contracts.MatchCriteria(
                json_path="mediaType", operator=contracts.MatchOperator.EQUAL, value="CALLBACK"
            ),
        ),
    )
    with fresh.transaction():
        first.put_trigger(trigger)
        first.put_workflow("wf-1", Workflow(url="http://127.0.0.1:9/hook", timeout_seconds=1.0))
        with first.changing():
            execution = Execution(
                id=first.new_execution_id(),
                trigger_id="t-1",
                workflow_id="wf-1",
                topic_name="v2.detail.events.conversation.c-1.acd.start",
                fired_at=NOW,
                due_at=NOW,
                status=ExecutionStatus.STARTED,
                input={"mediaType": "CALLBACK"},
            )
            first.put_execution(execution)
    other_store.sync()

    assert second.trigger("t-1") == trigger
    assert second.workflow("wf-1") == Workflow(url="http://127.0.0.1:9/hook", timeout_seconds=1.0)
    assert second.executions() == [execution]
    # the other process matches with what it loaded, and numbers its executions after the first's
    (armed,) = second.armed("v2.detail.events.conversation.c-2.acd.start", {"mediaType": "CALLBACK"})
    assert armed.check({"mediaType": "CALLBACK"})
    assert not armed.check({"mediaType": "VOICE"})
    with other_store.transaction(), second.changing():
        assert second.new_execution_id() > execution.id
    fresh.sync()

    with other_store.transaction():
        second.reset()
    fresh.sync()

    assert (first.triggers(), first.workflows(), first.executions()) == ([], [], [])
    assert list(first.armed("v2.detail.events.conversation.c-2.acd.start", {"mediaType": "CALLBACK"})) == []
