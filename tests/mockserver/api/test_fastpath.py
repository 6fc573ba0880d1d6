"""The fast path answers exactly what the Flask route answers, and hands Flask the rest."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask, request_started
from werkzeug.test import Client, TestResponse

from contracts import Conversation
from mockserver.api.fast_reads import ConversationReads
from mockserver.config import CORRELATION_HEADER
from mockserver.web import auth, wire
from mockserver.web.current import backend_of
from tests.support import TOKEN

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

AUTH = f"Bearer {TOKEN}"
HIT = "<hit>"  # replaced by the id of a seeded conversation

# (id, method, path, Authorization header or None for none, whether the fast path answers)
CASES: list[tuple[str, str, str, str | None, bool]] = [
    ("hit", "GET", f"/api/v2/conversations/{HIT}", AUTH, True),
    ("hit-query", "GET", f"/api/v2/conversations/{HIT}?expand=x", AUTH, True),
    ("hit-lowercase-scheme", "GET", f"/api/v2/conversations/{HIT}", f"bearer {TOKEN}", True),
    ("hit-padded-token", "GET", f"/api/v2/conversations/{HIT}", f"Bearer  {TOKEN} ", True),
    ("unknown-id", "GET", "/api/v2/conversations/no-such-id", AUTH, False),
    ("trailing-slash", "GET", f"/api/v2/conversations/{HIT}/", AUTH, False),
    ("deeper-path", "GET", f"/api/v2/conversations/{HIT}/participants", AUTH, False),
    ("empty-id", "GET", "/api/v2/conversations/", AUTH, False),
    ("callbacks", "GET", "/api/v2/conversations/callbacks", AUTH, False),
    ("listing", "GET", "/api/v2/conversations", AUTH, False),
    ("head", "HEAD", f"/api/v2/conversations/{HIT}", AUTH, False),
    ("post", "POST", f"/api/v2/conversations/{HIT}", AUTH, False),
    ("no-header", "GET", f"/api/v2/conversations/{HIT}", None, False),
    ("empty-header", "GET", f"/api/v2/conversations/{HIT}", "", False),
    ("basic", "GET", f"/api/v2/conversations/{HIT}", "Basic dTpw", False),
    ("empty-bearer", "GET", f"/api/v2/conversations/{HIT}", "Bearer ", False),
    ("blank-bearer", "GET", f"/api/v2/conversations/{HIT}", "Bearer   ", False),
    ("scheme-only", "GET", f"/api/v2/conversations/{HIT}", "Bearer", False),
    ("unknown-token", "GET", f"/api/v2/conversations/{HIT}", "Bearer nope", False),
    ("token-prefix", "GET", f"/api/v2/conversations/{HIT}", f"Bearer {TOKEN[:-1]}", False),
    ("unknown-id-no-token", "GET", "/api/v2/conversations/no-such-id", None, False),
]


class Counting:
    """A WSGI app that counts the requests it is handed."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.calls = 0

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        self.calls += 1
        result: Iterable[bytes] = self.app(environ, start_response)
        return result


def flask_only(app: Flask) -> Counting:
    """``app``'s own WSGI callable, without the fast path or any middleware, counting its calls."""
    return Counting(partial(Flask.wsgi_app, app))


class Dispatches:
    """How many requests reach Flask's dispatch, through whatever middleware ``app`` has."""

    def __init__(self, app: Flask) -> None:
        self.count = 0
        request_started.connect(self._started, app)

    def _started(self, sender: Flask, **extra: Any) -> None:
        self.count += 1


def seeded_id(app: Flask) -> str:
    conversation_id = backend_of(app).store.entries()[0].conversation.id
    assert isinstance(conversation_id, str)
    return conversation_id


def request(wsgi: Any, method: str, path: str, authorization: str | None) -> TestResponse:
    headers = {} if authorization is None else {"Authorization": authorization}
    return Client(wsgi).open(path, method=method, headers=headers)


def comparable(response: TestResponse) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body, with this response's correlation id blanked out."""
    correlation_id = response.headers[CORRELATION_HEADER]
    headers = [
        (name, "<id>" if name == CORRELATION_HEADER else value)
        for name, value in response.headers.to_wsgi_list()
    ]
    return response.status_code, headers, response.data.replace(correlation_id.encode(), b"<id>")


@pytest.mark.parametrize(
    ("method", "path", "authorization", "fast"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_the_fast_path_answers_as_flask_does(
    app: Flask, method: str, path: str, authorization: str | None, fast: bool
) -> None:
    flask = flask_only(app)
    reads = ConversationReads(flask, app, backend_of(app))
    path = path.replace(HIT, seeded_id(app))

    through_flask = request(flask, method, path, authorization)
    through_fast_path = request(reads, method, path, authorization)

    assert comparable(through_fast_path) == comparable(through_flask)
    assert flask.calls == (1 if fast else 2)


def test_the_app_serves_hits_without_dispatching_to_flask(app: Flask) -> None:
    dispatches = Dispatches(app)
    path = f"/api/v2/conversations/{seeded_id(app)}"

    assert request(app, "GET", path, AUTH).status_code == 200
    assert dispatches.count == 0
    assert request(app, "GET", path, "Bearer nope").status_code == 401
    assert dispatches.count == 1


def test_a_hit_is_the_stored_conversation_with_a_fresh_correlation_id(app: Flask) -> None:
    entry = backend_of(app).store.entries()[0]
    path = f"/api/v2/conversations/{entry.conversation.id}"

    first, second = (request(app, "GET", path, AUTH) for _ in range(2))

    assert first.data == entry.body
    assert isinstance(first.get_json(), dict)
    assert first.headers["Content-Length"] == str(len(entry.body))
    ids = {response.headers[CORRELATION_HEADER] for response in (first, second)}
    assert len(ids) == 2


def test_a_change_is_served_at_once(app: Flask) -> None:
    store = backend_of(app).store
    conversation_id = seeded_id(app)
    renamed = Conversation(id=conversation_id, name="renamed")
    store.put([renamed])

    response = request(app, "GET", f"/api/v2/conversations/{conversation_id}", AUTH)

    assert response.get_json() == {"id": conversation_id, "name": "renamed"}


def test_an_id_with_a_slash_is_left_to_flask_routing(app: Flask) -> None:
    """Flask's ``<conversation_id>`` never matches a slash, so neither does the fast path."""
    backend_of(app).store.put([Conversation(id="a/b")])
    flask = flask_only(app)

    through_fast_path = request(
        ConversationReads(flask, app, backend_of(app)), "GET", "/api/v2/conversations/a/b", AUTH
    )

    assert through_fast_path.status_code == 404
    assert flask.calls == 1


def test_without_configured_tokens_any_bearer_token_is_served() -> None:
    from mockserver import create_app

    app = create_app({"CONVERSATIONS": 2})
    dispatches = Dispatches(app)

    response = request(app, "GET", f"/api/v2/conversations/{seeded_id(app)}", "Bearer anything")

    assert response.status_code == 200
    assert dispatches.count == 0


def test_a_token_list_changed_after_start_counts_on_the_fast_path(app: Flask) -> None:
    app.config["TOKENS"] = ("another",)

    response = request(app, "GET", f"/api/v2/conversations/{seeded_id(app)}", AUTH)

    assert response.status_code == 401


def test_correlation_ids_are_version_4_uuids() -> None:
    ids = [auth.correlation_id() for _ in range(2000)]

    assert len(set(ids)) == len(ids)
    for text in ids:
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant) == (4, uuid.RFC_4122)
        assert str(parsed) == text


def test_flask_has_no_request_hook_the_fast_path_would_skip(app: Flask) -> None:
    """A new before/after-request hook must be mirrored in mockserver/api/fast_reads.py, then listed here."""
    # The backend's catch_up runs what the clock made due; the fast path calls it too.
    # The console's door (its cookie) guards the console's pages alone, which the fast path never serves.
    assert {
        blueprint: hooks for blueprint, hooks in app.before_request_funcs.items() if blueprint != "console"
    } == {None: [backend_of(app).engine.catch_up, auth._begin]}
    # untyped_when_empty touches only bodiless 202/204 answers, which the fast path never gives.
    assert app.after_request_funcs == {None: [wire.untyped_when_empty, auth._stamp]}
    assert not app.url_value_preprocessors
    assert not app.teardown_request_funcs
