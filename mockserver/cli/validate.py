"""``callback-contracts validate``: check captured payloads against the contract."""

from __future__ import annotations

import sys
from typing import IO

import click

from mockserver.cli.options import RESPONSE_MODELS, model_option
from mockserver.cli.payloads import Found, check, find_callbacks, read_records


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@model_option(RESPONSE_MODELS, help="Read every record as this model. Default: detect each record's shape.")
@click.option(
    "--tolerant",
    is_flag=True,
    help="Accept unknown fields, null for absent and unknown enum values, as the official SDKs do.",
)
def validate(files: tuple[str, ...], *, model: type | None, tolerant: bool) -> None:
    """Validate every callback in FILES (JSON or NDJSON; - for stdin).

    A file may hold single callbacks, arrays of them, or whole API responses (a Conversation,
    a ConversationEntityListing, a CampaignInteractions); every callback inside is checked.
    Each problem is printed as FILE:RECORD: PATH: expected ..., got ..., where RECORD is the
    line of an NDJSON file or the position (from 1) in a top-level JSON array.

    Exit status: 0 when every callback is valid, 1 when some are not, 2 on usage errors or
    unreadable input.
    """
    tally = _Tally()
    for name in files:
        try:
            if name == "-":
                tally.check_file(sys.stdin.buffer, "<stdin>", model, strict=not tolerant)
            else:
                with open(name, "rb") as stream:
                    tally.check_file(stream, name, model, strict=not tolerant)
        except OSError as exc:
            click.echo(f"error: cannot read {name}: {exc.strerror or exc}", err=True)
            tally.unreadable += 1
    click.echo(tally.summary(len(files)), err=True)
    if tally.unreadable:
        sys.exit(2)
    if tally.invalid or tally.broken:
        sys.exit(1)


class _Tally:
    """Counts across files; prints each problem as it is found."""

    def __init__(self) -> None:
        self.records = 0
        self.callbacks = 0
        self.invalid = 0  # callbacks with problems
        self.broken = 0  # records that are not JSON, or whose envelope has the wrong shape
        self.unreadable = 0

    def check_file(self, stream: IO[bytes], name: str, model: type | None, *, strict: bool) -> None:
        out = sys.stdout
        for record in read_records(stream, name):
            self.records += 1
            broken = False
            problems = [record.syntax_error] if record.syntax_error else []
            if record.syntax_error is None:
                for item in find_callbacks(record.value, model):
                    if isinstance(item, Found):
                        self.callbacks += 1
                        callback_problems = check(item, strict=strict)
                        self.invalid += bool(callback_problems)
                        problems.extend(callback_problems)
                    else:  # the envelope around the callbacks has the wrong shape
                        problems.append(item)
                        broken = True
            self.broken += bool(record.syntax_error) or broken
            for problem in problems:
                out.write(f"{name}:{record.number}: {problem}\n")

    def summary(self, files: int) -> str:
        checked = f"{self.callbacks} callback{'s' * (self.callbacks != 1)}"
        where = f"{self.records} record{'s' * (self.records != 1)} of {files} file{'s' * (files != 1)}"
        faults = [
            f"{count} {what}"
            for count, what in (
                (self.invalid, "invalid"),
                (self.broken, "broken record" + "s" * (self.broken != 1)),
                (self.unreadable, "unreadable file" + "s" * (self.unreadable != 1)),
            )
            if count
        ]
        verdict = ", ".join(faults) or "all valid"
        return f"checked {checked} in {where}: {verdict}"
