"""``callback-contracts generate``: fixture files of realistic payloads, for teams outside Python."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import IO, Any

import click
import orjson

from contracts import Callback, CallbackBasic, Conversation, ConversationBasic, parse_datetime
from factories import CallbackBasicFactory, CallbackFactory, ConversationFactory, UnknownTraitError
from mockserver.cli.options import PAYLOAD_MODELS, model_option

FACTORIES: dict[type, Callable[..., Any]] = {
    Callback: CallbackFactory,
    CallbackBasic: CallbackBasicFactory,
    Conversation: ConversationFactory,
    ConversationBasic: partial(ConversationFactory, basic=True),
}
# A fixed clock by default, so that the same seed gives the same bytes on any day.
DEFAULT_NOW = "2030-01-15T12:00:00.000Z"
# Runs this long get a progress bar, when stderr is a terminal; shorter ones finish first.
PROGRESS_FROM = 10_000
_PROGRESS_STEP = 1_000


def _parse_now(_ctx: click.Context, _param: click.Parameter, value: str) -> datetime:
    try:
        return parse_datetime(value)
    except ValueError:
        raise click.BadParameter(f"expected an ISO-8601 datetime, got {value!r}") from None


_TRAIT_HELP = (
    "The lifecycle stage of every payload; default: Callback/CallbackBasic "
    f"{CallbackFactory.__default_trait__}, Conversation/ConversationBasic "
    f"{ConversationFactory.__default_trait__}. Callback/CallbackBasic: {', '.join(CallbackFactory.traits)}. "
    f"Conversation/ConversationBasic: {', '.join(ConversationFactory.traits)}."
)


@click.command()
@model_option(PAYLOAD_MODELS, required=True, help="The model of the payloads.")
@click.option("--count", type=click.IntRange(min=0), default=1, show_default=True, help="How many payloads.")
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed gives the same bytes.")
@click.option("--trait", default=None, help=_TRAIT_HELP)
@click.option(
    "--now",
    default=DEFAULT_NOW,
    show_default=True,
    callback=_parse_now,
    help="The instant the payloads' timelines end at (ISO-8601).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "ndjson"]),
    default="json",
    show_default=True,
    help="A JSON array, or one payload per line.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True, path_type=Path),
    default="-",
    help="The file to write: whole or not at all (it appears when the last payload is written).",
)
def generate(
    *, model: type, count: int, seed: int, trait: str | None, now: datetime, fmt: str, output: Path
) -> None:
    """Write realistic, seeded payloads of a model as JSON or NDJSON.

    Payloads are streamed as they are built, in constant memory. A long run shows a progress
    bar on stderr when stderr is a terminal.
    """
    factory = FACTORIES[model](seed, now=now)
    try:
        factory.trait(trait)
    except UnknownTraitError:
        raise click.BadParameter(
            f"{trait!r} is not a trait of {model.__name__}; choose from {', '.join(factory.traits)}",
            param_hint="'--trait'",
        ) from None
    payloads = _take(factory.stream(trait, wire=True), count)
    try:
        with _destination(output) as stream:
            if count >= PROGRESS_FROM and _is_terminal(sys.stderr):
                label = f"{model.__name__} x {count}"
                with click.progressbar(length=count, label=label, file=sys.stderr) as bar:
                    _write(stream, _counted(payloads, bar.update), fmt)
            else:
                _write(stream, payloads, fmt)
    except BrokenPipeError:  # the reader has gone (``generate | head``): stop quietly
        sys.stderr.close()
        sys.exit(1)


@contextmanager
def _destination(output: Path) -> Iterator[IO[bytes]]:
    """stdout, or a temporary file beside ``output`` that replaces it only once complete."""
    if str(output) == "-":
        stdout = sys.stdout.buffer
        yield stdout
        stdout.flush()
        return
    try:
        partial_file = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, or removed on failure
            "wb", dir=output.parent, prefix=f".{output.name}.", suffix=".part", delete=False
        )
    except OSError as exc:
        raise click.BadParameter(f"cannot write {output}: {exc.strerror}", param_hint="'--output'") from None
    try:
        with partial_file:
            yield partial_file
        # mkstemp makes the file 0600; give it the mode any other tool's file would have.
        os.chmod(partial_file.name, _mode_for(output))
        os.replace(partial_file.name, output)
    except BaseException:
        os.unlink(partial_file.name)
        raise


def _mode_for(output: Path) -> int:
    """The mode ``open(output, "w")`` leaves: an existing file keeps its own, a new one 0666 less the umask."""
    try:
        return stat.S_IMODE(output.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)  # the only way to read it: set, then put back (one thread here)
        os.umask(umask)
        return 0o666 & ~umask


def _take(stream: Iterator[Any], count: int) -> Iterator[Any]:
    for _ in range(count):
        yield next(stream)


def _counted(payloads: Iterator[Any], advance: Callable[[int], None]) -> Iterator[Any]:
    for index, payload in enumerate(payloads, start=1):
        yield payload
        if index % _PROGRESS_STEP == 0:
            advance(_PROGRESS_STEP)


def _is_terminal(stream: IO[str]) -> bool:
    return stream.isatty()


def _write(output: IO[bytes], payloads: Iterator[Any], fmt: str) -> None:
    if fmt == "ndjson":
        for payload in payloads:
            output.write(orjson.dumps(payload, option=orjson.OPT_APPEND_NEWLINE))
        return
    output.write(b"[")
    separator = b"\n"
    for payload in payloads:
        output.write(separator)
        output.write(orjson.dumps(payload))
        separator = b",\n"
    output.write(b"]\n" if separator == b"\n" else b"\n]\n")
