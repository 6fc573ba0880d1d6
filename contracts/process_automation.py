"""Process automation: the triggers that start a workflow when a matching event happens.

What ``/api/v2/processautomation/triggers`` carries, field for field the official SDK's models of the
same names (``Trigger``, ``CreateTriggerRequest``, ``UpdateTriggerRequest``, ``TriggerTarget``,
``WorkflowTargetSettings``, ``MatchCriteria``, ``TriggerEntityListing``, ``TopicCursorEntityListing``),
with the enums their setters allow. A match criterion's ``value``/``values`` are free-form JSON (the
API's ``JsonNode``), typed ``object``. The rules the API's descriptions state (a TTL of at least 10
seconds, a delay of 60 to 900, not both, a description of at most 512 characters) are the server's
checks, not the models'.
"""

from __future__ import annotations

from attrs import frozen

from contracts._fields import optional, required
from contracts.enums import WireEnum


class TriggerTargetType(WireEnum):
    """What a trigger starts: a workflow (Architect's), the only kind."""

    WORKFLOW = "Workflow"


class WorkflowDataFormat(WireEnum):
    """How a workflow receives the event: the whole event as ``jsonData``, or its top-level primitives."""

    JSON = "Json"
    TOP_LEVEL_PRIMITIVES = "TopLevelPrimitives"


class MatchOperator(WireEnum):
    """How a match criterion compares the value at its JSON path."""

    GREATER_THAN_OR_EQUAL = "GreaterThanOrEqual"
    LESS_THAN_OR_EQUAL = "LessThanOrEqual"
    EQUAL = "Equal"
    NOT_EQUAL = "NotEqual"
    LESS_THAN = "LessThan"
    GREATER_THAN = "GreaterThan"
    NOT_IN = "NotIn"
    IN = "In"
    CONTAINS = "Contains"
    ALL = "All"
    EXISTS = "Exists"
    SIZE = "Size"


@frozen(kw_only=True)
class WorkflowTargetSettings:
    """Optional settings of a workflow target."""

    data_format: WorkflowDataFormat | None = optional("The data format to use when invoking target.")


@frozen(kw_only=True)
class TriggerTarget:
    """The target of a trigger invocation."""

    type: TriggerTargetType | None = optional("The entity type to target")
    id: str | None = optional("The ID of the entity to target")
    workflow_target_settings: WorkflowTargetSettings | None = optional("Optional config for the target.")


@frozen(kw_only=True)
class MatchCriteria:
    """A simple matching condition: the value at ``jsonPath`` in the event compared by ``operator``."""

    json_path: str | None = optional("The Goessner json path of the field to match")
    operator: MatchOperator | None = optional("The type of operation to perform for matching check")
    value: object | None = optional("The value to match on. Only one of value and values can be included")
    values: tuple[object, ...] | None = optional(
        "The list of values to match on. Only one of value and values can be included"
    )


@frozen(kw_only=True)
class Trigger:
    """A process automation trigger, as the API answers it."""

    id: str | None = optional("The globally unique identifier for the object.")
    name: str | None = optional("The name of the trigger")
    topic_name: str | None = optional("The topic that will cause the trigger to be invoked")
    target: TriggerTarget | None = optional("The target to invoke when a matching event is received")
    version: int | None = optional("Version of this trigger")
    enabled: bool | None = optional("Whether or not the trigger is enabled")
    match_criteria: tuple[MatchCriteria, ...] | None = optional(
        "The configuration for when a trigger is considered to be a match for an event"
    )
    event_t_t_l_seconds: int | None = optional(
        "Optional length of time that events are meaningful after origination (at least 10 seconds)."
    )
    delay_by_seconds: int | None = optional("Optional delay invoking target after trigger fires (60 to 900).")
    description: str | None = optional("Description of the trigger. Can be up to 512 characters in length.")
    self_uri: str | None = optional("The URI for this object")


@frozen(kw_only=True)
class CreateTriggerRequest:
    """The body that creates a trigger."""

    target: TriggerTarget = required("The target to invoke when a matching event is received")
    enabled: bool = required("Boolean indicating if Trigger is enabled")
    match_criteria: tuple[MatchCriteria, ...] | None = optional(
        "When a trigger matches an event; when not provided, all events fire the trigger"
    )
    name: str = required("The name of the trigger")
    topic_name: str = required("The topic that will cause the trigger to be invoked. Cannot be updated.")
    event_t_t_l_seconds: int | None = optional(
        "Optional length of time that events are meaningful after origination (at least 10 seconds)."
    )
    delay_by_seconds: int | None = optional("Optional delay invoking target after trigger fires (60 to 900).")
    description: str | None = optional("Description of the trigger. Can be up to 512 characters in length.")


@frozen(kw_only=True)
class UpdateTriggerRequest:
    """The body that replaces a trigger: its current version, and the same topic."""

    version: int = required("Version of this trigger")
    enabled: bool = required("Boolean indicating if Trigger is enabled")
    target: TriggerTarget = required("The target to invoke when a matching event is received")
    match_criteria: tuple[MatchCriteria, ...] | None = optional(
        "The configuration for when a trigger is considered to be a match for an event"
    )
    name: str = required("The name of the trigger")
    topic_name: str = required("The topic of the trigger. Must match existing trigger topicName.")
    event_t_t_l_seconds: int | None = optional(
        "Optional length of time that events are meaningful after origination (at least 10 seconds)."
    )
    delay_by_seconds: int | None = optional("Optional delay invoking target after trigger fires (60 to 900).")
    description: str | None = optional("Description of the trigger. Can be up to 512 characters in length.")


@frozen(kw_only=True)
class TriggerEntityListing:
    """A cursor page of triggers."""

    entities: tuple[Trigger, ...] | None = optional("The triggers of this page.")
    next_uri: str | None = optional("The relative URI of the next page; absent on the last page.")
    self_uri: str | None = optional("The relative URI of this page.")
    previous_uri: str | None = optional("The relative URI of the previous page; absent on the first page.")


@frozen(kw_only=True)
class TopicCursorEntityListing:
    """A cursor page of the topics a trigger may name."""

    entities: tuple[str, ...] | None = optional("The topics of this page.")
    next_uri: str | None = optional("The relative URI of the next page; absent on the last page.")
    self_uri: str | None = optional("The relative URI of this page.")
    previous_uri: str | None = optional("The relative URI of the previous page; absent on the first page.")
