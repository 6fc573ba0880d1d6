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
# Whole responses a captured file may hold besides those.
RESPONSE_MODELS = (*PAYLOAD_MODELS, "ConversationEntityListing", "CampaignInteractions")


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
