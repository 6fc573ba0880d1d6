"""Unused means failed: the stubs and faults a test set that no request hit, and the requests that came nearest.

The plugin (``plugin``) asks ``unused_report`` at the end of a test run under ``--callback-mock-strict``,
the ``callback_mock_strict`` ini option or the ``@pytest.mark.callback_mock_strict`` marker, as
responses' ``assert_all_requests_are_fired`` and pytest-httpserver's ``check_assertions`` do.
Only the control API: it works on a remote server as on the in-process one.
"""

from __future__ import annotations

import difflib
from typing import Any

from mockserver.control.client import AdminClient, AdminError

NEAREST = 3  # requests listed under each unused stub or fault


def unused_report(server: AdminClient) -> str | None:
    """What the test set and no request hit, each with the nearest requests received; None if all were hit."""
    unused = [("stub", stub) for stub in server.stubs() if not stub["hits"]]
    unused += [("fault", fault) for fault in server.faults() if not fault["applied"]]
    if not unused:
        return None
    try:
        received = server.requests()
    except AdminError:  # the journal switched off (JOURNAL false): nothing to show
        received = None
    lines = [f"{len(unused)} stub(s) or fault(s) set by the test were never used:"]
    for kind, item in unused:
        lines.append(f"  {kind} {item['id']}: {_described(item)}")
        if received is None:
            lines.append("    (the journal is off: no requests to show)")
            continue
        nearest = _nearest(item, received)
        if not nearest:
            method = "" if item["method"] == "*" else f"{item['method']} "
            lines.append(f"    no {method}request arrived")
        for request in nearest:
            lines.append(f"    nearest: {request['method']} {request['path']} -> {request['status']}")
    return "\n".join(lines)


def _described(item: dict[str, Any]) -> str:
    """``GET /api/v2/x`` and its matchers, as set."""
    text = f"{item['method']} {item['path']}"
    if item.get("match"):
        text += f" with match {item['match']}"
    return text


def _nearest(item: dict[str, Any], received: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The requests with the item's method (any, for *), the path most like its pattern first."""
    method = str(item["method"]).upper()
    same = [request for request in received if method in ("*", request["method"])]

    def likeness(request: dict[str, Any]) -> float:
        return difflib.SequenceMatcher(None, item["path"], request["path"]).ratio()

    return sorted(same, key=likeness, reverse=True)[:NEAREST]
