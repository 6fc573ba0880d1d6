"""What a workflow does here, and what each start of one left: the control API's bodies for triggers.

A workflow cannot run in the mock, so a test says what a workflow id does (``Workflow``: nothing
but being recorded, or its input POSTed to a URL of the test's own) and reads what each matching
event started (``Execution``, with its input as the workflow receives it and a journal of every
delivery attempt). Declared like the contract's models, so the control API's OpenAPI document and
its checks come from these declarations. Nothing here imports Flask.
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from contracts import WireEnum, described

# How long one delivery may take (real time: it is the test's service answering), and its bounds.
DEFAULT_TIMEOUT_SECONDS = 5.0
MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS = 0.05, 60.0
# The delivery schedule: attempts in all, and the wait before each retry on the mock's clock
# (1 s, 2 s, 4 s: doubling), so a test moves the clock to see the next attempt.
MAX_ATTEMPTS = 4
FIRST_BACKOFF_SECONDS = 1.0


def backoff_seconds(attempts_made: int) -> float:
    """The wait on the mock's clock before the retry after ``attempts_made`` failed attempts."""
    return FIRST_BACKOFF_SECONDS * float(2 ** (attempts_made - 1))


class ExecutionStatus(WireEnum):
    """Where a start of a workflow stands."""

    DELAYED = "Delayed"  # the trigger's delayBySeconds has not passed on the clock
    EXPIRED = "Expired"  # the event was older than the trigger's eventTTLSeconds when its time came: dropped
    STARTED = "Started"  # the workflow started; with no URL, that is all it does
    SENDING = "Sending"  # its input is being POSTed to the workflow's URL (or waits for a retry)
    DELIVERED = "Delivered"  # the URL answered 2xx
    FAILED = "Failed"  # every attempt failed


@frozen(kw_only=True)
class Workflow:
    """What a workflow id does: recorded only, or its input POSTed to ``url``."""

    url: str | None = described(
        "Where to POST each start's input (JSON); absent: the start is only recorded.",
        None,
        pattern=r"^https?://",
    )
    timeout_seconds: float = described(
        "How long one delivery attempt may take (real time), in seconds.",
        DEFAULT_TIMEOUT_SECONDS,
        minimum=MIN_TIMEOUT_SECONDS,
        maximum=MAX_TIMEOUT_SECONDS,
    )


@frozen(kw_only=True)
class WorkflowEntry:
    """A workflow as listed: its id and what it does."""

    id: str = described("The workflow's id (a trigger's target.id).")
    url: str | None = described("Where each start's input is POSTed; absent: recorded only.", None)
    timeout_seconds: float = described("How long one delivery attempt may take, in seconds.")


@frozen(kw_only=True)
class WorkflowList:
    workflows: tuple[WorkflowEntry, ...] = described("Every workflow the test described, by id.")


@frozen(kw_only=True)
class Attempt:
    """One delivery of a start's input to its workflow's URL."""

    number: int = described("1 for the first attempt.")
    at: datetime = described("When it was made, on the mock's clock.")
    status: int | None = described("The HTTP status the URL answered; absent if none came.", None)
    error: str | None = described("What went wrong: refused, timed out, a non-2xx status.", None)


@frozen(kw_only=True)
class Execution:
    """What a trigger's match started: the workflow, its input, and where its delivery stands."""

    id: str = described("The execution's id.")
    trigger_id: str = described("The trigger that matched.")
    workflow_id: str = described("The workflow it started (the trigger's target.id).")
    topic_name: str = described("The event's topic, its id filled in.")
    fired_at: datetime = described("When the event was matched, on the mock's clock.")
    due_at: datetime = described("When the workflow starts (fired_at plus the trigger's delay).")
    status: ExecutionStatus = described("Where it stands.")
    input: dict[str, object] = described(
        "The input as the workflow receives it: {jsonData: event} (Json) or the event's top-level primitives."
    )
    attempts: tuple[Attempt, ...] = described("Each delivery attempt, oldest first.", ())
    next_attempt_at: datetime | None = described("When the next retry is due, on the mock's clock.", None)


@frozen(kw_only=True)
class ExecutionList:
    executions: tuple[Execution, ...] = described("The executions, oldest first.")
