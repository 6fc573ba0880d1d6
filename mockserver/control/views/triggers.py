"""The control API's process automation: what a workflow id does, and the executions triggers started.

Views only, as in the other ``views``: the workflows and executions are the backend's
(``Backend.automation``), their models ``mockserver.state.workflows``.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from mockserver.control.route_table import ControlRoutes
from mockserver.control.views.shared import control_view, decode_checked
from mockserver.state.errors import ApiError
from mockserver.state.workflows import (
    ExecutionList,
    ExecutionStatus,
    Workflow,
    WorkflowEntry,
    WorkflowList,
)
from mockserver.web.current import backend
from mockserver.web.openapi import QueryParameter
from mockserver.web.wire import json_response

bp = Blueprint("control_triggers", __name__)


@control_view(
    bp,
    ControlRoutes.WORKFLOWS,
    summary="Every workflow the test described (a reset forgets them)",
    operation_id="adminWorkflows",
    responses={200: WorkflowList},
)
def workflows() -> Response:
    listed = backend().automation.workflows()
    entries = (WorkflowEntry(id=key, url=w.url, timeout_seconds=w.timeout_seconds) for key, w in listed)
    return json_response(WorkflowList(workflows=tuple(entries)))


@control_view(
    bp,
    ControlRoutes.PUT_WORKFLOW,
    summary="Say what a workflow id does: recorded only, or its input POSTed to a URL (with retries)",
    operation_id="adminPutWorkflow",
    request=Workflow,
    responses={200: WorkflowEntry},
    errors=(400,),
)
def put_workflow(workflow_id: str) -> Response:
    workflow: Workflow = decode_checked(Workflow)
    backend().automation.put_workflow(workflow_id, workflow)
    return json_response(
        WorkflowEntry(id=workflow_id, url=workflow.url, timeout_seconds=workflow.timeout_seconds)
    )


@control_view(
    bp,
    ControlRoutes.EXECUTIONS,
    summary="The executions matching events started, oldest first (a reset clears them)",
    operation_id="adminExecutions",
    responses={200: ExecutionList},
    errors=(400,),
    query=(
        QueryParameter("triggerId", "Only those this trigger started.", {"type": "string"}),
        QueryParameter("workflowId", "Only those of this workflow.", {"type": "string"}),
        QueryParameter(
            "status",
            "Only those in this status.",
            {"type": "string", "enum": [s.value for s in ExecutionStatus]},
        ),
    ),
)
def executions() -> Response:
    status = request.args.get("status")
    if status is not None and status not in ExecutionStatus._value2member_map_:
        known = ", ".join(s.value for s in ExecutionStatus)
        raise ApiError.invalid("invalid.value", "status", f"status must be one of {known}; got {status!r}.")
    trigger_id, workflow_id = request.args.get("triggerId"), request.args.get("workflowId")
    server = backend()
    server.trigger_runs.run_due()  # what the clock has reached is started before it is read
    listed = tuple(
        e
        for e in server.automation.executions()
        if (trigger_id is None or e.trigger_id == trigger_id)
        and (workflow_id is None or e.workflow_id == workflow_id)
        and (status is None or e.status.value == status)
    )
    return json_response(ExecutionList(executions=listed))
