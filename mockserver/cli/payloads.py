"""Captured payloads for the command line: reading JSON and NDJSON, finding the callbacks inside.

A *record* is one JSON document of an input: a line of an NDJSON file, an element of a top-level
JSON array, or a whole JSON file. Inside a record the callbacks are found by following the
contract's own envelope types (a Conversation's participants, a listing's entities, a campaign's
interactions), so a new envelope field that holds callbacks is followed without a change here.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from functools import cache
from typing import IO, Any

import attrs
import orjson

import contracts
from contracts import (
    Callback,
    CallbackBasic,
    CampaignInteractions,
    Conversation,
    ConversationEntityListing,
    Problem,
    ProblemKind,
    camel,
    unwrap_optional,
)

CALLBACK_MODELS: tuple[type, ...] = (Callback, CallbackBasic)
# The responses a captured file may hold, tried in this order when no model is given.
# ConversationBasic has Conversation's shape, so Conversation stands for both.
ENVELOPES: tuple[type, ...] = (Conversation, ConversationEntityListing, CampaignInteractions)

_NDJSON_SUFFIXES = (".ndjson", ".jsonl")


@attrs.frozen
class Record:
    """One JSON document of an input and its position (see the module docstring)."""

    number: int
    value: Any = None
    syntax_error: Problem | None = None


@attrs.frozen
class Found:
    """A callback inside a record: where it is, its raw JSON and the model it must match."""

    path: str
    value: Any
    model: type


def read_records(stream: IO[bytes], name: str) -> Iterator[Record]:
    """The records of ``stream``: NDJSON by suffix (``.ndjson``, ``.jsonl``), JSON for ``.json``.

    Any other input is sniffed: NDJSON when its first line is a JSON document on its own and more
    lines follow. NDJSON is read a line at a time, so a file of any size takes constant memory.
    """
    if name.endswith(_NDJSON_SUFFIXES):
        yield from _ndjson(enumerate(stream, start=1))
        return
    if name.endswith(".json"):
        yield from _document(stream.read())
        return
    numbered = enumerate(stream, start=1)
    seen: list[bytes] = []
    for number, text in numbered:
        seen.append(text)
        if text.strip():
            head = _decode(number, text)
            break
    else:
        yield from _document(b"".join(seen))
        return
    if head.syntax_error is not None:  # a document spread over lines, or not JSON at all
        yield from _document(b"".join(seen) + stream.read())
        return
    for later in numbered:
        if later[1].strip():  # a second document: one per line
            yield head
            yield from _ndjson(itertools.chain([later], numbered))
            return
    yield from _split(head.value)


def _ndjson(lines: Iterable[tuple[int, bytes]]) -> Iterator[Record]:
    for number, text in lines:
        if text.strip():
            yield _decode(number, text)


def _document(text: bytes) -> Iterator[Record]:
    record = _decode(1, text)
    if record.syntax_error is None:
        yield from _split(record.value)
    else:
        yield record


def _split(document: Any) -> Iterator[Record]:
    # A top-level array is a list of payloads; each element is a record of its own.
    if isinstance(document, list):
        for number, value in enumerate(document, start=1):
            yield Record(number, value)
    else:
        yield Record(1, document)


def _decode(number: int, text: bytes) -> Record:
    try:
        return Record(number, orjson.loads(text))
    except orjson.JSONDecodeError as exc:
        problem = Problem(path="$", expected="JSON text", got=str(exc), kind=ProblemKind.SYNTAX)
        return Record(number, syntax_error=problem)


def detect(value: Any) -> type:
    """The model a record's JSON is taken for: the envelope whose callback holders it carries."""
    if isinstance(value, dict):
        for envelope in ENVELOPES:
            if any(wire in value for wire, _ in holders(envelope)):
                return envelope
    return Callback


def find_callbacks(value: Any, model: type | None, path: str = "$") -> Iterator[Found | Problem]:
    """Every callback in ``value`` read as ``model`` (detected when ``None``), or why it cannot be.

    A JSON array stands for a list of ``model``. The envelope around the callbacks is not
    validated, only followed; where it has the wrong JSON type a ``Problem`` says so.
    """
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from find_callbacks(item, model, f"{path}[{index}]")
        return
    yield from _walk(value, model or detect(value), path)


def _walk(value: Any, t: Any, path: str) -> Iterator[Found | Problem]:
    if t in CALLBACK_MODELS:
        yield Found(path, value, t)
    elif _is_tuple(t):
        if not isinstance(value, list):
            yield _mismatch(path, "an array", value)
            return
        for index, item in enumerate(value):
            yield from _walk(item, t.__args__[0], f"{path}[{index}]")
    elif not isinstance(value, dict):
        yield _mismatch(path, f"an object ({t.__name__})", value)
    else:
        for wire, inner in holders(t):
            if value.get(wire) is not None:
                yield from _walk(value[wire], inner, f"{path}.{wire}")


@cache
def holders(model: type) -> tuple[tuple[str, Any], ...]:
    """The wire names and types of ``model``'s fields that lead to callbacks."""
    return tuple(
        (camel(attribute.name), unwrap_optional(attribute.type))
        for attribute in attrs.fields(attrs.resolve_types(model))
        if _leads_to_callbacks(attribute.type)
    )


def _leads_to_callbacks(t: Any) -> bool:
    t = unwrap_optional(t)
    if t in CALLBACK_MODELS:
        return True
    if _is_tuple(t):
        return _leads_to_callbacks(t.__args__[0])
    return attrs.has(t) and bool(holders(t))


def _is_tuple(t: Any) -> bool:
    return getattr(t, "__origin__", None) is tuple


def _mismatch(path: str, expected: str, value: Any) -> Problem:
    got = orjson.dumps(value).decode()
    got = got if len(got) <= 80 else got[:77] + "..."
    return Problem(path=path, expected=expected, got=got, kind=ProblemKind.TYPE)


def check(found: Found, *, strict: bool) -> list[Problem]:
    """The problems of one callback, their paths rooted at the record."""
    try:
        contracts.structure(found.value, found.model, strict=strict)
    except contracts.ContractError as error:
        return [attrs.evolve(problem, path=found.path + problem.path[1:]) for problem in error.problems]
    return []
