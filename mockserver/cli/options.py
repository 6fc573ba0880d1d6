"""The ``--model`` option: a contract model named on the command line, handed over as the class."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

import contracts

F = TypeVar("F", bound=Callable[..., Any])

# The models fixtures are generated for and schemas asked of most: the callbacks and the
# conversations that carry them.
PAYLOAD_MODELS = ("Callback", "CallbackBasic", "Conversation", "ConversationBasic")
# What the callback routes answer besides those (GET /conversations/callbacks[/{id}], create, patch,
# bulk update, a participant's attributes, wrap-up and wrap-up codes), and the error every route may.
ANSWER_MODELS = (
    "ConversationEntityListing",
    "CampaignInteractions",
    "CallbackConversation",
    "CallbackConversationEntityListing",
    "CreateCallbackResponse",
    "PatchCallbackResponse",
    "BulkCallbackPatchResponse",
    "ParticipantAttributes",
    "AssignedWrapupCode",
    "WrapupCode",
    "ErrorBody",
)
# The bodies a callback client sends.
REQUEST_MODELS = (
    "CreateCallbackCommand",
    "CreateCallbackOnConversationCommand",
    "PatchCallbackRequest",
    "BulkCallbackPatchRequest",
    "BulkCallbackDisconnectRequest",
    "MediaParticipantRequest",
    "WrapupInput",
    "TransferRequest",
    "SetRecordingState",
    "CallCommand",
)
# Every model a callback client reads or sends: what a captured file may hold.
WIRE_MODELS = (*PAYLOAD_MODELS, *ANSWER_MODELS, *REQUEST_MODELS)


def _to_class(_ctx: click.Context, _param: click.Parameter, value: str | None) -> type | None:
    model: type | None = None if value is None else getattr(contracts, value)
    return model


def model_option(names: tuple[str, ...], *, help: str, required: bool = False) -> Callable[[F], F]:
    """``--model NAME``, one of ``names``; the command receives the contract class."""
    return click.option(
        "--model",
        type=click.Choice(names),
        required=required,
        callback=_to_class,
        help=help,
    )
