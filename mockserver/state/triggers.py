"""The process-automation state: the triggers, what each workflow id does, and the executions started.

``Triggers`` is a ``Tracked`` part of the server: every change is made inside its share's
``changing()`` and names what it changed (``("triggers", id)``, ``("workflows", id)``,
``("executions", id)``), so with the Redis store every process sees it, a piece at a time. A reset
empties it (the seeded org has no triggers). The matching index (topic name -> the enabled triggers
with their compiled criteria) is derived from the triggers and rebuilt when they change, never kept.
Nothing here imports Flask.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from attrs import frozen

import contracts
from contracts import MatchCriteria, Trigger, WorkflowDataFormat
from mockserver.state.trigger_matching import Check, Sieve, compile_criteria, topic_keys
from mockserver.state.workflows import Execution, ExecutionStatus, Workflow
from mockserver.store.base import ABSENT, PartShare, Path
from mockserver.store.memory import LocalPartShare

_FAMILIES = ("triggers", "workflows", "executions")


@frozen
class Armed:
    """An enabled trigger as the matcher uses it: its criteria compiled once."""

    trigger: Trigger
    check: Check
    data_format: WorkflowDataFormat


class Triggers:
    """The triggers by id, the workflows by id, and the executions in the order they were started."""

    def __init__(self, *, share: PartShare | None = None) -> None:
        self._share = LocalPartShare() if share is None else share
        self._triggers: dict[str, Trigger] = {}
        self._workflows: dict[str, Workflow] = {}
        self._executions: dict[str, Execution] = {}  # ids sort in the order they were made
        self._next = 1  # the next execution's number (its id)
        self._waiting: set[str] = set()  # the executions whose time may come (derived, for ``waiting``)
        self._index: dict[str, Sieve] | None = None

    def changing(self) -> Any:
        return self._share.changing()

    # Triggers

    def trigger(self, trigger_id: str) -> Trigger | None:
        return self._triggers.get(trigger_id)

    def triggers(self) -> list[Trigger]:
        """Every trigger, by name, ties by id."""
        return sorted(self._triggers.values(), key=lambda t: (t.name or "", t.id or ""))

    def put_trigger(self, trigger: Trigger) -> None:
        with self._share.changing():
            self._triggers[trigger.id or ""] = trigger
            self._index = None
            self._share.changed("triggers", trigger.id or "")

    def remove_trigger(self, trigger_id: str) -> bool:
        with self._share.changing():
            removed = self._triggers.pop(trigger_id, None) is not None
            self._index = None
            self._share.changed("triggers", trigger_id)
        return removed

    def armed(self, topic: str, body: Mapping[str, Any]) -> Iterator[Armed]:
        """The enabled triggers that name ``topic`` (with its id or as ``{id}``) and may match ``body``.

        A superset of those whose criteria hold (``Armed.check`` says which), in the triggers' order.
        """
        index = self._index
        if index is None:
            index = self._index = self._built_index()
        if not index:
            return
        for key in topic_keys(topic):
            sieve = index.get(key)
            if sieve is not None:
                yield from sieve.candidates(body)

    def _built_index(self) -> dict[str, Sieve]:
        by_topic: dict[str, list[tuple[Armed, Sequence[MatchCriteria]]]] = {}
        for trigger in self.triggers():
            if not trigger.enabled:
                continue
            settings = trigger.target.workflow_target_settings if trigger.target else None
            data_format = (
                settings.data_format if settings else None
            ) or WorkflowDataFormat.TOP_LEVEL_PRIMITIVES
            criteria = trigger.match_criteria or ()
            armed = Armed(trigger, compile_criteria(criteria), data_format)
            by_topic.setdefault(trigger.topic_name or "", []).append((armed, criteria))
        return {topic: Sieve(entries) for topic, entries in by_topic.items()}

    # Workflows

    def workflow(self, workflow_id: str) -> Workflow | None:
        return self._workflows.get(workflow_id)

    def workflows(self) -> list[tuple[str, Workflow]]:
        return sorted(self._workflows.items())

    def put_workflow(self, workflow_id: str, workflow: Workflow) -> None:
        with self._share.changing():
            self._workflows[workflow_id] = workflow
            self._share.changed("workflows", workflow_id)

    # Executions

    def execution(self, execution_id: str) -> Execution | None:
        return self._executions.get(execution_id)

    def executions(self) -> list[Execution]:
        return sorted(self._executions.values(), key=lambda e: e.id)

    def new_execution_id(self) -> str:
        """A fresh execution id, a UUID's form that sorts in the order made; inside ``changing()``."""
        number, self._next = self._next, self._next + 1
        self._share.changed("next")
        return f"00000000-0000-4000-8000-{number:012d}"

    def put_execution(self, execution: Execution) -> None:
        """Keep ``execution`` (new, or replacing the one of its id); inside ``changing()``."""
        self._executions[execution.id] = execution
        self._note(execution.id, execution)
        self._share.changed("executions", execution.id)

    def _note(self, execution_id: str, execution: Execution | None) -> None:
        if execution is not None and (
            execution.status is ExecutionStatus.DELAYED or execution.next_attempt_at is not None
        ):
            self._waiting.add(execution_id)
        else:
            self._waiting.discard(execution_id)

    def waiting(self) -> list[Execution]:
        """The executions whose time may come: delayed, or with a retry planned; inside ``changing()``.

        Outside it (another thread may be placing a reset) an id whose execution is gone is skipped.
        """
        executions = self._executions
        found = (executions.get(execution_id) for execution_id in sorted(self._waiting))
        return [execution for execution in found if execution is not None]

    def reset(self) -> None:
        """No triggers, no workflows, no executions (the seeded org has none)."""
        with self._share.changing():
            self._place({"next": 1, **{family: {} for family in _FAMILIES}})
            for family in (*_FAMILIES, "next"):
                self._share.changed(family)

    # As a part: ``{"next": n, "triggers": {id: trigger}, "workflows": {id: workflow}, "executions": {id: ...}}``,
    # each entry a piece, in wire form.

    def dump(self) -> Any:
        return {"next": self._next, **{family: dict(self._family_dump(family)) for family in _FAMILIES}}

    def _family_dump(self, family: str) -> Iterable[tuple[str, Any]]:
        held: dict[str, Any] = getattr(self, f"_{family}")
        return ((key, contracts.unstructure(value)) for key, value in held.items())

    def dump_at(self, path: Path) -> Any:
        if len(path) == 2:
            held = getattr(self, f"_{path[0]}").get(path[1])
            return ABSENT if held is None else contracts.unstructure(held)
        return self.dump()[path[0]] if path else self.dump()

    def load(self, data: Any) -> None:
        self._place(data)

    def _place(self, data: Any) -> None:
        self._next = int(data["next"])
        self._triggers = {k: contracts.structure(v, Trigger) for k, v in data["triggers"].items()}
        self._workflows = {k: contracts.structure(v, Workflow) for k, v in data["workflows"].items()}
        self._executions = {k: contracts.structure(v, Execution) for k, v in data["executions"].items()}
        self._waiting = set()
        for key, execution in self._executions.items():
            self._note(key, execution)
        self._index = None

    def load_changed(self, data: Any, paths: Iterable[tuple[Any, ...]]) -> None:
        models = {"triggers": Trigger, "workflows": Workflow, "executions": Execution}
        for path in paths:
            if path == ("next",):
                self._next = int(data["next"])
                continue
            if len(path) < 2:  # a whole family (a reset)
                self.load(data)
                return
            family, key = path[0], path[1]
            held: dict[str, Any] = getattr(self, f"_{family}")
            value = data[family].get(key)
            if value is None:
                held.pop(key, None)
            else:
                held[key] = contracts.structure(value, models[family])
            if family == "executions":
                self._note(key, held.get(key))
            if family == "triggers":
                self._index = None
