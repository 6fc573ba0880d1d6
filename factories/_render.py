"""Rendering a plan into contract objects: the one place that fills in the models' fields."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise
from random import Random
from typing import Any

from attrs import frozen

from contracts import (
    AfterCallWork,
    Callback,
    CallbackBasic,
    Conversation,
    ConversationBasic,
    ConversationDivisionMembership,
    DialerPreview,
    Direction,
    DivisionEntityRef,
    DomainEntityRef,
    Participant,
    ParticipantBasic,
    PhoneNumberColumn,
    RecordingState,
    Segment,
    UploadStatus,
    Voicemail,
    Wrapup,
    WrapupPrompt,
    empty_media,
)
from factories._org import Org
from factories._plan import Facts, Leg, Plan
from factories._seeding import pick, to_datetime, uuid4
from factories._vocabulary import PROVIDER, WRAPUP_TAGS


@frozen
class Models:
    """The classes of one flavour of the API: full (``Callback``) or basic (``CallbackBasic``)."""

    callback: type[Callback] | type[CallbackBasic]
    participant: type[Participant] | type[ParticipantBasic]
    conversation: type[Conversation] | type[ConversationBasic]


FULL = Models(Callback, Participant, Conversation)
BASIC = Models(CallbackBasic, ParticipantBasic, ConversationBasic)
_COLUMNS = (
    PhoneNumberColumn(column_name="Cell", type="cell", callable_time_column_name="CellCallable"),
    PhoneNumberColumn(column_name="Home", type="home", callable_time_column_name="HomeCallable"),
)


class Moments(dict[int, datetime]):
    """Each moment of a leg as a ``datetime``, converted once however often it is used."""

    def __missing__(self, ms: int) -> datetime:
        value = self[ms] = to_datetime(ms)
        return value


def segments(leg: Leg, at: Moments | None = None) -> tuple[Segment, ...]:
    """The timeline of ``leg``: consecutive segments, the last open while the leg is live."""
    at = Moments() if at is None else at
    if leg.role == "agent":
        if leg.alerting is None or (leg.connected is None and leg.disconnected is None):
            return ()  # an alerting callback has no segment yet
        marks = [("Alert", leg.alerting), ("Interact", leg.connected), ("Hold", leg.hold)]
    else:
        if leg.created is None:
            return ()
        marks = [("Scheduled", leg.created), ("Interact", leg.routed if leg.role == "customer" else None)]
    moments = [(kind, start) for kind, start in marks if start is not None]
    result = [
        Segment(start_time=at[start], end_time=at[end], type=kind, how_ended=next_kind)
        for (kind, start), (next_kind, end) in pairwise(moments)
    ]
    kind, start = moments[-1]
    end = leg.disconnected if leg.ended else leg.routed if leg.role == "acd" else None
    if end is None:
        result.append(Segment(start_time=at[start], type=kind))
    else:
        how = leg.disconnect_type.value if leg.disconnect_type is not None else None
        result.append(
            Segment(
                start_time=at[start],
                end_time=at[end],
                type=kind,
                how_ended="Disconnect" if leg.ended else "Interact",
                disconnect_type=how if leg.ended else None,
            )
        )
    return tuple(result)


def wrapup(leg: Leg, rng: Random, org: Org, at: Moments) -> Wrapup | None:
    """The wrap-up of a leg whose after-call work is complete."""
    if leg.acw_end is None or leg.disconnected is None:
        return None
    code, name = org.wrapups[pick(rng, 0, len(org.wrapups))]
    return Wrapup(
        code=code,
        name=name,
        notes=org.notes[pick(rng, 0, len(org.notes))],
        tags=_tags(rng),
        duration_seconds=(leg.acw_end - leg.disconnected) // 1000,
        end_time=at[leg.acw_end],
        provisional=False,
    )


def _tags(rng: Random) -> tuple[str, ...]:
    # random.sample costs more than the rest of a wrap-up; two distinct picks are all it takes.
    count, n = pick(rng, 0, 3), len(WRAPUP_TAGS)
    if count == 0:
        return ()
    first = pick(rng, 0, n)
    if count == 1:
        return (WRAPUP_TAGS[first],)
    return (WRAPUP_TAGS[first], WRAPUP_TAGS[(first + 1 + pick(rng, 0, n - 1)) % n])


def callback_fields(leg: Leg, facts: Facts, rng: Random, org: Org) -> dict[str, Any]:
    """The keyword arguments of the callback of ``leg``."""
    at = Moments()
    fields: dict[str, Any] = {
        "state": leg.state,
        "initial_state": leg.initial_state,
        "id": leg.id,
        "segments": segments(leg, at),
        "direction": Direction.OUTBOUND,
        "held": leg.hold is not None,
        "callback_numbers": facts.numbers,
        "callback_user_name": facts.user_name,
        "external_campaign": False,
        "skip_enabled": True,
        "timeout_seconds": 0,
        "provider": PROVIDER,
        "queue_media_settings": facts.queue.media,
    }
    ended = leg.ended
    if ended:
        fields["disconnect_type"] = leg.disconnect_type
    if leg.hold is not None:
        fields["start_hold_time"] = at[leg.hold]
    if facts.script_id is not None:
        fields["script_id"] = facts.script_id
    if leg.alerting is not None:
        fields["start_alerting_time"] = at[leg.alerting]
    if leg.connected is not None:
        fields["connected_time"] = at[leg.connected]
    if ended and leg.disconnected is not None:
        fields["disconnected_time"] = at[leg.disconnected]
    if leg.scheduled is not None:
        fields["callback_scheduled_time"] = at[leg.scheduled]
    if leg.peer_id is not None:
        fields["peer_id"] = leg.peer_id
    if facts.caller_id is not None:
        fields["caller_id"] = facts.caller_id
    if facts.caller_id_name is not None:
        fields["caller_id_name"] = facts.caller_id_name
    if leg.automated:
        fields["automated_callback_config_id"] = org.callback_config
    if leg.voicemail:
        fields["voicemail"] = Voicemail(id=uuid4(rng), upload_status=UploadStatus.COMPLETE)
    if leg.preview:
        campaign, contact_list = org.campaigns[pick(rng, 0, len(org.campaigns))]
        fields["dialer_preview"] = DialerPreview(
            id=uuid4(rng),
            contact_id=uuid4(rng),
            contact_list_id=contact_list,
            campaign_id=campaign,
            phone_number_columns=_COLUMNS,
            callback_auto_answer=False,
        )
    fields["after_call_work_required"] = False  # as captured on every leg, after-call work or not
    if leg.acw is not None and leg.disconnected is not None:
        end = None if leg.acw_end is None else at[leg.acw_end]
        fields["after_call_work"] = AfterCallWork(
            start_time=at[leg.disconnected], end_time=end, state=leg.acw
        )
        code = wrapup(leg, rng, org, at)
        if code is not None:
            fields["wrapup"] = code
    return fields


def participant(leg: Leg, facts: Facts, callback: Any, rng: Random, models: Models) -> Any:
    """The participant holding ``callback``, agreeing with it on every moment."""
    fields: dict[str, Any] = {
        "id": uuid4(rng),
        "purpose": leg.role,
        "wrapup_required": False,
        "attributes": dict(facts.attributes),
        "callbacks": (callback,),
        **empty_media(models.participant),
    }
    start = leg.alerting if leg.role == "agent" else leg.created
    if start is not None:
        fields["start_time"] = to_datetime(start)
    if leg.ended and leg.disconnected is not None:
        fields["end_time"] = to_datetime(leg.disconnected)
    if leg.connected is not None:
        fields["connected_time"] = to_datetime(leg.connected)
    fields["queue_id"] = facts.queue.id
    fields["queue_name"] = facts.queue.name
    if leg.role == "customer":
        fields["name"] = facts.user_name
        if facts.numbers:
            fields["address"] = facts.numbers[0]
    else:
        fields["name"] = facts.queue.name
    if leg.role == "agent" and leg.agent is not None:
        user_id, fields["name"] = leg.agent
        fields["user_id"] = user_id
        fields["user_uri"] = f"/api/v2/users/{user_id}"
        fields["alerting_timeout_ms"] = facts.queue.alerting_timeout_seconds * 1000
        fields["wrapup_required"] = leg.acw is not None
        fields["wrapup_prompt"] = WrapupPrompt.OPTIONAL  # as captured on every offer
        if leg.acw is not None and leg.disconnected is not None:
            fields["start_acw_time"] = to_datetime(leg.disconnected)
            if leg.acw_end is not None:
                fields["end_acw_time"] = to_datetime(leg.acw_end)
            if callback.wrapup is not None:
                fields["wrapup"] = callback.wrapup
    return models.participant(**fields)


def divisions(
    division: str, queue_id: str | None, user_ids: list[str]
) -> tuple[ConversationDivisionMembership, ...]:
    """The conversation's one division and its entities there: the queue, then each agent offered it."""
    entities = (
        [DivisionEntityRef(id=queue_id, self_uri=f"/api/v2/routing/queues/{queue_id}")] if queue_id else []
    )
    entities += [
        DivisionEntityRef(id=user, self_uri=f"/api/v2/users/{user}") for user in dict.fromkeys(user_ids)
    ]
    ref = DomainEntityRef(id=division, self_uri=f"/api/v2/authorization/divisions/{division}")
    return (ConversationDivisionMembership(division=ref, entities=tuple(entities)),)


def conversation(plan: Plan, rng: Random, org: Org, models: Models) -> Any:
    """The whole conversation of ``plan``."""
    facts = plan.facts
    participants = [
        participant(leg, facts, models.callback(**callback_fields(leg, facts, rng, org)), rng, models)
        for leg in plan.legs
    ]
    fields: dict[str, Any] = {
        "id": facts.conversation_id,
        "start_time": to_datetime(facts.created),
        "divisions": divisions(
            org.division, facts.queue.id, [leg.agent[0] for leg in plan.agents if leg.agent]
        ),
        "self_uri": f"/api/v2/conversations/{facts.conversation_id}",
        "participants": tuple(participants),
    }
    if models.conversation is Conversation:
        fields["recording_state"] = RecordingState.NONE
    if all(leg.ended for leg in plan.legs):
        fields["end_time"] = to_datetime(max(leg.disconnected or facts.created for leg in plan.legs))
    return models.conversation(**fields)
