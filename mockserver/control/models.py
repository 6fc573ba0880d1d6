"""Every body the control API takes and answers, declared like the contract's models.

The OpenAPI document describes them from these declarations, and the server checks their bounds
(``minimum``, ``minItems``, ...) from the same ones, so the two cannot disagree.
"""

from __future__ import annotations

import math
import random
import re
from datetime import datetime

from attrs import frozen

from contracts import QueueFields, WireEnum, described, mutually_exclusive
from factories import ConversationFactory
from mockserver.config_parsers import HTTP_URL
from mockserver.control.matchers import RecordedView, RequestMatch, describe_match
from mockserver.control.matchers import differences as differences_of
from mockserver.control.patterns import PATH_PATTERN, path_regex

MAX_SEED = 1000
# The statuses HTTP has (RFC 9110: three digits, 1xx to 5xx): the bounds of every status taken.
MIN_STATUS, MAX_STATUS = 100, 599
MAX_STUB_BODY = 1_000_000  # characters of a stub's body
# What a stub's headers may be: a name is RFC 9110's token, a value printable ASCII without line breaks.
HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
HEADER_VALUE = re.compile(r"[\x20-\x7e\t]*")
# Headers a stub may not send: the connection's own (RFC 9110 7.6.1's hop-by-hop ones, Proxy-*) and
# the body's framing, which the server sets from the body it sends. Transfer-Encoding: chunked with a
# body sent whole would leave the client reading chunks that never come. Content-Length is taken
# only when it is the body's length (the server sends that length anyway).
HOP_BY_HOP = frozenset({"connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade"})
HOP_BY_HOP_PREFIX = "proxy-"
# Base64 as RFC 4648 writes it: whole quanta of 4, "=" padding only at the end.
BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def _anchored(regex: re.Pattern[str]) -> str:
    """``regex`` as a JSON Schema pattern of a whole string (``(?!\\n)``: Python's ``$`` matches before one)."""
    return rf"^(?:{regex.pattern})$(?!\n)"


# Arranging data


@frozen
class SeedRequest:
    """Conversations to generate and add to the current data (a reset removes them)."""

    count: int = described("How many conversations.", 1, minimum=1, maximum=MAX_SEED)
    traits: tuple[str, ...] | None = described(
        "Stages to cycle through, in turn; absent: every stage in turn.",
        None,
        minItems=1,
        items={"enum": list(ConversationFactory.traits)},
    )
    seed: int | None = described(
        "Seed of the generated data; absent: a random one.", None, minimum=0, maximum=2**63 - 1
    )


@frozen
class SeededConversations:
    """The ids of the generated conversations, in the order generated."""

    conversation_ids: tuple[str, ...] = described("The conversation ids.")
    seed: int = described("The seed used (to generate the same conversations again).")


@frozen(kw_only=True)
class QueueSetup(QueueFields):
    """A queue to store under the path's id: the API's queue fields, and its members.

    Its counts, URI and dates are the server's; an id in the body must be the path's.
    """

    members: tuple[str, ...] | None = described(
        "Its members: user ids of the org's agents, or agent:<n> / agent:<userId> tokens; absent: the "
        "members the queue had (none for a new one); empty: none.",
        None,
        maxItems=1000,
    )
    exclusive: bool = described(
        "True: the members are taken out of every other queue and set IDLE, so the callbacks of this "
        "queue are the only ones they are offered (the seeded queues' waiting callbacks never reach them).",
        False,
    )


# The journal


@frozen
class RecordedRequest:
    """One request as the server received it, and how it answered."""

    id: int = described("Position in the journal, from 1.")
    time: datetime = described("When the request arrived.")
    method: str = described("The HTTP method.")
    path: str = described("The path, without the query.")
    query: dict[str, tuple[str, ...]] = described("The query parameters, each with its values.")
    headers: dict[str, str] = described("The request headers; the Authorization credentials redacted.")
    body: str = described("The request body as text (empty if none).")
    # Declared without defaults, so every entry carries the keys, null when they do not apply.
    status: int | None = described(
        "The status answered; null if the connection was dropped or reset.",
        minimum=MIN_STATUS,
        maximum=MAX_STATUS,
    )
    correlation_id: str | None = described("The ININ-Correlation-Id answered; null without an answer.")
    fault: str | None = described("The id of the fault that answered instead of the API; null if none.")
    stub: str | None = described("The id of the stub that answered instead of the API; null if none.")
    token_fingerprint: str | None = described(
        "The first 8 hex digits of the SHA-256 of the bearer token (tells tokens apart, never shows one); "
        "null without a token."
    )
    response_headers: dict[str, str] = described(
        "The headers answered (Retry-After, Content-Type, ...); empty without an answer."
    )
    duration_ms: float = described(
        "Milliseconds from arrival to the response's status line; 0 without an answer.", 0.0
    )


@frozen
class RequestPattern:
    """Which requests to select: every given criterion must hold."""

    method: str = described("An HTTP method, or * for any.", "*")
    path: str = described(
        "A path pattern: {name} or * is one segment's text, ** is anything.", "**", pattern=PATH_PATTERN
    )
    query: dict[str, str] | None = described("Query parameters that must have these values.", None)
    headers: dict[str, str] | None = described(
        "Headers that must have these values (names in any case).", None
    )
    body_contains: str | None = described("Text the body must contain.", None)
    status: int | None = described(
        "The status the request got.", None, minimum=MIN_STATUS, maximum=MAX_STATUS
    )
    match: RequestMatch | None = described(
        "What a request must carry beyond its method and path: matchers on its query parameters, "
        "headers and JSON body (docs: Matchers).",
        None,
    )

    def matches(self, request: RecordedRequest) -> bool:
        return not self.differences(request)

    def matches_route(self, method: str, path: str) -> bool:
        """Whether a request line matches the method and path (all faults look at)."""
        return not self._route_differences(method, path)

    def differences(self, request: RecordedRequest) -> list[str]:
        """What keeps ``request`` from matching, one phrase per criterion; empty if it matches."""
        differences = self._route_differences(request.method, request.path)
        for name, value in (self.query or {}).items():
            if value not in request.query.get(name, ()):
                differences.append(f"query {name}={list(request.query.get(name, ()))}")
        headers = {name.lower(): value for name, value in request.headers.items()}
        for name, value in (self.headers or {}).items():
            if headers.get(name.lower()) != value:
                differences.append(f"header {name}: {headers.get(name.lower())!r}")
        if self.body_contains is not None and self.body_contains not in request.body:
            differences.append(f"body without {self.body_contains!r}")
        if self.status is not None and self.status != request.status:
            differences.append(f"status {request.status}")
        if self.match is not None:
            differences += differences_of(
                self.match, RecordedView(request.query, request.headers, request.body)
            )
        return differences

    def _route_differences(self, method: str, path: str) -> list[str]:
        differences = []
        if self.method != "*" and self.method.upper() != method:
            differences.append(f"method {method}")
        if not path_regex(self.path).match(path):
            differences.append(f"path {path}")
        return differences

    def describe(self) -> str:
        criteria = [f"{self.method} {self.path}"]
        criteria += [f"query {name}={value}" for name, value in (self.query or {}).items()]
        criteria += [f"header {name}: {value}" for name, value in (self.headers or {}).items()]
        if self.body_contains is not None:
            criteria.append(f"body containing {self.body_contains!r}")
        if self.status is not None:
            criteria.append(f"status {self.status}")
        if self.match is not None:
            criteria += describe_match(self.match)
        return ", ".join(criteria)


@frozen
class Verification(RequestPattern):
    """A request pattern and how many requests should match it."""

    count: int | None = described(
        "Exactly how many should match; absent means at least one.", None, minimum=0
    )


@frozen
class VerificationResult:
    """The outcome of a verification."""

    ok: bool = described("Whether the count matched.")
    count: int = described("How many requests matched.")
    message: str = described("What was expected and what arrived, with the nearest requests on a mismatch.")
    matched: tuple[RecordedRequest, ...] = described("The matching requests.")
    nearest: tuple[RecordedRequest, ...] = described(
        "On a mismatch, the received requests closest to the pattern."
    )


@frozen
class RequestList:
    """A page of requests from the journal, oldest first, in the API's listing style."""

    requests: tuple[RecordedRequest, ...] = described("The page's requests.")
    total: int = described("How many requests the journal holds (before filtering).")
    matched: int = described("How many requests match the filters, on every page.")
    page_size: int = described("The page size asked for (25 unless given).")
    page_number: int = described("This page's number, from 1.")
    page_count: int = described("How many pages the matching requests fill (at least 1).")


# Faults and the rate limit


class FaultKind(WireEnum):
    """What a fault does to a request it matches."""

    STATUS = "status"  # answer this status with the API's error body instead of the API
    LATENCY = "latency"  # only wait, then answer as usual
    DROP = "drop"  # a status line announcing a body, then the connection closes before it
    RESET = "reset"  # the connection reset (TCP RST) before any answer
    TRUNCATE = "truncate"  # answer as usual, but close the connection halfway through the body
    MALFORMED = "malformed"  # 200 with the API's JSON body cut in half (announced at its cut length)
    CONTENT_TYPE = "content-type"  # the API's answer with another Content-Type (contentType)
    EMPTY = "empty"  # 200 with an empty body


class Distribution(WireEnum):
    """How a delay is drawn."""

    FIXED = "fixed"  # always ms
    UNIFORM = "uniform"  # between minMs and maxMs
    LOGNORMAL = "lognormal"  # median ms, shape sigma: mostly near ms, with a long tail


@frozen
class Delay:
    """Latency added before a request is answered."""

    distribution: Distribution = described("How the delay is drawn.", Distribution.FIXED)
    ms: float | None = described("fixed: the delay; lognormal: its median.", None, minimum=0, maximum=60_000)
    min_ms: float | None = described("uniform: the shortest delay.", None, minimum=0, maximum=60_000)
    max_ms: float | None = described("uniform: the longest delay.", None, minimum=0, maximum=60_000)
    sigma: float | None = described(
        "lognormal: the shape (0.5 is a moderate tail).", None, minimum=0, maximum=3
    )

    def missing(self) -> list[str]:
        """The fields this distribution needs that are absent, as wire names."""
        needs = {
            Distribution.FIXED: {"ms": self.ms},
            Distribution.UNIFORM: {"minMs": self.min_ms, "maxMs": self.max_ms},
            Distribution.LOGNORMAL: {"ms": self.ms, "sigma": self.sigma},
        }[self.distribution]
        return [name for name, value in needs.items() if value is None]

    def seconds(self, rng: random.Random) -> float:
        """A delay drawn from ``rng`` (the fields ``missing`` names were checked on the way in)."""
        if self.distribution is Distribution.UNIFORM:
            ms = rng.uniform(self.min_ms or 0.0, self.max_ms or 0.0)
        elif self.distribution is Distribution.LOGNORMAL:
            ms = min((self.ms or 0.0) * math.exp(rng.gauss(0.0, self.sigma or 0.0)), 60_000.0)
        else:
            ms = self.ms or 0.0
        return ms / 1000


@frozen
class Fault:
    """A fault to inject into the requests that match its method and path."""

    method: str = described("An HTTP method, or * for any.", "*")
    path: str = described(
        "A path pattern: {name} or * is one segment's text, ** is anything.", "**", pattern=PATH_PATTERN
    )
    kind: FaultKind = described("What the fault does.", FaultKind.STATUS)
    status: int | None = described("kind status: the status to answer.", None, minimum=400, maximum=599)
    retry_after: int | None = described(
        "Seconds sent in Retry-After (a 429 always sends one, 1 unless given).", None, minimum=0, maximum=3600
    )
    delay: Delay | None = described("Latency before the fault acts (the only effect of kind latency).", None)
    times: int | None = described(
        "Apply to the next this many matching requests; absent: until removed.", None, minimum=1
    )
    probability: float = described(
        "Apply to each matching request with this probability.", 1.0, minimum=0, maximum=1
    )
    seed: int | None = described("Seed of the probability and delay draws, for repeatable runs.", None)
    content_type: str | None = described(
        "kind content-type: the Content-Type sent instead (text/html unless given), a header value "
        "as a stub's.",
        None,
        minLength=1,
        maxLength=200,
        pattern=_anchored(HEADER_VALUE),
    )
    match: RequestMatch | None = described(
        "What a request must carry beyond its method and path: matchers on its query parameters, "
        "headers and JSON body (docs: Matchers).",
        None,
    )
    id: str | None = described("Assigned by the server.", None, readOnly=True)
    applied: int = described("How many requests the fault has answered so far.", 0, readOnly=True)
    done: bool = described(
        "Whether the fault is used up (kept in the listing until a reset).", False, readOnly=True
    )


@frozen
class FaultList:
    """The faults, in the order they are tried, then the used-up ones (``done``)."""

    faults: tuple[Fault, ...] = described("The faults.")


@mutually_exclusive("body", "bodyBase64")
@frozen
class Stub:
    """An exact answer to the API requests that match its method and path, instead of the API's."""

    method: str = described("An HTTP method, or * for any.", "*")
    path: str = described(
        "A path pattern: {name} or * is one segment's text, ** is anything.", "**", pattern=PATH_PATTERN
    )
    status: int = described("The status answered.", 200, minimum=200, maximum=599)
    headers: dict[str, str] | None = described(
        "Headers answered (Content-Type is application/json unless given here). Refused: the "
        "connection's and framing's (Connection, Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade, "
        "Proxy-*), and a Content-Length other than the body's length in bytes.",
        None,
        propertyNames={"pattern": _anchored(HEADER_NAME)},
        additionalProperties={"pattern": _anchored(HEADER_VALUE)},
    )
    body: str | None = described("The body, as text (sent UTF-8 encoded).", None, maxLength=MAX_STUB_BODY)
    body_base64: str | None = described(
        "The body's exact bytes, base64-encoded (instead of body).",
        None,
        maxLength=MAX_STUB_BODY * 4 // 3 + 4,
        pattern=_anchored(BASE64),
    )
    times: int | None = described(
        "Answer the next this many matching requests; absent: until removed.", None, minimum=1
    )
    priority: int = described(
        "Stubs are tried lowest priority first, the newest first among equals.", 5, minimum=1, maximum=100
    )
    match: RequestMatch | None = described(
        "What a request must carry beyond its method and path: matchers on its query parameters, "
        "headers and JSON body (docs: Matchers).",
        None,
    )
    id: str | None = described("Assigned by the server.", None, readOnly=True)
    hits: int = described("How many requests the stub has answered so far.", 0, readOnly=True)
    done: bool = described(
        "Whether the stub is used up (kept in the listing until a reset).", False, readOnly=True
    )


@frozen
class StubList:
    """The stubs, in the order they are tried (used-up ones last)."""

    stubs: tuple[Stub, ...] = described("The stubs.")


@frozen
class RateLimit:
    """A budget of requests per bearer token per window, as the real API enforces."""

    requests: int = described("Requests allowed per token in each window.", minimum=1)
    window_seconds: int = described("The window's length in seconds.", 60, minimum=1, maximum=86_400)


# The clock and the lifecycle


@frozen
class ClockState:
    """The server's clock."""

    now: datetime = described("The server's time.")
    frozen: bool = described("Whether the clock stands still until set or advanced.")


@frozen
class ClockChange:
    """A move of the clock: any of a jump, a step forward and freezing or thawing."""

    now: datetime | None = described("Jump to this time (not before the current one).", None)
    advance_seconds: float | None = described(
        "Move forward by this many seconds.", None, minimum=0, maximum=366 * 86_400
    )
    frozen: bool | None = described("Stop the clock (true) or let it run (false).", None)


class LifecycleMode(WireEnum):
    """How conversations move through their life."""

    AUTO = "auto"  # agents answer, decline, talk and wrap up by themselves (seeded odds and times)
    MANUAL = "manual"  # offers wait for the client under test to act as the agent; time still moves
    OFF = "off"  # nothing moves by itself


class AdvanceOn(WireEnum):
    """What moves a conversation to its next step."""

    CLOCK = "clock"  # the server clock reaching the step's time
    READS = "reads"  # every readsPerStep reads of the conversation


@frozen
class Lifecycle:
    """How the server's conversations live: the mode, what moves them, and the agents' habits."""

    mode: LifecycleMode = described("auto, manual or off.", LifecycleMode.AUTO)
    advance_on: AdvanceOn = described("clock or reads.", AdvanceOn.CLOCK)
    reads_per_step: int = described("advanceOn reads: reads of a conversation per step.", 1, minimum=1)
    fire_delay_seconds: float = described(
        "From the scheduled time to the callback firing.", 1.0, minimum=0, maximum=3600
    )
    offer_delay_seconds: float = described(
        "From firing, or the end of an unanswered offer, to the next offer.", 2.0, minimum=0, maximum=3600
    )
    answer_probability: float = described(
        "auto: the odds that an agent answers an offer.", 0.8, minimum=0, maximum=1
    )
    decline_probability: float = described(
        "auto: the odds that an agent declines (the rest time out).", 0.1, minimum=0, maximum=1
    )
    customer_answer_probability: float = described(
        "auto: the odds that a customer-first callback's customer answers a dial.", 0.8, minimum=0, maximum=1
    )
    machine_probability: float = described(
        "auto: the odds that an answering machine answers it (the rest ring out unanswered).",
        0.1,
        minimum=0,
        maximum=1,
    )
    ring_seconds: float = described(
        "auto: the mean time an agent takes to answer or decline.", 5.0, minimum=0, maximum=3600
    )
    talk_seconds: float = described(
        "auto: the mean time from answering to hanging up.", 120.0, minimum=0, maximum=86_400
    )
    wrapup_seconds: float = described(
        "auto: the mean time from hanging up to the wrap-up.", 20.0, minimum=0, maximum=86_400
    )
    seed: int = described("Seed of the agents' choices and times.", 0, minimum=0, maximum=2**63 - 1)


@frozen
class Advance:
    """Move one conversation on to a stage of its life."""

    to: str = described("The stage: one of the factories' trait names the engine can reach.")


# Notifications


@frozen(kw_only=True)
class PushedNotification:
    """One notification the server pushed to a channel."""

    channel_id: str = described("The channel it was pushed to.")
    topic_name: str = described("Its topic (v2.system.socket_closing for those the control API sent).")
    correlation_id: str = described("Its metadata's CorrelationId: the causing request's, or a fresh one.")
    conversation_id: str | None = described("The conversation whose change it tells, if any.", None)
    time: datetime = described("When it was pushed, on the server's clock.")
    delivered: bool = described(
        "Whether a socket held the channel (False: nobody was listening, it was lost)."
    )


@frozen
class NotificationList:
    """Pushed notifications, oldest first (the newest ``NOTIFICATIONS_LIMIT`` are kept)."""

    notifications: tuple[PushedNotification, ...] = described("The notifications.")


@frozen
class SocketClosingRequest:
    """Which sockets to tell that they will close (``v2.system.socket_closing``)."""

    channel_id: str | None = described("Only this channel's socket; absent: every connected socket.", None)


@frozen
class SocketClosingResult:
    """The channels whose sockets were told."""

    channel_ids: tuple[str, ...] = described("The channels told.")


@frozen
class ServerSettings:
    """The settings the server runs with (``mockserver.config.SETTINGS``), read-only."""

    settings: dict[str, str] = described(
        "Every setting that has a value, by name, as its CALLBACK_MOCK_ variable says it (a JSON array "
        "or object for a list or a mapping); one without (none, or an empty list) is left out. "
        "TOKENS and ADMIN_TOKEN are redacted."
    )


# Identities: the org's users and OAuth clients, their roles and tokens


@frozen
class UserSpec:
    """A user to add to the org: its name, roles and permissions of its own."""

    name: str = described("The user's name.", minLength=1)
    roles: tuple[str, ...] = described("Roles held (``agent``, ``admin``, or one a test made).", ("agent",))
    permissions: tuple[str, ...] = described("Genesys permission strings held beyond its roles'.", ())


@frozen
class ClientSpec:
    """An OAuth client to add: its credentials, roles and permissions, and its tokens' lifetime."""

    name: str = described("The client's name.", minLength=1)
    secret: str = described("The client secret (HTTP Basic password at /oauth/token).", minLength=1)
    roles: tuple[str, ...] = described("Roles held.", ("admin",))
    permissions: tuple[str, ...] = described("Genesys permission strings held beyond its roles'.", ())
    token_seconds: int = described("How long its access tokens live.", 86_400, minimum=1, maximum=31_536_000)


@frozen
class Identity:
    """A user or OAuth client of the org, as the control API lists it."""

    id: str = described("Its id (a user id, or a client id).")
    kind: str = described("user or client.")
    name: str = described("Its name.")
    roles: tuple[str, ...] = described("Roles held.")
    permissions: tuple[str, ...] = described("Every permission held, its roles' and its own.")


@frozen
class IdentityList:
    """The org's users and OAuth clients."""

    entities: tuple[Identity, ...] = described("Users first (the agents in the org's order), then clients.")


@frozen
class RoleSpec:
    """A role's permissions (``*`` in a segment holds every value of it)."""

    permissions: tuple[str, ...] = described("Genesys permission strings.")


@mutually_exclusive("userId", "clientId")
@frozen
class TokenRequest:
    """Whom a token is issued for (a user or a client; neither: the default OAuth client), and for how long."""

    user_id: str | None = described("The user the token acts for.", None)
    client_id: str | None = described("The OAuth client the token acts for.", None)
    expires_in: int | None = described(
        "Seconds it lives (default: the client's lifetime, or a day).", None, minimum=1, maximum=31_536_000
    )


@frozen
class TokenGrant:
    """A token issued, as /oauth/token answers (``access_token``'s camel case aside)."""

    access_token: str = described("The bearer token.")
    token_type: str = described("Always bearer.")
    expires_in: int = described("Seconds it lives, on the server clock.")


# The event-bus sink


@frozen(kw_only=True)
class EventSinkTarget:
    """Where the detail events go, each in the Amazon EventBridge envelope of Genesys's partner event source."""

    url: str = described("The URL each event is POSTed to as JSON (http or https).", pattern=HTTP_URL)
    organization_id: str = described(
        "The org id in the event source's name (aws.partner/genesys.com/cloud/{orgId}/{suffix}).",
        "00000000-0000-4000-8000-00000000000c",
    )
    event_source_suffix: str = described(
        "The suffix in the event source's name (the integration's event source suffix).", "callback-mock"
    )
    account: str = described("The envelope's account (the AWS account id).", "000000000000")
    region: str = described("The envelope's region.", "us-east-1")


@frozen(kw_only=True)
class SinkDelivery:
    """One attempt to POST one event to the sink."""

    event_id: str = described("The envelope's id.")
    detail_type: str = described("The envelope's detail-type.")
    topic_name: str = described("The event's topic (the envelope's detail.topicName).")
    url: str = described("Where it was POSTed.")
    attempt: int = described("Which attempt this was (1 first).")
    status: int | None = described("The HTTP status answered, if any.", None)
    error: str | None = described(
        "Why the attempt failed without an answer (refused, timed out, dropped).", None
    )
    delivered: bool = described("Whether the sink took it (a 2xx).")
    time: datetime = described("When the attempt ended, on the server's clock.")


@frozen
class SinkDeliveryList:
    """The sink's delivery attempts, oldest first (the newest ``NOTIFICATIONS_LIMIT`` are kept)."""

    deliveries: tuple[SinkDelivery, ...] = described("The attempts.")
