"""``mockserver.state.projections``: the callback-only view of a conversation, against the contract and the SDK."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from types import ModuleType
from typing import Any

import attrs
import pytest

import contracts
from contracts import (
    CallbackConversation,
    CallbackConversationEntityListing,
    CallbackState,
    Conversation,
    DisconnectType,
    MediaParticipantDisconnectType,
    MediaParticipantState,
)
from factories import ConversationFactory
from mockserver.state.projections import (
    DISCONNECT_TYPES,
    STATES,
    callback_conversation,
    callback_conversation_listing,
)

NOW = datetime(2030, 1, 15, 12, 0, tzinfo=timezone.utc)
SEEDS = (1, 2, 3)
CASES = [
    pytest.param(trait, seed, id=f"{trait}-{seed}") for trait in ConversationFactory.traits for seed in SEEDS
]

# The decisions of the module docstring, written out: a new member of either source enum has no
# row here and fails its case below until someone decides its mapping.
EXPECTED_STATES = {
    CallbackState.ALERTING: MediaParticipantState.ALERTING,
    CallbackState.DIALING: MediaParticipantState.DIALING,
    CallbackState.CONTACTING: MediaParticipantState.CONTACTING,
    CallbackState.OFFERING: MediaParticipantState.OFFERING,
    CallbackState.CONNECTED: MediaParticipantState.CONNECTED,
    CallbackState.DISCONNECTED: MediaParticipantState.DISCONNECTED,
    CallbackState.TERMINATED: MediaParticipantState.TERMINATED,
    CallbackState.SCHEDULED: MediaParticipantState.NONE,  # no "scheduled" in the media enum
    CallbackState.NONE: MediaParticipantState.NONE,
}
EXPECTED_DISCONNECT_TYPES = {
    DisconnectType.ENDPOINT: MediaParticipantDisconnectType.ENDPOINT,
    DisconnectType.CLIENT: MediaParticipantDisconnectType.CLIENT,
    DisconnectType.SYSTEM: MediaParticipantDisconnectType.SYSTEM,
    DisconnectType.TIMEOUT: MediaParticipantDisconnectType.SYSTEM,  # as the API reports a timed-out offer
    DisconnectType.TRANSFER: MediaParticipantDisconnectType.TRANSFER,
    DisconnectType.TRANSFER_CONFERENCE: MediaParticipantDisconnectType.TRANSFER_CONFERENCE,
    DisconnectType.TRANSFER_CONSULT: MediaParticipantDisconnectType.TRANSFER_CONSULT,
    DisconnectType.TRANSFER_FORWARD: MediaParticipantDisconnectType.TRANSFER_FORWARD,
    DisconnectType.TRANSFER_NOANSWER: MediaParticipantDisconnectType.TRANSFER_NOANSWER,
    DisconnectType.TRANSFER_NOTAVAILABLE: MediaParticipantDisconnectType.TRANSFER_NOTAVAILABLE,
    DisconnectType.TRANSPORT_FAILURE: MediaParticipantDisconnectType.TRANSPORT_FAILURE,
    DisconnectType.ERROR: MediaParticipantDisconnectType.ERROR,
    DisconnectType.PEER: MediaParticipantDisconnectType.PEER,
    DisconnectType.OTHER: MediaParticipantDisconnectType.OTHER,
    DisconnectType.SPAM: MediaParticipantDisconnectType.SPAM,
    DisconnectType.UNCALLABLE: MediaParticipantDisconnectType.OTHER,  # no media value says "uncallable"
}


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The official Python SDK, imported under an empty home so no user config is read."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
        sdk: ModuleType = pytest.importorskip("PureCloudPlatformClientV2")
    sdk.Configuration().live_reload_config = False
    return sdk


class Response:
    """What ``ApiClient.deserialize`` reads: a body in ``data`` and a content type."""

    def __init__(self, data: str) -> None:
        self.data = data

    def getheader(self, name: str, default: str | None = None) -> str | None:
        return "application/json" if name.lower() == "content-type" else default


def build(trait: str, seed: int) -> Conversation:
    conversation = ConversationFactory(seed, now=NOW).build(trait)
    assert isinstance(conversation, Conversation)
    return conversation


def strings(value: Any) -> Iterator[str]:
    """Every string in a JSON-like tree."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def sdk_reads(sdk: ModuleType, obj: Any, model: type) -> Any:
    """What the SDK's own client makes of ``obj``'s wire JSON, serialized back to a dict."""
    client = sdk.ApiClient()
    read = client.deserialize(Response(contracts.dumps(obj)), model.__name__)
    assert type(read).__name__ == model.__name__
    return client.sanitize_for_serialization(read)


@pytest.mark.parametrize(("trait", "seed"), CASES)
def test_the_projection_round_trips_through_the_strict_contract(trait: str, seed: int) -> None:
    projection = callback_conversation(build(trait, seed))

    assert contracts.loads(contracts.dumps(projection), CallbackConversation) == projection


@pytest.mark.parametrize(("trait", "seed"), CASES)
def test_the_sdk_reads_the_projection_with_nothing_lost(sdk: ModuleType, trait: str, seed: int) -> None:
    projection = callback_conversation(build(trait, seed))

    read = sdk_reads(sdk, projection, CallbackConversation)

    assert "outdated_sdk_version" not in set(strings(read))
    # The SDK writes isoformat() timestamps, so the dicts are compared as the strict contract reads
    # them: an unknown key fails to structure, a key the SDK dropped comes back None and differs.
    assert contracts.structure(read, CallbackConversation) == projection
    assert read.keys() == contracts.unstructure(projection).keys()


@pytest.mark.parametrize(("trait", "seed"), CASES)
def test_each_callback_leg_keeps_its_participant_id_peer_and_moments(trait: str, seed: int) -> None:
    source = build(trait, seed)
    legs = [(p, p.callbacks[0]) for p in source.participants or () if p.callbacks]

    projection = callback_conversation(source)

    media = projection.participants or ()
    assert [m.id for m in media] == [p.id for p, _ in legs]
    assert not {m.id for m in media} & {cb.id for _, cb in legs}
    for m, (p, cb) in zip(media, legs, strict=True):
        assert m.peer == cb.peer_id
        assert (m.start_time, m.start_acw_time, m.end_acw_time) == (
            p.start_time,
            p.start_acw_time,
            p.end_acw_time,
        )
        assert (m.start_alerting_time, m.start_hold_time, m.callback_scheduled_time) == (
            cb.start_alerting_time,
            cb.start_hold_time,
            cb.callback_scheduled_time,
        )
        # Taken from the callback; the factory's participant agrees on both.
        assert (m.connected_time, m.end_time) == (cb.connected_time, cb.disconnected_time)
        assert (m.connected_time, m.end_time) == (p.connected_time, p.end_time)


@pytest.mark.parametrize(("trait", "seed"), CASES)
def test_each_leg_carries_its_callback_and_references(trait: str, seed: int) -> None:
    source = build(trait, seed)
    legs = [(p, p.callbacks[0]) for p in source.participants or () if p.callbacks]

    media = callback_conversation(source).participants or ()

    for m, (p, cb) in zip(media, legs, strict=True):
        assert (m.name, m.address, m.purpose, m.attributes) == (p.name, p.address, p.purpose, p.attributes)
        assert m.state == (None if cb.state is None else EXPECTED_STATES[cb.state])
        assert m.disconnect_type == (
            None if cb.disconnect_type is None else EXPECTED_DISCONNECT_TYPES[cb.disconnect_type]
        )
        assert (m.direction, m.held, m.provider, m.voicemail, m.outbound_preview) == (
            cb.direction,
            cb.held,
            cb.provider,
            cb.voicemail,
            cb.dialer_preview,
        )
        assert (m.callback_numbers, m.callback_user_name, m.timeout_seconds) == (
            cb.callback_numbers,
            cb.callback_user_name,
            cb.timeout_seconds,
        )
        assert (m.external_campaign, m.skip_enabled, m.automated_callback_config_id) == (
            cb.external_campaign,
            cb.skip_enabled,
            cb.automated_callback_config_id,
        )
        assert m.wrapup_prompt == (None if p.wrapup_prompt is None else p.wrapup_prompt.value)
        assert m.wrapup == (p.wrapup or cb.wrapup)
        assert m.user == (
            contracts.DomainEntityRef(id=p.user_id, self_uri=f"/api/v2/users/{p.user_id}")
            if p.user_id
            else None
        )
        assert m.script == (
            contracts.DomainEntityRef(id=cb.script_id, self_uri=f"/api/v2/scripts/{cb.script_id}")
            if cb.script_id
            else None
        )
        if p.queue_id is None:
            assert (m.queue, m.conversation_routing_data) == (None, None)
        else:
            queue_uri = f"/api/v2/routing/queues/{p.queue_id}"
            assert m.queue == contracts.DomainEntityRef(id=p.queue_id, name=p.queue_name, self_uri=queue_uri)
            # The customer names the queue too (as captured), but only the routed legs carry routing data.
            assert m.conversation_routing_data == (
                contracts.ConversationRoutingData(
                    queue=contracts.AddressableEntityRef(id=p.queue_id, self_uri=queue_uri)
                )
                if p.purpose != "customer"
                else None
            )


@pytest.mark.parametrize("seed", SEEDS)
def test_the_conversation_envelope(seed: int) -> None:
    source = attrs.evolve(build("connected", seed), name="A callback")

    projection = callback_conversation(source)

    assert (projection.id, projection.name) == (source.id, "A callback")
    assert projection.self_uri == f"/api/v2/conversations/callbacks/{source.id}"
    assert (projection.other_media_uris, projection.recent_transfers) == ((), ())


def test_a_participant_without_a_callback_is_left_out_and_the_first_callback_is_used() -> None:
    source = build("reoffered", 1)
    customer, acd, *agents = source.participants or ()
    second = attrs.evolve(acd.callbacks[0], id="second-callback", peer_id="elsewhere")  # type: ignore[index]
    source = attrs.evolve(
        source,
        participants=(
            attrs.evolve(customer, callbacks=None),
            attrs.evolve(acd, callbacks=(*(acd.callbacks or ()), second)),
            *(attrs.evolve(agent, callbacks=()) for agent in agents),
        ),
    )

    media = callback_conversation(source).participants or ()

    assert [m.id for m in media] == [acd.id]
    assert media[0].peer == acd.callbacks[0].peer_id  # type: ignore[index]


def test_a_scheduled_callback_is_shown_as_none() -> None:
    media = callback_conversation(build("scheduled", 1)).participants or ()

    assert {m.state for m in media} == {MediaParticipantState.NONE}


@pytest.mark.parametrize("member", list(CallbackState), ids=lambda member: member.value)
def test_every_callback_state_has_a_decided_media_state(member: CallbackState) -> None:
    assert member in EXPECTED_STATES, f"new CallbackState {member.value!r}: decide its media state"
    assert STATES[member] is EXPECTED_STATES[member]


@pytest.mark.parametrize("member", list(DisconnectType), ids=lambda member: member.value)
def test_every_disconnect_type_has_a_decided_media_disconnect_type(member: DisconnectType) -> None:
    assert member in EXPECTED_DISCONNECT_TYPES, f"new DisconnectType {member.value!r}: decide its mapping"
    assert DISCONNECT_TYPES[member] is EXPECTED_DISCONNECT_TYPES[member]


def test_the_tables_hold_nothing_else() -> None:
    assert set(STATES) == set(EXPECTED_STATES)
    assert set(DISCONNECT_TYPES) == set(EXPECTED_DISCONNECT_TYPES)


@pytest.mark.parametrize("member", list(DisconnectType), ids=lambda member: member.value)
def test_the_sdk_reads_every_mapped_disconnect_type(sdk: ModuleType, member: DisconnectType) -> None:
    source = build("disconnected", 1)
    first, *rest = source.participants or ()
    callback = attrs.evolve(first.callbacks[0], disconnect_type=member)  # type: ignore[index]
    source = attrs.evolve(source, participants=(attrs.evolve(first, callbacks=(callback,)), *rest))

    read = sdk_reads(sdk, callback_conversation(source), CallbackConversation)

    assert read["participants"][0]["disconnectType"] == DISCONNECT_TYPES[member].value


@pytest.mark.parametrize(
    ("total", "page_number", "page_count", "previous", "next_"),
    [(0, 1, 1, None, None), (5, 1, 3, None, 2), (5, 2, 3, 1, 3), (5, 3, 3, 2, None), (4, 2, 2, 1, None)],
)
def test_the_listing_pages(
    total: int, page_number: int, page_count: int, previous: int | None, next_: int | None
) -> None:
    page = [build("alerting", seed) for seed in SEEDS[: min(2, total)]]

    listing = callback_conversation_listing(page, page_size=2, page_number=page_number, total=total)

    def uri(number: int | None) -> str | None:
        return None if number is None else f"/api/v2/conversations/callbacks?pageSize=2&pageNumber={number}"

    assert listing.entities == tuple(callback_conversation(conversation) for conversation in page)
    assert (listing.page_size, listing.page_number, listing.total, listing.page_count) == (
        2,
        page_number,
        total,
        page_count,
    )
    assert (listing.first_uri, listing.self_uri, listing.last_uri) == (
        uri(1),
        uri(page_number),
        uri(page_count),
    )
    assert (listing.previous_uri, listing.next_uri) == (uri(previous), uri(next_))


def test_the_listing_takes_its_uri_and_reaches_the_sdk(sdk: ModuleType) -> None:
    listing = callback_conversation_listing(
        [build("held", 1)], page_size=25, page_number=1, total=1, uri="/custom"
    )

    read = sdk_reads(sdk, listing, CallbackConversationEntityListing)

    assert listing.self_uri == "/custom?pageSize=25&pageNumber=1"
    assert "outdated_sdk_version" not in set(strings(read))
    assert contracts.structure(read, CallbackConversationEntityListing) == listing
