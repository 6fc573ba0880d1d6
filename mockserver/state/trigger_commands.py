"""The process-automation routes' commands: triggers created, read, replaced and deleted, with the API's errors.

``TriggerCommands`` is the backend's (``Backend.triggers``). The rules are the API description's
own words: ``name``, ``topicName``, ``target`` and ``enabled`` required (and ``version`` to replace);
``eventTTLSeconds`` "at least 10 seconds", ``delayBySeconds`` "in the range of 60 to 900 seconds",
"only one of eventTTLSeconds or delayBySeconds can be set"; a description "up to 512 characters";
"only one of value and values" in a criterion; ``topicName`` "cannot be updated". Their error codes
are inferred from the description's lists: 400 ``constraint.validation`` for a rule, ``invalid.value``
for a topic the topics list does not hold or a target without its id, 409 ``request.conflict`` for
a replace whose version is not the current one. Nothing here imports Flask.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager

import attrs

from contracts import (
    CreateTriggerRequest,
    Detail,
    TopicCursorEntityListing,
    Trigger,
    TriggerEntityListing,
    UpdateTriggerRequest,
)
from mockserver.config_parsers import ascii_int
from mockserver.state.errors import ApiError
from mockserver.state.trigger_matching import problems
from mockserver.state.triggers import Triggers

TRIGGERS_URI = "/api/v2/processautomation/triggers"
MIN_TTL_SECONDS = 10
MIN_DELAY_SECONDS, MAX_DELAY_SECONDS = 60, 900
MAX_DESCRIPTION = 512
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 25, 200  # "Maximum of 200" (the default is inferred)
# The topics a trigger may name here: the conversation detail events Genesys's triggers offer
# (its "Overview of triggers" lists them), which the mock derives from its conversations.
TOPICS = tuple(
    f"v2.detail.events.conversation.{{id}}.{event}"
    for event in (
        "acd.end",
        "acd.start",
        "acw",
        "attributes",
        "customer.end",
        "customer.start",
        "outbound",
        "user.end",
        "user.start",
        "voicemail.end",
        "voicemail.start",
        "wrapup",
    )
)

Body = CreateTriggerRequest | UpdateTriggerRequest

# What ``_check`` and ``trigger_matching.problems`` require, in JSON Schema, for the OpenAPI
# document: a body valid by it is accepted. Its JSONPath is narrower than the server's (which takes
# whatever python-jsonpath compiles): dotted names, as the blueprints write them.
_VALUED = {"required": ["value"], "not": {"required": ["values"]}}
CRITERION_SCHEMA = {
    "required": ["jsonPath", "operator"],
    "properties": {"jsonPath": {"pattern": r"^(\$\.)?[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$"}},
    "oneOf": [
        {
            "properties": {"operator": {"enum": ["In", "NotIn", "All"]}, "values": {"minItems": 1}},
            "required": ["values"],
            "not": {"required": ["value"]},
        },
        {"properties": {"operator": {"const": "Exists"}, "value": {"type": "boolean"}}, **_VALUED},
        {
            "properties": {"operator": {"const": "Size"}, "value": {"type": "integer", "minimum": 0}},
            **_VALUED,
        },
        {
            "properties": {
                "operator": {"enum": ["GreaterThan", "GreaterThanOrEqual", "LessThan", "LessThanOrEqual"]},
                "value": {"type": "number"},
            },
            **_VALUED,
        },
        {
            "properties": {
                "operator": {"enum": ["Equal", "NotEqual", "Contains"]},
                "value": {"not": {"type": "null"}},
            },
            **_VALUED,
        },
    ],
}
BODY_SCHEMA = {
    "properties": {
        "name": {"pattern": r"\S"},
        "topicName": {"enum": list(TOPICS)},
        "target": {"required": ["type", "id"], "properties": {"id": {"minLength": 1}}},
        "eventTTLSeconds": {"minimum": MIN_TTL_SECONDS},
        "delayBySeconds": {"minimum": MIN_DELAY_SECONDS, "maximum": MAX_DELAY_SECONDS},
        "description": {"maxLength": MAX_DESCRIPTION},
        "matchCriteria": {"items": CRITERION_SCHEMA},
    },
    "not": {"required": ["eventTTLSeconds", "delayBySeconds"]},
}


class TriggerCommands:
    """Reads and changes of the triggers, as the routes ask for them."""

    def __init__(self, state: Triggers, transaction: Callable[[], AbstractContextManager[None]]) -> None:
        self._state = state
        self._transaction = transaction

    def listing(self, args: Mapping[str, str]) -> TriggerEntityListing:
        """A page of the triggers by name, filtered by ``topicName`` (comma-separated), ``enabled``, ``hasDelayBy``."""
        topics = {t for t in args.get("topicName", "").split(",") if t}
        enabled = _flag(args, "enabled")
        delayed = _flag(args, "hasDelayBy")
        size = _int(args, "pageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        start = _int(args, "after", 0, 0, 2**31 - 1)  # the cursor: where the page starts (inferred form)
        chosen = [
            t
            for t in self._state.triggers()
            if (not topics or t.topic_name in topics)
            and (enabled is None or t.enabled is enabled)
            and (delayed is None or (t.delay_by_seconds is not None) is delayed)
        ]
        page = chosen[start : start + size]
        end = start + len(page)
        return TriggerEntityListing(
            entities=tuple(self._view(t) for t in page),
            self_uri=f"{TRIGGERS_URI}?pageSize={size}" + (f"&after={start}" if start else ""),
            next_uri=f"{TRIGGERS_URI}?pageSize={size}&after={end}" if end < len(chosen) else None,
            previous_uri=f"{TRIGGERS_URI}?pageSize={size}&after={max(0, start - size)}" if start else None,
        )

    def topics(self, args: Mapping[str, str]) -> TopicCursorEntityListing:
        size = _int(args, "pageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        start = _int(args, "after", 0, 0, 2**31 - 1)
        page = TOPICS[start : start + size]
        end = start + len(page)
        uri = f"{TRIGGERS_URI}/topics"
        return TopicCursorEntityListing(
            entities=page,
            self_uri=f"{uri}?pageSize={size}",
            next_uri=f"{uri}?pageSize={size}&after={end}" if end < len(TOPICS) else None,
        )

    def get(self, trigger_id: str) -> Trigger:
        trigger = self._state.trigger(trigger_id)
        if trigger is None:
            raise ApiError.not_found(trigger_id)
        return self._view(trigger)

    def create(self, request: CreateTriggerRequest) -> Trigger:
        _check(request)
        trigger = _trigger(request, str(uuid.uuid4()), 1)
        with self._transaction():
            self._state.put_trigger(trigger)
        return self._view(trigger)

    def replace(self, trigger_id: str, request: UpdateTriggerRequest) -> Trigger:
        """The trigger replaced by ``request``: its version must be the current one, its topic the same."""
        _check(request)
        with self._transaction():
            current = self._state.trigger(trigger_id)
            if current is None:
                raise ApiError.not_found(trigger_id)
            if request.topic_name != current.topic_name:
                raise _refused(
                    "constraint.validation",
                    "$.topicName",
                    f"topicName cannot be updated: the trigger's is {current.topic_name!r}",
                    request.topic_name,
                )
            if request.version != current.version:
                raise ApiError(
                    409,
                    "request.conflict",
                    f"$.version: the trigger's current version is {current.version}; got {request.version}.",
                    details=(Detail(error_code="request.conflict", field_name="$.version"),),
                )
            trigger = _trigger(request, trigger_id, (current.version or 0) + 1)
            self._state.put_trigger(trigger)
        return self._view(trigger)

    def delete(self, trigger_id: str) -> None:
        with self._transaction():
            if not self._state.remove_trigger(trigger_id):
                raise ApiError.not_found(trigger_id)

    @staticmethod
    def _view(trigger: Trigger) -> Trigger:
        return attrs.evolve(trigger, self_uri=f"{TRIGGERS_URI}/{trigger.id}")


def _trigger(request: Body, trigger_id: str, version: int) -> Trigger:
    """The trigger ``request`` describes, as kept: its id and version the server's."""
    return Trigger(
        id=trigger_id,
        version=version,
        name=request.name,
        topic_name=request.topic_name,
        target=request.target,
        enabled=request.enabled,
        match_criteria=request.match_criteria,
        event_t_t_l_seconds=request.event_t_t_l_seconds,
        delay_by_seconds=request.delay_by_seconds,
        description=request.description,
    )


def _refused(code: str, path: str, expected: str, got: object) -> ApiError:
    return ApiError.invalid(code, path, f"{path}: {expected}; got {got!r}.")


def _check(request: Body) -> None:
    """The API's rules the body's types cannot state; the first broken one refused, naming its path."""
    if not request.name.strip():
        raise _refused("constraint.validation", "$.name", "a name is required", request.name)
    if request.topic_name not in TOPICS:
        raise _refused(
            "invalid.value",
            "$.topicName",
            "one of the topics GET .../triggers/topics lists",
            request.topic_name,
        )
    if not request.target.id:
        raise _refused("invalid.value", "$.target.id", "the id of the workflow to start", request.target.id)
    if request.target.type is None:
        raise _refused("invalid.value", "$.target.type", "Workflow", None)
    ttl, delay = request.event_t_t_l_seconds, request.delay_by_seconds
    if ttl is not None and delay is not None:
        raise _refused(
            "constraint.validation",
            "$.delayBySeconds",
            "only one of eventTTLSeconds or delayBySeconds can be set",
            delay,
        )
    if ttl is not None and ttl < MIN_TTL_SECONDS:
        raise _refused(
            "constraint.validation", "$.eventTTLSeconds", f"at least {MIN_TTL_SECONDS} seconds", ttl
        )
    if delay is not None and not MIN_DELAY_SECONDS <= delay <= MAX_DELAY_SECONDS:
        raise _refused(
            "constraint.validation",
            "$.delayBySeconds",
            f"in the range of {MIN_DELAY_SECONDS} to {MAX_DELAY_SECONDS} seconds",
            delay,
        )
    if request.description is not None and len(request.description) > MAX_DESCRIPTION:
        raise _refused(
            "constraint.validation",
            "$.description",
            f"up to {MAX_DESCRIPTION} characters",
            f"{len(request.description)} characters",
        )
    broken = problems(request.match_criteria or ())
    if broken:
        first = broken[0]
        raise ApiError.invalid("constraint.validation", first.path, f"{first.path}: {first.message}.")


def _flag(args: Mapping[str, str], name: str) -> bool | None:
    text = args.get(name)
    if text is None:
        return None
    if text not in ("true", "false"):
        raise ApiError.invalid(
            "invalid.query.param.value",
            name,
            f"Value [{text}] is not valid for parameter [{name}]. Allowable values are: true, false",
        )
    return text == "true"


def _int(args: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    text = args.get(name)
    if text is None:
        return default
    value = ascii_int(text)
    if value is None or not low <= value <= high:
        raise ApiError.invalid(
            "invalid.query.param.value",
            name,
            f"Value [{text}] is not valid for parameter [{name}]. Allowable values are: {low} to {high}",
        )
    return value
