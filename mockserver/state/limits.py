"""The bounds of what the API stores, so a client cannot grow the server without end.

The reference states none of these numbers; each is the mock's own, a setting (``MAX_*`` in
``mockserver.config.DEFAULTS``), and answered with the code the API has for it where it has one:
too many callbacks on one conversation (``callback.error.scheduled.callback.limit.exceeded``), too
many attributes (``callback.error.scheduled.callback.number.limit.exceeded``, "Number of
attributes has exceeded the limit"). What the reference does state (a callback at most 30 days
ahead, 20 channels per token) is checked where it applies. Nothing here imports Flask.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from typing import Annotated, Any, Union, get_args, get_origin

import attrs
from attrs import frozen

import contracts
from mockserver.config import DEFAULTS
from mockserver.state.errors import ApiError

# The fields whose size a bound counts, and which bound (an attribute of Limits) counts it.
COUNTED = {"callback_numbers": "callback_numbers", "data": "attributes", "attributes": "attributes"}
ATTRIBUTES_CODE = "callback.error.scheduled.callback.number.limit.exceeded"
CALLBACKS_CODE = "callback.error.scheduled.callback.limit.exceeded"


@frozen
class Limits:
    """The bounds, from the settings of the same names."""

    conversations: int = DEFAULTS["MAX_CONVERSATIONS"]  # stored at once
    text: int = DEFAULTS["MAX_TEXT_LENGTH"]  # characters of any text in a request body
    callback_numbers: int = DEFAULTS["MAX_CALLBACK_NUMBERS"]  # in one command
    attributes: int = DEFAULTS["MAX_ATTRIBUTES"]  # a command's data; a participant's attributes
    callbacks: int = DEFAULTS["MAX_CALLBACKS"]  # customer callbacks in one conversation

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> Limits:
        return cls(
            conversations=int(config.get("MAX_CONVERSATIONS", DEFAULTS["MAX_CONVERSATIONS"])),
            text=int(config.get("MAX_TEXT_LENGTH", DEFAULTS["MAX_TEXT_LENGTH"])),
            callback_numbers=int(config.get("MAX_CALLBACK_NUMBERS", DEFAULTS["MAX_CALLBACK_NUMBERS"])),
            attributes=int(config.get("MAX_ATTRIBUTES", DEFAULTS["MAX_ATTRIBUTES"])),
            callbacks=int(config.get("MAX_CALLBACKS", DEFAULTS["MAX_CALLBACKS"])),
        )

    def schema(self, model: Any) -> dict[str, Any] | None:
        """The JSON Schema keywords these bounds add to a request body of ``model`` (for the document),
        as the checks below apply them; None if they add none."""
        return _bounds(self, model, None)

    def check_texts(self, body: Any) -> None:
        """Every text of ``body`` (a contract model, or its wire value), a map's keys too, at most
        ``text`` characters."""
        wire = contracts.unstructure(body) if attrs.has(type(body)) else body
        for path, text in _texts(wire, "$"):
            if len(text) > self.text:
                message = f"{path} must be at most {self.text} characters; got {len(text)} characters."
                raise ApiError.invalid("invalid.value", path, message)

    def check_numbers(self, numbers: tuple[str, ...] | None, path: str = "$.callbackNumbers") -> None:
        if numbers is not None and len(numbers) > self.callback_numbers:
            message = f"{path} must hold at most {self.callback_numbers} numbers; got {len(numbers)}."
            raise ApiError.invalid("invalid.value", path, message)

    def check_attributes(self, attributes: Mapping[str, str] | None, path: str) -> None:
        if attributes is not None and len(attributes) > self.attributes:
            message = (
                f"Number of attributes has exceeded the limit: {path} may hold {self.attributes}; "
                f"got {len(attributes)}."
            )
            raise ApiError.invalid(ATTRIBUTES_CODE, path, message)

    def check_callbacks(self, held: int) -> None:
        """A conversation holding ``held`` customer callbacks may take one more."""
        if held >= self.callbacks:
            message = (
                "Number of callbacks has been exceeded for a single conversation: "
                f"it holds {held}, at most {self.callbacks}."
            )
            raise ApiError.invalid(CALLBACKS_CODE, "$", message)

    def check_room(self, stored: int, more: int, path: str = "$") -> None:
        """Whether ``more`` conversations fit beside the ``stored`` ones."""
        if stored + more > self.conversations:
            message = (
                f"The mock holds at most {self.conversations} conversations (MAX_CONVERSATIONS) and "
                f"holds {stored}: {more} more do not fit. Delete some, or reset."
            )
            raise ApiError(
                400,
                "bad.request",
                message,
                details=(contracts.Detail(error_code="bad.request", field_name=path),),
            )


def _texts(value: Any, path: str) -> Any:
    """(path, text) of every string in a wire value, a map's keys included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if key.isidentifier() else f"{path}[{key!r}]"
            yield inner, key
            yield from _texts(item, inner)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, f"{path}[{index}]")


def _bounds(
    limits: Limits, t: Any, name: str | None, within: frozenset[type] = frozenset()
) -> dict[str, Any] | None:
    """The bounds' keywords for a value of type ``t`` held in the field ``name``.

    ``within``: the classes this value is nested in; a class within itself (``ErrorBody.errors``,
    reached through a participant's emails) adds no bounds the outer one does not state.
    """
    if get_origin(t) in (Union, types.UnionType):
        t = next(arg for arg in get_args(t) if arg is not type(None))
    if get_origin(t) is Annotated:  # a marked str (contracts.DialString) is bounded as one
        t = get_args(t)[0]
    counted = getattr(limits, COUNTED[name]) if name in COUNTED else None
    if t is str:
        return {"maxLength": limits.text}
    if get_origin(t) is tuple:
        inner = _bounds(limits, get_args(t)[0], None, within)
        keywords: dict[str, Any] = {} if inner is None else {"items": inner}
        return {**keywords, "maxItems": counted} if counted is not None else keywords or None
    if get_origin(t) is dict:
        keywords = {"propertyNames": {"maxLength": limits.text}}
        value = _bounds(limits, get_args(t)[1], None, within)
        if value is not None:
            keywords["additionalProperties"] = value
        return {**keywords, "maxProperties": counted} if counted is not None else keywords
    if attrs.has(t) and t not in within:
        fields = attrs.fields(attrs.resolve_types(t))
        properties = {contracts.camel(f.name): _bounds(limits, f.type, f.name, within | {t}) for f in fields}
        kept = {key: value for key, value in properties.items() if value is not None}
        return {"properties": kept} if kept else None
    return None
