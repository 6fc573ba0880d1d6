"""The ACD's rules as properties: who is offered which waiting callback, with no server."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from contracts import RoutingStatusType as RoutingStatus
from mockserver.state.acd import (
    PRIORITY_MS,
    Member,
    Offer,
    Waiting,
    after_offer_ends,
    assign,
    candidates,
    estimated_wait_ms,
    order,
)

USERS = [f"agent-{n}" for n in range(6)]
SKILLS = ["english", "billing", "french"]

members_st = st.lists(
    st.builds(
        Member,
        user_id=st.sampled_from(USERS),
        status=st.sampled_from(RoutingStatus),
        since=st.integers(0, 10_000),
        skills=st.none() | st.frozensets(st.sampled_from(SKILLS)),
    ),
    max_size=6,
    unique_by=lambda member: member.user_id,
)
waiting_st = st.lists(
    st.builds(
        Waiting,
        conversation_id=st.uuids().map(str),
        entered=st.integers(0, 10_000_000),
        priority=st.integers(-5, 5),
        scored_agents=st.lists(
            st.tuples(st.sampled_from(USERS), st.integers(0, 100)), max_size=3, unique_by=lambda p: p[0]
        ).map(tuple),
        owner=st.none() | st.sampled_from(USERS),
        skills=st.frozensets(st.sampled_from(SKILLS), max_size=2),
        excluded=st.frozensets(st.sampled_from(USERS), max_size=2),
    ),
    max_size=8,
    unique_by=lambda item: item.conversation_id,
)


@given(waiting_st, members_st)
def test_offers_go_only_to_available_members_each_once(waiting: list[Waiting], members: list[Member]) -> None:
    offers = assign(waiting, members)
    by_id = {member.user_id: member for member in members}
    items = {item.conversation_id: item for item in waiting}

    assert len({offer.user_id for offer in offers}) == len(offers)
    assert len({offer.conversation_id for offer in offers}) == len(offers)
    for offer in offers:
        member, item = by_id[offer.user_id], items[offer.conversation_id]
        assert member.status is RoutingStatus.IDLE
        assert offer.user_id not in item.excluded
        assert item.owner is None or offer.user_id == item.owner


@given(waiting_st, members_st)
def test_each_callback_takes_its_best_member_left_by_those_ahead(
    waiting: list[Waiting], members: list[Member]
) -> None:
    offers = {offer.conversation_id: offer.user_id for offer in assign(waiting, members)}
    taken: set[str] = set()
    for item in order(waiting):
        free = [m.user_id for m in candidates(item, members) if m.user_id not in taken]
        # Offered its first free candidate, or it had none and waits (nobody idle is left unused for it).
        assert offers.get(item.conversation_id) == (free[0] if free else None)
        taken.update(free[:1])


@given(waiting_st, st.sampled_from(USERS))
def test_a_sole_idle_member_gets_the_first_callback_it_may_take(waiting: list[Waiting], user: str) -> None:
    alone = [Member(user_id=user)]  # skills unknown to the mock: it asks for none
    eligible = [item for item in order(waiting) if user not in item.excluded and item.owner in (None, user)]

    assert assign(waiting, alone) == (
        [Offer(conversation_id=eligible[0].conversation_id, user_id=user)] if eligible else []
    )


@given(members_st, st.integers(0, 1_000_000))
def test_nobody_available_means_the_callback_waits(members: list[Member], entered: int) -> None:
    unavailable = [Member(user_id=m.user_id, status=RoutingStatus.OFF_QUEUE) for m in members]
    busy = [Member(user_id=m.user_id, status=RoutingStatus.NOT_RESPONDING) for m in members]
    item = Waiting(conversation_id="c", entered=entered)

    assert assign([item], unavailable) == []
    assert assign([item], busy) == []


@given(st.integers(0, 10_000_000), st.integers(1, 10_000_000), st.integers(0, 100))
def test_priority_moves_a_callback_ahead_of_older_ones(older: int, later_by: int, points: int) -> None:
    first = Waiting(conversation_id="a-older", entered=older)
    second = Waiting(conversation_id="b-newer", entered=older + later_by, priority=points)
    offers = assign([first, second], [Member(user_id="agent-0")])

    ahead = points * PRIORITY_MS > later_by
    assert offers == [Offer(conversation_id="b-newer" if ahead else "a-older", user_id="agent-0")]


@given(st.lists(st.sampled_from(USERS), min_size=1, max_size=6, unique=True), st.data())
def test_a_preferred_member_is_offered_first_and_an_owner_only(users: list[str], data: st.DataObject) -> None:
    members = [Member(user_id=user, since=index) for index, user in enumerate(users)]
    chosen = data.draw(st.sampled_from(users))

    preferred = Waiting(conversation_id="p", entered=0, scored_agents=((chosen, 100),))
    owned = Waiting(conversation_id="o", entered=0, owner=chosen)
    away = [
        m if m.user_id != chosen else Member(user_id=chosen, status=RoutingStatus.OFF_QUEUE) for m in members
    ]

    assert assign([preferred], members) == [Offer(conversation_id="p", user_id=chosen)]
    assert assign([owned], members) == [Offer(conversation_id="o", user_id=chosen)]
    assert assign([owned], away) == []  # the owner is away: it waits for them
    fallback = assign([preferred], away)
    assert [offer.user_id for offer in fallback] == [m.user_id for m in away if m.available][:1]


def test_the_member_idle_longest_is_offered_first() -> None:
    members = [Member(user_id="late", since=500), Member(user_id="early", since=100)]

    assert assign([Waiting(conversation_id="c", entered=0)], members) == [
        Offer(conversation_id="c", user_id="early")
    ]


def test_skills_limit_who_is_offered() -> None:
    members = [
        Member(user_id="fr", skills=frozenset({"french"})),
        Member(user_id="en", skills=frozenset({"english", "billing"}), since=1),
    ]
    item = Waiting(conversation_id="c", entered=0, skills=frozenset({"english", "billing"}))

    assert assign([item], members) == [Offer(conversation_id="c", user_id="en")]


@given(st.sampled_from(RoutingStatus))
def test_an_agent_who_does_not_answer_stops_being_offered(status: RoutingStatus) -> None:
    after = after_offer_ends(status, answered=False)

    assert after is not RoutingStatus.IDLE
    assert after_offer_ends(status, answered=True) is RoutingStatus.INTERACTING


@given(st.integers(0, 50), st.integers(0, 10), st.integers(0, 10), st.integers(1, 600_000))
def test_the_estimate_grows_with_the_work_waiting(
    position: int, available: int, staffed: int, handle: int
) -> None:
    here = estimated_wait_ms(position, available, staffed, handle)
    behind = estimated_wait_ms(position + 1, available, staffed, handle)

    assert 0 <= here <= behind
    assert (here == 0) == (position < available)
    if staffed <= 1 and position >= available:
        assert behind == here + handle  # one member (or none, who will come back): a handle time each
