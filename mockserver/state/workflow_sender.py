"""The background sender: POSTs each started execution's input to its workflow's URL, off the store's lock.

One daemon thread per server (a ``delivery.Courier``), started with a delivery and ended when nothing
is left to deliver, or by ``close`` (the server's stop). Each attempt is claimed under the
part's lock (so no two threads or processes send it twice), made with no lock held (a slow or dead
URL holds up nothing else: the engine, the routes and other deliveries' claims go on), and its
outcome journaled under the lock: the answer's status, or what went wrong. A failed attempt is
retried after ``workflows.backoff_seconds`` on the mock's clock, ``MAX_ATTEMPTS`` in all; the
HTTP itself runs in real time, bounded by the workflow's ``timeoutSeconds``. Between deliveries the
thread looks at the clock every ``POLL_SECONDS`` while anything waits (a clock that runs, or one
another process moved). An attempt or a look that raises (the store away, a URL urllib cannot
parse) is logged, and the thread goes on. Nothing here imports Flask.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import timedelta
from http.client import HTTPException

import attrs
import orjson

from mockserver.state.clock import Clock, from_ms
from mockserver.state.delivery import OPENER, Courier
from mockserver.state.triggers import Triggers
from mockserver.state.workflows import MAX_ATTEMPTS, Attempt, ExecutionStatus, backoff_seconds

POLL_SECONDS = 0.1  # real time: how often the thread looks at the clock while executions wait


class WorkflowSender:
    """The thread that delivers executions' inputs, and the queue of those due."""

    def __init__(self, state: Triggers, clock: Clock, run_due: Callable[[], None]) -> None:
        self._state = state
        self._clock = clock
        self._run_due = run_due
        self._courier: Courier[str] = Courier(
            "workflow-sender", self._attempt, idle_seconds=POLL_SECONDS, on_idle=self._look
        )

    @property
    def running(self) -> bool:
        """Whether the sender's thread is alive (it ends when nothing is left to deliver)."""
        return self._courier.running

    def submit(self, execution_id: str) -> None:
        """Deliver the execution's due attempt soon (one claimed already, or not due, is skipped)."""
        self._courier.put(execution_id)

    def close(self) -> None:
        """Stop the thread after the attempt in flight (the next ``submit`` starts another)."""
        self._courier.close()

    def _look(self) -> bool:
        """With nothing submitted: start and submit what the clock reached; False when nothing waits."""
        with self._state.changing():
            waiting = bool(self._state.waiting())
        if waiting:
            self._run_due()
        return waiting

    def _attempt(self, execution_id: str, _stop: threading.Event) -> None:
        now = from_ms(self._clock.ms())
        with self._state.changing():
            execution = self._state.execution(execution_id)
            if (
                execution is None
                or execution.status is not ExecutionStatus.SENDING
                or execution.next_attempt_at is None
                or execution.next_attempt_at > now
            ):
                return
            workflow = self._state.workflow(execution.workflow_id)
            self._state.put_execution(attrs.evolve(execution, next_attempt_at=None))  # claimed
        if workflow is None or workflow.url is None:  # the test took the URL away meanwhile
            status: int | None = None
            error: str | None = "the workflow has no URL any more"
        else:
            headers = {
                "Content-Type": "application/json",
                "X-Callback-Mock-Execution-Id": execution.id,
                "X-Callback-Mock-Trigger-Id": execution.trigger_id,
            }
            data = orjson.dumps(execution.input)
            status, error = _post(workflow.url, data, headers, workflow.timeout_seconds)
        self._journal(execution_id, status, error)

    def _journal(self, execution_id: str, status: int | None, error: str | None) -> None:
        with self._state.changing():
            execution = self._state.execution(execution_id)
            if execution is None:  # a reset came meanwhile
                return
            at = from_ms(self._clock.ms())
            attempt = Attempt(number=len(execution.attempts) + 1, at=at, status=status, error=error)
            attempts = (*execution.attempts, attempt)
            if error is None:
                outcome, retry = ExecutionStatus.DELIVERED, None
            elif len(attempts) >= MAX_ATTEMPTS:
                outcome, retry = ExecutionStatus.FAILED, None
            else:
                outcome, retry = (
                    ExecutionStatus.SENDING,
                    at + timedelta(seconds=backoff_seconds(len(attempts))),
                )
            self._state.put_execution(
                attrs.evolve(execution, attempts=attempts, status=outcome, next_attempt_at=retry)
            )


def _post(url: str, data: bytes, headers: dict[str, str], timeout: float) -> tuple[int | None, str | None]:
    """The status a URL answered (and an error unless 2xx), or no status and what went wrong."""
    try:
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        with OPENER.open(request, timeout=timeout) as response:
            response.read()
            return response.status, None
    except urllib.error.HTTPError as answered:
        return answered.code, f"answered {answered.code}"
    except TimeoutError:
        return None, f"timed out after {timeout:g} s"
    except urllib.error.URLError as failed:
        reason = failed.reason
        if isinstance(reason, TimeoutError):
            return None, f"timed out after {timeout:g} s"
        return None, f"no answer: {reason}"
    except OSError as failed:  # reset mid-answer, and the like
        return None, f"no answer: {failed}"
    except (ValueError, HTTPException) as failed:  # a URL urllib cannot parse, a malformed answer
        return None, f"no answer: {failed}"
