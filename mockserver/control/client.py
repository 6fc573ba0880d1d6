"""The control API as Python methods, for the server fixture objects (local or remote).

Every method is one HTTP call to the control API, so a test that uses them exercises exactly what
a team in another language gets with curl. Only the standard library: the plugin stays light.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from mockserver.control.route_table import ControlRoute, ControlRoutes
from mockserver.errors import MockServerError

JSON = dict[str, Any]
REQUESTS_PAGE_SIZE = 100  # the control API's largest page of the journal
# The control API's FaultKind values (mockserver.control.models, not imported: the client stays light)
FaultKindName = Literal[
    "status", "latency", "drop", "reset", "truncate", "malformed", "content-type", "empty"
]


class AdminError(MockServerError):
    """The control API refused a call; ``status`` and ``body`` are its answer."""

    def __init__(self, status: int, body: Any) -> None:
        message = body.get("message") if isinstance(body, dict) else None
        super().__init__(f"{status}: {message or body}")
        self.status = status
        self.body = body


class AdminClient:
    """Methods over the control API at ``self.url`` + ``admin_prefix``."""

    admin_prefix: str = "/__admin"
    admin_token: str | None = None

    @property
    def url(self) -> str:
        """The server's base URL, such as ``http://127.0.0.1:8080``."""
        raise NotImplementedError

    # Arranging data

    def reset(self) -> None:
        """Back to the seeded dataset, with the journal cleared and no faults or rate limit."""
        self._call(ControlRoutes.RESET)

    def seed(self, count: int = 1, *, traits: list[str] | None = None, seed: int | None = None) -> list[str]:
        """Generate ``count`` more conversations (cycling ``traits``); return their ids."""
        body: JSON = {"count": count}
        if traits is not None:
            body["traits"] = list(traits)
        if seed is not None:
            body["seed"] = seed
        ids: list[str] = self._call(ControlRoutes.SEED, body)["conversationIds"]
        return ids

    def conversations(
        self, *, user_id: str | None = None, page_size: int | None = None, page_number: int | None = None
    ) -> JSON:
        """A page of the active conversations (every user's, or ``user_id``'s), as a listing's JSON."""
        query = {"userId": user_id, "pageSize": page_size, "pageNumber": page_number}
        listing: JSON = self._call(
            ControlRoutes.CONVERSATIONS, query={k: v for k, v in query.items() if v is not None}
        )
        return listing

    def put_conversation(self, conversation: Any) -> JSON:
        """Store this exact conversation (a contract object or its wire mapping); return it."""
        payload = _wire(conversation)
        stored: JSON = self._call(ControlRoutes.PUT_CONVERSATION, payload, conversation_id=payload["id"])
        return stored

    def delete_conversation(self, conversation_id: str) -> None:
        """Remove a stored conversation (``AdminError`` 404 if there is none); a reset brings back a seeded one."""
        self._call(ControlRoutes.DELETE_CONVERSATION, conversation_id=conversation_id)

    def put_callback(self, conversation_id: str, participant_id: str, callback: Any) -> JSON:
        """Store this exact callback in a participant of a stored conversation; return the conversation."""
        payload = _wire(callback)
        stored: JSON = self._call(
            ControlRoutes.PUT_CALLBACK,
            payload,
            conversation_id=conversation_id,
            participant_id=participant_id,
            callback_id=payload["id"],
        )
        return stored

    def replace_callback(self, callback: Any) -> JSON:
        """Store this exact callback in place of the stored one with its id, wherever it is; return its conversation.

        No conversation or participant to name: ``AdminError`` 404 if no stored callback has the id,
        409 if several do (then ``put_callback`` names the participant).
        """
        payload = _wire(callback)
        stored: JSON = self._call(ControlRoutes.REPLACE_CALLBACK, payload, callback_id=payload["id"])
        return stored

    def put_queue(
        self,
        queue_id: str,
        name: str | None = None,
        *,
        members: list[str] | None = None,
        exclusive: bool = False,
        **settings: Any,
    ) -> JSON:
        """Store a queue under ``queue_id`` (replacing one with that id) with ``members``; return it.

        ``name``: the queue's (absent: its id). ``members``: user ids or ``agent:<n>`` tokens (absent:
        those it had, none for a new queue). ``settings``: the API's other queue fields, in snake_case
        or camelCase (``media_settings={"callback": {"mode": "CustomerFirst"}}``). ``exclusive``: the
        members leave every other queue and are set IDLE, so this queue's callbacks are all they are
        offered: ``put_queue("q-only-0", members=["agent:0"], exclusive=True)`` gives ``agent:0``
        every offer of the callbacks created on it.
        """
        body: JSON = {**_camel_keys(settings), "name": name or queue_id}
        if exclusive:
            body["exclusive"] = True
        if members is not None:
            body["members"] = list(members)
        stored: JSON = self._call(ControlRoutes.PUT_QUEUE, body, queue_id=queue_id)
        return stored

    # The journal

    def requests(
        self, method: str | None = None, path: str | None = None, status: int | None = None
    ) -> list[JSON]:
        """Every request received (oldest first), optionally filtered: the journal's pages, walked.

        A request the journal lets go (it is bounded) while the pages are walked may be missed;
        one seen on two pages is returned once.
        """
        filters = {"method": method, "path": path, "status": status}
        query = {k: v for k, v in filters.items() if v is not None}
        found: dict[int, JSON] = {}
        number, count = 1, 1
        while number <= count:
            paging = {**query, "pageSize": REQUESTS_PAGE_SIZE, "pageNumber": number}
            page = self._call(ControlRoutes.REQUESTS, query=paging)
            found.update((recorded["id"], recorded) for recorded in page["requests"])
            number, count = number + 1, page["pageCount"]
        return list(found.values())

    def clear_requests(self) -> None:
        self._call(ControlRoutes.CLEAR_REQUESTS)

    def verify(
        self,
        method: str = "*",
        path: str = "**",
        *,
        count: int | None = None,
        match: Mapping[str, Any] | None = None,
        **criteria: Any,
    ) -> list[JSON]:
        """Assert that ``count`` requests (at least one if None) match; return the matching requests.

        ``criteria`` are ``query``, ``headers``, ``body_contains`` and ``status``; ``match`` takes the
        matchers a stub takes (docs: Matchers). On a mismatch the AssertionError shows the nearest
        requests received.
        """
        result = self.verification(method, path, count=count, match=match, **criteria)
        if not result["ok"]:
            raise AssertionError(result["message"])
        matched: list[JSON] = result["matched"]
        return matched

    def verification(
        self,
        method: str = "*",
        path: str = "**",
        *,
        count: int | None = None,
        match: Mapping[str, Any] | None = None,
        **criteria: Any,
    ) -> JSON:
        """``verify``'s outcome, held or not: ``ok``, ``count``, ``message``, ``matched`` and, on a
        mismatch, the ``nearest`` requests (those that break the fewest criteria first)."""
        body: JSON = {"method": method, "path": path, **_camel_keys(criteria)}
        if count is not None:
            body["count"] = count
        if match is not None:
            body["match"] = _wire_match(match)
        try:
            result: JSON = self._call(ControlRoutes.VERIFY, body)
        except AdminError as error:
            if error.status == 409 and isinstance(error.body, dict):
                return error.body
            raise
        return result

    def wait_for_requests(
        self,
        method: str | None = None,
        path: str | None = None,
        *,
        count: int = 1,
        status: int | None = None,
        timeout: float = 5.0,
    ) -> list[JSON]:
        """The matching requests once at least ``count`` are journaled; ``TimeoutError`` after ``timeout`` s.

        Polls the journal with a short backoff (10 ms doubling to 200 ms), never past the deadline:
        for a client working in the background or retrying on its own.
        """
        deadline = time.monotonic() + timeout
        pause = 0.01
        while True:
            found = self.requests(method=method, path=path, status=status)
            if len(found) >= count:
                return found
            left = deadline - time.monotonic()
            if left <= 0:
                wanted = f"{method or '*'} {path or '**'}" + (f" -> {status}" if status else "")
                raise TimeoutError(
                    f"{len(found)} of {count} request(s) matching {wanted} arrived within {timeout} s"
                )
            time.sleep(min(pause, left))
            pause = min(pause * 2, 0.2)

    def verify_sequence(self, patterns: list[tuple[str, str] | JSON]) -> list[JSON]:
        """Assert that requests matching ``patterns`` arrived in that order; return them.

        A pattern is ``(method, path)`` or a mapping of ``verify``'s criteria (``method``, ``path``,
        ``status``, ``body_contains``, ``match``: the matchers ``stub`` takes). Other requests may come between: each pattern takes the first match after
        the previous one's. On a mismatch the AssertionError names the pattern that found none.
        """
        received = self.requests()
        matched: list[JSON] = []
        position = 0
        for index, pattern in enumerate(patterns):
            criteria = (
                dict(zip(("method", "path"), pattern, strict=True)) if isinstance(pattern, tuple) else pattern
            )
            for offset, request in enumerate(received[position:]):
                if _matches(criteria, request):
                    matched.append(request)
                    position += offset + 1
                    break
            else:
                seen = ", ".join(f"{r['method']} {r['path']} -> {r['status']}" for r in received)
                raise AssertionError(
                    f"pattern {index} ({criteria}) matched no request after the {len(matched)} before it; "
                    f"received in order: {seen or 'nothing'}"
                )
        return matched

    # The clock and the lifecycle

    @property
    def clock(self) -> ClockControl:
        """The server's clock: ``now()``, ``advance(seconds=...)``, ``set(instant)``, ``freeze()``."""
        return ClockControl(self)

    def lifecycle(self) -> JSON:
        """How conversations live now (mode, advanceOn, the agents' odds and times)."""
        settings: JSON = self._call(ControlRoutes.LIFECYCLE)
        return settings

    def set_lifecycle(self, **settings: Any) -> JSON:
        """Live under these settings (snake_case names; the rest take their defaults); return them."""
        applied: JSON = self._call(ControlRoutes.SET_LIFECYCLE, _camel_keys(settings))
        return applied

    def advance(self, conversation_id: str, to: str) -> JSON:
        """Move one conversation on to the stage ``to`` (a trait name); return the conversation."""
        moved: JSON = self._call(ControlRoutes.ADVANCE, {"to": to}, conversation_id=conversation_id)
        return moved

    # Faults and the rate limit

    def fault(
        self,
        method: str = "*",
        path: str = "**",
        *,
        kind: FaultKindName | None = None,
        status: int | None = None,
        retry_after: int | None = None,
        delay: Mapping[str, Any] | None = None,
        times: int | None = None,
        probability: float | None = None,
        seed: int | None = None,
        content_type: str | None = None,
        match: Mapping[str, Any] | None = None,
    ) -> str:
        """Inject a fault into the matching API requests; return its id.

        The keywords are the control API's Fault fields in snake_case (``kind`` status unless given,
        ``delay`` a mapping such as ``{"ms": 200}`` or ``{"distribution": "uniform", "min_ms": 10,
        "max_ms": 50}``); one left None takes the server's default. ``match``: matchers on the query,
        headers and JSON body (docs: Matchers), such as ``{"body": [{"jsonPath": "$.queueId",
        "equalTo": "q-1"}]}``.
        """
        given = {
            "kind": kind,
            "status": status,
            "retry_after": retry_after,
            "delay": None if delay is None else dict(delay),
            "times": times,
            "probability": probability,
            "seed": seed,
            "content_type": content_type,
        }
        spec = {name: value for name, value in given.items() if value is not None}
        wire = {"method": method, "path": path, **_camel_keys(spec)}
        if match is not None:
            wire["match"] = _wire_match(match)
        added: JSON = self._call(ControlRoutes.ADD_FAULT, wire)
        fault_id: str = added["id"]
        return fault_id

    def faults(self) -> list[JSON]:
        found: list[JSON] = self._call(ControlRoutes.FAULTS)["faults"]
        return found

    def remove_fault(self, fault_id: str) -> None:
        self._call(ControlRoutes.REMOVE_FAULT, fault_id=fault_id)

    def clear_faults(self) -> None:
        self._call(ControlRoutes.CLEAR_FAULTS)

    def rate_limit(self, requests: int, window_seconds: int = 60) -> None:
        """Allow each bearer token ``requests`` requests per window; more get 429 with Retry-After."""
        self._call(ControlRoutes.SET_RATE_LIMIT, {"requests": requests, "windowSeconds": window_seconds})

    def clear_rate_limit(self) -> None:
        self._call(ControlRoutes.CLEAR_RATE_LIMIT)

    # Stubs

    def stub(
        self,
        method: str = "*",
        path: str = "**",
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        body: str | bytes | Any = None,
        body_base64: str | None = None,
        times: int | None = None,
        priority: int | None = None,
        match: Mapping[str, Any] | None = None,
    ) -> str:
        """Answer matching API requests with exactly this status, headers and body; return the stub's id.

        ``body`` is text, bytes (sent as ``bodyBase64``) or anything else JSON can encode (a
        tolerant edge case's payload, a list): encoded as JSON text. ``match``: matchers the
        request must pass besides its method and path (docs: Matchers), such as
        ``{"query": {"pageSize": {"equalTo": "25"}}, "headers": {"X-Tenant": {"matches": "^a"}}}``.
        """
        spec: JSON = {"method": method, "path": path, "status": status}
        if isinstance(body, bytes):
            spec["bodyBase64"] = base64.b64encode(body).decode()
        elif body is not None:
            spec["body"] = body if isinstance(body, str) else json.dumps(body)
        optional = {
            "headers": headers,
            "bodyBase64": body_base64,
            "times": times,
            "priority": priority,
            "match": None if match is None else _wire_match(match),
        }
        spec.update({name: value for name, value in optional.items() if value is not None})
        stub_id: str = self._call(ControlRoutes.ADD_STUB, spec)["id"]
        return stub_id

    def stubs(self) -> list[JSON]:
        """The stubs (in the order tried, used-up ones last) with their ``hits``."""
        found: list[JSON] = self._call(ControlRoutes.STUBS)["stubs"]
        return found

    def remove_stub(self, stub_id: str) -> None:
        self._call(ControlRoutes.REMOVE_STUB, stub_id=stub_id)

    def clear_stubs(self) -> None:
        self._call(ControlRoutes.CLEAR_STUBS)

    # Notifications

    def notifications(self, *, channel_id: str | None = None, topic: str | None = None) -> list[JSON]:
        """What was pushed to which channel, oldest first (channelId, topicName, correlationId, ...)."""
        query = {name: value for name, value in (("channelId", channel_id), ("topic", topic)) if value}
        pushed: list[JSON] = self._call(ControlRoutes.NOTIFICATIONS, query=query)["notifications"]
        return pushed

    def socket_closing(self, channel_id: str | None = None) -> list[str]:
        """Send ``v2.system.socket_closing`` to every connected socket (or one channel's); their channels."""
        body = {} if channel_id is None else {"channelId": channel_id}
        told: list[str] = self._call(ControlRoutes.SOCKET_CLOSING, body)["channelIds"]
        return told

    def set_event_sink(self, url: str, **target: str) -> JSON:
        """POST every detail event to ``url`` in the EventBridge envelope (``target``: organizationId,
        eventSourceSuffix, account, region); the target as the server took it."""
        answered: JSON = self._call(ControlRoutes.SET_EVENT_SINK, {"url": url, **target})
        return answered

    def clear_event_sink(self) -> None:
        self._call(ControlRoutes.CLEAR_EVENT_SINK)

    def event_sink_deliveries(self) -> list[JSON]:
        """Every attempt to deliver an event to the sink, oldest first (eventId, attempt, status, ...)."""
        listed: list[JSON] = self._call(ControlRoutes.EVENT_SINK_DELIVERIES)["deliveries"]
        return listed

    def settings(self) -> dict[str, str]:
        """The settings the server runs with, by name, as their variables say them (tokens redacted)."""
        answered: dict[str, str] = self._call(ControlRoutes.SETTINGS)["settings"]
        return answered

    # Identities

    def identities(self) -> list[JSON]:
        """The org's users and OAuth clients (id, kind, name, roles, permissions)."""
        listed: list[JSON] = self._call(ControlRoutes.IDENTITIES)["entities"]
        return listed

    def add_user(
        self, name: str, *, roles: list[str] | None = None, permissions: list[str] | None = None
    ) -> JSON:
        """Add a user to the org (roles default to ``["agent"]``); it, with its id. Act as it with ``agent:<id>``."""
        body: JSON = {"name": name}
        if roles is not None:
            body["roles"] = list(roles)
        if permissions is not None:
            body["permissions"] = list(permissions)
        added: JSON = self._call(ControlRoutes.ADD_USER, body)
        return added

    def add_client(
        self,
        name: str,
        secret: str,
        *,
        roles: list[str] | None = None,
        permissions: list[str] | None = None,
        token_seconds: int | None = None,
    ) -> JSON:
        """Add an OAuth client (roles default to ``["admin"]``); it, with its id (its client id)."""
        body: JSON = {"name": name, "secret": secret}
        if roles is not None:
            body["roles"] = list(roles)
        if permissions is not None:
            body["permissions"] = list(permissions)
        if token_seconds is not None:
            body["tokenSeconds"] = token_seconds
        added: JSON = self._call(ControlRoutes.ADD_CLIENT, body)
        return added

    def put_role(self, role: str, permissions: list[str]) -> None:
        """Make or replace a role."""
        self._call(ControlRoutes.PUT_ROLE, {"permissions": list(permissions)}, role=role)

    def issue_token(
        self, *, user_id: str | None = None, client_id: str | None = None, expires_in: int | None = None
    ) -> str:
        """A bearer token for the user or client (neither: the default client), living ``expires_in`` seconds (or its default)."""
        body = {
            name: value
            for name, value in (("userId", user_id), ("clientId", client_id), ("expiresIn", expires_in))
            if value is not None
        }
        token: str = self._call(ControlRoutes.ISSUE_TOKEN, body)["accessToken"]
        return token

    # Process automation

    def put_workflow(self, workflow_id: str, url: str | None = None, *, timeout_seconds: float = 5.0) -> JSON:
        """Say what the workflow does: recorded only (no ``url``), or its input POSTed to ``url``."""
        body: JSON = {"timeoutSeconds": timeout_seconds}
        if url is not None:
            body["url"] = url
        stored: JSON = self._call(ControlRoutes.PUT_WORKFLOW, body, workflow_id=workflow_id)
        return stored

    def workflows(self) -> list[JSON]:
        """Every workflow described, by id: ``{"id", "url", "timeoutSeconds"}``."""
        listed: list[JSON] = self._call(ControlRoutes.WORKFLOWS)["workflows"]
        return listed

    def executions(
        self, *, trigger_id: str | None = None, workflow_id: str | None = None, status: str | None = None
    ) -> list[JSON]:
        """The executions matching events started, oldest first, filtered as asked."""
        wanted = {"triggerId": trigger_id, "workflowId": workflow_id, "status": status}
        query = {key: value for key, value in wanted.items() if value is not None}
        listed: list[JSON] = self._call(ControlRoutes.EXECUTIONS, query=query)["executions"]
        return listed

    def _call(
        self,
        route: ControlRoute,
        body: Any = None,
        *,
        query: Mapping[str, Any] | None = None,
        **parameters: str,
    ) -> Any:
        """Call ``route`` of the table (its path parameters filled in) with a JSON body; its JSON answer."""
        url = f"{self.url}{self.admin_prefix}{route.url(**parameters)}"
        if query:
            url += f"?{urllib.parse.urlencode(query)}"
        return self._send(route.method, url, body)

    def _send(self, method: str, url: str, body: Any) -> Any:
        headers = {"Content-Type": "application/json"}
        if self.admin_token:
            headers["Authorization"] = f"Bearer {self.admin_token}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read()
        except urllib.error.HTTPError as error:
            text = error.read()
            raise AdminError(error.code, json.loads(text) if text else None) from None
        return json.loads(text) if text else None


class ClockControl:
    """The server's clock through the control API; every move runs the steps that fall due."""

    def __init__(self, client: AdminClient) -> None:
        self._client = client

    def state(self) -> JSON:
        """``{"now": ISO, "frozen": bool}``."""
        state: JSON = self._client._call(ControlRoutes.CLOCK)
        return state

    def now(self) -> datetime:
        return _parse(self.state()["now"])

    def advance(self, seconds: float = 0, *, minutes: float = 0, hours: float = 0) -> datetime:
        """Move forward; return the new time."""
        total = seconds + 60 * minutes + 3600 * hours
        return _parse(self._client._call(ControlRoutes.MOVE_CLOCK, {"advanceSeconds": total})["now"])

    def set(self, instant: datetime | str) -> datetime:
        """Jump to ``instant`` (not before now); return it."""
        text = instant if isinstance(instant, str) else instant.isoformat()
        return _parse(self._client._call(ControlRoutes.MOVE_CLOCK, {"now": text})["now"])

    def freeze(self, frozen: bool = True) -> None:
        """Stop the clock where it is (or, with ``frozen=False``, let it run on)."""
        self._client._call(ControlRoutes.MOVE_CLOCK, {"frozen": frozen})


def _parse(text: str) -> datetime:
    from contracts import parse_datetime

    return parse_datetime(text)


def _wire(obj: Any) -> JSON:
    if isinstance(obj, dict):
        return obj
    import contracts

    return contracts.unstructure(obj)


def _camel_keys(values: dict[str, Any]) -> JSON:
    """snake_case keyword names as wire names, nested specs (``delay``) too; user maps kept as given."""

    from contracts import camel  # the contract's own renaming, loaded only when used

    return {
        camel(name): _camel_keys(value)
        if isinstance(value, dict) and name not in ("query", "headers")
        else value
        for name, value in values.items()
    }


def _wire_match(match: Mapping[str, Any]) -> JSON:
    """Matchers as the wire has them: each matcher's keys camelCase (``json_path``, ``equal_to``
    taken too), the query parameters' and headers' names as given."""
    from contracts import camel

    def matcher(spec: Mapping[str, Any]) -> JSON:
        return {camel(key): value for key, value in spec.items()}

    wire: JSON = {}
    for kind, matchers in match.items():
        if kind in ("query", "headers") and isinstance(matchers, Mapping):
            wire[kind] = {
                name: matcher(spec) if isinstance(spec, Mapping) else spec for name, spec in matchers.items()
            }
        elif kind == "body" and isinstance(matchers, (list, tuple)):
            wire[kind] = [matcher(spec) if isinstance(spec, Mapping) else spec for spec in matchers]
        else:
            wire[kind] = matchers  # the server names what it does not take
    return wire


def _matches(criteria: JSON, request: JSON) -> bool:
    """Whether a journaled request meets ``criteria`` (method, path pattern, status, bodyContains)."""
    from mockserver.control.patterns import path_regex

    method = str(criteria.get("method", "*")).upper()
    if method != "*" and method != request["method"]:
        return False
    if not path_regex(str(criteria.get("path", "**"))).match(request["path"]):
        return False
    if "status" in criteria and criteria["status"] != request["status"]:
        return False
    contained = criteria.get("body_contains", criteria.get("bodyContains"))
    if contained is not None and contained not in request["body"]:
        return False
    return "match" not in criteria or _passes(criteria["match"], request)


def _passes(match: Mapping[str, Any], request: JSON) -> bool:
    """Whether a journaled request passes ``match``'s matchers, read as the server reads them."""
    import contracts
    from mockserver.control.matchers import RecordedView, RequestMatch, check_match, matches

    read = contracts.structure(_wire_match(match), RequestMatch)
    check_match(read, "$.match")  # a bad matcher raises MatchError naming its path, as the server answers 400
    return matches(read, RecordedView(request["query"], request["headers"], request["body"]))
