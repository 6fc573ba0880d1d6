"""The console's pages: conversations, a timeline, the journal, notifications, controls, the clock.

Views only, as the control API's are: they read the backend (what its views read) and write through
it, then render a template. A form posts, the view acts and answers 303 back to its page, so a
reload repeats nothing. Under an admin token every page but the login form needs ``access``'s cookie.
"""

from __future__ import annotations

import shlex
import urllib.parse
from datetime import datetime, timezone
from typing import Any

import orjson
from flask import Blueprint, current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

import contracts
from mockserver.console import access, rows, timeline
from mockserver.control.matchers import describe_match
from mockserver.control.models import MAX_STATUS, MIN_STATUS, ClockChange, RecordedRequest, RequestPattern
from mockserver.control.rules import check_declared_bounds, check_path
from mockserver.state import analytics, lifecycle, paging
from mockserver.state.errors import ApiError
from mockserver.web.current import backend

bp = Blueprint("console", __name__, template_folder="templates", static_folder="static")

_OPEN = frozenset({"console.login", "console.static"})
_SKIPPED = frozenset({"host", "content-length"})  # what curl sends of itself


@bp.before_request
def _door() -> Response | None:
    if request.endpoint in _OPEN or access.admitted(request, current_app.config["ADMIN_TOKEN"]):
        return None
    if request.method == "GET":
        return redirect(url_for("console.login", next=request.full_path.rstrip("?")))
    return Response(render_template("login.html", next="", failed=True), 401, mimetype="text/html")


@bp.errorhandler(ApiError)
def _refused(error: ApiError) -> tuple[str, int]:
    return render_template("error.html", error=error), error.status


@bp.get("/")
def index() -> Response:
    return redirect(url_for("console.conversations"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int] | str:
    target = _inside(request.values.get("next", ""))
    if request.method == "GET":
        return render_template("login.html", next=target, failed=False)
    token = current_app.config["ADMIN_TOKEN"]
    if not access.checks(token, request.form.get("token", "")):
        return render_template("login.html", next=target, failed=True), 401
    answer = redirect(target or url_for("console.conversations"), 303)
    answer.set_cookie(
        access.COOKIE,
        access.proof(token),
        path=url_for("console.index"),
        httponly=True,
        samesite="Strict",
        secure=request.is_secure,
    )
    return answer


@bp.get("/conversations")
def conversations() -> str:
    wanted = rows.ConversationFilter(
        state=request.args.get("state", ""),
        queue=request.args.get("queue", "").strip(),
        agent=request.args.get("agent", "").strip(),
    )
    size, number = paging.page_size(request.args), paging.page_number(request.args)
    matched, found = rows.page(backend().entries(), wanted, (number - 1) * size, number * size)
    return render_template(
        "conversations.html",
        rows=found,
        wanted=wanted,
        states=rows.STATES,
        pages=_pages(matched, size, number),
    )


@bp.get("/conversations/<conversation_id>")
def conversation(conversation_id: str) -> str:
    server = backend()
    found = server.conversation(conversation_id)
    body = orjson.dumps(contracts.unstructure(found), option=orjson.OPT_INDENT_2)
    return render_template(
        "conversation.html",
        wire=body.decode(),
        row=rows.row(body),
        chart=timeline.chart(analytics.details(found), server.clock.now()),
        stages=list(lifecycle.PATHS),
    )


@bp.post("/conversations/<conversation_id>/advance")
def advance(conversation_id: str) -> Response:
    backend().advance(conversation_id, request.form.get("to", ""))
    return redirect(url_for("console.conversation", conversation_id=conversation_id), 303)


@bp.get("/journal")
def journal() -> str:
    server = backend()
    if server.journal is None:
        raise ApiError(404, "not.found", "The request journal is switched off (JOURNAL is false).")
    args = request.args
    status = args.get("status", "").strip()
    if status and not (status.isdigit() and MIN_STATUS <= int(status) <= MAX_STATUS):
        message = f"$.status must be an integer from {MIN_STATUS} to {MAX_STATUS}; got {status!r}."
        raise ApiError.invalid("invalid.value", "$.status", message)
    path = args.get("path", "").strip() or "**"
    check_path(path, "$.path")
    pattern = RequestPattern(
        method=args.get("method", "").strip().upper() or "*",
        path=path,
        status=int(status) if status else None,
    )
    fault, stub = args.get("fault", "").strip(), args.get("stub", "").strip()
    size, number = paging.page_size(args), paging.page_number(args)
    start, stop = (number - 1) * size, number * size
    matched, page = server.journal.page(pattern, start, stop, fault=fault or None, stub=stub or None)
    return render_template(
        "journal.html",
        requests=[(r, _curl(r)) for r in page],
        args=args,
        total=len(server.journal),
        pages=_pages(matched, size, number),
    )


@bp.get("/notifications")
def notifications() -> str:
    pushed = backend().notifications.pushed()
    channel, topic = request.args.get("channelId", ""), request.args.get("topic", "")
    shown = [n for n in pushed if channel in ("", n.channel_id) and topic in ("", n.topic_name)]
    return render_template(
        "notifications.html",
        notifications=shown,
        channels=sorted({n.channel_id for n in pushed}),
        topics=sorted({n.topic_name for n in pushed}),
        channel=channel,
        topic=topic,
    )


@bp.get("/controls")
def controls() -> str:
    server = backend()
    faults, stubs = server.faults.listing().faults, server.stubs.listing().stubs
    # Each fault's and stub's matchers on the query, headers and body, as phrases (none: method and path).
    matchers = {f.id: describe_match(f.match) for f in faults if f.match is not None}
    matchers.update({s.id: describe_match(s.match) for s in stubs if s.match is not None})
    return render_template(
        "controls.html", faults=faults, stubs=stubs, matchers=matchers, limit=server.limiter.limit
    )


@bp.post("/faults/<fault_id>/remove")
def remove_fault(fault_id: str) -> Response:
    if not backend().faults.remove(fault_id):
        raise ApiError.not_found(fault_id)
    return redirect(url_for("console.controls"), 303)


@bp.post("/stubs/<stub_id>/remove")
def remove_stub(stub_id: str) -> Response:
    if not backend().stubs.remove(stub_id):
        raise ApiError.not_found(stub_id)
    return redirect(url_for("console.controls"), 303)


@bp.post("/rate-limit/remove")
def remove_rate_limit() -> Response:
    backend().limiter.set(None)
    return redirect(url_for("console.controls"), 303)


@bp.get("/clock")
def clock() -> str:
    server = backend()
    return render_template("clock.html", clock=server.clock_state(), lifecycle=server.engine.settings)


@bp.post("/clock")
def move_clock() -> Response:
    action = request.form.get("action", "")
    if action == "advance":
        change = ClockChange(
            advance_seconds=_number("advanceSeconds", request.form.get("advanceSeconds", ""))
        )
    elif action == "set":
        change = ClockChange(now=_instant("now", request.form.get("now", "")))
    elif action in ("freeze", "thaw"):
        change = ClockChange(frozen=action == "freeze")
    else:
        raise ApiError.invalid(
            "invalid.value", "$.action", f"$.action must be advance, set, freeze or thaw; got {action!r}."
        )
    check_declared_bounds(change)
    backend().move_clock(change)
    return redirect(url_for("console.clock"), 303)


def _inside(target: str) -> str:
    """``target`` if it is a path of the console (where a login may go back to), else empty."""
    parts = urllib.parse.urlsplit(target)
    home = url_for("console.index")
    return target if not parts.scheme and not parts.netloc and parts.path.startswith(home) else ""


def _pages(matched: int, size: int, number: int) -> dict[str, Any]:
    """What the paging links need: the count, this page, its neighbours' query strings."""
    count = paging.page_count(matched, size)

    def query(page: int) -> str:
        kept = {k: v for k, v in request.args.items() if k != "pageNumber"}
        return "?" + urllib.parse.urlencode({**kept, "pageNumber": page})

    return {
        "matched": matched,
        "number": number,
        "count": count,
        "previous": query(number - 1) if number > 1 else None,
        "next": query(number + 1) if number < count else None,
    }


def _number(field: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ApiError.invalid(
            "invalid.value", f"$.{field}", f"$.{field} must be a number of seconds; got {text!r}."
        ) from None


def _instant(field: str, text: str) -> datetime:
    """A form's instant: ISO 8601, UTC unless it says otherwise (a datetime-local input names no zone)."""
    try:
        instant = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ApiError.invalid(
            "invalid.value", f"$.{field}", f"$.{field} must be an ISO 8601 date-time; got {text!r}."
        ) from None
    return instant if instant.tzinfo else instant.replace(tzinfo=timezone.utc)


def _curl(recorded: RecordedRequest) -> str:
    """The request as a curl command against this server (its Authorization redacted as journaled)."""
    url = request.host_url.rstrip("/") + recorded.path
    if recorded.query:
        url += "?" + urllib.parse.urlencode([(k, v) for k, vs in recorded.query.items() for v in vs])
    words = ["curl", "-X", recorded.method, url]
    for name, value in recorded.headers.items():
        if name.lower() not in _SKIPPED:
            words += ["-H", f"{name}: {value}"]
    if recorded.body:
        words += ["--data-raw", recorded.body]
    return " ".join(shlex.quote(word) for word in words)
