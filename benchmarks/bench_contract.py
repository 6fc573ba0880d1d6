"""Decode and encode one fully populated Callback: the contract against msgspec and the official SDK.

Run by hand, ``python benchmarks/bench_contract.py [--repeat N] [--breakdown]``; not part of the
test suite. Every figure is the median time per operation over many repeats, all measured in the
same run, so the ratios compare like with like on whatever machine runs it. ``--breakdown`` also
times the parts of a strict decode on their own: JSON parsing, building the frozen attrs objects
from ready values (through ``__init__``, and slot by slot as the strict decoder does), and reading
the timestamps.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import statistics
import tempfile
import timeit
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import attrs
import msgspec
import orjson

import contracts
from contracts._datetimes import format_datetime, parse_datetime

PAYLOAD = Path(__file__).parent.parent / "tests" / "contracts" / "data" / "callback_full.json"

# The same tree as a msgspec.Struct: camelCase names, datetimes, enums as Literal.
State = Literal[
    "alerting",
    "dialing",
    "contacting",
    "offering",
    "connected",
    "disconnected",
    "terminated",
    "scheduled",
    "none",
]
DisconnectType = Literal[
    "endpoint",
    "client",
    "system",
    "timeout",
    "transfer",
    "transfer.conference",
    "transfer.consult",
    "transfer.forward",
    "transfer.noanswer",
    "transfer.notavailable",
    "transport.failure",
    "error",
    "peer",
    "other",
    "spam",
    "uncallable",
]


class Model(msgspec.Struct, rename="camel", omit_defaults=True, forbid_unknown_fields=True, frozen=True):
    """The msgspec counterpart of an attrs contract class.

    Subclasses inherit its configuration; they repeat ``frozen=True`` for mypy, which reads a
    dataclass transform's frozen flag from each class's own keywords, not from its bases.
    """


class Segment(Model, frozen=True):
    start_time: datetime | None = None
    end_time: datetime | None = None
    type: str | None = None
    how_ended: str | None = None
    disconnect_type: str | None = None


class PhoneNumberColumn(Model, frozen=True):
    column_name: str | None = None
    type: str | None = None
    callable_time_column_name: str | None = None


class DialerPreview(Model, frozen=True):
    id: str | None = None
    contact_id: str | None = None
    contact_list_id: str | None = None
    campaign_id: str | None = None
    phone_number_columns: tuple[PhoneNumberColumn, ...] | None = None
    callback_auto_answer: bool | None = None


class Voicemail(Model, frozen=True):
    id: str | None = None
    upload_status: Literal["pending", "complete", "failed", "timeout", "none"] | None = None


class Wrapup(Model, frozen=True):
    code: str | None = None
    name: str | None = None
    notes: str | None = None
    tags: tuple[str, ...] | None = None
    duration_seconds: int | None = None
    end_time: datetime | None = None
    provisional: bool | None = None


class AfterCallWork(Model, frozen=True):
    start_time: datetime | None = None
    end_time: datetime | None = None
    state: Literal["unknown", "notApplicable", "skipped", "pending", "complete"] | None = None


class ConversationQueueMediaSettings(Model, frozen=True):
    alerting_timeout_seconds: int | None = None
    auto_answer_alert_tone_seconds: float | None = None
    manual_answer_alert_tone_seconds: float | None = None
    enable_auto_answer: bool | None = None


class Callback(Model, frozen=True):
    state: State | None = None
    initial_state: State | None = None
    id: str | None = None
    segments: tuple[Segment, ...] | None = None
    direction: Literal["inbound", "outbound"] | None = None
    held: bool | None = None
    disconnect_type: DisconnectType | None = None
    start_hold_time: datetime | None = None
    dialer_preview: DialerPreview | None = None
    voicemail: Voicemail | None = None
    callback_numbers: tuple[str, ...] | None = None
    callback_user_name: str | None = None
    script_id: str | None = None
    external_campaign: bool | None = None
    skip_enabled: bool | None = None
    timeout_seconds: int | None = None
    start_alerting_time: datetime | None = None
    connected_time: datetime | None = None
    disconnected_time: datetime | None = None
    callback_scheduled_time: datetime | None = None
    automated_callback_config_id: str | None = None
    provider: str | None = None
    peer_id: str | None = None
    wrapup: Wrapup | None = None
    after_call_work: AfterCallWork | None = None
    after_call_work_required: bool | None = None
    caller_id: str | None = None
    caller_id_name: str | None = None
    queue_media_settings: ConversationQueueMediaSettings | None = None


class Response:
    """What the SDK's ``ApiClient.deserialize`` reads: a body and a content type."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def getheader(self, name: str, default: str | None = None) -> str | None:
        return "application/json" if name.lower() == "content-type" else default


def sdk_deserializer() -> Callable[[bytes], Any]:
    """The official SDK's decoder, imported away from the user's ``~/.genesyscloudpython``."""
    home = os.environ.get("HOME")
    with tempfile.TemporaryDirectory() as empty_home:
        os.environ["HOME"] = empty_home
        try:
            import PureCloudPlatformClientV2 as sdk
        finally:
            if home is None:
                del os.environ["HOME"]
            else:
                os.environ["HOME"] = home
    sdk.Configuration().live_reload_config = False
    client = sdk.ApiClient()
    return lambda data: client.deserialize(Response(data), "Callback")


def median_us(operation: Callable[[], object], repeat: int) -> float:
    """The median time of one call of ``operation``, in microseconds."""
    timer = timeit.Timer(operation)
    number, _ = timer.autorange()  # calls per repeat: at least 0.2 s worth
    number = max(1, number // 4)
    return statistics.median(timer.repeat(repeat=repeat, number=number)) / number * 1e6


def objects(obj: Any) -> Iterator[Any]:
    """``obj`` and every attrs object nested in it, depth first."""
    yield obj
    for field in attrs.fields(type(obj)):
        value = getattr(obj, field.name)
        for item in value if isinstance(value, tuple) else (value,):
            if attrs.has(type(item)):
                yield from objects(item)


def breakdown(wire: bytes, model: Any, repeat: int) -> dict[str, float]:
    """The parts of a strict decode of ``wire`` into ``model``, each timed on its own."""
    ready = [(type(obj), attrs.asdict(obj, recurse=False)) for obj in objects(model)]
    # The same classes without frozen=True: what object.__setattr__ per field costs.
    unfrozen = {
        cls: attrs.make_class(cls.__name__, dict.fromkeys(values, attrs.field(default=None)), kw_only=True)
        for cls, values in ready
    }
    stamps = [format_datetime(v) for _, values in ready for v in values.values() if isinstance(v, datetime)]
    mapping = orjson.loads(wire)

    def build(frozen: bool) -> Callable[[], None]:
        def construct() -> None:
            for cls, values in ready:
                (cls if frozen else unfrozen[cls])(**values)

        return construct

    # What the strict decoder does instead of a frozen __init__: each slot's own setter.
    setters = [
        (cls, [(inspect.getattr_static(cls, name).__set__, value) for name, value in values.items()])
        for cls, values in ready
    ]

    def set_slots() -> None:
        for cls, fields in setters:
            obj = object.__new__(cls)
            for set_slot, value in fields:
                set_slot(obj, value)

    def read_stamps() -> None:
        for stamp in stamps:
            parse_datetime(stamp)

    return {
        "orjson.loads": median_us(lambda: orjson.loads(wire), repeat),
        "structure (strict)": median_us(lambda: contracts.structure(mapping, type(model)), repeat),
        f"  {len(ready)} frozen attrs __init__": median_us(build(frozen=True), repeat),
        f"  {len(ready)} unfrozen attrs __init__": median_us(build(frozen=False), repeat),
        f"  {len(ready)} frozen, slots set directly": median_us(set_slots, repeat),
        f"  {len(stamps)} timestamps parsed": median_us(read_stamps, repeat),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=41, help="repeats per measurement (default 41)")
    parser.add_argument("--breakdown", action="store_true", help="also time the parts of a strict decode")
    args = parser.parse_args()
    repeat = args.repeat

    wire = json.dumps(json.loads(PAYLOAD.read_bytes()), separators=(",", ":")).encode()
    model = contracts.loads(wire, contracts.Callback)
    decoder = msgspec.json.Decoder(Callback)
    encoder = msgspec.json.Encoder()
    struct = decoder.decode(wire)
    sdk_decode = sdk_deserializer()
    # The three read the same payload, and the contract writes what it read.
    assert contracts.loads(contracts.dumps(model), contracts.Callback) == model
    assert decoder.decode(encoder.encode(struct)) == struct
    assert sdk_decode(wire).wrapup.tags == ["billing", "resolved"]

    times = {
        "loads (contract, strict)": median_us(lambda: contracts.loads(wire, contracts.Callback), repeat),
        "msgspec decode": median_us(lambda: decoder.decode(wire), repeat),
        "SDK ApiClient.deserialize": median_us(lambda: sdk_decode(wire), max(5, repeat // 4)),
        "dumps (contract, .SSSZ)": median_us(lambda: contracts.dumps(model), repeat),
        "msgspec encode": median_us(lambda: encoder.encode(struct), repeat),
        "loads (contract, tolerant)": median_us(
            lambda: contracts.loads(wire, contracts.Callback, strict=False), repeat
        ),
    }

    print(f"One fully populated Callback, {len(wire)} bytes of wire JSON; median of {repeat} repeats.\n")
    for name, micros in times.items():
        print(f"  {name:<28} {micros:10.2f} us")

    decode = times["loads (contract, strict)"]
    targets = [
        ("loads / msgspec decode", decode / times["msgspec decode"], "<=", 8.0),
        ("SDK deserialize / loads", times["SDK ApiClient.deserialize"] / decode, ">=", 20.0),
        ("dumps / msgspec encode", times["dumps (contract, .SSSZ)"] / times["msgspec encode"], "<=", 12.0),
    ]
    print(f"\n  {'ratio':<28} {'measured':>10}   target   result")
    for name, ratio, sense, bound in targets:
        passed = ratio <= bound if sense == "<=" else ratio >= bound
        print(f"  {name:<28} {ratio:9.1f}x   {sense} {bound:4.0f}x   {'PASS' if passed else 'FAIL'}")

    if args.breakdown:
        print("\n  Parts of a strict decode, each on its own:")
        for name, micros in breakdown(wire, model, repeat).items():
            print(f"  {name:<28} {micros:10.2f} us")


if __name__ == "__main__":
    main()
