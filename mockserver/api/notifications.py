"""``/api/v2/notifications``: channels and their subscriptions, the topics served; ``/api/v2/users/me``.

Views only: the channels' state and rules are ``backend().notifications``'; the WebSocket side is
``mockserver.notifications.stream``. A channel belongs to the bearer token that created it, and
to the user or OAuth client that token acts for (``auth.principal``): no other caller reads, changes
or learns of it (another's channel answers 404 ``not.found``, as one that does not exist). Topics are
checked against the caller (``topics.missing``): 403 ``notification.unauthorized.topic``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from contracts import (
    AvailableTopicEntityListing,
    Channel,
    ChannelEntityListing,
    ChannelTopic,
    ChannelTopicEntityListing,
    UserMe,
)
from mockserver.notifications import topics, users
from mockserver.state.errors import ApiError
from mockserver.web.auth import bearer_token, principal
from mockserver.web.current import backend
from mockserver.web.openapi import QueryParameter, operation
from mockserver.web.wire import decode_body, json_response

bp = Blueprint("notifications", __name__, url_prefix="/api/v2")

_IGNORE_ERRORS = QueryParameter(
    "ignoreErrors",
    "Optionally prevent throwing of errors for failed permissions checks: a topic not served comes "
    "back Rejected.",
    {"type": "boolean"},
)
_INCLUDE = QueryParameter(
    "includechannels",
    "Show user's channels for this specific token or across all tokens for this user and app.",
    {"type": "string", "enum": ["token", "oauthclient"]},
)


# What the subscription routes take of their ChannelTopic[] body (the checks of ``_subscribe`` and of
# the channels): each topic with its id, one of the topics served, and 1,000 at most (a channel's
# limit, which topics already subscribed count towards too). The document adds it to the body's schema.
_WANTED: dict[str, Any] = {
    "maxItems": topics.MAX_TOPICS,
    "items": {"required": ["id"], "properties": {"id": {"pattern": topics.TOPIC_PATTERN}}},
}


def _token() -> str:
    return bearer_token(request.headers.get("Authorization", "")) or ""


def _owned(channel_id: str) -> str:
    """``channel_id`` if the caller made the channel; 404 ``not.found`` otherwise, as if there were none."""
    if backend().notifications.owner(channel_id) != principal().id:
        raise ApiError(404, "not.found", f"The channel {channel_id} was not found.")
    return channel_id


def _flag(name: str) -> bool:
    value = request.args.get(name, "false").lower()
    if value not in ("true", "false"):
        raise ApiError.invalid("invalid.value", name, f"{name} must be true or false; got {value!r}.")
    return value == "true"


@bp.get("/users/me")
@operation(
    summary="Get current user details",
    operation_id="getUsersMe",
    tag="Users",
    responses={200: UserMe},
    errors=(400,),
    codes={400: ("not.a.user",)},
)
def users_me() -> Response:
    return json_response(users.user_me(principal()))


@bp.post("/notifications/channels")
@operation(
    summary="Create a new channel",
    operation_id="postNotificationsChannels",
    tag="Notifications",
    responses={200: Channel},
)
def create_channel() -> Response:
    return json_response(backend().notifications.create(_token(), principal().id))


@bp.get("/notifications/channels")
@operation(
    summary="The existing channels",
    operation_id="getNotificationsChannels",
    tag="Notifications",
    responses={200: ChannelEntityListing},
    errors=(400,),
    query=(_INCLUDE,),
)
def list_channels() -> Response:
    include = request.args.get("includechannels", "token")
    if include not in ("token", "oauthclient"):
        raise ApiError.invalid(
            "invalid.value",
            "includechannels",
            f"includechannels must be token or oauthclient; got {include!r}.",
        )
    channels = backend().notifications.listing(
        _token(), principal().id, across_tokens=include == "oauthclient"
    )
    return json_response(ChannelEntityListing(entities=tuple(channels)))


@bp.route("/notifications/channels/<channel_id>", methods=["HEAD"])
def head_channel(channel_id: str) -> Response:
    """200 if the channel exists, 404 if not (no body either way, as HEAD has none)."""
    return Response(status=200 if backend().notifications.owner(channel_id) == principal().id else 404)


@bp.get("/notifications/channels/<channel_id>/subscriptions")
@operation(
    summary="The list of all subscriptions for this channel",
    operation_id="getNotificationsChannelSubscriptions",
    tag="Notifications",
    responses={200: ChannelTopicEntityListing},
)
def subscriptions(channel_id: str) -> Response:
    listing = backend().notifications.subscriptions(_owned(channel_id))
    return json_response(ChannelTopicEntityListing(entities=tuple(listing)))


def _subscribe(channel_id: str, *, replace: bool) -> Response:
    wanted: tuple[ChannelTopic, ...] = decode_body(tuple[ChannelTopic, ...])
    for index, topic in enumerate(wanted):
        if topic.id is None:
            raise ApiError.invalid("constraint.validation", f"$[{index}].id", f"$[{index}].id is required.")
    caller = principal()
    listing = backend().notifications.subscribe(
        _owned(channel_id),
        [topic.id or "" for topic in wanted],
        replace=replace,
        ignore_errors=_flag("ignoreErrors"),
        lacking=lambda topic: topics.missing(topic, caller.id, caller.holds),
    )
    return json_response(ChannelTopicEntityListing(entities=tuple(listing)))


@bp.post("/notifications/channels/<channel_id>/subscriptions")
@operation(
    summary="Add a list of subscriptions to the existing list of subscriptions",
    operation_id="postNotificationsChannelSubscriptions",
    tag="Notifications",
    request=tuple[ChannelTopic, ...],
    narrowing=_WANTED,
    responses={200: ChannelTopicEntityListing},
    query=(_IGNORE_ERRORS,),
    codes={
        400: ("notification.invalid.topic", "notification.subscription.too.many.subscriptions"),
        403: ("notification.unauthorized.topic",),
    },
)
def add_subscriptions(channel_id: str) -> Response:
    return _subscribe(channel_id, replace=False)


@bp.put("/notifications/channels/<channel_id>/subscriptions")
@operation(
    summary="Replace the current list of subscriptions with a new list",
    operation_id="putNotificationsChannelSubscriptions",
    tag="Notifications",
    request=tuple[ChannelTopic, ...],
    narrowing=_WANTED,
    responses={200: ChannelTopicEntityListing},
    query=(_IGNORE_ERRORS,),
    codes={
        400: ("notification.invalid.topic", "notification.subscription.too.many.subscriptions"),
        403: ("notification.unauthorized.topic",),
    },
)
def replace_subscriptions(channel_id: str) -> Response:
    return _subscribe(channel_id, replace=True)


@bp.delete("/notifications/channels/<channel_id>/subscriptions")
@operation(
    summary="Remove all subscriptions",
    operation_id="deleteNotificationsChannelSubscriptions",
    tag="Notifications",
    responses={200: None},
)
def delete_subscriptions(channel_id: str) -> Response:
    backend().notifications.unsubscribe(_owned(channel_id))
    return Response(status=200)


@bp.get("/notifications/availabletopics")
@operation(
    summary="Get available notification topics",
    operation_id="getNotificationsAvailabletopics",
    tag="Notifications",
    responses={200: AvailableTopicEntityListing},
)
def available_topics() -> Response:
    return json_response(AvailableTopicEntityListing(entities=tuple(topics.available())))
