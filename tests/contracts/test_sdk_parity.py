"""The contract against the official Python SDK (``purecloudplatformclientv2``) and the seed pages.

The SDK is the reference for today's wire format: ``swagger_types`` holds the types,
``attribute_map`` the wire names, and each enum's ``allowed_values`` sits in its property setter.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from collections.abc import Iterator
from enum import Enum
from types import ModuleType
from typing import Annotated, Any, get_origin

import attrs
import pytest
from contract_cases import (
    CALLBACK_CONVERSATION_FULL,
    CALLBACK_MODELS,
    CANONICAL,
    CONVERSATION,
    DATA,
    FULL,
)

import contracts
from contracts import (
    Callback,
    CallbackBasic,
    CallbackConversation,
    CallbackMediaParticipant,
)
from contracts.enums import WireEnum

# What GET /api/v2/conversations/callbacks[/{id}] answer, with every model they hold.
CALLBACK_CONVERSATION_MODELS = [
    contracts.CallbackConversation,
    contracts.CallbackConversationEntityListing,
    contracts.CallbackMediaParticipant,
    contracts.ErrorInfo,
    contracts.AddressableEntityRef,
    contracts.ScoredAgent,
    contracts.ConversationRoutingData,
    contracts.JourneyContext,
    contracts.JourneyCustomer,
    contracts.JourneyCustomerSession,
    contracts.JourneyAction,
    contracts.JourneyActionMap,
    contracts.TransferResponse,
    contracts.TransferInitiator,
    contracts.TransferResponseModifiedBy,
    contracts.TransferDestination,
    contracts.ConversationDivisionMembership,
    contracts.DivisionEntityRef,
]
# The bodies of the other callback routes, requests and answers.
ROUTE_BODIES = [
    contracts.MediaParticipantRequest,
    contracts.WrapupInput,
    contracts.ParticipantAttributes,
    contracts.AssignedWrapupCode,
    contracts.WrapupCode,
    contracts.StarrableDivision,
    contracts.BulkCallbackPatchRequest,
    contracts.BulkCallbackPatchResponse,
    contracts.BulkResult,
    contracts.BulkError,
    contracts.CreateCallbackOnConversationCommand,
    contracts.RoutingData,
    contracts.RequestScoredAgent,
    contracts.RoutingConversationAttributesRequest,
    contracts.PredictionResults,
    contracts.EstimatedWaitTimePredictions,
    contracts.CallCommand,
    contracts.SetRecordingState,
    contracts.TransferRequest,
    contracts.Empty,
]
# The media lists of a participant other than callbacks, with every model they hold.
MEDIA_MODELS = [
    model
    for model in vars(contracts.media).values()
    if attrs.has(model) and model.__module__ == contracts.media.__name__
] + [contracts.Limit]
# Attributes whose SDK name does not camelCase to the wire name: (model, ours) -> the SDK's.
RENAMED = {
    (contracts.MessageDetails, "message_u_r_i"): "message_uri",  # wire "messageURI"
    (contracts.Cobrowsesession, "self_"): "pcSelf",  # wire "self"
    (contracts.Video, "self_"): "pcSelf",
    # wire "eventTTLSeconds"
    (contracts.Trigger, "event_t_t_l_seconds"): "event_ttl_seconds",
    (contracts.CreateTriggerRequest, "event_t_t_l_seconds"): "event_ttl_seconds",
    (contracts.UpdateTriggerRequest, "event_t_t_l_seconds"): "event_ttl_seconds",
}
# The notification service: its REST bodies and the four callback topics' event bodies.
_PARTIAL_EVENT_MODELS = {
    contracts.ConversationEventTopicParticipant,
    contracts.ConversationCallbackEventTopicErrorBody,
}
CONVERSATION_EVENT_MODELS = [
    model
    for module in (contracts.conversation_events, contracts.callback_events)
    for model in vars(module).values()
    if attrs.has(model) and model.__module__ == module.__name__ and not model.__name__.startswith("Queue")
]
NOTIFICATION_MODELS = [
    *(model for model in CONVERSATION_EVENT_MODELS if model not in _PARTIAL_EVENT_MODELS),
    contracts.Channel,
    contracts.ChannelEntityListing,
    contracts.ChannelTopic,
    contracts.ChannelTopicEntityListing,
    contracts.PermissionDetails,
    contracts.AvailableTopicEntityListing,
]
# The queue topics' bodies: the user topics' classes under the SDK's "Queue" prefix.
QUEUE_TOPIC_BODIES = {
    contracts.QueueConversationEventTopicConversation: contracts.ConversationEventTopicConversation,
    contracts.QueueConversationCallbackEventTopicCallbackConversation: contracts.ConversationCallbackEventTopicCallbackConversation,
}
# Routing: queues, their settings and members, and users' routing statuses (declared in full).
ROUTING_MODELS = [
    contracts.ServiceLevel,
    contracts.MediaSettings,
    contracts.CallbackMediaSettings,
    contracts.AcwSettings,
    contracts.AgentOwnedRouting,
    contracts.QueueEntityListing,
    contracts.QueueMemberEntityListing,
    contracts.RoutingStatus,
    contracts.WritableEntity,
]
# Process automation: the triggers' bodies, declared in full.
PROCESS_AUTOMATION_MODELS = [
    model
    for model in vars(contracts.process_automation).values()
    if attrs.has(model) and model.__module__ == contracts.process_automation.__name__
]
# Analytics: the details and observation queries' bodies declared in full, and the tags body.
ANALYTICS_MODELS = [
    contracts.PagingSpec,
    contracts.ConversationDetailQueryClause,
    contracts.ConversationDetailQueryFilter,
    contracts.SegmentDetailQueryClause,
    contracts.SegmentDetailQueryFilter,
    contracts.AnalyticsSessionMetric,
    contracts.QueueObservationQuery,
    contracts.QueueObservationQueryClause,
    contracts.QueueObservationQueryFilter,
    contracts.QueueObservationQueryResponse,
    contracts.QueueObservationDataContainer,
    contracts.StatisticalSummary,
    contracts.ConversationTagsUpdate,
]
# The analytics detail events (v2.detail.events.conversation.{id}.*), each model in full.
DETAIL_EVENT_MODELS = [
    *contracts.DETAIL_EVENT_MODELS.values(),
    contracts.CustomerStartDetailEventTopicJourneyContext,
    contracts.AttributeDetailEventTopicCommunication,
]
# The models the contract declares in full, and the envelopes it declares in part.
FULL_MODELS = [
    *CALLBACK_MODELS,
    *CALLBACK_CONVERSATION_MODELS,
    *ROUTE_BODIES,
    *NOTIFICATION_MODELS,
    *MEDIA_MODELS,
    *ROUTING_MODELS,
    *ANALYTICS_MODELS,
    *DETAIL_EVENT_MODELS,
    *PROCESS_AUTOMATION_MODELS,
]
# Fields the SDK types as a free-form ``object`` and the contract as a model: (model, field).
NARROWED = {
    # What a bulk callback patch answers for each success: the single patch's answer.
    (contracts.BulkResult, "entity"),
}
ENVELOPES = [
    contracts.Call,
    contracts.Participant,
    contracts.ParticipantBasic,
    contracts.Conversation,
    contracts.ConversationBasic,
    contracts.ConversationEntityListing,
    contracts.CampaignInteraction,
    contracts.CampaignInteractions,
    contracts.DomainEntityRef,
    contracts.CreateCallbackCommand,
    contracts.RoutingConversationAttributesResponse,
    contracts.PatchCallbackRequest,
    contracts.CallbackIdentifier,
    contracts.CreateCallbackResponse,
    contracts.PatchCallbackResponse,
    contracts.CallbackDisconnectIdentifier,
    contracts.BulkCallbackDisconnectRequest,
    contracts.ErrorBody,
    contracts.Detail,
    *_PARTIAL_EVENT_MODELS,
    contracts.AvailableTopic,
    contracts.UserMe,
    contracts.SystemMessageSystemMessage,
    contracts.Queue,
    contracts.QueueRequest,
    contracts.CreateQueueRequest,
    contracts.QueueMediaSettings,
    contracts.QueueMember,
    # Analytics: what a callback conversation's details carry, and the predicates the mock evaluates.
    contracts.ConversationQuery,
    contracts.ConversationDetailQueryPredicate,
    contracts.SegmentDetailQueryPredicate,
    contracts.QueueObservationQueryPredicate,
    contracts.AnalyticsConversationQueryResponse,
    contracts.AnalyticsConversationWithoutAttributes,
    contracts.AnalyticsParticipantWithoutAttributes,
    contracts.AnalyticsSession,
    contracts.AnalyticsConversationSegment,
    contracts.ObservationMetricData,
]


def by_name(models: list[type]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("model", models, ids=lambda model: model.__name__)


def _inner(t: Any) -> Any:
    """``X`` of ``X | None``; ``t`` itself otherwise."""
    args = [arg for arg in getattr(t, "__args__", ()) if arg is not type(None)]
    return args[0] if args and len(args) < len(t.__args__) else t


def swagger_type(t: Any) -> str:
    """How the SDK spells the annotated type ``t``: ``list[Segment]``, ``dict(str, str)``, ``str``."""
    t = _inner(t)
    if get_origin(t) is Annotated:  # a marked str (contracts.DialString) is the SDK's str
        return swagger_type(t.__origin__)
    origin = getattr(t, "__origin__", None)
    if origin is tuple:
        return f"list[{swagger_type(t.__args__[0])}]"
    if origin is dict:
        key, value = t.__args__
        return f"dict({swagger_type(key)}, {swagger_type(value)})"
    if isinstance(t, type) and issubclass(t, Enum):
        return "str"
    return str(t.__name__)


def ours(model: type) -> dict[str, tuple[str, str, list[str] | None]]:
    """Each attribute's wire name, SDK type spelling and enum values."""
    # The schema's properties are the wire names, in declaration order.
    wire_names = list(contracts.json_schema(model)["properties"])
    table = {}
    for field, wire in zip(attrs.fields(attrs.resolve_types(model)), wire_names, strict=True):
        inner = _inner(field.type)
        enum = (
            [member.value for member in inner]
            if isinstance(inner, type) and issubclass(inner, Enum)
            else None
        )
        table[RENAMED.get((model, field.name), field.name)] = (wire, swagger_type(field.type), enum)
    return table


def allowed_values(sdk_model: type, attribute: str) -> list[str] | None:
    """The ``allowed_values`` list assigned in the SDK property's setter, if it has one."""
    source = textwrap.dedent(inspect.getsource(getattr(sdk_model, attribute).fset))
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "allowed_values" for target in node.targets
        ):
            values: list[str] = ast.literal_eval(node.value)
            return values
    return None


def theirs(sdk: ModuleType, model: type) -> dict[str, tuple[str, str, list[str] | None]]:
    sdk_model = getattr(sdk.models, model.__name__)
    instance = sdk_model()
    return {
        name: (instance.attribute_map[name], swagger, allowed_values(sdk_model, name))
        for name, swagger in instance.swagger_types.items()
    }


def narrowed(model: type, reference: dict[str, tuple[str, str, list[str] | None]]) -> dict[str, Any]:
    """``reference`` with each ``NARROWED`` field of ``model``, an SDK ``object``, typed as the contract types it."""
    declared = ours(model)
    for holder, name in NARROWED:
        if holder is model:
            wire, swagger, values = reference[name]
            assert swagger == "object", f"{model.__name__}.{name} is no longer free-form in the SDK"
            reference = {**reference, name: (wire, declared[name][1], values)}
    return reference


def test_allowed_values_are_read_from_the_setter(sdk: ModuleType) -> None:
    # The reading above must find the lists that exist, or every enum check passes vacuously.
    assert allowed_values(sdk.models.Voicemail, "upload_status") == [
        "pending",
        "complete",
        "failed",
        "timeout",
        "none",
    ]
    assert allowed_values(sdk.models.Voicemail, "id") is None


@by_name(FULL_MODELS)
def test_full_models_equal_the_sdk(sdk: ModuleType, model: type) -> None:
    assert ours(model) == narrowed(model, theirs(sdk, model))


def test_every_narrowed_field_is_a_full_models_field() -> None:
    assert all(model in FULL_MODELS and name in ours(model) for model, name in NARROWED)


def enums_in(model: type) -> set[type]:
    """The enum classes of ``model``'s own fields."""
    return {
        inner
        for field in attrs.fields(attrs.resolve_types(model))
        if isinstance(inner := _inner(field.type), type) and issubclass(inner, WireEnum)
    }


def test_every_enum_is_checked_against_the_sdk_somewhere() -> None:
    # Each model's enums meet their allowed_values in the tests above; none may escape them.
    exported = {
        obj for obj in vars(contracts).values() if isinstance(obj, type) and issubclass(obj, WireEnum)
    }
    checked = set().union(*(enums_in(model) for model in [*FULL_MODELS, *ENVELOPES]))

    assert exported - {WireEnum} <= checked


def test_callback_media_participant_has_its_own_state_and_disconnect_type(sdk: ModuleType) -> None:
    # Unlike a Participant's Callback: no "scheduled", and "donotdisturb" rather than "dnd".
    states = allowed_values(sdk.models.CallbackMediaParticipant, "state")
    disconnects = allowed_values(sdk.models.CallbackMediaParticipant, "disconnect_type")

    assert states is not None
    assert "scheduled" not in states
    assert "scheduled" in (allowed_values(sdk.models.Callback, "state") or [])
    assert disconnects is not None
    assert {"endpoint.donotdisturb", "transfer.donotdisturb"} <= set(disconnects)
    assert [member.value for member in contracts.MediaParticipantState] == states
    assert [member.value for member in contracts.MediaParticipantDisconnectType] == disconnects


@by_name(ENVELOPES)
def test_envelopes_are_subsets_of_the_sdk(sdk: ModuleType, model: type) -> None:
    reference = theirs(sdk, model)
    declared = ours(model)

    assert set(declared) <= set(reference)
    assert declared == {name: reference[name] for name in declared}


def test_the_partial_event_models_leave_out_only_other_media(sdk: ModuleType) -> None:
    # The generic topics' participant: every field but the media lists other than callbacks.
    left_out = set(theirs(sdk, contracts.ConversationEventTopicParticipant)) - set(
        ours(contracts.ConversationEventTopicParticipant)
    )
    media = {"calls", "chats", "cobrowsesessions", "emails", "messages", "internal_messages"}
    media |= {"screen_monitorings", "screenshares", "social_expressions", "videos", "workflow"}

    assert left_out == media


def _unprefixed(table: dict[str, tuple[str, str, list[str] | None]]) -> dict[str, Any]:
    return {
        name: (wire, swagger.replace("Queue", ""), values) for name, (wire, swagger, values) in table.items()
    }


@by_name(CONVERSATION_EVENT_MODELS)
def test_each_queue_topic_class_equals_the_user_topics(sdk: ModuleType, model: type) -> None:
    queue_model = getattr(sdk.models, f"Queue{model.__name__}")

    assert _unprefixed(theirs(sdk, model)) == _unprefixed(
        {
            name: (queue_model().attribute_map[name], swagger, allowed_values(queue_model, name))
            for name, swagger in queue_model().swagger_types.items()
        }
    )


@pytest.mark.parametrize("model", list(QUEUE_TOPIC_BODIES), ids=lambda model: model.__name__)
def test_the_queue_topic_bodies_are_the_user_topics(sdk: ModuleType, model: type) -> None:
    assert [f.name for f in attrs.fields(model)] == [f.name for f in attrs.fields(QUEUE_TOPIC_BODIES[model])]
    assert _unprefixed(ours(model)) == _unprefixed(theirs(sdk, model))


def test_callback_declares_29_fields_once() -> None:
    declared = [(field.name, field.type) for field in attrs.fields(attrs.resolve_types(Callback))]

    assert declared == [
        (field.name, field.type) for field in attrs.fields(attrs.resolve_types(CallbackBasic))
    ]
    assert len(attrs.fields(Callback)) == 29


# The two seed pages: the Python SDK's CallbackBasic and an older Ruby SDK's Callback.
_ROW = re.compile(r"^\| \*\*(\w+)\*\* \| \[?\*\*(.+?)\*\*")
_RUBY = {
    "String": "str",
    "BOOLEAN": "bool",
    "Integer": "int",
    "DateTime": "datetime",
    "Array&lt;": "list[",
    "&gt;": "]",
}


def seed_fields(page: str) -> dict[str, str]:
    """``name -> type`` of a seed page's property table, types in the Python SDK's spelling."""
    fields = {}
    for line in (DATA / page).read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match:
            name, spelled = match.groups()
            for ruby, python in _RUBY.items():
                spelled = spelled.replace(ruby, python)
            fields[name] = spelled
    return fields


@pytest.mark.parametrize(
    ("page", "model", "count"),
    [("seed_python_callback_basic.md", CallbackBasic, 24), ("seed_ruby_callback.md", Callback, 23)],
    ids=["python-callback-basic", "ruby-callback"],
)
def test_every_seed_field_exists_with_its_seed_type(page: str, model: type, count: int) -> None:
    seed = seed_fields(page)
    declared = {name: swagger for name, (_, swagger, _) in ours(model).items()}

    assert len(seed) == count
    assert seed == {name: declared.get(name) for name in seed}


# The SDK reading what the contract writes.
class Response:
    """What ``ApiClient.deserialize`` reads: a body in ``data`` and a content type."""

    def __init__(self, data: str) -> None:
        self.data = data

    def getheader(self, name: str, default: str | None = None) -> str | None:
        return "application/json" if name.lower() == "content-type" else default


def sdk_values(obj: Any, path: str = "$") -> Iterator[tuple[str, Any]]:
    """Every attribute of an SDK object tree with its path, depth first."""
    for name in obj.swagger_types:
        value = getattr(obj, name)
        yield f"{path}.{name}", value
        children = value if isinstance(value, list) else [value]
        for index, child in enumerate(children):
            if hasattr(child, "swagger_types"):
                step = f"{path}.{name}[{index}]" if isinstance(value, list) else f"{path}.{name}"
                yield from sdk_values(child, step)


@by_name([Callback, CallbackBasic])
def test_the_sdk_reads_a_full_payload_completely(sdk: ModuleType, model: type) -> None:
    text = contracts.dumps(contracts.structure(FULL, model))

    obj = sdk.ApiClient().deserialize(Response(text), model.__name__)

    assert type(obj).__name__ == model.__name__
    found = dict(sdk_values(obj))
    assert [path for path, value in found.items() if value is None] == []
    assert [
        path for path, value in found.items() if isinstance(value, str) and value == "outdated_sdk_version"
    ] == []
    assert len([path for path in found if path.count(".") == 1]) == 29


@by_name([contracts.Conversation, contracts.ConversationBasic])
def test_the_sdk_reads_a_conversation_as_it_was_written(sdk: ModuleType, model: type[Any]) -> None:
    written = contracts.structure(CONVERSATION, model)
    client = sdk.ApiClient()

    obj = client.deserialize(Response(contracts.dumps(written)), model.__name__)

    assert "outdated_sdk_version" not in str(obj)
    # The SDK writes isoformat() timestamps; the contract reads them back to the same values.
    assert contracts.structure(client.sanitize_for_serialization(obj), model) == written


def test_the_sdk_degrades_where_tolerant_mode_keeps_the_raw_value(sdk: ModuleType) -> None:
    text = contracts.dumps(contracts.structure({**FULL, "state": "parked"}, Callback, strict=False))

    obj = sdk.ApiClient().deserialize(Response(text), "Callback")

    assert obj.state == "outdated_sdk_version"
    assert contracts.loads(text, Callback, strict=False).state == "parked"


def sdk_none_paths(obj: Any) -> list[str]:
    return [path for path, value in sdk_values(obj) if value is None]


def test_the_sdk_reads_a_full_callback_conversation_completely(sdk: ModuleType) -> None:
    text = contracts.dumps(contracts.structure(CALLBACK_CONVERSATION_FULL, CallbackConversation))

    obj = sdk.ApiClient().deserialize(Response(text), "CallbackConversation")

    assert type(obj).__name__ == "CallbackConversation"
    assert sdk_none_paths(obj) == []
    assert "outdated_sdk_version" not in str(obj)
    assert len(attrs.fields(CallbackMediaParticipant)) == len(obj.participants[0].swagger_types) == 47


# The SDK's name for what each route answers or takes, where it differs from the contract's.
SDK_READS_AS: dict[type, str] = {
    contracts.Empty: "object"
}  # PATCH .../communications/{id}: the SDK returns raw JSON


@pytest.mark.parametrize(
    ("model", "payload"),
    [case for case in CANONICAL if case.values[0] in CALLBACK_CONVERSATION_MODELS + ROUTE_BODIES],
)
def test_the_sdk_reads_each_route_body_as_it_was_written(sdk: ModuleType, model: type, payload: Any) -> None:
    written: Any = contracts.structure(payload, model)
    client = sdk.ApiClient()

    obj = client.deserialize(Response(contracts.dumps(written)), SDK_READS_AS.get(model, model.__name__))

    assert "outdated_sdk_version" not in str(obj)
    # Nothing lost: the SDK ignores a key it does not know, so a misnamed field would vanish here.
    assert contracts.structure(client.sanitize_for_serialization(obj), model) == written
