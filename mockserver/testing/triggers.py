"""The executions a server's triggers started, for tests: listed, and ``wait_for`` one that matches.

Works against any server (in-process or remote): it reads the control API's ``executions`` as
``AdminClient`` does. A delivery to a workflow's URL happens on the server's sender thread, so what
a test waits for may come a moment later: ``wait_for`` asks again every ``POLL_SECONDS`` until
``timeout`` and returns as soon as it is there.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from mockserver.control.client import AdminClient

JSON = dict[str, Any]
POLL_SECONDS = 0.02


class TriggerExecutions:
    """The executions of the server ``admin`` reaches."""

    def __init__(self, admin: AdminClient) -> None:
        self.admin = admin

    def all(
        self, *, trigger_id: str | None = None, workflow_id: str | None = None, status: str | None = None
    ) -> list[JSON]:
        """The executions so far, oldest first, filtered as asked."""
        return self.admin.executions(trigger_id=trigger_id, workflow_id=workflow_id, status=status)

    def wait_for(
        self,
        *,
        trigger_id: str | None = None,
        workflow_id: str | None = None,
        status: str | None = None,
        predicate: Callable[[JSON], bool] = lambda execution: True,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[JSON]:
        """The first ``count`` executions (oldest first) that match, as soon as there are that many.

        Raises ``TimeoutError`` after ``timeout`` seconds, saying how many matched and what came.
        """
        deadline = time.monotonic() + timeout
        while True:
            listed = self.all(trigger_id=trigger_id, workflow_id=workflow_id, status=status)
            matching = [execution for execution in listed if predicate(execution)]
            if len(matching) >= count:
                return matching[:count]
            if time.monotonic() >= deadline:
                seen = [(e["triggerId"], e["status"], len(e.get("attempts", ()))) for e in listed]
                raise TimeoutError(
                    f"{len(matching)} of {count} executions matched within {timeout} s "
                    f"(trigger {trigger_id}, workflow {workflow_id}, status {status}); "
                    f"listed (trigger, status, attempts): {seen}"
                )
            time.sleep(POLL_SECONDS)
