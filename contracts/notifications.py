"""The notification service's REST bodies: channels, their subscriptions, the topics served, and ``UserMe``.

``POST /api/v2/notifications/channels`` answers a ``Channel``; the subscription routes take a list of
``ChannelTopic`` and answer a ``ChannelTopicEntityListing``. ``UserMe`` and
``SystemMessageSystemMessage`` are declared in part: what ``GET /api/v2/users/me`` and
``v2.system.socket_closing`` carry here.
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from contracts._fields import optional
from contracts.notification_enums import ChannelTopicState, PermissionType, TopicVisibility, UserState


@frozen(kw_only=True)
class Channel:
    """A notification channel: where to connect its WebSocket, and until when."""

    connect_uri: str | None = optional("The connect uri.")
    id: str | None = optional("The id.")
    expires: datetime | None = optional(
        "Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z."
    )


@frozen(kw_only=True)
class ChannelEntityListing:
    """The channels of ``GET /api/v2/notifications/channels``."""

    entities: tuple[Channel, ...] | None = optional("The entities.")


@frozen(kw_only=True)
class ChannelTopic:
    """A topic of a channel's subscriptions."""

    id: str | None = optional("The id.")
    state: ChannelTopicState | None = optional("The state.")
    rejection_reason: str | None = optional("The rejection reason.")
    missing_permissions: tuple[str, ...] | None = optional("The missing permissions.")
    self_uri: str | None = optional("The URI for this object.")


@frozen(kw_only=True)
class ChannelTopicEntityListing:
    """A channel's subscriptions."""

    entities: tuple[ChannelTopic, ...] | None = optional("The entities.")


@frozen(kw_only=True)
class PermissionDetails:
    """What a topic requires of its subscriber."""

    type: PermissionType | None = optional("The type of permission requirement.")
    permissions: tuple[str, ...] | None = optional("List of required permissions.")
    allows_current_user: bool | None = optional(
        "Whether the current user can subscribe, when division permissions are otherwise required."
    )
    enforced: bool | None = optional("Whether or not this permission requirement is enforced.")


@frozen(kw_only=True)
class AvailableTopic:
    """A topic the notification service serves (its ``schema`` is not modelled)."""

    description: str | None = optional("The description.")
    id: str | None = optional("The id.")
    permission_details: tuple[PermissionDetails, ...] | None = optional(
        "Full detailed permissions required to subscribe to the topic."
    )
    requires_permissions: tuple[str, ...] | None = optional("Permissions required to subscribe to the topic.")
    requires_division_permissions: bool | None = optional(
        "True if the subscribing user must belong to the same division as the topic object ID."
    )
    requires_any_validator: bool | None = optional(
        "If multiple permissions are required for this topic, such as both requiresCurrentUser and requiresDivisionPermissions, then true here indicates that meeting any one condition will satisfy the requirements; false indicates all conditions must be met."
    )
    enforced: bool | None = optional("Whether or not the permissions on this topic are enforced.")
    visibility: TopicVisibility | None = optional("Visibility of this topic (Public or Preview).")
    requires_current_user: bool | None = optional(
        "True if the topic user ID is required to match the subscribing user ID."
    )
    requires_current_user_or_permission: bool | None = optional(
        "True if permissions are only required when the topic user ID does not match the subscribing user ID."
    )
    transports: tuple[str, ...] | None = optional("Transports that support events for the topic.")
    public_api_template_uri_paths: tuple[str, ...] | None = optional("The public api template uri paths.")
    topic_parameters: tuple[str, ...] | None = optional(
        "Parameters in the topic name that can be substituted, in the order they appear in the topic name."
    )


@frozen(kw_only=True)
class AvailableTopicEntityListing:
    """The topics of ``GET /api/v2/notifications/availabletopics``."""

    entities: tuple[AvailableTopic, ...] | None = optional("The entities.")


@frozen(kw_only=True)
class UserMe:
    """The user a token acts for (``GET /api/v2/users/me``), in part: who it is."""

    id: str | None = optional("The globally unique identifier for the object.")
    name: str | None = optional("The user's name.")
    email: str | None = optional("The user's email address.")
    state: UserState | None = optional("The current state for this user.")
    username: str | None = optional("The user's login name.")
    version: int | None = optional("The version of the user.")
    self_uri: str | None = optional("The URI for this object")


@frozen(kw_only=True)
class SystemMessageSystemMessage:
    """The body of a ``v2.system.*`` message, in part: which channel, why, and the message."""

    channel_id: str | None = optional("The channel the message is about.")
    correlation_id: str | None = optional("The correlation id of the message.")
    organization_id: str | None = optional("The organization of the channel.")
    user_id: str | None = optional("The user of the channel.")
    message: str | None = optional("The message.")
