"""Unused means failed: the stubs and faults a test set that no request hit, and the requests that came nearest.

The plugin (``plugin``) asks ``unused_report`` at the end of a test run under ``--callback-mock-strict``,
the ``callback_mock_strict`` ini option or the ``@pytest.mark.callback_mock_strict`` marker, as
responses' ``assert_all_requests_are_fired`` and pytest-httpserver's ``check_assertions`` do.
Only the control API: it works on a remote server as on the in-process one.
"""

from __future__ import annotations

from typing import Any

from mockserver.control.client import AdminClient, AdminError

NEAREST = 3  # requests listed under each unused stub or fault


def unused_report(server: AdminClient) -> str | None:
    """What the test set and no request hit, each with the nearest requests received; None if all were hit.

    The nearest are the journal's (a verification of the item's method, path and matchers): the
    requests that break the fewest of its criteria first, as ``verify`` lists them.
    """
    unused = [("stub", stub) for stub in server.stubs() if not stub["hits"]]
    unused += [("fault", fault) for fault in server.faults() if not fault["applied"]]
    if not unused:
        return None
    lines = [f"{len(unused)} stub(s) or fault(s) set by the test were never used:"]
    for kind, item in unused:
        lines.append(f"  {kind} {item['id']}: {_described(item)}")
        try:
            result = server.verification(item["method"], item["path"], match=item.get("match"))
        except AdminError:  # the journal switched off (JOURNAL false): nothing to show
            lines.append("    (the journal is off: no requests to show)")
            continue
        if result["ok"]:  # requests it would take were answered by another stub or fault
            lines.extend(f"    matched, answered before it: {_line(r)}" for r in result["matched"][:NEAREST])
            continue
        nearest = result["nearest"][:NEAREST]
        method = str(item["method"]).upper()
        if not any(method in ("*", request["method"]) for request in nearest):
            lines.append(f"    no {'' if method == '*' else method + ' '}request arrived")
        lines.extend(f"    nearest: {_line(request)}" for request in nearest)
    return "\n".join(lines)


def _described(item: dict[str, Any]) -> str:
    """``GET /api/v2/x`` and its matchers, as set."""
    text = f"{item['method']} {item['path']}"
    if item.get("match"):
        text += f" with match {item['match']}"
    return text


def _line(request: dict[str, Any]) -> str:
    return f"{request['method']} {request['path']} -> {request['status']}"
