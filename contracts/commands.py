"""Request and response bodies of the callback commands, and the API's error body."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from contracts._fields import one_of_required, optional, required
from contracts.entities import DomainEntityRef, ScoredAgent
from contracts.enums import CallbackIdentifierType, DeliveryMode
from contracts.media_enums import LimitNamespace
from contracts.phone import DIAL_PATTERN, E164_PATTERN, DialString

# Callback numbers: at least one, each a number the API reads with no country code. The server
# takes more (``mockserver.state.numbers``: national numbers with a countryCode, anything when
# validateCallbackNumbers is false); the schema states the part it can without the other fields.
_NUMBERS = {"minItems": 1, "items": {"pattern": DIAL_PATTERN}}


@frozen(kw_only=True)
class RoutingData:
    """Where and how to route a new callback."""

    queue_id: str | None = optional("The identifier of the routing queue")
    language_id: str | None = optional("The identifier of a language to be considered in routing")
    label: str | None = optional("An optional label that categorizes the conversation.")
    priority: int | None = optional("The priority for routing")
    skill_ids: tuple[str, ...] | None = optional("A list of skill identifiers to be considered in routing")
    skill_expression: str | None = optional("An expression of the skills to be considered in routing")
    preferred_agent_ids: tuple[str, ...] | None = optional("A list of agents to be preferred in routing")
    scored_agents: tuple[ScoredAgent, ...] | None = optional(
        "A list of scored agents for routing decisions. For Agent Owned Callbacks use one scored agent "
        "with a score of 100."
    )
    routing_flags: tuple[str, ...] | None = optional(
        "An array of flags indicating how the conversation should be routed. Use "
        '"AGENT_OWNED_CALLBACK" when creating an Agent Owned Callback.'
    )


@one_of_required("queueId", "routingData.queueId")
@frozen(kw_only=True)
class CreateCallbackCommand:
    """The body of ``POST /api/v2/conversations/callbacks``."""

    callback_numbers: tuple[DialString, ...] = required(
        "A list of phone numbers for the callback.", **_NUMBERS
    )
    script_id: str | None = optional("The identifier of the script to be used for the callback")
    queue_id: str | None = optional(
        "The identifier of the queue to be used for the callback. Either queueId or routingData is required."
    )
    routing_data: RoutingData | None = optional(
        "The routing data to be used for the callback. Either queueId or routingData is required."
    )
    customer_first_callback_delivery_mode: DeliveryMode | None = optional(
        "The delivery mode for a customer-first callback."
    )
    callback_user_name: str | None = optional("The name of the party to be called back.")
    callback_scheduled_time: datetime | None = optional(
        "The scheduled date-time for the callback. If absent, the callback is placed immediately."
    )
    country_code: str | None = optional("The country code to be associated with the callback numbers.")
    validate_callback_numbers: bool | None = optional(
        "Whether or not to validate the callback numbers for phone number format."
    )
    data: dict[str, str] | None = optional(
        "A map of key-value pairs containing additional data that can be associated to the callback. These values will appear in the attributes property on the conversation participant."
    )
    caller_id: str | None = optional(
        "The phone number displayed to recipients when a phone call is placed as part of the callback.",
        pattern=E164_PATTERN,
    )
    caller_id_name: str | None = optional(
        "The name displayed to recipients when a phone call is placed as part of the callback."
    )


@frozen(kw_only=True)
class CreateCallbackOnConversationCommand(CreateCallbackCommand):
    """The body of ``POST /api/v2/conversations/{conversationId}/participants/{participantId}/callbacks``."""


# A patch changes something (400 callback.error.missing.required.information.for.patch.request):
# the API's text names "a scheduled time or queueId"; the mock takes any change it acts on or keeps.
@one_of_required(
    "callbackScheduledTime", "queueId", "agentId", "callbackNumbers", "customerFirstCallbackDeliveryMode"
)
@frozen(kw_only=True)
class PatchCallbackRequest:
    """The body of ``PATCH /api/v2/conversations/callbacks``."""

    conversation_id: str = required("The conversationId.", entity="conversation")
    queue_id: str | None = optional("The identifier of the queue to be used for the callback.")
    agent_id: str | None = optional("The agentId.")
    callback_scheduled_time: datetime | None = optional("The scheduled date-time for the callback.")
    country_code: str | None = optional("The country code to be associated with the callback numbers.")
    callback_numbers: tuple[DialString, ...] | None = optional(
        "A list of phone numbers for the callback.", **_NUMBERS
    )
    validate_callback_numbers: bool | None = optional(
        "Whether or not to validate the callback numbers for phone number format."
    )
    customer_first_callback_delivery_mode: DeliveryMode | None = optional(
        "The delivery mode for a customer-first callback."
    )


@frozen(kw_only=True)
class BulkCallbackPatchRequest:
    """The body of ``POST /api/v2/conversations/callbacks/bulk/update``."""

    patch_callback_requests: tuple[PatchCallbackRequest, ...] = required(
        "The list of requests to update callbacks in bulk"
    )


@frozen(kw_only=True)
class CallbackIdentifier:
    """One id a created callback is known by."""

    type: CallbackIdentifierType = required("The type of the associated callback participant")
    id: str = required("The identifier of the callback")


@frozen(kw_only=True)
class CreateCallbackResponse:
    """The answer to a create; ``PatchCallbackResponse`` has the same shape."""

    conversation: DomainEntityRef | None = optional(
        "The conversation associated with the callback", entity="conversation"
    )
    callback_identifiers: tuple[CallbackIdentifier, ...] | None = optional(
        "The list of communication identifiers for the callback participants", entity="callback"
    )


@frozen(kw_only=True)
class PatchCallbackResponse(CreateCallbackResponse):
    """The answer to a patch."""


@frozen(kw_only=True)
class BulkError:
    """Why one operation of a bulk request failed."""

    message: str | None = optional("Error message of the bulk operation result.")
    code: str | None = optional("Error code of the bulk operation result.")


@frozen(kw_only=True)
class BulkResult:
    """The outcome of one operation of a bulk request: its error or its entity."""

    error: BulkError | None = optional("Error details if the operation failed.")
    # The SDK types this a free-form object; for a callback patch it is the patch's own answer.
    entity: PatchCallbackResponse | None = optional("The result of the operation if it succeeded.")


@frozen(kw_only=True)
class BulkCallbackPatchResponse:
    """The answer to ``POST /api/v2/conversations/callbacks/bulk/update``."""

    results: tuple[BulkResult, ...] | None = optional("A list of the results from the bulk operation.")
    error_count: int | None = optional("The number of errors from the bulk operation.")
    error_indexes: tuple[int, ...] | None = optional("An index of where the errors are in the listing.")


@frozen(kw_only=True)
class CallbackDisconnectIdentifier:
    """One callback to disconnect."""

    conversation_id: str = required("Conversation id", entity="conversation")
    callback_id: str = required("The id of the callback", entity="callback")


@frozen(kw_only=True)
class BulkCallbackDisconnectRequest:
    """The body of ``POST /api/v2/conversations/callbacks/bulk/disconnect``."""

    callback_disconnect_identifiers: tuple[CallbackDisconnectIdentifier, ...] = required(
        "A list of Callback identifiers to disconnect"
    )


@frozen(kw_only=True)
class Detail:
    """One detail of an error: usually the field at fault."""

    error_code: str | None = optional("The error code of this detail.")
    field_name: str | None = optional("The field at fault, as a JSON path.")
    entity_id: str | None = optional("The id of the entity at fault.")
    entity_name: str | None = optional("The name of the entity at fault.")


@frozen(kw_only=True)
class Limit:
    """The limit an error reached: its key, namespace and value."""

    key: str | None = optional("The key of this Limit.")
    namespace: LimitNamespace | None = optional("The namespace of this Limit.")
    value: int | None = optional("The value of this Limit.")


@frozen(kw_only=True)
class ErrorBody:
    """The body of every error response of the API."""

    message: str | None = optional("A human readable message.")
    code: str | None = optional("A machine readable error code, such as bad.request.")
    status: int | None = optional("The HTTP status.")
    entity_id: str | None = optional("The id of the entity at fault.")
    entity_name: str | None = optional("The name of the entity at fault.")
    message_with_params: str | None = optional("The message with {placeholders} for messageParams.")
    message_params: dict[str, str] | None = optional("The values of the message's placeholders.")
    context_id: str | None = optional("The correlation id of the request.")
    details: tuple[Detail, ...] | None = optional("The details of the error.")
    errors: tuple[ErrorBody, ...] | None = optional("Nested errors.")
    limit: Limit | None = optional("The limit the request reached, if a limit is why it failed.")
