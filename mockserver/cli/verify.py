"""``callback-contracts verify``: does a provider's API keep the contract? (provider verification)

Calls every route a callback client reads with a bearer token, and (unless ``--read-only``) the
routes it writes with, on callbacks the run creates for itself and disconnects before it ends.
Every answer is decoded strictly with the contract's models, so any field, type or enum value
the contract does not allow is named with its JSON path (``provider.py`` makes the calls).
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

import click

from contracts import (
    AssignedWrapupCode,
    BulkCallbackPatchResponse,
    CallbackConversation,
    CallbackConversationEntityListing,
    CampaignInteractions,
    Conversation,
    ConversationEntityListing,
    CreateCallbackResponse,
    ParticipantAttributes,
    PatchCallbackResponse,
    WrapupCode,
    format_datetime,
    parse_datetime,
)
from mockserver.cli.provider import Check, Client, UnreachableError

LISTING = "/api/v2/conversations"
CALLBACKS = "/api/v2/conversations/callbacks"
CAMPAIGNS = "/api/v2/outbound/campaigns"
# The name and the attribute the run's own callbacks carry, so a person looking at the org sees whose they are.
MARK = "callbackContractsVerify"
ENDED = ("disconnected", "terminated")


@click.command()
@click.option("--base-url", required=True, help="The provider's address, e.g. http://127.0.0.1:8080.")
@click.option(
    "--token",
    required=True,
    envvar="CALLBACK_CONTRACTS_TOKEN",
    help="Bearer token for the Authorization header (or CALLBACK_CONTRACTS_TOKEN).",
)
@click.option(
    "--conversation",
    "conversation_ids",
    multiple=True,
    metavar="ID",
    help="A conversation to read (repeatable). Default: every conversation the listing returns.",
)
@click.option(
    "--read-only", is_flag=True, help="Only read: create, change and disconnect no callback of its own."
)
@click.option(
    "--queue",
    metavar="ID",
    help="The queue to create the run's callbacks on. Default: a queue the callbacks read name.",
)
@click.option(
    "--number",
    default="+13175550199",
    show_default=True,
    help="The callback number (E.164) of the run's callbacks, scheduled an hour ahead and disconnected first.",
)
@click.option("--timeout", default=10.0, show_default=True, help="Seconds to wait for each response.")
def verify(
    base_url: str,
    *,
    token: str,
    conversation_ids: tuple[str, ...],
    read_only: bool,
    queue: str | None,
    number: str,
    timeout: float,
) -> None:
    """Verify that a provider's API keeps the contract.

    \b
    Reads, each answer checked against its model:
      GET /api/v2/conversations and /api/v2/conversations/{id}
      GET /api/v2/conversations/callbacks and /api/v2/conversations/callbacks/{id}
      GET .../callbacks/{id}/participants/{pid}/wrapup, .../wrapupcodes and
          .../communications/{cid}/wrapup, on one callback leg of each conversation
      GET /api/v2/outbound/campaigns/{id}/interactions, for each campaign a preview names
    The conversations read are those the token's user takes part in (Genesys lists a user its
    own active ones: give an agent's token), or each --conversation.
    Then, unless --read-only, writes on two callbacks of its own, which it creates
    (POST /api/v2/conversations/callbacks on --queue) and removes before it ends:
      PATCH /api/v2/conversations/callbacks, POST .../callbacks/bulk/update,
      PATCH .../callbacks/{id}/participants/{pid}/attributes,
      POST .../callbacks/bulk/disconnect (the first), PATCH .../callbacks/{id} (the second),
      and reads each back: every leg must be disconnected.

    Every answer must have the route's status and a whole JSON body the contract allows
    strictly. A connection dropped or reset, a body cut short or no answer within --timeout
    fails that check, and the run goes on.

    \b
    Exit status:
      0  every response keeps the contract
      1  some response does not (or broke off)
      2  usage error, the provider cannot be connected to, or no queue
         to write on (and every response read keeps the contract)
    """
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(f"expected an http(s) URL, got {base_url!r}", param_hint="'--base-url'")
    client = Client(base_url.rstrip("/"), token, timeout)
    unwritten = None  # why the writes were not made
    try:
        checks = list(_reads(client, conversation_ids))
        if not read_only:
            queue = queue or _queue_named(checks)
            if queue is None:
                unwritten = "no callback read names a queue to create the run's callbacks on: give --queue ID, or --read-only"
            else:
                checks.extend(_writes(client, queue, number, _provider_time(checks)))
    except UnreachableError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    for check in checks:
        click.echo(f"{'FAIL' if check.problems else 'ok  '} {check.method} {check.route}")
        for problem in check.problems:
            click.echo(f"     {problem}")
    failed = sum(bool(check.problems) for check in checks)
    verdict = f"{failed} failed" if failed else "all keep the contract"
    click.echo(
        f"verified {len(checks)} response{'s' * (len(checks) != 1)} from {base_url}: {verdict}", err=True
    )
    if unwritten is not None:
        click.echo(f"error: no write route verified: {unwritten}.", err=True)
    sys.exit(1 if failed else 2 if unwritten else 0)


def _reads(client: Client, conversation_ids: tuple[str, ...]) -> Iterator[Check]:
    """Every read-only route a callback client calls, on the conversations asked for or listed."""
    listing = client.call("GET", LISTING, ConversationEntityListing)
    yield listing
    ids = conversation_ids or _listed_ids(listing.body)
    conversations = [client.call("GET", _at(LISTING, id_), Conversation, expected_id=id_) for id_ in ids]
    yield from conversations
    yield client.call("GET", CALLBACKS, CallbackConversationEntityListing)
    for id_ in ids:
        yield client.call("GET", _at(CALLBACKS, id_), CallbackConversation, expected_id=id_)
    for id_, conversation in zip(ids, conversations, strict=True):
        leg = _callback_leg(conversation.body)
        if leg is None:
            continue
        participant = _at(CALLBACKS, id_, "participants", leg[0])
        yield client.call("GET", participant + "/wrapup", AssignedWrapupCode)
        yield client.call("GET", _at(participant, "communications", leg[1]) + "/wrapup", AssignedWrapupCode)
        yield client.call("GET", participant + "/wrapupcodes", tuple[WrapupCode, ...])
    for campaign in dict.fromkeys(c for check in conversations for c in _campaigns(check.body)):
        yield client.call("GET", _at(CAMPAIGNS, campaign) + "/interactions", CampaignInteractions)


def _writes(client: Client, queue: str, number: str, now: datetime | None) -> Iterator[Check]:
    """The write routes, on two callbacks the run creates; each is disconnected, whatever failed before.

    They are scheduled an hour after ``now`` (the provider's clock), so no agent is offered them
    before they are gone; with no clock known, at once.
    """
    run = str(uuid.uuid4())
    create: dict[str, Any] = {
        "callbackNumbers": [number],
        "queueId": queue,
        "callbackUserName": f"callback-contracts verify {run}",
        "data": {MARK: run},
    }
    if now is not None:
        create["callbackScheduledTime"] = format_datetime(now + timedelta(hours=1))
    first = client.call("POST", CALLBACKS, CreateCallbackResponse, body=create)
    yield first
    created = _created(first)
    if created is None:
        return
    conversation_id, callbacks = created
    try:
        yield from _changes(client, conversation_id, run)
    finally:
        removal = {
            "callbackDisconnectIdentifiers": [
                {"conversationId": conversation_id, "callbackId": callback} for callback in callbacks
            ]
        }
        yield client.call("POST", CALLBACKS + "/bulk/disconnect", None, body=removal, status=202)
        yield _ended(client, conversation_id)
    second = client.call("POST", CALLBACKS, CreateCallbackResponse, body=create)
    yield second
    created = _created(second)
    if created is not None:
        conversation_id = created[0]
        body = {"state": "disconnected"}
        yield client.call("PATCH", _at(CALLBACKS, conversation_id), Conversation, body=body)
        yield _ended(client, conversation_id)


def _changes(client: Client, conversation_id: str, run: str) -> Iterator[Check]:
    """Reschedule the run's callback (alone and in bulk) an hour and two later, and mark its customer."""
    read = client.call(
        "GET", _at(CALLBACKS, conversation_id), CallbackConversation, expected_id=conversation_id
    )
    yield read
    scheduled = _scheduled(read.body)
    if scheduled is not None:
        later = [format_datetime(scheduled + timedelta(hours=hours)) for hours in (1, 2)]
        patch = {"conversationId": conversation_id, "callbackScheduledTime": later[0]}
        yield client.call("PATCH", CALLBACKS, PatchCallbackResponse, body=patch)
        bulk = {"patchCallbackRequests": [{**patch, "callbackScheduledTime": later[1]}]}
        updated = client.call("POST", CALLBACKS + "/bulk/update", BulkCallbackPatchResponse, body=bulk)
        errors = updated.body.get("errorCount") if isinstance(updated.body, dict) else None
        yield updated if not errors else updated.failed(f"$.errorCount: expected 0, got {errors}")
    customer = _participant_id(read.body, "customer")
    if customer is not None:
        marked = {"attributes": {MARK: run}}
        route = _at(CALLBACKS, conversation_id, "participants", customer) + "/attributes"
        answer = client.call("PATCH", route, ParticipantAttributes, body=marked, status=202)
        held = answer.body.get("attributes") if isinstance(answer.body, dict) else None
        if not answer.problems and (not isinstance(held, dict) or held.get(MARK) != run):
            answer = answer.failed(f"$.attributes.{MARK}: expected {run!r}, got {held!r}")
        yield answer


def _ended(client: Client, conversation_id: str) -> Check:
    """The callback conversation read back: each of its legs must be disconnected."""
    read = client.call(
        "GET", _at(CALLBACKS, conversation_id), CallbackConversation, expected_id=conversation_id
    )
    participants = read.body.get("participants") if isinstance(read.body, dict) else None
    for index, participant in enumerate(participants if isinstance(participants, list) else []):
        state = participant.get("state") if isinstance(participant, dict) else None
        if state not in ENDED:
            read = read.failed(f"$.participants[{index}].state: expected disconnected, got {state!r}")
    return read


def _provider_time(checks: list[Check]) -> datetime | None:
    """The provider's clock, by the Date of its latest answer."""
    return next((check.date for check in reversed(checks) if check.date is not None), None)


def _at(base: str, *segments: str) -> str:
    return "/".join([base, *(quote(segment, safe="") for segment in segments)])


def _listed_ids(listing: Any) -> list[str]:
    entities = listing.get("entities") if isinstance(listing, dict) else None
    if not isinstance(entities, list):
        return []
    return [
        entity["id"] for entity in entities if isinstance(entity, dict) and isinstance(entity.get("id"), str)
    ]


def _objects(value: Any, key: str) -> list[dict[str, Any]]:
    """The objects in ``value[key]``, a list of them; none where the JSON has another shape."""
    found = value.get(key) if isinstance(value, dict) else None
    return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []


def _callback_leg(conversation: Any) -> tuple[str, str] | None:
    """(participant id, callback id) of a leg carrying a callback: the agent's if there is one."""
    legs = [
        (participant, callback["id"])
        for participant in _objects(conversation, "participants")
        for callback in _objects(participant, "callbacks")[:1]
        if isinstance(participant.get("id"), str) and isinstance(callback.get("id"), str)
    ]
    legs.sort(key=lambda leg: leg[0].get("purpose") != "agent")
    return (legs[0][0]["id"], legs[0][1]) if legs else None


def _campaigns(conversation: Any) -> list[str]:
    """The campaigns the conversation's callbacks' previews name."""
    previews = [
        callback.get("dialerPreview")
        for participant in _objects(conversation, "participants")
        for callback in _objects(participant, "callbacks")
    ]
    return [p["campaignId"] for p in previews if isinstance(p, dict) and isinstance(p.get("campaignId"), str)]


def _queue_named(checks: list[Check]) -> str | None:
    """A queue one of the callback conversations read names (an acd leg's)."""
    for check in checks:
        for participant in _objects(check.body, "participants"):
            queue = participant.get("queue")
            if isinstance(queue, dict) and isinstance(queue.get("id"), str):
                return str(queue["id"])
    return None


def _created(check: Check) -> tuple[str, list[str]] | None:
    """The conversation id and callback ids a create answered, if it answered them."""
    if check.problems or not isinstance(check.body, dict):
        return None
    conversation = check.body.get("conversation")
    conversation_id = conversation.get("id") if isinstance(conversation, dict) else None
    if not isinstance(conversation_id, str):
        return None
    ids = [i["id"] for i in _objects(check.body, "callbackIdentifiers") if isinstance(i.get("id"), str)]
    return conversation_id, ids


def _scheduled(conversation: Any) -> datetime | None:
    """When the conversation's callback is scheduled (by the provider's clock), if a leg says."""
    for participant in _objects(conversation, "participants"):
        text = participant.get("callbackScheduledTime")
        if isinstance(text, str):
            try:
                return parse_datetime(text)
            except ValueError:
                return None  # the read's own check names it
    return None


def _participant_id(conversation: Any, purpose: str) -> str | None:
    for participant in _objects(conversation, "participants"):
        if participant.get("purpose") == purpose and isinstance(participant.get("id"), str):
            return str(participant["id"])
    return None
