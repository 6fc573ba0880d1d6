"""Factories of the models nested in a callback, each cut from a consistent callback.

A wrap-up, a segment or an after-call work record is only realistic as part of a callback's
life, so each nested factory builds the callback that would carry it and hands back that part.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, TypeVar

import attrs

from contracts import (
    AfterCallWork,
    ConversationQueueMediaSettings,
    DialerPreview,
    PhoneNumberColumn,
    Segment,
    Voicemail,
    Wrapup,
)
from factories._base import Factory
from factories._overrides import apply, contract_problems
from factories.callbacks import CallbackFactory
from factories.errors import OverrideError, OverrideKind

N = TypeVar("N")


class _NestedFactory(Factory[N]):
    """Builds a callback of the trait's stage and returns one of its parts."""

    # trait -> (callback trait, attribute path: a field name, then an index into a tuple)
    __source__: ClassVar[dict[str, tuple[str, str, int]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "traits" not in cls.__dict__:  # a factory that names its own traits keeps them
            cls.traits = tuple(cls.__source__)

    def __init__(
        self, seed: int | None = None, *, now: datetime | None = None, locale: str | None = None
    ) -> None:
        super().__init__(seed, now=now, locale=locale)
        self._callbacks = CallbackFactory(self.seed, now=now, locale=self.locale)

    def build(self, trait: str | None = None, **overrides: Any) -> N:
        """One object, as a callback at the trait's stage carries it; ``overrides`` by field name."""
        name = self.trait(trait) or next(iter(self.__source__))
        source, field, index = self.__source__[name]
        part: Any = getattr(self._callbacks.build(source), field)
        if isinstance(part, tuple):
            part = part[index]
        return self._overridden(name, part, overrides)

    def _overridden(self, trait: str, part: Any, overrides: dict[str, Any]) -> N:
        """``part`` with ``overrides`` merged in; ``OverrideError`` if they do not fit or break the contract."""
        if not overrides:
            return part  # type: ignore[no-any-return]
        fields = attrs.asdict(part, recurse=False)
        problems: list[str] = []
        apply(self.__model__, fields, overrides, problems, "$.")
        if problems:
            raise OverrideError(type(self).__name__, trait, overrides, problems, kind=OverrideKind.INVALID)
        built: N = self.__model__(**fields)
        problems = contract_problems(built)
        if problems:
            raise OverrideError(type(self).__name__, trait, overrides, problems, kind=OverrideKind.CONTRACT)
        return built


class SegmentFactory(_NestedFactory[Segment]):
    """Segments: ``closed`` (a finished conversation), ``open`` (in progress), ``scheduled``, ``alert``."""

    __model__ = Segment
    __source__: ClassVar[dict[str, tuple[str, str, int]]] = {
        "closed": ("disconnected", "segments", -1),
        "open": ("connected", "segments", -1),
        "scheduled": ("scheduled", "segments", 0),
        "alert": ("unanswered", "segments", 0),
    }


class WrapupFactory(_NestedFactory[Wrapup]):
    """The wrap-up of a finished callback: code and name from the org's list, notes, tags, duration."""

    __model__ = Wrapup
    __source__: ClassVar[dict[str, tuple[str, str, int]]] = {"complete": ("disconnected", "wrapup", 0)}


class AfterCallWorkFactory(_NestedFactory[AfterCallWork]):
    """After-call work: ``complete`` (with an end) or ``pending`` (started, not ended)."""

    __model__ = AfterCallWork
    __source__: ClassVar[dict[str, tuple[str, str, int]]] = {
        "complete": ("disconnected", "after_call_work", 0),
        "pending": ("after_call_work", "after_call_work", 0),
    }


class VoicemailFactory(_NestedFactory[Voicemail]):
    """The voicemail of an ACD voicemail callback."""

    __model__ = Voicemail
    __source__: ClassVar[dict[str, tuple[str, str, int]]] = {"complete": ("voicemail", "voicemail", 0)}


class DialerPreviewFactory(_NestedFactory[DialerPreview]):
    """The dialer preview of an outbound preview callback."""

    __model__ = DialerPreview
    __source__: ClassVar[dict[str, tuple[str, str, int]]] = {"preview": ("preview", "dialer_preview", 0)}


class PhoneNumberColumnFactory(_NestedFactory[PhoneNumberColumn]):
    """A phone number column of a preview's contact list: ``cell`` or ``home``."""

    __model__ = PhoneNumberColumn
    __source__: ClassVar[dict[str, tuple[str, str, int]]] = {"cell": ("preview", "dialer_preview", 0)}
    traits = ("cell", "home")

    def build(self, trait: str | None = None, **overrides: Any) -> PhoneNumberColumn:
        """A column of the preview's contact list; ``overrides`` by field name."""
        name = self.trait(trait) or "cell"
        preview = self._callbacks.build("preview").dialer_preview
        columns = preview.phone_number_columns if preview is not None else None
        column = (columns or ())[self.traits.index(name)]
        return self._overridden(name, column, overrides)


class ConversationQueueMediaSettingsFactory(_NestedFactory[ConversationQueueMediaSettings]):
    """The media settings a queue stamps on its callbacks."""

    __model__ = ConversationQueueMediaSettings
    __source__: ClassVar[dict[str, tuple[str, str, int]]] = {
        "default": ("scheduled", "queue_media_settings", 0)
    }
