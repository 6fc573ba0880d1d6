"""Captured payloads for the command line: reading JSON and NDJSON, checking each payload whole.

A *record* is one JSON document of an input: a line of an NDJSON file, an element of a top-level
JSON array, or a whole JSON file. A *payload* is a record read as one contract model (a record that
is itself a JSON array holds one payload per element), and is decoded whole by the contract, so a
Conversation's own fields are checked as strictly as its callbacks. The model of a record is
detected from the contract's own envelope types (the fields that lead to callbacks: a
Conversation's participants, a listing's entities, a campaign's interactions), so a new envelope
field is followed without a change here; the callbacks are counted the same way.
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
class Payload:
    """A payload inside a record: where it is, its raw JSON and the model it must match."""

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
            # Without its line break, so a syntax error's position is within this line.
            yield _decode(number, text.rstrip(b"\r\n"), line=number)


def _document(text: bytes) -> Iterator[Record]:
    if not text.strip():  # an empty capture holds no record, as an empty NDJSON file does
        return
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


def _decode(number: int, text: bytes, *, line: int = 1) -> Record:
    """Record ``number`` from ``text``, which starts on ``line`` of its input."""
    try:
        return Record(number, orjson.loads(text))
    except orjson.JSONDecodeError as exc:
        # orjson counts lines and columns (in characters) from the start of ``text``.
        where = f"line {line + exc.lineno - 1} column {exc.colno}"
        problem = Problem(path="$", expected="JSON text", got=f"{exc.msg}: {where}", kind=ProblemKind.SYNTAX)
        return Record(number, syntax_error=problem)


def detect(value: Any) -> type:
    """The model a record's JSON is taken for: the envelope whose callback holders it carries."""
    if isinstance(value, dict):
        for envelope in ENVELOPES:
            if any(wire in value for wire, _ in holders(envelope)):
                return envelope
    return Callback


def payloads(value: Any, model: type | None, path: str = "$") -> Iterator[Payload]:
    """The payloads of a record's JSON ``value``, each to be read as ``model`` (detected when ``None``).

    A JSON array stands for a list of payloads.
    """
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from payloads(item, model, f"{path}[{index}]")
        return
    yield Payload(path, value, model or detect(value))


def check(payload: Payload, *, strict: bool) -> list[Problem]:
    """Every problem of one payload decoded whole, its paths rooted at the record."""
    try:
        contracts.structure(payload.value, payload.model, strict=strict)
    except contracts.ContractError as error:
        return [attrs.evolve(problem, path=payload.path + problem.path[1:]) for problem in error.problems]
    return []


def count_callbacks(value: Any, t: Any) -> int:
    """How many callbacks the JSON ``value`` of type ``t`` holds, by the envelope's fields.

    Only followed, not checked: where the JSON has the wrong shape, nothing is counted (``check``
    names the problem).
    """
    if t in CALLBACK_MODELS:
        return 1
    if _is_tuple(t):
        element = t.__args__[0]
        return sum(count_callbacks(item, element) for item in value) if isinstance(value, list) else 0
    if not isinstance(value, dict):
        return 0
    return sum(count_callbacks(value[wire], inner) for wire, inner in holders(t) if wire in value)


@cache
def holders(model: type) -> tuple[tuple[str, Any], ...]:
    """The wire names and types of ``model``'s fields that lead to callbacks."""
    return tuple(
        (camel(attribute.name), unwrap_optional(attribute.type))
        for attribute in attrs.fields(attrs.resolve_types(model))
        if _leads_to_callbacks(attribute.type, frozenset({model}))
    )


def _leads_to_callbacks(t: Any, within: frozenset[type]) -> bool:
    """Whether a value of type ``t`` can hold a callback; ``within``: the models it is nested in
    (a model within itself, as ``ErrorBody.errors``, leads nowhere its outer one does not)."""
    t = unwrap_optional(t)
    if t in CALLBACK_MODELS:
        return True
    if _is_tuple(t):
        return _leads_to_callbacks(t.__args__[0], within)
    if not attrs.has(t) or t in within:
        return False
    return any(_leads_to_callbacks(a.type, within | {t}) for a in attrs.fields(attrs.resolve_types(t)))


def _is_tuple(t: Any) -> bool:
    return getattr(t, "__origin__", None) is tuple
