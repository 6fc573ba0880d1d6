"""What a matching event starts: an execution per trigger, started now, later, or never (expired).

``TriggerRuns.on_event`` listens to the detail events (``DetailEvents``): for every enabled trigger
naming the event's topic whose criteria all hold, it records an execution with the input the
workflow receives. Under the store's lock, so it only records; whatever a URL must be told goes to
the ``WorkflowSender``'s thread. The clock decides the rest, read by ``run_due`` (after each event,
each clock move, each read of the executions, and the sender's own look every ``POLL_SECONDS``):

- ``delayBySeconds``: the execution waits ``Delayed`` until the clock reaches the event's time plus
  the delay, then starts;
- ``eventTTLSeconds``: an event older than that when its time comes (its ``eventTime``, or the
  instant it was published, against the clock) is dropped, the execution ``Expired``. The mock's
  events come late when the clock jumps past the steps that emit them, as the platform's do when it
  is delayed;
- a start runs the workflow: recorded (``Started``) or, with a URL, ``Sending`` until an attempt
  is answered 2xx (``Delivered``) or ``MAX_ATTEMPTS`` failed (``Failed``), retried after
  ``backoff_seconds`` on the clock. Nothing here imports Flask.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from mockserver.state.clock import Clock, from_ms
from mockserver.state.trigger_matching import workflow_input
from mockserver.state.triggers import Armed, Triggers
from mockserver.state.workflow_sender import WorkflowSender
from mockserver.state.workflows import Execution, ExecutionStatus


class TriggerRuns:
    """The triggers' reactions to events, and the executions' progress on the clock."""

    def __init__(self, state: Triggers, clock: Clock) -> None:
        self._state = state
        self._clock = clock
        self.sender = WorkflowSender(state, clock, self.run_due)

    def on_event(self, topic: str, body: Mapping[str, Any], at: int) -> None:
        """Record what ``body`` (published at ``at``, ms) starts; a ``DetailEvents`` listener."""
        fired = [armed for armed in self._state.armed(topic, body) if armed.check(body)]
        if not fired:
            return
        now = self._clock.ms()
        event_time = body.get("eventTime")
        born = event_time if isinstance(event_time, int) and not isinstance(event_time, bool) else at
        with self._state.changing():
            for armed in fired:
                self._record(armed, topic, body, at, born, now)
        self.run_due()

    def _record(
        self, armed: Armed, topic: str, body: Mapping[str, Any], at: int, born: int, now: int
    ) -> None:
        trigger = armed.trigger
        delay = (trigger.delay_by_seconds or 0) * 1000
        execution = Execution(
            id=self._state.new_execution_id(),
            trigger_id=trigger.id or "",
            workflow_id=(trigger.target.id if trigger.target else None) or "",
            topic_name=topic,
            fired_at=from_ms(at),
            due_at=from_ms(at + delay),
            status=ExecutionStatus.DELAYED,
            input=workflow_input(body, armed.data_format),
        )
        ttl = trigger.event_t_t_l_seconds
        if delay == 0 and ttl is not None and now - born > ttl * 1000:
            execution = attrs.evolve(execution, status=ExecutionStatus.EXPIRED)
        elif delay == 0 or at + delay <= now:
            execution = self._started(execution, now)
        self._state.put_execution(execution)

    def _started(self, execution: Execution, now: int) -> Execution:
        workflow = self._state.workflow(execution.workflow_id)
        if workflow is None or workflow.url is None:
            return attrs.evolve(execution, status=ExecutionStatus.STARTED)
        return attrs.evolve(execution, status=ExecutionStatus.SENDING, next_attempt_at=from_ms(now))

    def run_due(self) -> None:
        """Start what the clock has reached, and hand the sender every attempt that is due."""
        now = self._clock.ms()
        due_ms = from_ms(now)
        with self._state.changing():  # the sender's thread calls this too: read under the part's lock
            waiting = [e for e in self._state.waiting() if _due(e) <= due_ms]
            if not waiting:
                return
            for execution in waiting:
                if execution.status is ExecutionStatus.DELAYED and execution.due_at <= due_ms:
                    self._state.put_execution(self._started(execution, now))
            due = [
                execution.id
                for execution in self._state.waiting()
                if execution.next_attempt_at is not None and execution.next_attempt_at <= due_ms
            ]
        for execution_id in due:
            self.sender.submit(execution_id)


def _due(execution: Execution) -> Any:
    return execution.next_attempt_at if execution.next_attempt_at is not None else execution.due_at
