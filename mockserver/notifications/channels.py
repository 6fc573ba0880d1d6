"""Notification channels: their subscriptions, limits and expiry, and the fan-out of every change.

The rules of the real service (reference A1, A2): 20 channels per token (the 21st removes the
oldest channel without a socket, else the oldest), 1,000 topics per channel, 24 hours of life on
the server's clock, extended by every subscription. ``on_change`` is the backend's change
listener: under the store's lock, it finds the channels subscribed to the topics a conversation's
change matches, serializes each body once, records what it pushed and hands the text to the
stream (``Sink``), which writes it from its own thread: nothing here waits on a socket.
Nothing here imports Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import timedelta
from typing import Any

import attrs
import orjson

import contracts
from contracts import (
    Channel,
    ChannelTopic,
    ChannelTopicState,
    Conversation,
    Detail,
    SystemMessageSystemMessage,
)
from mockserver.control.models import PushedNotification
from mockserver.notifications import events, topics
from mockserver.state.clock import Clock, from_ms
from mockserver.state.errors import ApiError
from mockserver.store.base import ABSENT, Holding, Log, PartShare, Path, Relay, Sink
from mockserver.store.memory import LocalPartShare, LocalRelay, MemoryLog

MAX_CHANNELS = 20  # per token
LIFETIME = timedelta(hours=24)
_BUILD: dict[str, Callable[[Conversation], dict[str, Any]]] = {
    topics.GENERIC: events.conversation_event,
    topics.CALLBACKS: events.callback_conversation_event,
}


@attrs.define
class ChannelState:
    """One channel: whose it is, until when, what it is subscribed to, whether a socket holds it."""

    id: str
    token: str
    user_id: str
    expires_ms: int
    last_used_ms: int
    topics: dict[str, None] = attrs.field(factory=dict)  # an ordered set
    connected: bool = False


def envelope(topic: str, body: Any, correlation_id: str) -> str:
    """The WebSocket message: ``{topicName, version: "2", eventBody, metadata: {CorrelationId}}``."""
    body_json = body if isinstance(body, orjson.Fragment) else contracts.unstructure(body)
    message = {
        "topicName": topic,
        "version": "2",
        "eventBody": body_json,
        "metadata": {"CorrelationId": correlation_id},
    }
    return orjson.dumps(message).decode()


class Channels:
    """Every channel of one server, with the service's rules."""

    def __init__(
        self,
        clock: Clock,
        *,
        limit: int,
        new_id: Callable[[], str],
        share: PartShare | None = None,
        pushed: Log | None = None,
        relay: Relay | None = None,
    ) -> None:
        self._clock = clock
        self._new_id = new_id
        # The channels are a ``Tracked`` part of the server, changed inside their share's
        # ``changing()``, each channel changed named to it (``_changed``); what was pushed is the store's ``Log``; the relay reaches a socket whichever process holds it.
        self._share = LocalPartShare() if share is None else share
        # What was pushed, a step at a time (``_push``): ``limit`` steps hold at least ``limit`` notifications.
        self._limit = limit
        self._pushed = MemoryLog(limit) if pushed is None else pushed
        self._relay = LocalRelay() if relay is None else relay
        self._channels: dict[str, ChannelState] = {}
        self._subscribers: dict[str, set[str]] = {}  # topic -> channel ids
        self._next = 1  # the number in the next channel's id
        self.connect_base = "ws://127.0.0.1:0"  # the stream's address, set when it starts

    @property
    def sink(self) -> Sink | None:
        """This process's stream, which the relay hands what its sockets must be told."""
        return self._relay.local

    @sink.setter
    def sink(self, sink: Sink | None) -> None:
        self._relay.local = sink

    def holding(self) -> AbstractContextManager[None]:
        """While held, this process's stream takes what it is handed only when the hold ends (or
        every ``Stream.HOLD_SECONDS``): a run of steps reaches each socket in a few writes."""
        sink = self.sink
        return sink.holding() if isinstance(sink, Holding) else nullcontext()

    # The REST side

    def create(self, token: str, user_id: str) -> Channel:
        with self._share.changing():
            now = self._clock.ms()
            self._expire(now)
            owned = [channel for channel in self._channels.values() if channel.token == token]
            if len(owned) >= MAX_CHANNELS:
                idle = [channel for channel in owned if not channel.connected] or owned
                self._remove(min(idle, key=lambda channel: channel.last_used_ms).id)
            channel_id = f"streaming-{self._next}-{self._new_id().replace('-', '')[:26]}"
            self._next += 1
            self._share.changed("next")
            state = ChannelState(channel_id, token, user_id, now + _ms(LIFETIME), now)
            self._channels[channel_id] = state
            self._changed(channel_id)
            return self._view(state)

    def listing(self, token: str, user_id: str, *, across_tokens: bool) -> list[Channel]:
        """This token's channels; with ``across_tokens``, the user's others too, without their ids
        (nor their ``connectUri``, which holds the id)."""
        with self._share.changing():
            self._expire(self._clock.ms())
            return [
                self._view(channel)
                if channel.token == token
                else attrs.evolve(self._view(channel), id=None, connect_uri=None)
                for channel in self._channels.values()
                if channel.token == token or (across_tokens and channel.user_id == user_id)
            ]

    def owner(self, channel_id: str) -> str | None:
        """Whose the live channel is (the user or client id that made it), or None if there is none."""
        with self._share.changing():
            channel = self._live(channel_id)
            return None if channel is None else channel.user_id

    def exists(self, channel_id: str) -> bool:
        with self._share.changing():
            return self._live(channel_id) is not None

    def subscriptions(self, channel_id: str) -> list[ChannelTopic]:
        with self._share.changing():
            channel = self._get(channel_id)
            channel.last_used_ms = self._clock.ms()
            self._changed(channel_id)
            return [_permitted(topic) for topic in channel.topics]

    def subscribe(
        self,
        channel_id: str,
        wanted: Sequence[str],
        *,
        replace: bool,
        ignore_errors: bool,
        lacking: Callable[[str], tuple[str, ...] | None] = lambda topic: None,
    ) -> list[ChannelTopic]:
        """Add (or, with ``replace``, set) these topics; the channel's topics, rejected ones after.

        An unknown topic is 400 ``notification.invalid.topic``, one the caller may not have
        (``lacking``: what it misses, None if nothing) 403 ``notification.unauthorized.topic``,
        unless ``ignore_errors``: then it comes back ``Rejected`` and the rest are subscribed.
        Past 1,000 topics is always a 400.
        """
        with self._share.changing():
            channel = self._get(channel_id)
            refused = {topic: lacking(topic) for topic in wanted if topics.body_kind(topic) is not None}
            refused = {topic: missed for topic, missed in refused.items() if missed is not None}
            if refused and not ignore_errors:
                raise ApiError(403, "notification.unauthorized.topic", "Not authorized for this topic.")
            rejected = [
                (index, topic) for index, topic in enumerate(wanted) if topics.body_kind(topic) is None
            ]
            if rejected and not ignore_errors:
                raise ApiError(
                    400,
                    "notification.invalid.topic",
                    f"The subscription topic is not valid: {rejected[0][1]!r}.",
                    details=tuple(
                        Detail(error_code="notification.invalid.topic", field_name=f"$[{index}].id")
                        for index, _ in rejected
                    ),
                )
            accepted = dict.fromkeys(
                topic for topic in wanted if topics.body_kind(topic) is not None and topic not in refused
            )
            after = accepted if replace else {**channel.topics, **accepted}
            if len(after) > topics.MAX_TOPICS:
                raise ApiError(
                    400,
                    "notification.subscription.too.many.subscriptions",
                    f"Too many subscriptions: a channel holds at most {topics.MAX_TOPICS} topics, "
                    f"this would make {len(after)}.",
                )
            self._set_topics(channel, after)
            now = self._clock.ms()
            channel.last_used_ms = now
            channel.expires_ms = now + _ms(LIFETIME)  # subscribing extends the channel's life
            self._changed(channel_id)
            return (
                [_permitted(topic) for topic in channel.topics]
                + [
                    ChannelTopic(
                        id=topic,
                        state=ChannelTopicState.REJECTED,
                        rejection_reason="The subscription topic is not valid.",
                    )
                    for _, topic in rejected
                ]
                + [
                    ChannelTopic(
                        id=topic,
                        state=ChannelTopicState.REJECTED,
                        rejection_reason="Not authorized for this topic.",
                        missing_permissions=missed or None,
                    )
                    for topic, missed in refused.items()
                ]
            )

    def unsubscribe(self, channel_id: str, unwanted: Iterable[str] | None = None) -> None:
        """Remove these topics (None: all of them)."""
        with self._share.changing():
            channel = self._get(channel_id)
            gone = set(channel.topics if unwanted is None else unwanted)
            self._set_topics(channel, {topic: None for topic in channel.topics if topic not in gone})
            channel.last_used_ms = self._clock.ms()
            self._changed(channel_id)

    # The stream's side

    def attach(self, channel_id: str) -> bool:
        """A socket now holds the channel; False if there is no such live channel."""
        with self._share.changing():
            channel = self._live(channel_id)
            if channel is None:
                return False
            channel.connected = True
            channel.last_used_ms = self._clock.ms()
            self._changed(channel_id)
            return True

    def detach(self, channel_id: str) -> None:
        with self._share.changing():
            channel = self._channels.get(channel_id)
            if channel is not None:
                channel.connected = False
                self._changed(channel_id)

    def socket_closing(self, channel_id: str | None, correlation_id: str) -> list[str]:
        """Tell each connected channel (or just ``channel_id``) that its socket will close; their ids."""
        with self._share.changing():
            chosen = [
                channel
                for channel in self._channels.values()
                if channel.connected and channel_id in (None, channel.id)
            ]
            if channel_id is not None and not chosen:
                self._get(channel_id)  # 404 if unknown; a channel without a socket is told nothing
            for channel in chosen:
                body = SystemMessageSystemMessage(
                    channel_id=channel.id,
                    correlation_id=correlation_id,
                    user_id=channel.user_id,
                    message="The socket will close for maintenance: connect a new one to this channel.",
                )
                self._push(
                    (channel,),
                    "v2.system.socket_closing",
                    envelope("v2.system.socket_closing", body, correlation_id),
                    correlation_id,
                    None,
                )
            return [channel.id for channel in chosen]

    # Every change

    def on_change(self, conversation: Conversation, cause: str | None, at: int | None = None) -> None:
        """The backend's listener: push the conversation's event to every subscribed channel alive at
        ``at`` (ms; None: now). A step the clock jumped past is pushed to the channels alive when it fell
        due, though they expired before the jump ended (a channel lives 24 hours)."""
        with self._share.changing():
            matches = [
                (topic, kind) for topic, kind in topics.matching(conversation) if topic in self._subscribers
            ]
            if not matches:
                return
            correlation_id = cause or self._new_id()
            bodies: dict[str, orjson.Fragment] = {}
            now = self._clock.ms() if at is None else at
            for topic, kind in matches:
                if kind not in bodies:
                    bodies[kind] = orjson.Fragment(orjson.dumps(_BUILD[kind](conversation)))
                text = envelope(topic, bodies[kind], correlation_id)
                alive = (self._channels[channel_id] for channel_id in sorted(self._subscribers[topic]))
                self._push(
                    [channel for channel in alive if channel.expires_ms > now],
                    topic,
                    text,
                    correlation_id,
                    conversation.id,
                )

    def on_detail(self, topic: str, body: Mapping[str, Any], at: int) -> None:
        """The detail events' listener: push the event to every channel subscribed to its topic and alive
        at ``at`` (ms), in the envelope the conversation topics use (with a correlation id of its own)."""
        with self._share.changing():
            subscribed = self._subscribers.get(topic)
            if not subscribed:
                return
            correlation_id = self._new_id()
            text = envelope(topic, orjson.Fragment(orjson.dumps(body)), correlation_id)
            conversation_id = body.get("conversationId")
            alive = (self._channels[channel_id] for channel_id in sorted(subscribed))
            self._push(
                [channel for channel in alive if channel.expires_ms > at],
                topic,
                text,
                correlation_id,
                conversation_id,
            )

    def pushed(self, *, channel_id: str | None = None, topic: str | None = None) -> list[PushedNotification]:
        """The newest ``limit`` notifications pushed, one a channel told, oldest first."""
        told: list[PushedNotification] = []
        for item in self._pushed.items():
            first = contracts.structure(item["notification"], PushedNotification)
            told.append(first)
            told.extend(
                attrs.evolve(first, channel_id=other, delivered=sent) for other, sent in item["others"]
            )
        return [
            entry
            for entry in told[-self._limit :]
            if channel_id in (None, entry.channel_id) and topic in (None, entry.topic_name)
        ]

    def reset(self) -> None:
        """No channels, nothing pushed: every socket is closed."""
        with self._share.changing():
            for channel_id in list(self._channels):
                self._remove(channel_id)
            self._pushed.clear()

    # As a part: ``{"next": n, "channels": {id: channel}}``, each channel a piece

    def dump(self) -> Any:
        return {"next": self._next, "channels": {key: _dumped(c) for key, c in self._channels.items()}}

    def dump_at(self, path: Path) -> Any:
        if path == ("next",):
            return self._next
        if len(path) == 2:
            channel = self._channels.get(path[1])
            return ABSENT if channel is None else _dumped(channel)
        return self.dump()[path[0]] if path else self.dump()

    def load(self, data: Any) -> None:
        self._next = data["next"]
        # In the order they were made (an object's members come in any order): the listing's order.
        items = sorted(data["channels"].values(), key=lambda item: _number(item["id"]))
        self._channels = {item["id"]: _state(item) for item in items}
        self._subscribers = {}
        for channel in self._channels.values():
            self._subscribe(channel)

    def load_changed(self, data: Any, paths: Iterable[tuple[Any, ...]]) -> None:
        changed: set[str] = set()
        for path in paths:
            if path == ("channels",):  # emptied, or filled from empty: every channel there is new
                self.load(data)
                return
            if path[0] == "channels":
                changed.add(path[1])
        self._next = data["next"]
        held = data["channels"]
        last = next(reversed(self._channels), None)  # the newest held before
        added = []
        for channel_id in changed:
            old = self._channels.get(channel_id)
            if old is not None:
                self._unsubscribe(old)
            item = held.get(channel_id)
            if item is None:
                self._channels.pop(channel_id, None)
            elif old is None:
                added.append(_state(item))
            else:
                self._channels[channel_id] = state = _state(item)  # in its place
                self._subscribe(state)
        added.sort(key=lambda state: _number(state.id))
        for state in added:
            self._channels[state.id] = state
            self._subscribe(state)
        if added and last is not None and _number(last) > _number(added[0].id):
            self._channels = dict(sorted(self._channels.items(), key=lambda item: _number(item[0])))

    # Inside

    def _push(
        self,
        channels: Sequence[ChannelState],
        topic: str,
        text: str,
        correlation_id: str,
        conversation_id: str | None,
    ) -> None:
        """Hand ``text`` to every connected channel's socket at once, and log it once for all of them:
        the first channel's notification, and each other channel's id and whether it was delivered
        (``pushed`` tells them apart; a 24 h advance pushes ~300 steps to each of 10 channels:
        benchmarks/README.md (c))."""
        if not channels:
            return
        # Connected: a socket holds the channel, in this process or another that the relay reaches.
        connected = [channel.id for channel in channels if channel.connected]
        if connected:
            self._relay.send(connected, text)
        first, *others = channels
        notification = PushedNotification(
            channel_id=first.id,
            topic_name=topic,
            correlation_id=correlation_id,
            conversation_id=conversation_id,
            time=self._clock.now(),
            delivered=first.connected,
        )
        self._pushed.append(
            {
                "notification": contracts.unstructure(notification),
                "others": [[channel.id, channel.connected] for channel in others],
            }
        )

    def _changed(self, channel_id: str) -> None:
        """Name the channel changed (or gone) to the share: the piece a store that saves pieces saves."""
        self._share.changed("channels", channel_id)

    def _set_topics(self, channel: ChannelState, wanted: dict[str, None]) -> None:
        self._unsubscribe(channel)
        channel.topics = dict(wanted)
        self._subscribe(channel)

    def _subscribe(self, channel: ChannelState) -> None:
        for topic in channel.topics:
            self._subscribers.setdefault(topic, set()).add(channel.id)

    def _unsubscribe(self, channel: ChannelState) -> None:
        for topic in channel.topics:
            self._subscribers[topic].discard(channel.id)
            if not self._subscribers[topic]:
                del self._subscribers[topic]

    def _live(self, channel_id: str) -> ChannelState | None:
        channel = self._channels.get(channel_id)
        if channel is not None and channel.expires_ms <= self._clock.ms():
            self._remove(channel_id)
            return None
        return channel

    def _get(self, channel_id: str) -> ChannelState:
        channel = self._live(channel_id)
        if channel is None:
            raise ApiError(404, "not.found", f"The channel {channel_id} was not found.")
        return channel

    def _expire(self, now: int) -> None:
        for channel in [channel for channel in self._channels.values() if channel.expires_ms <= now]:
            self._remove(channel.id)

    def _remove(self, channel_id: str) -> None:
        channel = self._channels.pop(channel_id)
        self._changed(channel_id)
        self._set_topics(channel, {})
        if channel.connected:
            self._relay.close(channel_id)

    def _view(self, channel: ChannelState) -> Channel:
        return Channel(
            connect_uri=f"{self.connect_base}/channels/{channel.id}",
            id=channel.id,
            expires=from_ms(channel.expires_ms),
        )


def _dumped(channel: ChannelState) -> dict[str, Any]:
    return {**attrs.asdict(channel), "topics": list(channel.topics)}


def _state(data: Any) -> ChannelState:
    return ChannelState(**{**data, "topics": dict.fromkeys(data["topics"])})


def _number(channel_id: str) -> int:
    """The channel's number, in the order made (``create`` names it ``streaming-<number>-<random>``)."""
    return int(channel_id.split("-", 2)[1])


def _permitted(topic: str) -> ChannelTopic:
    return ChannelTopic(id=topic, state=ChannelTopicState.PERMITTED)


def _ms(delta: timedelta) -> int:
    return int(delta.total_seconds() * 1000)
