"""``callback-contracts validate``: check captured payloads against the contract."""

from __future__ import annotations

import sys
from typing import IO

import click

from mockserver.cli.options import WIRE_MODELS, model_option
from mockserver.cli.payloads import CALLBACK_MODELS, check, count_callbacks, payloads, read_records

# The exit statuses, worst first: the first that applies is the one returned.
UNREADABLE = 2  # also click's status for a usage error
INVALID = 1
NOTHING_TO_CHECK = 3
VALID = 0


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@model_option(
    WIRE_MODELS,
    help="Read every record as this model (a JSON array as a list of them). "
    "Default: detect each record's shape.",
)
@click.option(
    "--tolerant",
    is_flag=True,
    help="Accept unknown fields, null for absent and unknown enum values, as the official SDKs do.",
)
def validate(files: tuple[str, ...], *, model: type | None, tolerant: bool) -> None:
    """Validate every payload in FILES (JSON or NDJSON; - for stdin) against the contract.

    A file may hold single callbacks, arrays of them, whole API responses (a Conversation, a
    CallbackConversation, either listing, a CampaignInteractions, a create's answer, ...) or
    the bodies a client sends (a CreateCallbackCommand, a PatchCallbackRequest, ...). Each
    payload is decoded whole: a Conversation's own fields are checked as strictly as the
    callbacks inside it. Without --model, each record is read as the model whose fields hold
    its keys best (its own keys first, then its nested objects'); where several fit equally,
    it is valid if one of them decodes it, and otherwise each is named with its problems. A
    record none of whose keys any model knows is read as a Callback.

    Each problem is printed as FILE:RECORD: PATH: expected ..., got ..., where RECORD is the
    line of an NDJSON file or the position (from 1) in a top-level JSON array. Text that is
    not JSON is reported with its line and column in the file.

    \b
    Exit status:
      0  every payload is valid
      1  some payload is invalid, or some record is not JSON
      2  usage error, or a file cannot be read
      3  nothing to check: no payload in any file (empty files, [])
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
    sys.exit(tally.status())


class _Tally:
    """Counts across files; prints each problem as it is found."""

    def __init__(self) -> None:
        self.records = 0
        self.payloads = 0
        self.callbacks = 0
        self.only_callbacks = True  # every payload is a callback: the summary counts callbacks
        self.invalid = 0  # payloads with problems
        self.broken = 0  # records that are not JSON
        self.unreadable = 0

    def check_file(self, stream: IO[bytes], name: str, model: type | None, *, strict: bool) -> None:
        out = sys.stdout
        records, broken, found = 0, 0, 0
        for record in read_records(stream, name):
            records += 1
            if record.syntax_error is not None:
                broken += 1
                out.write(f"{name}:{record.number}: {record.syntax_error}\n")
                continue
            for payload in payloads(record.value, model):
                found += 1
                self.only_callbacks &= payload.model in CALLBACK_MODELS
                self.callbacks += count_callbacks(payload.value, payload.model)
                problems = check(payload, strict=strict)
                self.invalid += bool(problems)
                for problem in problems:
                    out.write(f"{name}:{record.number}: {problem}\n")
        self.records += records
        self.broken += broken
        self.payloads += found
        if not found and not broken:  # said of each file, since a run of several may check others
            click.echo(f"note: {name} holds nothing to check", err=True)

    def status(self) -> int:
        if self.unreadable:
            return UNREADABLE
        if self.invalid or self.broken:
            return INVALID
        return VALID if self.payloads else NOTHING_TO_CHECK

    def summary(self, files: int) -> str:
        if self.payloads and self.only_callbacks:
            checked = _count(self.callbacks, "callback")
        else:
            inside = f" ({_count(self.callbacks, 'callback')})" if self.payloads else ""
            checked = _count(self.payloads, "payload") + inside
        where = f"{_count(self.records, 'record')} of {_count(files, 'file')}"
        faults = [
            fault
            for count, fault in (
                (self.invalid, f"{self.invalid} invalid"),
                (self.broken, _count(self.broken, "broken record")),
                (self.unreadable, _count(self.unreadable, "unreadable file")),
            )
            if count
        ]
        verdict = ", ".join(faults) or ("all valid" if self.payloads else "nothing to check")
        return f"checked {checked} in {where}: {verdict}"


def _count(count: int, what: str) -> str:
    return f"{count} {what}{'s' * (count != 1)}"
