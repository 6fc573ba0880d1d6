"""The routing routes' commands: queues, their members and users' routing statuses, with the API's errors.

``QueueCommands`` is the backend's (``Backend.queues``): each method runs in the store's transaction
over the routing state (``routing.Routing``) and turns what it refuses into the API's errors. The
ACD reads and writes the state itself (``Backend.routing``). Nothing here imports Flask.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager

import attrs

import contracts
from contracts import (
    Detail,
    Queue,
    QueueEntityListing,
    QueueFields,
    QueueMemberEntityListing,
    RoutingStatus,
    RoutingStatusType,
)
from mockserver.state import paging
from mockserver.state.errors import ApiError
from mockserver.state.routing import QUEUES_URI, Routing, RoutingError

MAX_MEMBERS = 100  # a bulk add or delete of members takes at most 100 (the SDK's description)
AGENT_PREFIX = "agent:"


class QueueCommands:
    """Reads and changes of the routing state, as the routes ask for them."""

    def __init__(self, routing: Routing, transaction: Callable[[], AbstractContextManager[None]]) -> None:
        """``transaction``: the store's, in which each change reads, checks and writes."""
        self._routing = routing
        self._transaction = transaction

    # Queues

    def listing(self, *, name: str | None, ids: Sequence[str], size: int, number: int) -> QueueEntityListing:
        """A page of the queues by name; ``name`` with a leading or trailing ``*`` matches as the API's filter does."""
        queues = [
            q for q in self._routing.queues() if _named(q.name or "", name) and (not ids or q.id in ids)
        ]
        start = (number - 1) * size
        return QueueEntityListing(
            entities=tuple(queues[start : start + size]),
            **paging.links(QUEUES_URI, page_size=size, page_number=number, total=len(queues)),
        )

    def get(self, queue_id: str) -> Queue:
        queue = self._routing.queue(queue_id)
        if queue is None:
            raise ApiError.not_found(queue_id)
        return queue

    def create(self, request: QueueFields) -> Queue:
        """A new queue with a fresh id and no members."""
        _require_name(request)
        with self._transaction():
            made, _ = self._routing.put_queue(_as_queue(request, str(uuid.uuid4())))
        return made

    def replace(self, queue_id: str, request: QueueFields) -> Queue:
        """The queue's settings replaced by ``request`` (its members kept)."""
        _require_name(request)
        with self._transaction():
            self.get(queue_id)
            replaced, _ = self._routing.put_queue(_as_queue(request, queue_id))
        return replaced

    def put(
        self, queue_id: str, request: QueueFields, members: Sequence[str] | None, *, exclusive: bool = False
    ) -> tuple[Queue, bool]:
        """The control API's put: the queue as given, with ``members`` (user ids or ``agent:<n>`` tokens).

        ``exclusive``: the members leave every other queue and are set ``IDLE`` first, so this
        queue's callbacks are the only ones offered to them (no other queue's waiting callback takes
        them when they become available).
        """
        _require_name(request)
        chosen = None if members is None else self._user_ids(members, "$.members")
        with self._transaction():
            if exclusive:
                own = chosen
                if own is None:
                    held = self._routing.queue(queue_id)
                    own = [] if held is None else list(self._routing.member_ids(queue_id))
                for other in self._routing.queues():
                    if other.id != queue_id:
                        self._routing.remove_members(other.id or "", own)
                for user_id in own:
                    self._routing.set_status(user_id, RoutingStatusType.IDLE)
            return self._routing.put_queue(_as_queue(request, queue_id), chosen)

    def routed(self, queue_id: str, *, code: str, path: str) -> Queue:
        """The queue a callback names at ``path``, or a 400 ``code`` naming it: a callback's one queue lookup.

        Its name and, through ``routing.callback_media``, its ``queueMediaSettings`` are what the
        callback carries.
        """
        queue = self._routing.queue(queue_id)
        if queue is None:
            raise ApiError(
                400,
                code,
                f"{path}: expected the id of one of the org's queues (GET {QUEUES_URI}); got {queue_id!r}.",
                details=(Detail(error_code=code, field_name=path, entity_id=queue_id),),
                entity_id=queue_id,
            )
        return queue

    # Members

    def members(self, queue_id: str, *, size: int, number: int) -> QueueMemberEntityListing:
        self.get(queue_id)
        members = self._routing.members(queue_id)
        start = (number - 1) * size
        links = paging.links(
            f"{QUEUES_URI}/{queue_id}/members", page_size=size, page_number=number, total=len(members)
        )
        return QueueMemberEntityListing(
            entities=tuple(members[start : start + size]),
            page_number=number,
            page_size=size,
            first_uri=links["first_uri"],
            self_uri=links["self_uri"],
            next_uri=links["next_uri"],
            previous_uri=links["previous_uri"],
        )

    def change_members(self, queue_id: str, user_ids: Sequence[str | None], *, delete: bool) -> None:
        """Add (or, with ``delete``, remove) up to 100 users; an unknown user refuses them all."""
        if len(user_ids) > MAX_MEMBERS:
            raise ApiError.invalid(
                "invalid.value",
                "$",
                f"At most {MAX_MEMBERS} members may be added or deleted at once; got {len(user_ids)}.",
            )
        chosen = self._user_ids([user_id or "" for user_id in user_ids], "$")
        with self._transaction():
            self.get(queue_id)
            if delete:
                self._routing.remove_members(queue_id, chosen)
            else:
                self._routing.add_members(queue_id, chosen)

    def remove_member(self, queue_id: str, member_id: str) -> None:
        with self._transaction():
            self.get(queue_id)
            if member_id not in self._routing.member_ids(queue_id):
                raise ApiError.not_found(member_id)
            self._routing.remove_members(queue_id, [member_id])

    # Routing statuses

    def status(self, user_id: str) -> RoutingStatus:
        try:
            return self._routing.status(user_id)
        except RoutingError:
            raise ApiError.not_found(user_id) from None

    def set_status(self, user_id: str, status: RoutingStatus) -> RoutingStatus:
        """The user's status set (``status.status`` is required; the user id and start time are the server's)."""
        if status.status is None:
            raise ApiError.invalid(
                "invalid.value", "$.status", "$.status is required: one of " + _statuses() + "."
            )
        if not self._routing.has_user(user_id):
            raise ApiError.not_found(user_id)
        return self._routing.set_status(user_id, status.status)

    # Inside

    def _user_ids(self, given: Sequence[str], path: str) -> list[str]:
        """Each of ``given`` as a user id of the org: a user id, or ``agent:<n>`` / ``agent:<userId>``."""
        users = [user_id for user_id, _ in self._routing.users()]
        known = set(users)
        chosen = []
        for index, wanted in enumerate(given):
            key = wanted.removeprefix(AGENT_PREFIX)
            if key.isdigit() and key != wanted and int(key) < len(users):
                key = users[int(key)]  # agent:<n>, the org's n-th agent
            if key not in known:
                field = f"{path}[{index}]" + (".id" if path == "$" else "")
                raise ApiError(
                    404,
                    "not.found",
                    f"{field}: expected a user of the org (a user id, or agent:<n> from 0 to "
                    f"{len(users) - 1}); got {wanted!r}.",
                    details=(Detail(error_code="not.found", field_name=field, entity_id=wanted),),
                    entity_id=wanted,
                )
            chosen.append(key)
        return chosen


def _named(name: str, pattern: str | None) -> bool:
    """Whether ``name`` matches the API's ``name`` filter: exact, or with a leading/trailing ``*`` (case ignored)."""
    if not pattern:
        return True
    name, pattern = name.lower(), pattern.lower()
    core = pattern.strip("*")
    if pattern.startswith("*") and pattern.endswith("*") and len(pattern) > 1:
        return core in name
    if pattern.endswith("*"):
        return name.startswith(core)
    if pattern.startswith("*"):
        return name.endswith(core)
    return name == pattern


def _require_name(request: QueueFields) -> None:
    if not request.name:
        raise ApiError.invalid("invalid.value", "$.name", "$.name is required: the queue's name.")


def _as_queue(request: QueueFields, queue_id: str) -> Queue:
    """A request body as the queue it makes, under ``queue_id`` (an id it carries is ignored, as the API does)."""
    values = {field.name: getattr(request, field.name) for field in attrs.fields(QueueFields)}
    return attrs.evolve(contracts.structure({}, Queue), **{**values, "id": queue_id})


def _statuses() -> str:
    return ", ".join(status.value for status in RoutingStatusType)
